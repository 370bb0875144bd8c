package org.duet.app.platform

import android.hardware.biometrics.BiometricManager.Authenticators.BIOMETRIC_STRONG
import android.hardware.biometrics.BiometricManager.Authenticators.DEVICE_CREDENTIAL
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import android.security.keystore.UserNotAuthenticatedException
import java.security.KeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The vault key's wrapping key: AES-256-GCM in the AndroidKeyStore (StrongBox when present). With
 * [appLock] it opens only within [UNLOCK_SECONDS] of the user's fingerprint, face or screen lock and
 * is invalidated by a new biometric enrollment or by removing the screen lock. [VaultKeyWrapper]
 * holds one of each kind, under [OPEN_ALIAS] and [LOCK_ALIAS].
 */
class KeystoreWrappingKey(
    private val appLock: Boolean,
    private val strongBox: Boolean,
    private val alias: String = if (appLock) LOCK_ALIAS else OPEN_ALIAS,
) : WrappingKey {

    override fun encrypter(): Cipher = init { Cipher.getInstance(TRANSFORMATION).apply { init(Cipher.ENCRYPT_MODE, existing() ?: generate()) } }

    override fun decrypter(iv: ByteArray): Cipher = init {
        val k = existing() ?: throw KeyLostException(KeyUse.VAULT, KeyLoss.MISSING)
        Cipher.getInstance(TRANSFORMATION).apply { init(Cipher.DECRYPT_MODE, k, GCMParameterSpec(128, iv)) }
    }

    private fun init(make: () -> Cipher): Cipher =
        try {
            make()
        } catch (e: KeyPermanentlyInvalidatedException) {
            throw KeyLostException(KeyUse.VAULT, KeyLoss.INVALIDATED, e)
        } catch (e: UserNotAuthenticatedException) {
            throw VaultLockedException(e)
        }

    override fun delete() {
        KeyStore.getInstance(PROVIDER).apply { load(null) }.deleteEntry(alias)
    }

    private fun existing(): SecretKey? =
        KeyStore.getInstance(PROVIDER).apply { load(null) }.getKey(alias, null) as? SecretKey

    private fun generate(): SecretKey =
        try {
            generate(strongBox)
        } catch (e: StrongBoxUnavailableException) {
            generate(false)
        }

    private fun generate(inStrongBox: Boolean): SecretKey {
        val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .setIsStrongBoxBacked(inStrongBox)
        if (appLock) {
            spec.setUserAuthenticationRequired(true)
                .setUserAuthenticationParameters(UNLOCK_SECONDS, BIOMETRIC_STRONG or DEVICE_CREDENTIAL)
                .setInvalidatedByBiometricEnrollment(true)
        }
        return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, PROVIDER).apply { init(spec.build()) }.generateKey()
    }

    companion object {
        private const val PROVIDER = "AndroidKeyStore"
        private const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val OPEN_ALIAS = "duet-vault-wrap"
        const val LOCK_ALIAS = "duet-vault-wrap-lock"

        /** How long after the app-lock prompt the vault opens: the vault is opened once per unlock. */
        const val UNLOCK_SECONDS = 30
    }
}
