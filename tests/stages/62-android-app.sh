#!/usr/bin/env bash
# The Android app (android/app/) on the JVM: Robolectric 4.18 at SDK 34 runs the real Activities
# against the real core (the Linux cdylib through JNA, a vault file in a temp folder) and the real
# AndroidManifest.xml (compiled with Debian's aapt, so the intent filters are the ones a phone
# reads). The Gradle/AGP build of the APK needs the Android SDK and is not run here.
#
# Installs: kotlinc and JNA (tests/kotlin-env.sh), Maven (Debian) for the Robolectric classpath
# (android/app/robolectric/pom.xml, checksums verified, local repository in $DUET_CACHE/m2, the
# SDK 34 android-all-instrumented jar included so the tests run offline), aapt and the framework
# resources it links the manifest against (Debian).
# DUET_ANDROID_TEST=Class, Class#method or a pattern (*ScreenshotTest) runs only those tests (docs/testing.md).
# DUET_ANDROID_SCREENSHOTS=DIR writes the screenshot test's PNGs there (scripts/android-screenshots.sh).
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
source "$ROOT/tests/kotlin-env.sh"

SDK=34
step "toolchain: kotlinc, JNA, Maven, aapt"
install_kotlin
command -v mvn >/dev/null || need_apt maven
need_apt aapt android-framework-res
FRAMEWORK_RES=/usr/share/android-framework-res/framework-res.apk

OUT="$ROOT/target/android-app"
rm -rf "$OUT" && mkdir -p "$OUT/config/com/android/tools" "$OUT/aar"

step "Robolectric classpath from Maven Central (checksums verified)"
M2="$DUET_CACHE/m2"
# -C: a checksum mismatch fails the build instead of warning. Offline after the first run.
mvn -B -q -C -Dmaven.repo.local="$M2" -f android/app/robolectric/pom.xml \
  dependency:build-classpath -Dmdep.outputFile="$OUT/maven.cp" -Dmdep.includeScope=runtime 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
MAVEN_CP="$(cat "$OUT/maven.cp")"
# androidx.test ships as .aar; a plain JVM classpath takes the classes.jar inside.
JVM_CP=""
IFS=: read -ra entries <<< "$MAVEN_CP"
for e in "${entries[@]}"; do
  case "$e" in
    *.aar) n="$(basename "$e" .aar)"; unzip -q -o -j "$e" classes.jar -d "$OUT/aar/$n"; JVM_CP="$JVM_CP:$OUT/aar/$n/classes.jar" ;;
    *android-all-instrumented-*) ;; # loaded by Robolectric from robolectric.dependency.dir
    *) JVM_CP="$JVM_CP:$e" ;;
  esac
done
JVM_CP="${JVM_CP#:}"
ANDROID_ALL="$(tr ':' '\n' <<< "$MAVEN_CP" | grep '/android-all-15-')"
INSTRUMENTED="$(tr ':' '\n' <<< "$MAVEN_CP" | grep '/android-all-instrumented-')"
DEPS_DIR="$OUT/robolectric-deps"
mkdir -p "$DEPS_DIR" && ln -sf "$INSTRUMENTED" "$DEPS_DIR/"

step "build the cdylib and generate the Kotlin bindings"
build_kotlin_bindings "$OUT"

step "aapt: the app's manifest"
# What Robolectric parses for the package (activities, intent filters, application class): the
# binary manifest of an APK, as on a phone.
aapt package -f -M android/app/src/main/AndroidManifest.xml -I "$FRAMEWORK_RES" -F "$OUT/app-manifest.apk"
cat > "$OUT/config/com/android/tools/test_config.properties" <<PROPS
android_merged_manifest=$ROOT/android/app/src/main/AndroidManifest.xml
android_resource_apk=$OUT/app-manifest.apk
android_custom_package=org.duet.app
PROPS
echo "sdk=$SDK" > "$OUT/config/robolectric.properties"

step "kotlinc -Werror: the app"
"$KOTLINC" -Werror -jvm-target 17 -cp "$ANDROID_ALL:$OUT/bindings.jar:$JARS/jna.jar:$COROUTINES" \
  -d "$OUT/app.jar" $(find android/app/src/main/kotlin -name '*.kt') android/src/main/kotlin/org/duet/android/*.kt

step "kotlinc -Werror: the Robolectric tests"
"$KOTLINC" -Werror -jvm-target 17 -cp "$OUT/app.jar:$OUT/bindings.jar:$JARS/jna.jar:$QRGEN:$COROUTINES:$JVM_CP" \
  -d "$OUT/tests.jar" $(find android/app/src/test/kotlin -name '*.kt') android/src/test/kotlin/org/duet/tests/Harness.kt

step "Robolectric (SDK $SDK) against $LIB"
export DUET_TEST_HELPER="$BUILD/duet-test-helper"
CP="$OUT/config:$OUT/tests.jar:$OUT/app.jar:$OUT/bindings.jar:$JARS/jna.jar:$QRGEN:$COROUTINES:$STDLIB:$JVM_CP"
if [ -n "${DUET_ANDROID_TEST:-}" ]; then
  case "$DUET_ANDROID_TEST" in
    *'#'*) SELECT=(--select-method "org.duet.app.$DUET_ANDROID_TEST") ;;
    *'*'*) SELECT=(--scan-class-path "$OUT/tests.jar" --include-classname "org\.duet\.app\.${DUET_ANDROID_TEST//\*/.*}") ;;
    *) SELECT=(--select-class "org.duet.app.$DUET_ANDROID_TEST") ;;
  esac
else
  SELECT=(--scan-class-path "$OUT/tests.jar" --include-classname '.*Test')
fi
# ParcelFileDescriptor (files the user picks) reaches into java.io.FileDescriptor.
java -Xmx2g --add-opens=java.base/java.io=ALL-UNNAMED -Djna.library.path="$BUILD" \
  -Drobolectric.offline=true -Drobolectric.dependency.dir="$DEPS_DIR" \
  -Drobolectric.logging.enabled=false \
  ${DUET_ANDROID_SCREENSHOTS:+-Dduet.screenshots="$DUET_ANDROID_SCREENSHOTS"} \
  -cp "$CP:$JARS/junit-console.jar" org.junit.platform.console.ConsoleLauncher execute \
  "${SELECT[@]}" --disable-banner --details=summary --fail-if-no-tests
step "done"
