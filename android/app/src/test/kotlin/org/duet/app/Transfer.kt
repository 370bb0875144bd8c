package org.duet.app

import java.io.ByteArrayOutputStream
import java.net.URLEncoder
import java.util.Base64

/**
 * Google Authenticator transfer QR texts written from the published MigrationPayload protobuf
 * layout, independently of the core's parser: one account per part.
 */
object Transfer {
    class Entry(val secret: ByteArray, val name: String, val issuer: String)

    fun batch(entries: List<Entry>, batchId: Int): List<String> = entries.mapIndexed { i, e ->
        val otp = ByteArrayOutputStream().apply {
            bytes(1, e.secret)
            bytes(2, e.name.toByteArray())
            bytes(3, e.issuer.toByteArray())
            varint(4, 1) // SHA1
            varint(5, 1) // six digits
            varint(6, 2) // TOTP
        }.toByteArray()
        val payload = ByteArrayOutputStream().apply {
            bytes(1, otp)
            varint(2, 1) // version
            varint(3, entries.size.toLong())
            varint(4, i.toLong())
            varint(5, batchId.toLong())
        }.toByteArray()
        "otpauth-migration://offline?data=" + URLEncoder.encode(Base64.getEncoder().encodeToString(payload), "UTF-8")
    }

    private fun ByteArrayOutputStream.raw(v: Long) {
        var x = v
        while (x >= 0x80) {
            write(((x and 0x7F) or 0x80).toInt())
            x = x ushr 7
        }
        write(x.toInt())
    }

    private fun ByteArrayOutputStream.varint(field: Int, v: Long) {
        raw((field shl 3).toLong())
        raw(v)
    }

    private fun ByteArrayOutputStream.bytes(field: Int, b: ByteArray) {
        raw(((field shl 3) or 2).toLong())
        raw(b.size.toLong())
        write(b)
    }
}
