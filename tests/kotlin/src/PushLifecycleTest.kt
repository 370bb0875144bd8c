package org.duet.tests

import java.nio.file.Files
import org.duet.android.JcaDeviceSigner
import org.duet.android.code
import org.duet.core.AnsweredRequests
import org.duet.core.DeviceInfo
import org.duet.core.DeviceSigner
import org.duet.core.DuetException
import org.duet.core.DuetVault
import org.duet.core.EnrollmentLink
import org.duet.core.HttpMethod
import org.duet.core.HttpRequest
import org.duet.core.HttpResponse
import org.duet.core.HttpTransport
import org.duet.core.ManualCode
import org.duet.core.PushAccount
import org.duet.core.PushAnswer
import org.duet.core.PushCall
import org.duet.core.PushProvider
import org.duet.core.StoredPushAccount
import org.duet.core.pushAccountWithRotatedKey
import org.duet.core.pushAnswer
import org.duet.core.pushParsePoll
import org.duet.core.pushPoll
import org.duet.core.pushRegisterToken
import org.duet.core.pushRotateDeviceKey
import org.duet.core.pushSend
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * The app's HTTP stack, as the bindings see it: every request the core built goes to the Rust
 * test server (tests/src/bin/duet-test-helper.rs) as that server's HTTP endpoints would get it.
 */
class HelperTransport(private val server: TestServerProcess, var now: Long) : HttpTransport {
    val seen = mutableListOf<HttpRequest>()

    override fun send(request: HttpRequest): HttpResponse {
        seen += request
        val base = "https://mfa.example.com"
        check(request.url.startsWith("$base/")) { "request left the test server: ${request.url}" }
        val method = if (request.method == HttpMethod.GET) "GET" else "POST"
        val body = if (request.body.isEmpty()) "-" else request.body.toHex()
        val r = server.cmd("http", method, request.url.removePrefix(base), body, now.toString())
        return HttpResponse(r[0].toUShort(), if (r[1] == "-") ByteArray(0) else r[1].fromHex())
    }
}

/** pushSend, manual codes, push tokens, device key rotation and duet push accounts in the vault. */
class PushLifecycleTest {
    private val t0 = 1_790_000_000L
    private val server = TestServerProcess()
    private val http = HelperTransport(server, t0)
    private val device = DeviceInfo("Kotlin lifecycle phone", "android", "software")

    @AfterEach
    fun stop() = server.close()

    private fun send(call: PushCall, now: Long): ByteArray {
        http.now = now
        return pushSend(http, call)
    }

    /** Enrolls by QR link, every call through pushSend. */
    private fun enroll(signer: DeviceSigner): PushAccount {
        val link = server.cmd("enroll", "alice", "$t0")[0]
        EnrollmentLink.parse(link, FixedClock(t0 + 5)).use { l ->
            val body = send(l.registration(signer, device, FixedClock(t0 + 5)), t0 + 5)
            return l.finishRegistration(signer, body, FixedClock(t0 + 6)).account
        }
    }

    /** Starts a sign-in, polls it with [signer] and approves it; returns the server's status. */
    private fun approveSignIn(account: PushAccount, signer: DeviceSigner, now: Long): List<String> {
        val (cid, _) = server.cmd("signin", account.user, "VPN", "none", "$now")
        AnsweredRequests().use { answered ->
            val polled = pushParsePoll(account, send(pushPoll(account, signer, FixedClock(now + 1)), now + 1), FixedClock(now + 1), answered)
            val req = polled.requests.single()
            assertEquals(cid, req.pending().requestId)
            val answer = send(pushAnswer(account, req, PushAnswer.Approve(null), signer, FixedClock(now + 2), answered), now + 2)
            assertEquals("{\"status\":\"approved\"}", String(answer))
            req.close()
        }
        return server.cmd("status", cid, "${now + 3}")
    }

    /** The device key the server verifies `account` with, as its uncompressed point. */
    private fun serverDeviceKey(account: PushAccount): ByteArray {
        val (alg, key) = server.cmd("devicekey", account.accountId)
        assertEquals("ES256", alg)
        return lastPoint(key.fromHex())
    }

