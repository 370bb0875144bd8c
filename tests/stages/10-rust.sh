#!/usr/bin/env bash
# Rust unit, integration and property tests of the whole workspace, plus benchmarks in test mode;
# before them the cheap checks: no development-history words in tracked files, the declared
# rust-version covers every dependency, and no code uses an API newer than it.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
step "no development-history words"
bash tests/no-history-words.sh
step "secrets compare in constant time"
python3 tests/secret-compare-check.py
need_server_build
step "rust-version covers the dependencies"
python3 tests/msrv-check.py
step "clippy: incompatible_msrv"
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
cargo clippy --workspace --all-targets --locked -- -A clippy::all -D clippy::incompatible_msrv
step "the mobile library links no OpenSSL"
# Only the server (WebAuthn) links it; `cargo tree -i` fails when no path leads there.
if cargo tree -q --locked -p duet-bindings --target all -i openssl-sys >/dev/null 2>&1; then
  cargo tree --locked -p duet-bindings --target all -i openssl-sys
  echo "duet-bindings depends on openssl-sys"; exit 1
fi
step "cargo test --workspace"
cargo test --workspace --all-targets --locked --no-fail-fast
