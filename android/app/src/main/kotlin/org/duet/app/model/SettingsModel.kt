package org.duet.app.model

import org.duet.core.BackupSummary
import org.duet.core.ClockOffsetInfo
import org.duet.core.DuetApp
import org.duet.core.ImportSummary
import org.duet.core.PushAccountEntry
import org.duet.core.verifyBackup

/** The Settings screen: app lock, the app's switches, the core's clock offset, backups, push accounts. */
class SettingsModel(private val app: DuetApp, val settings: Settings, private val appLock: AppLock) {
    fun appLockOn(): Outcome<Boolean> = attempt { appLock.isOn() }

    /** After the user confirmed: the vault key stored behind the lock, or no longer. */
    fun setAppLock(on: Boolean): Outcome<Unit> = attempt { appLock.turn(on) }

    fun clockOffset(): Outcome<ClockOffsetInfo?> = attempt { app.clockOffset() }

    /** An Aegis-compatible encrypted backup of every account, for the file the user picked. */
    fun export(password: String): Outcome<ByteArray> = attempt { app.exportEncrypted(password) }

    fun import(data: ByteArray, password: String): Outcome<ImportSummary> =
        attempt { app.importBackup(data, password.ifEmpty { null }) }

    /** Opens a backup without storing anything: what a restore would bring back. */
    fun verify(data: ByteArray, password: String): Outcome<BackupSummary> =
        attempt { verifyBackup(data, password.ifEmpty { null }) }

    fun pushAccounts(): Outcome<List<PushAccountEntry>> = attempt { app.pushAccounts() }

    /** Tells the server, then forgets the account (the core keeps it if the server refuses). */
    fun unenroll(id: String): Outcome<Unit> = attempt { app.unenroll(id) }
}
