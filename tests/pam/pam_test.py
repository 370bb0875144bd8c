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

from admin_api import admin

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




def duet(*args):
    return subprocess.run([DUET, *args], check=True, capture_output=True, text=True, timeout=60).stdout


def write_conf(url=BASE, mode=0o644, timeout=6, key_file=KEY_FILE, **extra):
    lines = [f"url = {url}", f"api_key_file = {key_file}", f"timeout = {timeout}"]
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
outsider = admin("POST", "/users", {"name": OUTSIDER})
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
    expect_log(mark, rf"user={ALICE} code=E_SRV_PASSCODE_WRONG passcode wrong")


@scenario("passcode reused: a used bypass code is refused")
def _(mark):
    code = bypass(alice["id"])
    passcode_flow(ALICE, code, OK)
    write_conf(prompts=1)
    try:
        passcode_flow(ALICE, code, FAIL)
    finally:
        write_conf()
    expect_log(mark, rf"user={ALICE} code=E_SRV_PASSCODE_(WRONG|REUSED) passcode (wrong|already used)")


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
    expect_log(mark, rf"user={ALICE} code=E_PAM_PUSH_DENIED signin=\S+ push denied in the app; denied")


@scenario("pre-check: a service account passes without a prompt, logged")
def _(mark):
    child = pamtester(SVC)
    finish(child, OK)
    assert "Passcode" not in child.before, child.before
    expect_log(mark, rf"user={SVC} preauth: service account, exempt; allowed")


@scenario("pre-check: a user unknown to the server is denied without a prompt, logged")
def _(mark):
    child = pamtester("dptghost")
    child.expect_exact("duet: this user is not known to the sign-in server")
    finish(child, FAIL)
    expect_log(mark, r"user=dptghost code=E_SRV_USER_UNKNOWN preauth: the user is not known to the server; denied")


@scenario("pre-check: a user without a device is offered passcodes only")
def _(mark):
    # dptoutsider exists on the server but never enrolled a phone.
    child = pamtester(OUTSIDER)
    child.expect_exact("Passcode: ")
    child.sendline("")
    child.expect_exact("duet: no device for pushes is enrolled; type a passcode")
    child.expect_exact("Passcode: ")
    child.sendline(bypass(outsider["id"]))
    finish(child, OK)
    assert "press Enter for a push" not in child.before
    expect_log(mark, rf"user={OUTSIDER} preauth: no device for pushes; offering passcodes only")
    expect_log(mark, rf"user={OUTSIDER} signin=\S+ passcode approved; allowed")


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


@scenario("server down, failmode=secure: denied at the pre-check, before any prompt")
def _(mark):
    write_conf(url="http://127.0.0.1:9", failmode="secure")
    try:
        child = pamtester(ALICE)
        child.expect_exact("duet: the sign-in server cannot be reached")
        finish(child, FAIL)
        assert "Passcode" not in child.before
    finally:
        write_conf()
    expect_log(mark, rf"user={ALICE} code=E_PAM_UNREACHABLE server unreachable \(.*\); denied")


@scenario("server down, failmode=safe: allowed and logged")
def _(mark):
    write_conf(url="http://127.0.0.1:9", failmode="safe")
    try:
        finish(pamtester(ALICE), OK)
    finally:
        write_conf()
    expect_log(mark, rf"user={ALICE} code=W_PAM_FAILMODE_SAFE server unreachable \(.*\); allowed by failmode=safe")


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
    expect_log(mark, rf"user={ALICE} code=E_PAM_SERVER_FAILED server failed \(.*\); denied")
    duet("deny")  # clears the push still pending on the phone


@scenario("wrong API key: denied")
def _(mark):
    with open(KEY_FILE) as f:
        good = f.read()
    with open(KEY_FILE, "w") as f:
        f.write("duet_" + "0" * 40 + "\n")
    try:
        # The pre-check is refused: no prompt.
        child = pamtester(ALICE)
        child.expect_exact("duet: sign-in refused (E_SRV_API_KEY_INVALID)")
        finish(child, FAIL)
    finally:
        with open(KEY_FILE, "w") as f:
            f.write(good)
    expect_log(mark, rf"user={ALICE} code=E_SRV_API_KEY_INVALID server refused: .*; denied")


@scenario("unsafe configuration mode refused")
def _(mark):
    write_conf(mode=0o666)
    try:
        finish(pamtester(ALICE), FAIL)
    finally:
        write_conf()
    expect_log(mark, r"code=E_PAM_CONFIG configuration refused: /etc/duet-test/pam.conf: unsafe mode 0666")


