package org.duet.tests

import org.duet.android.JcaDeviceSigner
import org.duet.android.code
import org.duet.core.AddResult
import org.duet.core.AnswerOutcome
import org.duet.core.DuetApp
import org.duet.core.DuetException
import org.duet.core.EnrollmentLink
import org.duet.core.HttpMethod
import org.duet.core.HttpRequest
import org.duet.core.HttpResponse
import org.duet.core.HttpTransport
import org.duet.core.KeyPurpose
import org.duet.core.ManualCode
import org.duet.core.NumberMatching
import org.duet.core.PushAnswer
import org.duet.core.PushProtocol
import org.duet.core.PushProvider
import org.duet.core.SignerAlgorithm
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * duet push through the application layer against the reference server: enrollment by link and
 * by manual code, polling, the two-step answer signed "inside the prompt", answered-elsewhere and
 * expiry, push tokens, key rotation, unenrollment, and typed failures.
 */
class PushTest {
    private val t0 = 1_790_000_000L
    private val server = TestServerProcess()
    private val clock = MutableClock(t0)
    private val http = HelperTransport(server, clock)
    private val keystore = JcaKeystore()
    private val vaults = mutableListOf<TempVault>()

    @AfterEach
    fun stop() {
        server.close()
        vaults.forEach { it.close() }
    }

    private fun newApp(store: JcaKeystore? = keystore, transport: HttpTransport = http): DuetApp =
        TempVault().also { vaults += it }.create(services(clock, transport, store))

    /** Enrolls `user` from a QR link at t0 + 5. */
    private fun enroll(app: DuetApp, user: String = "alice"): String {
        val link = server.cmd("enroll", user, "$t0")[0]
        clock.now = t0 + 5
        val added = app.addScanned(link)
        assertTrue(added is AddResult.Push, "$added")
        return (added as AddResult.Push).id
    }

    /** Prepares, signs as the app does inside BiometricPrompt, submits. */
    private fun approveInPrompt(app: DuetApp, requestId: String, answer: PushAnswer): AnswerOutcome {
        val toSign = app.prepareAnswer(requestId, answer)
        assertEquals(SignerAlgorithm.ECDSA_P256_SHA256, toSign.algorithm)
        val handle = toSign.keyHandle ?: error("the key is in the keystore")
        return app.submitAnswer(requestId, keystore.signInPrompt(handle, toSign.message))
    }

    private fun status(cid: String) = server.cmd("status", cid, "${clock.now}")[0]

    @Test
    fun keystoreKeyApprovesWithNumberMatchingInTwoSteps() {
        newApp().use { app ->
            val id = enroll(app)
            val accounts = app.pushAccounts()
            assertEquals(listOf(id), accounts.map { it.id })
            assertEquals("Example Corp: alice", accounts[0].label)
            assertEquals(PushProtocol.DUET, accounts[0].protocol)
            assertTrue(accounts[0].platformKey)
            // The registration went out as a JSON POST with a time limit and TLS checking on.
            val reg = http.seen.last()
            assertEquals(HttpMethod.POST, reg.method)
            assertEquals("https://mfa.example.com/duet/v1/register", reg.url)
            assertTrue(reg.verifyTls && reg.timeoutMs > 0u, "$reg")
            // The enrollment also stored the offline passcode account.
            assertEquals(1, app.codes().entries.size)

            val (cid, number) = server.cmd("signin", "alice", "VPN", "type2", "${t0 + 10}")
            clock.now = t0 + 12
            val polled = app.poll()
            assertTrue(polled.failures.isEmpty(), "${polled.failures}")
            val p = polled.requests.single()
            assertEquals(cid, p.requestId)
            assertEquals("VPN", p.service)
            assertEquals("alice", p.user)
            assertEquals(NumberMatching.TypeShown(2u), p.matching)
            assertEquals(-2L, polled.clockOffsetSecs)

            // A wrong-length number never leaves the phone; nothing is recorded.
            assertEquals("E_PUSH_NUMBER_INVALID", assertThrows(DuetException.Push::class.java) {
                app.prepareAnswer(cid, PushAnswer.Approve("123"))
            }.code)
            // A prompt cancelled after step one leaves the request answerable.
            app.prepareAnswer(cid, PushAnswer.Approve(number))
            // A signature by another key is refused before anything is recorded or sent.
            val toSign = app.prepareAnswer(cid, PushAnswer.Approve(number))
            val stranger = JcaDeviceSigner.software().sign(toSign.message)
            val sent = http.seen.size
            assertEquals("E_PUSH_SIGNER_FAILED", assertThrows(DuetException.Push::class.java) { app.submitAnswer(cid, stranger) }.code)
            assertEquals(sent, http.seen.size)
            assertEquals("E_APP_NOT_PREPARED", assertThrows(DuetException.App::class.java) { app.submitAnswer(cid, stranger) }.code)

            clock.now = t0 + 15
            assertEquals(AnswerOutcome.ACCEPTED, approveInPrompt(app, cid, PushAnswer.Approve(number)))
            assertEquals("approved", status(cid))
            // Answered once: the request is gone here, and a new poll does not show it again.
            assertEquals("E_APP_REQUEST_NOT_WAITING", assertThrows(DuetException.App::class.java) {
                app.prepareAnswer(cid, PushAnswer.Approve(number))
            }.code)
            assertTrue(app.poll().requests.isEmpty())
        }
    }

