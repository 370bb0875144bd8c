#!/usr/bin/env bash
# Swift: generates the UniFFI Swift bindings, compiles them with swiftc inside a Debian trixie chroot
# (Swift is packaged for trixie, not for this bookworm host) and runs the Swift test executable
# (ios/Tests/DuetCoreTests, beside the Swift package) against the Linux cdylib (built with the mobile
# library's SQLite options, scripts/mobile-env.sh); checks ios/Package.swift with
# `swift package dump-package`. SwiftPM cannot use the package's XCFramework binary target on
# Linux, so the modules are compiled with swiftc directly, as Xcode builds them: DuetCore (the
# generated bindings and their helpers), DuetAppModel (the iOS app's view models, ios/App/Model)
# on it, and the tests on both. The app target's SwiftUI and Apple-only files (ios/App/iOS) need
# the iOS SDK: here they only pass `swiftc -parse`.
# The chroot is cached in $DUET_CACHE/swift-trixie and built from nothing on a fresh machine (~5 min).
# DUET_INSTALL_ONLY=1 stops after the toolchain install.
# DUET_SWIFT_TEST=Suite or Suite.test runs one suite or one test (e.g. PushTests,
# PushTests.keystoreKeyApprovesWithNumberMatchingInTwoSteps, AppModelTests) and skips the rest of the stage.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"

CHROOT="$DUET_CACHE/swift-trixie"
# Bump when the package list changes so cached chroots are completed.
CHROOT_PKGS="swiftlang libc6-dev libstdc++-14-dev libssl-dev"
CHROOT_STAMP="$CHROOT/.duet-ready"

install_swift_chroot() {
  need_apt debootstrap debian-archive-keyring
  if [ -f "$CHROOT_STAMP" ] && [ "$(cat "$CHROOT_STAMP")" = "$CHROOT_PKGS" ]; then
    echo "swift chroot cached in $CHROOT"; return 0
  fi
  if [ ! -x "$CHROOT/usr/bin/apt-get" ] || [ ! -f "$CHROOT/.duet-debootstrap-done" ]; then
    step "debootstrap trixie into $CHROOT"
    rm -rf "$CHROOT"
    debootstrap --variant=minbase trixie "$CHROOT" http://deb.debian.org/debian >"$DUET_CACHE/debootstrap.log" 2>&1 \
      || { tail -30 "$DUET_CACHE/debootstrap.log"; return 1; }
    touch "$CHROOT/.duet-debootstrap-done"
  fi
  step "apt-get install $CHROOT_PKGS (in chroot)"
  cp /etc/resolv.conf "$CHROOT/etc/resolv.conf" 2>/dev/null || true
  in_chroot sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $CHROOT_PKGS >/dev/null"
  echo "$CHROOT_PKGS" >"$CHROOT_STAMP"
}

# in_chroot CMD...: runs CMD inside the chroot with /proc mounted (unmounted again afterwards).
in_chroot() {
  local mounted=""
  if ! mountpoint -q "$CHROOT/proc"; then mount -t proc proc "$CHROOT/proc"; mounted=1; fi
  local rc=0
  chroot "$CHROOT" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 "$@" || rc=$?
  if [ -n "$mounted" ]; then umount "$CHROOT/proc" || umount -l "$CHROOT/proc"; fi
  return $rc
}

install_swift_chroot
[ "${DUET_INSTALL_ONLY:-}" = 1 ] && exit 0

