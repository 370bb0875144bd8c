package org.duet.app

import android.Manifest
import android.app.Activity
import android.content.Intent
import android.graphics.Bitmap
import android.graphics.SurfaceTexture
import android.net.Uri
import android.view.TextureView
import io.nayuki.qrcodegen.QrCode
import java.io.File
import org.duet.app.platform.Frame
import org.duet.app.platform.FrameSource
import org.duet.app.ui.AddActivity
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.GraphicsMode

/** A camera the test drives: frames arrive when the test hands them over. */
class TestCamera : FrameSource {
    private var sink: ((Frame) -> Boolean)? = null
    var running = false

    override fun start(preview: SurfaceTexture?, onFrame: (Frame) -> Boolean, onError: () -> Unit) {
        sink = onFrame
        running = true
    }

    override fun stop() {
        running = false
        sink = null
    }

    fun deliver(frame: Frame) {
        val s = sink ?: throw AssertionError("camera not running")
        if (s(frame)) stop()
    }
}

/**
 * QR codes drawn by Nayuki's qrcodegen (not the core's encoder) reach the core's decoder through
 * the Add screen: camera frames with padded rows (camera2's Y plane) and a picked PNG.
 */
@RunWith(DuetTestRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class QrScanTest {
    private val camera = TestCamera()
    private val t = TestApp(camera = camera)

    @After fun close() = t.close()

    private val secret = "JBSWY3DPEHPK3PXP"

    /** A 640x480 Y plane, rows 704 bytes apart, with [text]'s QR code drawn off centre. */
    private fun frame(text: String?): Frame {
        val stride = 704
        val bytes = ByteArray(stride * 480) { 200.toByte() }
        if (text != null) {
            val code = QrCode.encodeText(text, QrCode.Ecc.MEDIUM)
            val scale = 4
            for (y in 0 until code.size) for (x in 0 until code.size) if (code.getModule(x, y)) {
                for (dy in 0 until scale) for (dx in 0 until scale) bytes[(60 + y * scale + dy) * stride + 120 + x * scale + dx] = 10
            }
        }
        return Frame(640, 480, stride, bytes)
    }

    private fun scanning(): AddActivity {
        shadowOf(t.context as android.app.Application).grantPermissions(Manifest.permission.CAMERA)
        val add = Robolectric.buildActivity(AddActivity::class.java).setup().get()
        add.click("scan")
        // No GPU here: hand the preview its surface as the framework would once it is drawn.
        val preview = add.tagged<TextureView>("preview")
        preview.surfaceTextureListener!!.onSurfaceTextureAvailable(SurfaceTexture(false), 640, 480)
        assertTrue(camera.running)
        return add
    }

    @Test
    fun theCameraAddsTheAccountOfTheFirstFrameWithACode() {
        val add = scanning()
        camera.deliver(frame(null))
        assertTrue("a frame without a code changes nothing", t.app.accounts().isEmpty())
        assertTrue(camera.running)
        camera.deliver(frame("otpauth://totp/Cam:era?secret=$secret"))
        assertEquals(Strings.added("Cam:era"), add.textOf("added"))
        assertFalse("the camera stops once the account is stored", camera.running)
        t.clock.now = 1_700_000_000L
        assertEquals(Otp.totp(Otp.base32(secret), 1_700_000_000L), t.app.codes().entries.single().code)
    }

    @Test
    fun aTransferAcrossThreeScansCountsTheParts() {
        val parts = Transfer.batch(listOf(
            Transfer.Entry(Otp.base32(secret), "a", "One"),
            Transfer.Entry(Otp.base32("GEZDGNBVGY3TQOJQ"), "b", "Two"),
            Transfer.Entry(Otp.base32("MFRGGZDFMZTWQ2LK"), "c", "Three"),
        ), batchId = 5)
        val add = scanning()
        camera.deliver(frame(parts[2]))
        assertEquals("1 of 3 scanned", add.textOf("progress"))
        camera.deliver(frame(parts[2]))
        assertEquals("the same part again counts once", "1 of 3 scanned", add.textOf("progress"))
        camera.deliver(frame(parts[0]))
        assertEquals("2 of 3 scanned", add.textOf("progress"))
        assertTrue("the camera keeps running between parts", camera.running)
        camera.deliver(frame(parts[1]))
        assertEquals(Strings.addedTransfer(3, 0), add.textOf("added"))
        assertEquals(listOf("One:a", "Two:b", "Three:c"), t.app.accounts().map { it.label })
    }

    @Test
    fun aPickedImageIsDecodedAndAnImageWithoutACodeIsAnError() {
        val add = Robolectric.buildActivity(AddActivity::class.java).setup().get()
        fun pick(file: File) {
            add.click("pick-image")
            val asked = shadowOf(add).nextStartedActivityForResult
            assertEquals(Intent.ACTION_OPEN_DOCUMENT, asked.intent.action)
            shadowOf(add).receiveResult(asked.intent, Activity.RESULT_OK, Intent().setData(Uri.fromFile(file)))
        }
        pick(png("otpauth://totp/Picked:image?secret=$secret"))
        assertTrue(add.allText("status"), add.has("added"))
        assertEquals(Strings.added("Picked:image"), add.textOf("added"))
        pick(png(null))
        assertTrue(add.textOf("error-line").startsWith("E_QR_NOT_FOUND: "))
        assertEquals(1, t.app.accounts().size)
        val notAnImage = File(t.dir.toFile(), "notes.txt").apply { writeText("hello") }
        pick(notAnImage)
        assertEquals(Strings.IMAGE_UNREADABLE, add.textOf("error-line"))
    }

    /** A colour PNG (blue code on a pale yellow card) written with the framework's encoder. */
    private fun png(text: String?): File {
        val size = 400
        val bitmap = Bitmap.createBitmap(size, size, Bitmap.Config.ARGB_8888)
        bitmap.eraseColor(0xFFFFF8D0.toInt())
        if (text != null) {
            val code = QrCode.encodeText(text, QrCode.Ecc.MEDIUM)
            val scale = 6
            for (y in 0 until code.size) for (x in 0 until code.size) if (code.getModule(x, y)) {
                for (dy in 0 until scale) for (dx in 0 until scale) bitmap.setPixel(40 + x * scale + dx, 40 + y * scale + dy, 0xFF102060.toInt())
            }
        }
        val file = File(t.dir.toFile(), "qr-${System.nanoTime()}.png")
        file.outputStream().use { bitmap.compress(Bitmap.CompressFormat.PNG, 100, it) }
        return file
    }
}
