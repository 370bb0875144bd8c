#!/usr/bin/env bash
# OTP engine against independent implementations, >= 1000 random cases each:
# oathtool (Debian), pyotp (PyPI) and steam-totp (npm). Fails on any mismatch.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"

step "oracles: oathtool, pyotp, steam-totp"
need_apt oathtool python3 python3-venv
command -v npm >/dev/null || need_apt nodejs npm
py_venv "pyotp>=2.9,<3"
NPM_DIR="$DUET_CACHE/npm"
mkdir -p "$NPM_DIR"
if [ ! -f "$NPM_DIR/node_modules/steam-totp/package.json" ]; then
  (cd "$NPM_DIR" && npm install --no-audit --no-fund --silent "steam-totp@2.1.2")
fi

step "duet batch driver"
cargo build -q -p duet-core --example otp_oracle --locked
DRIVER="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/examples/otp_oracle"

step "compare"
python3 tests/oracles/otp_oracles.py --duet "$DRIVER" --node-path "$NPM_DIR/node_modules" -n "${OTP_ORACLE_CASES:-1500}"
