package org.duet.app.model

/** The app's own switches (the vault's contents are the core's). */
interface Settings {
    /** FLAG_SECURE on every screen: no screenshots, recordings or recent-apps thumbnails. */
    var blockScreenCapture: Boolean
    /** Show codes only after a tap on the row. */
    var hideCodes: Boolean
}

/**
 * App lock: whether the vault opens only shortly after the user's fingerprint, face or screen lock.
 * It is a property of how the vault key is stored, not a preference, so it cannot claim a lock
 * the key does not have.
 */
interface AppLock {
    fun isOn(): Boolean

    /**
     * Stores the vault key the other way. The user must have been confirmed just before.
     * @throws org.duet.core.DuetException `E_FFI_KEY_LOCKED`, `E_FFI_KEY_LOST` or `E_FFI_CALLBACK`;
     * the vault key is then stored as before.
     */
    fun turn(on: Boolean)
}