    @Test
    fun aWrongNumberIsTheAnswersOutcome() {
        newApp().use { app ->
            enroll(app)
            val (cid, number) = server.cmd("signin", "alice", "VPN", "type2", "${t0 + 10}")
            clock.now = t0 + 11
            app.poll()
            val wrong = if (number == "99") "10" else "${number.toInt() + 1}"
            // The server's refusal arrives as the typed outcome, without another poll.
            val polls = http.seen.count { it.url.endsWith("/poll") }
            assertEquals(AnswerOutcome.WRONG_NUMBER, approveInPrompt(app, cid, PushAnswer.Approve(wrong)))
            assertEquals(polls, http.seen.count { it.url.endsWith("/poll") })
            assertEquals("failed", status(cid))
        }
    }

    @Test
    fun fraudReportWithPickAndUnenroll() {
        newApp().use { app ->
            val id = enroll(app)
            val (cid, _) = server.cmd("signin", "alice", "Mail", "pick3", "${t0 + 20}")
            clock.now = t0 + 21
            val req = app.poll().requests.single()
            val m = req.matching
            assertTrue(m is NumberMatching.Pick && m.choices.size == 3, "$m")
            // One step: the keystore's synchronous signer.
            assertEquals(AnswerOutcome.ACCEPTED, app.answer(cid, PushAnswer.DenyNotMe))
            assertEquals("denied", status(cid))
            clock.now = t0 + 30
            app.unenroll(id)
            assertTrue(app.pushAccounts().isEmpty())
        }
    }

    @Test
    fun secondDeviceIsToldItWasAnsweredElsewhere() {
        newApp().use { phone ->
            newApp(JcaKeystore()).use { tablet ->
                enroll(phone)
                enroll(tablet)
                val (cid, _) = server.cmd("signin", "alice", "VPN", "none", "${t0 + 10}")
                clock.now = t0 + 11
                assertEquals(cid, phone.poll().requests.single().requestId)
                assertEquals(cid, tablet.poll().requests.single().requestId)
                assertEquals(AnswerOutcome.ACCEPTED, phone.answer(cid, PushAnswer.Approve(null)))
                assertEquals(AnswerOutcome.ANSWERED_ELSEWHERE, tablet.answer(cid, PushAnswer.DenyNotMe))
                assertEquals("approved", status(cid))
                // The next poll tells the tablet how the request was closed.
                clock.now = t0 + 12
                val closed = tablet.poll().closed
                assertTrue(closed.any { it.requestId == cid }, "$closed")
            }
        }
    }

    @Test
    fun expiredRequestsAreRefusedOnThePhone() {
        newApp().use { app ->
            enroll(app)
            val (cid, _) = server.cmd("signin", "alice", "VPN", "none", "${t0 + 10}")
            clock.now = t0 + 11
            app.poll()
            clock.now = t0 + 3600
            assertEquals("E_PUSH_EXPIRED", assertThrows(DuetException.Push::class.java) { app.answer(cid, PushAnswer.Approve(null)) }.code)
        }
    }

