#!/usr/bin/env bash
# Import/export formats checked independently of duet:
# 1. tests/fixtures/make_fixtures.py (Python, hashlib.scrypt/PBKDF2 + `cryptography` AES-GCM)
#    regenerates every import fixture and must reproduce the committed files byte for byte;
# 2. duet imports every fixture with the script's accounts and codes (core/tests/transfer_fixtures.rs);
# 3. duet exports a fixture as an encrypted Aegis vault (real randomness, Aegis's scrypt cost;
#    dev profile: dependencies, scrypt included, are built at opt-level 3),
#    and tests/fixtures/check_aegis_export.py decrypts it per Aegis's docs/vault.md and checks
#    every entry and its code.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
need_apt python3 python3-venv
py_venv "cryptography>=42"

step "fixtures are what make_fixtures.py makes"
python tests/fixtures/make_fixtures.py --check

step "duet imports every fixture with the script's codes"
cargo test -p duet-core --locked --test transfer_fixtures

step "duet's Aegis export decrypts with the independent checker"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cargo run -q -p duet-core --locked --example transfer_aegis_export -- \
  tests/fixtures/import/andotp.json - "export pässword ✓" "$tmp/aegis-export.json"
python tests/fixtures/check_aegis_export.py --input "$tmp/aegis-export.json" \
  --password "export pässword ✓" --expected tests/fixtures/import/expected.json --fixture andotp.json
# The checker must reject a wrong password (guards against a checker that accepts anything).
if python tests/fixtures/check_aegis_export.py --input "$tmp/aegis-export.json" \
  --password "wrong" --expected tests/fixtures/import/expected.json --fixture andotp.json 2>/dev/null; then
  echo "checker accepted a wrong password" >&2
  exit 1
fi
