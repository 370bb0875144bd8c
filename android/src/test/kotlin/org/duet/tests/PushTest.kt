package org.duet.tests

import java.io.BufferedReader
import java.io.BufferedWriter
import java.util.concurrent.TimeUnit
import org.duet.android.JcaDeviceSigner
import org.duet.core.AnsweredRequests
import org.duet.core.DeviceInfo
import org.duet.core.DeviceSigner
import org.duet.android.code
import org.duet.core.DuetException
import org.duet.core.EnrollmentLink
import org.duet.core.NumberMatching
import org.duet.core.PushAccount
import org.duet.core.PushAnswer
import org.duet.core.PushCall
import org.duet.core.SignerAlgorithm
import org.duet.core.pushAnswer
import org.duet.core.pushParsePoll
import org.duet.core.pushPoll
import org.duet.core.pushUnenroll
import org.duet.core.pushVerifyRequest
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The Rust test server (tests/src/bin/duet-test-helper.rs): the core's verifier, over stdin/stdout. */
class TestServerProcess : AutoCloseable {
    private val process = ProcessBuilder(System.getenv("DUET_TEST_HELPER") ?: error("DUET_TEST_HELPER not set"))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start()
    private val input: BufferedWriter = process.outputStream.bufferedWriter()
    private val output: BufferedReader = process.inputStream.bufferedReader()

    fun cmd(vararg words: String): List<String> {
        input.write(words.joinToString(" ") + "\n")
        input.flush()
        val line = output.readLine() ?: error("test server exited")
        check(line.startsWith("ok")) { "test server: $line" }
        return line.split(" ").drop(1)
    }

    /** Sends a PushCall as the app's HTTP stack would; returns (status, body). */
    fun send(call: PushCall, now: Long): Pair<Int, ByteArray> {
        val base = "https://mfa.example.com"
        check(call.url.startsWith("$base/duet/v1/")) { call.url }
        val body = if (call.body.isEmpty()) "-" else call.body.toHex()
        val r = cmd("http", "POST", call.url.removePrefix(base), body, now.toString())
        return r[0].toInt() to (if (r[1] == "-") ByteArray(0) else r[1].fromHex())
    }

    override fun close() {
        runCatching { input.write("quit\n"); input.flush() }
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly()
    }
}

fun ByteArray.toHex(): String = joinToString("") { "%02x".format(it) }
fun String.fromHex(): ByteArray = chunked(2).map { it.toInt(16).toByte() }.toByteArray()

class PushTest {
    private val t0 = 1_790_000_000L
    private val server = TestServerProcess()
    private val device = DeviceInfo("Kotlin test phone", "android", "software")

    @AfterEach
    fun stop() = server.close()

    private fun enroll(signer: DeviceSigner): PushAccount {
        val link = server.cmd("enroll", "alice", "$t0")[0]
        EnrollmentLink.parse(link, FixedClock(t0 + 5)).use { l ->
            assertEquals("Example Corp", l.issuer())
            assertEquals("alice", l.user())
            assertEquals("https://mfa.example.com", l.url())
            assertTrue(l.expiresAt() > t0)
            val call = l.registration(signer, device, FixedClock(t0 + 5))
            assertEquals("https://mfa.example.com/duet/v1/register", call.url)
            val (status, body) = server.send(call, t0 + 5)
            assertEquals(200, status, String(body))
            val reg = l.finishRegistration(signer, body, FixedClock(t0 + 6))
            assertEquals("alice", reg.account.user)
            assertEquals("ES256", reg.account.deviceAlg)
            return reg.account
        }
    }

    private fun poll(account: PushAccount, signer: DeviceSigner, answered: AnsweredRequests, now: Long) =
        server.send(pushPoll(account, signer, FixedClock(now)), now).let { (status, body) ->
            assertEquals(200, status, String(body))
            pushParsePoll(account, body, FixedClock(now), answered)
        }

    @Test
    fun kotlinSignerApprovesRealRequestWithNumberMatching() {
        val signer = JcaDeviceSigner.software()
        val account = enroll(signer)
        AnsweredRequests().use { answered ->
            val (cid, number) = server.cmd("signin", "alice", "VPN", "type2", "${t0 + 10}")
            val polled = poll(account, signer, answered, t0 + 12)
            assertEquals(1, polled.requests.size)
            val req = polled.requests[0]
            val p = req.pending()
            assertEquals(cid, p.requestId)
            assertEquals("VPN", p.service)
            assertEquals("alice", p.user)
            assertEquals(NumberMatching.TypeShown(2u), p.matching)
            assertEquals(-2L, req.clockOffsetSecs())
            val call = pushAnswer(account, req, PushAnswer.Approve(number), signer, FixedClock(t0 + 15), answered)
            assertEquals("https://mfa.example.com/duet/v1/answer", call.url)
            val (status, body) = server.send(call, t0 + 15)
            assertEquals(200, status, String(body))
            assertEquals(listOf("approved"), server.cmd("status", cid, "${t0 + 16}"))
            // The same answer is refused by the server, and the phone will not answer again.
            assertNotEquals(200, server.send(call, t0 + 17).first)
            val again = assertThrows(DuetException.Push::class.java) {
                pushAnswer(account, req, PushAnswer.Approve(number), signer, FixedClock(t0 + 18), answered)
            }
            assertTrue(again.code.startsWith("E_PUSH_"), again.code)
            req.close()
        }
    }

