package org.duet.app.platform

import android.content.Context
import android.content.pm.PackageManager
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import android.security.keystore.UserNotAuthenticatedException
import java.security.GeneralSecurityException
import java.security.KeyPairGenerator
import java.security.KeyStore
import java.security.PrivateKey
import java.security.Signature
import java.security.spec.ECGenParameterSpec
import java.security.spec.RSAKeyGenParameterSpec
import java.util.UUID
import org.duet.core.DeviceSigner
import org.duet.core.DuetException
import org.duet.core.KeyPurpose
import org.duet.core.PlatformKeystore
import org.duet.core.SignerAlgorithm

/**
 * Push keys in the AndroidKeyStore: P-256 for duet, RSA for privacyIDEA, in StrongBox when the
 * phone has one (StrongBox holds RSA only up to 2048 bits, so privacyIDEA's 4096-bit keys are made
 * in the TEE).
 *
 * A duet account has two keys. Its device key signs the background calls (polls, push tokens, key
 * rotation, unenrollment), so it cannot require the user per use. Its answer key
 * ([KeyPurpose.ANSWERS]) signs approvals and denials only, and the Keystore lets it sign only after
 * the user's strong biometric or screen lock for that one operation: [answerSignature] hands the
 * prompt the `Signature` it authorises, and the answer is signed in its success callback. So an
 * answer needs the user even if code in the app's process wanted to sign one on its own. A new
 * fingerprint or face invalidates the answer key (the key-lost explanation; enroll again).
 * privacyIDEA has one key for polls and answers, so its key stays without per-use authentication
 * and its prompt is enforced by the app (docs/mobile.md, "Device keys").
 */
class KeystoreKeys(context: Context) : PlatformKeystore, AnswerKeys {
    private val strongBox = context.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)

    /** What the registration reports as `keystore`. */
    val kind: String get() = if (strongBox) "strongbox" else "tee"

    override fun createKey(algorithm: SignerAlgorithm, purpose: KeyPurpose): ByteArray {
        val alias = "duet-push-" + UUID.randomUUID()
        try {
            // StrongBox holds RSA keys only up to 2048 bits; privacyIDEA's are larger.
            val inStrongBox = strongBox && algorithm == SignerAlgorithm.ECDSA_P256_SHA256
            try {
                generate(alias, algorithm, purpose, inStrongBox)
            } catch (e: StrongBoxUnavailableException) {
                // Advertised but busy or too small for this key: the TEE holds it instead.
                generate(alias, algorithm, purpose, false)
            }
        } catch (e: GeneralSecurityException) {
            // An answer key needs a screen lock to exist: without one the Keystore refuses to make it.
            val hint = if (purpose == KeyPurpose.ANSWERS) "; the answer key needs a screen lock (PIN, pattern or password)" else ""
            throw DuetException.Callback("E_PUSH_SIGNER_FAILED", "the keystore could not create a key (${e.javaClass.simpleName})$hint")
        }
        return alias.toByteArray(Charsets.UTF_8)
    }

    private fun generate(alias: String, algorithm: SignerAlgorithm, purpose: KeyPurpose, inStrongBox: Boolean) {
        val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_SIGN)
            .setDigests(KeyProperties.DIGEST_SHA256)
            .setIsStrongBoxBacked(inStrongBox)
        if (purpose == KeyPurpose.ANSWERS) {
            // Timeout 0: each signature needs its own authentication, given by the prompt's CryptoObject.
            spec.setUserAuthenticationRequired(true)
                .setUserAuthenticationParameters(0, KeyProperties.AUTH_BIOMETRIC_STRONG or KeyProperties.AUTH_DEVICE_CREDENTIAL)
                .setInvalidatedByBiometricEnrollment(true)
        }
        val keyType = when (algorithm) {
            SignerAlgorithm.ECDSA_P256_SHA256 -> {
                spec.setAlgorithmParameterSpec(ECGenParameterSpec("secp256r1"))
                KeyProperties.KEY_ALGORITHM_EC
            }
            SignerAlgorithm.RSA_PKCS1_SHA256 -> {
                spec.setAlgorithmParameterSpec(RSAKeyGenParameterSpec(RSA_BITS, RSAKeyGenParameterSpec.F4))
                    .setSignaturePaddings(KeyProperties.SIGNATURE_PADDING_RSA_PKCS1)
                KeyProperties.KEY_ALGORITHM_RSA
            }
        }
        KeyPairGenerator.getInstance(keyType, PROVIDER).apply { initialize(spec.build()) }.generateKeyPair()
    }

    override fun signer(handle: ByteArray, algorithm: SignerAlgorithm): DeviceSigner {
        val entry = entry(handle) ?: throw DuetException.Callback("E_PUSH_SIGNER_UNAVAILABLE", "the device key is not in the keystore")
        return KeystoreSigner(entry.privateKey, entry.certificate.publicKey.encoded, algorithm)
    }

    override fun answerSignature(handle: ByteArray, algorithm: SignerAlgorithm): Signature {
        val entry = entry(handle) ?: throw KeyLostException(KeyUse.PUSH_ACCOUNT, KeyLoss.MISSING)
        return try {
            Signature.getInstance(algorithm.jcaName()).apply { initSign(entry.privateKey) }
        } catch (e: KeyPermanentlyInvalidatedException) {
            throw KeyLostException(KeyUse.PUSH_ACCOUNT, KeyLoss.INVALIDATED, e)
        }
    }

    private fun entry(handle: ByteArray): KeyStore.PrivateKeyEntry? {
        val ks = KeyStore.getInstance(PROVIDER).apply { load(null) }
        return ks.getEntry(String(handle, Charsets.UTF_8), null) as? KeyStore.PrivateKeyEntry
    }

    companion object {
        private const val PROVIDER = "AndroidKeyStore"

        /** privacyIDEA's own app makes 4096-bit device keys; the core asks for the same. */
        const val RSA_BITS = 4096
    }
}

/** A synchronous signer on a Keystore key, for the calls signed without a prompt. */
class KeystoreSigner(
    private val key: PrivateKey,
    private val publicKey: ByteArray,
    private val algorithm: SignerAlgorithm,
) : DeviceSigner {
    override fun algorithm(): SignerAlgorithm = algorithm

    override fun publicKey(): ByteArray = publicKey

    override fun sign(message: ByteArray): ByteArray =
        try {
            Signature.getInstance(algorithm.jcaName()).run {
                initSign(key)
                update(message)
                sign()
            }
        } catch (e: KeyPermanentlyInvalidatedException) {
            throw DuetException.Callback("E_PUSH_SIGNER_UNAVAILABLE", "the device key was invalidated")
        } catch (e: UserNotAuthenticatedException) {
            throw DuetException.Callback("E_PUSH_SIGNER_CANCELLED", "the device key needs the user to authenticate")
        } catch (e: GeneralSecurityException) {
            throw DuetException.Callback("E_PUSH_SIGNER_FAILED", e.javaClass.simpleName)
        }
}
