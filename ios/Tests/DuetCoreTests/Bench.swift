import DuetCore
import Foundation

/// Per-call benchmarks through the Swift bindings (`duet-swift-tests bench [calls]`):
/// one TOTP code (`codeAt`), compared with the same call in Rust (bindings/benches/ffi.rs) in
/// docs/performance.md; and the whole code list of a 1,000-account vault in one `codes()` call
/// (`calls / 2000` calls a round, at least 5), per call and per code.
func bench(_ calls: Int) throws {
    let g = try OtpGenerator(secret: Data("12345678901234567890".utf8), parameters: OtpParameters(kind: .totp(period: 30, t0: 0), algorithm: .sha1, digits: 6))
    var sink = 0
    for i in 0..<(calls / 5) { sink += try g.codeAt(unixTime: UInt64(59 + 30 * i)).count }
    var best = Double.infinity
    for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<calls { sink += try g.codeAt(unixTime: UInt64(59 + 30 * i)).count }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / Double(calls))
    }
    precondition(sink > 0)
    print(String(format: "swift code_at: %.0f ns/call (best of 5 x %d calls)", best, calls))
    try benchCodeList(accounts: 1000, calls: max(5, calls / 2000))
}

/// `DuetApp.codes()` on a vault of `accounts` TOTP accounts (SHA-1, 6 digits, distinct keys):
/// best of 5 rounds of `calls` calls after one warm-up round.
func benchCodeList(accounts: Int, calls: Int) throws {
    let tv = try TempVault()
    defer { tv.close() }
    let clock = MutableClock(1_790_000_000)
    let app = try tv.create(services(clock, NoNetwork()))
    let setup = try (0..<accounts).map { i in
        try Account.fromSetupKey(issuer: "Bench", name: "user\(i)",
                                 setupKey: B32.encode(Data((0..<20).map { UInt8(truncatingIfNeeded: $0 * 31 + i) })).replacingOccurrences(of: "=", with: ""),
                                 parameters: OtpParameters(kind: .totp(period: 30, t0: 0), algorithm: .sha1, digits: 6))
    }
    let added = try app.addAccounts(accounts: setup).count
    precondition(added == accounts)
    var sink = 0
    for i in 0..<calls { clock.now = 1_790_000_000 + Int64(30 * i); sink += try app.codes().entries.count }
    var best = Double.infinity
    for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<calls {
            clock.now = 1_790_000_000 + Int64(30 * i)
            sink += try app.codes().entries.count
        }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / Double(calls))
    }
    precondition(sink == 6 * calls * accounts)
    print(String(format: "swift codes() of %d accounts: %.0f ns/call, %.0f ns/code (best of 5 x %d calls)",
                 accounts, best, best / Double(accounts), calls))
}
