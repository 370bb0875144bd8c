#!/usr/bin/env bash
# The admin API against its OpenAPI document (docs/admin-api.json), with Schemathesis (PyPI)
# driving the real server on 127.0.0.1: generated and boundary inputs for every operation,
# first with a read-only key (every change must be a documented 403), then with a read-write
# key. Named checks only, a bounded number of examples and a fixed seed, so a run is repeatable
# and stays under the stage's five-minute budget. The keys are made with `duet admin-key create`,
# the command an operator uses.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"

SCHEMATHESIS_VERSION=4.32.5
# The seed fixes the generated cases only together with the generator's version.
HYPOTHESIS_VERSION=6.170.17
SEED=20261202
CHECKS=not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance
BUDGET_SECS=300

T=$SECONDS
# took: prints how long the step that just ended took.
took() { echo "--- $1: $((SECONDS - T)) s"; T=$SECONDS; }

step "Schemathesis $SCHEMATHESIS_VERSION into its own venv"
need_apt python3 python3-venv
ST_VENV="$DUET_CACHE/venv-schemathesis-$SCHEMATHESIS_VERSION"
[ -x "$ST_VENV/bin/python" ] || python3 -m venv "$ST_VENV"
"$ST_VENV/bin/pip" install -q --disable-pip-version-check \
  "schemathesis==$SCHEMATHESIS_VERSION" "hypothesis==$HYPOTHESIS_VERSION"
"$ST_VENV/bin/st" --version
took install

need_server_build
step "build duet"
cargo build -q --locked -p duet-cli --bin duet
DUET="$ROOT/target/debug/duet"
took build

WORK="$(mktemp -d "${TMPDIR:-/tmp}/duet-admin-api.XXXXXX")"
cleanup() {
  stop_duet_server
  rm -rf "$WORK"
}
trap cleanup EXIT

step "admin keys with duet admin-key create, then duet serve on 127.0.0.1"
RO_KEY="$("$DUET" admin-key create --data-dir "$WORK/server" --name "schemathesis read-only" --scope read-only)"
RW_KEY="$("$DUET" admin-key create --data-dir "$WORK/server" --name "schemathesis read-write" --scope read-write)"
"$DUET" admin-key list --data-dir "$WORK/server"
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$WORK/admin.pw"
start_duet_server "$DUET" "$WORK"
took start

# st_run NAME KEY EXAMPLES: one Schemathesis run, shown in full on failure. It runs in WORK,
# where Schemathesis leaves its cache, not in the work tree.
st_run() {
  local left=$((BUDGET_SECS - (SECONDS - ST_START)))
  [ "$left" -gt 0 ] || { echo "over the ${BUDGET_SECS} s budget before the $1 run"; exit 1; }
  if ! (cd "$WORK" && timeout "$left" "$ST_VENV/bin/st" run "$ROOT/docs/admin-api.json" --url "$BASE" \
      -H "Authorization: Bearer $2" --checks "$CHECKS" --max-examples "$3" --seed "$SEED" \
      --generation-database none --workers 1 --no-color > "$WORK/st-$1.txt" 2>&1); then
    cat "$WORK/st-$1.txt"
    echo "Schemathesis ($1 key) failed or ran out of time"
    exit 1
  fi
  sed -n '/SUMMARY/,$p' "$WORK/st-$1.txt"
}

ST_START=$SECONDS
step "Schemathesis, read-only key: reads conform, every change is a documented 403"
st_run read-only "$RO_KEY" 30
took "read-only run"

step "Schemathesis, read-write key"
st_run read-write "$RW_KEY" 60
took "read-write run"

step "the run changed things through the API, on the record"
curl_json() { curl -fsS -H "Authorization: Bearer $RW_KEY" "$BASE/admin/api/v1$1"; }
curl_json "/audit?limit=1000" | "$ST_VENV/bin/python" -c '
import json, sys
log = json.load(sys.stdin)
by_key = [r for r in log if r["actor"] == "admin-key:2:schemathesis read-write"]
actions = {r["action"] for r in by_key}
print(len(by_key), "records by the read-write key:", ", ".join(sorted(actions)))
assert "user_created" in actions, actions
assert not any(r["actor"] == "admin-key:1:schemathesis read-only" and r["action"] != "admin_key_used" for r in log)'
if grep -q "storage error\|panicked" "$WORK/serve.log"; then cat "$WORK/serve.log"; echo "the server logged a failure"; exit 1; fi
took "audit check"

echo
echo "admin-api: Schemathesis runs took $((SECONDS - ST_START)) s of the ${BUDGET_SECS} s budget; all checks passed"
