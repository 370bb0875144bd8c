#!/usr/bin/env bash
# privacyIDEA push interoperability: a real privacyIDEA server (PyPI) on 127.0.0.1 with a
# throwaway SQLite database; duet enrolls its push token from the QR text, then approves one
# sign-in and denies others, and privacyIDEA must report accept / declined / cancelled.
# A poll from a clock 5 minutes off must be reported as a clock problem.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/privacyidea/server.sh"
cd "$ROOT"

need_apt curl faketime
step "install privacyIDEA $PI_VERSION into its own venv"
pi_install

need_server_build
step "build duet"
cargo build -q --locked -p duet-cli --bin duet
DUET="$ROOT/target/debug/duet"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/duet-pi.XXXXXX")"
cleanup() {
  pi_stop
  rm -rf "$WORK"
}
trap cleanup EXIT

step "configure and start privacyIDEA"
pi_configure "$WORK/pi"
pi_start "$(pi_free_port)"
echo "privacyIDEA at $PI_URL (pid $PI_PID)"
pi_login

# Fails the stage unless privacyIDEA's JSON answer says status true.
api_ok() { pi_json result.status | grep -qx true; }

printf 'alice:x:1000:1000:Alice Example,,,:/home/alice:/bin/sh\n' > "$WORK/pi/users"
pi_api POST /resolver/flatfile -d type=passwdresolver --data-urlencode "fileName=$WORK/pi/users" | api_ok
pi_api POST /realm/realm1 -d resolvers=flatfile | api_ok
pi_api POST /policy/push-enroll -d scope=enrollment -d realm=realm1 -d active=true --data-urlencode \
  "action=push_firebase_configuration=poll only, push_registration_url=$PI_URL/ttype/push, push_ssl_verify=1, push_ttl=10" | api_ok
pi_api POST /policy/push-auth -d scope=authentication -d active=true --data-urlencode \
  "action=push_ssl_verify=1, push_text_on_mobile=Sign in as {user} from {client_ip}?, push_title_on_mobile=duet e2e" | api_ok

step "enroll a push token through the admin API"
pi_api POST /token/init -d type=push -d genkey=1 -d user=alice -d realm=realm1 -d pin=4711 > "$WORK/init.json"
api_ok < "$WORK/init.json"
QR="$(pi_json detail.pushurl.value < "$WORK/init.json")"
SERIAL="$(pi_json detail.serial < "$WORK/init.json")"
echo "QR: ${QR%%enrollment_credential=*}enrollment_credential=..."

# The vault and its key live in the work directory (HOME too, so nothing touches the user's).
export HOME="$WORK/home" DUET_VAULT="$WORK/vault/duet.vault"
mkdir -p "$HOME" "$(dirname "$DUET_VAULT")"

step "duet enroll (QR text from stdin)"
name="$(printf '%s' "$QR" | "$DUET" enroll -)"
echo "enrolled: $name"
[[ "$name" == *"$SERIAL"* ]] || { echo "enroll printed '$name', expected the serial $SERIAL"; exit 1; }
state="$(pi_api GET "/token/?serial=$SERIAL" | pi_json result.value.tokens.0.rollout_state)"
[ "$state" = enrolled ] || { echo "privacyIDEA rollout_state is '$state', expected enrolled"; exit 1; }

# trigger: starts a sign-in for alice; prints the transaction id.
trigger() {
  curl -fsS -X POST "$PI_URL/validate/check" -d user=alice -d realm=realm1 -d pass=4711 > "$WORK/trigger.json"
  pi_json detail.transaction_id < "$WORK/trigger.json"
}
# status TX: privacyIDEA's view of the transaction (accept / declined / cancelled / pending).
status() { curl -fsS "$PI_URL/validate/polltransaction?transaction_id=$1" | pi_json detail.challenge_status; }

step "nothing pending before a sign-in"
out="$("$DUET" pending)"
[ -z "$out" ] || { echo "unexpected pending requests: $out"; exit 1; }

