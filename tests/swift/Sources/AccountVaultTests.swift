import COpenSSL
import Foundation

/// Stands in for a Keychain-held key: one random 32-byte key per vault file.
final class MemoryKeyProvider: VaultKeyProvider, @unchecked Sendable {
    private var keys: [String: Data] = [:]
    private let lock = NSLock()
    func vaultKey(vaultPath: String) throws -> Data {
        lock.lock(); defer { lock.unlock() }
        if let k = keys[vaultPath] { return k }
        let k = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
        keys[vaultPath] = k
        return k
    }
}

final class ShortKeyProvider: VaultKeyProvider {
    func vaultKey(vaultPath: String) throws -> Data { Data(count: 16) }
}

func accountVaultTests(_ h: Harness) {
    let googleKey: [UInt8] = [0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x21, 0xde, 0xad, 0xbe, 0xef]
    let googleUri = "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"

    h.test("otpauth URI to codes") {
        let a = try Account.fromUri(uri: googleUri)
        h.equal(a.issuer(), "Example")
        h.equal(a.name(), "alice@google.com")
        h.equal(a.warnings().map { $0.code }, ["W_URI_SECRET_SHORT"])
        h.equal(try a.generator().codeAt(unixTime: 1_790_000_000), OpenSSLOtp.hotp(googleKey, 1_790_000_000 / 30, 6))
        let b = try Account.fromUri(uri: a.toUri())
        h.equal(try b.generator().codeAt(unixTime: 59), OpenSSLOtp.hotp(googleKey, 1, 6))
    }

    h.test("garbage URIs give typed errors") {
        let cases = ["https://example.com": "E_URI_SCHEME", "otpauth://totp/x?secret=!!!": "E_URI_SECRET_BASE32",
                     "otpauth://totp/x": "E_URI_SECRET_MISSING", "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=99": "E_URI_DIGITS"]
        for (uri, code) in cases {
            let e = h.throwsDuet(uri) { _ = try Account.fromUri(uri: uri) }
            if let e = e, case .Uri = e { h.equal(e.code, code, uri) } else { h.fail("\(uri): not a Uri error") }
        }
        for _ in 0..<2000 {
            let s = "otpauth://totp/" + String((0..<Int.random(in: 0..<40)).map { _ in Character(UnicodeScalar(UInt8.random(in: 1...255))) })
            do { _ = try Account.fromUri(uri: s) } catch is DuetError {} catch { h.fail("untyped error \(error)") }
        }
    }

    h.test("vault stores accounts across reopen") {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("duet-vault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("vault.db").path
        let keys = MemoryKeyProvider()
        var ids: [String] = []
        do {
            let v = try DuetVault.create(path: path, provider: keys, clock: FixedClock(1_790_000_000))
            ids.append(try v.addAccount(account: try Account.fromUri(uri: googleUri)))
            ids.append(try v.addAccount(account: try Account.fromUri(uri: "otpauth://hotp/ACME:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0")))
        }
        let v = try DuetVault.open(path: path, provider: keys, clock: FixedClock(1_790_000_100))
        h.equal(try v.accounts().map { $0.name }, ["alice@google.com", "bob"])
        let rfc = Array("12345678901234567890".utf8)
        h.equal(try v.nextHotp(id: ids[1]).generator().codeAt(unixTime: 0), OpenSSLOtp.hotp(rfc, 0, 6))
        h.equal(try v.nextHotp(id: ids[1]).generator().codeAt(unixTime: 0), OpenSSLOtp.hotp(rfc, 1, 6))
        h.equal(h.throwsDuet("wrong key") { _ = try DuetVault.open(path: path, provider: MemoryKeyProvider(), clock: FixedClock(0)) }?.code, "E_VAULT_WRONG_KEY")
        h.equal(h.throwsDuet("short key") { _ = try DuetVault.create(path: dir.appendingPathComponent("b.db").path, provider: ShortKeyProvider(), clock: FixedClock(0)) }?.code, "E_KEY_BAD_LENGTH")
        h.equal(h.throwsDuet("missing") { _ = try DuetVault.open(path: dir.appendingPathComponent("none.db").path, provider: keys, clock: FixedClock(0)) }?.code, "E_VAULT_MISSING")
        try? FileManager.default.removeItem(at: dir)
    }
}
