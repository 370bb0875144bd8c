package org.duet.app.platform

import android.content.SharedPreferences
import org.duet.app.model.Settings

/** The app's switches in SharedPreferences (not secrets: the vault holds those). */
class SharedPreferencesSettings(private val prefs: SharedPreferences) : Settings {
    override var blockScreenCapture: Boolean
        get() = prefs.getBoolean("block_screen_capture", true)
        set(v) = prefs.edit().putBoolean("block_screen_capture", v).apply()
    override var hideCodes: Boolean
        get() = prefs.getBoolean("hide_codes", false)
        set(v) = prefs.edit().putBoolean("hide_codes", v).apply()
}
