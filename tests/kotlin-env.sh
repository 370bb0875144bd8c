# The Kotlin toolchain and the Kotlin bindings, shared by the stages that compile Kotlin against
# the duet library (60-kotlin, 62-android-app). Source it after tests/lib.sh; do not run it.
# Installs into $DUET_CACHE: kotlinc (npm package kotlin-compiler, ships kotlinx-coroutines),
# JNA, the JUnit console launcher and qrcodegen (Maven Central; Debian packages as a fallback).

KOTLIN_VERSION=2.2.21
# 5.18.1: fixes a Structure-constructor deadlock (5.18.0, jna#1681) and a sortFields race
# (jna#1686) that the multi-threaded code test could hit.
JNA_VERSION=5.18.1
JUNIT_VERSION=1.11.4
# Nayuki's QR Code generator: tests draw QR codes with it, independently of the Rust encoder.
QRCODEGEN_VERSION=1.8.0
KOTLIN_HOME="$DUET_CACHE/kotlin-$KOTLIN_VERSION/package"
KOTLINC="$KOTLIN_HOME/bin/kotlinc"
COROUTINES="$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar"
STDLIB="$KOTLIN_HOME/lib/kotlin-stdlib.jar"
JARS="$DUET_CACHE/jars"
QRGEN="$JARS/qrcodegen-$QRCODEGEN_VERSION.jar"
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
    "$QRGEN" libqrcodegen-java /usr/share/java/qrcodegen.jar
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

# build_kotlin_bindings OUT: builds the Linux cdylib with the mobile library's settings
# (scripts/mobile-env.sh, its own target directory) and compiles the generated Kotlin into
# OUT/bindings.jar. Sets BUILD (the cargo output folder) and LIB (the cdylib).
build_kotlin_bindings() {
  local out="$1"
  # The test helper links the reference server (OpenSSL for passkeys).
  need_server_build
  # shellcheck disable=SC1091
  source "$ROOT/scripts/mobile-env.sh"
  BUILD="$CARGO_TARGET_DIR/debug"
  cargo build --locked -p duet-bindings --lib --bin uniffi-bindgen -p duet-tests --bin duet-test-helper
  LIB="$BUILD/libduet_bindings.so"
  rm -rf "$out/gen" && mkdir -p "$out/gen"
  "$BUILD/uniffi-bindgen" generate --library "$LIB" --language kotlin --no-format --out-dir "$out/gen"
  # Generated code is compiled on its own: -Werror applies to the hand-written code.
  "$KOTLINC" -nowarn -jvm-target 17 -cp "$JARS/jna.jar:$COROUTINES" -d "$out/bindings.jar" $(find "$out/gen" -name '*.kt')
}
