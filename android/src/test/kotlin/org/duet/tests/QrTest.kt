package org.duet.tests

import io.nayuki.qrcodegen.QrCode
import java.awt.Color
import java.awt.image.BufferedImage
import java.io.ByteArrayInputStream
import java.io.ByteArrayOutputStream
import java.util.Random
import javax.imageio.ImageIO
import org.duet.android.code
import org.duet.core.DuetException
import org.duet.core.ErrorCode
import org.duet.core.decodeQr
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Test

/**
 * `decodeQr` on the planes an app hands it: QR codes drawn by an independent encoder (Nayuki's
 * qrcodegen, not the Rust `qrcode` crate) into camera-like Y planes with padded rows, and into a
 * colour PNG read back with javax.imageio and turned into luminance the way an app converts a
 * picked image.
 */
class QrTest {
    private val uri = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"

    /** A Y plane: `width` x `height`, rows `stride` bytes apart, padding bytes set to `pad`. */
    private class Plane(val width: Int, val height: Int, val stride: Int, light: Int, pad: Int) {
        val bytes = ByteArray(stride * height) { i -> (if (i % stride < width) light else pad).toByte() }

        /** Draws `qr` with its 4-module quiet zone at (`x0`, `y0`), `scale` pixels per module. */
        fun draw(qr: QrCode, scale: Int, x0: Int, y0: Int, dark: Int) {
            for (my in 0 until qr.size) for (mx in 0 until qr.size) {
                if (!qr.getModule(mx, my)) continue
                for (dy in 0 until scale) for (dx in 0 until scale) {
                    bytes[(y0 + (4 + my) * scale + dy) * stride + x0 + (4 + mx) * scale + dx] = dark.toByte()
                }
            }
        }
    }

    private fun qr(text: String): QrCode = QrCode.encodeText(text, QrCode.Ecc.MEDIUM)

    private fun decode(p: Plane, bytes: ByteArray = p.bytes): String =
        decodeQr(p.width.toUInt(), p.height.toUInt(), p.stride.toUInt(), bytes)

    private fun failure(block: () -> Unit): DuetException.Qr = assertThrows(DuetException.Qr::class.java) { block() }

    @Test
    fun readsAPlainPlane() {
        val code = qr(uri)
        val side = (code.size + 8) * 4
        val p = Plane(side, side, side, 255, 0)
        p.draw(code, 4, 0, 0, 0)
        assertEquals(uri, decode(p))
    }

    @Test
    fun readsACameraPlaneWithPaddedRows() {
        // camera2 YUV_420_888 plane 0 of a 640x480 frame: rowStride 704, grey code on a grey
        // background, off centre; the padding holds black bytes that are not picture, and the
        // buffer ends right after the last row's last pixel, as ImageReader buffers do.
        val code = qr(uri)
        val p = Plane(640, 480, 704, 190, 0)
        p.draw(code, 5, 150, 40, 50)
        val trimmed = p.bytes.copyOf(479 * 704 + 640)
        assertEquals(uri, decode(p, trimmed))
        // The same frame read as if its rows were packed is garbage: the stride matters.
        val packed = failure { decodeQr(640u, 480u, 640u, trimmed) }
        assertFalse(packed.code == "E_QR_IMAGE_INVALID", packed.code)
    }

    @Test
    fun readsAPickedColourImage() {
        // Dark blue on pale yellow, saved as PNG and read back, converted to luminance with the
        // Rec. 601 weights, as an app does with a picked image (rowStride = width).
        val code = qr(uri)
        val scale = 6
        val side = (code.size + 8) * scale
        val img = BufferedImage(side, side, BufferedImage.TYPE_INT_RGB)
        val g = img.createGraphics()
        g.color = Color(250, 240, 190)
        g.fillRect(0, 0, side, side)
        g.color = Color(20, 30, 110)
        for (my in 0 until code.size) for (mx in 0 until code.size) {
            if (code.getModule(mx, my)) g.fillRect((4 + mx) * scale, (4 + my) * scale, scale, scale)
        }
        g.dispose()
        val png = ByteArrayOutputStream().also { ImageIO.write(img, "png", it) }.toByteArray()
        val read = ImageIO.read(ByteArrayInputStream(png))
        val luma = ByteArray(read.width * read.height) { i ->
            val rgb = read.getRGB(i % read.width, i / read.width)
            val (r, gr, b) = Triple(rgb shr 16 and 0xff, rgb shr 8 and 0xff, rgb and 0xff)
            ((299 * r + 587 * gr + 114 * b) / 1000).toByte()
        }
        assertEquals(uri, decodeQr(read.width.toUInt(), read.height.toUInt(), read.width.toUInt(), luma))
    }

    @Test
    fun garbagePlaneIsNotFound() {
        val noise = ByteArray(320 * 240).also { Random(7).nextBytes(it) }
        val e = failure { decodeQr(320u, 240u, 320u, noise) }
        assertEquals("E_QR_NOT_FOUND", e.code)
        assertEquals("E_QR_NOT_FOUND", e.code())
        assertEquals(ErrorCode.QR_NOT_FOUND, e.errorCode())
    }

    @Test
    fun twoDifferentCodesAreRefused() {
        val a = qr(uri)
        val b = qr("otpauth://totp/Other:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        val side = (maxOf(a.size, b.size) + 8) * 4
        val p = Plane(2 * side + 40, side, 2 * side + 40, 255, 0)
        p.draw(a, 4, 0, 0, 0)
        p.draw(b, 4, side + 40, 0, 0)
        val e = failure { decode(p) }
        assertEquals(ErrorCode.QR_MULTIPLE, e.errorCode())
        assertFalse(e.reason.contains("otpauth"), e.reason)
    }

    @Test
    fun sizesThatDoNotFitTheBufferAreInvalid() {
        val buf = ByteArray(100 * 100)
        for ((w, h, s) in listOf(Triple(100u, 101u, 100u), Triple(100u, 100u, 99u), Triple(0u, 100u, 100u), Triple(10_001u, 1u, 10_001u))) {
            val e = failure { decodeQr(w, h, s, buf) }
            assertEquals("E_QR_IMAGE_INVALID", e.code, "$w x $h stride $s")
            assertEquals(ErrorCode.QR_IMAGE_INVALID, e.errorCode())
        }
    }
}
