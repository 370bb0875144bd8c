package org.duet.app.platform

import android.content.ContentResolver
import android.graphics.BitmapFactory
import android.net.Uri
import java.io.IOException

/** A picked image's luminance, for the core's QR decoder. */
object ImageLuma {
    /** Larger pictures are decoded at a fraction of their size: a QR code needs no more. */
    private const val MAX_SIDE = 2000

    /** `null` when the file is not a picture BitmapFactory can read. */
    fun read(resolver: ContentResolver, uri: Uri): Frame? {
        val bounds = BitmapFactory.Options().apply { inJustDecodeBounds = true }
        try {
            // With inJustDecodeBounds the result is always null; only the bounds tell.
            val input = resolver.openInputStream(uri) ?: return null
            input.use { BitmapFactory.decodeStream(it, null, bounds) }
        } catch (e: IOException) {
            return null
        }
        if (bounds.outWidth <= 0 || bounds.outHeight <= 0) return null
        var sample = 1
        while (bounds.outWidth / sample > MAX_SIDE || bounds.outHeight / sample > MAX_SIDE) sample *= 2
        val bitmap = try {
            resolver.openInputStream(uri)?.use { BitmapFactory.decodeStream(it, null, BitmapFactory.Options().apply { inSampleSize = sample }) }
        } catch (e: IOException) {
            null
        } ?: return null
        return luminance(bitmap.width, bitmap.height, IntArray(bitmap.width * bitmap.height).also {
            bitmap.getPixels(it, 0, bitmap.width, 0, 0, bitmap.width, bitmap.height)
        })
    }

    /** ARGB pixels to 8-bit luma (BT.601 weights); transparent pixels read as white paper. */
    fun luminance(width: Int, height: Int, argb: IntArray): Frame {
        val out = ByteArray(width * height)
        for (i in argb.indices) {
            val p = argb[i]
            val a = p ushr 24
            val r = (p shr 16) and 0xFF
            val g = (p shr 8) and 0xFF
            val b = p and 0xFF
            val y = (299 * r + 587 * g + 114 * b) / 1000
            out[i] = ((y * a + 255 * (255 - a)) / 255).toByte()
        }
        return Frame(width, height, width, out)
    }
}
