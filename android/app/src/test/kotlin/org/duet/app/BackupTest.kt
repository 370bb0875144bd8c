package org.duet.app

import android.app.Activity
import android.content.Intent
import android.net.Uri
import java.io.File
import java.io.IOException
import org.duet.app.platform.ContentDocuments
import org.duet.app.platform.Documents
import org.duet.app.ui.SettingsActivity
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.Shadows.shadowOf

/** Encrypted export to a file the user creates, then verify and import from it. */
@RunWith(DuetTestRunner::class)
class BackupTest {
    /** The storage access framework's files, or a disk that is full when [full] is set. */
    private var full = false
    private val t = TestApp(documents = { ctx ->
        val real = ContentDocuments(ctx.contentResolver)
        object : Documents {
            override fun read(uri: Uri, limit: Int) = real.read(uri, limit)
            override fun write(uri: Uri, data: ByteArray) {
                if (full) throw IOException("ENOSPC")
                real.write(uri, data)
            }
        }
    })

    @After fun close() = t.close()

    private val secret = "JBSWY3DPEHPK3PXP"
    private val password = "correct horse battery staple"

    private fun pickFile(s: Activity, button: String, file: File, action: String) {
        s.click(button)
        val asked = shadowOf(s).nextStartedActivityForResult
        assertEquals(action, asked.intent.action)
        shadowOf(s).receiveResult(asked.intent, Activity.RESULT_OK, Intent().setData(Uri.fromFile(file)))
    }

    @Test
    fun exportVerifyAndImportRoundTrip() {
        t.app.addScanned("otpauth://totp/Bank:alice?secret=$secret")
        t.app.addScanned("otpauth://totp/Mail:alice?secret=GEZDGNBVGY3TQOJQ")
        val s = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()
        val file = File(t.dir.toFile(), "duet-backup.json").apply { writeText("an older, longer file that the export must replace entirely") }
        s.type("backup-password", password)
        pickFile(s, "export", file, Intent.ACTION_CREATE_DOCUMENT)
        assertTrue(s.allText("status"), s.textOf("done").startsWith("Encrypted backup written ("))
        assertTrue("no tail of the older file", file.readText().trimEnd().endsWith("}"))

        pickFile(s, "verify", file, Intent.ACTION_OPEN_DOCUMENT)
        assertEquals(Strings.verified(2, 0, true), s.textOf("done"))
        s.type("backup-password", "wrong password")
        pickFile(s, "verify", file, Intent.ACTION_OPEN_DOCUMENT)
        assertTrue(s.textOf("error-line").startsWith("E_TRANSFER_WRONG_PASSWORD: "))

        for (a in t.app.accounts()) t.app.remove(a.id)
        s.type("backup-password", password)
        pickFile(s, "import", file, Intent.ACTION_OPEN_DOCUMENT)
        assertEquals(Strings.imported(2, 0), s.textOf("done"))
        assertEquals(listOf("Bank:alice", "Mail:alice"), t.app.accounts().map { it.label })
        t.clock.now = 1_650_000_000L
        val bank = t.app.accounts().first().id
        assertEquals(Otp.totp(Otp.base32(secret), 1_650_000_000L), t.app.codes().entries.first { it.id == bank }.code)
    }

    @Test
    fun aFullDiskKeepsTheVaultAndSaysSo() {
        t.app.addScanned("otpauth://totp/Bank:alice?secret=$secret")
        val before = t.app.accounts()
        val s = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()
        s.type("backup-password", password)
        full = true
        pickFile(s, "export", File(t.dir.toFile(), "out.json"), Intent.ACTION_CREATE_DOCUMENT)
        assertEquals(Strings.FILE_UNWRITABLE, s.textOf("error-line"))
        assertEquals(before, t.app.accounts())
    }
}
