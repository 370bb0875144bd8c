#!/usr/bin/env bash
# Rust unit, integration and property tests of the whole workspace, plus benchmarks in test mode.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
step "cargo test --workspace"
cargo test --workspace --all-targets --locked --no-fail-fast
