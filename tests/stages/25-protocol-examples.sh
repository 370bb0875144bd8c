#!/usr/bin/env bash
# Independent check of docs/protocol.md: every example signature, hash and proof verified with
# Python's `cryptography`, the sealed offline passcode secret opened with `pyhpke` (no duet code
# involved).
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
need_apt python3 python3-venv
py_venv cryptography pyhpke==0.6.5
step "verify docs/protocol.md examples with python cryptography and pyhpke"
python tests/protocol/verify_examples.py
