// The duet core as an Android library (AAR): Rust in jniLibs/<abi>/, UniFFI Kotlin on JNA; and the
// app (app/) on it.
pluginManagement {
    repositories { google(); mavenCentral(); gradlePluginPortal() }
}
dependencyResolutionManagement {
    repositories { google(); mavenCentral() }
}
rootProject.name = "duet-core-android"
include(":app")
