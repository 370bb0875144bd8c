package org.duet.app.model

/** The app's own switches (the vault's contents are the core's). */
interface Settings {
    /** Ask for the biometric gate before the vault opens. */
    var appLock: Boolean
    /** FLAG_SECURE on every screen: no screenshots, recordings or recent-apps thumbnails. */
    var blockScreenCapture: Boolean
    /** Show codes only after a tap on the row. */
    var hideCodes: Boolean
}
