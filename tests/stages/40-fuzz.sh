#!/usr/bin/env bash
# Fuzz targets (cargo-fuzz, libFuzzer): builds every target in core/fuzz and replays its
# committed seed corpus, at most 60 s per target. No open-ended fuzzing here: long runs
# (`cargo fuzz run TARGET`) are made by hand and grow the committed corpora.
source "$(dirname "$0")/../lib.sh"
# libFuzzer is C++, compiled by libfuzzer-sys's build script.
command -v c++ >/dev/null 2>&1 || need_apt g++
# cargo-fuzz drives nightly-only flags (-Zsanitizer); the stable toolchain accepts them so.
export RUSTC_BOOTSTRAP=1
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  export PATH="$DUET_CACHE/cargo-fuzz/bin:$PATH"
  if ! command -v cargo-fuzz >/dev/null 2>&1; then
    step "install cargo-fuzz"
    cargo install cargo-fuzz --locked --root "$DUET_CACHE/cargo-fuzz"
  fi
fi
cd "$ROOT/core/fuzz"
# Sanitizer builds of every target take gigabytes that no later stage needs.
trap 'rm -rf "$ROOT/core/fuzz/target"' EXIT
step "cargo fuzz build (all targets)"
cargo fuzz build
targets=$(cargo fuzz list)
[ -n "$targets" ] || { echo "no fuzz targets found"; exit 1; }
for t in $targets; do
  corpus="corpus/$t"
  if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
    echo "fuzz target $t has no seed corpus in core/fuzz/$corpus"; exit 1
  fi
  step "replay corpus of $t ($(ls "$corpus" | wc -l) inputs)"
  # -runs=0: execute every corpus input once, then stop; a crash fails the stage.
  cargo fuzz run "$t" "$corpus" -- -runs=0 -max_total_time=60
done
echo "fuzz targets replayed: $(echo $targets | wc -w)"
