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
step "rust-version covers the dependencies"
python3 tests/msrv-check.py
step "clippy: incompatible_msrv"
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
cargo clippy --workspace --all-targets --locked -- -A clippy::all -D clippy::incompatible_msrv
step "cargo test --workspace"
cargo test --workspace --all-targets --locked --no-fail-fast
