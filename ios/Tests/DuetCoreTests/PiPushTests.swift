import COpenSSL
import Foundation

/// RFC 4648 Base32, upper case and padded (privacyIDEA's signature encoding).
enum B32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    static func encode(_ data: Data) -> String {
        var out = ""
        var buf = 0, bits = 0
        for b in data {
            buf = (buf << 8) | Int(b); bits += 8
            while bits >= 5 { out.append(alphabet[(buf >> (bits - 5)) & 31]); bits -= 5 }
            buf &= (1 << bits) - 1
        }
        if bits > 0 { out.append(alphabet[(buf << (5 - bits)) & 31]) }
        while out.count % 8 != 0 { out.append("=") }
        return out
    }
    static func decode(_ s: String) -> Data {
        var out = Data()
        var buf = 0, bits = 0
        for c in s where c != "=" {
            guard let v = alphabet.firstIndex(of: c) else { return Data() }
            buf = (buf << 5) | v; bits += 5
            if bits >= 8 { out.append(UInt8((buf >> (bits - 8)) & 0xff)); bits -= 8 }
            buf &= (1 << bits) - 1
        }
        return out
    }
}

/// An RSA key on OpenSSL's libcrypto: SHA256withRSA (PKCS#1 v1.5), SPKI DER public key.
final class OpenSSLRsaKey: DeviceSigner, @unchecked Sendable {
    let key: OpaquePointer

