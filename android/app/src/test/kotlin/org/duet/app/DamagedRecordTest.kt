package org.duet.app

import android.database.sqlite.SQLiteDatabase
import android.widget.TextView
import org.duet.app.ui.CodesActivity
import org.duet.core.AppServices
import org.duet.core.DeviceInfo
import org.duet.core.DuetApp
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.shadows.ShadowDialog

/** A record whose ciphertext was damaged on disk: shown by id with the core's code, removable. */
@RunWith(DuetTestRunner::class)
class DamagedRecordTest {
    private val t = TestApp()

    @After fun close() = t.close()

    @Test
    fun aDamagedRecordIsShownByIdAndCanBeRemovedWithoutTouchingTheOthers() {
        val services = AppServices(t.clock, Offline, null, DeviceInfo("setup", "android", "software"))
        val ids = DuetApp.create(t.graph.vaultPath, t.graph.vaultKeys, services).use { app ->
            app.addScanned("otpauth://totp/Good:one?secret=JBSWY3DPEHPK3PXP")
            app.addScanned("otpauth://totp/Bad:two?secret=GEZDGNBVGY3TQOJQ")
            app.accounts().map { it.id }
        }
        // Flip one byte in the middle of the second record's sealed blob, as a bad sector would.
        SQLiteDatabase.openDatabase(t.graph.vaultPath, null, SQLiteDatabase.OPEN_READWRITE).use { db ->
            val sealed = db.rawQuery("SELECT sealed FROM otp_accounts WHERE id = ?", arrayOf(ids[1])).use {
                check(it.moveToFirst())
                it.getBlob(0)
            }
            sealed[sealed.size / 2] = (sealed[sealed.size / 2].toInt() xor 0x01).toByte()
            db.execSQL("UPDATE otp_accounts SET sealed = ? WHERE id = ?", arrayOf<Any>(sealed, ids[1]))
        }
        val s = Robolectric.buildActivity(CodesActivity::class.java).setup().get()
        assertTrue(s.allText("status"), s.has("row:${ids[0]}"))
        val problem = s.allText("problem:${ids[1]}")
        assertTrue(problem, problem.startsWith(Strings.damaged(ids[1], "E_VAULT_RECORD_CORRUPT", "").trimEnd()))
        assertTrue(problem, problem.contains("What to do: "))

        s.click("remove:${ids[1]}")
        (ShadowDialog.getLatestDialog() as android.app.AlertDialog).getButton(android.app.AlertDialog.BUTTON_POSITIVE).performClick()
        idle()
        assertEquals(listOf(ids[0]), t.app.accounts().map { it.id })
        assertFalse(s.has("problem:${ids[1]}"))
        assertEquals("Good:one", s.tagged<TextView>("label:${ids[0]}").text.toString())
    }
}
