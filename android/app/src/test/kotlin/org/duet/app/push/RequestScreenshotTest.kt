package org.duet.app.push

import android.graphics.Bitmap
import android.graphics.Canvas
import android.os.Looper
import android.view.View
import android.widget.EditText
import java.io.File
import org.duet.core.AddResult
import org.duet.app.DuetTestRunner
import org.junit.After
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode
import org.robolectric.shadows.ShadowBiometricPrompt

/**
 * The request screen's states drawn with Robolectric's native graphics on a 1080x1920 phone:
 * each one is checked to hold real pixels, and written as docs/screenshots/android-request-NAME.png
 * when `-Dduet.screenshots=DIR` names a folder (scripts/android-screenshots.sh).
 */
@RunWith(DuetTestRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
@Config(qualifiers = "w360dp-h640dp-xxhdpi")
class RequestScreenshotTest {
    private val t0 = 1_790_000_000L
    private lateinit var server: HelperServer
    private lateinit var clock: TestClock
    private lateinit var env: TestPushEnvironment

    @Before
    fun start() {
        server = HelperServer()
        clock = TestClock(t0)
        env = TestPushEnvironment(server, clock)
        PushEnvironment.install(env)
        ShadowBiometricPrompt.reset()
        val link = server.cmd("enroll", "alice", "$t0")[0]
        clock.now = t0 + 5
        assertTrue(env.app().addScanned(link) is AddResult.Push)
    }

    @After
    fun stop() {
        env.close()
        server.close()
    }

    private fun idle() = shadowOf(Looper.getMainLooper()).idle()

    private fun screen(mode: String, then: (RequestActivity, String) -> Unit = { _, _ -> }): RequestActivity {
        val (_, number) = server.cmd("signin", "alice", "Payroll", mode, "${t0 + 10}")
        clock.now = t0 + 12
        val a = Robolectric.buildActivity(RequestActivity::class.java, RequestActivity.intent(RuntimeEnvironment.getApplication(), null))
            .setup().get()
        idle()
        then(a, number)
        idle()
        return a
    }

    private fun shoot(a: RequestActivity, name: String) {
        val root: View = a.window.decorView
        // What changed since the last frame is laid out before drawing.
        val w = root.width
        val h = root.height
        root.measure(View.MeasureSpec.makeMeasureSpec(w, View.MeasureSpec.EXACTLY), View.MeasureSpec.makeMeasureSpec(h, View.MeasureSpec.EXACTLY))
        root.layout(0, 0, w, h)
        val bmp = Bitmap.createBitmap(w, h, Bitmap.Config.ARGB_8888)
        root.draw(Canvas(bmp))
        // A blank or one-colour image means nothing was drawn.
        val colours = HashSet<Int>()
        for (y in 0 until h step 7) for (x in 0 until w step 7) colours += bmp.getPixel(x, y)
        assertTrue("$name drew ${colours.size} colours", colours.size > 8)
        val dir = System.getProperty("duet.screenshots") ?: return
        File(dir).mkdirs()
        File(dir, "android-request-$name.png").outputStream().use { bmp.compress(Bitmap.CompressFormat.PNG, 100, it) }
    }

    @Test
    fun numberEntry() = shoot(screen("type2") { a, n -> (a.requestView("number") as EditText).setText(n.take(1)) }, "number-entry")

    @Test
    fun pickOneOfThree() = shoot(screen("pick3"), "pick")

    @Test
    fun denyReasons() = shoot(screen("pick3") { a, _ -> a.requestView("deny")!!.performClick() }, "deny-reasons")

    @Test
    fun weakerKind() = shoot(screen("none"), "weaker")

    @Test
    fun expired() = shoot(
        screen("type2") { a, n ->
            (a.requestView("number") as EditText).setText(n)
            clock.now += 3600
            a.requestView("approve")!!.performClick()
        },
        "expired",
    )

    @Test
    fun invalidatedKey() = shoot(
        screen("none") { a, _ ->
            env.keys.invalidated = true
            a.requestView("approve")!!.performClick()
        },
        "key-invalidated",
    )
}
