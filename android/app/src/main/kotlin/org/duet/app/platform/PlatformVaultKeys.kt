package org.duet.app.platform

import android.content.Context
import org.duet.core.DuetException
import org.duet.core.PlatformKeystore
import org.duet.core.VaultKeyProvider

/**
 * Where the phone's vault key and device keys come from. The vault key is kept wrapped by an
 * AndroidKeyStore key behind the biometric gate; until that wrapping is wired in here, opening the
 * vault on a phone is refused with a typed error rather than keyed by anything weaker.
 */
object PlatformVaultKeys {
    fun provider(@Suppress("UNUSED_PARAMETER") context: Context): VaultKeyProvider = object : VaultKeyProvider {
        override fun vaultKey(vaultPath: String): ByteArray =
            throw DuetException.Callback("E_FFI_CALLBACK", "no keystore-wrapped vault key is available on this build")
    }

    /** Device keys for push accounts; `null` makes the core keep software keys sealed in the vault. */
    fun keystore(@Suppress("UNUSED_PARAMETER") context: Context): PlatformKeystore? = null

    /** How this phone describes its key storage when it enrolls. */
    fun keystoreKind(@Suppress("UNUSED_PARAMETER") context: Context): String = "software"
}
