package org.duet.app.platform

import android.content.Context
import android.content.pm.PackageManager
import org.duet.core.PlatformKeystore
import org.duet.core.VaultKeyProvider

/**
 * Where the phone's vault key and device keys come from: the vault key wrapped by an
 * AndroidKeyStore AES key ([VaultKeyWrapper]: one key for app lock off, one bound to the user's
 * biometric or screen lock for app lock on), device keys in the AndroidKeyStore ([KeystoreKeys]).
 */
object PlatformVaultKeys {
    fun provider(context: Context): VaultKeyWrapper =
        VaultKeyWrapper(KeystoreWrappingKey(appLock = false, strongBox(context)), KeystoreWrappingKey(appLock = true, strongBox(context)))

    /** Device keys for push accounts. */
    fun keystore(context: Context): PlatformKeystore = KeystoreKeys(context)

    /** How this phone describes its key storage when it enrolls. */
    fun keystoreKind(context: Context): String = if (strongBox(context)) "strongbox" else "tee"

    private fun strongBox(context: Context) = context.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)
}
