package org.duet.tests

import java.lang.management.ManagementFactory
import org.duet.core.Account
import org.duet.core.OtpAlgorithm
import org.duet.core.OtpGenerator
import org.duet.core.OtpKind
import org.duet.core.OtpParameters

/**
 * One TOTP code through the Kotlin bindings, per call: `java ... org.duet.tests.BenchKt [calls]`.
 * Compared with the same call in Rust (bindings/benches/ffi.rs) in docs/performance.md.
 *
 * Besides wall time it prints, per call, the CPU time of the calling thread and of the whole JVM
 * (all threads: GC, JNA's cleaner) and the time in GC pauses: a String comes back in a JNA
 * `Structure` whose native memory JNA's cleaner thread releases after a GC, so on a loaded machine
 * part of the wall time is GC and waiting for a CPU, not the call. Two cheaper calls show where
 * the cost comes from:
 * `secondsLeft` returns a `u32` (handle clone + call, no returned buffer) and `codeForCounter`
 * returns a String without a `Result`.
 */
fun main(args: Array<String>) {
    val calls = args.firstOrNull()?.toInt() ?: 1_000_000
    val params = OtpParameters(OtpKind.Totp(30u, 0uL), OtpAlgorithm.SHA1, 6u)
    OtpGenerator("12345678901234567890".toByteArray(), params).use { g ->
        measure("kotlin code_at", calls) { i -> g.codeAt((59L + 30L * i).toULong()).length }
        measure("kotlin code_for_counter", calls) { i -> g.codeForCounter(i.toULong()).length }
        measure("kotlin seconds_left (u32)", calls) { i -> g.secondsLeft((59L + 30L * i).toULong()).toInt() }
    }
    codeList(maxOf(calls / 1000, 5))
}

/**
 * The code list of a 1,000-account vault: one `DuetApp.codes()` call per screen refresh
 * (1,000 codes and 1,000 next codes). Compared with `bindings codes 1000 accounts (no FFI)` in
 * bindings/benches/ffi.rs.
 */
private fun codeList(calls: Int) = TempVault().use { tv ->
    tv.create(services(FixedClock(1_111_111_109), NoNetwork)).use { app ->
        val b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        val accounts = (0 until 1000).map { i ->
            Account.fromUri("otpauth://totp/Bench:user$i?secret=JBSWY3DPEHPK3P${b32[i / 32]}${b32[i % 32]}&issuer=Bench")
        }
        app.addAccounts(accounts)
        accounts.forEach { it.close() }
        check(app.codes().entries.size == 1000)
        measure("kotlin codes() of 1000 accounts", calls) { app.codes().entries.size }
    }
}

/** Best of 5 rounds of `calls` calls after a warm-up of `calls / 5`; each figure is its own minimum. */
private inline fun measure(name: String, calls: Int, call: (Int) -> Int) {
    val threads = ManagementFactory.getThreadMXBean()
    val gcs = ManagementFactory.getGarbageCollectorMXBeans()
    val process = ManagementFactory.getOperatingSystemMXBean() as com.sun.management.OperatingSystemMXBean
    var sink = 0
    // Warm-up: JIT compilation of the generated code and JNA's call path.
    for (i in 0 until calls / 5) sink += call(i)
    var wall = Double.MAX_VALUE
    var cpu = Double.MAX_VALUE
    var gc = Double.MAX_VALUE
    var all = Double.MAX_VALUE
    repeat(5) {
        val gc0 = gcs.sumOf { it.collectionTime }
        val all0 = process.processCpuTime
        val cpu0 = threads.currentThreadCpuTime
        val t0 = System.nanoTime()
        for (i in 0 until calls) sink += call(i)
        wall = minOf(wall, (System.nanoTime() - t0).toDouble() / calls)
        cpu = minOf(cpu, (threads.currentThreadCpuTime - cpu0).toDouble() / calls)
        gc = minOf(gc, (gcs.sumOf { it.collectionTime } - gc0) * 1e6 / calls)
        all = minOf(all, (process.processCpuTime - all0).toDouble() / calls)
    }
    check(sink > 0)
    println("%s: %.0f ns/call wall, CPU %.0f ns/call calling thread, %.0f ns/call whole JVM, GC pauses %.0f ns/call (best of 5 x %d calls)"
        .format(name, wall, cpu, all, gc, calls))
}
