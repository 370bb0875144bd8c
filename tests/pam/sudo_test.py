"""sudo and su through their real PAM files (/etc/pam.d/sudo, /etc/pam.d/su with the module after
`@include common-auth`), run under a pseudo-terminal as non-root users.

Environment: BASE, ADMIN_KEY, DUET, DUET_VAULT/HOME (the CLI phone enrolled for the first user),
AUTH_LOG, PAM_USERS, USER_PW (the password the stage gave the first two users).
"""
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

import pexpect

BASE = os.environ["BASE"]
ADMIN_KEY = os.environ["ADMIN_KEY"]
DUET = os.environ["DUET"]
AUTH_LOG = os.environ["AUTH_LOG"]
PW = os.environ["USER_PW"]
ALICE, _SVC, OUTSIDER = os.environ["PAM_USERS"].split()
HOST = os.uname().nodename
passed = failed = 0


def admin(method, path, body=None):
    req = urllib.request.Request(
        f"{BASE}/admin/api/v1{path}", method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {ADMIN_KEY}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def log_lines(service):
    with open(AUTH_LOG, errors="replace") as f:
        return [l for l in f if f"pam_duet({service})" in l]


def expect_log(service, mark, pattern):
    for _ in range(40):
        if any(re.search(pattern, l) for l in log_lines(service)[mark:]):
            return
        time.sleep(0.1)
    raise AssertionError(f"no {service} log line matching {pattern!r}")


def scenario(name, service, fn):
    global passed, failed
    start = time.monotonic()
    mark = len(log_lines(service))
    try:
        fn(mark)
        passed += 1
        print(f"ok   {name} ({time.monotonic() - start:.2f} s)", flush=True)
    except Exception as e:
        failed += 1
        print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)


def as_user(user, command):
    """`command` run by `user` (root's su needs no password: pam_rootok comes first)."""
    return pexpect.spawn("su", ["-s", "/bin/sh", user, "-c", command], encoding="utf-8", timeout=30)


def sudo_push(mark):
    child = as_user(ALICE, "sudo -k; sudo /usr/bin/id -u")
    child.expect_exact(f"[sudo] password for {ALICE}:")
    child.sendline(PW)
    child.expect_exact("Passcode, or press Enter for a push:")
    child.sendline("")
    child.expect(r"duet: type (\d+) in the app, then press Enter")
    number = child.match.group(1)
    # What the phone shows: the service, the host and the command sudo is about to run.
    pending = json.loads(subprocess.run([DUET, "pending", "--json"], check=True, capture_output=True,
                                        text=True, timeout=60).stdout)
    assert len(pending) == 1, pending
    assert pending[0]["service"] == f"sudo on {HOST}: /usr/bin/id -u", pending[0]
    subprocess.run([DUET, "approve", "--number", number], check=True, capture_output=True, timeout=60)
    child.sendline("")
    child.expect(r"(?m)^0\r?$")
    child.expect(pexpect.EOF)
    expect_log("sudo", mark, rf"user={ALICE} signin=\S+ push approved; allowed")


def sudo_denied(mark):
    child = as_user(ALICE, "sudo -k; sudo /usr/bin/id -u; echo exit=$?")
    child.expect_exact(f"[sudo] password for {ALICE}:")
    child.sendline(PW)
    child.expect_exact("Passcode, or press Enter for a push:")
    child.sendline("")
    child.expect(r"duet: type (\d+) in the app, then press Enter")
    subprocess.run([DUET, "deny"], check=True, capture_output=True, timeout=60)
    child.sendline("")
    child.expect_exact("duet: sign-in denied in the app")
    # sudo asks again from the password; Ctrl-C ends it.
    child.expect_exact(f"[sudo] password for {ALICE}:")
    child.sendintr()
    child.expect(pexpect.EOF)
    assert "exit=0" not in child.before, child.before
    expect_log("sudo", mark, rf"user={ALICE} code=E_PAM_PUSH_DENIED signin=\S+ push denied in the app; denied")


def su_passcode(mark):
    code = admin("POST", f"/users/{next(u['id'] for u in admin('GET', '/users') if u['name'] == ALICE)}/bypass-codes")["code"]
    child = as_user(OUTSIDER, f"su -s /bin/sh {ALICE} -c 'id -un'")
    child.expect_exact("Password:")
    child.sendline(PW)
    child.expect_exact("Passcode, or press Enter for a push:")
    child.sendline(code)
    child.expect(rf"(?m)^{ALICE}\r?$")
    child.expect(pexpect.EOF)
    expect_log("su", mark, rf"user={ALICE} signin=\S+ passcode approved; allowed")


def su_wrong_passcode(mark):
    child = as_user(OUTSIDER, f"su -s /bin/sh {ALICE} -c 'id -un'; echo exit=$?")
    child.expect_exact("Password:")
    child.sendline(PW)
    for _ in range(3):
        child.expect_exact("Passcode, or press Enter for a push:")
        child.sendline("000000")
    child.expect_exact("duet: too many attempts")
    child.expect(r"exit=(\d+)")
    assert child.match.group(1) != "0", child.before
    child.expect(pexpect.EOF)
    expect_log("su", mark, rf"user={ALICE} code=E_PAM_PROMPTS_USED no success in 3 prompts; denied")


scenario("sudo: password, then a push approved; the phone shows the command", "sudo", sudo_push)
scenario("sudo: push denied in the app, sudo refuses", "sudo", sudo_denied)
scenario("su: password, then a bypass code", "su", su_passcode)
scenario("su: wrong passcodes, su refuses", "su", su_wrong_passcode)
print(f"sudo/su: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
