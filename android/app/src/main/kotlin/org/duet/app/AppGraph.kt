package org.duet.app

import android.app.Activity
import android.content.Context
import java.io.File
import java.util.concurrent.Executors
import org.duet.app.model.AddModel
import org.duet.app.model.AppLock
import org.duet.app.model.CodesModel
import org.duet.app.model.QrDecoder
import org.duet.app.model.Settings
import org.duet.app.model.SettingsModel
import org.duet.app.platform.Background
import org.duet.app.platform.BiometricGate
import org.duet.app.platform.Camera2Frames
import org.duet.app.platform.Clipboard
import org.duet.app.platform.ContentDocuments
import org.duet.app.platform.Documents
import org.duet.app.platform.FrameSource
import org.duet.app.platform.CoreQrDecoder
import org.duet.app.platform.ExecutorBackground
import org.duet.app.platform.FrameworkBiometricGate
import org.duet.app.platform.FrameworkClipboard
import org.duet.app.platform.HandlerScheduler
import org.duet.app.platform.HttpsTransport
import org.duet.app.platform.PlatformVaultKeys
import org.duet.app.platform.Scheduler
import org.duet.app.platform.SharedPreferencesSettings
import org.duet.app.platform.WrapperAppLock
import org.duet.core.AppServices
import org.duet.core.Clock
import org.duet.core.DeviceInfo
import org.duet.core.DuetApp
import org.duet.core.HttpTransport
import org.duet.core.PlatformKeystore
import org.duet.core.VaultKeyProvider
import org.duet.core.systemClock

/**
 * Wires the core to the platform: one [DuetApp] on the vault file, and one implementation of each
 * platform effect. Screens take what they need from here; tests build one with doubles.
 */
class AppGraph(
    val vaultPath: String,
    val vaultKeys: VaultKeyProvider,
    val clock: Clock,
    val transport: HttpTransport,
    val keystore: PlatformKeystore?,
    val device: DeviceInfo,
    val clipboard: Clipboard,
    val scheduler: Scheduler,
    val background: Background,
    val settings: Settings,
    val qrDecoder: QrDecoder,
    /** The camera for one screen. */
    val frames: (Context) -> FrameSource,
    /** Files picked through the storage access framework. */
    val documents: (Context) -> Documents,
    /** How the vault key is stored: behind the user (app lock) or not. */
    val appLock: AppLock,
    /** The fingerprint, face or screen-lock prompt of one screen. */
    val gate: (Activity) -> BiometricGate = { FrameworkBiometricGate(it) },
) : AutoCloseable {
    /** Opened on first use: creating the vault asks the key provider, which may prompt. */
    val app: DuetApp by lazy {
        val services = AppServices(clock, transport, keystore, device)
        if (File(vaultPath).exists()) DuetApp.open(vaultPath, vaultKeys, services)
        else DuetApp.create(vaultPath, vaultKeys, services)
    }

    fun codesModel() = CodesModel(app, clipboard, scheduler, settings)
    fun addModel() = AddModel(app, qrDecoder)
    fun settingsModel() = SettingsModel(app, settings, appLock)

    override fun close() {
        background.close()
    }

    companion object {
        /** The app on a phone: the framework's services, the vault in the app's private files. */
        fun forDevice(context: Context): AppGraph {
            val vaultPath = File(context.noBackupFilesDir, "vault.db").path
            val vaultKeys = PlatformVaultKeys.provider(context)
            return AppGraph(
                vaultPath = vaultPath,
                vaultKeys = vaultKeys,
                clock = systemClock(),
                transport = HttpsTransport(),
                keystore = PlatformVaultKeys.keystore(context),
                device = DeviceInfo(android.os.Build.MODEL, "android", PlatformVaultKeys.keystoreKind(context)),
                clipboard = FrameworkClipboard(context),
                scheduler = HandlerScheduler(),
                background = ExecutorBackground(Executors.newSingleThreadExecutor()),
                settings = SharedPreferencesSettings(context.getSharedPreferences("duet", Context.MODE_PRIVATE)),
                qrDecoder = CoreQrDecoder,
                frames = { Camera2Frames(it) },
                documents = { ContentDocuments(it.contentResolver) },
                appLock = WrapperAppLock(vaultKeys, vaultPath),
            )
        }
    }
}
