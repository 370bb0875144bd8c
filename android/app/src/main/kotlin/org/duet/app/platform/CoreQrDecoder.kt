package org.duet.app.platform

import org.duet.app.model.QrDecoder
import org.duet.core.decodeQr

/** The core's QR decoder. */
object CoreQrDecoder : QrDecoder {
    override fun decode(width: UInt, height: UInt, rowStride: UInt, luminance: ByteArray): String =
        decodeQr(width, height, rowStride, luminance)
}