    @Test
    fun denyAsFraudAndPick() {
        val signer = JcaDeviceSigner.software()
        val account = enroll(signer)
        AnsweredRequests().use { answered ->
            val (cid, _) = server.cmd("signin", "alice", "Mail", "pick3", "${t0 + 20}")
            val req = poll(account, signer, answered, t0 + 21).requests.single()
            val m = req.pending().matching
            assertTrue(m is NumberMatching.Pick && m.choices.size == 3, "$m")
            val (status, _) = server.send(pushAnswer(account, req, PushAnswer.DenyNotMe, signer, FixedClock(t0 + 22), answered), t0 + 22)
            assertEquals(200, status)
            assertEquals(listOf("denied"), server.cmd("status", cid, "${t0 + 23}"))
            assertEquals(200, server.send(pushUnenroll(account, signer, FixedClock(t0 + 30)), t0 + 30).first)
        }
    }

    @Test
    fun garbageAndForgeriesGiveTypedErrors() {
        val signer = JcaDeviceSigner.software()
        val clock = FixedClock(t0)
        for (bad in listOf("", "garbage", "duet://enroll?v=1", "duet://enroll?v=9&url=x", "https://evil.example/duet")) {
            val e = assertThrows(DuetException.Push::class.java) { EnrollmentLink.parse(bad, clock) }
            assertTrue(e.code.startsWith("E_PUSH_") && e.reason.isNotBlank(), e.code)
        }
        val account = enroll(signer)
        AnsweredRequests().use { answered ->
            for (body in listOf(ByteArray(0), "{}".toByteArray(), ByteArray(300) { it.toByte() })) {
                val e = assertThrows(DuetException.Push::class.java) { pushVerifyRequest(account, body, clock, answered) }
                assertTrue(e.code.startsWith("E_PUSH_"), e.code)
                // A garbage poll response either fails typed or shows nothing; never a crash.
                val shown = try { pushParsePoll(account, body, clock, answered).requests.size } catch (e: DuetException.Push) { 0 }
                assertEquals(0, shown)
            }
            // A request signed by another server key is refused (forgery).
            server.cmd("signin", "alice", "VPN", "none", "${t0 + 10}")
            val (_, pollBody) = server.send(pushPoll(account, signer, FixedClock(t0 + 11)), t0 + 11)
            val forged = account.copy(serverKey = JcaDeviceSigner.software().let { uncompressed(it.publicKey()) })
            val out = pushParsePoll(forged, pollBody, FixedClock(t0 + 11), answered)
            assertTrue(out.requests.isEmpty() && out.rejectedCodes.isNotEmpty(), "${out.rejectedCodes}")
        }
    }

    @Test
    fun signerFailuresKeepTheirCodes() {
        val good = JcaDeviceSigner.software()
        val account = enroll(good)
        fun failing(ex: () -> Nothing) = object : DeviceSigner {
            override fun algorithm() = SignerAlgorithm.ECDSA_P256_SHA256
            override fun publicKey() = good.publicKey()
            override fun sign(message: ByteArray): ByteArray = ex()
        }
        val cancelled = failing { throw DuetException.Callback("E_PUSH_SIGNER_CANCELLED", "user cancelled") }
        assertEquals("E_PUSH_SIGNER_CANCELLED",
            assertThrows(DuetException::class.java) { pushPoll(account, cancelled, FixedClock(t0)) }.code())
        val crashing = failing { throw IllegalStateException("keystore exploded") }
        assertEquals("E_PUSH_SIGNER_FAILED",
            assertThrows(DuetException::class.java) { pushPoll(account, crashing, FixedClock(t0)) }.code())
        val wrongBytes = object : DeviceSigner {
            override fun algorithm() = SignerAlgorithm.ECDSA_P256_SHA256
            override fun publicKey() = good.publicKey()
            override fun sign(message: ByteArray) = ByteArray(64) { 7 }
        }
        // Signature bytes of the right shape but made by no key: the server refuses the call.
        val forged = pushPoll(account, wrongBytes, FixedClock(t0 + 40))
        assertNotEquals(200, server.send(forged, t0 + 40).first)
    }

    /** SPKI DER of a P-256 key -> uncompressed SEC1 point (the last 65 bytes). */
    private fun uncompressed(spki: ByteArray) = spki.copyOfRange(spki.size - 65, spki.size)
}
