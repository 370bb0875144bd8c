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

    /** Forgets the key (nothing happens when there is none). */
    fun delete()
}

/**
 * The vault key: 32 random bytes, kept next to the vault file (`<vault>.key`) only as AES-GCM
 * ciphertext under one of two [WrappingKey]s that never leave the Keystore: [open] (usable without
 * the user, app lock off) or [locked] (usable only shortly after the user's fingerprint, face or
 * screen lock, app lock on). The file records which one sealed it, so app lock is what the file
 * says, never a setting that could disagree with it. A lost or invalidated wrapping key is reported
 * ([KeyLostException]); the wrapped file is kept, never replaced by a new key.
 */
class VaultKeyWrapper(
    private val open: WrappingKey,
    private val locked: WrappingKey,
    private val random: SecureRandom = SecureRandom(),
) : VaultKeyProvider {

    /**
     * The vault key for [vaultPath]; a new one (app lock off) is made when neither the vault nor
     * its key file exists.
     * @throws VaultLockedException, KeyLostException, IOException (a damaged key file).
     */
    fun unwrap(vaultPath: String): ByteArray {
        val file = keyFile(vaultPath)
        if (!file.exists()) {
            if (File(vaultPath).exists()) throw KeyLostException(KeyUse.VAULT, KeyLoss.MISSING)
            return ByteArray(KEY_BYTES).also { random.nextBytes(it) }.also { seal(file, it, lock = false) }
        }
        val (lock, iv, sealed) = read(file)
        val cipher = (if (lock) locked else open).decrypter(iv)
        cipher.updateAAD(header(lock))
        return try {
            cipher.doFinal(sealed)
        } catch (e: AEADBadTagException) {
            // Another wrapping key than the one this file was sealed with: the old one is gone.
            throw KeyLostException(KeyUse.VAULT, KeyLoss.MISSING, e)
        }
    }

    /** Whether the vault key of [vaultPath] needs the user (false before the vault exists). */
    fun appLock(vaultPath: String): Boolean {
        val file = keyFile(vaultPath)
        return file.exists() && read(file).first
    }

    /**
     * Seals the vault key under the other wrapping key, made fresh (so a lock key is bound to the
     * biometrics enrolled now), then forgets the one it left. Turning app lock on needs the user
     * confirmed just before (the new key encrypts only then); turning it off needs it too, since
     * the vault key must be unwrapped first.
     * @throws VaultLockedException, KeyLostException, IOException; the key file is unchanged then.
     */
    fun setAppLock(vaultPath: String, on: Boolean) {
        val file = keyFile(vaultPath)
        val vaultKey = unwrap(vaultPath)
        if (read(file).first == on) return
        val (target, left) = if (on) locked to open else open to locked
        target.delete()
        seal(file, vaultKey, on)
        // Only once the file no longer needs it: a crash before this leaves an unused key, never
        // a file without its key.
        left.delete()
    }

    private fun seal(file: File, vaultKey: ByteArray, lock: Boolean) {
        val cipher = (if (lock) locked else open).encrypter()
        cipher.updateAAD(header(lock))
        val sealed = cipher.doFinal(vaultKey)
        val iv = cipher.iv
        check(iv.size == IV_BYTES) { "unexpected IV length" }
        val tmp = File(file.parentFile, file.name + ".new")
        tmp.outputStream().use { out ->
            out.write(header(lock))
            out.write(iv)
            out.write(sealed)
            out.fd.sync()
        }
        if (!tmp.renameTo(file)) throw IOException("could not store the vault key")
    }

    /** Which key sealed [file], its IV and ciphertext. @throws IOException when damaged. */
    private fun read(file: File): Triple<Boolean, ByteArray, ByteArray> {
        val bytes = file.readBytes()
        val head = HEADER.size + 1
        if (bytes.size != head + IV_BYTES + KEY_BYTES + TAG_BYTES || !bytes.copyOfRange(0, HEADER.size).contentEquals(HEADER)) {
            throw IOException("the vault key file is damaged")
        }
        val lock = when (bytes[HEADER.size]) {
            OPEN_BYTE -> false
            LOCK_BYTE -> true
            else -> throw IOException("the vault key file is damaged")
        }
        return Triple(lock, bytes.copyOfRange(head, head + IV_BYTES), bytes.copyOfRange(head + IV_BYTES, bytes.size))
    }

    /** Why the last [vaultKey] call was refused, typed, for the screen that explains it. */
    @Volatile
    var lastRefusal: Exception? = null
        private set

    override fun vaultKey(vaultPath: String): ByteArray =
        keyErrors({ lastRefusal = it }) { unwrap(vaultPath).also { lastRefusal = null } }

    companion object {
        private val HEADER = "duet-vault-key/1".toByteArray(Charsets.US_ASCII)
        private const val OPEN_BYTE: Byte = 0
        private const val LOCK_BYTE: Byte = 1
        private const val IV_BYTES = 12
        private const val KEY_BYTES = 32
        private const val TAG_BYTES = 16

        /** The associated data: the header and which key sealed it, so neither can be swapped. */
        private fun header(lock: Boolean) = HEADER + (if (lock) LOCK_BYTE else OPEN_BYTE)

        fun keyFile(vaultPath: String) = File("$vaultPath.key")
    }
}

/** [AppLock] of the vault at [vaultPath], as its key file says. */
class WrapperAppLock(private val wrapper: VaultKeyWrapper, private val vaultPath: String) : org.duet.app.model.AppLock {
    override fun isOn(): Boolean = keyErrors { wrapper.appLock(vaultPath) }

    override fun turn(on: Boolean) = keyErrors { wrapper.setAppLock(vaultPath, on) }
}

/** The key's typed failures as the core's codes, for calls that cross into the core or a model. */
private inline fun <T> keyErrors(refused: (Exception) -> Unit = {}, call: () -> T): T =
    try {
        call()
    } catch (e: VaultLockedException) {
        refused(e)
        throw DuetException.Callback("E_FFI_KEY_LOCKED", "the vault key needs the app to be unlocked")
    } catch (e: KeyLostException) {
        refused(e)
        throw DuetException.Callback("E_FFI_KEY_LOST", "the Keystore key that wraps the vault key is gone (${e.loss})")
    } catch (e: IOException) {
        throw DuetException.Callback("E_FFI_CALLBACK", "the vault key file could not be read or written")
    }
