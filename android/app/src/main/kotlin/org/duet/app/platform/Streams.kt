package org.duet.app.platform

import java.io.ByteArrayOutputStream
import java.io.InputStream

/** Up to [limit] + 1 bytes of [input], so a caller can tell "too large" (InputStream.readNBytes needs API 33). */
fun readAtMost(input: InputStream, limit: Int): ByteArray {
    val out = ByteArrayOutputStream()
    val buf = ByteArray(8192)
    while (out.size() <= limit) {
        val n = input.read(buf, 0, minOf(buf.size, limit + 1 - out.size()))
        if (n < 0) break
        out.write(buf, 0, n)
    }
    return out.toByteArray()
}
