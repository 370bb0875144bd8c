package org.duet.tests

import java.nio.file.Files
import java.security.SecureRandom
import org.duet.android.code
import org.duet.core.Account
import org.duet.core.DuetException
import org.duet.core.DuetVault
import org.duet.core.OtpAlgorithm
import org.duet.core.OtpKind
import org.duet.core.OtpParameters
import org.duet.core.VaultKeyProvider
import org.duet.core.otpParametersDefault
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Stands in for a Keystore-wrapped key: one random 32-byte key per vault file. */
class MemoryKeyProvider(private val keys: MutableMap<String, ByteArray> = mutableMapOf()) : VaultKeyProvider {
    override fun vaultKey(vaultPath: String): ByteArray =
        keys.getOrPut(vaultPath) { ByteArray(32).also { SecureRandom().nextBytes(it) } }
}

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
    fun vaultStoresAccountsAcrossReopen() {
        val dir = Files.createTempDirectory("duet-vault")
        val path = dir.resolve("vault.db").toString()
        val keys = MemoryKeyProvider()
        val ids = DuetVault.create(path, keys, FixedClock(1_790_000_000)).use { v ->
            assertEquals(32, v.vaultId().length)
            val a = Account.fromUri(googleUri).use { v.addAccount(it) }
            val b = Account.fromUri("otpauth://hotp/ACME:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0").use { v.addAccount(it) }
            v.renameAccount(a, "Example Inc", "alice")
            listOf(a, b)
        }
        DuetVault.open(path, keys, FixedClock(1_790_000_100)).use { v ->
            val list = v.accounts()
            assertEquals(ids, list.map { it.id })
            assertEquals(listOf("alice", "bob"), list.map { it.name })
            assertEquals("Example Inc", list[0].issuer)
            v.account(ids[0]).use { a -> a.generator().use { g -> assertEquals(JavaOtp.hotp(googleKey, 5, 6), g.codeAt(150uL)) } }
            // HOTP: each use advances the stored counter (RFC 4226 vectors 0, 1).
            val key = "12345678901234567890".toByteArray()
            assertEquals(JavaOtp.hotp(key, 0, 6), v.nextHotp(ids[1]).use { a -> a.generator().use { it.codeAt(0uL) } })
            assertEquals(JavaOtp.hotp(key, 1, 6), v.nextHotp(ids[1]).use { a -> a.generator().use { it.codeAt(0uL) } })
            assertEquals("E_VAULT_NOT_HOTP", assertThrows(DuetException.Vault::class.java) { v.nextHotp(ids[0]) }.code)
            v.removeAccount(ids[0])
            assertEquals("E_VAULT_NOT_FOUND", assertThrows(DuetException.Vault::class.java) { v.account(ids[0]) }.code)
        }
        // Wrong key, missing file, short key, failing key provider: typed errors, data kept.
        val wrong = MemoryKeyProvider()
        assertEquals("E_VAULT_WRONG_KEY", assertThrows(DuetException.Vault::class.java) { DuetVault.open(path, wrong, FixedClock(0)) }.code)
        assertEquals("E_VAULT_MISSING", assertThrows(DuetException.Vault::class.java) { DuetVault.open("$dir/none.db", keys, FixedClock(0)) }.code)
        val short = object : VaultKeyProvider { override fun vaultKey(vaultPath: String) = ByteArray(16) }
        assertEquals("E_KEY_BAD_LENGTH", assertThrows(DuetException.Vault::class.java) { DuetVault.create("$dir/b.db", short, FixedClock(0)) }.code)
        val cancelled = object : VaultKeyProvider {
            override fun vaultKey(vaultPath: String): ByteArray = throw DuetException.Callback("E_FFI_CALLBACK", "user cancelled")
        }
        assertThrows(DuetException.Callback::class.java) { DuetVault.open(path, cancelled, FixedClock(0)) }
        val crashing = object : VaultKeyProvider { override fun vaultKey(vaultPath: String): ByteArray = error("keystore gone") }
        assertEquals("E_FFI_CALLBACK", assertThrows(DuetException::class.java) { DuetVault.open(path, crashing, FixedClock(0)) }.code())
        Files.write(dir.resolve("junk.db"), ByteArray(4096) { 0x41 })
        assertThrows(DuetException.Vault::class.java) { DuetVault.open("$dir/junk.db", keys, FixedClock(0)) }
        // Creating over an existing vault is refused and leaves it intact.
        assertEquals("E_VAULT_OPEN", assertThrows(DuetException.Vault::class.java) { DuetVault.create(path, keys, FixedClock(0)) }.code)
        DuetVault.open(path, keys, FixedClock(0)).use { v -> assertEquals(listOf("bob"), v.accounts().map { it.name }) }
    }
}
