import COpenSSL
import DuetCore
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
    /// The server's clock: polls stamped more than 60 s away are refused, like pushtoken.py.
    var now: Int64 = 0

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
        guard (1000...60000).contains(request.timeoutMs) else { return fail("time limit \(request.timeoutMs)") }
        switch request.method {
        case .post:
            guard request.url == url else { return fail("wrong url") }
            guard request.contentType == "application/x-www-form-urlencoded" else { return fail("content type") }
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
            let iso = ISO8601DateFormatter()
            guard let ts = iso.date(from: f["timestamp"] ?? "") else { return fail("Timestamp \(f["timestamp"] ?? "") not in valid range.") }
            if abs(Int64(ts.timeIntervalSince1970) - now) > 60 { return fail("Timestamp \(f["timestamp"] ?? "") not in valid range.") }
            guard let d = device, f["serial"] == serial,
                  d.verify("\(serial)|\(f["timestamp"] ?? "")", B32.decode(f["signature"] ?? ""))
            else { return fail("Could not verify signature!") }
            let list = challenges.map { c in "{" + c.map { "\(q($0.key)):\(q($0.value))" }.joined(separator: ",") + "}" }
            return ok("[" + list.joined(separator: ",") + "]")
        }
    }
}

/// The app's HTTP stack in front of the peer, so a test can break it.
final class Switch: HttpTransport, @unchecked Sendable {
    var inner: HttpTransport
    init(_ inner: HttpTransport) { self.inner = inner }
    func send(request: HttpRequest) throws -> HttpResponse { try inner.send(request: request) }
}

final class FailingTransport: HttpTransport, @unchecked Sendable {
    let error: Error
    init(_ e: Error) { error = e }
    func send(request: HttpRequest) throws -> HttpResponse { throw error }
}

final class FixedTransport: HttpTransport, @unchecked Sendable {
    let response: HttpResponse
    init(_ response: HttpResponse) { self.response = response }
    func send(request: HttpRequest) throws -> HttpResponse { response }
}


