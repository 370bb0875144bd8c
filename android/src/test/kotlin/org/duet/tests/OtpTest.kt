package org.duet.tests

import java.util.concurrent.Callable
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import org.duet.core.Clock
import org.duet.core.DuetException
import org.duet.core.OtpAlgorithm
import org.duet.core.OtpGenerator
import org.duet.core.OtpKind
import org.duet.core.OtpParameters
import org.duet.core.otpParametersDefault
import org.duet.core.otpParametersSteam
import org.duet.core.systemClock
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Independent oracle: RFC 4226 / RFC 6238 / Steam Guard written on javax.crypto, not on duet. */
object JavaOtp {
    fun hotp(key: ByteArray, counter: Long, digits: Int, mac: String = "HmacSHA1"): String {
        val bin = truncate(key, counter, mac)
        var mod = 1L
        repeat(digits) { mod *= 10 }
        return (bin % mod).toString().padStart(digits, '0')
    }

    fun steam(key: ByteArray, time: Long): String {
        val alphabet = "23456789BCDFGHJKMNPQRTVWXY"
        var v = truncate(key, time / 30, "HmacSHA1")
        val sb = StringBuilder()
        repeat(5) { sb.append(alphabet[(v % alphabet.length).toInt()]); v /= alphabet.length }
        return sb.toString()
    }

    private fun truncate(key: ByteArray, counter: Long, mac: String): Long {
        val m = Mac.getInstance(mac)
        m.init(SecretKeySpec(key, mac))
        val msg = java.nio.ByteBuffer.allocate(8).putLong(counter).array()
        val h = m.doFinal(msg)
        val o = h[h.size - 1].toInt() and 0x0f
        return ((h[o].toLong() and 0x7f) shl 24) or ((h[o + 1].toLong() and 0xff) shl 16) or
            ((h[o + 2].toLong() and 0xff) shl 8) or (h[o + 3].toLong() and 0xff)
    }
}

class OtpTest {
    private val rfcKey = "12345678901234567890".toByteArray()
    private val rfcKey256 = "12345678901234567890123456789012".toByteArray()
    private val rfcKey512 = "1234567890123456789012345678901234567890123456789012345678901234".toByteArray()

    @Test
    fun rfc4226HotpVectors() {
        val expected = listOf("755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489")
        OtpGenerator(rfcKey, OtpParameters(OtpKind.Hotp(0uL), OtpAlgorithm.SHA1, 6u)).use { g ->
            expected.forEachIndexed { i, code -> assertEquals(code, g.codeForCounter(i.toULong())) }
        }
    }

    @Test
    fun rfc6238TotpVectors() {
        // RFC 6238 Appendix B (8 digits, 30 s) for the three hashes.
        val rows = listOf(
            Triple(59L, OtpAlgorithm.SHA1, "94287082"), Triple(59L, OtpAlgorithm.SHA256, "46119246"),
            Triple(59L, OtpAlgorithm.SHA512, "90693936"), Triple(1111111109L, OtpAlgorithm.SHA1, "07081804"),
            Triple(1111111109L, OtpAlgorithm.SHA256, "68084774"), Triple(1111111109L, OtpAlgorithm.SHA512, "25091201"),
            Triple(1234567890L, OtpAlgorithm.SHA1, "89005924"), Triple(2000000000L, OtpAlgorithm.SHA256, "90698825"),
            Triple(20000000000L, OtpAlgorithm.SHA512, "47863826"),
        )
        for ((t, alg, code) in rows) {
            val key = when (alg) { OtpAlgorithm.SHA1 -> rfcKey; OtpAlgorithm.SHA256 -> rfcKey256; else -> rfcKey512 }
            OtpGenerator(key, OtpParameters(OtpKind.Totp(30u, 0uL), alg, 8u)).use { g ->
                assertEquals(code, g.codeAt(t.toULong()), "T=$t $alg")
                assertEquals(code, g.currentCode(FixedClock(t)))
            }
        }
    }

