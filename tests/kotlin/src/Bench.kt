package org.duet.tests

import org.duet.core.OtpAlgorithm
import org.duet.core.OtpGenerator
import org.duet.core.OtpKind
import org.duet.core.OtpParameters

/**
 * One TOTP code through the Kotlin bindings, per call: `java ... org.duet.tests.BenchKt [calls]`.
 * Compared with the same call in Rust (bindings/benches/ffi.rs) in docs/benchmarks.md.
 */
fun main(args: Array<String>) {
    val calls = args.firstOrNull()?.toInt() ?: 1_000_000
    OtpGenerator("12345678901234567890".toByteArray(), OtpParameters(OtpKind.Totp(30u, 0uL), OtpAlgorithm.SHA1, 6u)).use { g ->
        var sink = 0
        // Warm-up: JIT compilation of the generated code and JNA's call path.
        for (i in 0 until calls / 5) sink += g.codeAt((59L + 30L * i).toULong()).length
        val best = (1..5).minOf {
            val start = System.nanoTime()
            for (i in 0 until calls) sink += g.codeAt((59L + 30L * i).toULong()).length
            (System.nanoTime() - start).toDouble() / calls
        }
        check(sink > 0)
        println("kotlin code_at: %.0f ns/call (best of 5 x %d calls)".format(best, calls))
    }
}
