package org.duet.app.model

import org.duet.android.code
import org.duet.android.reason
import org.duet.core.DuetException
import org.duet.core.errorHelp

/** An error as a screen shows it: the core's stable code, its sentence and the next step. */
data class UiError(val code: String, val sentence: String, val nextStep: String?) {
    companion object {
        fun of(e: DuetException) = UiError(e.code(), e.reason(), errorHelp(e.code())?.tell)

        /** For a code that arrives without its sentence (a damaged record, a left-out entry). */
        fun ofCode(code: String, sentence: String? = null): UiError {
            val help = errorHelp(code)
            return UiError(code, sentence ?: help?.`when` ?: code, help?.tell)
        }
    }
}

/** Runs a core call; a [DuetException] becomes a [UiError], anything else stays a crash. */
inline fun <T> attempt(call: () -> T): Outcome<T> =
    try {
        Outcome.Ok(call())
    } catch (e: DuetException) {
        Outcome.Failed(UiError.of(e))
    }

sealed interface Outcome<out T> {
    data class Ok<T>(val value: T) : Outcome<T>
    data class Failed(val error: UiError) : Outcome<Nothing>
}
