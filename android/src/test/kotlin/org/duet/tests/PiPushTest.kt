package org.duet.tests

import java.net.URLDecoder
import java.security.KeyFactory
import java.security.KeyPair
import java.security.KeyPairGenerator
import java.security.PublicKey
import java.security.Signature
import java.security.spec.X509EncodedKeySpec
import java.time.Instant
import java.util.Base64
import org.duet.core.DeviceSigner
import org.duet.core.DuetException
import org.duet.core.AddResult
import org.duet.core.AnswerOutcome
import org.duet.core.DuetApp
import org.duet.core.HttpMethod
import org.duet.core.HttpRequest
import org.duet.core.HttpResponse
import org.duet.core.HttpTransport
import org.duet.core.NumberMatching
import org.duet.core.PiPushEnrollment
import org.duet.core.PushAnswer
import org.duet.core.PushProtocol
import org.duet.core.SignerAlgorithm
import org.duet.core.isPipushUri
import org.duet.android.code
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** RFC 4648 Base32, upper case and padded: how privacyIDEA (Python's b32encode) sends signatures. */
object B32 {
    private const val A = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    fun encode(b: ByteArray): String {
        val out = StringBuilder()
        var buf = 0; var bits = 0
        for (x in b) {
            buf = (buf shl 8) or (x.toInt() and 0xff); bits += 8
            while (bits >= 5) { out.append(A[(buf shr (bits - 5)) and 31]); bits -= 5 }
        }
        if (bits > 0) out.append(A[(buf shl (5 - bits)) and 31])
        while (out.length % 8 != 0) out.append('=')
        return out.toString()
    }
    fun decode(s: String): ByteArray {
        val out = java.io.ByteArrayOutputStream()
        var buf = 0; var bits = 0
        for (c in s.trimEnd('=')) {
            buf = (buf shl 5) or A.indexOf(c).also { require(it >= 0) }; bits += 5
            if (bits >= 8) { out.write((buf shr (bits - 8)) and 0xff); bits -= 8 }
        }
        return out.toByteArray()
    }
}

/**
 * A privacyIDEA server's /ttype/push endpoint written in Kotlin from privacyIDEA's
 * lib/tokens/pushtoken.py message formats, with its own RSA key: the peer the core must
 * interoperate with, and the app's HTTP transport at the same time.
 */
class KotlinPrivacyIdea(val serial: String = "PIPU0001A2B3", val credential: String = "d41d8cd98f00b204") : HttpTransport {
    val url = "https://pi.example.com/ttype/push"
    private val server: KeyPair = KeyPairGenerator.getInstance("RSA").apply { initialize(2048) }.generateKeyPair()
    var device: PublicKey? = null
    val challenges = mutableListOf<Map<String, String>>()
    val answers = mutableListOf<Map<String, String>>()
    var requests = 0
    var now = 0L

    fun qr(sslverify: Int = 1) = "otpauth://pipush/$serial?url=https%3A//pi.example.com/ttype/push&ttl=10" +
        "&issuer=privacyIDEA&enrollment_credential=$credential&v=1&serial=$serial&sslverify=$sslverify&poll_only=True"

    private fun sign(key: java.security.PrivateKey, msg: String) =
        B32.encode(Signature.getInstance("SHA256withRSA").run { initSign(key); update(msg.toByteArray()); sign() })

    private fun verify(msg: String, sig: String) =
        Signature.getInstance("SHA256withRSA").run { initVerify(device); update(msg.toByteArray()); verify(B32.decode(sig)) }

    /** Adds a challenge signed like pushtoken.py: nonce|url|serial|question|title|sslverify[|presence]. */
    fun challenge(nonce: String, presence: String? = null, forged: Boolean = false) {
        val fields = mutableMapOf("nonce" to nonce, "url" to url, "serial" to serial, "question" to "Sign in to VPN?",
            "title" to "privacyIDEA", "sslverify" to "1")
        var msg = listOf(nonce, url, serial, "Sign in to VPN?", "privacyIDEA", "1").joinToString("|")
        if (presence != null) { fields["require_presence"] = presence; msg += "|$presence" }
        val key = if (forged) KeyPairGenerator.getInstance("RSA").apply { initialize(2048) }.generateKeyPair().private else server.private
        fields["signature"] = sign(key, msg)
        challenges.add(fields)
    }

    // PKCS#1 RSAPublicKey inside the SPKI DER: SEQUENCE { AlgorithmIdentifier, BIT STRING { 0, pkcs1 } }.
    private fun pkcs1(spki: ByteArray): ByteArray {
        var i = 0
        fun len(): Int { val b = spki[i++].toInt() and 0xff; if (b < 0x80) return b
            var n = 0; repeat(b and 0x7f) { n = (n shl 8) or (spki[i++].toInt() and 0xff) }; return n }
        check(spki[i++] == 0x30.toByte()); len()
        check(spki[i++] == 0x30.toByte()); val algLen = len(); i += algLen
        check(spki[i++] == 0x03.toByte()); val n = len(); check(spki[i++] == 0.toByte())
        return spki.copyOfRange(i, i + n - 1)
    }

    private fun form(s: String) = s.split("&").filter { it.isNotEmpty() }.associate {
        val (k, v) = it.split("=", limit = 2); URLDecoder.decode(k, "UTF-8") to URLDecoder.decode(v, "UTF-8")
    }

    private fun ok(value: String, detail: String = "{}") =
        HttpResponse(200u, """{"result":{"status":true,"value":$value},"detail":$detail}""".toByteArray())
    private fun fail(message: String) =
        HttpResponse(400u, """{"result":{"status":false,"error":{"code":10,"message":"$message"}}}""".toByteArray())
    private fun q(s: String) = "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""

    // A bug in this peer shows up as E_TRANSPORT_FAILED in the core; print it for the log.
    override fun send(request: HttpRequest): HttpResponse =
        try { serve(request) } catch (e: Exception) { System.err.println("KotlinPrivacyIdea: $e"); e.printStackTrace(); throw e }

    private fun serve(request: HttpRequest): HttpResponse {
        requests++
        check(request.verifyTls) { "TLS checks must stay on" }
        check(request.timeoutMs in 1000uL..60000uL)
        return when (request.method) {
            HttpMethod.POST -> {
                check(request.url == url) { request.url }
                check(request.contentType == "application/x-www-form-urlencoded")
                val f = form(String(request.body))
                if ("enrollment_credential" in f) {
                    if (f["enrollment_credential"] != credential || f["serial"] != serial) return fail("invalid enrollment")
                    device = KeyFactory.getInstance("RSA").generatePublic(X509EncodedKeySpec(Base64.getUrlDecoder().decode(f["pubkey"])))
                    val pk = Base64.getEncoder().encodeToString(pkcs1(server.public.encoded))
                    ok("true", """{"public_key":${q(pk)},"rollout_state":"enrolled","serial":${q(serial)}}""")
                } else {
                    var msg = "${f["nonce"]}|${f["serial"]}"
                    if (f["decline"] == "1") msg += "|decline"
                    f["presence_answer"]?.let { msg += "|$it" }
                    if (!verify(msg, f["signature"]!!)) return fail("Could not verify signature!")
                    answers.add(f)
                    ok("true")
                }
            }
            HttpMethod.GET -> {
                val (base, query) = request.url.split("?", limit = 2)
                check(base == url)
                val f = form(query)
                val ts = Instant.parse(f["timestamp"]).epochSecond
                if (kotlin.math.abs(ts - now) > 60) return fail("Timestamp ${f["timestamp"]} not in valid range.")
                if (f["serial"] != serial || !verify("${f["serial"]}|${f["timestamp"]}", f["signature"]!!)) return fail("Could not verify signature!")
                ok(challenges.joinToString(",", "[", "]") { c -> c.entries.joinToString(",", "{", "}") { "${q(it.key)}:${q(it.value)}" } })
            }
        }
    }
}

class PiPushTest {
    private val t0 = 1_790_000_000L

    @Test
    fun enrollmentQrCodeIsReadLikePrivacyIdeaWritesIt() {
        val pi = KotlinPrivacyIdea()
        assertTrue(isPipushUri(pi.qr()))
        assertFalse(isPipushUri("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"))
        PiPushEnrollment.parse(pi.qr()).use { e ->
            assertEquals(pi.serial, e.serial())
            assertEquals(pi.serial, e.label())
            assertEquals("privacyIDEA", e.issuer())
            assertEquals(pi.url, e.url())
            assertEquals(10u, e.ttlMinutes())
            assertTrue(e.sslverify())
            assertTrue(e.pollOnly())
            assertNull(e.tlsWarning())
        }
        PiPushEnrollment.parse(pi.qr(sslverify = 0)).use { e ->
            assertFalse(e.sslverify())
            assertTrue(e.tlsWarning()!!.contains("pi.example.com"))
        }
    }

    /** The app's HTTP stack in front of the peer, so a test can break it. */
    private class Switch(var inner: HttpTransport) : HttpTransport {
        override fun send(request: HttpRequest): HttpResponse = inner.send(request)
    }

    private fun withApp(pi: KotlinPrivacyIdea, keystore: JcaKeystore?, block: (DuetApp, MutableClock, Switch) -> Unit) =
        TempVault().use { tv ->
            val clock = MutableClock(t0)
            val net = Switch(pi)
            tv.create(services(clock, net, keystore)).use { block(it, clock, net) }
        }

    @Test
    fun garbageEnrollmentLinksGiveTypedPushErrors() {
        fun code(text: String) = assertThrows(DuetException.Push::class.java) { PiPushEnrollment.parse(text) }.code
        assertEquals("E_PIPUSH_URI", code("garbage"))
        assertEquals("E_PIPUSH_URI", code("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"))
        assertEquals("E_PIPUSH_URI_MISSING", code("otpauth://pipush/X?serial=PIPU1&v=1&enrollment_credential=a&sslverify=1&ttl=10"))
        assertEquals("E_PIPUSH_VERSION", code(KotlinPrivacyIdea().qr().replace("&v=1", "&v=2")))
        // A plain-http server is refused before any key is made or anything sent.
        val pi = KotlinPrivacyIdea()
        val keystore = JcaKeystore()
        withApp(pi, keystore) { app, _, _ ->
            val err = assertThrows(DuetException.Transport::class.java) { app.addScanned(pi.qr().replace("https%3A//pi", "http%3A//pi")) }
            assertEquals("E_TRANSPORT_INSECURE_HTTP", err.code)
            assertTrue(app.pushAccounts().isEmpty())
        }
        assertEquals(0, pi.requests)
        assertTrue(keystore.keys.isEmpty())
    }

    @Test
    fun keystoreRsaKeyEnrollsPollsApprovesAndDeclines() {
        val pi = KotlinPrivacyIdea()
        val keystore = JcaKeystore()
        withApp(pi, keystore) { app, clock, _ ->
            val added = app.addScanned(pi.qr()) as AddResult.Push
            assertEquals("privacyIDEA: ${pi.serial}", added.label)
            val key = keystore.keys.values.single() as JcaRsaSigner
            assertEquals(key.pair.public, pi.device)
            val account = app.pushAccounts().single()
            assertEquals(PushProtocol.PRIVACY_IDEA, account.protocol)
            assertEquals(pi.serial, account.accountId)
            assertTrue(account.platformKey)

            clock.now = t0 + 10; pi.now = clock.now
            pi.challenge("nonce-approve-0001")
            pi.challenge("nonce-forged-00002", forged = true)
            val polled = app.poll()
            assertEquals(listOf("E_PIPUSH_SIGNATURE"), polled.notices.map { it.code })
            val p = polled.requests.single()
            assertEquals(PushProtocol.PRIVACY_IDEA, p.protocol)
            assertEquals("nonce-approve-0001", p.requestId)
            // Title and question are signed as one unit, so they are shown as one text.
            assertEquals(null, p.title)
            assertEquals("privacyIDEA: Sign in to VPN?", p.message)
            assertEquals(NumberMatching.None, p.matching)
            // Two steps: the bytes privacyIDEA verifies, signed inside the prompt.
            val toSign = app.prepareAnswer(p.requestId, PushAnswer.Approve(null))
            assertEquals(SignerAlgorithm.RSA_PKCS1_SHA256, toSign.algorithm)
            assertEquals("nonce-approve-0001|${pi.serial}", String(toSign.message))
            assertEquals(AnswerOutcome.ACCEPTED, app.submitAnswer(p.requestId, keystore.signInPrompt(toSign.keyHandle!!, toSign.message)))
            assertEquals("nonce-approve-0001", pi.answers.single()["nonce"])
            assertNull(pi.answers.single()["decline"])
            // Answered once: gone here, and the next poll refuses it.
            assertEquals("E_APP_REQUEST_NOT_WAITING", assertThrows(DuetException.App::class.java) {
                app.prepareAnswer(p.requestId, PushAnswer.Approve(null))
            }.code)
            pi.challenges.removeAt(1)
            val second = app.poll()
            assertTrue(second.requests.isEmpty())
            assertEquals(listOf("E_PIPUSH_ALREADY_ANSWERED"), second.notices.map { it.code })

            // Presence mode: pick the answer shown on the sign-in screen.
            pi.challenges.clear()
            pi.challenge("nonce-presence-003", presence = "AB,CD,EF")
            val pres = app.poll().requests.single()
            assertEquals(NumberMatching.Pick(listOf("AB", "CD", "EF")), pres.matching)
            assertEquals("E_PIPUSH_PRESENCE_REQUIRED",
                assertThrows(DuetException.Push::class.java) { app.prepareAnswer(pres.requestId, PushAnswer.Approve(null)) }.code)
            assertEquals("E_PIPUSH_PRESENCE_ANSWER",
                assertThrows(DuetException.Push::class.java) { app.prepareAnswer(pres.requestId, PushAnswer.Approve("XY")) }.code)
            assertEquals(AnswerOutcome.ACCEPTED, app.answer(pres.requestId, PushAnswer.Approve("CD")))
            assertEquals("CD", pi.answers.last()["presence_answer"])

            // Decline ("this was not me"): the server sees decline=1 signed over nonce|serial|decline.
            pi.challenges.clear()
            pi.challenge("nonce-decline-0004")
            val dec = app.poll().requests.single()
            assertEquals(AnswerOutcome.ACCEPTED, app.answer(dec.requestId, PushAnswer.DenyNotMe))
            assertEquals("1", pi.answers.last()["decline"])
            assertEquals(3, pi.answers.size)
        }
    }

    @Test
    fun softwareKeyEnrollmentSignsInTheCore() {
        val pi = KotlinPrivacyIdea()
        withApp(pi, null) { app, clock, _ ->
            app.addScanned(pi.qr())
            assertEquals(4096, (pi.device as java.security.interfaces.RSAPublicKey).modulus.bitLength(), "RSA-4096 like privacyIDEA's app")
            assertFalse(app.pushAccounts().single().platformKey)
            pi.now = clock.now
            pi.challenge("nonce-software-001")
            val req = app.poll().requests.single()
            assertNull(app.prepareAnswer(req.requestId, PushAnswer.DenyMistake).keyHandle)
            assertEquals(AnswerOutcome.ACCEPTED, app.answer(req.requestId, PushAnswer.DenyMistake))
            assertEquals("1", pi.answers.single()["decline"])
        }
    }

    @Test
    fun clockAndTransportFailuresAreTyped() {
        val pi = KotlinPrivacyIdea()
        withApp(pi, JcaKeystore()) { app, clock, net ->
            app.addScanned(pi.qr())
            pi.now = t0
            // The server refuses a poll stamped 10 minutes off: the user is told to fix the clock.
            clock.now = t0 + 600
            assertEquals("E_PIPUSH_CLOCK", app.poll().failures.single().error.code())
            clock.now = t0
            // The app's HTTP stack failing: typed transport errors with the core's own sentence.
            net.inner = object : HttpTransport {
                override fun send(request: HttpRequest): HttpResponse = throw DuetException.Transport("E_TRANSPORT_TIMEOUT", "okhttp timeout")
            }
            val t = app.poll().failures.single().error
            assertEquals("E_TRANSPORT_TIMEOUT", t.code())
            assertTrue(t.message!!.contains("pi.example.com"), t.message)
            net.inner = object : HttpTransport {
                override fun send(request: HttpRequest): HttpResponse = throw IllegalStateException("socket closed")
            }
            assertEquals("E_TRANSPORT_FAILED", app.poll().failures.single().error.code())
            net.inner = object : HttpTransport {
                override fun send(request: HttpRequest) = HttpResponse(502u, "<html>bad gateway</html>".toByteArray())
            }
            assertEquals("E_PIPUSH_SERVER", app.poll().failures.single().error.code())
            net.inner = pi
            assertTrue(app.poll().failures.isEmpty())
        }
    }
}