@scenario("API key file readable by others refused")
def _(mark):
    os.chmod(KEY_FILE, 0o644)
    try:
        finish(pamtester(ALICE), FAIL)
    finally:
        os.chmod(KEY_FILE, 0o600)
    expect_log(mark, r"code=E_PAM_CONFIG configuration refused: /etc/duet-test/pam.key: unsafe mode 0644")


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
    expect_log(mark, r"code=E_PAM_USER_NAME user name .* holds control characters; denied")



BREAK_GLASS = f"{CONF_DIR}/break-glass"


def glass_flow(code, want):
    child = pamtester(ALICE)
    child.expect_exact("duet: the sign-in server cannot be reached")
    child.expect_exact("Break-glass code: ")
    child.sendline(code)
    finish(child, want)


@scenario("break-glass: a code opens only while the server is unreachable, and only once")
def _(mark):
    out = duet("pam", "break-glass", "--generate", "2", "--file", BREAK_GLASS).split()
    assert len(out) == 2 and all(re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", c) for c in out), out
    assert oct(os.stat(BREAK_GLASS).st_mode & 0o777) == "0o600"
    with open(BREAK_GLASS) as f:
        text = f.read()
    assert out[0] not in text and text.count("unused $argon2id$") == 2, "the file holds hashes only"
    again = subprocess.run([DUET, "pam", "break-glass", "--generate", "1", "--file", BREAK_GLASS],
                           capture_output=True, text=True)
    assert again.returncode != 0 and "error E_CLI_BREAK_GLASS:" in again.stderr, again.stderr
    # Server up: a break-glass code is just a wrong passcode, and stays unspent.
    write_conf(break_glass_file=BREAK_GLASS, prompts=1)
    try:
        passcode_flow(ALICE, out[0], FAIL)
        expect_log(mark, rf"user={ALICE} code=E_SRV_PASSCODE_WRONG passcode wrong")
        with open(BREAK_GLASS) as f:
            assert f.read().count("unused ") == 2, "a code was spent while the server was reachable"
        # Server unreachable, failmode secure: the code opens once.
        write_conf(url="http://127.0.0.1:9", break_glass_file=BREAK_GLASS, prompts=1)
        glass_flow(out[0].upper(), OK)
        expect_log(mark, rf"user={ALICE} code=W_PAM_BREAK_GLASS_USED BREAK-GLASS code used while the server is unreachable .*; allowed, code spent")
        glass_flow(out[0], FAIL)
        glass_flow("aaaa-bbbb-cccc-dddd", FAIL)
        expect_log(mark, rf"user={ALICE} code=E_PAM_UNREACHABLE server unreachable \(.*\); denied")
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
            finish(pamtester(ALICE), FAIL)  # the pre-check already fails
        finally:
            write_conf()
        expect_log(mark, log_pattern)
    return run


scenario("stub: malformed answer denied (failmode=safe)")(
    stub_case("malformed", rf"user={ALICE} code=E_PAM_SERVER_FAILED server failed \(malformed answer \(HTTP 200\): not the expected object\); denied"))
scenario("stub: 1 MiB answer denied (failmode=safe)")(
    stub_case("oversized", rf"user={ALICE} code=E_PAM_SERVER_FAILED server failed \(reading the answer: .*\); denied"))
scenario("stub: slow answer, the timeout holds, denied (failmode=safe)")(
    stub_case("slow", rf"user={ALICE} code=E_PAM_SERVER_FAILED server failed \(timeout: .*\); denied"))



# --- TLS: the stub behind a certificate of its own ------------------------------------------
import ssl

TLS_DIR = os.environ["TLS_DIR"]  # ca.pem, and cert.pem/key.pem for 127.0.0.1, made by the stage


class TlsStub(Stub):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        # The pre-check, then the passcode's sign-in.
        body = b'{"result":"auth"}' if self.path.endswith("/preauth") else b'{"id":"tls0stub","status":"approved"}'
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
        child = pamtester(ALICE)
        child.expect_exact("duet: the sign-in server cannot be reached")
        finish(child, FAIL)
        expect_log(mark, rf"user={ALICE} code=E_PAM_UNREACHABLE server unreachable \(.*\); denied")
        write_conf(url=TLS_URL, failmode="safe", prompts=1)
        finish(pamtester(ALICE), OK)
        expect_log(mark, rf"user={ALICE} code=W_PAM_FAILMODE_SAFE server unreachable \(.*\); allowed by failmode=safe")
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


# --- http_proxy: a small forwarding proxy on 127.0.0.1 that records each request line --------
import socket
import socketserver

PROXY_SEEN = []  # request lines the proxy received
PROXY_CARRIED = []  # bytes it carried from the module to the server


class Proxy(socketserver.BaseRequestHandler):
    def handle(self):
        client = self.request
        head = b""
        while b"\r\n\r\n" not in head:
            data = client.recv(65536)
            if not data:
                return
            head += data
        head, rest = head.split(b"\r\n\r\n", 1)
        line, *headers = head.decode("latin-1").split("\r\n")
        PROXY_SEEN.append(line)
        method, target, _ = line.split(" ", 2)
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            upstream = socket.create_connection((host, int(port)), timeout=10)
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            # Absolute-form request: forwarded in origin form to the host it names.
            _, _, hostport, path = target.split("/", 3)
            host, port = hostport.rsplit(":", 1)
            upstream = socket.create_connection((host, int(port)), timeout=10)
            upstream.sendall(f"{method} /{path} HTTP/1.1\r\n".encode() + "".join(h + "\r\n" for h in headers).encode() + b"\r\n")
        if rest:
            PROXY_CARRIED.append(rest)
            upstream.sendall(rest)

        def pump(src, dst, record=None):
            try:
                while data := src.recv(65536):
                    if record is not None:
                        record.append(data)
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
        t = threading.Thread(target=pump, args=(upstream, client), daemon=True)
        t.start()
        pump(client, upstream, PROXY_CARRIED)
        t.join(timeout=30)
        upstream.close()


proxy = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Proxy)
proxy.daemon_threads = True
threading.Thread(target=proxy.serve_forever, daemon=True).start()
PROXY_URL = f"http://127.0.0.1:{proxy.server_address[1]}"


