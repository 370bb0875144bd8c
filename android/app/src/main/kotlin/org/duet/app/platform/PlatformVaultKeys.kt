package org.duet.app.platform

import android.content.Context
import android.content.pm.PackageManager
import org.duet.core.PlatformKeystore
import org.duet.core.VaultKeyProvider

/**
 * Where the phone's vault key and device keys come from: the vault key wrapped by an
 * AndroidKeyStore AES key ([VaultKeyWrapper], bound to the user's biometric or screen lock when
 * app lock is on), device keys in the AndroidKeyStore ([KeystoreKeys]).
 */
object PlatformVaultKeys {
    fun provider(context: Context): VaultKeyWrapper {
        val appLock = SharedPreferencesSettings(context.getSharedPreferences("duet", Context.MODE_PRIVATE)).appLock
        return VaultKeyWrapper(KeystoreWrappingKey(appLock, strongBox(context)))
    }

    /** Device keys for push accounts. */
    fun keystore(context: Context): PlatformKeystore = KeystoreKeys(context)

    /** How this phone describes its key storage when it enrolls. */
    fun keystoreKind(context: Context): String = if (strongBox(context)) "strongbox" else "tee"

    private fun strongBox(context: Context) = context.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)
}
