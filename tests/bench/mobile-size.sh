#!/usr/bin/env bash
# Size of the mobile library (issue 5, target: at most 2 MB = 2 000 000 bytes): the x86_64 cdylib
# built with the `mobile` profile and the `mobile` feature set, stripped. The SQLite compile-time
# options and link flags come from the build itself (.cargo/config.toml, bindings/build.rs), and
# the standard library is rebuilt for size with the same flags as the Android and iOS builds
# (scripts/mobile-std.sh), so this measures what those scripts ship (docs/mobile.md "Library size").
#   bash tests/bench/mobile-size.sh            prints the size, the ratio to the target, the sections
#   bash tests/bench/mobile-size.sh --check    same, and fails above DUET_MOBILE_SIZE_LIMIT (default 2 000 000)
#   bash tests/bench/mobile-size.sh --crates   also builds a copy with symbols and lists the
#                                              largest crates (where the bytes go; a second link)
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
TARGET=2000000
# --check fails above this (default: the target; stage 65 sets a growth ceiling while above it).
LIMIT="${DUET_MOBILE_SIZE_LIMIT:-$TARGET}"
MODE="${1:-}"
TDIR="${CARGO_TARGET_DIR:-target}"
OUT="$TDIR/libduet_bindings.mobile.so"
HOST="$(rustc -vV | sed -n 's/^host: //p')"
source "$ROOT/scripts/mobile-std.sh"
mobile_std_ready

build() {
  RUSTFLAGS="${RUSTFLAGS:-} $MOBILE_RUSTFLAGS" cargo build --locked -q -p duet-bindings --lib --profile mobile \
    --no-default-features --features mobile --target "$HOST" "${MOBILE_STD_FLAGS[@]}"
}

step "mobile cdylib (x86_64, profile mobile, features mobile, std rebuilt for size)"
build
cp "$TDIR/$HOST/mobile/libduet_bindings.so" "$OUT"
strip "$OUT"
size=$(stat -c %s "$OUT")
awk -v s="$size" -v t="$TARGET" 'BEGIN {
  printf "size: %d bytes (%.2f MiB), %.1f %% of the %d-byte target (%+d bytes)\n", s, s / 1048576, 100 * s / t, t, s - t }'
# A shared library links even when symbols are missing; a compile-time option that removes a
# function SQLite's parser still calls would only fail when the app loads the library. Every
# undefined symbol must come from a versioned system library (glibc, libgcc_s).
missing=$(nm -D --undefined-only "$OUT" | awk '$1 == "U" && $2 !~ /@/ { print $2 }')
if [ -n "$missing" ]; then
  echo "FAIL: undefined symbols in the mobile library (a removed SQLite feature?):" $missing >&2
  exit 1
fi
# Where the bytes are, by ELF section (code, constants, unwind tables, relocations).
size -A "$OUT" | awk '$2 > 16384 && $1 ~ /^\./ { printf "  %-20s %9d\n", $1, $2 }'

if [ "$MODE" = "--crates" ]; then
  step "largest crates (symbol sizes of an unstripped build of the same code)"
  CARGO_PROFILE_MOBILE_STRIP=false build
  nm --size-sort -S -t d -C "$TDIR/$HOST/mobile/libduet_bindings.so" | awk '
    $2 ~ /^[0-9]+$/ && $3 ~ /^[tTwWrRdD]$/ {
      name = substr($0, index($0, $4)); sz = $2 + 0
      if (name !~ /::/) crate = "(C: SQLite, ring asm)"
      else { while (sub(/^([<&( ]|mut |dyn |const |core::ptr::drop_in_place<)/, "", name)) {}; split(name, p, "::"); crate = p[1] }
      total[crate] += sz
    }
    END { for (c in total) printf "%9d  %s\n", total[c], c }' | sort -rn | head -25
  # Leave the stripped build in place for whoever runs the library next.
  build
fi

if [ "$MODE" = "--check" ] && [ "$size" -gt "$LIMIT" ]; then
  echo "FAIL: the mobile library is $size bytes, above the $LIMIT-byte limit (docs/mobile.md says what takes the space)" >&2
  exit 1
fi
