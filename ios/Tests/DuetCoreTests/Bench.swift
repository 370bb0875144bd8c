import Foundation

/// One TOTP code through the Swift bindings, per call (`duet-swift-tests bench [calls]`).
/// Compared with the same call in Rust (bindings/benches/ffi.rs) in docs/benchmarks.md.
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
}