step "sign-in 1: duet pending shows it, duet approve accepts it"
tx="$(trigger)"
"$DUET" pending | tee "$WORK/pending.txt"
grep -q 'Sign in as .* from 127.0.0.1?' "$WORK/pending.txt" || { echo "pending does not show the question"; exit 1; }
"$DUET" pending --json | "$PI_VENV/bin/python" -c '
import json, sys
reqs = json.load(sys.stdin)
assert len(reqs) == 1, reqs
# Title and question are signed as one unit, so the phone shows them as one text.
r = reqs[0]
assert r["protocol"] == "privacyidea" and r["title"] is None, reqs
assert r["message"].startswith("duet e2e: Sign in as ") and r["message"].endswith(" from 127.0.0.1?"), reqs'
"$DUET" approve
[ "$(status "$tx")" = accept ] || { echo "privacyIDEA did not record the approval"; exit 1; }
final="$(curl -fsS -X POST "$PI_URL/validate/check" -d user=alice -d realm=realm1 -d pass= -d "transaction_id=$tx" | pi_json result.authentication)"
[ "$final" = ACCEPT ] || { echo "privacyIDEA did not accept the sign-in: $final"; exit 1; }
echo "privacyIDEA: ACCEPT"

step "the answered request is gone; approving again finds nothing"
if "$DUET" approve 2>"$WORK/err.txt"; then echo "a second approve succeeded"; exit 1; fi
grep -q 'E_CLI_PUSH_NONE_PENDING' "$WORK/err.txt" || { cat "$WORK/err.txt"; exit 1; }

step "sign-in 2: duet deny --reason not_me -> declined"
tx="$(trigger)"
id="$("$DUET" pending --json | "$PI_VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')"
"$DUET" deny "$id" --reason not_me
[ "$(status "$tx")" = declined ] || { echo "privacyIDEA did not record the decline"; exit 1; }
final="$(curl -fsS -X POST "$PI_URL/validate/check" -d user=alice -d realm=realm1 -d pass= -d "transaction_id=$tx" | pi_json result.authentication)"
[ "$final" != ACCEPT ] || { echo "privacyIDEA accepted a denied sign-in"; exit 1; }
echo "privacyIDEA: declined ($final)"

step "sign-in 3: duet deny without a reason -> mistake -> cancelled"
tx="$(trigger)"
"$DUET" deny
[ "$(status "$tx")" = cancelled ] || { echo "privacyIDEA did not record the cancel"; exit 1; }
echo "privacyIDEA: cancelled"

step "a poll from a clock 5 minutes slow is reported as a clock problem"
tx="$(trigger)"
if faketime -f '-5m' "$DUET" pending 2>"$WORK/err.txt"; then echo "a stale poll was accepted"; exit 1; fi
cat "$WORK/err.txt"
grep -q '^error E_PIPUSH_CLOCK:' "$WORK/err.txt" || { echo "stale poll not shown as a clock problem"; exit 1; }
# and the request is still there for a correct clock
"$DUET" deny --reason not_me >/dev/null
[ "$(status "$tx")" = declined ]

step "presence mode: the user picks the answer shown on the sign-in screen"
pi_api POST /policy/push-auth -d scope=authentication -d active=true --data-urlencode \
  "action=push_ssl_verify=1, push_title_on_mobile=duet e2e, push_require_presence=1, push_presence_options=ALPHABETIC" | api_ok
tx="$(trigger)"
shown="$("$PI_VENV/bin/python" -c '
import json, sys
d = json.load(open(sys.argv[1]))["detail"]
print([c for c in d["multi_challenge"] if c.get("type") == "push"][0]["presence_answer"])' "$WORK/trigger.json")"
"$DUET" pending --json | "$PI_VENV/bin/python" -c '
import json, sys
r = json.load(sys.stdin)[0]
assert r["matching"] == "pick" and sys.argv[1] in r["choices"], r' "$shown"
if "$DUET" approve 2>"$WORK/err.txt"; then echo "approve without the presence answer succeeded"; exit 1; fi
grep -q '^error E_PIPUSH_PRESENCE_REQUIRED:' "$WORK/err.txt" || { cat "$WORK/err.txt"; exit 1; }
"$DUET" approve --answer "$shown"
[ "$(status "$tx")" = accept ] || { echo "privacyIDEA did not accept the presence answer"; exit 1; }
echo "privacyIDEA: presence answer $shown accepted"

echo
echo "privacyidea: all checks passed"
