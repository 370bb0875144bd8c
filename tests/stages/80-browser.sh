#!/usr/bin/env bash
# The helpdesk page in a real headless browser: Debian's chromium driven by playwright-core.
# Logs in (the password, then the admin's authenticator set up from the secret the page shows,
# its codes computed in the test from RFC 6238), creates an enrollment, screenshots it, decodes
# the QR code from the screenshot with zbarimg, enrolls the CLI with exactly that text, then
# approves a test push sent from the page. Then a second server whose public URL names a host
# (http://localhost:PORT): the admin registers a passkey in Chromium's virtual authenticator at
# the first login, signs out, and signs in again with password + passkey.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
need_apt chromium zbar-tools ca-certificates
need_server_build
# Node may come from elsewhere (with its own npm); only install Debian's when missing.
command -v node >/dev/null || need_apt nodejs
command -v npm >/dev/null || need_apt npm

step "playwright-core (npm)"
NODE_DIR="$DUET_CACHE/browser-node"
mkdir -p "$NODE_DIR"
cp tests/browser/package.json "$NODE_DIR/"
(cd "$NODE_DIR" && npm install --no-audit --no-fund --silent >/dev/null)
cp tests/browser/helpdesk.mjs "$NODE_DIR/"

step "build duet"
cargo build -q -p duet-cli --locked
DUET="$ROOT/target/debug/duet"

WORK="$(mktemp -d)"
cleanup() {
  stop_duet_server
  rm -rf "$WORK"
}
trap cleanup EXIT

step "start duet serve on 127.0.0.1"
PASSWORD="browser-test-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s' "$PASSWORD" > "$WORK/admin.pw"
start_duet_server "$DUET" "$WORK"

mkdir -p "$WORK/keys"
export DUET_VAULT="$WORK/vault.sqlite" DUET_KEY_STORE=key-file DUET_KEY_FILE="$WORK/keys/vault.key" DUET_KEY_CACHE=off
unset DUET_PASSPHRASE || true

step "browser: log in, create an enrollment, screenshot"
node "$NODE_DIR/helpdesk.mjs" enroll "$BASE" "$PASSWORD" "$WORK"

step "decode the QR code from the screenshot (zbarimg)"
# zbarimg talks to D-Bus for nothing; its noise goes to a log shown only on failure.
QR_TEXT="$(zbarimg --raw -q "$WORK/enrollment.png" 2>"$WORK/zbar.log")" || { cat "$WORK/zbar.log"; exit 1; }
case "$QR_TEXT" in
  duet://enroll\?*) echo "QR code decoded: ${QR_TEXT:0:40}..." ;;
  *) echo "unexpected QR content: $QR_TEXT"; exit 1 ;;
esac

step "duet enroll with exactly the decoded text"
"$DUET" enroll "$QR_TEXT"

step "browser: send a test push; duet pending / duet approve with the number on the page"
rm -f "$WORK/number.txt"
node "$NODE_DIR/helpdesk.mjs" testpush "$BASE" "$WORK" &
BROWSER_PID=$!
for _ in $(seq 100); do [ -s "$WORK/number.txt" ] && break; sleep 0.2; done
NUMBER="$(tr -d '\n' < "$WORK/number.txt")"
[ -n "$NUMBER" ] || { echo "the page showed no number"; kill $BROWSER_PID; exit 1; }
"$DUET" pending
"$DUET" approve --number "$NUMBER"
wait $BROWSER_PID
stop_duet_server

step "start duet serve with --public-url http://localhost:PORT (passkeys need a host name)"
mkdir -p "$WORK/passkey"
cp "$WORK/admin.pw" "$WORK/passkey/admin.pw"
PORT="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
start_duet_server "$DUET" "$WORK/passkey" "127.0.0.1:$PORT" --public-url "http://localhost:$PORT"

step "browser: register a passkey (virtual authenticator), sign out, sign in with it"
node "$NODE_DIR/helpdesk.mjs" passkey "$BASE" "$PASSWORD"
echo "browser test: 2 passed, 0 failed"
