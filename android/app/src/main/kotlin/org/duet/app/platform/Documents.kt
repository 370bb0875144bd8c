package org.duet.app.platform

import android.content.ContentResolver
import android.net.Uri
import java.io.IOException

/** Files the user picked through the storage access framework (backups). */
interface Documents {
    /** The file's bytes, up to [limit]; throws IOException when it cannot be read. */
    fun read(uri: Uri, limit: Int = 16 shl 20): ByteArray

    /** Replaces the file's contents; throws IOException (e.g. storage full). */
    fun write(uri: Uri, data: ByteArray)
}

class ContentDocuments(private val resolver: ContentResolver) : Documents {
    override fun read(uri: Uri, limit: Int): ByteArray {
        val input = resolver.openInputStream(uri) ?: throw IOException("no stream")
        return input.use {
            val bytes = readAtMost(it, limit)
            if (bytes.size > limit) throw IOException("file too large")
            bytes
        }
    }

    override fun write(uri: Uri, data: ByteArray) {
        // "wt": truncate, so a shorter backup leaves no tail of an older one.
        val out = resolver.openOutputStream(uri, "wt") ?: throw IOException("no stream")
        out.use { it.write(data) }
    }
}