@scenario("http_proxy: the calls go through the proxy")
def _(mark):
    server_hostport = BASE.split("/")[2]
    PROXY_SEEN.clear()
    PROXY_CARRIED.clear()
    write_conf(http_proxy=PROXY_URL, prompts=1)
    try:
        passcode_flow(ALICE, bypass(alice["id"]), OK)
    finally:
        write_conf()
    expect_log(mark, rf"user={ALICE} signin=\S+ passcode approved; allowed")
    # The module tunnels to the server through the proxy; the server's URL is plain http on
    # loopback, so the proxy sees the calls inside the tunnel: the pre-check and the sign-in.
    assert PROXY_SEEN and all(l == f"CONNECT {server_hostport} HTTP/1.1" for l in PROXY_SEEN), PROXY_SEEN
    carried = b"".join(PROXY_CARRIED)
    assert b"POST /api/v1/preauth " in carried and b"POST /api/v1/signins " in carried, carried[:300]
    print(f"     proxy saw: {PROXY_SEEN}")


@scenario("http_proxy: a proxy that cannot be reached counts as unreachable")
def _(mark):
    write_conf(http_proxy="http://127.0.0.1:9", failmode="secure")
    try:
        child = pamtester(ALICE)
        child.expect_exact("duet: the sign-in server cannot be reached")
        finish(child, FAIL)
    finally:
        write_conf()
    expect_log(mark, rf"user={ALICE} code=E_PAM_UNREACHABLE server unreachable \(.*\); denied")


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
    expect_log(mark, rf"user={CAROL} code=E_SRV_PASSCODE_REUSED passcode already used")


