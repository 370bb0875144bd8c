package org.duet.app.push

import org.duet.app.Strings
import java.time.ZoneId
import org.duet.android.code
import org.duet.android.reason
import org.duet.app.platform.KeyLoss
import org.duet.app.platform.KeyLostException
import org.duet.app.platform.KeyUse
import org.duet.app.platform.VaultLockedException
import org.duet.core.AnswerOutcome
import org.duet.core.DuetApp
import org.duet.core.DuetException
import org.duet.core.ErrorCode
import org.duet.core.NumberMatching
import org.duet.core.PushAnswer
import org.duet.core.SignerAlgorithm

/** How a shown request ended. */
enum class Outcome { APPROVED, DENIED_NOT_ME, DENIED_MISTAKE, EXPIRED, ANSWERED_ELSEWHERE, WRONG_NUMBER, CLOSED }

/** What the request screen shows now. */
sealed interface RequestScreen {
    data object Checking : RequestScreen
    data class Nothing(val problem: String?) : RequestScreen

    /** The request, the number entry, and a line about the last attempt (input missing, prompt cancelled). */
    data class Ask(val request: RequestView, val typed: String, val picked: String?, val note: String?) : RequestScreen

    /** "Was this you?" before a denial is signed. */
    data class DenyReason(val request: RequestView) : RequestScreen

    /** The biometric prompt is up. */
    data class Confirming(val request: RequestView) : RequestScreen
    data class Closed(val outcome: Outcome, val text: String) : RequestScreen

    /** A Keystore key is unusable: what happened and the ways back. Nothing was deleted. */
    data class KeyLost(val use: KeyUse, val loss: KeyLoss, val text: String, val waysBack: List<String>) : RequestScreen
    data object Locked : RequestScreen
    data class Problem(val code: String, val text: String) : RequestScreen
}

/** The bytes of a prepared answer, to be signed in the prompt with the key [keyHandle] names. */
class ToSign(
    val requestId: String,
    val message: ByteArray,
    val algorithm: SignerAlgorithm,
    val keyHandle: ByteArray?,
    val approving: Boolean,
)

/**
 * The request screen's state and rules, without Android: which request is shown, the number the user
 * typed or picked, the two-step answer, and the outcome in plain words. The calls that reach the
 * server ([refresh], [submit]) run off the main thread; every method is safe to call from any thread.
 */
