import COpenSSL
import DuetCore
import Foundation

/// Independent oracle: RFC 4226 truncation and Steam Guard on OpenSSL's HMAC, not on duet.
enum OpenSSLOtp {
    static func truncated(_ key: [UInt8], _ counter: UInt64, _ md: OpaquePointer) -> UInt64 {
        var msg = [UInt8](repeating: 0, count: 8)
        for i in 0..<8 { msg[i] = UInt8((counter >> (56 - 8 * UInt64(i))) & 0xff) }
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var len: UInt32 = 0
        _ = HMAC(md, key, Int32(key.count), msg, msg.count, &out, &len)
        let h = Array(out[0..<Int(len)])
        let o = Int(h[h.count - 1] & 0x0f)
        return (UInt64(h[o] & 0x7f) << 24) | (UInt64(h[o + 1]) << 16) | (UInt64(h[o + 2]) << 8) | UInt64(h[o + 3])
    }

    static func hotp(_ key: [UInt8], _ counter: UInt64, _ digits: Int, _ md: OpaquePointer = EVP_sha1()) -> String {
        var mod: UInt64 = 1
        for _ in 0..<digits { mod *= 10 }
        let s = String(truncated(key, counter, md) % mod)
        return String(repeating: "0", count: digits - s.count) + s
    }

    static func steam(_ key: [UInt8], _ time: UInt64) -> String {
        let alphabet = Array("23456789BCDFGHJKMNPQRTVWXY")
        var v = truncated(key, time / 30, EVP_sha1())
        var s = ""
        for _ in 0..<5 { s.append(alphabet[Int(v % 26)]); v /= 26 }
        return s
    }
}

final class FixedClock: Clock {
    let t: Int64
    init(_ t: Int64) { self.t = t }
    func nowUnixSeconds() throws -> Int64 { t }
}

struct BrokenClockError: Error {}

final class BrokenClock: Clock {
    func nowUnixSeconds() throws -> Int64 { throw BrokenClockError() }
}

