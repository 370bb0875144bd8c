package org.duet.app

import android.app.Activity
import android.view.WindowManager
import android.widget.Switch
import org.duet.app.ui.AddActivity
import org.duet.app.ui.CodesActivity
import org.duet.app.ui.SettingsActivity
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric

@RunWith(DuetTestRunner::class)
class SettingsScreenTest {
    private val t = TestApp()

    @After fun close() = t.close()

    private val screens: List<Class<out Activity>> = listOf(CodesActivity::class.java, AddActivity::class.java, SettingsActivity::class.java)

    private fun secure(a: Activity) = a.window.attributes.flags and WindowManager.LayoutParams.FLAG_SECURE != 0

    @Test
    fun everyScreenBlocksScreenCaptureByDefaultAndNotWhenTurnedOff() {
        for (c in screens) assertTrue(c.simpleName, secure(Robolectric.buildActivity(c).setup().get()))
        val settings = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()
        settings.tagged<Switch>("screen-capture").performClick()
        assertFalse(t.settings.blockScreenCapture)
        assertFalse("the switch applies at once", secure(settings))
        for (c in screens) assertFalse(c.simpleName, secure(Robolectric.buildActivity(c).setup().get()))
        settings.tagged<Switch>("screen-capture").performClick()
        for (c in screens) assertTrue(c.simpleName, secure(Robolectric.buildActivity(c).setup().get()))
    }

    @Test
    fun switchesAreStored() {
        val s = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()
        s.tagged<Switch>("hide-codes").performClick()
        assertTrue(t.settings.hideCodes)
        val again = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()
        assertTrue(again.tagged<Switch>("hide-codes").isChecked)
    }

    @Test
    fun noClockOffsetBeforeAnySignedRequest() {
        val s = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()
        assertEquals(Strings.CLOCK_UNKNOWN, s.textOf("clock-offset"))
        assertFalse(s.has("clock-warning"))
        assertEquals(Strings.NO_PUSH_ACCOUNTS, (s.tagged<android.widget.LinearLayout>("push").getChildAt(0) as android.widget.TextView).text.toString())
    }
}