    @Test
    fun manualCodeShowsTheFingerprintThenEnrolls() {
        newApp().use { app ->
            val (link, host, value) = server.cmd("enrollcode", "bob", "$t0")
            val fromQr = EnrollmentLink.parse(link, FixedClock(t0 + 1))
            ManualCode.parse("$host ${value.lowercase()}").use { code ->
                assertEquals("$host $value", code.display())
                clock.now = t0 + 3
                app.lookupManualCode(code).use { l ->
                    assertEquals(HttpMethod.GET, http.seen.last().method)
                    assertEquals("https://mfa.example.com/duet/v1/enrollment/" + value.replace("-", "").take(12), http.seen.last().url)
                    assertTrue(l.viaManualCode())
                    assertEquals("bob", l.user())
                    // What the user compares with the helpdesk page before enrolling.
                    assertEquals(fromQr.serverKeyFingerprint(), l.serverKeyFingerprint())
                    val added = app.enroll(l) as AddResult.Push
                    assertEquals("Example Corp: bob", added.label)
                }
            }
            fromQr.close()
            val (cid, _) = server.cmd("signin", "bob", "VPN", "none", "${t0 + 10}")
            clock.now = t0 + 11
            app.poll()
            assertEquals(AnswerOutcome.ACCEPTED, approveInPrompt(app, cid, PushAnswer.Approve(null)))
            assertEquals("approved", status(cid))
        }
        // Luhn mod 32 over Crockford Base32 catches every single mistyped character.
        val (_, host, value) = server.cmd("enrollcode", "carol", "$t0")
        val alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
        val chars = value.replace("-", "")
        for (i in chars.indices) {
            val wrong = alphabet[(alphabet.indexOf(chars[i]) + 1 + i) % 32]
            val typo = chars.substring(0, i) + wrong + chars.substring(i + 1)
            assertEquals("E_PUSH_CODE_CHECK", assertThrows(DuetException.Push::class.java, { ManualCode.parse("$host $typo") }, typo).code)
        }
        for (bad in listOf("", value, host, "$host ${chars.dropLast(1)}", "$host ${chars}U", "$host ${"A".repeat(300)}")) {
            assertEquals("E_PUSH_CODE_FORMAT", assertThrows(DuetException.Push::class.java, { ManualCode.parse(bad) }, bad).code, bad)
        }
    }

    @Test
    fun pushTokensReachTheServer() {
        newApp().use { app ->
            enroll(app)
            val aid = app.pushAccounts().single().accountId
            val fcm = "fcm-token:APA91b" + "x".repeat(140)
            clock.now = t0 + 10
            assertTrue(app.registerPushToken(PushProvider.FCM, fcm).isEmpty())
            assertEquals(listOf("fcm", fcm), server.cmd("pushtoken", aid))
            val apns = "7f1c0a9e3b5d".repeat(5) + "abcd"
            assertTrue(app.registerPushToken(PushProvider.APNS, apns).isEmpty())
            assertEquals(listOf("apns", apns), server.cmd("pushtoken", aid))
            // Tokens that are empty, overlong or not printable never leave the phone.
            for (bad in listOf("", "x".repeat(5000), "line\nbreak")) {
                val failed = app.registerPushToken(PushProvider.FCM, bad).single()
                assertEquals("E_PUSH_MALFORMED", failed.error.code(), bad.take(20))
            }
            assertEquals(listOf("apns", apns), server.cmd("pushtoken", aid))
        }
    }

    @Test
    fun rotatedDeviceKeyIsWhatTheServerVerifies() {
        newApp().use { app ->
            val id = enroll(app)
            val aid = app.pushAccounts().single().accountId
            val before = server.cmd("devicekey", aid)[1]
            clock.now = t0 + 10
            app.rotateDeviceKey(id)
            val after = server.cmd("devicekey", aid)[1]
            assertFalse(before == after)
            // Enrollment made the device key (1) and the answer key (2); the new device key is the
            // third, and the answer key, which a device key cannot replace, still approves.
            assertEquals(listOf(KeyPurpose.DEVICE_CALLS, KeyPurpose.ANSWERS, KeyPurpose.DEVICE_CALLS),
                listOf("duet-key-1", "duet-key-2", "duet-key-3").map { keystore.purposes.getValue(it) })
            assertArrayEquals(lastPoint(keystore.keys.getValue("duet-key-3").publicKey()), lastPoint(after.fromHex()))
            val answerKey = server.cmd("answerkey", aid)[0]
            assertArrayEquals(lastPoint(keystore.keys.getValue("duet-key-2").publicKey()), lastPoint(answerKey.fromHex()))
            val (cid, _) = server.cmd("signin", "alice", "VPN", "none", "${t0 + 20}")
            clock.now = t0 + 21
            app.poll()
            val toSign = app.prepareAnswer(cid, PushAnswer.Approve(null))
            assertArrayEquals("duet-key-2".toByteArray(), toSign.keyHandle)
            // The rotated device key's signature is not an answer.
            assertEquals("E_PUSH_SIGNER_FAILED", assertThrows(DuetException.Push::class.java) {
                app.submitAnswer(cid, keystore.signInPrompt("duet-key-3".toByteArray(), toSign.message))
            }.code)
            val again = app.prepareAnswer(cid, PushAnswer.Approve(null))
            assertEquals(AnswerOutcome.ACCEPTED, app.submitAnswer(cid, keystore.signInPrompt(again.keyHandle!!, again.message)))
        }
    }

