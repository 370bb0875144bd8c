import Foundation

/// The app's HTTP stack as the bindings see it: every request the core built goes to the Rust test
/// server (tests/src/bin/duet-test-helper.rs) as that server's HTTP endpoints would get it.
final class HelperTransport: HttpTransport, @unchecked Sendable {
    let server: TestServerProcess
    var now: Int64
    var seen: [HttpRequest] = []
    init(_ server: TestServerProcess, _ now: Int64) { self.server = server; self.now = now }

    func send(request: HttpRequest) throws -> HttpResponse {
        seen.append(request)
        let base = "https://mfa.example.com"
        guard request.url.hasPrefix(base + "/") else { throw DuetError.Transport(code: "E_TRANSPORT_UNREACHABLE", reason: request.url) }
        let body = request.body.isEmpty ? "-" : request.body.map { String(format: "%02x", $0) }.joined()
        let r = server.cmd("http", request.method == .get ? "GET" : "POST", String(request.url.dropFirst(base.count)), body, String(now))
        guard r.count == 2, let status = UInt16(r[0]) else { throw DuetError.Transport(code: "E_TRANSPORT_FAILED", reason: r.joined()) }
        return HttpResponse(status: status, body: r[1] == "-" ? Data() : unhex(r[1]))
    }
}

final class ThrowingTransport: HttpTransport, @unchecked Sendable {
    let error: Error
    init(_ error: Error) { self.error = error }
    func send(request: HttpRequest) throws -> HttpResponse { throw error }
}

final class FixedTransport: HttpTransport, @unchecked Sendable {
    let response: HttpResponse
    init(_ response: HttpResponse) { self.response = response }
    func send(request: HttpRequest) throws -> HttpResponse { response }
}