    @Test
    fun agreesWithJavaCryptoOnRandomKeysAndTimes() {
        val rnd = java.util.Random(7)
        repeat(200) {
            val key = ByteArray(1 + rnd.nextInt(64)).also { rnd.nextBytes(it) }
            val t = (rnd.nextLong() ushr 30)
            val digits = 6 + rnd.nextInt(3)
            OtpGenerator(key, OtpParameters(OtpKind.Totp(30u, 0uL), OtpAlgorithm.SHA256, digits.toUByte())).use { g ->
                assertEquals(JavaOtp.hotp(key, t / 30, digits, "HmacSHA256"), g.codeAt(t.toULong()))
                assertEquals(JavaOtp.hotp(key, t / 30 + 1, digits, "HmacSHA256"), g.nextCode(t.toULong()))
                assertEquals((30 - t % 30).toUInt(), g.secondsLeft(t.toULong()))
            }
            OtpGenerator(key, otpParametersSteam()).use { g -> assertEquals(JavaOtp.steam(key, t), g.codeAt(t.toULong())) }
        }
    }

    @Test
    fun defaultsAndParameters() {
        val d = otpParametersDefault()
        assertEquals(OtpParameters(OtpKind.Totp(30u, 0uL), OtpAlgorithm.SHA1, 6u), d)
        assertEquals(OtpParameters(OtpKind.Steam(30u), OtpAlgorithm.SHA1, 5u), otpParametersSteam())
        OtpGenerator(rfcKey, d).use { assertEquals(d, it.parameters()) }
        OtpGenerator(rfcKey, d).use { g ->
            val now = System.currentTimeMillis() / 1000
            val code = g.currentCode(systemClock())
            // The step may roll over between the two reads; accept either neighbour.
            assertTrue(code == g.codeAt(now.toULong()) || code == g.codeAt((now + 1).toULong()))
        }
    }

    @Test
    fun garbageGivesTypedOtpErrors() {
        fun code(block: () -> Unit): String = (assertThrows(DuetException.Otp::class.java) { block() }).code
        assertEquals("E_OTP_SECRET_EMPTY", code { OtpGenerator(ByteArray(0), otpParametersDefault()) })
        assertEquals("E_OTP_DIGITS_RANGE", code { OtpGenerator(rfcKey, OtpParameters(OtpKind.Totp(30u, 0uL), OtpAlgorithm.SHA1, 4u)) })
        assertEquals("E_OTP_DIGITS_RANGE", code { OtpGenerator(rfcKey, OtpParameters(OtpKind.Hotp(0uL), OtpAlgorithm.SHA1, 255u)) })
        assertEquals("E_OTP_STEAM_DIGITS", code { OtpGenerator(rfcKey, OtpParameters(OtpKind.Steam(30u), OtpAlgorithm.SHA1, 6u)) })
        assertEquals("E_OTP_PERIOD_RANGE", code { OtpGenerator(rfcKey, OtpParameters(OtpKind.Totp(0u, 0uL), OtpAlgorithm.SHA1, 6u)) })
        assertEquals("E_OTP_PERIOD_RANGE", code { OtpGenerator(rfcKey, OtpParameters(OtpKind.Totp(UInt.MAX_VALUE, 0uL), OtpAlgorithm.SHA1, 6u)) })
        OtpGenerator(rfcKey, OtpParameters(OtpKind.Totp(30u, 1000uL), OtpAlgorithm.SHA1, 6u)).use { g ->
            val e = assertThrows(DuetException.Otp::class.java) { g.codeAt(999uL) }
            assertEquals("E_OTP_TIME_BEFORE_T0", e.code)
            assertTrue(e.reason.isNotBlank() && e.message!!.contains("E_OTP_TIME_BEFORE_T0"))
        }
        OtpGenerator(rfcKey, OtpParameters(OtpKind.Hotp(5uL), OtpAlgorithm.SHA1, 6u)).use { g ->
            // HOTP shows the stored counter's code whatever the time (RFC 4226 vectors 5 and 6).
            assertEquals("254676", g.codeAt(59uL))
            assertEquals("287922", g.nextCode(59uL))
            assertEquals("E_OTP_NOT_TIME_BASED", (assertThrows(DuetException.Otp::class.java) { g.secondsLeft(59uL) }).code)
        }
        OtpGenerator(rfcKey, otpParametersDefault()).use { g ->
            val e = assertThrows(DuetException.Callback::class.java) { g.currentCode(FixedClock(-5)) }
            assertEquals("E_FFI_CLOCK", e.code)
        }
    }

