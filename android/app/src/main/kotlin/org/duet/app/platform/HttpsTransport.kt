package org.duet.app.platform

import java.io.IOException
import java.io.InputStream
import java.net.HttpURLConnection
import java.net.SocketTimeoutException
import java.net.URL
import java.net.UnknownHostException
import javax.net.ssl.SSLException
import org.duet.core.DuetException
import org.duet.core.HttpMethod
import org.duet.core.HttpRequest
import org.duet.core.HttpResponse
import org.duet.core.HttpTransport

/**
 * The core's requests over the platform's HttpURLConnection. The core checked the URL and writes
 * the user's sentence for each failure; this only moves bytes and names the kind of failure.
 */
class HttpsTransport : HttpTransport {
    override fun send(request: HttpRequest): HttpResponse {
        if (!request.verifyTls) {
            // Turning certificate checks off is not offered: such an enrollment fails visibly.
            throw DuetException.Transport("E_TRANSPORT_TLS", "certificate checks cannot be turned off in this app")
        }
        val timeout = request.timeoutMs.toLong().coerceIn(1, Int.MAX_VALUE.toLong()).toInt()
        val conn = URL(request.url).openConnection() as HttpURLConnection
        try {
            conn.instanceFollowRedirects = false
            conn.connectTimeout = timeout
            conn.readTimeout = timeout
            conn.useCaches = false
            if (request.method == HttpMethod.POST) {
                conn.requestMethod = "POST"
                conn.doOutput = true
                request.contentType?.let { conn.setRequestProperty("Content-Type", it) }
                conn.setFixedLengthStreamingMode(request.body.size)
                conn.outputStream.use { it.write(request.body) }
            }
            val status = conn.responseCode
            val body = (if (status >= 400) conn.errorStream else conn.inputStream)?.use { readLimited(it) } ?: ByteArray(0)
            return HttpResponse(status.toUShort(), body)
        } catch (e: SocketTimeoutException) {
            throw DuetException.Transport("E_TRANSPORT_TIMEOUT", e.javaClass.simpleName)
        } catch (e: SSLException) {
            throw DuetException.Transport("E_TRANSPORT_TLS", e.javaClass.simpleName)
        } catch (e: UnknownHostException) {
            throw DuetException.Transport("E_TRANSPORT_UNREACHABLE", e.javaClass.simpleName)
        } catch (e: IOException) {
            throw DuetException.Transport("E_TRANSPORT_UNREACHABLE", e.javaClass.simpleName)
        } finally {
            conn.disconnect()
        }
    }

    private fun readLimited(input: InputStream): ByteArray {
        val bytes = readAtMost(input, MAX_BODY)
        if (bytes.size > MAX_BODY) throw DuetException.Transport("E_TRANSPORT_TOO_LARGE", "response over 1 MiB")
        return bytes
    }

    private companion object {
        const val MAX_BODY = 1 shl 20
    }
}
