#!/usr/bin/env bash
# Kotlin: generates the UniFFI Kotlin bindings, compiles them plus the hand-written JUnit tests in
# android/src/test/kotlin/ with kotlinc -Werror and runs them on the JVM (Java 17) against the Linux cdylib,
# built with the mobile library's SQLite options (scripts/mobile-env.sh, its own target directory).
# The toolchain and the bindings build are shared with 62-android-app (tests/kotlin-env.sh).
# DUET_INSTALL_ONLY=1 stops after the toolchain install.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"

source "$ROOT/tests/kotlin-env.sh"

install_kotlin
[ "${DUET_INSTALL_ONLY:-}" = 1 ] && exit 0

need_server_build
step "build the cdylib and generate the Kotlin bindings"
OUT="$ROOT/target/kotlin"
rm -rf "$OUT" && mkdir -p "$OUT"
build_kotlin_bindings "$OUT"

step "kotlinc -Werror: tests"
"$KOTLINC" -Werror -jvm-target 17 -cp "$OUT/bindings.jar:$JARS/jna.jar:$JARS/junit-console.jar:$QRGEN:$COROUTINES" \
  -d "$OUT/tests.jar" android/src/test/kotlin/org/duet/tests/*.kt android/src/main/kotlin/org/duet/android/*.kt

step "JUnit on the JVM against $LIB"
CP="$OUT/tests.jar:$OUT/bindings.jar:$JARS/jna.jar:$QRGEN:$COROUTINES:$STDLIB"
export DUET_TEST_HELPER="$BUILD/duet-test-helper"
# DUET_KOTLIN_TEST=Class or Class#method runs one test class or one test (docs/testing.md).
if [ -n "${DUET_KOTLIN_TEST:-}" ]; then
  case "$DUET_KOTLIN_TEST" in
    *'#'*) SELECT=(--select-method "org.duet.tests.$DUET_KOTLIN_TEST") ;;
    *) SELECT=(--select-class "org.duet.tests.$DUET_KOTLIN_TEST") ;;
  esac
else
  SELECT=(--scan-class-path "$OUT/tests.jar" --include-classname '.*Test')
fi
java -Djna.library.path="$BUILD" -jar "$JARS/junit-console.jar" execute \
  --class-path "$CP" "${SELECT[@]}" --disable-banner --details=summary --fail-if-no-tests
[ -n "${DUET_KOTLIN_TEST:-}" ] && exit 0

step "benchmark smoke run (timings are recorded by tests/bench/bindings.sh, never asserted)"
java -Djna.library.path="$BUILD" -cp "$CP" org.duet.tests.BenchKt 5000
