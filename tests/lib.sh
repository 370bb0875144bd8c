# Shared helpers for tests/stages/*.sh. Source it; do not run it.
# Every stage installs what it needs itself: CI starts on a fresh machine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
export CARGO_TERM_COLOR=never
# A one-shot build gains nothing from incremental state, which costs gigabytes of disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
# Caches that outlive the work tree (a fresh clone reuses them on the same machine).
export DUET_CACHE="${DUET_CACHE:-$HOME/.cache/duet-ci}"
mkdir -p "$DUET_CACHE"

_apt_updated=""
# need_apt PKG...: installs Debian packages that are missing.
need_apt() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -z "$_apt_updated" ] && [ ! -f /tmp/.duet-apt-updated ]; then
    apt-get update -qq && touch /tmp/.duet-apt-updated
  fi
  _apt_updated=1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# need_server_build: what building the server, or anything that links it (the CLI, duet-tests),
# needs besides Rust: the system's OpenSSL, which its WebAuthn crate links through openssl-sys
# (found with pkg-config), and the PAM module's libpam (libpam0g-dev). The mobile library links
# neither.
need_server_build() {
  need_apt libssl-dev pkg-config libpam0g-dev
}

# py_venv: creates (once) and activates the test venv with the given PyPI packages.
py_venv() {
  local venv="$DUET_CACHE/venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  # shellcheck disable=SC1091
  . "$venv/bin/activate"
  if [ $# -gt 0 ]; then pip install -q --disable-pip-version-check "$@"; fi
}

# step NAME: starts a named step; prints how long the previous one took.
_step_name=""; _step_start=0
step() {
  local now; now=$(date +%s)
  [ -n "$_step_name" ] && echo "--- $_step_name: $((now - _step_start)) s"
  _step_name="$*"; _step_start=$now
  echo; echo "=== $* ==="
}

# start_duet_server DUET WORK [LISTEN [ARG...]]: runs `DUET serve` on LISTEN (default a free port
# of 127.0.0.1) with its data in WORK/server, the first admin's password in WORK/admin.pw and the
# further serve options ARG...; sets SERVER_PID and BASE (its public URL). The log is
# WORK/serve.log. Stop it with stop_duet_server.
start_duet_server() {
  "$1" serve --listen "${3:-127.0.0.1:0}" --data-dir "$2/server" --admin-password-file "$2/admin.pw" "${@:4}" \
    > "$2/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 50); do grep -q "listening on" "$2/serve.log" && break; sleep 0.1; done
  BASE="$(sed -n 's/^duet serve: listening on //p' "$2/serve.log" | head -1)"
  [ -n "$BASE" ] || { cat "$2/serve.log"; echo "server did not start"; exit 1; }
  echo "server at $BASE"
}

# stop_duet_server: stops the server start_duet_server started, if it runs.
stop_duet_server() {
  if [ -n "${SERVER_PID:-}" ]; then kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; fi
  SERVER_PID=""
}
