"""sudo and su through their real PAM files (/etc/pam.d/sudo, /etc/pam.d/su with the module after
`@include common-auth`), run under a pseudo-terminal as non-root users.

Environment: BASE, ADMIN_KEY, DUET, DUET_VAULT/HOME (where the CLI phones live), AUTH_LOG,
PAM_USERS, SUDO_USER_NAME (the local user who may sudo, new to the server: its own phone and push
budget), USER_PW (the password the stage gave it and the outsider).
"""
import json
import os
import re
import subprocess
import sys
import time

import pexpect

from admin_api import admin

BASE = os.environ["BASE"]
ADMIN_KEY = os.environ["ADMIN_KEY"]
DUET = os.environ["DUET"]
AUTH_LOG = os.environ["AUTH_LOG"]
PW = os.environ["USER_PW"]
_ALICE, _SVC, OUTSIDER = os.environ["PAM_USERS"].split()
DAN = os.environ["SUDO_USER_NAME"]
HOST = os.uname().nodename
passed = failed = 0
DAN_ENV = dict(os.environ, DUET_VAULT=os.environ["DUET_VAULT"] + ".sudo")




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


def phone(*args):
    return subprocess.run([DUET, *args], check=True, capture_output=True, text=True, env=DAN_ENV, timeout=60).stdout


def on_terminal(user, command):
    """`command` run by `user` on the test's terminal (`su -c` would detach it, and sudo needs it)."""
    return pexpect.spawn("setpriv", ["--reuid", user, "--regid", user, "--init-groups", "/bin/sh", "-c", command],
                         encoding="utf-8", timeout=30)


def sudo_push(mark):
    child = on_terminal(DAN, "sudo -k; sudo /usr/bin/id -u")
    child.expect_exact(f"[sudo] password for {DAN}:")
    child.sendline(PW)
    child.expect_exact("Passcode, or press Enter for a push:")
    child.sendline("")
    child.expect(r"duet: type (\d+) in the app, then press Enter")
    number = child.match.group(1)
    # What the phone shows: the service, the host and the command sudo is about to run.
    pending = json.loads(phone("pending", "--json"))
    assert len(pending) == 1, pending
    assert pending[0]["service"] == f"sudo on {HOST}: /usr/bin/id -u", pending[0]
    phone("approve", "--number", number)
    child.sendline("")
    child.expect(r"(?m)^0\r?$")
    child.expect(pexpect.EOF)
    expect_log("sudo", mark, rf"user={DAN} signin=\S+ push approved; allowed")


def sudo_denied(mark):
    child = on_terminal(DAN, "sudo -k; sudo /usr/bin/id -u; echo exit=$?")
    child.expect_exact(f"[sudo] password for {DAN}:")
    child.sendline(PW)
    child.expect_exact("Passcode, or press Enter for a push:")
    child.sendline("")
    child.expect(r"duet: type (\d+) in the app, then press Enter")
    phone("deny")
    child.sendline("")
    child.expect_exact("duet: sign-in denied in the app")
    # sudo asks again from the password; Ctrl-C ends it.
    child.expect_exact(f"[sudo] password for {DAN}:")
    child.sendintr()
    child.expect(pexpect.EOF)
    assert "exit=0" not in child.before, child.before
    expect_log("sudo", mark, rf"user={DAN} code=E_PAM_PUSH_DENIED signin=\S+ push denied in the app; denied")


def su_passcode(mark):
    code = admin("POST", f"/users/{user['id']}/bypass-codes")["code"]
    child = as_user(OUTSIDER, f"su -s /bin/sh {DAN} -c 'id -un'")
    child.expect_exact("Password:")
    child.sendline(PW)
    child.expect_exact("Passcode, or press Enter for a push:")
    child.sendline(code)
    child.expect(rf"(?m)^{DAN}\r?$")
    child.expect(pexpect.EOF)
    expect_log("su", mark, rf"user={DAN} signin=\S+ passcode approved; allowed")


def su_wrong_passcode(mark):
    child = as_user(OUTSIDER, f"su -s /bin/sh {DAN} -c 'id -un'; echo exit=$?")
    child.expect_exact("Password:")
    child.sendline(PW)
    for _ in range(3):
        child.expect_exact("Passcode, or press Enter for a push:")
        child.sendline("000000")
    child.expect_exact("duet: too many attempts")
    child.expect(r"exit=(\d+)")
    assert child.match.group(1) != "0", child.before
    child.expect(pexpect.EOF)
    expect_log("su", mark, rf"user={DAN} code=E_PAM_PROMPTS_USED no success in 3 prompts; denied")


user = admin("POST", "/users", {"name": DAN})
phone("enroll", admin("POST", f"/users/{user['id']}/enrollments")["link"])
scenario("sudo: password, then a push approved; the phone shows the command", "sudo", sudo_push)
scenario("sudo: push denied in the app, sudo refuses", "sudo", sudo_denied)
scenario("su: password, then a bypass code", "su", su_passcode)
scenario("su: wrong passcodes, su refuses", "su", su_wrong_passcode)
print(f"sudo/su: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