@scenario("benchmark: time the module adds (passcode, push without the human)")
def _(mark):
    pass_ms, start_ms, finish_ms, pre_ms = [], [], [], []
    for _ in range(10):
        code = bypass(carol["id"])
        t = time.monotonic()
        child = pamtester(CAROL)
        child.expect_exact("Passcode, or press Enter for a push:")
        pre_ms.append((time.monotonic() - t) * 1000)
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
    # The same start with no call at all (a user outside `groups` passes at once): the difference
    # is what the pre-check adds.
    bare_ms = []
    write_conf(groups="duetmfa")
    try:
        for _ in range(10):
            t = time.monotonic()
            child = pamtester(OUTSIDER)
            child.expect_exact(OK)
            bare_ms.append((time.monotonic() - t) * 1000)
            child.expect(pexpect.EOF)
    finally:
        write_conf()
    # The pre-check's call alone, as any HTTP client makes it.
    call_ms = []
    for _ in range(10):
        req = urllib.request.Request(f"{BASE}/api/v1/preauth", method="POST", data=json.dumps({"user": CAROL}).encode(),
                                     headers={"Authorization": f"Bearer {app['api_key']}", "Content-Type": "application/json"})
        t = time.monotonic()
        with urllib.request.urlopen(req, timeout=10) as r:
            assert json.load(r) == {"result": "auth"}
        call_ms.append((time.monotonic() - t) * 1000)
    print(f"     benchmark: pamtester started -> first prompt (pre-check included), median of 10: {median(pre_ms):.1f} ms; "
          f"-> verdict without any call: {median(bare_ms):.1f} ms; the pre-check call alone: {median(call_ms):.1f} ms")
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
    expect_log(mark, rf"user={CAROL} code=E_PAM_PUSH_FRAUD signin=\S+ push reported as fraud in the app; denied")
    child = pamtester(CAROL)
    child.expect_exact("Passcode, or press Enter for a push:")
    child.sendline("")
    child.expect_exact("duet: no push now")
    child.expect_exact("Passcode, or press Enter for a push:")
    child.sendline(bypass(carol["id"]))
    finish(child, OK)
    expect_log(mark, rf"user={CAROL} code=E_SRV_PUSH_MUTED push refused; offering the passcode")
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
    expect_log(mark, rf"user={CAROL} code=E_PAM_PUSH_WRONG_NUMBER signin=\S+ push wrong number typed in the app; denied")

# --- the server library with a manual clock (duet-test-helper --own-url): mutes and expiry ---
# It runs the same server code with a clock the test moves, so a 20-minute mute and a
# push's expiry take no real time. Its public URL is its own loopback URL: the CLI phone enrolls
# and answers against it directly.
HELEN = "dpthelen"
clock_server = subprocess.Popen([os.environ["CLOCK_SERVER"], "--own-url"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          text=True, bufsize=1)


def ctl(*words):
    clock_server.stdin.write(" ".join(str(w) for w in words) + "\n")
    clock_server.stdin.flush()
    reply = clock_server.stdout.readline().strip()
    assert reply.startswith("ok "), reply
    return reply[3:]


CLOCK_URL = ctl("url")
CLOCK_KEY = f"{CONF_DIR}/clock.key"
with open(CLOCK_KEY, "w") as f:
    f.write(ctl("apikey") + "\n")
os.chmod(CLOCK_KEY, 0o600)
HELEN_ENV = dict(os.environ, DUET_VAULT=os.environ["DUET_VAULT"] + ".helen")
subprocess.run([DUET, "enroll", ctl("enroll", HELEN, int(time.time())).split()[0]],
               check=True, capture_output=True, env=HELEN_ENV, timeout=60)


def helen_duet(*args):
    return subprocess.run([DUET, *args], check=True, capture_output=True, text=True, env=HELEN_ENV, timeout=60).stdout


def clock_conf(**extra):
    write_conf(url=CLOCK_URL, key_file=CLOCK_KEY, **extra)


@scenario("manual clock: fraud mutes pushes, the mute ends with time, then a push expires")
def _(mark):
    clock_conf(prompts=1)
    try:
        child = pamtester(HELEN)
        child.expect_exact("Passcode, or press Enter for a push:")
        child.sendline("")
        child.expect(r"duet: type (\d+) in the app, then press Enter")
        helen_duet("deny", "--reason", "not_me")
        child.sendline("")
        child.expect_exact("duet: sign-in reported as fraud in the app")
        finish(child, FAIL)
        # Muted (20 minutes): the module says so and offers the passcode.
        child = pamtester(HELEN)
        child.expect_exact("Passcode, or press Enter for a push:")
        child.sendline("")
        child.expect_exact("duet: no push now")
        finish(child, FAIL)
        expect_log(mark, rf"user={HELEN} code=E_SRV_PUSH_MUTED push refused; offering the passcode")
        ctl("advance", 20 * 60 + 1)
        # The mute is over: a push goes out again; the phone does not answer, and it expires.
        child = pamtester(HELEN)
        child.expect_exact("Passcode, or press Enter for a push:")
        child.sendline("")
        child.expect(r"duet: type (\d+) in the app, then press Enter")
        ctl("advance", 121)
        child.sendline("")
        child.expect_exact("duet: sign-in expired")
        finish(child, FAIL)
        expect_log(mark, rf"user={HELEN} code=E_PAM_PUSH_EXPIRED signin=\S+ push expired; denied")
    finally:
        write_conf()


clock_server.stdin.write("quit\n")
clock_server.stdin.close()
clock_server.wait(timeout=30)

print()
for name, secs in times:
    print(f"  {secs:6.2f} s  {name}")
print(f"pam: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
