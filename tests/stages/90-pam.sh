#!/usr/bin/env bash
# The PAM module (pam/, docs/pam.md) in a real PAM stack: pamtester under a pseudo-terminal
# (pexpect) against the real `duet serve` on 127.0.0.1, with a CLI phone enrolled through the
# admin API, and rsyslogd recording the module's authpriv lines. Then a real sshd on a loopback
# port (publickey + keyboard-interactive, a Match User exemption) driven by paramiko. Runs as
# root: it writes /etc/pam.d/duet-test and /etc/duet-test, puts the module into /etc/pam.d/sshd
# (restored at the end) and adds three local users (removed at the end).
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
[ "$(id -u)" -eq 0 ] || { echo "the PAM stage runs as root"; exit 1; }

T=$SECONDS
took() { echo "--- $1: $((SECONDS - T)) s"; T=$SECONDS; }

step "install pamtester, rsyslog, openssh-server, pexpect and paramiko"
need_server_build
need_apt pamtester rsyslog openssh-server openssh-client openssl python3-venv sudo
py_venv pexpect paramiko
took install

step "build duet, the module and the manual-clock test server"
cargo build -q --locked -p duet-cli --bin duet
cargo build -q --locked -p pam_duet
cargo build -q --locked -p duet-tests --bin duet-test-helper
CLOCK_SERVER="$ROOT/target/debug/duet-test-helper"
DUET="$ROOT/target/debug/duet"
SO="$ROOT/target/debug/libpam_duet.so"
took build

WORK="$(mktemp -d "${TMPDIR:-/tmp}/duet-pam.XXXXXX")"
chmod 755 "$WORK"
PAM_USERS="dptalice dptsvc dptoutsider"
SUDO_USER_NAME=dptdan
RSYSLOG_PID=""
SSHD_PID=""
cleanup() {
  stop_duet_server
  [ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null
  for f in sshd sudo su; do [ -f "$WORK/pam.d-$f.orig" ] && cp "$WORK/pam.d-$f.orig" "/etc/pam.d/$f"; done
  rm -f /etc/sudoers.d/duet-test
  [ -n "$RSYSLOG_PID" ] && kill "$RSYSLOG_PID" 2>/dev/null
  for u in $PAM_USERS $SUDO_USER_NAME; do userdel "$u" 2>/dev/null || true; done
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
mkdir -p "$WORK/home" "$WORK/vault" "$WORK/tls"
# A private CA (trusted only through `cafile`) and the TLS stub's certificate for 127.0.0.1.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=duet test CA" \
  -keyout "$WORK/tls/ca.key" -out "$WORK/tls/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
  -keyout "$WORK/tls/key.pem" -out "$WORK/tls/req.pem" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' > "$WORK/tls/ext"
openssl x509 -req -in "$WORK/tls/req.pem" -CA "$WORK/tls/ca.pem" -CAkey "$WORK/tls/ca.key" -CAcreateserial \
  -days 2 -extfile "$WORK/tls/ext" -out "$WORK/tls/cert.pem" 2>/dev/null
HOME="$WORK/home" DUET_VAULT="$WORK/vault/duet.vault" BASE="$BASE" ADMIN_KEY="$ADMIN_KEY" DUET="$DUET" \
  SO="$SO" CLOCK_SERVER="$CLOCK_SERVER" TLS_DIR="$WORK/tls" AUTH_LOG="$WORK/auth.log" PAM_USERS="$PAM_USERS" SERVER_PID="$SERVER_PID" \
  python tests/pam/pam_test.py
took scenarios

step "sshd on a loopback port: publickey + keyboard-interactive through the module"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/user_key"
mkdir -p "$WORK/keys" /run/sshd
for u in $PAM_USERS; do cp "$WORK/user_key.pub" "$WORK/keys/$u"; done
chmod 755 "$WORK/keys"; chmod 644 "$WORK/keys/"*
SSH_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat > "$WORK/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $SSH_PORT
HostKey $WORK/host_key
PidFile $WORK/sshd.pid
AuthorizedKeysFile $WORK/keys/%u
StrictModes no
UsePAM yes
PasswordAuthentication no
KbdInteractiveAuthentication yes
AuthenticationMethods publickey,keyboard-interactive
Match User dptoutsider
    AuthenticationMethods publickey
CONF
/usr/sbin/sshd -t -f "$WORK/sshd_config"
cp /etc/pam.d/sshd "$WORK/pam.d-sshd.orig"
printf 'auth required %s conf=/etc/duet-test/pam.conf\naccount required pam_permit.so\nsession required pam_permit.so\n' "$SO" > /etc/pam.d/sshd
echo "pushinfo = yes" >> /etc/duet-test/pam.conf
/usr/sbin/sshd -D -e -f "$WORK/sshd_config" 2> "$WORK/sshd.log" &
SSHD_PID=$!
for _ in $(seq 50); do grep -q "Server listening" "$WORK/sshd.log" && break; sleep 0.1; done
HOME="$WORK/home" DUET_VAULT="$WORK/vault/duet.vault" BASE="$BASE" ADMIN_KEY="$ADMIN_KEY" DUET="$DUET" \
  AUTH_LOG="$WORK/auth.log" PAM_USERS="$PAM_USERS" SSH_PORT="$SSH_PORT" SSH_KEY="$WORK/user_key" \
  python tests/pam/ssh_test.py || { cat "$WORK/sshd.log"; exit 1; }
took sshd
step "sudo and su through their real PAM files"
USER_PW="$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
id "$SUDO_USER_NAME" >/dev/null 2>&1 || useradd -M -s /bin/sh "$SUDO_USER_NAME"
for u in "$SUDO_USER_NAME" dptoutsider; do echo "$u:$USER_PW" | chpasswd; chsh -s /bin/sh "$u"; done
printf 'Defaults:%s timestamp_timeout=0, !lecture\n%s ALL=(root) /usr/bin/id\n' "$SUDO_USER_NAME" "$SUDO_USER_NAME" \
  > /etc/sudoers.d/duet-test
chmod 440 /etc/sudoers.d/duet-test
visudo -cq -f /etc/sudoers.d/duet-test
for f in sudo su; do
  cp "/etc/pam.d/$f" "$WORK/pam.d-$f.orig"
  # The module right after the password (common-auth), as docs/pam.md's recipes put it.
  sed -i "s|^@include common-auth\$|@include common-auth\nauth required $SO conf=/etc/duet-test/pam.conf|" "/etc/pam.d/$f"
  grep -q "pam_duet.so conf=" "/etc/pam.d/$f" || { echo "/etc/pam.d/$f has no @include common-auth line"; exit 1; }
done
HOME="$WORK/home" DUET_VAULT="$WORK/vault/duet.vault" BASE="$BASE" ADMIN_KEY="$ADMIN_KEY" DUET="$DUET" \
  AUTH_LOG="$WORK/auth.log" PAM_USERS="$PAM_USERS" SUDO_USER_NAME="$SUDO_USER_NAME" USER_PW="$USER_PW" \
  python tests/pam/sudo_test.py
took sudo-su
if grep -q "panicked" "$WORK/serve.log" "$WORK/auth.log"; then echo "a panic was logged"; exit 1; fi
echo
echo "module log lines:"
grep "pam_duet(" "$WORK/auth.log" | sed 's/^/  /'
