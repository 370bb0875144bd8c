package org.duet.app.model

/**
 * Reads the text of the QR code in a grey-scale picture (a camera frame's Y plane, or a picked
 * image's luminance). Throws the core's `DuetException` when there is none or it is unreadable.
 */
fun interface QrDecoder {
    fun decode(width: UInt, height: UInt, rowStride: UInt, luminance: ByteArray): String
}