    init(bits: Int32) {
        let ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil)!
        defer { EVP_PKEY_CTX_free(ctx) }
        precondition(EVP_PKEY_keygen_init(ctx) == 1)
        precondition(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) == 1)
        var k: OpaquePointer?
        precondition(EVP_PKEY_keygen(ctx, &k) == 1)
        key = k!
    }

    init?(spki: Data) {
        let bytes = [UInt8](spki)
        guard let k = bytes.withUnsafeBufferPointer({ buf -> OpaquePointer? in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            return d2i_PUBKEY(nil, &p, bytes.count)
        }) else { return nil }
        key = k
    }

    deinit { EVP_PKEY_free(key) }

    func algorithm() -> SignerAlgorithm { .rsaPkcs1Sha256 }

    func publicKey() -> Data {
        var buf: UnsafeMutablePointer<UInt8>?
        let n = i2d_PUBKEY(key, &buf)
        defer { CRYPTO_free(buf, #file, #line) }
        return Data(bytes: buf!, count: Int(n))
    }

    /// PKCS#1 RSAPublicKey DER, as privacyIDEA sends its server key.
    func pkcs1PublicKey() -> Data {
        var buf: UnsafeMutablePointer<UInt8>?
        let n = i2d_PublicKey(key, &buf)
        defer { CRYPTO_free(buf, #file, #line) }
        return Data(bytes: buf!, count: Int(n))
    }

    func bits() -> Int32 { EVP_PKEY_get_bits(key) }

    func sign(message: Data) throws -> Data {
        Data(try opensslSignSha256(key, message))
    }

    func verify(_ message: String, _ sig: Data) -> Bool {
        let md = EVP_MD_CTX_new()!
        defer { EVP_MD_CTX_free(md) }
        guard EVP_DigestVerifyInit(md, nil, EVP_sha256(), nil, key) == 1 else { return false }
        let m = [UInt8](message.utf8), s = [UInt8](sig)
        return EVP_DigestVerify(md, s, s.count, m, m.count) == 1
    }
}

struct TransportDown: Error {}

/// A privacyIDEA /ttype/push endpoint written in Swift from privacyIDEA's pushtoken.py message
/// formats, with its own RSA key; also the app's HTTP transport.
final class SwiftPrivacyIdea: HttpTransport, @unchecked Sendable {
    let serial = "PIPU0001A2B3"
    let credential = "d41d8cd98f00b204"
    let url = "https://pi.example.com/ttype/push"
    let server = OpenSSLRsaKey(bits: 2048)
    var device: OpenSSLRsaKey?
    var challenges: [[String: String]] = []
    var answers: [[String: String]] = []
    var requests = 0

    func qr(sslverify: Int = 1) -> String {
        "otpauth://pipush/\(serial)?url=https%3A//pi.example.com/ttype/push&ttl=10&issuer=privacyIDEA" +
            "&enrollment_credential=\(credential)&v=1&serial=\(serial)&sslverify=\(sslverify)&poll_only=True"
    }

    func challenge(_ nonce: String, presence: String? = nil, forged: Bool = false) {
        var c = ["nonce": nonce, "url": url, "serial": serial, "question": "Sign in to VPN?", "title": "privacyIDEA", "sslverify": "1"]
        var msg = [nonce, url, serial, "Sign in to VPN?", "privacyIDEA", "1"].joined(separator: "|")
        if let p = presence { c["require_presence"] = p; msg += "|" + p }
        let key = forged ? OpenSSLRsaKey(bits: 2048) : server
        c["signature"] = B32.encode((try? key.sign(message: Data(msg.utf8))) ?? Data())
        challenges.append(c)
    }

    private func form(_ s: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in s.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if kv.count == 2 { out[kv[0]] = kv[1] }
        }
        return out
    }

    private func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
    private func ok(_ value: String, _ detail: String = "{}") -> HttpResponse {
        HttpResponse(status: 200, body: Data("{\"result\":{\"status\":true,\"value\":\(value)},\"detail\":\(detail)}".utf8))
    }
    private func fail(_ m: String) -> HttpResponse {
        HttpResponse(status: 400, body: Data("{\"result\":{\"status\":false,\"error\":{\"code\":10,\"message\":\(q(m))}}}".utf8))
    }

    func send(request: HttpRequest) throws -> HttpResponse {
        requests += 1
        guard request.verifyTls else { return fail("TLS checks must stay on") }
        switch request.method {
        case .post:
            guard request.url == url else { return fail("wrong url") }
            let f = form(String(decoding: request.body, as: UTF8.self))
            if let cred = f["enrollment_credential"] {
                guard cred == credential, f["serial"] == serial,
                      let pk = f["pubkey"], let spki = Data(base64Encoded: pk.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/"))
                else { return fail("invalid enrollment") }
                device = OpenSSLRsaKey(spki: spki)
                return ok("true", "{\"public_key\":\(q(server.pkcs1PublicKey().base64EncodedString())),\"rollout_state\":\"enrolled\",\"serial\":\(q(serial))}")
            }
            var msg = "\(f["nonce"] ?? "")|\(f["serial"] ?? "")"
            if f["decline"] == "1" { msg += "|decline" }
            if let p = f["presence_answer"] { msg += "|" + p }
            guard let d = device, d.verify(msg, B32.decode(f["signature"] ?? "")) else { return fail("Could not verify signature!") }
            answers.append(f)
            return ok("true")
        case .get:
            let parts = request.url.split(separator: "?", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0] == url else { return fail("wrong url") }
            let f = form(parts[1])
            guard let d = device, f["serial"] == serial,
                  d.verify("\(serial)|\(f["timestamp"] ?? "")", B32.decode(f["signature"] ?? ""))
            else { return fail("Could not verify signature!") }
            let list = challenges.map { c in "{" + c.map { "\(q($0.key)):\(q($0.value))" }.joined(separator: ",") + "}" }
            return ok("[" + list.joined(separator: ",") + "]")
        }
    }
}

final class FailingTransport: HttpTransport {
    let error: Error
    init(_ e: Error) { error = e }
    func send(request: HttpRequest) throws -> HttpResponse { throw error }
}

func pipushTests(_ h: Harness) {
    let t0: Int64 = 1_790_000_000

    h.test("privacyIDEA enrollment QR code") {
        let pi = SwiftPrivacyIdea()
        h.check(isPipushUri(text: pi.qr()), "is pipush")
        h.check(!isPipushUri(text: "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"), "totp is not pipush")
        let e = try PiPushEnrollment.parse(text: pi.qr())
        h.equal(e.serial(), pi.serial)
        h.equal(e.issuer(), "privacyIDEA")
        h.equal(e.url(), pi.url)
        h.equal(e.ttlMinutes(), 10)
        h.check(e.sslverify() && e.pollOnly(), "flags")
        h.equal(e.tlsWarning(), nil)
        let insecure = try PiPushEnrollment.parse(text: pi.qr(sslverify: 0))
        h.check(insecure.tlsWarning()?.contains("pi.example.com") ?? false, "sslverify=0 warning")
    }

    h.test("garbage privacyIDEA links give typed errors") {
        func push(_ c: String, _ text: String) {
            let e = h.throwsDuet(c) { _ = try PiPushEnrollment.parse(text: text) }
            if let e = e, case .Push = e { h.equal(e.code, c, text) } else { h.fail("\(text): not a Push error") }
        }
        push("E_PIPUSH_URI", "garbage")
        push("E_PIPUSH_URI_MISSING", "otpauth://pipush/X?serial=PIPU1&v=1&enrollment_credential=a&sslverify=1&ttl=10")
        push("E_PIPUSH_VERSION", SwiftPrivacyIdea().qr().replacingOccurrences(of: "&v=1", with: "&v=2"))
        let pi = SwiftPrivacyIdea()
        let http = try PiPushEnrollment.parse(text: pi.qr().replacingOccurrences(of: "https%3A//pi", with: "http%3A//pi"))
        let e = h.throwsDuet("http") { _ = try http.enroll(transport: pi, signer: OpenSSLRsaKey(bits: 2048), keyHandle: Data("a".utf8)) }
        if let e = e, case .Transport = e { h.equal(e.code, "E_TRANSPORT_INSECURE_HTTP") } else { h.fail("not a Transport error") }
        h.equal(pi.requests, 0)
        let ec = h.throwsDuet("P-256 key") { _ = try PiPushEnrollment.parse(text: pi.qr()).enroll(transport: pi, signer: OpenSSLSigner(), keyHandle: Data()) }
        h.equal(ec?.code, "E_PIPUSH_DEVICE_KEY")
    }

    h.test("Swift RSA key enrolls, polls, approves, picks and declines through the vault") {
        let pi = SwiftPrivacyIdea()
        let signer = OpenSSLRsaKey(bits: 4096)
        let account = try PiPushEnrollment.parse(text: pi.qr()).enroll(transport: pi, signer: signer, keyHandle: Data("keychain-tag-1".utf8))
        h.equal(pi.device?.publicKey(), signer.publicKey(), "server got the device key")
        h.equal(account.displayName(), "privacyIDEA: \(pi.serial)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("duet-pipush-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let vault = try DuetVault.create(path: dir.appendingPathComponent("v.db").path, provider: MemoryKeyProvider(), clock: FixedClock(t0))
        let id = try vault.addPipushAccount(account: account)
        pi.challenge("nonce-approve-0001")
        pi.challenge("nonce-forged-00002", forged: true)
        let polled = try pipushPoll(transport: pi, account: try vault.pipushAccounts()[0].account, signer: signer, clock: FixedClock(t0 + 10))
        h.equal(polled.rejectedCodes, ["E_PIPUSH_SIGNATURE"])
        h.equal(polled.requests.count, 1)
        guard let req = polled.requests.first else { return }
        let p = req.pending()
        h.equal(p.protocol, .privacyIdea)
        h.equal(p.requestId, "nonce-approve-0001")
        h.equal(p.title, "privacyIDEA")
        h.equal(p.message, "Sign in to VPN?")
        h.equal(p.matching, NumberMatching.none)
        let stored = try vault.pipushAnswer(id: id, request: req, answer: .approve(number: nil), signer: signer, transport: pi)
        h.check(stored.wasAnswered(nonce: "nonce-approve-0001"), "recorded")
        h.equal(pi.answers.count, 1)
        h.equal(pi.answers.first?["decline"], nil)
        h.equal(h.throwsDuet("again") { _ = try vault.pipushAnswer(id: id, request: req, answer: .approve(number: nil), signer: signer, transport: pi) }?.code,
                "E_PIPUSH_ALREADY_ANSWERED")

        pi.challenges = []
        pi.challenge("nonce-presence-003", presence: "AB,CD,EF")
        let pres = try pipushPoll(transport: pi, account: try vault.pipushAccounts()[0].account, signer: signer, clock: FixedClock(t0 + 12)).requests[0]
        h.equal(pres.pending().matching, .pick(choices: ["AB", "CD", "EF"]))
        let current = try vault.pipushAccounts()[0].account
        h.equal(h.throwsDuet("no pick") { try pipushSendAnswer(transport: pi, account: current, request: pres, answer: .approve(number: nil), signer: signer) }?.code,
                "E_PIPUSH_PRESENCE_REQUIRED")
        h.equal(h.throwsDuet("wrong pick") { try pipushSendAnswer(transport: pi, account: current, request: pres, answer: .approve(number: "XY"), signer: signer) }?.code,
                "E_PIPUSH_PRESENCE_ANSWER")
        _ = try vault.pipushAnswer(id: id, request: pres, answer: .approve(number: "CD"), signer: signer, transport: pi)
        h.equal(pi.answers.last?["presence_answer"], "CD")

        pi.challenges = []
        pi.challenge("nonce-decline-0004")
        let dec = try pipushPoll(transport: pi, account: try vault.pipushAccounts()[0].account, signer: signer, clock: FixedClock(t0 + 13)).requests[0]
        _ = try vault.pipushAnswer(id: id, request: dec, answer: .denyNotMe, signer: signer, transport: pi)
        h.equal(pi.answers.last?["decline"], "1")
        h.equal(pi.answers.count, 3)
    }

    h.test("software RSA-4096 key made and used by the core") {
        let pi = SwiftPrivacyIdea()
        let account = try PiPushEnrollment.parse(text: pi.qr()).enrollWithSoftwareKey(transport: pi)
        h.equal(pi.device?.bits(), 4096)
        pi.challenge("nonce-software-001")
        let req = try pipushPoll(transport: pi, account: account, signer: nil, clock: FixedClock(t0)).requests[0]
        try pipushSendAnswer(transport: pi, account: account, request: req, answer: .denyMistake, signer: nil)
        h.equal(pi.answers.first?["decline"], "1")
    }

    h.test("transport failures are typed") {
        let pi = SwiftPrivacyIdea()
        let signer = OpenSSLRsaKey(bits: 2048)
        let account = try PiPushEnrollment.parse(text: pi.qr()).enroll(transport: pi, signer: signer, keyHandle: Data([1]))
        let timeout = h.throwsDuet("timeout") {
            _ = try pipushPoll(transport: FailingTransport(DuetError.Transport(code: "E_TRANSPORT_TIMEOUT", reason: "URLSession timeout")),
                               account: account, signer: signer, clock: FixedClock(t0))
        }
        if let t = timeout, case .Transport(let code, let reason) = t {
            h.equal(code, "E_TRANSPORT_TIMEOUT")
            h.check(reason.contains("pi.example.com"), reason)
        } else { h.fail("not a Transport error") }
        h.equal(h.throwsDuet("down") { _ = try pipushPoll(transport: FailingTransport(TransportDown()), account: account, signer: signer, clock: FixedClock(t0)) }?.code,
                "E_TRANSPORT_FAILED")
    }
}
