package org.duet.app.platform

import android.content.Context
import android.hardware.biometrics.BiometricManager.Authenticators.BIOMETRIC_STRONG
import android.hardware.biometrics.BiometricManager.Authenticators.DEVICE_CREDENTIAL
import android.hardware.biometrics.BiometricPrompt
import android.os.CancellationSignal
import java.security.Signature

/**
 * [BiometricGate] on the framework's `BiometricPrompt` (no AndroidX): a strong biometric or the
 * screen lock, with the answer's [Signature] as the prompt's `CryptoObject` (none for [confirm]).
 */
class FrameworkBiometricGate(private val context: Context) : BiometricGate {
    override fun authorise(text: GateText, signature: Signature, done: (GateResult) -> Unit) =
        show(text, BiometricPrompt.CryptoObject(signature)) { r ->
            done(
                when (r) {
                    // The object handed in is the one the Keystore now lets sign once; the result's
                    // own CryptoObject is that same object on a phone (and absent under Robolectric).
                    is Ended.Succeeded -> GateResult.Authorised(r.result.cryptoObject?.signature ?: signature)
                    Ended.Cancelled -> GateResult.Cancelled
                    is Ended.Failed -> GateResult.Failed(r.message)
                },
            )
        }

    override fun confirm(text: GateText, done: (Confirmation) -> Unit) =
        show(text, null) { r ->
            done(
                when (r) {
                    is Ended.Succeeded -> Confirmation.Confirmed
                    Ended.Cancelled -> Confirmation.Cancelled
                    is Ended.Failed -> Confirmation.Failed(r.message)
                },
            )
        }

    private sealed interface Ended {
        class Succeeded(val result: BiometricPrompt.AuthenticationResult) : Ended
        data object Cancelled : Ended
        class Failed(val message: String) : Ended
    }

    private fun show(text: GateText, crypto: BiometricPrompt.CryptoObject?, done: (Ended) -> Unit) {
        val prompt = BiometricPrompt.Builder(context)
            .setTitle(text.title)
            .setSubtitle(text.subtitle)
            // With DEVICE_CREDENTIAL the system offers the PIN itself; a negative button is not allowed.
            .setAllowedAuthenticators(BIOMETRIC_STRONG or DEVICE_CREDENTIAL)
            .setConfirmationRequired(true)
            .build()
        var answered = false
        fun once(r: Ended) {
            if (!answered) {
                answered = true
                done(r)
            }
        }
        val callback = object : BiometricPrompt.AuthenticationCallback() {
            override fun onAuthenticationSucceeded(result: BiometricPrompt.AuthenticationResult) = once(Ended.Succeeded(result))

            override fun onAuthenticationError(errorCode: Int, errString: CharSequence) {
                once(
                    when (errorCode) {
                        BiometricPrompt.BIOMETRIC_ERROR_USER_CANCELED,
                        BiometricPrompt.BIOMETRIC_ERROR_CANCELED,
                        BiometricPrompt.BIOMETRIC_ERROR_NEGATIVE_BUTTON,
                        BiometricPrompt.BIOMETRIC_ERROR_TIMEOUT -> Ended.Cancelled
                        else -> Ended.Failed(errString.toString())
                    },
                )
            }
        }
        if (crypto == null) prompt.authenticate(CancellationSignal(), context.mainExecutor, callback)
        else prompt.authenticate(crypto, CancellationSignal(), context.mainExecutor, callback)
    }
}
