// The duet app: framework widgets only (no AndroidX, no XML layouts), on the library module ":"
// (the core's .so files and UniFFI Kotlin). Needs the Android SDK; the Linux CI does not run this
// build and tests the app with Robolectric on the JVM instead (tests/stages/62-android-app.sh).
plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "org.duet.app"
    compileSdk = 35

    defaultConfig {
        applicationId = "org.duet.app"
        minSdk = 30
        targetSdk = 35
        versionCode = 1
        versionName = "0.1"
    }

    sourceSets["main"].kotlin.srcDirs("src/main/kotlin")

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"))
        }
    }
}

kotlin {
    jvmToolchain(17)
    compilerOptions { allWarningsAsErrors.set(true) }
}

dependencies {
    implementation(project(":"))
}
