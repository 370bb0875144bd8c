#!/usr/bin/env bash
# Renders every screen of the Android app to docs/screenshots/android-*.png: the Robolectric
# screenshot tests (android/app/src/test/kotlin/org/duet/app/*ScreenshotTest.kt, native graphics,
# a 1080x1920 phone) run through tests/stages/62-android-app.sh, which installs what they need.
# Usage: bash scripts/android-screenshots.sh [TEST-CLASS]   (default: every *ScreenshotTest class)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export DUET_ANDROID_SCREENSHOTS="$ROOT/docs/screenshots"
export DUET_ANDROID_TEST="${1:-*ScreenshotTest}"
bash "$ROOT/tests/stages/62-android-app.sh"
ls -l "$DUET_ANDROID_SCREENSHOTS"/android-*.png
