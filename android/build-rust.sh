#!/usr/bin/env bash
# Builds libduet_bindings.so for the Android ABIs into src/main/jniLibs/<abi>/ and generates the
# Kotlin bindings into build/generated/uniffi. Needs the Android NDK (ANDROID_NDK_HOME), cargo-ndk
# (`cargo install cargo-ndk`) and `rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android`
# on a stable toolchain.
# Not run on the Linux CI (no NDK there): docs/mobile.md says what was checked instead.
set -euo pipefail
ANDROID="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$ANDROID/.." && pwd)"
cd "$ROOT"

# SQLite options, C flags and target directory of the mobile library (docs/mobile.md).
source "$ROOT/scripts/mobile-env.sh"
# 16 KB page alignment (required for Android 15+ devices with 16 KB pages; harmless on 4 KB ones).
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-z,max-page-size=16384 -C link-arg=-Wl,-z,common-page-size=16384"
cargo ndk --platform 24 -t arm64-v8a -t armeabi-v7a -t x86_64 -o "$ANDROID/src/main/jniLibs" \
  build -p duet-bindings --lib --profile mobile --no-default-features --features mobile

# Kotlin sources from the host build of the same code.
unset RUSTFLAGS
cargo build -p duet-bindings --lib --bin uniffi-bindgen
rm -rf "$ANDROID/build/generated/uniffi"
"$CARGO_TARGET_DIR/debug/uniffi-bindgen" generate --library "$CARGO_TARGET_DIR/debug/libduet_bindings.so" \
  --language kotlin --out-dir "$ANDROID/build/generated/uniffi"

# Check the alignment of every ABI: each LOAD segment must be aligned to 2**14 or more.
for so in "$ANDROID"/src/main/jniLibs/*/libduet_bindings.so; do
  if "${ANDROID_NDK_HOME:?}"/toolchains/llvm/prebuilt/*/bin/llvm-readelf -lW "$so" \
      | awk '/LOAD/ { if (strtonum($NF) < 16384) bad = 1 } END { exit bad }'; then
    echo "16 KB aligned: $so"
  else
    echo "NOT 16 KB aligned: $so" >&2; exit 1
  fi
done
echo "now: ./gradlew assembleRelease (produces build/outputs/aar/)"
