package org.duet.app

import android.widget.TextView
import org.duet.app.ui.CodesActivity
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf

@RunWith(DuetTestRunner::class)
class CodesScreenTest {
    private val t = TestApp()

    @After fun close() = t.close()

    private val secret = "JBSWY3DPEHPK3PXP"

    @Test
    fun theCodesScreenShowsTheCoreCodeOfAnAccountAtTheTestClock() {
        assertTrue("the manifest's application class runs", RuntimeEnvironment.getApplication() is DuetApplication)
        t.app.addScanned("otpauth://totp/Example:alice@example.com?secret=$secret&issuer=Example")
        val id = t.app.accounts().single().id
        t.clock.now = 1_700_000_012L
        val activity = Robolectric.buildActivity(CodesActivity::class.java).setup().get()
        val shown = activity.codeText(id)!!.replace(" ", "")
        assertEquals(Otp.totp(Otp.base32(secret), 1_700_000_012L), shown)
        val label = activity.window.decorView.findViewWithTag<TextView>("label:$id").text.toString()
        assertEquals("Example:alice@example.com", label)
    }
}

@RunWith(DuetTestRunner::class)
class CodesActionsTest {
    private val t = TestApp()

    @After fun close() = t.close()

    private val secret = "JBSWY3DPEHPK3PXP"

    private fun add(label: String) = t.app.addScanned("otpauth://totp/$label?secret=$secret")

    private fun screen(): CodesActivity = Robolectric.buildActivity(CodesActivity::class.java).setup().get()

    private fun labels() = t.app.accounts().map { it.label }

    private fun latestDialog(): android.app.AlertDialog =
        org.robolectric.shadows.ShadowDialog.getLatestDialog() as android.app.AlertDialog

    @Test
    fun searchFiltersTheList() {
        add("GitHub:alice"); add("Mail:alice"); add("Gitea:bob")
        val s = screen()
        val ids = t.app.accounts().associate { it.label to it.id }
        s.type("search", "git")
        assertTrue(s.has("row:${ids.getValue("GitHub:alice")}"))
        assertTrue(s.has("row:${ids.getValue("Gitea:bob")}"))
        assertFalse(s.has("row:${ids.getValue("Mail:alice")}"))
        s.type("search", "nothing like it")
        assertEquals(Strings.NO_MATCH, s.textOf("empty"))
        s.type("search", "")
        assertEquals(3, ids.values.count { s.has("row:$it") })
    }

    @Test
    fun renameReorderAndDeleteWithConfirmation() {
        add("One:a"); add("Two:b"); add("Three:c")
        val s = screen()
        val ids = t.app.accounts().map { it.id }

        s.click("menu:${ids[0]}")
        shadowOf(latestDialog()).clickOnItem(0)
        idle()
        val rename = latestDialog()
        rename.window!!.decorView.findViewWithTag<android.widget.EditText>("rename-issuer").setText("Uno")
        rename.window!!.decorView.findViewWithTag<android.widget.EditText>("rename-name").setText("alpha")
        rename.getButton(android.app.AlertDialog.BUTTON_POSITIVE).performClick()
        idle()
        assertEquals(listOf("Uno:alpha", "Two:b", "Three:c"), labels())
        assertEquals("Uno:alpha", s.textOf("label:${ids[0]}"))

        s.click("menu:${ids[0]}")
        shadowOf(latestDialog()).clickOnItem(2) // move down
        idle()
        assertEquals(listOf("Two:b", "Uno:alpha", "Three:c"), labels())
        s.click("menu:${ids[2]}")
        shadowOf(latestDialog()).clickOnItem(1) // move up
        idle()
        assertEquals(listOf("Two:b", "Three:c", "Uno:alpha"), labels())

        s.click("menu:${ids[1]}")
        shadowOf(latestDialog()).clickOnItem(3)
        idle()
        val confirm = latestDialog()
        confirm.getButton(android.app.AlertDialog.BUTTON_NEGATIVE).performClick()
        idle()
        assertEquals("cancel keeps it", 3, labels().size)
        s.click("menu:${ids[1]}")
        shadowOf(latestDialog()).clickOnItem(3)
        idle()
        latestDialog().getButton(android.app.AlertDialog.BUTTON_POSITIVE).performClick()
        idle()
        assertEquals(listOf("Three:c", "Uno:alpha"), labels())
        assertFalse(s.has("row:${ids[1]}"))
    }