    @Test
    fun callbackThatThrowsBecomesTypedError() {
        val broken = object : Clock {
            override fun nowUnixSeconds(): Long = throw IllegalStateException("clock hardware gone")
        }
        OtpGenerator(rfcKey, otpParametersDefault()).use { g ->
            val e = assertThrows(DuetException.Callback::class.java) { g.currentCode(broken) }
            assertEquals("E_FFI_CALLBACK", e.code)
        }
    }

    /**
     * A foreign callback that calls back into Rust during an outer call, with a success and a
     * typed failure inside, must leave the outer call's result intact; and a failed call must
     * not leak its error into the next one on the same thread.
     */
    @Test
    fun callbacksCallingBackIntoRustAndErrorsBetweenCalls() {
        val hotp = OtpGenerator(rfcKey, OtpParameters(OtpKind.Hotp(5uL), OtpAlgorithm.SHA1, 6u))
        val reentrant = object : Clock {
            override fun nowUnixSeconds(): Long {
                assertEquals("254676", hotp.codeAt(59uL))
                val inner = assertThrows(DuetException.Otp::class.java) { hotp.secondsLeft(59uL) }
                assertEquals("E_OTP_NOT_TIME_BASED", inner.code)
                return 1_111_111_109L
            }
        }
        try {
            OtpGenerator(rfcKey, OtpParameters(OtpKind.Totp(30u, 0uL), OtpAlgorithm.SHA1, 8u)).use { g ->
                repeat(3) {
                    assertEquals(JavaOtp.hotp(rfcKey, 1_111_111_109L / 30, 8), g.currentCode(reentrant))
                    assertEquals("E_FFI_CLOCK", assertThrows(DuetException.Callback::class.java) { g.currentCode(FixedClock(-5)) }.code)
                    assertEquals("E_OTP_NOT_TIME_BASED", assertThrows(DuetException.Otp::class.java) { hotp.secondsLeft(59uL) }.code)
                    assertEquals(JavaOtp.hotp(rfcKey, 59L / 30, 8), g.codeAt(59uL))
                    assertEquals(1u, g.secondsLeft(59uL))
                }
            }
        } finally {
            hotp.close()
        }
    }

    @Test
    fun manyThreadsComputeCodesAtOnce() {
        val pool = Executors.newFixedThreadPool(8)
        val shared = OtpGenerator(rfcKey, OtpParameters(OtpKind.Totp(30u, 0uL), OtpAlgorithm.SHA1, 8u))
        try {
            val jobs = (0 until 64).map { i ->
                Callable {
                    val own = OtpGenerator(rfcKey256, OtpParameters(OtpKind.Totp(30u, 0uL), OtpAlgorithm.SHA256, 8u))
                    own.use {
                        for (k in 0 until 500) {
                            val t = 59L + 30L * (i * 500 + k)
                            check(shared.codeAt(t.toULong()) == JavaOtp.hotp(rfcKey, t / 30, 8)) { "shared T=$t" }
                            check(it.codeAt(t.toULong()) == JavaOtp.hotp(rfcKey256, t / 30, 8, "HmacSHA256")) { "own T=$t" }
                        }
                    }
                    i
                }
            }
            val done = pool.invokeAll(jobs).map { it.get() }
            assertEquals((0 until 64).toList(), done)
        } finally {
            pool.shutdown()
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS))
            shared.close()
        }
    }

    @Test
    fun objectLifetimes() {
        val g = OtpGenerator(rfcKey, otpParametersDefault())
        assertEquals("287082", g.codeForCounter(1uL))
        g.close()
        g.close() // closing twice is harmless
        // A closed object refuses calls with an exception instead of touching freed memory.
        assertThrows(IllegalStateException::class.java) { g.codeForCounter(1uL) }
        // `use` closes even when the block throws.
        var leaked: OtpGenerator? = null
        assertThrows(RuntimeException::class.java) {
            OtpGenerator(rfcKey, otpParametersDefault()).use { leaked = it; throw RuntimeException("boom") }
        }
        assertThrows(IllegalStateException::class.java) { leaked!!.codeForCounter(0uL) }
        // Many short-lived objects without explicit close are reclaimed by the cleaner, not leaked.
        repeat(10_000) { OtpGenerator(rfcKey, otpParametersDefault()).codeForCounter(it.toULong()) }
    }
}
