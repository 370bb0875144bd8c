package org.duet.app

import android.app.Activity
import android.graphics.Bitmap
import android.graphics.Canvas
import java.io.File
import org.duet.app.ui.AddActivity
import org.duet.app.ui.CodesActivity
import org.duet.app.ui.SettingsActivity
import org.duet.core.AddResult
import org.duet.tests.HelperTransport
import org.duet.tests.TestServerProcess
import org.junit.After
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode
import org.robolectric.shadows.ShadowBiometricPrompt

/**
 * Renders every screen and state with real pixels (Robolectric's native graphics) on a
 * 1080x1920 phone. With -Dduet.screenshots=DIR (scripts/android-screenshots.sh) the PNGs go to
 * DIR/android-NAME.png; every run checks that each screen drew more than a blank page.
 */
@RunWith(DuetTestRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
@Config(qualifiers = "w360dp-h640dp-xxhdpi")
class ScreenshotTest {
    private val t0 = 1_790_000_000L
    private val server = TestServerProcess()
    private val t = TestApp(startTime = t0, transport = { HelperTransport(server, it) })

    @After fun close() {
        t.close()
        server.close()
    }

    private fun shoot(name: String, activity: Activity) {
        idle()
        val view = activity.window.decorView
        // What changed since the last frame (a status line, an error) is laid out before drawing.
        view.measure(
            android.view.View.MeasureSpec.makeMeasureSpec(view.width, android.view.View.MeasureSpec.EXACTLY),
            android.view.View.MeasureSpec.makeMeasureSpec(view.height, android.view.View.MeasureSpec.EXACTLY),
        )
        view.layout(0, 0, view.width, view.height)
        val bitmap = Bitmap.createBitmap(view.width, view.height, Bitmap.Config.ARGB_8888)
        view.draw(Canvas(bitmap))
        val colours = HashSet<Int>()
        for (y in 0 until bitmap.height step 7) for (x in 0 until bitmap.width step 7) colours += bitmap.getPixel(x, y)
        assertTrue("$name drew a page with text and widgets (${colours.size} colours)", colours.size > 8)
        val dir = System.getProperty("duet.screenshots") ?: return
        File(dir).mkdirs()
        File(dir, "android-$name.png").outputStream().use { bitmap.compress(Bitmap.CompressFormat.PNG, 100, it) }
    }

    private fun accounts() {
        for (uri in listOf(
            "otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
            "otpauth://totp/Example%20Corp:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example%20Corp",
            "otpauth://totp/Mail:alice@example.org?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ&period=60",
            "otpauth://hotp/Door:front?secret=MFRGGZDFMZTWQ2LK&counter=3",
        )) t.app.addScanned(uri)
    }

    @Test
    fun everyScreen() {
        accounts()
        t.clock.now = t0 + 7 // 3 s before a 30 s period ends: next codes show
        shoot("codes", Robolectric.buildActivity(CodesActivity::class.java).setup().get())
        t.settings.hideCodes = true
        shoot("codes-hidden", Robolectric.buildActivity(CodesActivity::class.java).setup().get())
        t.settings.hideCodes = false

        shoot("add", Robolectric.buildActivity(AddActivity::class.java).setup().get())
        val progress = Robolectric.buildActivity(AddActivity::class.java).setup().get()
        val parts = Transfer.batch(listOf(
            Transfer.Entry(Otp.base32("JBSWY3DPEHPK3PXP"), "bob", "Git"),
            Transfer.Entry(Otp.base32("GEZDGNBVGY3TQOJQ"), "bob", "Chat"),
            Transfer.Entry(Otp.base32("MFRGGZDFMZTWQ2LK"), "bob", "Shop"),
        ), batchId = 9)
        progress.type("paste", parts[0]); progress.click("paste-add")
        progress.type("paste", parts[2]); progress.click("paste-add")
        progress.type("paste", "")
        shoot("add-transfer", progress)
        t.app.cancelTransfer()
        val error = Robolectric.buildActivity(AddActivity::class.java).setup().get()
        error.type("paste", "otpauth://totp/Broken:x?secret=not*base32")
        error.click("paste-add")
        shoot("add-error", error)

        shoot("settings", Robolectric.buildActivity(SettingsActivity::class.java).setup().get())
        val link = server.cmd("enroll", "alice", "$t0")[0]
        t.clock.now = t0 + 5
        t.app.addScanned(link) as AddResult.Push
        server.cmd("signin", "alice", "VPN", "type2", "${t0 + 10}")
        t.clock.now = t0 + 58
        t.app.poll()
        shoot("settings-clock-warning", Robolectric.buildActivity(SettingsActivity::class.java).setup().get())

        // App lock on, the app started again: the locked screen under its prompt (cancelled here).
        val settings = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()
        settings.tagged<android.widget.Switch>("app-lock").performClick()
        t.lockKey.userAuthenticated()
        ShadowBiometricPrompt.authenticateCurrentSessionSuccessfully()
        idle()
        t.lockKey.timeout()
        t.restart()
        val locked = Robolectric.buildActivity(CodesActivity::class.java).setup().get()
        ShadowBiometricPrompt.cancelCurrentSession()
        shoot("locked", locked)
    }
}