    /**
     * Field-by-field comparison: the generated data classes compare their ByteArray fields by
     * reference, so `==` between two equal accounts decoded separately is false.
     */
    private fun assertSameAccount(expected: PushAccount, actual: PushAccount) {
        assertEquals(expected.copy(serverKey = ByteArray(0), deviceKey = ByteArray(0)).toString(),
            actual.copy(serverKey = ByteArray(0), deviceKey = ByteArray(0)).toString())
        assertEquals(expected.accountId, actual.accountId)
        assertEquals(expected.viaManualCode, actual.viaManualCode)
        assertArrayEquals(expected.serverKey, actual.serverKey)
        assertArrayEquals(expected.deviceKey, actual.deviceKey)
    }

    private fun assertStored(expected: List<Pair<String, PushAccount>>, actual: List<StoredPushAccount>) {
        assertEquals(expected.map { it.first }, actual.map { it.id })
        expected.zip(actual).forEach { (e, a) -> assertSameAccount(e.second, a.account) }
    }

    /** SPKI DER or SEC1 of a P-256 key -> the uncompressed point (its last 65 bytes). */
    private fun lastPoint(k: ByteArray) = k.copyOfRange(k.size - 65, k.size)

    @Test
    fun pushSendMovesCallsThroughTheAppTransportAndReportsRefusals() {
        val signer = JcaDeviceSigner.software()
        val account = enroll(signer)
        // The registration went out as a JSON POST with a time limit and TLS checking on.
        val reg = http.seen.single()
        assertEquals(HttpMethod.POST, reg.method)
        assertEquals("https://mfa.example.com/duet/v1/register", reg.url)
        assertEquals("application/json", reg.contentType?.substringBefore(';')?.trim())
        assertTrue(reg.verifyTls && reg.timeoutMs > 0u, "$reg")
        assertEquals(listOf("approved"), approveSignIn(account, signer, t0 + 10))

        // A refusal by the server (here: a poll signed by a key the server never saw) is E_PUSH_SERVER
        // naming the server's own code.
        val stranger = JcaDeviceSigner.software()
        val refused = assertThrows(DuetException.Push::class.java) { send(pushPoll(account, stranger, FixedClock(t0 + 20)), t0 + 20) }
        assertEquals("E_PUSH_SERVER", refused.code)
        assertTrue(refused.reason.contains("E_VERIFIER_"), refused.reason)

        // Transport failures keep the app's code; anything else is E_TRANSPORT_FAILED.
        val poll = pushPoll(account, signer, FixedClock(t0 + 21))
        val unreachable = object : HttpTransport {
            override fun send(request: HttpRequest): HttpResponse = throw DuetException.Transport("E_TRANSPORT_UNREACHABLE", "no route")
        }
        assertEquals("E_TRANSPORT_UNREACHABLE", assertThrows(DuetException.Transport::class.java) { pushSend(unreachable, poll) }.code)
        val crashing = object : HttpTransport {
            override fun send(request: HttpRequest): HttpResponse = throw IllegalStateException("okhttp exploded")
        }
        assertEquals("E_TRANSPORT_FAILED", assertThrows(DuetException.Transport::class.java) { pushSend(crashing, poll) }.code)
        // A server error page that is not JSON: E_PUSH_SERVER with the HTTP status.
        val badGateway = object : HttpTransport {
            override fun send(request: HttpRequest) = HttpResponse(502u, "<html>bad gateway</html>".toByteArray())
        }
        val e502 = assertThrows(DuetException.Push::class.java) { pushSend(badGateway, poll) }
        assertEquals("E_PUSH_SERVER", e502.code)
        assertTrue(e502.reason.contains("502"), e502.reason)
        // Plain http to a non-loopback host never reaches the app's transport.
        val before = http.seen.size
        val insecure = assertThrows(DuetException.Transport::class.java) {
            pushSend(http, PushCall("http://mfa.example.com/duet/v1/poll", poll.body))
        }
        assertEquals("E_TRANSPORT_INSECURE_HTTP", insecure.code)
        assertEquals(before, http.seen.size)
    }

