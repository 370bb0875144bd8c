# Sourced by the builds of the shipped mobile library (android/build-rust.sh,
# ios/build-xcframework.sh, tests/bench/mobile-size.sh): the standard library is rebuilt for size
# together with duet (docs/mobile.md "Library size", about 400 KB of the x86_64 library):
# - `optimize_for_size`: std's own smaller code paths (formatting, sorting, hash tables);
# - std features without `backtrace`: the panic handler's DWARF symbolizer (gimli, addr2line,
#   miniz_oxide) is left out; a panic still becomes the bindings' exception with its message,
#   only RUST_BACKTRACE output loses function names (nobody reads a phone app's stderr).
# -Zbuild-std needs the rust-src component of the toolchain and, on a stable toolchain, cargo's
# -Z flags need RUSTC_BOOTSTRAP=1 (as the fuzz builds do). cargo requires an explicit --target
# with it; the library then lands in target/<triple>/mobile/.
# MOBILE_RUSTFLAGS go into RUSTFLAGS, so they apply to duet and the rebuilt std alike (which
# -Zpanic-in-drop requires):
# - -Zpanic-in-drop=abort: a panic raised inside a destructor aborts instead of unwinding, so
#   the compiler needs no landing pads for "this drop unwound, drop the rest" (110 KB of unwind
#   tables and cleanup code). Ordinary panics still unwind, run destructors and reach the apps
#   as exceptions; duet's own destructors only zeroize, and Rust already aborts on a panic in a
#   destructor run during unwinding.
# - -Zlocation-detail=none: panic messages keep their text but not the source file and line
#   (40 KB of strings); the bindings' exceptions carry the message only, so the apps see no
#   difference.
export RUSTC_BOOTSTRAP=1
MOBILE_STD_FLAGS=(-Zbuild-std=std,panic_unwind -Zbuild-std-features=optimize_for_size,panic-unwind)
MOBILE_RUSTFLAGS="-Zpanic-in-drop=abort -Zlocation-detail=none"

# Installs rust-src when the toolchain lacks it (rustup ships it as an optional component).
mobile_std_ready() {
  local src
  src="$(rustc --print sysroot)/lib/rustlib/src/rust/library"
  if [ ! -d "$src" ]; then
    rustup component add rust-src
  fi
}
