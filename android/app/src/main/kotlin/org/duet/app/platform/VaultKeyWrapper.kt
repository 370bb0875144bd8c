package org.duet.app.platform

import java.io.File
import java.io.IOException
import java.security.SecureRandom
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import org.duet.core.DuetException
import org.duet.core.VaultKeyProvider

/** The key that wraps the vault key. [encrypter] may create it; [decrypter] never does. */
interface WrappingKey {
    /**
     * An AES-GCM cipher ready to encrypt, with a fresh IV chosen by the key's holder.
     * @throws VaultLockedException, KeyLostException
     */
    fun encrypter(): Cipher

    /** @throws VaultLockedException, KeyLostException (never creates a key). */
    fun decrypter(iv: ByteArray): Cipher
}

/**
 * The vault key: 32 random bytes, kept next to the vault file (`<vault>.key`) only as AES-GCM
 * ciphertext under a [WrappingKey] that never leaves the Keystore. A lost or invalidated wrapping
 * key is reported ([KeyLostException]); the wrapped file is kept, never replaced by a new key.
 */
class VaultKeyWrapper(
    private val key: WrappingKey,
    private val random: SecureRandom = SecureRandom(),
) : VaultKeyProvider {

    /**
     * The vault key for [vaultPath]; a new one is made when neither the vault nor its key file exists.
     * @throws VaultLockedException, KeyLostException, IOException (a damaged key file).
     */
    fun unwrap(vaultPath: String): ByteArray {
        val file = keyFile(vaultPath)
        if (!file.exists()) {
            if (File(vaultPath).exists()) throw KeyLostException(KeyUse.VAULT, KeyLoss.MISSING)
            return create(file)
        }
        val bytes = file.readBytes()
        if (bytes.size != HEADER.size + IV_BYTES + KEY_BYTES + TAG_BYTES || !bytes.copyOfRange(0, HEADER.size).contentEquals(HEADER)) {
            throw IOException("the vault key file is damaged")
        }
        val iv = bytes.copyOfRange(HEADER.size, HEADER.size + IV_BYTES)
        val cipher = key.decrypter(iv)
        cipher.updateAAD(HEADER)
        return try {
            cipher.doFinal(bytes, HEADER.size + IV_BYTES, bytes.size - HEADER.size - IV_BYTES)
        } catch (e: AEADBadTagException) {
            // Another wrapping key than the one this file was sealed with: the old one is gone.
            throw KeyLostException(KeyUse.VAULT, KeyLoss.MISSING, e)
        }
    }

    private fun create(file: File): ByteArray {
        val vaultKey = ByteArray(KEY_BYTES).also { random.nextBytes(it) }
        val cipher = key.encrypter()
        cipher.updateAAD(HEADER)
        val sealed = cipher.doFinal(vaultKey)
        val iv = cipher.iv
        check(iv.size == IV_BYTES) { "unexpected IV length" }
        val tmp = File(file.parentFile, file.name + ".new")
        tmp.outputStream().use { out ->
            out.write(HEADER)
            out.write(iv)
            out.write(sealed)
            out.fd.sync()
        }
        if (!tmp.renameTo(file)) throw IOException("could not store the vault key")
        return vaultKey
    }

    /** Why the last [vaultKey] call was refused, typed, for the screen that explains it. */
    @Volatile
    var lastRefusal: Exception? = null
        private set

    override fun vaultKey(vaultPath: String): ByteArray =
        try {
            unwrap(vaultPath).also { lastRefusal = null }
        } catch (e: VaultLockedException) {
            lastRefusal = e
            throw DuetException.Callback("E_FFI_KEY_LOCKED", "the vault key needs the app to be unlocked")
        } catch (e: KeyLostException) {
            lastRefusal = e
            throw DuetException.Callback("E_FFI_KEY_LOST", "the Keystore key that wraps the vault key is gone (${e.loss})")
        } catch (e: IOException) {
            throw DuetException.Callback("E_FFI_CALLBACK", "the vault key file could not be read")
        }

    companion object {
        private val HEADER = "duet-vault-key/1".toByteArray(Charsets.US_ASCII)
        private const val IV_BYTES = 12
        private const val KEY_BYTES = 32
        private const val TAG_BYTES = 16

        fun keyFile(vaultPath: String) = File("$vaultPath.key")
    }
}
