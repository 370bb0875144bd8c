#!/usr/bin/env bash
# Bounded load test of the reference server on 127.0.0.1: complete push sign-ins over HTTP
# (start, signed poll, signed answer, result) by several client threads. Bounded in count
# (USERS x PER_USER sign-ins) and time (the generator aborts after 120 s). Prints sign-ins per
# second and latency percentiles; docs/performance.md ("Server under load") records a run.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
USERS="${DUET_LOAD_USERS:-200}"
PER_USER="${DUET_LOAD_PER_USER:-5}"
WORKERS="${DUET_LOAD_WORKERS:-4}"
need_server_build
step "build the load generator (release)"
cargo build -q --release --locked -p duet-server --example server_load
step "load: $USERS users x $PER_USER sign-ins, $WORKERS client threads"
out="$(timeout 180 "$ROOT/target/release/examples/server_load" "$USERS" "$PER_USER" "$WORKERS")"
echo "$out"
python3 - "$out" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
assert r["signins"] == int(r["users"]) * min(5, r["signins"] // r["users"]), r
print(f"server load: {r['signins']} sign-ins, {r['signins_per_sec']} sign-ins/s, p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms")
# A sanity floor far below the measured numbers: catches a server that serialises badly.
assert r["signins_per_sec"] >= 20, "fewer than 20 sign-ins/s"
assert r["p99_ms"] <= 2000, "p99 above 2 s"
PY
echo "load test: 1 passed, 0 failed"