    @Test
    fun accountsAndAnswersSurviveReopen() {
        val tv = TempVault().also { vaults += it }
        val id = tv.create(services(clock, http, keystore)).use { enroll(it) }
        val (cid, _) = server.cmd("signin", "alice", "VPN", "none", "${t0 + 10}")
        clock.now = t0 + 11
        tv.open(services(clock, http, keystore)).use { app ->
            assertEquals(listOf(id), app.pushAccounts().map { it.id })
            assertEquals(cid, app.poll().requests.single().requestId)
            assertEquals(AnswerOutcome.ACCEPTED, app.answer(cid, PushAnswer.Approve(null)))
        }
        // The answered id is remembered in the vault: after a restart the request is not shown.
        clock.now = t0 + 12
        tv.open(services(clock, http, keystore)).use { app -> assertTrue(app.poll().requests.isEmpty()) }
    }

    @Test
    fun softwareKeysWithoutAKeystore() {
        newApp(store = null).use { app ->
            enroll(app)
            assertFalse(app.pushAccounts().single().platformKey)
            val (cid, _) = server.cmd("signin", "alice", "VPN", "none", "${t0 + 10}")
            clock.now = t0 + 11
            app.poll()
            assertNull(app.prepareAnswer(cid, PushAnswer.Approve(null)).keyHandle)
            assertEquals(AnswerOutcome.ACCEPTED, app.answer(cid, PushAnswer.Approve(null)))
        }
    }

    @Test
    fun failuresAreTypedPerAccount() {
        newApp().use { app ->
            enroll(app)
            for (bad in listOf("", "garbage", "mailto:x")) {
                assertEquals("E_APP_UNKNOWN_TEXT", assertThrows(DuetException.App::class.java) { app.addScanned(bad) }.code)
            }
            for (bad in listOf("duet://enroll?v=1", "duet://enroll?v=9&url=x", "https://evil.example/duet")) {
                assertTrue(assertThrows(DuetException.Push::class.java) { app.addScanned(bad) }.code.startsWith("E_PUSH_"))
            }
            clock.now = t0 + 10
            // The app's HTTP stack failing: each account's failure is reported, typed.
            http.fail = { throw DuetException.Transport("E_TRANSPORT_UNREACHABLE", "no route") }
            assertEquals("E_TRANSPORT_UNREACHABLE", app.poll().failures.single().error.code())
            http.fail = { throw IllegalStateException("okhttp exploded") }
            assertEquals("E_TRANSPORT_FAILED", app.poll().failures.single().error.code())
            http.fail = null
            // The keystore refusing (key invalidated by a new fingerprint): the signer's code.
            keystore.refuse = "E_PUSH_SIGNER_UNAVAILABLE"
            assertEquals("E_PUSH_SIGNER_UNAVAILABLE", app.poll().failures.single().error.code())
            keystore.refuse = null
            assertTrue(app.poll().failures.isEmpty())
        }
        // A server error page that is not JSON: E_PUSH_SERVER naming the HTTP status.
        val badGateway = object : HttpTransport {
            override fun send(request: HttpRequest) = HttpResponse(502u, "<html>bad gateway</html>".toByteArray())
        }
        newApp(transport = badGateway).use { app ->
            val link = server.cmd("enroll", "dave", "$t0")[0]
            clock.now = t0 + 5
            val e = assertThrows(DuetException.Push::class.java) { app.addScanned(link) }
            assertEquals("E_PUSH_SERVER", e.code)
            assertTrue(e.reason.contains("502"), e.reason)
            assertTrue(app.pushAccounts().isEmpty())
        }
    }

    private fun lastPoint(k: ByteArray) = k.copyOfRange(k.size - 65, k.size)
}
