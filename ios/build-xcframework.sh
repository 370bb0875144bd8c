#!/usr/bin/env bash
# Builds ios/DuetCoreFFI.xcframework and ios/Sources/DuetCore/DuetCore.swift on macOS with Xcode.
# Needs: rustup targets aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios (stable toolchain) and
# the Xcode command line tools.
# Not run on the Linux CI (no Xcode there): docs/mobile.md says what was checked instead.
set -euo pipefail
IOS="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$IOS/.." && pwd)"
cd "$ROOT"
PROFILE=mobile
FEATURES=(--no-default-features --features mobile)
TARGETS=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
export IPHONEOS_DEPLOYMENT_TARGET=15.0

# SQLite options and target directory of the mobile library (docs/mobile.md).
source "$ROOT/scripts/mobile-env.sh"
TDIR="$CARGO_TARGET_DIR"
for t in "${TARGETS[@]}"; do
  # A static library per target: Apple requires it for App Store frameworks without embedding dylibs.
  cargo rustc -p duet-bindings --lib --profile "$PROFILE" --target "$t" "${FEATURES[@]}" \
    --crate-type staticlib
done

# Swift sources and the C header come from the host build of the same code.
cargo build -p duet-bindings --lib --bin uniffi-bindgen --profile "$PROFILE"
GEN="$TDIR/ios-gen"
rm -rf "$GEN" && mkdir -p "$GEN/headers"
"$TDIR/$PROFILE/uniffi-bindgen" generate --library "$TDIR/$PROFILE/libduet_bindings.dylib" \
  --language swift --out-dir "$GEN"
cp "$GEN/DuetCore.swift" "$IOS/Sources/DuetCore/DuetCore.swift"
cp "$GEN/DuetCoreFFI.h" "$GEN/headers/"
# The XCFramework expects the module map to be called module.modulemap.
cp "$GEN/DuetCoreFFI.modulemap" "$GEN/headers/module.modulemap"

# Simulator slices (Apple silicon + Intel) share one fat library.
SIM="$TDIR/ios-sim-universal"
mkdir -p "$SIM"
lipo -create "$TDIR/aarch64-apple-ios-sim/$PROFILE/libduet_bindings.a" \
  "$TDIR/x86_64-apple-ios/$PROFILE/libduet_bindings.a" -output "$SIM/libduet_bindings.a"

rm -rf "$IOS/DuetCoreFFI.xcframework"
xcodebuild -create-xcframework \
  -library "$TDIR/aarch64-apple-ios/$PROFILE/libduet_bindings.a" -headers "$GEN/headers" \
  -library "$SIM/libduet_bindings.a" -headers "$GEN/headers" \
  -output "$IOS/DuetCoreFFI.xcframework"
echo "built $IOS/DuetCoreFFI.xcframework; open ios/Package.swift in Xcode or add the package by path"
