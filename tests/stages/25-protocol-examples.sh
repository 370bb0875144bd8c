#!/usr/bin/env bash
# Independent check of docs/protocol.md: every example signature, hash and proof verified with
# Python's `cryptography` (no duet code involved).
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
need_apt python3 python3-venv
py_venv cryptography
step "verify docs/protocol.md examples with python cryptography"
python tests/protocol/verify_examples.py
