"""sshd with publickey + keyboard-interactive through the PAM module, driven by paramiko.

Environment: SSH_PORT, SSH_KEY (private key accepted for every test user), BASE, ADMIN_KEY,
DUET, AUTH_LOG, PAM_USERS (as in pam_test.py; the users exist on the server already).
"""
import json
import os
import re
import subprocess
import sys
import time

import paramiko

from admin_api import admin

PORT = int(os.environ["SSH_PORT"])
KEY = paramiko.Ed25519Key.from_private_key_file(os.environ["SSH_KEY"])
BASE = os.environ["BASE"]
ADMIN_KEY = os.environ["ADMIN_KEY"]
DUET = os.environ["DUET"]
AUTH_LOG = os.environ["AUTH_LOG"]
ALICE, SVC, BATCH = os.environ["PAM_USERS"].split()
passed = failed = 0




def user_id(name):
    return next(u["id"] for u in admin("GET", "/users") if u["name"] == name)


def log_lines():
    with open(AUTH_LOG, errors="replace") as f:
        return [l for l in f if "pam_duet(sshd)" in l]


def expect_log(mark, pattern):
    for _ in range(40):
        if any(re.search(pattern, l) for l in log_lines()[mark:]):
            return
        time.sleep(0.1)
    raise AssertionError(f"no sshd log line matching {pattern!r}")


def login(user, answer):
    """Key first, then keyboard-interactive answered by `answer(prompt)`; returns (authenticated, prompts seen)."""
    t = paramiko.Transport(("127.0.0.1", PORT))
    t.start_client(timeout=10)
    seen = []
    try:
        rest = t.auth_publickey(user, KEY)
        if rest:
            assert "keyboard-interactive" in rest, rest

            def handler(title, instructions, prompts):
                out = []
                for text, _echo in prompts:
                    seen.append(text)
                    out.append(answer(text))
                return out
            t.auth_interactive(user, handler)
        return t.is_authenticated(), seen, rest
    except paramiko.AuthenticationException:
        return False, seen, None
    finally:
        t.close()


def scenario(name, fn):
    global passed, failed
    start = time.monotonic()
    mark = len(log_lines())
    try:
        fn(mark)
        passed += 1
        print(f"ok   {name} ({time.monotonic() - start:.2f} s)", flush=True)
    except Exception as e:
        failed += 1
        print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)


def key_and_passcode(mark):
    code = admin("POST", f"/users/{user_id(ALICE)}/bypass-codes")["code"]
    ok, seen, rest = login(ALICE, lambda p: code)
    assert ok and rest == ["keyboard-interactive"], (ok, seen, rest)
    assert seen == ["Passcode, or press Enter for a push: "], seen
    expect_log(mark, rf"user={ALICE} signin=\S+ passcode approved; allowed")


def key_and_push(mark):
    def answer(prompt):
        m = re.match(r"duet: type (\d+) in the app, then press Enter", prompt)
        if m:
            # pushinfo = yes: sshd sets PAM_RHOST and PAM_TTY ("ssh"), and the phone shows them.
            pending = json.loads(subprocess.run([DUET, "pending", "--json"], check=True, capture_output=True,
                                                text=True, timeout=60).stdout)
            req = pending[0]
            want = (f"sshd on {os.uname().nodename}", "127.0.0.1", "ssh")
            assert (req["service"], req["ip"], req["client"]) == want, req
            subprocess.run([DUET, "approve", "--number", m.group(1)], check=True, capture_output=True, timeout=60)
        return ""
    ok, seen, _ = login(ALICE, answer)
    assert ok, seen
    assert len(seen) == 2 and seen[1].startswith("duet: type "), seen
    expect_log(mark, rf"user={ALICE} signin=\S+ push approved; allowed")


def key_and_wrong_passcode(mark):
    ok, seen, _ = login(ALICE, lambda p: "000000")
    assert not ok and len(seen) == 3, (ok, seen)
    expect_log(mark, rf"user={ALICE} code=E_PAM_PROMPTS_USED no success in 3 prompts; denied")


def batch_key_alone(mark):
    ok, seen, rest = login(BATCH, lambda p: "")
    assert ok and rest == [] and seen == [], (ok, seen, rest)
    time.sleep(0.3)
    assert not any(f"user={BATCH}" in l for l in log_lines()[mark:]), "the module ran for the batch user"


def no_key_no_login(mark):
    t = paramiko.Transport(("127.0.0.1", PORT))
    t.start_client(timeout=10)
    try:
        t.auth_interactive(ALICE, lambda *a: [""])
        raise AssertionError("keyboard-interactive alone was accepted")
    except paramiko.AuthenticationException:
        pass
    finally:
        t.close()


scenario("ssh: key + passcode", key_and_passcode)
scenario("ssh: key + push approved by the CLI phone", key_and_push)
scenario("ssh: key + wrong passcodes: denied after 3 prompts", key_and_wrong_passcode)
scenario("ssh: batch user exempted by Match User logs in with the key alone", batch_key_alone)
scenario("ssh: keyboard-interactive without the key is refused", no_key_no_login)
print(f"ssh: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
