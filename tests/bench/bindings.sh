#!/usr/bin/env bash
# Bindings benchmark (not a test stage: timings are never asserted). Run stages 60 and 70 first
# (they install kotlinc/JNA and the Swift chroot and compile the Kotlin/Swift code), then:
#   bash tests/bench/bindings.sh
# Prints: one TOTP code in Rust (criterion), through Kotlin/JNA and through Swift, with the
# release cdylib; and the size of the stripped x86_64 cdylib built with the mobile profile.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
CHROOT="$DUET_CACHE/swift-trixie"
KOTLIN_HOME="$(ls -d "$DUET_CACHE"/kotlin-*/package | tail -1)"
JARS="$DUET_CACHE/jars"

step "release cdylib (the mobile library's SQLite options, scripts/mobile-env.sh)"
source "$ROOT/scripts/mobile-env.sh"
REL="$CARGO_TARGET_DIR/release"
cargo build --locked --release -p duet-bindings --lib

step "Rust (criterion)"
cargo bench --locked -p duet-bindings --bench ffi -- --warm-up-time 1 --measurement-time 3 2>&1 | grep -E "^(core|bindings)|time:"

# The machine is shared: the load average goes into the record next to the numbers.
step "load: $(uptime)"

CP="target/kotlin/tests.jar:target/kotlin/bindings.jar:$JARS/jna.jar:$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar:$KOTLIN_HOME/lib/kotlin-stdlib.jar"
# Every call's status and every string UniFFI returns arrive in JNA Structures whose bookkeeping
# (JNA's global Memory map and cleaner list) survives until the GC after the call, so the
# young-generation size sets the GC share of a call.
# HotSpot's defaults on a big-memory desktop let the young generation grow to hundreds of MB;
# -Xmn8m is closer to a phone's small, frequently collected heap. Both are printed
# (docs/performance.md, "Code list").
step "Kotlin on the JVM (JNA), JVM defaults"
java -Djna.library.path="$REL" -cp "$CP" org.duet.tests.BenchKt 100000
step "Kotlin on the JVM (JNA), -Xmn8m"
java -Xmn8m -Djna.library.path="$REL" -cp "$CP" org.duet.tests.BenchKt 100000

step "Swift (trixie chroot)"
cp "$REL/libduet_bindings.so" "$CHROOT/duet/lib/libduet_bindings.so"
mount -t proc proc "$CHROOT/proc"
chroot "$CHROOT" /usr/bin/env -i PATH=/usr/bin:/bin /duet/duet-swift-tests bench 1000000 || true
umount "$CHROOT/proc"

# Size of the stripped x86_64 cdylib with the mobile profile and features.
bash "$ROOT/tests/bench/mobile-size.sh"