    @Test
    fun manualCodeEnrollsThroughLookupAndTyposGiveCheckErrors() {
        val (link, host, value) = server.cmd("enrollcode", "bob", "$t0")
        assertTrue(link.startsWith("duet://"), link)
        val typed = "$host ${value.lowercase()}"
        ManualCode.parse(typed).use { code ->
            assertEquals("$host $value", code.display())
            val lookup = code.lookup()
            // The 12-character value without separators and check character, as docs/protocol.md says.
            assertEquals("https://mfa.example.com/duet/v1/enrollment/" + value.replace("-", "").take(12), lookup.url)
            assertEquals(0, lookup.body.size)
            val answer = send(lookup, t0 + 3)
            assertEquals(HttpMethod.GET, http.seen.last().method)
            EnrollmentLink.fromLookup(code, answer, FixedClock(t0 + 4)).use { l ->
                assertTrue(l.viaManualCode())
                assertEquals("bob", l.user())
                assertEquals("Example Corp", l.issuer())
                assertEquals("https://mfa.example.com", l.url())
                val signer = JcaDeviceSigner.software()
                val body = send(l.registration(signer, device, FixedClock(t0 + 5)), t0 + 5)
                val account = l.finishRegistration(signer, body, FixedClock(t0 + 6)).account
                assertTrue(account.viaManualCode)
                assertEquals("bob", account.user)
                assertEquals(listOf("approved"), approveSignIn(account, signer, t0 + 10))
            }
            // The same lookup answer for a code naming another host is refused.
            ManualCode.parse("evil.example.net $value").use { other ->
                val e = assertThrows(DuetException.Push::class.java) { EnrollmentLink.fromLookup(other, answer, FixedClock(t0 + 4)) }
                assertEquals("E_PUSH_LINK_PARAM", e.code)
            }
            val garbage = assertThrows(DuetException.Push::class.java) { EnrollmentLink.fromLookup(code, "<html>".toByteArray(), FixedClock(t0 + 4)) }
            assertEquals("E_PUSH_MALFORMED", garbage.code)
        }

        // Luhn mod 32 over Crockford Base32 catches every single mistyped character.
        val alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
        val chars = value.replace("-", "")
        for (i in chars.indices) {
            val wrong = alphabet[(alphabet.indexOf(chars[i]) + 1 + i) % 32]
            val typo = chars.substring(0, i) + wrong + chars.substring(i + 1)
            val e = assertThrows(DuetException.Push::class.java, { ManualCode.parse("$host $typo") }, typo)
            assertEquals("E_PUSH_CODE_CHECK", e.code, typo)
            assertTrue(e.reason.isNotBlank())
        }
        for (bad in listOf("", value, "$host", "$host ${chars.dropLast(1)}", "$host ${chars}U", "-x $value", "$host ${"A".repeat(300)}")) {
            assertEquals("E_PUSH_CODE_FORMAT", assertThrows(DuetException.Push::class.java, { ManualCode.parse(bad) }, bad).code, bad)
        }
    }

    @Test
    fun pushTokensReachTheServerAndOnlyFromTheEnrolledKey() {
        val signer = JcaDeviceSigner.software()
        val account = enroll(signer)
        val fcm = "fcm-token:APA91b" + "x".repeat(140)
        val call = pushRegisterToken(account, signer, PushProvider.FCM, fcm, FixedClock(t0 + 10))
        assertEquals("https://mfa.example.com/duet/v1/push-token", call.url)
        send(call, t0 + 10)
        assertEquals(listOf("fcm", fcm), server.cmd("pushtoken", account.accountId))
        // A new token (here the phone moved to APNs) replaces the old one.
        val apns = "7f1c0a9e3b5d".repeat(5) + "abcd"
        send(pushRegisterToken(account, signer, PushProvider.APNS, apns, FixedClock(t0 + 20)), t0 + 20)
        assertEquals(listOf("apns", apns), server.cmd("pushtoken", account.accountId))
        // A token signed by another key is refused and the stored token stays.
        val stranger = JcaDeviceSigner.software()
        val refused = assertThrows(DuetException.Push::class.java) {
            send(pushRegisterToken(account, stranger, PushProvider.FCM, "hijacked", FixedClock(t0 + 30)), t0 + 30)
        }
        assertEquals("E_PUSH_SERVER", refused.code)
        assertEquals(listOf("apns", apns), server.cmd("pushtoken", account.accountId))
        // Tokens that are empty, overlong or not printable never leave the phone.
        for (bad in listOf("", "x".repeat(5000), "line\nbreak", "nul\u0000")) {
            val e = assertThrows(DuetException.Push::class.java) { pushRegisterToken(account, signer, PushProvider.FCM, bad, FixedClock(t0 + 40)) }
            assertEquals("E_PUSH_MALFORMED", e.code, bad.take(20))
        }
    }

