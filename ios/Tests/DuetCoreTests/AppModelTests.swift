import COpenSSL
import DuetAppModel
import DuetCore
import Foundation

/// The view models (DuetAppModel) end to end: the real core, the reference server on 127.0.0.1
/// through the test helper, and doubles for the Apple effects (AppDoubles.swift) whose keystore
/// signs an answer only with the authorisation of a prompt that passed.
func appModelTests(_ h: Harness) {
    let t0: Int64 = 1_790_000_000

    /// One phone: a vault in a temp folder, its Keychain and Secure Enclave doubles, the helper's server.
    final class Phone {
        let dir: URL
        let path: String
        let clock: MutableClock
        let http: HelperTransport
        let gate = TestGate()
        let keys: PromptOnlyKeystore
        let vaultKeys = TestVaultKeys()
        let settings = TestSettings()
        let threads = InlineThreads()
        let session: VaultSession

        /// `softwareKeys`: the core's own keys in the vault (no prompt), as a desktop has.
        init(_ server: TestServerProcess, _ clock: MutableClock, softwareKeys: Bool = false) throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("duet-ios-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            path = dir.appendingPathComponent("vault.db").path
            self.clock = clock
            let http = HelperTransport(server, clock)
            self.http = http
            let keys = PromptOnlyKeystore(gate: gate)
            self.keys = keys
            session = VaultSession(path: path, keys: vaultKeys) {
                AppServices(clock: clock, transport: http, keystore: softwareKeys ? nil : keys,
                            device: DeviceInfo(name: "Swift test iPhone", platform: "ios", keystore: "secure_enclave"))
            }
        }

        deinit { try? FileManager.default.removeItem(at: dir) }

        func app() throws -> DuetApp { try session.app() }
        func addModel() throws -> AddModel { AddModel(app: try app(), threads: threads) }
        func requestModel() -> RequestModel { RequestModel(session: session, threads: threads, clock: TestWallClock(clock: clock)) }
        func flow(_ m: RequestModel) -> ApproveFlow { ApproveFlow(model: m, keys: keys, gate: gate) }
        var answersSent: Int { http.seen.filter { $0.url.hasSuffix("/duet/v1/answer") }.count }
        var polls: Int { http.seen.filter { $0.url.hasSuffix("/poll") }.count }
    }

    func withServer(_ body: (TestServerProcess, MutableClock, Phone) throws -> Void) throws {
        let server = try TestServerProcess()
        defer { server.close() }
        let clock = MutableClock(t0)
        try body(server, clock, try Phone(server, clock))
    }

    /// Enrolls `user` through the Add screen's model (the vault is created, a device key made).
    @discardableResult
    func enroll(_ server: TestServerProcess, _ phone: Phone, _ user: String = "alice") throws -> String {
        let link = server.cmd("enroll", user, String(phone.clock.now))[0]
        phone.clock.now += 5
        let add = try phone.addModel()
        add.addText(link)
        if case .added(let message, _)? = add.outcome {
            h.equal(message, Strings.addedPush("Example Corp: \(user)"))
        } else {
            h.fail("enrollment: \(String(describing: add.outcome))")
        }
        return try phone.app().pushAccounts().last?.id ?? ""
    }

    /// Starts a sign-in on the server; (request id, number).
    func signIn(_ server: TestServerProcess, _ clock: MutableClock, _ mode: String, _ service: String = "VPN") -> (String, String) {
        let r = server.cmd("signin", "alice", service, mode, String(clock.now + 1))
        clock.now += 3
        return (r.first ?? "", r.count > 1 ? r[1] : "")
    }

    func status(_ server: TestServerProcess, _ cid: String, _ clock: MutableClock) -> String {
        server.cmd("status", cid, String(clock.now)).first ?? ""
    }

    /// Runs the approval flow on what the model prepared (fails the test when it prepared nothing).
    func confirm(_ flow: ApproveFlow, _ toSign: ToSign?, _ m: RequestModel, line: UInt = #line) {
        guard let toSign else { h.fail("nothing to sign: \(m.screen)", line: line); return }
        flow.run(toSign)
    }

    func asking(_ m: RequestModel) -> (RequestDetails, String, String?)? {
        if case .ask(let r, let typed, _, let note) = m.screen { return (r, typed, note) }
        h.fail("not asking: \(m.screen)")
        return nil
    }

    h.test("codeOfAnAddedUriEqualsOpenSslTotpAndIsCopiedExpiring") {
        try withServer { _, clock, phone in
            // RFC 6238's SHA-1 key, "12345678901234567890", as Base32.
            let key = Array("12345678901234567890".utf8)
            let add = try phone.addModel()
            add.addText("  otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example\n")
            h.equal(add.outcome, .added(message: Strings.added("Example:alice@example.com"), notices: []))
            add.addText("otpauth://totp/Other:bob?secret=JBSWY3DPEHPK3PXP&issuer=Other")
            let codes = CodesModel(app: try phone.app(), pasteboard: RecordingPasteboard(), settings: phone.settings)
            clock.now = t0 - (t0 % 30) + 3
            codes.refresh()
            h.equal(codes.total, 2)
            guard let row = codes.rows.first else { h.fail("no rows"); return }
            h.equal(row.label, "Example:alice@example.com")
            h.equal(row.code, OpenSSLOtp.hotp(key, UInt64(clock.now) / 30, 6), "TOTP against OpenSSL HMAC")
            h.equal(row.secondsLeft, 30 - Int(clock.now % 30))
            h.equal(row.period, 30)
            h.equal(row.nextCode, nil, "the next code only in the last seconds")
            clock.now = t0 - (t0 % 30) + 27
            codes.refresh()
            h.equal(codes.rows.first?.nextCode, OpenSSLOtp.hotp(key, UInt64(clock.now) / 30 + 1, 6), "next code")

            // Copy: the code goes to the pasteboard marked to expire after 30 seconds.
            let board = RecordingPasteboard()
            let copying = CodesModel(app: try phone.app(), pasteboard: board, settings: phone.settings)
            copying.refresh()
            h.check(copying.copy(row.id), "copied")
            h.equal(board.copied.map(\.text), [OpenSSLOtp.hotp(key, UInt64(clock.now) / 30, 6)])
            h.equal(board.copied.first?.expiresIn, 30)
            h.equal(copying.notice, Strings.copied)

            // Search, hide-until-tapped, rename, reorder, delete.
            copying.query = "bob"
            h.equal(copying.rows.map(\.label), ["Other:bob"])
            copying.query = ""
            phone.settings.hideCodes = true
            copying.refresh()
            h.equal(copying.rows.map(\.code), [nil, nil])
            copying.toggleReveal(row.id)
            h.equal(copying.rows.first?.code, OpenSSLOtp.hotp(key, UInt64(clock.now) / 30, 6))
            phone.settings.hideCodes = false
            copying.rename(row.id, issuer: " Work ", name: "alice")
            copying.move(row.id, by: 1)
            h.equal(copying.rows.map(\.label), ["Other:bob", "Work:alice"])
            copying.delete(row.id)
            h.equal(copying.rows.map(\.label), ["Other:bob"])
            h.equal(copying.error, nil)

            // A bad setup key is the core's typed error, with its next step.
            add.addSetupKey(issuer: "X", name: "y", setupKey: "not base32!")
            if case .failed(let e)? = add.outcome {
                h.equal(parseErrorCode(code: e.code), .uriSecretBase32)
                h.check(e.nextStep != nil, "next step from the catalogue")
            } else { h.fail("setup key: \(String(describing: add.outcome))") }
            add.addSetupKey(issuer: "", name: "carol", setupKey: "JBSWY3DPEHPK3PXP")
            h.equal(add.outcome, .added(message: Strings.added("carol"), notices: []))
        }
    }

    h.test("typedNumberApprovedInsideThePromptReachesTheServer") {
        try withServer { server, clock, phone in
            try enroll(server, phone)
            let (cid, number) = signIn(server, clock, "type2")
            let m = phone.requestModel()
            m.refresh()
            guard let (r, _, _) = asking(m) else { return }
            h.equal(r.heading, "Sign in to VPN?")
            h.equal(r.details.first, RequestDetails.Detail(label: Strings.Request.labelService, value: "VPN"))
            h.check(r.details.contains(RequestDetails.Detail(label: Strings.Request.labelAccount, value: "alice")), "account line")
            h.check(!r.weaker, "number matching on")
            // Approve without the number: asked for it, nothing prepared, no prompt.
            h.check(m.approve() == nil, "nothing to sign yet")
            h.equal(asking(m)?.2, Strings.Request.needDigits(2))
            m.type("9x" + number)
            h.equal(asking(m)?.1, "9" + number.prefix(1), "digits only, at most two")
            m.type(number)
            guard let toSign = m.approve() else { h.fail("no answer prepared: \(m.screen)"); return }
            h.equal(m.screen, .confirming(request: r))
            h.equal(phone.answersSent, 0, "nothing sent before the prompt")
            h.equal(status(server, cid, clock), "pending")
            phone.flow(m).run(toSign)
            h.equal(phone.gate.prompts, 1, "one prompt")
            h.equal(m.screen, .closed(outcome: .approved, text: Strings.Request.approved))
            h.equal(status(server, cid, clock), "approved")
            h.equal(phone.keys.signedAnswers, 1)
            h.equal(phone.keys.refused, 0)
            h.equal(phone.answersSent, 1)
        }
    }

    h.test("deniedAsNotMeIsReportedAsFraudAndMutesPushes") {
        try withServer { server, clock, phone in
            try enroll(server, phone)
            let (cid, number) = signIn(server, clock, "pick3", "Mail")
            let m = phone.requestModel()
            m.focus(cid)
            m.refresh()
            guard let (r, _, _) = asking(m) else { return }
            if case .pick(let choices) = r.matching { h.check(choices.contains(number), "the number is offered") } else { h.fail("not pick") }
            m.deny()
            h.equal(m.screen, .denyReason(request: r))
            m.back()
            h.check(asking(m) != nil, "back to the request")
            m.deny()
            guard let toSign = m.denyBecause(notMe: true) else { h.fail("no denial prepared"); return }
            h.check(!toSign.approving, "a denial")
            phone.flow(m).run(toSign)
            h.equal(m.screen, .closed(outcome: .deniedNotMe, text: Strings.Request.deniedNotMe))
            h.equal(status(server, cid, clock), "denied")
            h.equal(server.cmd("record", cid), ["fraud"])
            let next = server.cmd("signin", "alice", "Mail", "none", String(clock.now + 1))
            h.check(next.first?.hasPrefix("<err E_SRV_PUSH_MUTED") == true, "pushes muted: \(next)")
        }
    }

    h.test("cancelledOrFailedPromptSendsNothing") {
        try withServer { server, clock, phone in
            try enroll(server, phone)
            let (cid, _) = signIn(server, clock, "none")
            let m = phone.requestModel()
            m.refresh()
            h.check(asking(m)?.0.weaker == true, "no number to match: the screen says so")
            let flow = phone.flow(m)
            phone.gate.next = .cancel
            confirm(flow, m.approve(), m)
            h.equal(asking(m)?.2, Strings.Request.notSent)
            phone.gate.next = .fail("Biometry is locked out.")
            confirm(flow, m.approve(), m)
            h.equal(asking(m)?.2, Strings.Request.notSentFailed("Biometry is locked out."))
            phone.gate.next = .cancel
            m.deny()
            confirm(flow, m.denyBecause(notMe: true), m)
            h.equal(asking(m)?.2, Strings.Request.notSent)
            // Nothing signed, nothing sent, and the server still waits.
            h.equal(phone.gate.prompts, 3)
            h.equal(phone.keys.signedAnswers, 0)
            h.equal(phone.answersSent, 0)
            h.equal(status(server, cid, clock), "pending")
            // A spent authorisation cannot sign a second answer.
            phone.gate.next = .pass
            confirm(flow, m.approve(), m)
            h.equal(m.screen, .closed(outcome: .approved, text: Strings.Request.approved))
            guard let spent = phone.gate.issued.first else { h.fail("no prompt passed"); return }
            h.check(throwsAny { _ = try phone.keys.sign(handle: Data("duet-push-1".utf8), algorithm: .ecdsaP256Sha256, message: Data("x".utf8), authorisation: spent) },
                    "a spent authorisation is refused")
            h.equal(phone.keys.refused, 1)
            h.equal(status(server, cid, clock), "approved")
        }
    }

    h.test("expiredRequestSaysSoAndSendsNothing") {
        try withServer { server, clock, phone in
            try enroll(server, phone)
            let (cid, number) = signIn(server, clock, "type2")
            let m = phone.requestModel()
            m.refresh()
            m.type(number)
            clock.now += 3600
            _ = server.cmd("advance", "3600")
            h.check(m.approve() == nil, "nothing to sign")
            h.equal(m.screen, .closed(outcome: .expired, text: Strings.Request.expired))
            h.equal(phone.gate.prompts, 0)
            h.equal(phone.answersSent, 0)
            h.equal(status(server, cid, clock), "expired")
            // One that expires while shown is closed by the next poll.
            m.retry()
            let (_, _) = signIn(server, clock, "none")
            m.refresh()
            h.check(asking(m) != nil, "the new request is shown")
            clock.now += 3600
            _ = server.cmd("advance", "3600")
            m.refresh()
            h.equal(m.screen, .closed(outcome: .expired, text: Strings.Request.expired))
        }
    }

    h.test("answeredOnAnotherDevice") {
        try withServer { server, clock, phone in
            try enroll(server, phone)
            let tablet = try Phone(server, clock, softwareKeys: true)
            try enroll(server, tablet)
            let (cid, _) = signIn(server, clock, "none")
            let m = phone.requestModel()
            m.refresh()
            h.equal(try tablet.app().poll().requests.map(\.requestId), [cid])
            // The tablet answers first (its software keys sign one-step answers without a prompt).
            h.equal(try tablet.app().answer(requestId: cid, answer: .denyMistake), .accepted)
            confirm(phone.flow(m), m.approve(), m)
            h.equal(m.screen, .closed(outcome: .answeredElsewhere, text: Strings.Request.answeredElsewhere))
            h.equal(status(server, cid, clock), "denied")
        }
    }

    h.test("wrongNumberIsShownPlainly") {
        try withServer { server, clock, phone in
            try enroll(server, phone)
            let (cid, number) = signIn(server, clock, "type2")
            let m = phone.requestModel()
            m.refresh()
            // Another valid number (two digits, 10 to 99) than the one shown.
            m.type(number == "10" ? "11" : "10")
            confirm(phone.flow(m), m.approve(), m)
            h.equal(m.screen, .closed(outcome: .wrongNumber, text: Strings.Request.wrongNumber))
            h.equal(status(server, cid, clock), "failed")
            h.equal(server.cmd("record", cid), ["failed_number"])
        }
    }

    h.test("lockedVaultAsksForTheUnlockFirst") {
        try withServer { server, clock, phone in
            try enroll(server, phone)
            phone.session.close()
            _ = signIn(server, clock, "none")
            phone.vaultKeys.locked = true
            let polls = phone.polls
            let m = phone.requestModel()
            m.refresh()
            h.equal(m.screen, .locked)
            h.equal(phone.polls, polls, "no poll while locked")
            phone.vaultKeys.locked = false
            m.retry()
            h.equal(asking(m)?.0.heading, "Sign in to VPN?")
        }
    }

    h.test("invalidatedAnswerKeyIsExplainedAndNothingIsDeleted") {
        try withServer { server, clock, phone in
            let id = try enroll(server, phone)
            let (cid, _) = signIn(server, clock, "none")
            let m = phone.requestModel()
            m.refresh()
            phone.keys.invalidated = true
            confirm(phone.flow(m), m.approve(), m)
            h.equal(m.screen, .keyLost(use: .pushAccount, loss: .invalidated,
                                       text: Strings.Request.keyInvalidated + " " + Strings.Request.keyNothingDeleted,
                                       waysBack: [Strings.Request.wayBackPush]))
            h.equal(phone.gate.prompts, 0, "no prompt for a key that cannot sign")
            h.equal(status(server, cid, clock), "pending")
            h.equal(try phone.app().pushAccounts().map(\.id), [id], "the account is still stored")
            h.equal(try phone.app().poll().requests.map(\.requestId), [cid], "the device key still polls")
            h.equal(phone.keys.refused, 0)
        }
    }

    h.test("invalidatedVaultKeyIsExplainedAndNothingIsDeleted") {
        try withServer { server, _, phone in
            try enroll(server, phone)
            phone.session.close()
            let before = FileManager.default.contents(atPath: phone.path)
            phone.vaultKeys.invalidated = true
            let m = phone.requestModel()
            m.refresh()
            h.equal(m.screen, .keyLost(use: .vault, loss: .invalidated,
                                       text: Strings.Request.keyInvalidated + " " + Strings.Request.keyNothingDeleted,
                                       waysBack: [Strings.Request.wayBackVault, Strings.Request.wayBackPush]))
            h.equal(FileManager.default.contents(atPath: phone.path), before, "the vault file is untouched")
            let launch = LaunchModel(session: phone.session, threads: phone.threads)
            launch.open()
            if case .keyLost(let text, let ways) = launch.state {
                h.equal(text, Strings.Request.keyInvalidated + " " + Strings.Request.keyNothingDeleted)
                h.equal(ways, [Strings.Request.wayBackVault, Strings.Request.wayBackPush])
            } else { h.fail("launch: \(launch.state)") }
            h.equal(FileManager.default.contents(atPath: phone.path), before, "still untouched")
            phone.vaultKeys.invalidated = false
            phone.vaultKeys.locked = true
            launch.open()
            if case .locked = launch.state {} else { h.fail("launch: \(launch.state)") }
            phone.vaultKeys.locked = false
            launch.open()
            if case .open(let app) = launch.state { h.equal(try app.pushAccounts().count, 1) } else { h.fail("launch: \(launch.state)") }
            phone.vaultKeys.locked = true
            launch.open()
            if case .open = launch.state {} else { h.fail("an open vault stays open on return: \(launch.state)") }
            phone.vaultKeys.locked = false
            phone.settings.appLock = true
            launch.lockIfAsked(phone.settings)
            if case .locked = launch.state {} else { h.fail("app lock: \(launch.state)") }
        }
    }

    h.test("pollNotifiesOnceAndTheApnsTokenReachesTheServer") {
        try withServer { server, clock, phone in
            try enroll(server, phone)
            let notifier = RecordingNotifier()
            let refresh = RecordingRefresh()
            let delivery = PushDelivery(session: phone.session, notifier: notifier, refresh: refresh)
            let tablet = try Phone(server, clock, softwareKeys: true)
            try enroll(server, tablet)
            let (cid, _) = signIn(server, clock, "none")
            h.equal(delivery.pollAndNotify().map(\.requestId), [cid])
            h.equal(delivery.pollAndNotify().map(\.requestId), [cid])
            h.equal(notifier.shown.map(\.id), [cid], "one notification per request")
            h.equal(notifier.shown.first?.body, Strings.Request.notifyText("Sign in to VPN?"))
            h.equal(refresh.scheduled, [PushDelivery.refreshSeconds, PushDelivery.refreshSeconds])
            // Answered on another device: the next poll withdraws the notification; a new request is notified.
            h.equal(try tablet.app().poll().requests.map(\.requestId), [cid])
            h.equal(try tablet.app().answer(requestId: cid, answer: .denyMistake), .accepted)
            h.equal(delivery.pollAndNotify().map(\.requestId), [])
            h.equal(notifier.withdrawn, [cid])
            let (next, _) = signIn(server, clock, "none")
            h.equal(delivery.pollAndNotify().map(\.requestId), [next])
            h.equal(notifier.shown.map(\.id), [cid, next])
            let token = Data((0..<32).map { UInt8($0) })
            h.equal(delivery.registerApnsToken(token), [])
            guard let account = try phone.app().pushAccounts().first?.accountId else { h.fail("no push account"); return }
            h.equal(server.cmd("pushtoken", account), ["apns", token.map { String(format: "%02x", $0) }.joined()])
        }
    }

    h.test("settingsBackupRoundTripAndUnenroll") {
        try withServer { server, _, phone in
            try enroll(server, phone)
            let settings = SettingsModel(app: try phone.app(), settings: phone.settings, threads: phone.threads)
            settings.refresh()
            h.equal(settings.pushAccounts.count, 1)
            h.equal(settings.clockLine, Strings.clockUnknown)
            guard let data = settings.export(password: "correct horse") else { h.fail("export: \(String(describing: settings.error))"); return }
            h.equal(settings.message, Strings.exported(data.count))
            settings.verify(data, password: "wrong")
            h.check(settings.error != nil && settings.message == nil, "a wrong password is an error")
            settings.verify(data, password: "correct horse")
            h.equal(settings.message, Strings.verified(1, 0, true))
            guard let account = settings.pushAccounts.first else { h.fail("no push account"); return }
            settings.unenroll(account.id)
            h.equal(settings.error, nil)
            h.equal(settings.pushAccounts.count, 0)
            h.equal(server.cmd("devicekey", account.accountId).first?.hasPrefix("<err") ?? false, true, "the server forgot the device")
            settings.appLock = true
            h.check(phone.settings.appLock, "the switch is the app's setting")
        }
    }

    h.test("linksRouteToTheirScreens") {
        let cases: [(String, LinkRoute)] = [
            ("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP", .add("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP")),
            ("otpauth-migration://offline?data=AA", .add("otpauth-migration://offline?data=AA")),
            ("duet://enroll?x=1", .add("duet://enroll?x=1")),
            ("https://mfa.example.com/duet/enroll#abc", .add("https://mfa.example.com/duet/enroll#abc")),
            ("https://mfa.example.com/other", .ignore),
            ("mailto:a@b", .ignore),
        ]
        for (text, route) in cases { h.equal(Links.route(URL(string: text)!), route, text) }
        h.equal(Links.route(notification: [Links.requestIdKey: "c1"]), .request(id: "c1"))
    }
}

private func throwsAny(_ body: () throws -> Void) -> Bool {
    do { try body(); return false } catch { return true }
}
