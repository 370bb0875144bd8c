package org.duet.app.platform

import java.security.Signature

/** What the prompt says. */
data class GateText(val title: String, val subtitle: String)

/** How a prompt ended. */
sealed interface GateResult {
    /**
     * The user authenticated; [signature] is the object the prompt authorised, the only one the
     * answer may be signed with.
     */
    class Authorised(val signature: Signature) : GateResult

    /** The user backed out (cancel, back, tapped outside): nothing is signed or sent. */
    data object Cancelled : GateResult

    /** The prompt could not authenticate (locked out, no enrolled biometric or screen lock). */
    data class Failed(val message: String) : GateResult
}

/**
 * Confirms an answer with the user's fingerprint, face or screen lock before its bytes are signed.
 * [authorise] shows the prompt for [Signature] (already initialised for signing with the account's
 * key) and calls [done] exactly once, on the main thread; a finger that is not recognised keeps the
 * prompt open and calls nothing.
 */
interface BiometricGate {
    fun authorise(text: GateText, signature: Signature, done: (GateResult) -> Unit)

    /**
     * Asks for the user without a key operation, for a key that opens for a short while after any
     * confirmation (the app-lock key). [done] runs once, on the main thread.
     */
    fun confirm(text: GateText, done: (Confirmation) -> Unit)
}

/** How a [BiometricGate.confirm] prompt ended. */
sealed interface Confirmation {
    data object Confirmed : Confirmation
    data object Cancelled : Confirmation
    data class Failed(val message: String) : Confirmation
}