    @Test
    fun rotatedDeviceKeyIsWhatTheServerVerifiesAndTheOldKeyIsRefused() {
        val old = JcaDeviceSigner.software()
        val account = enroll(old)
        assertArrayEquals(lastPoint(old.publicKey()), serverDeviceKey(account))
        val new = JcaDeviceSigner.software()
        val call = pushRotateDeviceKey(account, old, new, FixedClock(t0 + 10))
        assertEquals("https://mfa.example.com/duet/v1/rotate-key", call.url)
        send(call, t0 + 10)
        assertArrayEquals(lastPoint(new.publicKey()), serverDeviceKey(account))

        val rotated = pushAccountWithRotatedKey(account, new)
        assertArrayEquals(lastPoint(new.publicKey()), lastPoint(rotated.deviceKey))
        assertSameAccount(account.copy(deviceKey = lastPoint(new.publicKey())), rotated.copy(deviceKey = lastPoint(rotated.deviceKey)))
        assertFalse(rotated.deviceKey.contentEquals(account.deviceKey))

        // The old key is refused now; the new key polls and approves.
        val oldPoll = assertThrows(DuetException.Push::class.java) { send(pushPoll(account, old, FixedClock(t0 + 20)), t0 + 20) }
        assertEquals("E_PUSH_SERVER", oldPoll.code)
        assertTrue(oldPoll.reason.contains("E_VERIFIER_"), oldPoll.reason)
        assertEquals(listOf("approved"), approveSignIn(rotated, new, t0 + 30))
        // Replaying the rotation (old key again) is refused; the server keeps the new key.
        assertThrows(DuetException.Push::class.java) { send(call, t0 + 40) }
        assertArrayEquals(lastPoint(new.publicKey()), serverDeviceKey(account))
        // A rotation not signed by the account's current key is refused too.
        val thief = JcaDeviceSigner.software()
        assertEquals("E_PUSH_SERVER", assertThrows(DuetException.Push::class.java) {
            send(pushRotateDeviceKey(rotated, thief, JcaDeviceSigner.software(), FixedClock(t0 + 50)), t0 + 50)
        }.code)
        assertArrayEquals(lastPoint(new.publicKey()), serverDeviceKey(account))
    }

    @Test
    fun vaultKeepsDuetPushAccountsAcrossRotationAndReopen() {
        val dir = Files.createTempDirectory("duet-push-vault")
        val path = "$dir/vault.db"
        val keys = MemoryKeyProvider()
        val old = JcaDeviceSigner.software()
        val account = enroll(old)
        val id = DuetVault.create(path, keys, FixedClock(t0)).use { v ->
            val id = v.addPushAccount(account)
            assertStored(listOf(id to account), v.pushAccounts())
            // Kinds stay apart: a duet account is no privacyIDEA token and no OTP account.
            assertTrue(v.pipushAccounts().isEmpty())
            assertTrue(v.accounts().isEmpty())
            id
        }
        // Rotate the device key, then store the rotated account in place.
        val new = JcaDeviceSigner.software()
        send(pushRotateDeviceKey(account, old, new, FixedClock(t0 + 10)), t0 + 10)
        val rotated = pushAccountWithRotatedKey(account, new)
        DuetVault.open(path, keys, FixedClock(t0 + 11)).use { v -> v.updatePushAccount(id, rotated) }
        val stored = DuetVault.open(path, keys, FixedClock(t0 + 12)).use { v -> v.pushAccounts().single() }
        assertStored(listOf(id to rotated), listOf(stored))
        // The account read back from the vault is the one the server verifies.
        assertEquals(listOf("approved"), approveSignIn(stored.account, new, t0 + 20))
        DuetVault.open(path, keys, FixedClock(t0 + 30)).use { v ->
            assertEquals("E_VAULT_NOT_FOUND", assertThrows(DuetException.Vault::class.java) { v.updatePushAccount("no-such-id", rotated) }.code)
            assertStored(listOf(id to rotated), v.pushAccounts())
            v.removePushAccount(id)
            assertTrue(v.pushAccounts().isEmpty())
        }
        // The wrong vault key opens nothing.
        assertEquals("E_VAULT_WRONG_KEY", assertThrows(DuetException.Vault::class.java) {
            DuetVault.open(path, MemoryKeyProvider(), FixedClock(t0))
        }.code())
        dir.toFile().deleteRecursively()
    }
}
