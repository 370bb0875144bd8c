package org.duet.app.platform

import android.content.Context
import android.hardware.biometrics.BiometricManager.Authenticators.BIOMETRIC_STRONG
import android.hardware.biometrics.BiometricManager.Authenticators.DEVICE_CREDENTIAL
import android.hardware.biometrics.BiometricPrompt
import android.os.CancellationSignal
import java.security.Signature

/**
 * [BiometricGate] on the framework's `BiometricPrompt` (no AndroidX): a strong biometric or the
 * screen lock, with the answer's [Signature] as the prompt's `CryptoObject`.
 */
class FrameworkBiometricGate(private val context: Context) : BiometricGate {
    override fun authorise(text: GateText, signature: Signature, done: (GateResult) -> Unit) {
        val prompt = BiometricPrompt.Builder(context)
            .setTitle(text.title)
            .setSubtitle(text.subtitle)
            // With DEVICE_CREDENTIAL the system offers the PIN itself; a negative button is not allowed.
            .setAllowedAuthenticators(BIOMETRIC_STRONG or DEVICE_CREDENTIAL)
            .setConfirmationRequired(true)
            .build()
        var answered = false
        fun once(r: GateResult) {
            if (!answered) {
                answered = true
                done(r)
            }
        }
        prompt.authenticate(
            BiometricPrompt.CryptoObject(signature),
            CancellationSignal(),
            context.mainExecutor,
            object : BiometricPrompt.AuthenticationCallback() {
                override fun onAuthenticationSucceeded(result: BiometricPrompt.AuthenticationResult) {
                    // The object handed in is the one the Keystore now lets sign once; the result's
                    // own CryptoObject is that same object on a phone (and absent under Robolectric).
                    once(GateResult.Authorised(result.cryptoObject?.signature ?: signature))
                }

                override fun onAuthenticationError(errorCode: Int, errString: CharSequence) {
                    once(
                        when (errorCode) {
                            BiometricPrompt.BIOMETRIC_ERROR_USER_CANCELED,
                            BiometricPrompt.BIOMETRIC_ERROR_CANCELED,
                            BiometricPrompt.BIOMETRIC_ERROR_NEGATIVE_BUTTON,
                            BiometricPrompt.BIOMETRIC_ERROR_TIMEOUT -> GateResult.Cancelled
                            else -> GateResult.Failed(errString.toString())
                        },
                    )
                }
            },
        )
    }
}