need_server_build
step "build the cdylib and generate the Swift bindings"
source "$ROOT/scripts/mobile-env.sh"
BUILD="$CARGO_TARGET_DIR/debug"
cargo build --locked -p duet-bindings --lib --bin uniffi-bindgen -p duet-tests --bin duet-test-helper
LIB="$BUILD/libduet_bindings.so"
# Everything swiftc needs is copied into the chroot (no bind mounts to forget).
WORK="$CHROOT/duet"
rm -rf "$WORK" && mkdir -p "$WORK/gen" "$WORK/lib"
"$BUILD/uniffi-bindgen" generate --library "$LIB" --language swift --no-format --out-dir "$WORK/gen"
cp "$LIB" "$WORK/lib/"
cp "$BUILD/duet-test-helper" "$WORK/lib/"
mkdir -p "$WORK/Tests"
cp -r ios/Tests/DuetCoreTests ios/Tests/COpenSSL "$WORK/Tests/"
# The transfer fixtures of stage 35 (independently made), read by TransferTests.swift.
mkdir -p "$WORK/fixtures" && cp -r tests/fixtures/import "$WORK/fixtures/"
mkdir -p "$WORK/ios/Sources/DuetCore"
cp ios/Package.swift "$WORK/ios/"
find ios/Sources/DuetCore -name "*.swift" ! -name DuetCore.swift -exec cp {} "$WORK/ios/Sources/DuetCore/" \;
cp -r ios/App "$WORK/ios/"

step "swiftc -parse: the app target's SwiftUI and Apple-only files (in the trixie chroot)"
in_chroot sh -c 'cd /duet && swiftc -parse $(find ios/App/iOS -name "*.swift")'

step "swiftc (in the trixie chroot)"
# DuetCore is compiled -O -wmo, as Xcode's Release configuration builds it: the benchmark
# (tests/bench/bindings.sh) runs this binary, and its calls and list lifting are DuetCore's code.
# The view models and the tests themselves are compiled -Onone (a third of the time; the benchmark
# figures are the same within noise either way).
# DuetAppModel uses the Observation module (@Observable); trixie's libswiftObservation.so leaves
# swift::threading::fatal undefined (a packaging gap, docs/mobile.md), hence --allow-shlib-undefined.
in_chroot sh -c 'cd /duet && mkdir -p mods && set -e
  F="-I mods -I gen -Xcc -fmodule-map-file=gen/DuetCoreFFI.modulemap -L lib -Xlinker -rpath -Xlinker /duet/lib"
  swiftc -O -wmo $F -emit-library -emit-module -module-name DuetCore -emit-module-path mods/DuetCore.swiftmodule \
    -lduet_bindings gen/DuetCore.swift ios/Sources/DuetCore/*.swift -o lib/libDuetCore.so
  swiftc -Onone $F -emit-library -emit-module -module-name DuetAppModel -emit-module-path mods/DuetAppModel.swiftmodule \
    -lDuetCore -lduet_bindings -Xlinker --allow-shlib-undefined ios/App/Model/*.swift -o lib/libDuetAppModel.so
  swiftc -Onone $F -module-name DuetSwiftTests -I Tests/COpenSSL -lDuetCore -lDuetAppModel -lduet_bindings \
    -Xlinker --allow-shlib-undefined Tests/DuetCoreTests/*.swift -o duet-swift-tests'

step "Swift tests against the Linux cdylib"
# in_chroot starts from an empty environment: the test filter is passed on explicitly.
in_chroot /usr/bin/env DUET_TEST_HELPER=/duet/lib/duet-test-helper DUET_SWIFT_TEST="${DUET_SWIFT_TEST:-}" /duet/duet-swift-tests
[ -n "${DUET_SWIFT_TEST:-}" ] && exit 0
# Smoke run of the benchmark code (timings: tests/bench/bindings.sh); it includes codes() on a
# 1,000-account vault.
in_chroot /duet/duet-swift-tests bench 20000

step "swift package dump-package (ios/Package.swift)"
in_chroot sh -c 'cd /duet/ios && swift package dump-package' >"$ROOT/target/ios-package.json"
python3 - "$ROOT/target/ios-package.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
targets = {t["name"]: t for t in p["targets"]}
binary = [t for t in p["targets"] if t["type"] == "binary"]
assert binary and binary[0]["path"].endswith(".xcframework"), "ios/Package.swift needs an XCFramework binaryTarget"
assert any(t["type"] == "regular" for t in p["targets"]), "ios/Package.swift needs the Swift wrapper target"
assert p["products"], "ios/Package.swift exports no product"
print("Package.swift:", p["name"], sorted(targets))
PY
