#!/usr/bin/env bash
# Size of the mobile library: builds the stripped x86_64 cdylib with the mobile profile and
# features (one fat-LTO build, about 5 minutes cold on 2 cores) and fails above the ceiling.
# Issue 5's target is 2 000 000 bytes; the API of the bindings is larger than that today (see
# docs/benchmarks.md "Bindings"), so this stage guards against growth with a ceiling just above
# the measured size and prints the ratio to the target. Lower DUET_MOBILE_SIZE_LIMIT as the
# library shrinks; set it to 2000000 once it fits.
source "$(dirname "$0")/../lib.sh"
need_apt binutils
export DUET_MOBILE_SIZE_LIMIT="${DUET_MOBILE_SIZE_LIMIT:-3145728}"
bash "$ROOT/tests/bench/mobile-size.sh" --check
