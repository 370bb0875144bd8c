package org.duet.tests

import java.nio.file.Files
import org.duet.android.code
import org.duet.core.Account
import org.duet.core.DuetException
import org.duet.core.AddResult
import org.duet.core.DuetApp
import org.duet.core.OtpAlgorithm
import org.duet.core.OtpKind
import org.duet.core.OtpParameters
import org.duet.core.VaultKeyProvider
import org.duet.core.otpParametersDefault
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class AccountVaultTest {
    // Google's Key URI Format example: secret "Hello!\xDE\xAD\xBE\xEF" (80 bits).
    private val googleUri = "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"
    private val googleKey = byteArrayOf(0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x21, 0xde.toByte(), 0xad.toByte(), 0xbe.toByte(), 0xef.toByte())

    @Test
    fun otpauthUriToCodes() {
        Account.fromUri(googleUri).use { a ->
            assertEquals("Example", a.issuer())
            assertEquals("alice@google.com", a.name())
            assertEquals(otpParametersDefault(), a.parameters())
            assertEquals(listOf("W_URI_SECRET_SHORT"), a.warnings().map { it.code })
            a.generator().use { g -> assertEquals(JavaOtp.hotp(googleKey, 1_790_000_000L / 30, 6), g.codeAt(1_790_000_000uL)) }
            // Round trip through the canonical writer keeps labels and secret.
            Account.fromUri(a.toUri()).use { b ->
                assertEquals(a.name(), b.name())
                b.generator().use { g -> assertEquals(JavaOtp.hotp(googleKey, 1L, 6), g.codeAt(59uL)) }
            }
        }
        val sha256 = "otpauth://hotp/ACME:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA256&digits=8&counter=3"
        Account.fromUri(sha256).use { a ->
            assertEquals(OtpParameters(OtpKind.Hotp(3uL), OtpAlgorithm.SHA256, 8u), a.parameters())
            a.generator().use { g -> assertEquals(JavaOtp.hotp("12345678901234567890".toByteArray(), 3, 8, "HmacSHA256"), g.codeAt(0uL)) }
        }
        Account.fromSetupKey("Example", "alice", "jbsw y3dp ehpk 3pxp", otpParametersDefault()).use { a ->
            a.generator().use { g -> assertEquals(JavaOtp.hotp(googleKey, 2, 6), g.codeAt(60uL)) }
        }
    }

    @Test
    fun garbageUrisGiveTypedErrors() {
        val cases = mapOf(
            "https://example.com" to "E_URI_SCHEME",
            "otpauth://totp/x?secret=!!!" to "E_URI_SECRET_BASE32",
            "otpauth://totp/x" to "E_URI_SECRET_MISSING",
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=99" to "E_URI_DIGITS",
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5" to "E_URI_ALGORITHM",
            "otpauth://blah/x?secret=JBSWY3DPEHPK3PXP" to "E_URI_TYPE",
            "otpauth-migration://offline?data=abc" to "E_URI_IS_MIGRATION",
        )
        for ((uri, code) in cases) {
            val e = assertThrows(DuetException.Uri::class.java) { Account.fromUri(uri) }
            assertEquals(code, e.code, uri)
            assertTrue(!e.reason.contains("JBSWY3DPEHPK3PXP"), "secret in message: ${e.reason}")
        }
        assertEquals("E_URI_TOO_LONG", assertThrows(DuetException.Uri::class.java) { Account.fromUri("otpauth://totp/" + "a".repeat(70_000)) }.code)
        assertThrows(DuetException.Uri::class.java) { Account.fromSetupKey(null, "x", "not base32!", otpParametersDefault()) }
        assertEquals("E_OTP_DIGITS_RANGE", assertThrows(DuetException.Otp::class.java) {
            Account.fromSetupKey(null, "x", "JBSWY3DPEHPK3PXP", OtpParameters(OtpKind.Totp(30u, 0uL), OtpAlgorithm.SHA1, 3u))
        }.code)
        // Random bytes never crash the parser.
        val rnd = java.util.Random(1)
        repeat(2000) {
            val s = "otpauth://totp/" + String(CharArray(rnd.nextInt(40)) { (rnd.nextInt(0x2FF) + 1).toChar() })
            try { Account.fromUri(s).close() } catch (_: DuetException.Uri) { }
        }
    }

    @Test
    fun vaultStoresAccountsAcrossReopen() = TempVault().use { tv ->
        val clock = MutableClock(1_790_000_000)
        val ids = tv.create(services(clock, NoNetwork)).use { app ->
            val a = app.addScanned(googleUri) as AddResult.Otp
            assertEquals(listOf("W_URI_SECRET_SHORT"), a.warnings.map { it.code })
            val b = app.addScanned("otpauth://hotp/ACME:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0") as AddResult.Otp
            app.rename(a.id, "Example Inc", "alice")
            listOf(a.id, b.id)
        }
        tv.open(services(clock, NoNetwork)).use { app ->
            val list = app.accounts()
            assertEquals(ids, list.map { it.id })
            assertEquals(listOf("alice", "bob"), list.map { it.name })
            assertEquals("Example Inc", list[0].issuer)
            clock.now = 150
            assertEquals(JavaOtp.hotp(googleKey, 5, 6), app.codes().entries[0].code)
            // HOTP: each use advances the stored counter (RFC 4226 vectors 0, 1); the list shows the next.
            val key = "12345678901234567890".toByteArray()
            assertEquals(JavaOtp.hotp(key, 0, 6), app.nextHotp(ids[1]))
            assertEquals(JavaOtp.hotp(key, 1, 6), app.nextHotp(ids[1]))
            val hotp = app.codes().entries[1]
            assertEquals(JavaOtp.hotp(key, 2, 6), hotp.code)
            assertEquals("" to 0u, hotp.nextCode to hotp.secondsLeft)
            assertEquals("E_VAULT_NOT_HOTP", assertThrows(DuetException.Vault::class.java) { app.nextHotp(ids[0]) }.code)
            app.remove(ids[0])
            assertEquals("E_VAULT_NOT_FOUND", assertThrows(DuetException.Vault::class.java) { app.remove(ids[0]) }.code)
        }
        // Wrong key, missing file, short key, failing key provider: typed errors, data kept.
        val s = services(clock, NoNetwork)
        assertEquals("E_VAULT_WRONG_KEY", assertThrows(DuetException.Vault::class.java) { DuetApp.open(tv.path, MemoryKeyProvider(), s) }.code)
        assertEquals("E_VAULT_MISSING", assertThrows(DuetException.Vault::class.java) { DuetApp.open("${tv.dir}/none.db", tv.keys, s) }.code)
        val short = object : VaultKeyProvider { override fun vaultKey(vaultPath: String) = ByteArray(16) }
        assertEquals("E_KEY_BAD_LENGTH", assertThrows(DuetException.Vault::class.java) { DuetApp.create("${tv.dir}/b.db", short, s) }.code)
        val cancelled = object : VaultKeyProvider {
            override fun vaultKey(vaultPath: String): ByteArray = throw DuetException.Callback("E_FFI_CALLBACK", "user cancelled")
        }
        assertThrows(DuetException.Callback::class.java) { DuetApp.open(tv.path, cancelled, s) }
        val crashing = object : VaultKeyProvider { override fun vaultKey(vaultPath: String): ByteArray = error("keystore gone") }
        assertEquals("E_FFI_CALLBACK", assertThrows(DuetException::class.java) { DuetApp.open(tv.path, crashing, s) }.code())
        Files.write(tv.dir.resolve("junk.db"), ByteArray(4096) { 0x41 })
        assertThrows(DuetException.Vault::class.java) { DuetApp.open("${tv.dir}/junk.db", tv.keys, s) }
        // Creating over an existing vault is refused and leaves it intact.
        assertEquals("E_VAULT_OPEN", assertThrows(DuetException.Vault::class.java) { DuetApp.create(tv.path, tv.keys, s) }.code)
        DuetApp.open(tv.path, tv.keys, s).use { app -> assertEquals(listOf("bob"), app.accounts().map { it.name }) }
    }

    /** One call gives the whole code list; each code and next code equals javax.crypto's HOTP. */
    @Test
    fun codeListInOneCallMatchesJavaHmac() = TempVault().use { tv ->
        val clock = MutableClock(1_111_111_109)
        tv.create(services(clock, NoNetwork)).use { app ->
            val keys = (1..50).map { i -> ByteArray(20) { (it * 7 + i).toByte() } }
            val setup = keys.mapIndexed { i, k ->
                val alg = listOf(OtpAlgorithm.SHA1, OtpAlgorithm.SHA256, OtpAlgorithm.SHA512)[i % 3]
                Account.fromSetupKey("Bulk", "user$i", B32.encode(k).trimEnd('='), OtpParameters(OtpKind.Totp(30u, 0uL), alg, 8u))
            }
            assertEquals(50, app.addAccounts(setup).size)
            setup.forEach { it.close() }
            for (t in listOf(59L, 1_111_111_109L, 2_000_000_000L)) {
                clock.now = t
                val codes = app.codes()
                assertEquals(emptyList<Any>(), codes.problems)
                assertEquals(app.accounts().map { it.id }, codes.entries.map { it.id })
                assertEquals((0 until 50).map { "Bulk:user$it" }, app.accounts().map { it.label })
                codes.entries.forEachIndexed { i, c ->
                    val mac = listOf("HmacSHA1", "HmacSHA256", "HmacSHA512")[i % 3]
                    assertEquals(JavaOtp.hotp(keys[i], t / 30, 8, mac), c.code, "user$i")
                    assertEquals(JavaOtp.hotp(keys[i], t / 30 + 1, 8, mac), c.nextCode, "user$i")
                    assertEquals((30 - t % 30).toUInt(), c.secondsLeft)
                }
            }
            // Reordering moves the rows, not the codes.
            val ids = app.codes().entries.map { it.id }
            app.reorder(ids.reversed())
            assertEquals(ids.reversed(), app.codes().entries.map { it.id })
            assertEquals("E_VAULT_NOT_FOUND", assertThrows(DuetException.Vault::class.java) { app.reorder(ids.drop(1)) }.code)
        }
    }
}
