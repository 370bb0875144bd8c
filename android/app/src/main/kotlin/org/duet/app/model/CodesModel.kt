package org.duet.app.model

import org.duet.app.platform.Cancellable
import org.duet.app.platform.Clipboard
import org.duet.app.platform.Scheduler
import org.duet.core.DuetApp
import org.duet.core.OtpKind
import org.duet.core.StoredAccount

/** One account on the Codes screen. */
data class CodeRow(
    val id: String,
    val label: String,
    /** The code to show, or null while hidden until tapped. */
    val code: String?,
    /** The next period's code, shown in the last seconds of a period. */
    val nextCode: String?,
    /** Seconds until [code] changes; 0 for HOTP. */
    val secondsLeft: Int,
    val period: Int,
    val hotp: Boolean,
)

/** A record the core could not read, shown by id with the core's sentence. */
data class ProblemRow(val id: String, val error: UiError)

data class CodesState(val rows: List<CodeRow>, val problems: List<ProblemRow>, val total: Int)

/**
 * The Codes screen: one `codes()` call per refresh, joined with `accounts()` (read again only
 * after a change). Search, hiding and the clipboard's timed clearing live here; codes are the core's.
 */
class CodesModel(
    private val app: DuetApp,
    private val clipboard: Clipboard,
    private val scheduler: Scheduler,
    private val settings: Settings,
) {
    private var accounts: List<StoredAccount>? = null
    private val revealed = mutableSetOf<String>()
    private val hotpShown = mutableMapOf<String, String>()
    private var lastCodes = emptyMap<String, String>()
    private var pendingClear: Cancellable? = null

    var query: String = ""

    private fun accounts(): List<StoredAccount> = accounts ?: app.accounts().also { accounts = it }

    fun refresh(): CodesState {
        val list = app.codes()
        var byId = accounts().associateBy { it.id }
        // An account added elsewhere (the Add screen, an import) since the list was read.
        if (list.entries.any { it.id !in byId }) {
            accounts = null
            byId = accounts().associateBy { it.id }
        }
        lastCodes = list.entries.associate { it.id to it.code }
        val q = query.trim()
        val rows = list.entries.mapNotNull { e ->
            val account = byId[e.id] ?: return@mapNotNull null
            if (q.isNotEmpty() && !account.label.contains(q, ignoreCase = true)) return@mapNotNull null
            val kind = account.parameters?.kind
            val hotp = kind is OtpKind.Hotp
            val period = when (kind) {
                is OtpKind.Totp -> kind.period.toInt()
                is OtpKind.Steam -> kind.period.toInt()
                else -> 0
            }
            val seconds = e.secondsLeft.toInt()
            val visible = !settings.hideCodes || e.id in revealed
            CodeRow(
                id = e.id,
                label = account.label,
                code = if (visible) hotpShown[e.id] ?: e.code else null,
                nextCode = if (visible && !hotp && e.nextCode.isNotEmpty() && seconds <= NEXT_CODE_SECONDS) e.nextCode else null,
                secondsLeft = seconds,
                period = period,
                hotp = hotp,
            )
        }
        val problems = list.problems.map { ProblemRow(it.id, UiError.ofCode(it.errorCode)) }
        return CodesState(rows, problems, list.entries.size + list.problems.size)
    }

    /** Shows a hidden code (hide-until-tapped); a second tap hides it again. */
    fun toggleReveal(id: String) {
        if (!revealed.remove(id)) revealed += id
    }

    /**
     * Copies the code shown for [id], marked sensitive, and clears the clipboard after
     * [CLIPBOARD_CLEAR_MILLIS] unless something else was copied meanwhile.
     */
    fun copy(id: String, label: String): Boolean {
        val code = hotpShown[id] ?: lastCodes[id] ?: return false
        clipboard.copySensitive(label, code)
        pendingClear?.cancel()
        pendingClear = scheduler.after(CLIPBOARD_CLEAR_MILLIS) { clipboard.clearIfStill(code) }
        return true
    }

    /** HOTP: reserves the next counter in the vault and shows its code. */
    fun nextHotp(id: String): Outcome<String> = attempt { app.nextHotp(id) }.also {
        if (it is Outcome.Ok) {
            hotpShown[id] = it.value
            revealed += id
            accounts = null
        }
    }

    fun account(id: String): StoredAccount? = accounts().firstOrNull { it.id == id }

    fun rename(id: String, issuer: String?, name: String): Outcome<Unit> =
        attempt { app.rename(id, issuer?.trim()?.ifEmpty { null }, name.trim()) }.also { accounts = null }

    /** Moves an account one place up (-1) or down (+1) in the list. */
    fun move(id: String, by: Int): Outcome<Unit> = attempt {
        val ids = accounts().map { it.id }.toMutableList()
        val from = ids.indexOf(id)
        val to = from + by
        if (from >= 0 && to in ids.indices) {
            ids.add(to, ids.removeAt(from))
            app.reorder(ids)
        }
    }.also { accounts = null }

    /** Deletes an account (or a damaged record) after the screen's confirmation. */
    fun delete(id: String): Outcome<Unit> =
        attempt { app.remove(id) }.also { accounts = null; hotpShown.remove(id); revealed.remove(id) }

    companion object {
        const val CLIPBOARD_CLEAR_MILLIS = 30_000L
        /** The next code is shown this many seconds before the current one expires. */
        const val NEXT_CODE_SECONDS = 5
    }
}
