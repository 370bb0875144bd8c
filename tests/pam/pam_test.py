"""PAM module scenarios: pamtester under a pseudo-terminal against the real duet server.

Environment: BASE (server URL), ADMIN_KEY (read-write admin API key), DUET (the CLI), SO (the
built module), AUTH_LOG (where rsyslogd writes authpriv), DUET_VAULT/HOME (the CLI phone).
Numbers are read from what pamtester displayed, never from the server.
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
SO = os.environ["SO"]
AUTH_LOG = os.environ["AUTH_LOG"]
CONF_DIR = "/etc/duet-test"
CONF = f"{CONF_DIR}/pam.conf"
KEY_FILE = f"{CONF_DIR}/pam.key"
SERVICE = "duet-test"
OK = "pamtester: successfully authenticated"
FAIL = "pamtester: Authentication failure"

passed = 0
failed = 0
times = []


def admin(method, path, body=None):
    req = urllib.request.Request(
        f"{BASE}/admin/api/v1{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {ADMIN_KEY}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def duet(*args):
    return subprocess.run([DUET, *args], check=True, capture_output=True, text=True, timeout=60).stdout


def write_conf(url=BASE, mode=0o644, timeout=6, **extra):
    lines = [f"url = {url}", f"api_key_file = {KEY_FILE}", f"timeout = {timeout}"]
    lines += [f"{k} = {v}" for k, v in extra.items()]
    with open(CONF, "w") as f:
        f.write("# pam_duet test configuration\n" + "\n".join(lines) + "\n")
    os.chmod(CONF, mode)


def log_lines():
    try:
        with open(AUTH_LOG, errors="replace") as f:
            return [l for l in f if f"pam_duet({SERVICE})" in l]
    except FileNotFoundError:
        return []


def expect_log(mark, pattern):
    """Waits (rsyslogd writes asynchronously) for a new log line matching pattern."""
    for _ in range(40):
        new = log_lines()[mark:]
        if any(re.search(pattern, l) for l in new):
            return
        time.sleep(0.1)
    raise AssertionError(f"no log line matching {pattern!r}; new lines: {new}")


def pamtester(user):
    child = pexpect.spawn("pamtester", ["-v", SERVICE, user, "authenticate"], encoding="utf-8", timeout=30)
    return child


def scenario(name):
    def wrap(fn):
        global passed, failed
        t = time.monotonic()
        mark = len(log_lines())
        try:
            fn(mark)
            passed += 1
            print(f"ok   {name} ({time.monotonic() - t:.2f} s)", flush=True)
        except Exception as e:  # report every scenario, then fail the run
            failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
        times.append((name, time.monotonic() - t))
        return fn
    return wrap


def finish(child, want):
    child.expect([OK, FAIL])
    got = child.after
    child.expect(pexpect.EOF)
    assert got == want, f"pamtester said {got!r}, expected {want!r}; output: {child.before!r}"


# --- setup: users, the application key, the CLI phone -------------------------------------
USERS = os.environ["PAM_USERS"].split()
ALICE, SVC, OUTSIDER = USERS
alice = admin("POST", "/users", {"name": ALICE})
svc = admin("POST", "/users", {"name": SVC, "service_account": True})
admin("POST", "/users", {"name": OUTSIDER})
app = admin("POST", "/applications", {"name": "pam test"})
os.makedirs(CONF_DIR, exist_ok=True)
with open(KEY_FILE, "w") as f:
    f.write(app["api_key"] + "\n")
os.chmod(KEY_FILE, 0o600)
enr = admin("POST", f"/users/{alice['id']}/enrollments")
duet("enroll", enr["link"])
with open(f"/etc/pam.d/{SERVICE}", "w") as f:
    f.write(f"auth required {SO} conf={CONF}\naccount required pam_permit.so\n")
write_conf()


def bypass(user_id):
    return admin("POST", f"/users/{user_id}/bypass-codes")["code"]


def passcode_flow(user, code, want, marker=None):
    child = pamtester(user)
    child.expect_exact("Passcode, or press Enter for a push:")
    child.sendline(code)
    if marker:
        child.expect_exact(marker)
    finish(child, want)


@scenario("passcode right (helpdesk bypass code)")
def _(mark):
    passcode_flow(ALICE, bypass(alice["id"]), OK)
    expect_log(mark, rf"user={ALICE} signin=\S+ passcode approved; allowed")


@scenario("passcode wrong, then a right one at the second prompt")
def _(mark):
    code = bypass(alice["id"])
    child = pamtester(ALICE)
    child.expect_exact("Passcode, or press Enter for a push:")
    child.sendline("000000")
    child.expect_exact("duet: passcode wrong")
    child.expect_exact("Passcode, or press Enter for a push:")
    child.sendline(code)
    finish(child, OK)
    expect_log(mark, rf"user={ALICE} passcode wrong \(E_SRV_PASSCODE_WRONG\)")


@scenario("passcode reused: a used bypass code is refused")
def _(mark):
    code = bypass(alice["id"])
    passcode_flow(ALICE, code, OK)
    write_conf(prompts=1)
    try:
        passcode_flow(ALICE, code, FAIL)
    finally:
        write_conf()
    expect_log(mark, rf"user={ALICE} passcode (wrong|already used)")


@scenario("push approved with the number pamtester displayed")
def _(mark):
    child = pamtester(ALICE)
    child.expect_exact("Passcode, or press Enter for a push:")
    t = time.monotonic()
    child.sendline("")
    child.expect(r"duet: type (\d+) in the app, then press Enter")
    number = child.match.group(1)
    duet("approve", "--number", number)
    child.sendline("")
    finish(child, OK)
    print(f"     push: prompt to success {time.monotonic() - t:.2f} s (CLI phone included)")
    expect_log(mark, rf"user={ALICE} signin=\S+ push approved; allowed")


@scenario("pushinfo: the phone shows the PAM service and host")
def _(mark):
    write_conf(pushinfo="yes")
    try:
        child = pamtester(ALICE)
        child.expect_exact("Passcode, or press Enter for a push:")
        child.sendline("")
        child.expect(r"duet: type (\d+) in the app, then press Enter")
        number = child.match.group(1)
        pending = json.loads(duet("pending", "--json"))
        assert len(pending) == 1, pending
        req = pending[0]
        host = os.uname().nodename
        assert req["service"] == f"{SERVICE} on {host}", req
        # pamtester sets neither PAM_TTY nor PAM_RHOST: nothing is made up for them.
        assert req["client"] is None and req["ip"] is None, req
        duet("approve", "--number", number)
        child.sendline("")
        finish(child, OK)
    finally:
        write_conf()


@scenario("push denied in the app")
def _(mark):
    write_conf(autopush="yes", prompts=1)
    try:
        child = pamtester(ALICE)
        child.expect(r"duet: type (\d+) in the app, then press Enter")
        duet("deny")
        child.sendline("")
        child.expect_exact("duet: sign-in denied in the app")
        finish(child, FAIL)
    finally:
        write_conf()
    expect_log(mark, rf"user={ALICE} signin=\S+ push denied in the app; denied")


@scenario("service account passes, exempt and logged")
def _(mark):
    passcode_flow(SVC, "", OK)
    expect_log(mark, rf"user={SVC} signin=\S+ push service account, exempt; allowed")


@scenario("groups: a user outside the groups passes without a prompt")
def _(mark):
    write_conf(groups="duetmfa")
    try:
        finish(pamtester(OUTSIDER), OK)
        expect_log(mark, rf"user={OUTSIDER} not in the configured groups")
        # alice is in duetmfa: still asked.
        passcode_flow(ALICE, bypass(alice["id"]), OK)
    finally:
        write_conf()


@scenario("groups: `!` negation exempts")
def _(mark):
    write_conf(groups="*,!duetmfa")
    try:
        finish(pamtester(ALICE), OK)
        expect_log(mark, rf"user={ALICE} not in the configured groups")
    finally:
        write_conf()


@scenario("server down, failmode=secure: denied")
def _(mark):
    write_conf(url="http://127.0.0.1:9", failmode="secure")
    try:
        passcode_flow(ALICE, "123456", FAIL, "duet: the sign-in server cannot be reached")
    finally:
        write_conf()
    expect_log(mark, rf"user={ALICE} server unreachable \(.*\); denied")


@scenario("server down, failmode=safe: allowed and logged")
def _(mark):
    write_conf(url="http://127.0.0.1:9", failmode="safe")
    try:
        passcode_flow(ALICE, "", OK)
    finally:
        write_conf()
    expect_log(mark, rf"user={ALICE} server unreachable \(.*\); allowed by failmode=safe")


@scenario("server answers, then a later call fails: denied even with failmode=safe")
def _(mark):
    # The push starts (the server answered), then the server stops answering: the status call
    # times out, and that must deny, not fall back to the fail mode.
    write_conf(failmode="safe", autopush="yes", prompts=1)
    try:
        child = pamtester(ALICE)
        child.expect(r"duet: type (\d+) in the app, then press Enter")
        os.kill(int(os.environ["SERVER_PID"]), 19)  # SIGSTOP: the server stops answering
        try:
            child.sendline("")
            finish(child, FAIL)
        finally:
            os.kill(int(os.environ["SERVER_PID"]), 18)  # SIGCONT
    finally:
        write_conf()
    expect_log(mark, rf"user={ALICE} server failed \(.*\); denied")
    duet("deny")  # clears the push still pending on the phone


@scenario("wrong API key: denied")
def _(mark):
    with open(KEY_FILE) as f:
        good = f.read()
    with open(KEY_FILE, "w") as f:
        f.write("duet_" + "0" * 40 + "\n")
    try:
        passcode_flow(ALICE, "123456", FAIL)
    finally:
        with open(KEY_FILE, "w") as f:
            f.write(good)
    expect_log(mark, rf"user={ALICE} server refused: E_SRV_\w+ .*; denied")


@scenario("unsafe configuration mode refused")
def _(mark):
    write_conf(mode=0o666)
    try:
        finish(pamtester(ALICE), FAIL)
    finally:
        write_conf()
    expect_log(mark, r"configuration refused: /etc/duet-test/pam.conf: unsafe mode 0666")


@scenario("API key file readable by others refused")
def _(mark):
    os.chmod(KEY_FILE, 0o644)
    try:
        finish(pamtester(ALICE), FAIL)
    finally:
        os.chmod(KEY_FILE, 0o600)
    expect_log(mark, r"configuration refused: /etc/duet-test/pam.key: unsafe mode 0644")


@scenario("unknown key and bad value refused")
def _(mark):
    write_conf(failopen="yes")
    try:
        finish(pamtester(ALICE), FAIL)
        expect_log(mark, r"configuration refused: .*unknown key `failopen`")
        write_conf(failmode="open")
        finish(pamtester(ALICE), FAIL)
        expect_log(mark, r"bad value for `failmode`")
    finally:
        write_conf()


@scenario("user name with a control character denied")
def _(mark):
    finish(pamtester(ALICE + "\t"), FAIL)
    expect_log(mark, r"holds control characters; denied")



BREAK_GLASS = f"{CONF_DIR}/break-glass"
DUET_PAM = os.environ["DUET_PAM"]


@scenario("break-glass: a code opens only while the server is unreachable, and only once")
def _(mark):
    out = subprocess.run([DUET_PAM, "break-glass", "--generate", "2", "--file", BREAK_GLASS],
                         check=True, capture_output=True, text=True, timeout=60).stdout.split()
    assert len(out) == 2 and all(re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", c) for c in out), out
    assert oct(os.stat(BREAK_GLASS).st_mode & 0o777) == "0o600"
    with open(BREAK_GLASS) as f:
        text = f.read()
    assert out[0] not in text and text.count("unused $argon2id$") == 2, "the file holds hashes only"
    again = subprocess.run([DUET_PAM, "break-glass", "--generate", "1", "--file", BREAK_GLASS], capture_output=True)
    assert again.returncode != 0, "an existing code file was overwritten"
    # Server up: a break-glass code is just a wrong passcode, and stays unspent.
    write_conf(break_glass_file=BREAK_GLASS, prompts=1)
    try:
        passcode_flow(ALICE, out[0], FAIL)
        expect_log(mark, rf"user={ALICE} passcode wrong")
        with open(BREAK_GLASS) as f:
            assert f.read().count("unused ") == 2, "a code was spent while the server was reachable"
        # Server unreachable, failmode secure: the code opens once.
        write_conf(url="http://127.0.0.1:9", break_glass_file=BREAK_GLASS, prompts=1)
        passcode_flow(ALICE, out[0].upper(), OK)
        expect_log(mark, rf"user={ALICE} BREAK-GLASS code used while the server is unreachable .*; allowed, code spent")
        passcode_flow(ALICE, out[0], FAIL)
        passcode_flow(ALICE, "aaaa-bbbb-cccc-dddd", FAIL)
        with open(BREAK_GLASS) as f:
            text = f.read()
        assert text.count("used ") - text.count("unused ") == 1 and text.count("unused ") == 1, text
    finally:
        write_conf()



# --- bad answers: a small stub on 127.0.0.1, the one place a stand-in is right -------------
import http.server
import threading

STUB_MODE = {"mode": "malformed"}


class Stub(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        mode = STUB_MODE["mode"]
        if mode == "slow":
            time.sleep(8)
        body = {
            "malformed": b'{"id": 7, "status": ',
            "oversized": b'{"id":"x","status":"approved","pad":"' + b"a" * (1 << 20) + b'"}',
            "slow": b'{"id":"x","status":"approved"}',
        }[mode]
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *a):
        pass


stub = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stub)
threading.Thread(target=stub.serve_forever, daemon=True).start()
STUB_URL = f"http://127.0.0.1:{stub.server_address[1]}"


def stub_case(mode, log_pattern):
    def run(mark):
        STUB_MODE["mode"] = mode
        # failmode=safe: the stub answered (connected), so a bad answer must still deny.
        write_conf(url=STUB_URL, failmode="safe", timeout=5, prompts=1)
        try:
            passcode_flow(ALICE, "123456", FAIL)
        finally:
            write_conf()
        expect_log(mark, log_pattern)
    return run


scenario("stub: malformed answer denied (failmode=safe)")(
    stub_case("malformed", rf"user={ALICE} server failed \(malformed answer \(HTTP 200\): not a sign-in\); denied"))
scenario("stub: 1 MiB answer denied (failmode=safe)")(
    stub_case("oversized", rf"user={ALICE} server failed \(reading the answer: .*\); denied"))
scenario("stub: slow answer, the timeout holds, denied (failmode=safe)")(
    stub_case("slow", rf"user={ALICE} server failed \(timeout: .*\); denied"))



# --- TLS: the stub behind a certificate of its own ------------------------------------------
import ssl

TLS_DIR = os.environ["TLS_DIR"]  # ca.pem, and cert.pem/key.pem for 127.0.0.1, made by the stage


class TlsStub(Stub):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b'{"id":"tls0stub","status":"approved"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


tls_stub = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TlsStub)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(f"{TLS_DIR}/cert.pem", f"{TLS_DIR}/key.pem")
tls_stub.socket = ctx.wrap_socket(tls_stub.socket, server_side=True)
threading.Thread(target=tls_stub.serve_forever, daemon=True).start()
TLS_URL = f"https://127.0.0.1:{tls_stub.server_address[1]}"


@scenario("TLS: an untrusted certificate fails the handshake, which counts as unreachable")
def _(mark):
    write_conf(url=TLS_URL, failmode="secure", prompts=1)
    try:
        passcode_flow(ALICE, "123456", FAIL, "duet: the sign-in server cannot be reached")
        expect_log(mark, rf"user={ALICE} server unreachable \(.*\); denied")
        write_conf(url=TLS_URL, failmode="safe", prompts=1)
        passcode_flow(ALICE, "123456", OK)
        expect_log(mark, rf"user={ALICE} server unreachable \(.*\); allowed by failmode=safe")
    finally:
        write_conf()


@scenario("TLS: cafile trusts the server's own CA")
def _(mark):
    write_conf(url=TLS_URL, cafile=f"{TLS_DIR}/ca.pem", prompts=1)
    try:
        passcode_flow(ALICE, "123456", OK)
    finally:
        write_conf()
    expect_log(mark, rf"user={ALICE} signin=tls0stub passcode approved; allowed")


# --- a second user with its own CLI phone: push outcomes that pause or mute pushes, and timing --
CAROL = "dptcarol"
carol = admin("POST", "/users", {"name": CAROL})
CAROL_ENV = dict(os.environ, DUET_VAULT=os.environ["DUET_VAULT"] + ".carol")
subprocess.run([DUET, "enroll", admin("POST", f"/users/{carol['id']}/enrollments")["link"]],
               check=True, capture_output=True, env=CAROL_ENV, timeout=60)


def carol_duet(*args):
    return subprocess.run([DUET, *args], check=True, capture_output=True, text=True, env=CAROL_ENV, timeout=60).stdout


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


@scenario("passcode from the app (the enrolled offline secret): right, then reused")
def _(mark):
    accounts = [a for a in json.loads(carol_duet("list", "--json")) if a.get("type") == "totp"]
    assert len(accounts) == 1, accounts
    # No earlier scenario used carol's app code; the server accepts the previous step too, so a
    # step boundary between reading and typing does not matter.
    code = carol_duet("code", accounts[0]["id"]).split()[0]
    assert re.fullmatch(r"\d{6}", code), code
    passcode_flow(CAROL, code, OK)
    expect_log(mark, rf"user={CAROL} signin=\S+ passcode approved; allowed")
    write_conf(prompts=1)
    try:
        passcode_flow(CAROL, code, FAIL, "duet: passcode already used")
    finally:
        write_conf()
    expect_log(mark, rf"user={CAROL} passcode already used \(E_SRV_PASSCODE_REUSED\)")


@scenario("benchmark: time the module adds (passcode, push without the human)")
def _(mark):
    pass_ms, start_ms, finish_ms = [], [], []
    for _ in range(10):
        code = bypass(carol["id"])
        child = pamtester(CAROL)
        child.expect_exact("Passcode, or press Enter for a push:")
        t = time.monotonic()
        child.sendline(code)
        child.expect_exact(OK)
        pass_ms.append((time.monotonic() - t) * 1000)
        child.expect(pexpect.EOF)
    for _ in range(3):
        child = pamtester(CAROL)
        child.expect_exact("Passcode, or press Enter for a push:")
        t = time.monotonic()
        child.sendline("")
        child.expect(r"duet: type (\d+) in the app, then press Enter")
        start_ms.append((time.monotonic() - t) * 1000)
        carol_duet("approve", "--number", child.match.group(1))
        t = time.monotonic()
        child.sendline("")
        child.expect_exact(OK)
        finish_ms.append((time.monotonic() - t) * 1000)
        child.expect(pexpect.EOF)
    print(f"     benchmark: passcode typed -> success, median of 10: {median(pass_ms):.1f} ms")
    print(f"     benchmark: Enter -> push number shown, median of 3: {median(start_ms):.1f} ms; "
          f"approved -> success, median of 3: {median(finish_ms):.1f} ms")


@scenario("push reported as fraud, then pushes muted: the module offers the passcode")
def _(mark):
    child = pamtester(CAROL)
    child.expect_exact("Passcode, or press Enter for a push:")
    child.sendline("")
    child.expect(r"duet: type (\d+) in the app, then press Enter")
    carol_duet("deny", "--reason", "not_me")
    child.sendline("")
    child.expect_exact("duet: sign-in reported as fraud in the app")
    finish(child, FAIL)
    expect_log(mark, rf"user={CAROL} signin=\S+ push reported as fraud in the app; denied")
    child = pamtester(CAROL)
    child.expect_exact("Passcode, or press Enter for a push:")
    child.sendline("")
    child.expect_exact("duet: no push now")
    child.expect_exact("Passcode, or press Enter for a push:")
    child.sendline(bypass(carol["id"]))
    finish(child, OK)
    expect_log(mark, rf"user={CAROL} push refused \(E_SRV_PUSH_MUTED\); offering the passcode")
    admin("POST", f"/users/{carol['id']}/unmute")


@scenario("push with a wrong number typed in the app")
def _(mark):
    child = pamtester(CAROL)
    child.expect_exact("Passcode, or press Enter for a push:")
    child.sendline("")
    child.expect(r"duet: type (\d+) in the app, then press Enter")
    shown = int(child.match.group(1))
    wrong = (shown - 100 + 1) % 900 + 100
    subprocess.run([DUET, "approve", "--number", str(wrong)], capture_output=True, env=CAROL_ENV, timeout=60)
    child.sendline("")
    child.expect_exact("duet: sign-in wrong number typed in the app")
    finish(child, FAIL)
    expect_log(mark, rf"user={CAROL} signin=\S+ push wrong number typed in the app; denied")

print()
for name, secs in times:
    print(f"  {secs:6.2f} s  {name}")
print(f"pam: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
