#!/usr/bin/env bash
# Size of the mobile library: builds the stripped x86_64 cdylib with the mobile profile and
# features and the standard library rebuilt for size (one fat-LTO build plus std, about 6 minutes
# cold on 2 cores; rust-src is added to the toolchain if missing) and fails above the ceiling.
# Issue 5's target is 2 000 000 bytes; the full mobile API is larger than that today (2 426 096
# bytes on 2026-11-23, docs/benchmarks.md "Size of the mobile library"), so this stage guards
# against growth with a ceiling 3 % above the measured size and prints the ratio to the target.
# Lower DUET_MOBILE_SIZE_LIMIT as the library shrinks; drop it (default 2000000) once it fits.
source "$(dirname "$0")/../lib.sh"
need_apt binutils
export DUET_MOBILE_SIZE_LIMIT="${DUET_MOBILE_SIZE_LIMIT:-2500000}"
bash "$ROOT/tests/bench/mobile-size.sh" --check
