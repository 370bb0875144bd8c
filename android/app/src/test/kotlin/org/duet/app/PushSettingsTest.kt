package org.duet.app

import android.app.AlertDialog
import org.duet.app.ui.SettingsActivity
import org.duet.core.AddResult
import org.duet.tests.HelperTransport
import org.duet.tests.TestServerProcess
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.shadows.ShadowDialog

/**
 * Settings with a push account of the reference server (tests/src/bin/duet-test-helper.rs on
 * 127.0.0.1 with a manual clock): the clock offset of a signed request, and unenrollment.
 */
@RunWith(DuetTestRunner::class)
class PushSettingsTest {
    private val t0 = 1_790_000_000L
    private val server = TestServerProcess()
    private val t = TestApp(startTime = t0, transport = { HelperTransport(server, it) })

    @After fun close() {
        t.close()
        server.close()
    }

    /** Enrolls alice, then polls a sign-in the server issued at t0 + 10 with the phone at [phoneTime]. */
    private fun enrollAndPoll(phoneTime: Long): String {
        val link = server.cmd("enroll", "alice", "$t0")[0]
        t.clock.now = t0 + 5
        val id = (t.app.addScanned(link) as AddResult.Push).id
        server.cmd("signin", "alice", "VPN", "type2", "${t0 + 10}")
        t.clock.now = phoneTime
        assertTrue(t.app.poll().failures.isEmpty())
        return id
    }

    @Test
    fun aClockOffsetPastThirtySecondsIsAWarning() {
        enrollAndPoll(t0 + 60)
        val s = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()
        assertEquals(Strings.clockOffset(-50), s.textOf("clock-offset"))
        assertEquals(Strings.CLOCK_WARNING, s.textOf("clock-warning"))
    }

    @Test
    fun aSmallOffsetIsShownWithoutWarning() {
        enrollAndPoll(t0 + 12)
        val s = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()
        assertEquals(Strings.clockOffset(-2), s.textOf("clock-offset"))
        assertFalse(s.has("clock-warning"))
    }

    @Test
    fun eachPushAccountShowsTheFingerprintOfTheKeyTheServerRegistered() {
        val id = enrollAndPoll(t0 + 12)
        val account = t.app.pushAccounts().single().accountId
        // The server's registered key (the helper reads it from the server's record), hashed here.
        val key = server.cmd("devicekey", account)[1].chunked(2).map { it.toInt(16).toByte() }.toByteArray()
        val hex = java.security.MessageDigest.getInstance("SHA-256").digest(key).take(10).joinToString("") { "%02X".format(it) }
        val fingerprint = hex.chunked(4).joinToString("-")
        val s = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()
        val row = s.allText("push:$id")
        assertTrue(row, row.contains(Strings.deviceKey(fingerprint, platformKey = false, answerKey = true)))
    }

    @Test
    fun unenrollAfterConfirmationForgetsTheAccount() {
        val id = enrollAndPoll(t0 + 12)
        val s = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()
        assertTrue(s.has("push:$id"))
        s.click("unenroll:$id")
        (ShadowDialog.getLatestDialog() as AlertDialog).getButton(AlertDialog.BUTTON_NEGATIVE).performClick()
        idle()
        assertEquals(listOf(id), t.app.pushAccounts().map { it.id })
        s.click("unenroll:$id")
        (ShadowDialog.getLatestDialog() as AlertDialog).getButton(AlertDialog.BUTTON_POSITIVE).performClick()
        idle()
        assertTrue(t.app.pushAccounts().isEmpty())
        assertFalse(s.has("push:$id"))
        assertEquals(Strings.NO_PUSH_ACCOUNTS, (s.tagged<android.widget.LinearLayout>("push").getChildAt(0) as android.widget.TextView).text.toString())
    }
}

/** Enrollment links that cannot be used: the core's code and sentence, nothing stored. */
@RunWith(DuetTestRunner::class)
class EnrollmentErrorTest {
    private val t0 = 1_790_000_000L
    private val server = TestServerProcess()
    private val t = TestApp(startTime = t0, transport = { HelperTransport(server, it) })

    @After fun close() {
        t.close()
        server.close()
    }

    @Test
    fun anExpiredEnrollmentLinkIsRefused() {
        val link = server.cmd("enroll", "alice", "$t0")[0]
        t.clock.now = t0 + 30 * 86_400
        val add = Robolectric.buildActivity(org.duet.app.ui.AddActivity::class.java).setup().get()
        add.type("paste", link)
        add.click("paste-add")
        assertTrue(add.allText("status"), add.textOf("error-line").startsWith("E_PUSH_LINK_EXPIRED: "))
        assertTrue(add.has("error-next"))
        assertTrue(t.app.pushAccounts().isEmpty())
        assertTrue(t.app.accounts().isEmpty())
    }

    @Test
    fun aLinkNamingAnotherServersKeyIsRefusedAndStoresNothing() {
        val link = server.cmd("enroll", "alice", "$t0")[0]
        // The same server's address with another server's key (a fresh P-256 key, as SPKI): the
        // registration names the key the phone will trust, and this server holds no such key.
        val other = java.security.KeyPairGenerator.getInstance("EC")
            .apply { initialize(java.security.spec.ECGenParameterSpec("secp256r1")) }.generateKeyPair().public.encoded
        val sk = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(other)
        val forged = link.replace(Regex("([#&])sk=[^&]*"), "$1sk=$sk")
        assertTrue("the link carries its key in sk", forged != link)
        t.clock.now = t0 + 5
        val add = Robolectric.buildActivity(org.duet.app.ui.AddActivity::class.java).setup().get()
        add.type("paste", forged)
        add.click("paste-add")
        val line = add.textOf("error-line")
        assertTrue(add.allText("status"), line.startsWith("E_PUSH_SERVER: ") && line.contains("(E_VERIFIER_SERVER_KEY_UNKNOWN)"))
        assertTrue(add.has("error-next"))
        assertTrue(t.app.pushAccounts().isEmpty())
        assertTrue(t.app.accounts().isEmpty())
    }
}
