package org.duet.app.platform

import org.duet.app.model.QrDecoder
import org.duet.core.DuetException

/** The core's QR decoder. */
object CoreQrDecoder : QrDecoder {
    override fun decode(width: UInt, height: UInt, rowStride: UInt, luminance: ByteArray): String =
        throw DuetException.Callback("E_FFI_CALLBACK", "this build has no QR decoder")
}
