package org.duet.app.platform

import android.content.ClipData
import android.content.ClipDescription
import android.content.ClipboardManager
import android.content.Context
import android.os.PersistableBundle

/** The clipboard, for codes: copies are marked sensitive and cleared later by the caller. */
interface Clipboard {
    fun copySensitive(label: String, text: String)

    /** Clears the clipboard if it still holds [text] (another app's copy since then is kept). */
    fun clearIfStill(text: String)
}

class FrameworkClipboard(context: Context) : Clipboard {
    private val manager: ClipboardManager = context.getSystemService(ClipboardManager::class.java)!!

    override fun copySensitive(label: String, text: String) {
        val clip = ClipData.newPlainText(label, text)
        // Keeps the code out of the keyboard's clipboard preview and the copy notification (API 33+).
        clip.description.extras = PersistableBundle().apply { putBoolean(ClipDescription.EXTRA_IS_SENSITIVE, true) }
        manager.setPrimaryClip(clip)
    }

    override fun clearIfStill(text: String) {
        val clip = manager.primaryClip ?: return
        if (clip.itemCount > 0 && clip.getItemAt(0).text?.toString() == text) manager.clearPrimaryClip()
    }
}
