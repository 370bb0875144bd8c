import COpenSSL
import DuetCore
import Foundation

final class ShortKeyProvider: VaultKeyProvider {
    func vaultKey(vaultPath: String) throws -> Data { Data(count: 16) }
}

/// A key provider whose callback fails: with a typed error (a cancelled Face ID prompt) or not.
final class FailingKeyProvider: VaultKeyProvider {
    let error: Error
    init(_ error: Error) { self.error = error }
    func vaultKey(vaultPath: String) throws -> Data { throw error }
}

struct KeychainGone: Error {}

func accountVaultTests(_ h: Harness) {
    // Google's Key URI Format example: secret "Hello!\xDE\xAD\xBE\xEF" (80 bits).
    let googleKey: [UInt8] = [0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x21, 0xde, 0xad, 0xbe, 0xef]
    let googleUri = "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"
    let rfcKey = Array("12345678901234567890".utf8)

    h.test("otpauthUriToCodes") {
        let a = try Account.fromUri(uri: googleUri)
        h.equal(a.issuer(), "Example")
        h.equal(a.name(), "alice@google.com")
        h.equal(a.parameters(), otpParametersDefault())
        h.equal(a.warnings().map { $0.code }, ["W_URI_SECRET_SHORT"])
        h.equal(try a.generator().codeAt(unixTime: 1_790_000_000), OpenSSLOtp.hotp(googleKey, 1_790_000_000 / 30, 6))
        // Round trip through the canonical writer keeps labels and secret.
        let b = try Account.fromUri(uri: a.toUri())
        h.equal(b.name(), a.name())
        h.equal(try b.generator().codeAt(unixTime: 59), OpenSSLOtp.hotp(googleKey, 1, 6))
        let sha256 = try Account.fromUri(uri: "otpauth://hotp/ACME:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA256&digits=8&counter=3")
        h.equal(sha256.parameters(), OtpParameters(kind: .hotp(counter: 3), algorithm: .sha256, digits: 8))
        h.equal(try sha256.generator().codeAt(unixTime: 0), OpenSSLOtp.hotp(rfcKey, 3, 8, EVP_sha256()))
        let typed = try Account.fromSetupKey(issuer: "Example", name: "alice", setupKey: "jbsw y3dp ehpk 3pxp", parameters: otpParametersDefault())
        h.equal(try typed.generator().codeAt(unixTime: 60), OpenSSLOtp.hotp(googleKey, 2, 6))
    }

    h.test("garbageUrisGiveTypedErrors") {
        let cases = ["https://example.com": "E_URI_SCHEME", "otpauth://totp/x?secret=!!!": "E_URI_SECRET_BASE32",
                     "otpauth://totp/x": "E_URI_SECRET_MISSING", "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=99": "E_URI_DIGITS",
                     "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5": "E_URI_ALGORITHM",
                     "otpauth://blah/x?secret=JBSWY3DPEHPK3PXP": "E_URI_TYPE",
                     "otpauth-migration://offline?data=abc": "E_URI_IS_MIGRATION"]
        for (uri, code) in cases {
            let e = h.throwsDuet(uri) { _ = try Account.fromUri(uri: uri) }
            if let e = e, case .Uri(_, let reason) = e {
                h.equal(e.code, code, uri)
                h.check(!reason.contains("JBSWY3DPEHPK3PXP"), "secret in message: \(reason)")
            } else { h.fail("\(uri): not a Uri error") }
        }
        h.equal(h.throwsDuet("too long") { _ = try Account.fromUri(uri: "otpauth://totp/" + String(repeating: "a", count: 70_000)) }?.code, "E_URI_TOO_LONG")
        let digits = h.throwsDuet("3 digits") {
            _ = try Account.fromSetupKey(issuer: nil, name: "x", setupKey: "JBSWY3DPEHPK3PXP",
                                         parameters: OtpParameters(kind: .totp(period: 30, t0: 0), algorithm: .sha1, digits: 3))
        }
        if case .Otp(let c, _)? = digits { h.equal(c, "E_OTP_DIGITS_RANGE") } else { h.fail("3 digits: not an Otp error") }
        // Random bytes never crash the parser.
        for _ in 0..<2000 {
            let s = "otpauth://totp/" + String((0..<Int.random(in: 0..<40)).map { _ in Character(UnicodeScalar(UInt8.random(in: 1...255))) })
            do { _ = try Account.fromUri(uri: s) } catch is DuetError {} catch { h.fail("untyped error \(error)") }
        }
    }

    h.test("vaultStoresAccountsAcrossReopen") {
        let tv = try TempVault()
        defer { tv.close() }
        let clock = MutableClock(1_790_000_000)
        var ids: [String] = []
        do {
            let app = try tv.create(services(clock, NoNetwork()))
            guard case .otp(let a, _, let warnings) = try app.addScanned(text: googleUri),
                  case .otp(let b, _, _) = try app.addScanned(text: "otpauth://hotp/ACME:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0")
            else { h.fail("not OTP accounts"); return }
            h.equal(warnings.map { $0.code }, ["W_URI_SECRET_SHORT"])
            try app.rename(id: a, issuer: "Example Inc", name: "alice")
            ids = [a, b]
        }
        do {
            let app = try tv.open(services(clock, NoNetwork()))
            let list = try app.accounts()
            h.equal(list.map { $0.id }, ids)
            h.equal(list.map { $0.name }, ["alice", "bob"])
            h.equal(list.first?.issuer, "Example Inc")
            clock.now = 150
            h.equal(try app.codes().entries.first?.code, OpenSSLOtp.hotp(googleKey, 5, 6))
            // HOTP: each use advances the stored counter (RFC 4226 vectors 0, 1); the list shows the next.
            h.equal(try app.nextHotp(id: ids[1]), OpenSSLOtp.hotp(rfcKey, 0, 6))
            h.equal(try app.nextHotp(id: ids[1]), OpenSSLOtp.hotp(rfcKey, 1, 6))
            let hotp = try app.codes().entries[1]
            h.equal(hotp.code, OpenSSLOtp.hotp(rfcKey, 2, 6))
            h.equal(hotp.nextCode, "", "HOTP has no next code before nextHotp")
            h.equal(hotp.secondsLeft, 0)
            h.equal(h.throwsDuet("TOTP next") { _ = try app.nextHotp(id: ids[0]) }?.code, "E_VAULT_NOT_HOTP")
            try app.remove(id: ids[0])
            h.equal(h.throwsDuet("removed twice") { try app.remove(id: ids[0]) }?.code, "E_VAULT_NOT_FOUND")
        }
        // Wrong key, missing file, short key, failing key provider: typed errors, data kept.
        let s = services(clock, NoNetwork())
        func vault(_ what: String, _ body: () throws -> Void) -> String? {
            let e = h.throwsDuet(what, body)
            if let e = e, case .Vault = e { return e.code }
            h.fail("\(what): not a Vault error: \(String(describing: e))")
            return nil
        }
        h.equal(vault("wrong key") { _ = try DuetApp.open(path: tv.path, provider: MemoryKeyProvider(), services: s) }, "E_VAULT_WRONG_KEY")
        h.equal(vault("missing") { _ = try DuetApp.open(path: tv.dir.appendingPathComponent("none.db").path, provider: tv.keys, services: s) }, "E_VAULT_MISSING")
        h.equal(vault("short key") { _ = try DuetApp.create(path: tv.dir.appendingPathComponent("b.db").path, provider: ShortKeyProvider(), services: s) }, "E_KEY_BAD_LENGTH")
        let cancelled = h.throwsDuet("cancelled") {
            _ = try DuetApp.open(path: tv.path, provider: FailingKeyProvider(DuetError.Callback(code: "E_FFI_CALLBACK", reason: "user cancelled")), services: s)
        }
        if case .Callback? = cancelled {} else { h.fail("cancelled: not a Callback error: \(String(describing: cancelled))") }
        h.equal(h.throwsDuet("crashing") { _ = try DuetApp.open(path: tv.path, provider: FailingKeyProvider(KeychainGone()), services: s) }?.code, "E_FFI_CALLBACK")
        let junk = tv.dir.appendingPathComponent("junk.db")
        try Data(repeating: 0x41, count: 4096).write(to: junk)
        _ = vault("junk") { _ = try DuetApp.open(path: junk.path, provider: tv.keys, services: s) }
        // Creating over an existing vault is refused and leaves it intact.
        h.equal(vault("create over") { _ = try DuetApp.create(path: tv.path, provider: tv.keys, services: s) }, "E_VAULT_OPEN")
        h.equal(try DuetApp.open(path: tv.path, provider: tv.keys, services: s).accounts().map { $0.name }, ["bob"])
    }

    /// One call gives the whole code list; each code and next code equals OpenSSL's HMAC HOTP.
    h.test("codeListInOneCallMatchesOpenSslHmac") {
        let tv = try TempVault()
        defer { tv.close() }
        let clock = MutableClock(1_111_111_109)
        let app = try tv.create(services(clock, NoNetwork()))
        let keys: [[UInt8]] = (1...50).map { i in (0..<20).map { UInt8(truncatingIfNeeded: $0 * 7 + i) } }
        let algs: [OtpAlgorithm] = [.sha1, .sha256, .sha512]
        let setup = try keys.enumerated().map { i, k in
            try Account.fromSetupKey(issuer: "Bulk", name: "user\(i)", setupKey: B32.encode(Data(k)).replacingOccurrences(of: "=", with: ""),
                                     parameters: OtpParameters(kind: .totp(period: 30, t0: 0), algorithm: algs[i % 3], digits: 8))
        }
        h.equal(try app.addAccounts(accounts: setup).count, 50)
        for t: Int64 in [59, 1_111_111_109, 2_000_000_000] {
            clock.now = t
            let codes = try app.codes()
            h.equal(codes.problems, [])
            h.equal(codes.entries.map { $0.id }, try app.accounts().map { $0.id })
            h.equal(try app.accounts().map { $0.label }, (0..<50).map { "Bulk:user\($0)" })
            for (i, c) in codes.entries.enumerated() {
                let md = [EVP_sha1(), EVP_sha256(), EVP_sha512()][i % 3]!
                h.equal(c.code, OpenSSLOtp.hotp(keys[i], UInt64(t / 30), 8, md), "user\(i)")
                h.equal(c.nextCode, OpenSSLOtp.hotp(keys[i], UInt64(t / 30 + 1), 8, md), "user\(i)")
                h.equal(c.secondsLeft, UInt32(30 - t % 30), "user\(i)")
            }
        }
        // Reordering moves the rows, not the codes.
        let ids = try app.codes().entries.map { $0.id }
        try app.reorder(ids: ids.reversed())
        h.equal(try app.codes().entries.map { $0.id }, Array(ids.reversed()))
        h.equal(h.throwsDuet("reorder with one missing") { try app.reorder(ids: Array(ids.dropFirst())) }?.code, "E_VAULT_NOT_FOUND")
    }
}
