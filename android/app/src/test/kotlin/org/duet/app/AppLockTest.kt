package org.duet.app

import android.widget.Switch
import org.duet.app.platform.VaultKeyWrapper
import org.duet.app.platform.VaultLockedException
import org.duet.app.ui.AddActivity
import org.duet.app.ui.CodesActivity
import org.duet.app.ui.SettingsActivity
import org.junit.After
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.Shadows.shadowOf
import org.robolectric.shadows.ShadowBiometricPrompt

/**
 * App lock is how the vault key is stored: turning it on seals the key under the Keystore key
 * that needs the user (a software stand-in here, usable only after a prompt succeeded), and every
 * screen then shows the unlock prompt before anything of the vault.
 */
@RunWith(DuetTestRunner::class)
class AppLockTest {
    private val t = TestApp()
    private val secret = "JBSWY3DPEHPK3PXP"

    @Before fun noPrompt() = ShadowBiometricPrompt.reset()

    @After fun close() = t.close()

    private fun settings() = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()

    private fun lockSwitch(a: SettingsActivity) = a.tagged<Switch>("app-lock")

    /** The user passes the prompt that is showing. */
    private fun passPrompt() {
        t.lockKey.userAuthenticated()
        ShadowBiometricPrompt.authenticateCurrentSessionSuccessfully()
        idle()
    }

    private fun turnOn() {
        val s = settings()
        lockSwitch(s).performClick()
        passPrompt()
        assertEquals(Strings.APP_LOCK_ON, s.textOf("done"))
    }

    @Test
    fun turningAppLockOnNeedsThePromptAndSealsTheKeyUnderTheKeyThatNeedsTheUser() {
        t.app.addScanned("otpauth://totp/Example:alice?secret=$secret")
        val s = settings()
        assertFalse(lockSwitch(s).isChecked)
        assertFalse(t.wrapper.appLock(t.vaultPath))

        // Cancelled: nothing changes and the switch says so.
        lockSwitch(s).performClick()
        assertNotNull("a prompt asks first", ShadowBiometricPrompt.getCurrentPrompt())
        val before = VaultKeyWrapper.keyFile(t.vaultPath).readBytes()
        ShadowBiometricPrompt.cancelCurrentSession()
        idle()
        assertFalse(lockSwitch(s).isChecked)
        assertTrue(s.allText("status"), s.allText("status").contains(Strings.APP_LOCK_UNCHANGED))
        assertArrayEquals(before, VaultKeyWrapper.keyFile(t.vaultPath).readBytes())
        assertFalse(t.wrapper.appLock(t.vaultPath))

        lockSwitch(s).performClick()
        passPrompt()
        assertTrue(lockSwitch(s).isChecked)
        assertTrue(t.wrapper.appLock(t.vaultPath))
        assertFalse("the key that needed no one is gone", t.openKey.exists)
        // Once the short while after the prompt is over, the vault key does not open without the user.
        t.lockKey.timeout()
        assertThrows(VaultLockedException::class.java) { t.wrapper.unwrap(t.vaultPath) }
        assertTrue("a restarted app reads the switch from the key", lockSwitch(settings()).isChecked)
    }

    @Test
    fun withAppLockOnEveryScreenAsksForTheUserBeforeShowingCodes() {
        t.app.addScanned("otpauth://totp/Example:alice?secret=$secret")
        val id = t.app.accounts().single().id
        turnOn()
        t.lockKey.timeout()
        t.restart()

        val locked = Robolectric.buildActivity(CodesActivity::class.java).setup().get()
        assertEquals(Strings.LOCKED, locked.textOf("locked"))
        assertFalse("no code is shown", locked.has("code:$id"))
        assertNotNull("the prompt comes at once", ShadowBiometricPrompt.getCurrentPrompt())
        ShadowBiometricPrompt.cancelCurrentSession()
        idle()
        assertFalse(locked.isFinishing)
        assertNull(shadowOf(locked).nextStartedActivity)

        // A link that opens the add screen meets the same lock.
        val add = Robolectric.buildActivity(AddActivity::class.java).setup().get()
        assertEquals(Strings.LOCKED, add.textOf("locked"))
        ShadowBiometricPrompt.cancelCurrentSession()
        idle()

        locked.click("unlock")
        passPrompt()
        assertTrue(locked.isFinishing)
        val again = shadowOf(locked).nextStartedActivity
        assertEquals(CodesActivity::class.java.name, again.component!!.className)
        t.clock.now = 1_700_000_012L
        val codes = Robolectric.buildActivity(CodesActivity::class.java, again).setup().get()
        assertEquals(Otp.totp(Otp.base32(secret), 1_700_000_012L), codes.codeText(id)!!.replace(" ", ""))
    }

    @Test
    fun turningAppLockOffStoresTheKeyWithoutTheUserAgain() {
        turnOn()
        val s = settings()
        assertTrue(lockSwitch(s).isChecked)
        lockSwitch(s).performClick()
        passPrompt()
        assertEquals(Strings.APP_LOCK_OFF, s.textOf("done"))
        assertFalse(t.wrapper.appLock(t.vaultPath))
        assertFalse("the key that needed the user is gone", t.lockKey.exists)
        t.lockKey.timeout()
        t.restart()
        val codes = Robolectric.buildActivity(CodesActivity::class.java).setup().get()
        assertFalse(codes.has("locked"))
        assertNull("no prompt", ShadowBiometricPrompt.getCurrentPrompt())
    }

    @Test
    fun aLostVaultKeyIsExplainedOnTheCodesScreenAndNothingIsDeleted() {
        t.app.addScanned("otpauth://totp/Example:alice?secret=$secret")
        t.restart()
        val vault = java.io.File(t.vaultPath).readBytes()
        val key = VaultKeyWrapper.keyFile(t.vaultPath).readBytes()
        t.openKey.invalidated = true
        val codes = Robolectric.buildActivity(CodesActivity::class.java).setup().get()
        assertEquals(Strings.CANNOT_OPEN_TITLE, codes.textOf("cannot-open"))
        assertTrue(codes.textOf("error-line"), codes.textOf("error-line").startsWith("E_FFI_KEY_LOST"))
        assertTrue(codes.has("error-next"))
        assertArrayEquals(vault, java.io.File(t.vaultPath).readBytes())
        assertArrayEquals(key, VaultKeyWrapper.keyFile(t.vaultPath).readBytes())
    }
}