/// pushSend, manual codes, push tokens, device key rotation and duet push accounts in the vault.
func pushLifecycleTests(_ h: Harness) {
    let t0: Int64 = 1_790_000_000
    let device = DeviceInfo(name: "Swift lifecycle phone", platform: "ios", keystore: "software")

    func send(_ http: HelperTransport, _ call: PushCall, _ now: Int64) throws -> Data {
        http.now = now
        return try pushSend(transport: http, call: call)
    }

    func enroll(_ server: TestServerProcess, _ http: HelperTransport, _ signer: DeviceSigner) throws -> PushAccount {
        let link = try EnrollmentLink.parse(text: server.cmd("enroll", "alice", String(t0))[0], clock: FixedClock(t0 + 5))
        let body = try send(http, try link.registration(signer: signer, device: device, clock: FixedClock(t0 + 5)), t0 + 5)
        return try link.finishRegistration(signer: signer, response: body, clock: FixedClock(t0 + 6)).account
    }

    /// Starts a sign-in, polls and approves it with `signer`; returns the server's status.
    func approveSignIn(_ server: TestServerProcess, _ http: HelperTransport, _ account: PushAccount, _ signer: DeviceSigner, _ now: Int64) throws -> [String] {
        let started = server.cmd("signin", account.user, "VPN", "none", String(now))
        let answered = AnsweredRequests()
        let body = try send(http, try pushPoll(account: account, signer: signer, clock: FixedClock(now + 1)), now + 1)
        let polled = try pushParsePoll(account: account, response: body, clock: FixedClock(now + 1), answered: answered)
        h.equal(polled.requests.count, 1, "requests")
        guard let req = polled.requests.first else { return [] }
        h.equal(req.pending().requestId, started[0])
        let answer = try send(http, try pushAnswer(account: account, request: req, answer: .approve(number: nil), signer: signer, clock: FixedClock(now + 2), answered: answered), now + 2)
        h.equal(String(decoding: answer, as: UTF8.self), "{\"status\":\"approved\"}")
        return server.cmd("status", started[0], String(now + 3))
    }

    /// SPKI DER or SEC1 of a P-256 key -> the uncompressed point (its last 65 bytes).
    func lastPoint(_ k: Data) -> Data { k.count >= 65 ? Data(k.suffix(65)) : k }

    func serverDeviceKey(_ server: TestServerProcess, _ account: PushAccount) -> Data {
        let r = server.cmd("devicekey", account.accountId)
        h.equal(r.first ?? "", "ES256", "device key algorithm")
        return r.count == 2 ? lastPoint(unhex(r[1])) : Data()
    }

    h.test("pushSend moves calls through the app transport and reports refusals") {
        let server = try TestServerProcess()
        defer { server.close() }
        let http = HelperTransport(server, t0)
        let signer = OpenSSLSigner()
        let account = try enroll(server, http, signer)
        h.equal(http.seen.count, 1, "one request for the registration")
        if let reg = http.seen.first {
            h.equal(reg.method, HttpMethod.post)
            h.equal(reg.url, "https://mfa.example.com/duet/v1/register")
            h.equal(reg.contentType, "application/json")
            h.check(reg.verifyTls && reg.timeoutMs > 0, "TLS checked, time limit set")
        }
        h.equal(try approveSignIn(server, http, account, signer, t0 + 10), ["approved"])

        let refused = h.throwsDuet("poll by a stranger") { _ = try send(http, try pushPoll(account: account, signer: OpenSSLSigner(), clock: FixedClock(t0 + 20)), t0 + 20) }
        if case .Push(let code, let reason)? = refused {
            h.equal(code, "E_PUSH_SERVER")
            h.check(reason.contains("E_VERIFIER_"), "server code named: \(reason)")
        } else { h.fail("not a Push error: \(String(describing: refused))") }

        let poll = try pushPoll(account: account, signer: signer, clock: FixedClock(t0 + 21))
        let unreachable = h.throwsDuet("unreachable") { _ = try pushSend(transport: ThrowingTransport(DuetError.Transport(code: "E_TRANSPORT_UNREACHABLE", reason: "no route")), call: poll) }
        if case .Transport(let code, _)? = unreachable { h.equal(code, "E_TRANSPORT_UNREACHABLE") } else { h.fail("not a Transport error") }
        h.equal(h.throwsDuet("crash") { _ = try pushSend(transport: ThrowingTransport(SignerFailure()), call: poll) }?.code, "E_TRANSPORT_FAILED")
        let gateway = h.throwsDuet("502") { _ = try pushSend(transport: FixedTransport(HttpResponse(status: 502, body: Data("<html>bad gateway</html>".utf8))), call: poll) }
        if case .Push(let code, let reason)? = gateway {
            h.equal(code, "E_PUSH_SERVER")
            h.check(reason.contains("502"), "status named: \(reason)")
        } else { h.fail("502: not a Push error") }
        let before = http.seen.count
        h.equal(h.throwsDuet("plain http") { _ = try pushSend(transport: http, call: PushCall(url: "http://mfa.example.com/duet/v1/poll", body: poll.body)) }?.code, "E_TRANSPORT_INSECURE_HTTP")
        h.equal(http.seen.count, before, "insecure call never reached the transport")
    }

    h.test("manual code enrolls through its lookup; typos give E_PUSH_CODE_CHECK") {
        let server = try TestServerProcess()
        defer { server.close() }
        let http = HelperTransport(server, t0)
        let r = server.cmd("enrollcode", "bob", String(t0))
        guard r.count == 3 else { h.fail("enrollcode: \(r)"); return }
        let (host, value) = (r[1], r[2])
        let code = try ManualCode.parse(text: "\(host) \(value.lowercased())")
        h.equal(code.display(), "\(host) \(value)")
        let lookup = code.lookup()
        let chars = value.replacingOccurrences(of: "-", with: "")
        h.equal(lookup.url, "https://mfa.example.com/duet/v1/enrollment/" + String(chars.prefix(12)))
        h.equal(lookup.body.count, 0)
        let answer = try send(http, lookup, t0 + 3)
        h.equal(http.seen.last?.method, HttpMethod.get)
        let link = try EnrollmentLink.fromLookup(code: code, response: answer, clock: FixedClock(t0 + 4))
        h.check(link.viaManualCode(), "via manual code")
        h.equal(link.user(), "bob")
        h.equal(link.issuer(), "Example Corp")
        let signer = OpenSSLSigner()
        let body = try send(http, try link.registration(signer: signer, device: device, clock: FixedClock(t0 + 5)), t0 + 5)
        let account = try link.finishRegistration(signer: signer, response: body, clock: FixedClock(t0 + 6)).account
        h.check(account.viaManualCode, "account via manual code")
        h.equal(try approveSignIn(server, http, account, signer, t0 + 10), ["approved"])

        let other = try ManualCode.parse(text: "evil.example.net \(value)")
        h.equal(h.throwsDuet("other host") { _ = try EnrollmentLink.fromLookup(code: other, response: answer, clock: FixedClock(t0 + 4)) }?.code, "E_PUSH_LINK_PARAM")
        h.equal(h.throwsDuet("garbage lookup") { _ = try EnrollmentLink.fromLookup(code: code, response: Data("<html>".utf8), clock: FixedClock(t0 + 4)) }?.code, "E_PUSH_MALFORMED")

        // Luhn mod 32 over Crockford Base32 catches every single mistyped character.
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        let cs = Array(chars)
        for i in cs.indices {
            var typo = cs
            typo[i] = alphabet[(alphabet.firstIndex(of: cs[i])! + 1 + i) % 32]
            let text = "\(host) \(String(typo))"
            let e = h.throwsDuet(text) { _ = try ManualCode.parse(text: text) }
            if case .Push(let c, let reason)? = e { h.equal(c, "E_PUSH_CODE_CHECK", text); h.check(!reason.isEmpty, "reason") } else { h.fail("\(text): not a Push error") }
        }
        for bad in ["", value, host, "\(host) \(String(cs.dropLast()))", "\(host) \(chars)U", "-x \(value)", "\(host) " + String(repeating: "A", count: 300)] {
            h.equal(h.throwsDuet(bad) { _ = try ManualCode.parse(text: bad) }?.code, "E_PUSH_CODE_FORMAT", bad)
        }
    }

    h.test("push tokens reach the server, only from the enrolled key") {
        let server = try TestServerProcess()
        defer { server.close() }
        let http = HelperTransport(server, t0)
        let signer = OpenSSLSigner()
        let account = try enroll(server, http, signer)
        let apns = String(repeating: "7f1c0a9e3b5d", count: 5) + "abcd"
        let call = try pushRegisterToken(account: account, signer: signer, provider: .apns, token: apns, clock: FixedClock(t0 + 10))
        h.equal(call.url, "https://mfa.example.com/duet/v1/push-token")
        _ = try send(http, call, t0 + 10)
        h.equal(server.cmd("pushtoken", account.accountId), ["apns", apns])
        let fcm = "fcm-token:APA91b" + String(repeating: "y", count: 140)
        _ = try send(http, try pushRegisterToken(account: account, signer: signer, provider: .fcm, token: fcm, clock: FixedClock(t0 + 20)), t0 + 20)
        h.equal(server.cmd("pushtoken", account.accountId), ["fcm", fcm])
        let refused = h.throwsDuet("token from a stranger") {
            _ = try send(http, try pushRegisterToken(account: account, signer: OpenSSLSigner(), provider: .apns, token: "hijacked", clock: FixedClock(t0 + 30)), t0 + 30)
        }
        h.equal(refused?.code, "E_PUSH_SERVER")
        h.equal(server.cmd("pushtoken", account.accountId), ["fcm", fcm])
        for bad in ["", String(repeating: "x", count: 5000), "line\nbreak", "nul\u{0}"] {
            h.equal(h.throwsDuet("token \(bad.prefix(20))") { _ = try pushRegisterToken(account: account, signer: signer, provider: .fcm, token: bad, clock: FixedClock(t0 + 40)) }?.code, "E_PUSH_MALFORMED")
        }
    }

    h.test("rotated device key is what the server verifies; the old key is refused") {
        let server = try TestServerProcess()
        defer { server.close() }
        let http = HelperTransport(server, t0)
        let old = OpenSSLSigner()
        let account = try enroll(server, http, old)
        h.equal(serverDeviceKey(server, account), lastPoint(old.publicKey()))
        let new = OpenSSLSigner()
        let call = try pushRotateDeviceKey(account: account, oldSigner: old, newSigner: new, clock: FixedClock(t0 + 10))
        h.equal(call.url, "https://mfa.example.com/duet/v1/rotate-key")
        _ = try send(http, call, t0 + 10)
        h.equal(serverDeviceKey(server, account), lastPoint(new.publicKey()))
        let rotated = try pushAccountWithRotatedKey(account: account, newSigner: new)
        h.equal(lastPoint(rotated.deviceKey), lastPoint(new.publicKey()))
        var expected = account
        expected.deviceKey = rotated.deviceKey
        h.equal(rotated, expected)
        h.check(rotated.deviceKey != account.deviceKey, "device key changed")

        let oldPoll = h.throwsDuet("old key") { _ = try send(http, try pushPoll(account: account, signer: old, clock: FixedClock(t0 + 20)), t0 + 20) }
        if case .Push(let code, let reason)? = oldPoll {
            h.equal(code, "E_PUSH_SERVER")
            h.check(reason.contains("E_VERIFIER_"), "server code named: \(reason)")
        } else { h.fail("old key: not a Push error") }
        h.equal(try approveSignIn(server, http, rotated, new, t0 + 30), ["approved"])
        _ = h.throwsDuet("replayed rotation") { _ = try send(http, call, t0 + 40) }
        h.equal(serverDeviceKey(server, account), lastPoint(new.publicKey()))
        let thief = h.throwsDuet("rotation by a thief") {
            _ = try send(http, try pushRotateDeviceKey(account: rotated, oldSigner: OpenSSLSigner(), newSigner: OpenSSLSigner(), clock: FixedClock(t0 + 50)), t0 + 50)
        }
        h.equal(thief?.code, "E_PUSH_SERVER")
        h.equal(serverDeviceKey(server, account), lastPoint(new.publicKey()))
    }

    h.test("vault keeps duet push accounts across rotation and reopen") {
        let server = try TestServerProcess()
        defer { server.close() }
        let http = HelperTransport(server, t0)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("duet-push-vault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("vault.db").path
        let keys = MemoryKeyProvider()
        let old = OpenSSLSigner()
        let account = try enroll(server, http, old)
        var id = ""
        do {
            let v = try DuetVault.create(path: path, provider: keys, clock: FixedClock(t0))
            id = try v.addPushAccount(account: account)
            h.equal(try v.pushAccounts(), [StoredPushAccount(id: id, account: account)])
            h.equal(try v.pipushAccounts().count, 0, "no privacyIDEA tokens")
            h.equal(try v.accounts().count, 0, "no OTP accounts")
        }
        let new = OpenSSLSigner()
        _ = try send(http, try pushRotateDeviceKey(account: account, oldSigner: old, newSigner: new, clock: FixedClock(t0 + 10)), t0 + 10)
        let rotated = try pushAccountWithRotatedKey(account: account, newSigner: new)
        do {
            let v = try DuetVault.open(path: path, provider: keys, clock: FixedClock(t0 + 11))
            try v.updatePushAccount(id: id, account: rotated)
        }
        let stored = try DuetVault.open(path: path, provider: keys, clock: FixedClock(t0 + 12)).pushAccounts()
        h.equal(stored, [StoredPushAccount(id: id, account: rotated)])
        if let s = stored.first { h.equal(try approveSignIn(server, http, s.account, new, t0 + 20), ["approved"]) }
        let v = try DuetVault.open(path: path, provider: keys, clock: FixedClock(t0 + 30))
        h.equal(h.throwsDuet("update unknown") { try v.updatePushAccount(id: "no-such-id", account: rotated) }?.code, "E_VAULT_NOT_FOUND")
        h.equal(try v.pushAccounts(), [StoredPushAccount(id: id, account: rotated)])
        try v.removePushAccount(id: id)
        h.equal(try v.pushAccounts().count, 0, "removed")
        h.equal(h.throwsDuet("wrong key") { _ = try DuetVault.open(path: path, provider: MemoryKeyProvider(), clock: FixedClock(t0)) }?.code, "E_VAULT_WRONG_KEY")
    }
}
