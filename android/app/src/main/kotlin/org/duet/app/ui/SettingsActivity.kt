package org.duet.app.ui

import android.app.AlertDialog
import android.content.Intent
import android.net.Uri
import android.os.Bundle
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.Switch
import java.io.IOException
import org.duet.app.Strings
import org.duet.app.model.Outcome
import org.duet.app.model.SettingsModel
import org.duet.app.model.UiError
import org.duet.app.platform.Confirmation
import org.duet.app.platform.GateText

/**
 * Settings: the app lock switch, screen-capture blocking, hidden codes, the clock offset the core
 * saw, encrypted export and import through files the user picks, backup checks, push accounts.
 */
class SettingsActivity : DuetActivity() {
    private lateinit var model: SettingsModel
    private lateinit var status: LinearLayout
    private lateinit var clock: LinearLayout
    private lateinit var push: LinearLayout
    private lateinit var password: EditText
    private lateinit var appLock: Switch
    /** Set while the switch is put back after a refused change, so that is not a change. */
    private var revertingAppLock = false
    private val documents by lazy { graph.documents(this) }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        if (!vaultReady()) return
        model = graph.settingsModel()
        val s = model.settings
        val root = Views.column(this)
        root.addView(Views.title(this, Strings.SETTINGS_TITLE))
        status = Views.column(this, padding = 0).apply { tag = "status" }
        root.addView(status, Views.fill())
        val lockOn = (model.appLockOn() as? Outcome.Ok)?.value ?: false
        root.addView(Views.switch(this, Strings.APP_LOCK, "app-lock", lockOn) { switchAppLock(it) }.also { appLock = it }, Views.fill())
        root.addView(Views.switch(this, Strings.SCREEN_CAPTURE, "screen-capture", s.blockScreenCapture) {
            s.blockScreenCapture = it
            applyScreenCapturePolicy()
        }, Views.fill())
        root.addView(Views.switch(this, Strings.HIDE_CODES, "hide-codes", s.hideCodes) { s.hideCodes = it }, Views.fill())
        clock = Views.column(this, padding = 0).apply { tag = "clock" }
        root.addView(clock, Views.fill())

        root.addView(Views.heading(this, Strings.BACKUP_TITLE))
        password = Views.field(this, Strings.BACKUP_PASSWORD, tag = "backup-password", password = true)
        root.addView(password, Views.fill())
        root.addView(Views.button(this, Strings.EXPORT, tag = "export") {
            startActivityForResult(Intent(Intent.ACTION_CREATE_DOCUMENT).addCategory(Intent.CATEGORY_OPENABLE)
                .setType("application/json").putExtra(Intent.EXTRA_TITLE, "duet-backup.json"), EXPORT)
        }, Views.fill())
        root.addView(Views.button(this, Strings.IMPORT, tag = "import") { open(IMPORT) }, Views.fill())
        root.addView(Views.button(this, Strings.VERIFY, tag = "verify") { open(VERIFY) }, Views.fill())

