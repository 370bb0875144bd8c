package org.duet.app.ui

import android.app.AlertDialog
import android.content.Intent
import android.graphics.Typeface
import android.os.Bundle
import android.text.Editable
import android.text.TextWatcher
import android.widget.LinearLayout
import android.widget.TextView
import android.widget.Toast
import org.duet.app.Strings
import org.duet.app.model.CodeRow
import org.duet.app.model.CodesModel
import org.duet.app.model.CodesState
import org.duet.app.model.Outcome
import org.duet.app.model.UiError
import org.duet.app.model.attempt
import org.duet.app.platform.Cancellable

/** The launcher screen: every account's code, refreshed once a second while visible. */
class CodesActivity : DuetActivity() {
    private lateinit var model: CodesModel
    private lateinit var list: LinearLayout
    private lateinit var status: LinearLayout
    private var tick: Cancellable? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        if (!vaultReady()) return
        model = graph.codesModel()
        val root = Views.column(this)
        val top = Views.row(this)
        top.addView(Views.title(this, Strings.CODES_TITLE), Views.weight())
        top.addView(Views.button(this, Strings.ADD, tag = "add") { startActivity(Intent(this, AddActivity::class.java)) })
        top.addView(Views.button(this, Strings.SETTINGS, tag = "settings") { startActivity(Intent(this, SettingsActivity::class.java)) })
        root.addView(top, Views.fill())
        val search = Views.field(this, Strings.SEARCH_HINT, tag = "search")
        search.addTextChangedListener(object : TextWatcher {
            override fun beforeTextChanged(s: CharSequence?, start: Int, count: Int, after: Int) {}
            override fun onTextChanged(s: CharSequence?, start: Int, before: Int, count: Int) {}
            override fun afterTextChanged(s: Editable?) {
                model.query = s?.toString().orEmpty()
                refresh()
            }
        })
        root.addView(search, Views.fill())
        status = Views.column(this, padding = 0).apply { tag = "status" }
        root.addView(status, Views.fill())
        list = Views.column(this, padding = 0).apply { tag = "codes" }
        root.addView(list, Views.fill())
        setContentView(Views.scroll(this, root))
    }

    override fun onResume() {
        super.onResume()
        if (ready) refresh()
    }

    override fun onPause() {
        super.onPause()
        tick?.cancel()
        tick = null
    }

    /** One `codes()` call, then the next tick a second later. */
    fun refresh() {
        tick?.cancel()
        when (val r = attempt { model.refresh() }) {
            is Outcome.Ok -> render(r.value)
            is Outcome.Failed -> showError(r.error)
        }
        tick = graph.scheduler.after(1_000) { refresh() }
    }

    private fun render(state: CodesState) {
        list.removeAllViews()
        if (state.total == 0) list.addView(Views.text(this, Strings.NO_ACCOUNTS, color = Views.MUTED_COLOR, tag = "empty"))
        else if (state.rows.isEmpty() && state.problems.isEmpty()) list.addView(Views.text(this, Strings.NO_MATCH, color = Views.MUTED_COLOR, tag = "empty"))
        for (row in state.rows) list.addView(rowView(row), Views.fill())
        for (p in state.problems) {
            val box = Views.column(this, padding = 8).apply { tag = "problem:${p.id}" }
            box.addView(Views.text(this, Strings.damaged(p.id, p.error.code, p.error.sentence), color = Views.ERROR_COLOR))
            p.error.nextStep?.let { box.addView(Views.text(this, Strings.nextStep(it), sizeSp = 14f)) }
            box.addView(Views.button(this, Strings.REMOVE_DAMAGED, tag = "remove:${p.id}") { confirmDelete(p.id, p.id) })
            list.addView(box, Views.fill())
        }
    }

    private fun rowView(row: CodeRow): LinearLayout {
        val box = Views.row(this).apply {
            tag = "row:${row.id}"
            val p = Views.dp(context, 8)
            setPadding(0, p, 0, p)
        }
        val texts = Views.column(this, padding = 0)
        texts.addView(Views.text(this, row.label, sizeSp = 14f, color = Views.MUTED_COLOR, tag = "label:${row.id}"))
        val code = Views.text(this, row.code?.let(::grouped) ?: Strings.HIDDEN_CODE, sizeSp = 30f, color = Views.ACCENT_COLOR, tag = "code:${row.id}")
        code.typeface = Typeface.MONOSPACE
        if (row.code == null) code.contentDescription = Strings.TAP_TO_SHOW
        texts.addView(code)
        row.nextCode?.let { texts.addView(Views.text(this, Strings.nextCode(grouped(it)), sizeSp = 14f, color = Views.MUTED_COLOR, tag = "next:${row.id}")) }
        box.addView(texts, Views.weight())
        box.setOnClickListener { tapped(row) }
        if (row.hotp) box.addView(Views.button(this, Strings.HOTP_NEXT, tag = "hotp:${row.id}") { nextHotp(row.id) })
        else box.addView(Views.text(this, Strings.secondsLeft(row.secondsLeft), sizeSp = 16f, color = Views.MUTED_COLOR, tag = "left:${row.id}"))
        box.addView(Views.button(this, "⋮", tag = "menu:${row.id}") { menu(row) })
        return box
    }

    private fun grouped(code: String): String = if (code.length >= 6) code.substring(0, code.length / 2) + " " + code.substring(code.length / 2) else code

    private fun tapped(row: CodeRow) {
        if (row.code == null) {
            model.toggleReveal(row.id)
            refresh()
            return
        }
        if (model.copy(row.id, row.label)) Toast.makeText(this, Strings.COPIED, Toast.LENGTH_SHORT).show()
    }

    private fun nextHotp(id: String) {
        when (val r = model.nextHotp(id)) {
            is Outcome.Ok -> refresh()
            is Outcome.Failed -> showError(r.error)
        }
    }

    private fun menu(row: CodeRow) {
        val actions = listOf(Strings.RENAME, Strings.MOVE_UP, Strings.MOVE_DOWN, Strings.DELETE)
        AlertDialog.Builder(this)
            .setTitle(row.label)
            .setItems(actions.toTypedArray()) { _, which ->
                when (which) {
                    0 -> rename(row.id)
                    1 -> done(model.move(row.id, -1))
                    2 -> done(model.move(row.id, +1))
                    3 -> confirmDelete(row.id, row.label)
                }
            }
            .show()
    }

    private fun rename(id: String) {
        val account = model.account(id) ?: return
        val form = Views.column(this)
        val issuer = Views.field(this, Strings.ISSUER, tag = "rename-issuer").apply { setText(account.issuer.orEmpty()) }
        val name = Views.field(this, Strings.ACCOUNT_NAME, tag = "rename-name").apply { setText(account.name) }
        form.addView(issuer)
        form.addView(name)
        AlertDialog.Builder(this)
            .setTitle(Strings.RENAME)
            .setView(form)
            .setPositiveButton(Strings.SAVE) { _, _ -> done(model.rename(id, issuer.text.toString(), name.text.toString())) }
            .setNegativeButton(Strings.CANCEL, null)
            .show()
    }

    private fun confirmDelete(id: String, label: String) {
        AlertDialog.Builder(this)
            .setMessage(Strings.deleteQuestion(label))
            .setPositiveButton(Strings.DELETE) { _, _ -> done(model.delete(id)) }
            .setNegativeButton(Strings.CANCEL, null)
            .show()
    }

    private fun done(outcome: Outcome<Unit>) {
        when (outcome) {
            is Outcome.Ok -> {
                status.removeAllViews()
                refresh()
            }
            is Outcome.Failed -> showError(outcome.error)
        }
    }

    private fun showError(error: UiError) {
        status.removeAllViews()
        status.addView(Views.errorBox(this, error))
    }

    /** The code text shown for an account (tests and screenshots read it). */
    fun codeText(id: String): String? = (list.findViewWithTag<TextView>("code:$id"))?.text?.toString()
}