    @Test
    fun hotpNextCodeAdvancesTheStoredCounter() {
        t.app.addScanned("otpauth://hotp/Door:front?secret=$secret&counter=5")
        val id = t.app.accounts().single().id
        val s = screen()
        fun storedCounter() = (t.app.accounts().single().parameters!!.kind as org.duet.core.OtpKind.Hotp).counter.toLong()
        val before = storedCounter()
        s.click("hotp:$id")
        val after = storedCounter()
        assertEquals(before + 1, after)
        val shown = s.codeText(id)!!.replace(" ", "")
        assertEquals(Otp.hotp(Otp.base32(secret), after - 1), shown)
        s.click("hotp:$id")
        assertEquals(Otp.hotp(Otp.base32(secret), after), s.codeText(id)!!.replace(" ", ""))
    }

    @Test
    fun tappingCopiesTheCodeMarkedSensitiveAndThirtySecondsLaterTheClipboardIsCleared() {
        add("Copy:me")
        val id = t.app.accounts().single().id
        t.clock.now = 1_700_000_100L
        val s = screen()
        s.tagged<android.view.View>("row:$id").performClick()
        val clipboard = t.context.getSystemService(android.content.ClipboardManager::class.java)!!
        val clip = clipboard.primaryClip!!
        assertEquals(Otp.totp(Otp.base32(secret), 1_700_000_100L), clip.getItemAt(0).text.toString())
        assertTrue(clip.description.extras!!.getBoolean(android.content.ClipDescription.EXTRA_IS_SENSITIVE))
        shadowOf(android.os.Looper.getMainLooper()).idleFor(java.time.Duration.ofSeconds(29))
        assertTrue("still there at 29 s", clipboard.hasPrimaryClip())
        shadowOf(android.os.Looper.getMainLooper()).idleFor(java.time.Duration.ofSeconds(2))
        assertFalse("cleared at 30 s", clipboard.hasPrimaryClip())
    }

    @Test
    fun anotherCopyWithinThirtySecondsIsNotCleared() {
        add("Copy:me")
        val id = t.app.accounts().single().id
        val s = screen()
        s.tagged<android.view.View>("row:$id").performClick()
        val clipboard = t.context.getSystemService(android.content.ClipboardManager::class.java)!!
        clipboard.setPrimaryClip(android.content.ClipData.newPlainText("note", "the user's own text"))
        shadowOf(android.os.Looper.getMainLooper()).idleFor(java.time.Duration.ofSeconds(31))
        assertEquals("the user's own text", clipboard.primaryClip!!.getItemAt(0).text.toString())
    }

    @Test
    fun hiddenCodesShowAfterATap() {
        t.settings.hideCodes = true
        add("Hidden:me")
        val id = t.app.accounts().single().id
        t.clock.now = 1_700_000_200L
        val s = screen()
        assertEquals(Strings.HIDDEN_CODE, s.codeText(id))
        s.tagged<android.view.View>("row:$id").performClick()
        assertEquals(Otp.totp(Otp.base32(secret), 1_700_000_200L), s.codeText(id)!!.replace(" ", ""))
        val clipboard = t.context.getSystemService(android.content.ClipboardManager::class.java)!!
        assertFalse("revealing does not copy", clipboard.hasPrimaryClip())
    }

    @Test
    fun theNextCodeShowsInTheLastSecondsOfAPeriod() {
        add("Next:me")
        val id = t.app.accounts().single().id
        t.clock.now = 1_699_999_990L // 20 s left in its period
        val s = screen()
        assertFalse(s.has("next:$id"))
        t.clock.now = 1_700_000_007L // 3 s left
        shadowOf(android.os.Looper.getMainLooper()).idleFor(java.time.Duration.ofSeconds(1))
        assertEquals(Strings.nextCode(Otp.totp(Otp.base32(secret), 1_700_000_010L).let { it.substring(0, 3) + " " + it.substring(3) }), s.textOf("next:$id"))
        assertEquals("3s", s.textOf("left:$id"))
    }
}