        root.addView(Views.heading(this, Strings.PUSH_TITLE))
        push = Views.column(this, padding = 0).apply { tag = "push" }
        root.addView(push, Views.fill())
        setContentView(Views.scroll(this, root))
    }

    override fun onResume() {
        super.onResume()
        if (!ready) return
        showClock()
        showPushAccounts()
    }

    /** The vault key is stored the other way only after the user confirmed it is them. */
    private fun switchAppLock(on: Boolean) {
        if (revertingAppLock) return
        val title = if (on) Strings.APP_LOCK_ON_TITLE else Strings.APP_LOCK_OFF_TITLE
        graph.gate(this).confirm(GateText(title, Strings.APP_LOCK_SUBTITLE)) { r ->
            val failed = when (r) {
                Confirmation.Confirmed -> when (val done = model.setAppLock(on)) {
                    is Outcome.Ok -> null
                    is Outcome.Failed -> done.error
                }
                Confirmation.Cancelled -> UiError("", Strings.APP_LOCK_UNCHANGED, null)
                is Confirmation.Failed -> UiError("", r.message, Strings.APP_LOCK_UNCHANGED)
            }
            if (failed == null) {
                status.removeAllViews()
                status.addView(Views.text(this, if (on) Strings.APP_LOCK_ON else Strings.APP_LOCK_OFF, bold = true, tag = "done"))
            } else {
                revertingAppLock = true
                appLock.isChecked = !on
                revertingAppLock = false
                showError(failed)
            }
        }
    }

    private fun open(request: Int) {
        startActivityForResult(Intent(Intent.ACTION_OPEN_DOCUMENT).addCategory(Intent.CATEGORY_OPENABLE).setType("*/*"), request)
    }

    private fun showClock() {
        clock.removeAllViews()
        when (val r = model.clockOffset()) {
            is Outcome.Ok -> {
                val c = r.value
                clock.addView(Views.text(this, if (c == null) Strings.CLOCK_UNKNOWN else Strings.clockOffset(c.offsetSecs), tag = "clock-offset"))
                if (c != null && c.warn) clock.addView(Views.text(this, Strings.CLOCK_WARNING, bold = true, color = Views.WARNING_COLOR, tag = "clock-warning"))
            }
            is Outcome.Failed -> clock.addView(Views.errorBox(this, r.error))
        }
    }

    private fun showPushAccounts() {
        push.removeAllViews()
        when (val r = model.pushAccounts()) {
            is Outcome.Ok -> {
                if (r.value.isEmpty()) push.addView(Views.text(this, Strings.NO_PUSH_ACCOUNTS, color = Views.MUTED_COLOR))
                for (a in r.value) {
                    val row = Views.row(this).apply { tag = "push:${a.id}" }
                    val error = a.errorCode
                    val key = a.deviceKeyFingerprint?.let { "\n" + Strings.deviceKey(it, a.platformKey, a.answerKey) }.orEmpty()
                    val line = if (error != null) UiError.ofCode(error).let { Strings.damaged(a.id, it.code, it.sentence) } else Strings.pushAccount(a.label, a.url) + key
                    row.addView(Views.text(this, line, color = if (error != null) Views.ERROR_COLOR else android.graphics.Color.BLACK), Views.weight())
                    row.addView(Views.button(this, Strings.UNENROLL, tag = "unenroll:${a.id}") { confirmUnenroll(a.id, a.label.ifEmpty { a.id }) })
                    push.addView(row, Views.fill())
                }
            }
            is Outcome.Failed -> push.addView(Views.errorBox(this, r.error))
        }
    }

    private fun confirmUnenroll(id: String, label: String) {
        AlertDialog.Builder(this)
            .setMessage(Strings.unenrollQuestion(label))
            .setPositiveButton(Strings.UNENROLL) { _, _ ->
                graph.background.run({ model.unenroll(id) }) { result ->
                    val r = result.getOrThrow()
                    if (r is Outcome.Failed) showError(r.error) else status.removeAllViews()
                    showPushAccounts()
                }
            }
            .setNegativeButton(Strings.CANCEL, null)
            .show()
    }

    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        val uri = data?.data
        if (!ready || resultCode != RESULT_OK || uri == null) return
        when (requestCode) {
            EXPORT -> export(uri)
            IMPORT, VERIFY -> readBackup(uri, requestCode == VERIFY)
        }
    }

    private fun export(uri: Uri) {
        val pw = password.text.toString()
        graph.background.run({
            when (val r = model.export(pw)) {
                is Outcome.Failed -> r
                is Outcome.Ok -> try {
                    documents.write(uri, r.value)
                    Outcome.Ok(Strings.exported(r.value.size))
                } catch (e: IOException) {
                    Outcome.Failed(UiError("", Strings.FILE_UNWRITABLE, null))
                }
            }
        }) { result -> done(result.getOrThrow()) }
    }

    private fun readBackup(uri: Uri, verifyOnly: Boolean) {
        val pw = password.text.toString()
        graph.background.run({
            val data = try {
                documents.read(uri)
            } catch (e: IOException) {
                return@run Outcome.Failed(UiError("", Strings.FILE_UNREADABLE, null))
            }
            if (verifyOnly) when (val r = model.verify(data, pw)) {
                is Outcome.Ok -> Outcome.Ok(Strings.verified(r.value.restorable.toInt(), r.value.skipped.size, r.value.encrypted))
                is Outcome.Failed -> r
            } else when (val r = model.import(data, pw)) {
                is Outcome.Ok -> Outcome.Ok(Strings.imported(r.value.ids.size, r.value.skipped.size))
                is Outcome.Failed -> r
            }
        }) { result -> done(result.getOrThrow()) }
    }

    /** A sentence of success, or an error. */
    private fun done(result: Outcome<String>) {
        when (result) {
            is Outcome.Failed -> showError(result.error)
            is Outcome.Ok -> {
                status.removeAllViews()
                status.addView(Views.text(this, result.value, bold = true, tag = "done"))
            }
        }
    }

    private fun showError(error: UiError) {
        status.removeAllViews()
        status.addView(Views.errorBox(this, error))
    }

    private companion object {
        const val EXPORT = 1
        const val IMPORT = 2
        const val VERIFY = 3
    }
}
