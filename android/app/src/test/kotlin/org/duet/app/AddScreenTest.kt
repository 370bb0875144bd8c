package org.duet.app

import android.content.Intent
import android.net.Uri
import android.os.Looper
import java.time.Duration
import org.duet.app.ui.AddActivity
import org.duet.app.ui.CodesActivity
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.Shadows.shadowOf

@RunWith(DuetTestRunner::class)
class AddScreenTest {
    private val t = TestApp()

    @After fun close() = t.close()

    private val secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

    private fun codeOnCodesScreen(id: String): String =
        Robolectric.buildActivity(CodesActivity::class.java).setup().get().codeText(id)!!.replace(" ", "")

    @Test
    fun anOtpauthLinkOpeningTheAppAddsTheAccountWhoseCodeMatchesRfc6238() {
        val uri = "otpauth://totp/ACME%20Co:carol@example.com?secret=$secret&issuer=ACME%20Co"
        val add = Robolectric.buildActivity(AddActivity::class.java, Intent(Intent.ACTION_VIEW, Uri.parse(uri))).setup().get()
        assertEquals(Strings.added("ACME Co:carol@example.com"), add.textOf("added"))
        val id = t.app.accounts().single().id

        t.clock.now = 1_111_111_109L
        val codes = Robolectric.buildActivity(CodesActivity::class.java).setup().get()
        assertEquals(Otp.totp(Otp.base32(secret), 1_111_111_109L), codes.codeText(id)!!.replace(" ", ""))
        // The next tick reads the clock again: a new period, a new code.
        t.clock.now = 1_111_111_141L
        shadowOf(Looper.getMainLooper()).idleFor(Duration.ofSeconds(1))
        assertEquals(Otp.totp(Otp.base32(secret), 1_111_111_141L), codes.codeText(id)!!.replace(" ", ""))
    }

    @Test
    fun aPastedLinkAddsTheAccount() {
        val add = Robolectric.buildActivity(AddActivity::class.java).setup().get()
        add.type("paste", "  otpauth://totp/Forge:dave?secret=$secret  ")
        add.click("paste-add")
        assertEquals(Strings.added("Forge:dave"), add.textOf("added"))
        val id = t.app.accounts().single().id
        t.clock.now = 2_000_000_000L
        assertEquals(Otp.totp(Otp.base32(secret), 2_000_000_000L), codeOnCodesScreen(id))
    }

    @Test
    fun aMalformedUriShowsTheCoreCodeAndSentenceAndChangesNothing() {
        t.app.addScanned("otpauth://totp/Keep:me?secret=$secret")
        val before = t.app.accounts()
        val add = Robolectric.buildActivity(AddActivity::class.java).setup().get()
        add.type("paste", "otpauth://totp/Broken:x?secret=not*base32")
        add.click("paste-add")
        val line = add.textOf("error-line")
        assertTrue(line, line.startsWith("E_URI_"))
        assertTrue(line, line.substringAfter(": ").length > 10)
        assertTrue(add.textOf("error-next").startsWith("What to do: "))
        assertFalse(add.has("added"))
        assertEquals(before, t.app.accounts())
        // Text that is no account at all: the core's code for unknown text.
        add.type("paste", "hello")
        add.click("paste-add")
        assertTrue(add.textOf("error-line").startsWith("E_APP_UNKNOWN_TEXT: "))
        assertEquals(before, t.app.accounts())
    }

    @Test
    fun aTransferBatchShowsProgressThenStoresEveryAccount() {
        val a = Transfer.Entry(Otp.base32(secret), "erin@example.com", "Mail")
        val b = Transfer.Entry("0123456789abcdefghij".toByteArray(), "frank", "Git")
        val parts = Transfer.batch(listOf(a, b), batchId = 77)
        val add = Robolectric.buildActivity(AddActivity::class.java).setup().get()
        add.type("paste", parts[1])
        add.click("paste-add")
        assertEquals("1 of 2 scanned", add.textOf("progress"))
        assertTrue("nothing stored before the batch is whole", t.app.accounts().isEmpty())
        // A bad scan in between keeps the batch under way.
        add.type("paste", "otpauth-migration://offline?data=%%%")
        add.click("paste-add")
        assertTrue(add.textOf("error-line").startsWith("E_MIGRATION_"))
        assertEquals("1 of 2 scanned", add.textOf("progress"))
        add.type("paste", parts[0])
        add.click("paste-add")
        assertEquals(Strings.addedTransfer(2, 0), add.textOf("added"))
        val accounts = t.app.accounts()
        assertEquals(listOf("Mail:erin@example.com", "Git:frank"), accounts.map { it.label })
        t.clock.now = 1_800_000_000L
        assertEquals(Otp.totp(b.secret, 1_800_000_000L), codeOnCodesScreen(accounts[1].id))
    }

    @Test
    fun aTypedSetupKeyAddsAnAccount() {
        val add = Robolectric.buildActivity(AddActivity::class.java).setup().get()
        add.type("key-issuer", "Bank")
        add.type("key-name", "grace")
        add.type("key-secret", "gezd gnbv gy3t qojq gezd gnbv gy3t qojq")
        add.click("key-add")
        assertEquals(Strings.added("Bank:grace"), add.textOf("added"))
        val id = t.app.accounts().single().id
        t.clock.now = 1_234_567_890L
        assertEquals(Otp.totp(Otp.base32(secret), 1_234_567_890L), codeOnCodesScreen(id))
        // A key that is not Base32: the core's code, nothing stored.
        add.type("key-secret", "0189")
        add.click("key-add")
        assertTrue(add.textOf("error-line").startsWith("E_URI_"))
        assertEquals(1, t.app.accounts().size)
    }

    @Test
    fun anUnreachableServerShowsTheTransportCodeAndStoresNothing() {
        val add = Robolectric.buildActivity(AddActivity::class.java).setup().get()
        add.type("paste", "https://mfa.example.com/duet/enroll#v=1&u=alice&c=AAAA")
        add.click("paste-add")
        assertTrue(add.textOf("error-line").startsWith("E_"))
        assertTrue(t.app.pushAccounts().isEmpty())
    }

    @Test
    fun aRefusedCameraPermissionSaysWhatToDoInstead() {
        shadowOf(t.context as android.app.Application).denyPermissions(android.Manifest.permission.CAMERA)
        val add = Robolectric.buildActivity(AddActivity::class.java).setup().get()
        add.click("scan")
        val asked = shadowOf(add).lastRequestedPermission
        assertEquals(listOf(android.Manifest.permission.CAMERA), asked.requestedPermissions.toList())
        add.onRequestPermissionsResult(asked.requestCode, asked.requestedPermissions, intArrayOf(android.content.pm.PackageManager.PERMISSION_DENIED))
        assertEquals(Strings.CAMERA_REFUSED, add.textOf("error-line"))
    }
}
