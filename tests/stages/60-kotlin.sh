#!/usr/bin/env bash
# Kotlin: generates the UniFFI Kotlin bindings, compiles them plus the hand-written JUnit tests in
# android/src/test/kotlin/ with kotlinc -Werror and runs them on the JVM (Java 17) against the Linux cdylib,
# built with the mobile library's SQLite options (scripts/mobile-env.sh, its own target directory).
# Installs into $DUET_CACHE: kotlinc (npm package kotlin-compiler, ships kotlinx-coroutines),
# JNA, the JUnit console launcher and qrcodegen (Maven Central; Debian packages as a fallback).
# DUET_INSTALL_ONLY=1 stops after the toolchain install.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"

KOTLIN_VERSION=2.2.21
# 5.18.1: fixes a Structure-constructor deadlock (5.18.0, jna#1681) and a sortFields race
# (jna#1686) that the multi-threaded code test could hit.
JNA_VERSION=5.18.1
JUNIT_VERSION=1.11.4
# Nayuki's QR Code generator: QrTest draws QR codes with it, independently of the Rust encoder.
QRCODEGEN_VERSION=1.8.0
KOTLIN_HOME="$DUET_CACHE/kotlin-$KOTLIN_VERSION/package"
JARS="$DUET_CACHE/jars"
MAVEN=https://repo1.maven.org/maven2

install_kotlin() {
  need_apt openjdk-17-jdk-headless
  if [ ! -x "$KOTLIN_HOME/bin/kotlinc" ]; then
    step "kotlin-compiler $KOTLIN_VERSION from npm"
    local d="$DUET_CACHE/kotlin-$KOTLIN_VERSION"
    rm -rf "$d" && mkdir -p "$d"
    (cd "$d" && npm pack --silent "kotlin-compiler@$KOTLIN_VERSION" >/dev/null && tar xzf kotlin-compiler-*.tgz && rm kotlin-compiler-*.tgz)
    chmod +x "$KOTLIN_HOME"/bin/*
  fi
  mkdir -p "$JARS"
  # Cached under its version, so a version bump downloads again; jna.jar points at it.
  fetch_jar "$MAVEN/net/java/dev/jna/jna/$JNA_VERSION/jna-$JNA_VERSION.jar" "$JARS/jna-$JNA_VERSION.jar" \
    libjna-java /usr/share/java/jna.jar
  ln -sfn "jna-$JNA_VERSION.jar" "$JARS/jna.jar"
  fetch_jar "$MAVEN/org/junit/platform/junit-platform-console-standalone/$JUNIT_VERSION/junit-platform-console-standalone-$JUNIT_VERSION.jar" \
    "$JARS/junit-console.jar" junit5 /usr/share/java/junit-platform-console-standalone.jar
  fetch_jar "$MAVEN/io/nayuki/qrcodegen/$QRCODEGEN_VERSION/qrcodegen-$QRCODEGEN_VERSION.jar" \
    "$JARS/qrcodegen-$QRCODEGEN_VERSION.jar" libqrcodegen-java /usr/share/java/qrcodegen.jar
}

# fetch_jar URL DEST DEBIAN_PKG DEBIAN_JAR: Maven Central first, the Debian package if it does not answer.
fetch_jar() {
  local url="$1" dest="$2" pkg="$3" debjar="$4"
  [ -s "$dest" ] && return 0
  if curl -fsSL --retry 3 --max-time 120 -o "$dest.part" "$url"; then
    mv "$dest.part" "$dest"
  else
    rm -f "$dest.part"
    echo "Maven Central did not answer for $url; using Debian $pkg"
    need_apt "$pkg"
    cp "$debjar" "$dest"
  fi
}

install_kotlin
[ "${DUET_INSTALL_ONLY:-}" = 1 ] && exit 0

need_server_build
step "build the cdylib and generate the Kotlin bindings"
source "$ROOT/scripts/mobile-env.sh"
BUILD="$CARGO_TARGET_DIR/debug"
cargo build --locked -p duet-bindings --lib --bin uniffi-bindgen -p duet-tests --bin duet-test-helper
LIB="$BUILD/libduet_bindings.so"
OUT="$ROOT/target/kotlin"
rm -rf "$OUT" && mkdir -p "$OUT/gen" "$OUT/classes" "$OUT/tests"
"$BUILD/uniffi-bindgen" generate --library "$LIB" --language kotlin --no-format --out-dir "$OUT/gen"

KOTLINC="$KOTLIN_HOME/bin/kotlinc"
COROUTINES="$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar"
STDLIB="$KOTLIN_HOME/lib/kotlin-stdlib.jar"
step "kotlinc: generated bindings"
# Generated code is compiled on its own: -Werror applies to the hand-written code below.
"$KOTLINC" -nowarn -jvm-target 17 -cp "$JARS/jna.jar:$COROUTINES" -d "$OUT/bindings.jar" $(find "$OUT/gen" -name '*.kt')
step "kotlinc -Werror: tests"
QRGEN="$JARS/qrcodegen-$QRCODEGEN_VERSION.jar"
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
