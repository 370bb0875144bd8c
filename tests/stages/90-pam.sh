#!/usr/bin/env bash
# The PAM module (pam/, docs/pam.md) in a real PAM stack: pamtester under a pseudo-terminal
# (pexpect) against the real `duet serve` on 127.0.0.1, with a CLI phone enrolled through the
# admin API, and rsyslogd recording the module's authpriv lines. Runs as root: it writes
# /etc/pam.d/duet-test and /etc/duet-test, and adds three local users (removed at the end).
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
[ "$(id -u)" -eq 0 ] || { echo "the PAM stage runs as root"; exit 1; }

T=$SECONDS
took() { echo "--- $1: $((SECONDS - T)) s"; T=$SECONDS; }

step "install pamtester, rsyslog and pexpect"
need_server_build
need_apt pamtester rsyslog python3-venv
py_venv pexpect
took install

step "build duet and the module"
cargo build -q --locked -p duet-cli --bin duet -p pam_duet
DUET="$ROOT/target/debug/duet"
SO="$ROOT/target/debug/libpam_duet.so"
took build

WORK="$(mktemp -d "${TMPDIR:-/tmp}/duet-pam.XXXXXX")"
chmod 755 "$WORK"
PAM_USERS="dptalice dptsvc dptoutsider"
RSYSLOG_PID=""
cleanup() {
  stop_duet_server
  [ -n "$RSYSLOG_PID" ] && kill "$RSYSLOG_PID" 2>/dev/null
  for u in $PAM_USERS; do userdel "$u" 2>/dev/null || true; done
  groupdel duetmfa 2>/dev/null || true
  rm -rf /etc/pam.d/duet-test /etc/duet-test "$WORK"
}
trap cleanup EXIT

step "local accounts: dptalice in group duetmfa, a service account, an outsider"
groupadd -f duetmfa
for u in $PAM_USERS; do id "$u" >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin "$u"; done
usermod -aG duetmfa dptalice

step "rsyslogd writing authpriv to the work directory"
cat > "$WORK/rsyslog.conf" <<CONF
module(load="imuxsock" SysSock.Name="/dev/log")
authpriv.* $WORK/auth.log
CONF
rsyslogd -n -f "$WORK/rsyslog.conf" -i "$WORK/rsyslog.pid" &
RSYSLOG_PID=$!
for _ in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
logger -p authpriv.info "duet pam stage: syslog check"
for _ in $(seq 50); do grep -q "syslog check" "$WORK/auth.log" 2>/dev/null && break; sleep 0.1; done
grep -q "syslog check" "$WORK/auth.log" || { echo "rsyslogd does not write authpriv"; exit 1; }
took rsyslog

step "duet serve on 127.0.0.1 with an admin key"
ADMIN_KEY="$("$DUET" admin-key create --data-dir "$WORK/server" --name "pam stage" --scope read-write)"
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$WORK/admin.pw"
start_duet_server "$DUET" "$WORK"
took start

step "pamtester scenarios"
mkdir -p "$WORK/home" "$WORK/vault"
HOME="$WORK/home" DUET_VAULT="$WORK/vault/duet.vault" BASE="$BASE" ADMIN_KEY="$ADMIN_KEY" DUET="$DUET" \
  SO="$SO" AUTH_LOG="$WORK/auth.log" PAM_USERS="$PAM_USERS" SERVER_PID="$SERVER_PID" \
  python tests/pam/pam_test.py
took scenarios
if grep -q "panicked" "$WORK/serve.log" "$WORK/auth.log"; then echo "a panic was logged"; exit 1; fi
echo
echo "module log lines:"
grep "pam_duet(" "$WORK/auth.log" | sed 's/^/  /'
