import DuetCore
import Foundation

/// duet push through `DuetApp` against the real reference server (tests/src/bin/duet-test-helper.rs):
/// enrollment by link and by manual code, polling, two-step answers signed inside the "prompt" by
/// the OpenSSL keystore stand-in, one-step answers with the vault's software key, answered
/// elsewhere, expiry, push tokens, key rotation, unenrollment, and typed failures.
func pushTests(_ h: Harness) {
    let t0: Int64 = 1_790_000_000
    let pushTtl: Int64 = 120  // tests/src/server.rs PUSH_TTL

    /// One app on a fresh vault, talking to `server` at `clock`'s time.
    final class Phone {
        let tv: TempVault
        let clock: MutableClock
        let http: HelperTransport
        let keystore: OpenSSLKeystore?
        let app: DuetApp
        init(_ server: TestServerProcess, _ clock: MutableClock, keystore: OpenSSLKeystore?) throws {
            tv = try TempVault()
            self.clock = clock
            http = HelperTransport(server, clock)
            self.keystore = keystore
            app = try tv.create(services(clock, http, keystore))
        }
        deinit { tv.close() }
    }

    /// Enrolls `user` by the link of a QR code; returns the record id.
    func enroll(_ server: TestServerProcess, _ phone: Phone, _ user: String) throws -> String {
        let link = server.cmd("enroll", user, String(phone.clock.now))[0]
        guard case .push(let id, let label, _) = try phone.app.addScanned(text: link) else { h.fail("not a push account"); return "" }
        h.equal(label, "Example Corp: \(user)")
        return id
    }

    func at(_ clock: MutableClock, _ t: Int64) { clock.now = t }

    /// SPKI DER or SEC1 of a P-256 key -> the uncompressed point (its last 65 bytes).
    func lastPoint(_ k: Data) -> Data { k.count >= 65 ? Data(k.suffix(65)) : k }

    func serverDeviceKey(_ server: TestServerProcess, _ accountId: String) -> Data? {
        let r = server.cmd("devicekey", accountId)
        guard r.count == 2 else { return nil }
        h.equal(r[0], "ES256", "device key algorithm")
        return lastPoint(unhex(r[1]))
    }

    func pushError(_ what: String, _ e: DuetError?) -> String? {
        if let e = e, case .Push = e { return e.code }
        h.fail("\(what): not a Push error: \(String(describing: e))")
        return nil
    }

    h.test("keystoreKeyApprovesWithNumberMatchingInTwoSteps") {
        let server = try TestServerProcess()
        defer { server.close() }
        let clock = MutableClock(t0)
        let keystore = OpenSSLKeystore()
        let phone = try Phone(server, clock, keystore: keystore)
        let app = phone.app
        _ = try enroll(server, phone, "alice")
        h.equal(phone.http.seen.count, 1, "one request for the registration")
        if let reg = phone.http.seen.first {
            h.equal(reg.method, HttpMethod.post)
            h.equal(reg.url, "https://mfa.example.com/duet/v1/register")
            h.equal(reg.contentType, "application/json")
            h.check(reg.verifyTls && reg.timeoutMs > 0, "TLS checked, time limit set")
        }
        h.equal(try app.codes().entries.count, 1, "the offline passcode account came with the enrollment")
        let accounts = try app.pushAccounts()
        h.equal(accounts.count, 1)
        guard let account = accounts.first else { return }
        h.equal(account.protocol, .duet)
        h.equal(account.url, "https://mfa.example.com")
        h.check(account.platformKey, "the key is in the keystore")
        // The keys the server verifies are the keystore's (OpenSSL) keys: the device key, and the
        // answer key that signs only answers.
        guard let device = keystore.keys["duet-key-1"], let key = keystore.keys["duet-key-2"] else { h.fail("no keys made in the keystore"); return }
        h.equal(keystore.keys.count, 2)
        h.equal(keystore.purposes, ["duet-key-1": .deviceCalls, "duet-key-2": .answers])
        h.equal(serverDeviceKey(server, account.accountId), lastPoint(device.publicKey()))

        at(clock, t0 + 10)
        let started = server.cmd("signin", "alice", "VPN", "type2", String(t0 + 10))
        h.equal(started.count, 2, "signin: \(started)")
        at(clock, t0 + 12)
        let polled = try app.poll()
        h.equal(polled.failures.map { $0.error.code }, [])
        h.equal(polled.requests.count, 1, "requests")
        guard let p = polled.requests.first else { return }
        h.equal(p.protocol, .duet)
        h.equal(p.requestId, started[0])
        h.equal(p.service, "VPN")
        h.equal(p.user, "alice")
        h.equal(p.matching, .typeShown(digits: 2))
        h.equal(polled.clockOffsetSecs, -2)
        h.equal(pushError("no number", h.throwsDuet("no number") { _ = try app.prepareAnswer(requestId: p.requestId, answer: .approve(number: nil)) }),
                "E_PUSH_NUMBER_REQUIRED")

        // Step one, then the user cancels the prompt: nothing recorded, nothing sent.
        let first = try app.prepareAnswer(requestId: p.requestId, answer: .denyNotMe)
        h.equal(first.keyHandle, Data("duet-key-2".utf8))
        h.equal(lastPoint(first.publicKey), lastPoint(key.publicKey()))
        h.equal(first.algorithm, .ecdsaP256Sha256)
        h.equal(server.cmd("status", started[0], String(t0 + 12)), ["pending"])
        // The user tries again and approves with the number; the app signs the exact bytes inside its prompt.
        let toSign = try app.prepareAnswer(requestId: p.requestId, answer: .approve(number: started[1]))
        let json = (try? JSONSerialization.jsonObject(with: toSign.message)) as? [String: Any]
        h.equal(json?["decision"] as? String, "approve", "signed bytes: \(String(decoding: toSign.message, as: UTF8.self))")
        // A signature over other bytes is refused on the phone.
        let wrong = try keystore.signInPrompt(first.keyHandle, first.message)
        h.equal(pushError("wrong bytes", h.throwsDuet("wrong bytes") { _ = try app.submitAnswer(requestId: p.requestId, signature: wrong) }),
                "E_PUSH_SIGNER_FAILED")
        h.equal(server.cmd("status", started[0], String(t0 + 13)), ["pending"])
        let prepared = try app.prepareAnswer(requestId: p.requestId, answer: .approve(number: started[1]))
        let signature = try keystore.signInPrompt(prepared.keyHandle, prepared.message)
        h.equal(signature.count, 64, "raw r||s, as CryptoKit's rawRepresentation")
        at(clock, t0 + 15)
        h.equal(try app.submitAnswer(requestId: p.requestId, signature: signature), .accepted)
        h.equal(server.cmd("status", started[0], String(t0 + 16)), ["approved"])
        // Answered once: the next poll does not show it again, and the phone will not answer again.
        at(clock, t0 + 17)
        h.equal(try app.poll().requests.count, 0, "answered ids are remembered")
        let again = h.throwsDuet("answer twice") { _ = try app.answer(requestId: p.requestId, answer: .approve(number: started[1])) }
        if case .App(let code, _)? = again { h.equal(code, "E_APP_REQUEST_NOT_WAITING") } else { h.fail("answer twice: not an App error: \(String(describing: again))") }
    }

    h.test("softwareKeyDeniesAsFraudWithPickThenUnenrolls") {
        let server = try TestServerProcess()
        defer { server.close() }
        let clock = MutableClock(t0)
        let phone = try Phone(server, clock, keystore: nil)
        let app = phone.app
        let id = try enroll(server, phone, "alice")
        guard let account = try app.pushAccounts().first else { h.fail("no push account"); return }
        h.check(!account.platformKey, "software key in the vault")
        at(clock, t0 + 20)
        let started = server.cmd("signin", "alice", "Mail", "pick3", String(t0 + 20))
        at(clock, t0 + 21)
        guard let req = try app.poll().requests.first else { h.fail("no request"); return }
        if case .pick(let choices) = req.matching { h.equal(choices.count, 3) } else { h.fail("not pick: \(req.matching)") }
        h.equal(try app.prepareAnswer(requestId: req.requestId, answer: .denyNotMe).keyHandle, nil, "software key: no handle")
        at(clock, t0 + 22)
        h.equal(try app.answer(requestId: req.requestId, answer: .denyNotMe), .accepted)
        h.equal(server.cmd("status", started[0], String(t0 + 23)), ["denied"])
        at(clock, t0 + 30)
        try app.unenroll(id: id)
        h.equal(try app.pushAccounts().count, 0)
        h.equal(serverDeviceKey(server, account.accountId), nil, "the server forgot the device")
    }

    h.test("aWrongNumberIsTheAnswersOutcome") {
        let server = try TestServerProcess()
        defer { server.close() }
        let clock = MutableClock(t0)
        let phone = try Phone(server, clock, keystore: nil)
        let app = phone.app
        _ = try enroll(server, phone, "alice")
        at(clock, t0 + 10)
        let started = server.cmd("signin", "alice", "VPN", "type2", String(t0 + 10))
        at(clock, t0 + 11)
        guard let req = try app.poll().requests.first, let n = Int(started[1]) else { h.fail("no request: \(started)"); return }
        let wrong = n == 99 ? 10 : n + 1
        // The server's refusal arrives as the typed outcome: the sign-in failed, no second try.
        h.equal(try app.answer(requestId: req.requestId, answer: .approve(number: String(wrong))), .wrongNumber)
        h.equal(server.cmd("status", started[0], String(t0 + 12)), ["failed"])
    }

    h.test("secondDeviceIsToldItWasAnsweredElsewhereAndExpiryIsChecked") {
        let server = try TestServerProcess()
        defer { server.close() }
        let clock = MutableClock(t0)
        let phone = try Phone(server, clock, keystore: nil)
        let tablet = try Phone(server, clock, keystore: OpenSSLKeystore())
        _ = try enroll(server, phone, "alice")
        _ = try enroll(server, tablet, "alice")
        at(clock, t0 + 10)
        let cid = server.cmd("signin", "alice", "VPN", "none", String(t0 + 10))[0]
        at(clock, t0 + 11)
        h.equal(try phone.app.poll().requests.first?.requestId, cid)
        h.equal(try tablet.app.poll().requests.first?.requestId, cid)
        h.equal(try tablet.app.answer(requestId: cid, answer: .denyMistake), .accepted)
        h.equal(try phone.app.answer(requestId: cid, answer: .approve(number: nil)), .answeredElsewhere)
        h.equal(server.cmd("status", cid, String(t0 + 11)), ["denied"])
        at(clock, t0 + 12)
        let closed = try phone.app.poll().closed
        h.check(closed.contains { $0.requestId == cid }, "closed: \(closed)")

        // Past the server's deadline but inside the phone's clock allowance: the server says expired.
        let late = server.cmd("signin", "alice", "VPN", "none", String(t0 + 20))[0]
        at(clock, t0 + 21)
        _ = try phone.app.poll()
        at(clock, t0 + 20 + pushTtl + 5)
        h.equal(try phone.app.answer(requestId: late, answer: .approve(number: nil)), .expired)
        // Past the allowance too: refused on the phone, nothing sent.
        at(clock, t0 + 1000)
        let cid2 = server.cmd("signin", "alice", "VPN", "none", String(t0 + 1000))[0]
        at(clock, t0 + 1001)
        _ = try phone.app.poll()
        at(clock, t0 + 1000 + pushTtl + 200)
        let sent = phone.http.seen.count
        h.equal(pushError("expired", h.throwsDuet("expired") { _ = try phone.app.answer(requestId: cid2, answer: .approve(number: nil)) }), "E_PUSH_EXPIRED")
        h.equal(phone.http.seen.count, sent, "nothing sent")
    }

    h.test("manualCodeEnrollsWithTheFingerprintOfTheQrCode") {
        let server = try TestServerProcess()
        defer { server.close() }
        let clock = MutableClock(t0)
        let keystore = OpenSSLKeystore()
        let phone = try Phone(server, clock, keystore: keystore)
        let app = phone.app
        let r = server.cmd("enrollcode", "bob", String(t0))
        guard r.count == 3 else { h.fail("enrollcode: \(r)"); return }
        let (qr, host, value) = (r[0], r[1], r[2])
        let code = try ManualCode.parse(text: "\(host) \(value.lowercased())")
        h.equal(code.display(), "\(host) \(value)")
        at(clock, t0 + 3)
        let link = try app.lookupManualCode(code: code)
        let chars = value.replacingOccurrences(of: "-", with: "")
        h.equal(phone.http.seen.last?.method, HttpMethod.get)
        h.equal(phone.http.seen.last?.url, "https://mfa.example.com/duet/v1/enrollment/" + String(chars.prefix(12)))
        h.check(link.viaManualCode(), "via manual code")
        h.equal(link.user(), "bob")
        h.equal(link.issuer(), "Example Corp")
        // What the user compares with the sign-in page: the same server key as the QR code's.
        h.equal(link.serverKeyFingerprint(), try EnrollmentLink.parse(text: qr, clock: clock).serverKeyFingerprint())
        h.check(!link.serverKeyFingerprint().isEmpty, "fingerprint shown")
        guard case .push(let id, _, _) = try app.enroll(link: link) else { h.fail("not a push account"); return }
        at(clock, t0 + 10)
        let cid = server.cmd("signin", "bob", "VPN", "none", String(t0 + 10))[0]
        at(clock, t0 + 11)
        _ = try app.poll()
        let prepared = try app.prepareAnswer(requestId: cid, answer: .approve(number: nil))
        h.equal(try app.submitAnswer(requestId: cid, signature: try keystore.signInPrompt(prepared.keyHandle, prepared.message)), .accepted)
        h.equal(server.cmd("status", cid, String(t0 + 12)), ["approved"])

        // The one-call form: `SERVER CODE` as typed, with the fingerprint the helpdesk read out.
        let r2 = server.cmd("enrollcode", "carol", String(t0 + 20))
        at(clock, t0 + 21)
        let fp = server.cmd("fingerprint")
        guard r2.count == 3, fp.count == 1 else { h.fail("enrollcode/fingerprint"); return }
        let mismatch = h.throwsDuet("wrong fingerprint") { _ = try app.addManualCode(code: "\(r2[1]) \(r2[2])", fingerprint: "0000-0000-0000-0000-0000") }
        h.equal(mismatch?.code, "E_APP_FINGERPRINT_MISMATCH")
        guard case .push(_, let label, _) = try app.addManualCode(code: "\(r2[1]) \(r2[2])", fingerprint: fp[0].lowercased()) else { h.fail("addManualCode"); return }
        h.equal(label, "Example Corp: carol")
        h.equal(try app.pushAccounts().map { $0.id }.contains(id), true)
        h.equal(try app.pushAccounts().count, 2)

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

    h.test("pushTokensAndKeyRotationReachTheServer") {
        let server = try TestServerProcess()
        defer { server.close() }
        let clock = MutableClock(t0)
        let keystore = OpenSSLKeystore()
        let phone = try Phone(server, clock, keystore: keystore)
        let app = phone.app
        let id = try enroll(server, phone, "alice")
        guard let aid = try app.pushAccounts().first?.accountId else { h.fail("no push account"); return }
        at(clock, t0 + 10)
        let apns = String(repeating: "7f1c0a9e3b5d", count: 5) + "abcd"
        h.equal(try app.registerPushToken(provider: .apns, token: apns).count, 0)
        h.equal(phone.http.seen.last?.url, "https://mfa.example.com/duet/v1/push-token")
        h.equal(server.cmd("pushtoken", aid), ["apns", apns])
        let fcm = "fcm-token:APA91b" + String(repeating: "y", count: 140)
        h.equal(try app.registerPushToken(provider: .fcm, token: fcm).count, 0)
        h.equal(server.cmd("pushtoken", aid), ["fcm", fcm])
        for bad in ["", String(repeating: "x", count: 5000), "line\nbreak", "nul\u{0}"] {
            let failures = try app.registerPushToken(provider: .fcm, token: bad)
            h.equal(failures.map { $0.error.code }, ["E_PUSH_MALFORMED"], "token \(bad.prefix(20))")
        }
        h.equal(server.cmd("pushtoken", aid), ["fcm", fcm])

        // Rotation: a new keystore device key, accepted by the server first; the old key is refused.
        // The answer key (duet-key-2) stays.
        let old = keystore.keys["duet-key-1"]
        h.equal(serverDeviceKey(server, aid), old.map { lastPoint($0.publicKey()) })
        at(clock, t0 + 20)
        try app.rotateDeviceKey(id: id)
        guard let new = keystore.keys["duet-key-3"] else { h.fail("no new key in the keystore"); return }
        h.equal(keystore.purposes["duet-key-3"], .deviceCalls)
        h.equal(serverDeviceKey(server, aid), lastPoint(new.publicKey()))
        h.check(serverDeviceKey(server, aid) != old.map { lastPoint($0.publicKey()) }, "device key changed")
        at(clock, t0 + 30)
        let cid = server.cmd("signin", "alice", "VPN", "none", String(t0 + 30))[0]
        at(clock, t0 + 31)
        _ = try app.poll()
        let prepared = try app.prepareAnswer(requestId: cid, answer: .approve(number: nil))
        h.equal(prepared.keyHandle, Data("duet-key-2".utf8))
        h.equal(try app.submitAnswer(requestId: cid, signature: try keystore.signInPrompt(prepared.keyHandle, prepared.message)), .accepted)
        h.equal(server.cmd("status", cid, String(t0 + 32)), ["approved"])
        // A thief with another key in place of the keystore's: the server refuses the poll.
        keystore.keys["duet-key-3"] = OpenSSLSigner()
        at(clock, t0 + 40)
        let refused = try app.poll().failures
        h.equal(refused.count, 1)
        if case .Push(let code, let reason)? = refused.first?.error {
            h.equal(code, "E_PUSH_SERVER")
            h.check(reason.contains("E_VERIFIER_"), "server code named: \(reason)")
        } else { h.fail("stranger: not a Push error: \(refused)") }
        h.equal(serverDeviceKey(server, aid), lastPoint(new.publicKey()))
    }

    h.test("garbageFailuresAndForgeriesGiveTypedErrors") {
        for bad in ["", "garbage", "duet://enroll?v=1", "duet://enroll?v=9&url=x", "https://evil.example/duet"] {
            let e = h.throwsDuet("link \(bad)") { _ = try EnrollmentLink.parse(text: bad, clock: FixedClock(t0)) }
            if let e = e, case .Push(let code, let reason) = e { h.check(code.hasPrefix("E_PUSH_") && !reason.isEmpty, code) } else { h.fail("link \(bad): not a Push error") }
        }
        let server = try TestServerProcess()
        defer { server.close() }
        let clock = MutableClock(t0)
        let keystore = OpenSSLKeystore()
        let phone = try Phone(server, clock, keystore: keystore)
        let app = phone.app
        let unknown = h.throwsDuet("unknown text") { _ = try app.addScanned(text: "hello, this is no QR code of ours") }
        if case .App(let code, _)? = unknown { h.equal(code, "E_APP_UNKNOWN_TEXT") } else { h.fail("unknown text: not an App error: \(String(describing: unknown))") }
        _ = try enroll(server, phone, "alice")
        at(clock, t0 + 10)
        _ = server.cmd("signin", "alice", "VPN", "none", String(t0 + 10))
        // Signer failures keep their codes: a cancelled prompt, a crashing keystore.
        keystore.refuse = "E_PUSH_SIGNER_CANCELLED"
        h.equal(try app.poll().failures.map { $0.error.code }, ["E_PUSH_SIGNER_CANCELLED"])
        keystore.refuse = "E_KEYCHAIN_EXPLODED"
        h.equal(try app.poll().failures.map { $0.error.code }, ["E_PUSH_SIGNER_FAILED"])
        keystore.refuse = nil
        // The app's HTTP stack failing: typed transport errors.
        phone.http.fail = DuetError.Transport(code: "E_TRANSPORT_TIMEOUT", reason: "URLSession timeout")
        let timeout = try app.poll().failures
        if case .Transport(let code, let reason)? = timeout.first?.error {
            h.equal(code, "E_TRANSPORT_TIMEOUT")
            h.check(reason.contains("mfa.example.com"), reason)
        } else { h.fail("timeout: not a Transport error: \(timeout)") }
        phone.http.fail = SignerFailure()
        h.equal(try app.poll().failures.map { $0.error.code }, ["E_TRANSPORT_FAILED"])
        phone.http.fail = nil
        at(clock, t0 + 11)
        let polled = try app.poll()
        h.equal(polled.failures.count, 0)
        h.equal(polled.requests.count, 1)
        // Requests are only shown when the enrolled server key signed them: nothing is shown from
        // a request the phone answered already, and an answer for an unknown id is refused.
        let nothing = h.throwsDuet("unknown request") { _ = try app.prepareAnswer(requestId: "no-such-request", answer: .approve(number: nil)) }
        if case .App(let code, _)? = nothing { h.equal(code, "E_APP_REQUEST_NOT_WAITING") } else { h.fail("unknown request: not an App error: \(String(describing: nothing))") }
        let notPrepared = h.throwsDuet("not prepared") { _ = try app.submitAnswer(requestId: polled.requests[0].requestId, signature: Data(count: 64)) }
        if case .App(let code, _)? = notPrepared { h.equal(code, "E_APP_NOT_PREPARED") } else { h.fail("not prepared: not an App error: \(String(describing: notPrepared))") }
        // Signature bytes of the right shape but made by no key: refused on the phone.
        _ = try app.prepareAnswer(requestId: polled.requests[0].requestId, answer: .approve(number: nil))
        let forged = h.throwsDuet("forged signature") { _ = try app.submitAnswer(requestId: polled.requests[0].requestId, signature: Data(repeating: 7, count: 64)) }
        h.equal(forged?.code, "E_PUSH_SIGNER_FAILED")
    }
}
