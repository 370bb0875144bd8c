package org.duet.app.ui

import android.app.Activity
import android.content.Intent
import android.os.Bundle
import android.view.WindowManager
import android.widget.TextView
import org.duet.app.AppGraph
import org.duet.app.DuetApplication
import org.duet.app.Strings
import org.duet.app.model.UiError
import org.duet.app.platform.Confirmation
import org.duet.app.platform.GateText
import org.duet.core.DuetException
import org.duet.core.ErrorCode

/**
 * Every screen's base: the app graph, FLAG_SECURE (no screenshots, screen recordings or
 * recent-apps thumbnails) unless the user turned screen-capture blocking off in Settings, and the
 * locked screen shown in place of a screen whose vault cannot open yet.
 */
abstract class DuetActivity : Activity() {
    val graph: AppGraph get() = (application as DuetApplication).graph

    /** The vault opened and the screen built its content; lifecycle calls do nothing otherwise. */
    protected var ready = false
        private set

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        applyScreenCapturePolicy()
    }

    override fun onResume() {
        super.onResume()
        // The setting may have changed on another screen.
        applyScreenCapturePolicy()
    }

    fun applyScreenCapturePolicy() {
        if (graph.settings.blockScreenCapture) window.addFlags(WindowManager.LayoutParams.FLAG_SECURE)
        else window.clearFlags(WindowManager.LayoutParams.FLAG_SECURE)
    }

    /**
     * Opens the vault for this screen; true when it is open. Otherwise the screen shows why in
     * place of its content: with app lock on, the prompt (at once, and again from the Unlock
     * button), after which the screen starts anew; any other failure as the core's code, sentence
     * and next step (a lost key keeps every file as it was).
     */
    protected fun vaultReady(): Boolean {
        val failure = try {
            graph.app
            ready = true
            return true
        } catch (e: DuetException) {
            e
        }
        val root = Views.column(this)
        if (failure.errorCode() == ErrorCode.FFI_KEY_LOCKED) {
            root.addView(Views.title(this, Strings.LOCKED_TITLE))
            root.addView(Views.text(this, Strings.LOCKED, tag = "locked"))
            val note = Views.text(this, "", color = Views.MUTED_COLOR, tag = "unlock-note")
            root.addView(Views.button(this, Strings.UNLOCK, tag = "unlock") { unlock(note) }, Views.fill())
            root.addView(note, Views.fill())
            setContentView(root)
            unlock(note)
        } else {
            root.addView(Views.title(this, Strings.CANNOT_OPEN_TITLE).apply { tag = "cannot-open" })
            root.addView(Views.errorBox(this, UiError.of(failure)), Views.fill())
            setContentView(Views.scroll(this, root))
        }
        return false
    }

    private fun unlock(note: TextView) {
        graph.gate(this).confirm(GateText(Strings.UNLOCK_PROMPT_TITLE, Strings.UNLOCK_PROMPT_SUBTITLE)) { r ->
            when (r) {
                Confirmation.Confirmed -> {
                    // The key opens for a short while after the prompt: the screen starts again on it.
                    startActivity(Intent(intent))
                    finish()
                }
                Confirmation.Cancelled -> note.text = ""
                is Confirmation.Failed -> note.text = r.message
            }
        }
    }
}
