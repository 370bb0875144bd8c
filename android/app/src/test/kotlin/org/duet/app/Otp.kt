package org.duet.app

import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

/** RFC 4226 / RFC 6238 written from the RFCs on javax.crypto: the reference the app's codes must equal. */
object Otp {
    fun base32(text: String): ByteArray {
        val alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        var buffer = 0
        var bits = 0
        val out = java.io.ByteArrayOutputStream()
        for (c in text.uppercase().filter { it != '=' && it != ' ' }) {
            buffer = (buffer shl 5) or alphabet.indexOf(c).also { require(it >= 0) { "not base32: $c" } }
            bits += 5
            if (bits >= 8) {
                out.write((buffer shr (bits - 8)) and 0xFF)
                bits -= 8
            }
        }
        return out.toByteArray()
    }

    fun hotp(secret: ByteArray, counter: Long, digits: Int = 6): String {
        val mac = Mac.getInstance("HmacSHA1").apply { init(SecretKeySpec(secret, "HmacSHA1")) }
        val h = mac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(counter).array())
        val o = h[h.size - 1].toInt() and 0x0F
        val bin = ((h[o].toInt() and 0x7F) shl 24) or ((h[o + 1].toInt() and 0xFF) shl 16) or
            ((h[o + 2].toInt() and 0xFF) shl 8) or (h[o + 3].toInt() and 0xFF)
        var mod = 1
        repeat(digits) { mod *= 10 }
        return (bin % mod).toString().padStart(digits, '0')
    }

    fun totp(secret: ByteArray, unixTime: Long, period: Int = 30, digits: Int = 6): String = hotp(secret, unixTime / period, digits)
}