class RequestModel(
    private val openApp: () -> DuetApp,
    private val nowSeconds: () -> Long,
    private val zone: ZoneId = ZoneId.systemDefault(),
) {
    /** The open vault; [openApp] unlocks it once and hands back the same object after. */
    private val app: DuetApp get() = openApp()

    private enum class Phase { CHECKING, NOTHING, ASK, DENY_REASON, CONFIRMING, CLOSED, KEY_LOST, LOCKED, PROBLEM }

    private var phase = Phase.CHECKING
    private var request: RequestView? = null
    private var wanted: String? = null
    private var typed = ""
    private var picked: String? = null
    private var note: String? = null
    private var denyNotMe: Boolean? = null
    private var closed: RequestScreen.Closed? = null
    private var keyLost: RequestScreen.KeyLost? = null
    private var problem: RequestScreen.Problem? = null
    private var pollProblem: String? = null
    private var clockOffset = 0L

    @get:Synchronized
    val screen: RequestScreen
        get() {
            val r = request
            return when (phase) {
                Phase.CHECKING -> RequestScreen.Checking
                Phase.NOTHING -> RequestScreen.Nothing(pollProblem)
                Phase.ASK -> RequestScreen.Ask(r!!, typed, picked, note)
                Phase.DENY_REASON -> RequestScreen.DenyReason(r!!)
                Phase.CONFIRMING -> RequestScreen.Confirming(r!!)
                Phase.CLOSED -> closed!!
                Phase.KEY_LOST -> keyLost!!
                Phase.LOCKED -> RequestScreen.Locked
                Phase.PROBLEM -> problem!!
            }
        }

    /** The request id shown now, if any. */
    @get:Synchronized
    val shownRequestId: String? get() = request?.requestId

    /** Show this request (from a notification) once a poll has it. */
    @Synchronized
    fun focus(requestId: String?) {
        wanted = requestId
    }

    /** Polls every push account and updates what is shown. Network: not on the main thread. */
    fun refresh() {
        val summary = try {
            app.poll()
        } catch (e: VaultLockedException) {
            locked()
            return
        } catch (e: KeyLostException) {
            keyLost(e)
            return
        } catch (e: DuetException) {
            synchronized(this) {
                if (phase == Phase.CHECKING || phase == Phase.NOTHING) {
                    pollProblem = e.reason()
                    phase = Phase.NOTHING
                }
            }
            return
        }
        synchronized(this) {
            pollProblem = summary.failures.firstOrNull()?.let { "${it.label}: ${it.error.reason()}" }
            summary.clockOffsetSecs?.let { clockOffset = it }
            val shown = request
            val busy = phase == Phase.CONFIRMING || phase == Phase.CLOSED || phase == Phase.KEY_LOST ||
                phase == Phase.LOCKED || phase == Phase.PROBLEM
            if (shown != null && !busy) {
                val end = summary.closed.firstOrNull { it.requestId == shown.requestId }
                if (end != null) {
                    finish(closedBy(end.status))
                    return
                }
                if (summary.requests.none { it.requestId == shown.requestId }) {
                    // Servers drop expired requests from the poll; the request's own expiry says why it went.
                    val expired = shown.expiresAt?.let { nowSeconds() + clockOffset >= it } ?: false
                    if (expired) finish(Outcome.EXPIRED) else finish(Outcome.CLOSED, Strings.Request.GONE)
                    return
                }
            }
            if (shown == null && (phase == Phase.CHECKING || phase == Phase.NOTHING)) {
                val next = summary.requests.firstOrNull { it.requestId == wanted } ?: summary.requests.firstOrNull()
                if (next == null) {
                    phase = Phase.NOTHING
                } else {
                    show(RequestView.of(next, zone))
                }
            }
        }
    }

    private fun show(view: RequestView) {
        request = view
        typed = ""
        picked = null
        note = null
        phase = Phase.ASK
    }

    /** The user typed into the number field: digits only, at most as many as asked. */
    @Synchronized
    fun type(text: String) {
        val m = request?.matching as? NumberMatching.TypeShown ?: return
        typed = text.filter { it in '0'..'9' }.take(m.digits.toInt())
        note = null
    }

    /** The user tapped one of the offered numbers. */
    @Synchronized
    fun pick(choice: String) {
        val m = request?.matching as? NumberMatching.Pick ?: return
        if (choice in m.choices) {
            picked = choice
            note = null
        }
    }

    /** Approve: checks the number is there and prepares the bytes to sign; `null` when there is nothing to sign. */
    @Synchronized
    fun approve(): ToSign? {
        val r = request?.takeIf { phase == Phase.ASK } ?: return null
        val number = when (val m = r.matching) {
            is NumberMatching.TypeShown -> typed.takeIf { it.length == m.digits.toInt() }
                ?: return null.also { note = Strings.Request.NEED_DIGITS.format(m.digits.toInt()) }
            is NumberMatching.Pick -> picked ?: return null.also { note = Strings.Request.NEED_PICK }
            NumberMatching.None -> null
        }
        return prepare(r, PushAnswer.Approve(number), approving = true)
    }

    /** Deny: asks "Was this you?" first. */
    @Synchronized
    fun deny() {
        if (phase == Phase.ASK) phase = Phase.DENY_REASON
    }

    /** Back from "Was this you?" to the request. */
    @Synchronized
    fun back() {
        if (phase == Phase.DENY_REASON) phase = Phase.ASK
    }

    /** The denial's reason: [notMe] reports fraud, otherwise it was a mistake. */
    @Synchronized
    fun denyBecause(notMe: Boolean): ToSign? {
        val r = request?.takeIf { phase == Phase.DENY_REASON } ?: return null
        denyNotMe = notMe
        return prepare(r, if (notMe) PushAnswer.DenyNotMe else PushAnswer.DenyMistake, approving = false)
    }

    private fun prepare(r: RequestView, answer: PushAnswer, approving: Boolean): ToSign? {
        if (approving) denyNotMe = null
        return try {
            val p = app.prepareAnswer(r.requestId, answer)
            phase = Phase.CONFIRMING
            ToSign(r.requestId, p.message, p.algorithm, p.keyHandle, approving)
        } catch (e: DuetException) {
            failed(e)
            null
        }
    }

    /** The prompt ended without authorising ([failure] null: the user cancelled). Nothing was sent. */
    @Synchronized
    fun promptEnded(failure: String?) {
        if (phase != Phase.CONFIRMING) return
        phase = Phase.ASK
        note = if (failure == null) Strings.Request.NOT_SENT else Strings.Request.NOT_SENT_FAILED.format(failure)
    }

    /** Sends the answer signed inside the prompt. Network: not on the main thread. */
    fun submit(toSign: ToSign, signature: ByteArray) {
        val outcome = try {
            app.submitAnswer(toSign.requestId, signature)
        } catch (e: DuetException) {
            synchronized(this) { failed(e) }
            return
        }
        synchronized(this) {
            finish(
                when (outcome) {
                    AnswerOutcome.ACCEPTED -> when {
                        toSign.approving -> Outcome.APPROVED
                        denyNotMe == true -> Outcome.DENIED_NOT_ME
                        else -> Outcome.DENIED_MISTAKE
                    }
                    AnswerOutcome.ANSWERED_ELSEWHERE -> Outcome.ANSWERED_ELSEWHERE
                    AnswerOutcome.EXPIRED -> Outcome.EXPIRED
                    AnswerOutcome.WRONG_NUMBER -> Outcome.WRONG_NUMBER
                },
            )
        }
    }

    /** The key to sign with is unusable: explain, offer the ways back, delete nothing. */
    @Synchronized
    fun keyLost(e: KeyLostException) {
        val text = (if (e.loss == KeyLoss.INVALIDATED) Strings.Request.KEY_INVALIDATED else Strings.Request.KEY_MISSING) +
            " " + Strings.Request.KEY_NOTHING_DELETED
        val ways = when (e.use) {
            KeyUse.PUSH_ACCOUNT -> listOf(Strings.Request.WAY_BACK_PUSH)
            KeyUse.VAULT -> listOf(Strings.Request.WAY_BACK_VAULT, Strings.Request.WAY_BACK_PUSH)
        }
        keyLost = RequestScreen.KeyLost(e.use, e.loss, text, ways)
        phase = Phase.KEY_LOST
    }

    /** The vault could not be opened because app lock wants the user first. */
    @Synchronized
    fun locked() {
        phase = Phase.LOCKED
    }

    /** A failure to show as it is (the core's sentence, with its code for support). */
    @Synchronized
    fun problem(code: String, text: String) {
        problem = RequestScreen.Problem(code, text)
        phase = Phase.PROBLEM
    }

    /** After an outcome, Locked or Problem: look again (the next waiting request, if any). */
    @Synchronized
    fun retry() {
        if (phase == Phase.LOCKED || phase == Phase.PROBLEM || phase == Phase.NOTHING || phase == Phase.CLOSED) {
            request = null
            phase = Phase.CHECKING
        }
    }

    private fun failed(e: DuetException) {
        when (e.errorCode()) {
            ErrorCode.PUSH_EXPIRED -> finish(Outcome.EXPIRED)
            ErrorCode.APP_REQUEST_NOT_WAITING, ErrorCode.PUSH_REPLAYED -> finish(Outcome.CLOSED, Strings.Request.GONE)
            ErrorCode.PUSH_NUMBER_INVALID, ErrorCode.PUSH_NUMBER_REQUIRED -> {
                phase = Phase.ASK
                note = e.reason()
            }
            ErrorCode.PUSH_SIGNER_UNAVAILABLE -> keyLost(KeyLostException(KeyUse.PUSH_ACCOUNT, KeyLoss.MISSING))
            else -> problem(e.code(), e.reason())
        }
    }

    private fun closedBy(status: String): Outcome = when (status) {
        "expired" -> Outcome.EXPIRED
        "answered_elsewhere" -> Outcome.ANSWERED_ELSEWHERE
        else -> Outcome.CLOSED
    }

    private fun finish(outcome: Outcome, text: String? = null) {
        closed = RequestScreen.Closed(
            outcome,
            text ?: when (outcome) {
                Outcome.APPROVED -> Strings.Request.APPROVED
                Outcome.DENIED_NOT_ME -> Strings.Request.DENIED_NOT_ME
                Outcome.DENIED_MISTAKE -> Strings.Request.DENIED_MISTAKE
                Outcome.EXPIRED -> Strings.Request.EXPIRED
                Outcome.ANSWERED_ELSEWHERE -> Strings.Request.ANSWERED_ELSEWHERE
                Outcome.WRONG_NUMBER -> Strings.Request.WRONG_NUMBER
                Outcome.CLOSED -> Strings.Request.GONE
            },
        )
        phase = Phase.CLOSED
    }
}