func pipushTests(_ h: Harness) {
    let t0: Int64 = 1_790_000_000

    func withApp(_ pi: SwiftPrivacyIdea, _ keystore: OpenSSLKeystore?, _ body: (DuetApp, MutableClock, Switch) throws -> Void) throws {
        let tv = try TempVault()
        defer { tv.close() }
        let clock = MutableClock(t0)
        let net = Switch(pi)
        try body(try tv.create(services(clock, net, keystore)), clock, net)
    }

    func pushCode(_ what: String, _ body: () throws -> Void) -> String? {
        let e = h.throwsDuet(what, body)
        if let e = e, case .Push = e { return e.code }
        h.fail("\(what): not a Push error: \(String(describing: e))")
        return nil
    }

    h.test("enrollmentQrCodeIsReadLikePrivacyIdeaWritesIt") {
        let pi = SwiftPrivacyIdea()
        h.check(isPipushUri(text: pi.qr()), "is pipush")
        h.check(!isPipushUri(text: "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"), "totp is not pipush")
        let e = try PiPushEnrollment.parse(text: pi.qr())
        h.equal(e.serial(), pi.serial)
        h.equal(e.label(), pi.serial)
        h.equal(e.issuer(), "privacyIDEA")
        h.equal(e.url(), pi.url)
        h.equal(e.ttlMinutes(), 10)
        h.check(e.sslverify() && e.pollOnly(), "flags")
        h.equal(e.tlsWarning(), nil)
        let insecure = try PiPushEnrollment.parse(text: pi.qr(sslverify: 0))
        h.check(!insecure.sslverify(), "sslverify=0")
        h.check(insecure.tlsWarning()?.contains("pi.example.com") ?? false, "sslverify=0 warning")
    }

    h.test("garbageEnrollmentLinksGiveTypedPushErrors") {
        h.equal(pushCode("garbage") { _ = try PiPushEnrollment.parse(text: "garbage") }, "E_PIPUSH_URI")
        h.equal(pushCode("totp") { _ = try PiPushEnrollment.parse(text: "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP") }, "E_PIPUSH_URI")
        h.equal(pushCode("no url") { _ = try PiPushEnrollment.parse(text: "otpauth://pipush/X?serial=PIPU1&v=1&enrollment_credential=a&sslverify=1&ttl=10") },
                "E_PIPUSH_URI_MISSING")
        h.equal(pushCode("v=2") { _ = try PiPushEnrollment.parse(text: SwiftPrivacyIdea().qr().replacingOccurrences(of: "&v=1", with: "&v=2")) },
                "E_PIPUSH_VERSION")
        // A plain-http server is refused before any key is made or anything sent.
        let pi = SwiftPrivacyIdea()
        let keystore = OpenSSLKeystore()
        try withApp(pi, keystore) { app, _, _ in
            let e = h.throwsDuet("http") { _ = try app.addScanned(text: pi.qr().replacingOccurrences(of: "https%3A//pi", with: "http%3A//pi")) }
            if let e = e, case .Transport = e { h.equal(e.code, "E_TRANSPORT_INSECURE_HTTP") } else { h.fail("not a Transport error: \(String(describing: e))") }
            h.equal(try app.pushAccounts().count, 0)
        }
        h.equal(pi.requests, 0)
        h.equal(keystore.keys.count, 0)
    }

    h.test("keystoreRsaKeyEnrollsPollsApprovesAndDeclines") {
        let pi = SwiftPrivacyIdea()
        let keystore = OpenSSLKeystore()
        try withApp(pi, keystore) { app, clock, _ in
            guard case .push(_, let label, _) = try app.addScanned(text: pi.qr()) else { h.fail("not a push account"); return }
            h.equal(label, "privacyIDEA: \(pi.serial)")
            h.equal(keystore.keys.count, 1)
            guard let key = keystore.keys.values.first as? OpenSSLRsaKey else { h.fail("no RSA key in the keystore"); return }
            h.equal(pi.device?.publicKey(), key.publicKey(), "server got the keystore's key")
            let accounts = try app.pushAccounts()
            h.equal(accounts.count, 1)
            h.equal(accounts.first?.protocol, .privacyIdea)
            h.equal(accounts.first?.accountId, pi.serial)
            h.equal(accounts.first?.platformKey, true)

            clock.now = t0 + 10; pi.now = clock.now
            pi.challenge("nonce-approve-0001")
            pi.challenge("nonce-forged-00002", forged: true)
            let polled = try app.poll()
            h.equal(polled.notices.map { $0.code }, ["E_PIPUSH_SIGNATURE"])
            h.equal(polled.requests.count, 1)
            guard let p = polled.requests.first else { return }
            h.equal(p.protocol, .privacyIdea)
            h.equal(p.requestId, "nonce-approve-0001")
            // Title and question are signed as one unit, so they are shown as one text.
            h.equal(p.title, nil)
            h.equal(p.message, "privacyIDEA: Sign in to VPN?")
            h.equal(p.matching, NumberMatching.none)
            // Two steps: the bytes privacyIDEA verifies, signed inside the prompt.
            let toSign = try app.prepareAnswer(requestId: p.requestId, answer: .approve(number: nil))
            h.equal(toSign.algorithm, .rsaPkcs1Sha256)
            h.equal(String(decoding: toSign.message, as: UTF8.self), "nonce-approve-0001|\(pi.serial)")
            h.equal(try app.submitAnswer(requestId: p.requestId, signature: try keystore.signInPrompt(toSign.keyHandle, toSign.message)), .accepted)
            h.equal(pi.answers.count, 1)
            h.equal(pi.answers.first?["nonce"], "nonce-approve-0001")
            h.equal(pi.answers.first?["decline"], nil)
            // Answered once: gone here, and the next poll refuses it.
            let again = h.throwsDuet("again") { _ = try app.prepareAnswer(requestId: p.requestId, answer: .approve(number: nil)) }
            if case .App(let code, _)? = again { h.equal(code, "E_APP_REQUEST_NOT_WAITING") } else { h.fail("again: not an App error: \(String(describing: again))") }
            pi.challenges.remove(at: 1)
            let second = try app.poll()
            h.equal(second.requests.count, 0)
            h.equal(second.notices.map { $0.code }, ["E_PIPUSH_ALREADY_ANSWERED"])

            // Presence mode: pick the answer shown on the sign-in screen.
            pi.challenges = []
            pi.challenge("nonce-presence-003", presence: "AB,CD,EF")
            guard let pres = try app.poll().requests.first else { h.fail("no presence request"); return }
            h.equal(pres.matching, .pick(choices: ["AB", "CD", "EF"]))
            h.equal(pushCode("no pick") { _ = try app.prepareAnswer(requestId: pres.requestId, answer: .approve(number: nil)) }, "E_PIPUSH_PRESENCE_REQUIRED")
            h.equal(pushCode("wrong pick") { _ = try app.prepareAnswer(requestId: pres.requestId, answer: .approve(number: "XY")) }, "E_PIPUSH_PRESENCE_ANSWER")
            h.equal(try app.answer(requestId: pres.requestId, answer: .approve(number: "CD")), .accepted)
            h.equal(pi.answers.last?["presence_answer"], "CD")

            // Decline ("this was not me"): the server sees decline=1 signed over nonce|serial|decline.
            pi.challenges = []
            pi.challenge("nonce-decline-0004")
            guard let dec = try app.poll().requests.first else { h.fail("no request to decline"); return }
            h.equal(try app.answer(requestId: dec.requestId, answer: .denyNotMe), .accepted)
            h.equal(pi.answers.last?["decline"], "1")
            h.equal(pi.answers.count, 3)
        }
    }

    h.test("softwareKeyEnrollmentSignsInTheCore") {
        let pi = SwiftPrivacyIdea()
        try withApp(pi, nil) { app, clock, _ in
            _ = try app.addScanned(text: pi.qr())
            h.equal(pi.device?.bits(), 4096, "RSA-4096 like privacyIDEA's app")
            h.equal(try app.pushAccounts().first?.platformKey, false)
            pi.now = clock.now
            pi.challenge("nonce-software-001")
            guard let req = try app.poll().requests.first else { h.fail("no request"); return }
            h.equal(try app.prepareAnswer(requestId: req.requestId, answer: .denyMistake).keyHandle, nil)
            h.equal(try app.answer(requestId: req.requestId, answer: .denyMistake), .accepted)
            h.equal(pi.answers.count, 1)
            h.equal(pi.answers.first?["decline"], "1")
        }
    }

    h.test("clockAndTransportFailuresAreTyped") {
        let pi = SwiftPrivacyIdea()
        try withApp(pi, OpenSSLKeystore()) { app, clock, net in
            _ = try app.addScanned(text: pi.qr())
            pi.now = t0
            // The server refuses a poll stamped 10 minutes off: the user is told to fix the clock.
            clock.now = t0 + 600
            h.equal(try app.poll().failures.map { $0.error.code }, ["E_PIPUSH_CLOCK"])
            clock.now = t0
            // The app's HTTP stack failing: typed transport errors with the core's own sentence.
            net.inner = FailingTransport(DuetError.Transport(code: "E_TRANSPORT_TIMEOUT", reason: "URLSession timeout"))
            let t = try app.poll().failures
            if case .Transport(let code, let reason)? = t.first?.error {
                h.equal(code, "E_TRANSPORT_TIMEOUT")
                h.check(reason.contains("pi.example.com"), reason)
            } else { h.fail("not a Transport error: \(t)") }
            net.inner = FailingTransport(TransportDown())
            h.equal(try app.poll().failures.map { $0.error.code }, ["E_TRANSPORT_FAILED"])
            net.inner = FixedTransport(HttpResponse(status: 502, body: Data("<html>bad gateway</html>".utf8)))
            h.equal(try app.poll().failures.map { $0.error.code }, ["E_PIPUSH_SERVER"])
            net.inner = pi
            h.equal(try app.poll().failures.count, 0)
        }
    }
}