func otpTests(_ h: Harness) {
    let rfcKey = Array("12345678901234567890".utf8)
    let rfcKey256 = Array("12345678901234567890123456789012".utf8)
    let rfcKey512 = Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)

    h.test("rfc4226HotpVectors") {
        let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
        let g = try OtpGenerator(secret: Data(rfcKey), parameters: OtpParameters(kind: .hotp(counter: 0), algorithm: .sha1, digits: 6))
        for (i, c) in expected.enumerated() { h.equal(g.codeForCounter(counter: UInt64(i)), c, "counter \(i)") }
    }

    h.test("rfc6238TotpVectors") {
        let rows: [(UInt64, OtpAlgorithm, [UInt8], String)] = [
            (59, .sha1, rfcKey, "94287082"), (59, .sha256, rfcKey256, "46119246"), (59, .sha512, rfcKey512, "90693936"),
            (1111111109, .sha1, rfcKey, "07081804"), (1111111109, .sha256, rfcKey256, "68084774"),
            (1234567890, .sha1, rfcKey, "89005924"), (2000000000, .sha256, rfcKey256, "90698825"),
            (20000000000, .sha512, rfcKey512, "47863826"),
        ]
        for (t, alg, key, code) in rows {
            let g = try OtpGenerator(secret: Data(key), parameters: OtpParameters(kind: .totp(period: 30, t0: 0), algorithm: alg, digits: 8))
            h.equal(try g.codeAt(unixTime: t), code, "T=\(t) \(alg)")
            h.equal(try g.currentCode(clock: FixedClock(Int64(t))), code, "clock T=\(t)")
        }
    }

    h.test("agreesWithOpenSslHmacOnRandomKeysAndTimes") {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let key = (0..<Int.random(in: 1...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let t = UInt64.random(in: 0...(1 << 34), using: &rng)
            let digits = Int.random(in: 6...8, using: &rng)
            let g = try OtpGenerator(secret: Data(key), parameters: OtpParameters(kind: .totp(period: 30, t0: 0), algorithm: .sha256, digits: UInt8(digits)))
            h.equal(try g.codeAt(unixTime: t), OpenSSLOtp.hotp(key, t / 30, digits, EVP_sha256()), "totp")
            h.equal(try g.nextCode(unixTime: t), OpenSSLOtp.hotp(key, t / 30 + 1, digits, EVP_sha256()), "next")
            h.equal(try g.secondsLeft(unixTime: t), UInt32(30 - t % 30), "seconds left")
            let s = try OtpGenerator(secret: Data(key), parameters: otpParametersSteam())
            h.equal(try s.codeAt(unixTime: t), OpenSSLOtp.steam(key, t), "steam")
        }
    }

    h.test("defaultsAndParameters") {
        h.equal(otpParametersDefault(), OtpParameters(kind: .totp(period: 30, t0: 0), algorithm: .sha1, digits: 6))
        h.equal(otpParametersSteam(), OtpParameters(kind: .steam(period: 30), algorithm: .sha1, digits: 5))
        let g = try OtpGenerator(secret: Data(rfcKey), parameters: otpParametersDefault())
        let now = UInt64(Date().timeIntervalSince1970)
        let c = try g.currentCode(clock: systemClock())
        let a = try g.codeAt(unixTime: now), b = try g.codeAt(unixTime: now + 1)
        h.check(c == a || c == b, "system clock code")
    }

    h.test("garbageGivesTypedOtpErrors") {
        func otpCode(_ body: () throws -> Void) -> String? {
            guard let e = h.throwsDuet("otp", body) else { return nil }
            guard case .Otp = e else { h.fail("not an Otp error: \(e)"); return nil }
            return e.code
        }
        h.equal(otpCode { _ = try OtpGenerator(secret: Data(), parameters: otpParametersDefault()) }, "E_OTP_SECRET_EMPTY")
        h.equal(otpCode { _ = try OtpGenerator(secret: Data(rfcKey), parameters: OtpParameters(kind: .totp(period: 30, t0: 0), algorithm: .sha1, digits: 4)) }, "E_OTP_DIGITS_RANGE")
        h.equal(otpCode { _ = try OtpGenerator(secret: Data(rfcKey), parameters: OtpParameters(kind: .steam(period: 30), algorithm: .sha1, digits: 6)) }, "E_OTP_STEAM_DIGITS")
        h.equal(otpCode { _ = try OtpGenerator(secret: Data(rfcKey), parameters: OtpParameters(kind: .totp(period: 0, t0: 0), algorithm: .sha1, digits: 6)) }, "E_OTP_PERIOD_RANGE")
        let late = try OtpGenerator(secret: Data(rfcKey), parameters: OtpParameters(kind: .totp(period: 30, t0: 1000), algorithm: .sha1, digits: 6))
        h.equal(otpCode { _ = try late.codeAt(unixTime: 999) }, "E_OTP_TIME_BEFORE_T0")
        let hotp = try OtpGenerator(secret: Data(rfcKey), parameters: OtpParameters(kind: .hotp(counter: 5), algorithm: .sha1, digits: 6))
        // HOTP shows the stored counter's code whatever the time (RFC 4226 vectors 5 and 6).
        h.equal(try hotp.codeAt(unixTime: 59), "254676")
        h.equal(try hotp.nextCode(unixTime: 59), "287922")
        h.equal(otpCode { _ = try hotp.secondsLeft(unixTime: 59) }, "E_OTP_NOT_TIME_BASED")
        let g = try OtpGenerator(secret: Data(rfcKey), parameters: otpParametersDefault())
        h.equal(h.throwsDuet("clock") { _ = try g.currentCode(clock: FixedClock(-5)) }?.code, "E_FFI_CLOCK")
        // A Swift error of a foreign type thrown by an app callback arrives as E_FFI_CALLBACK.
        h.equal(h.throwsDuet("broken clock") { _ = try g.currentCode(clock: BrokenClock()) }?.code, "E_FFI_CALLBACK")
    }

    h.test("manyThreadsComputeCodesAtOnce") {
        let shared = try OtpGenerator(secret: Data(rfcKey), parameters: OtpParameters(kind: .totp(period: 30, t0: 0), algorithm: .sha1, digits: 8))
        let lock = NSLock()
        var mismatches = 0
        DispatchQueue.concurrentPerform(iterations: 32) { i in
            guard let own = try? OtpGenerator(secret: Data(rfcKey256), parameters: OtpParameters(kind: .totp(period: 30, t0: 0), algorithm: .sha256, digits: 8)) else {
                lock.lock(); mismatches += 1; lock.unlock(); return
            }
            for k in 0..<300 {
                let t = UInt64(59 + 30 * (i * 300 + k))
                let ok = (try? shared.codeAt(unixTime: t)) == OpenSSLOtp.hotp(rfcKey, t / 30, 8)
                    && (try? own.codeAt(unixTime: t)) == OpenSSLOtp.hotp(rfcKey256, t / 30, 8, EVP_sha256())
                if !ok { lock.lock(); mismatches += 1; lock.unlock() }
            }
        }
        h.equal(mismatches, 0, "mismatches across threads")
    }

    h.test("objectLifetimes") {
        // Objects are freed when the last reference goes; many short-lived ones must not leak or crash.
        weak var weakRef: OtpGenerator?
        do {
            let g = try OtpGenerator(secret: Data(rfcKey), parameters: otpParametersDefault())
            weakRef = g
            h.equal(g.codeForCounter(counter: 1), "287082")
        }
        h.check(weakRef == nil, "generator released at end of scope")
        for i in 0..<10_000 {
            _ = try OtpGenerator(secret: Data(rfcKey), parameters: otpParametersDefault()).codeForCounter(counter: UInt64(i))
        }
    }
}
