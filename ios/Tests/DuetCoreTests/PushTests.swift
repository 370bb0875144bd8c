import Foundation

/// The Rust test server (tests/src/bin/duet-test-helper.rs): the core's verifier over stdin/stdout.
final class TestServerProcess {
    private let process = Process()
    private let toServer = Pipe()
    private let fromServer = Pipe()
    private var buffer = Data()

    init() throws {
        guard let path = ProcessInfo.processInfo.environment["DUET_TEST_HELPER"] else { throw SignerFailure() }
        process.executableURL = URL(fileURLWithPath: path)
        process.standardInput = toServer
        process.standardOutput = fromServer
        try process.run()
    }

    func cmd(_ words: String...) -> [String] {
        toServer.fileHandleForWriting.write((words.joined(separator: " ") + "\n").data(using: .utf8)!)
        while !buffer.contains(0x0a) {
            let chunk = fromServer.fileHandleForReading.availableData
            if chunk.isEmpty { return ["<server exited>"] }
            buffer.append(chunk)
        }
        let i = buffer.firstIndex(of: 0x0a)!
        let line = String(decoding: buffer[buffer.startIndex..<i], as: UTF8.self)
        buffer = Data(buffer[(i + 1)...])
        let parts = line.split(separator: " ").map(String.init)
        return parts.first == "ok" ? Array(parts.dropFirst()) : ["<\(line)>"]
    }

    func send(_ call: PushCall, _ now: Int64) -> (Int, Data) {
        let base = "https://mfa.example.com"
        guard call.url.hasPrefix(base + "/duet/v1/") else { return (0, Data()) }
        let body = call.body.isEmpty ? "-" : call.body.map { String(format: "%02x", $0) }.joined()
        let r = cmd("http", "POST", String(call.url.dropFirst(base.count)), body, String(now))
        guard r.count == 2, let status = Int(r[0]) else { return (0, Data()) }
        return (status, r[1] == "-" ? Data() : unhex(r[1]))
    }

    func close() {
        toServer.fileHandleForWriting.write("quit\n".data(using: .utf8)!)
        process.waitUntilExit()
    }
}

func unhex(_ s: String) -> Data {
    var out = Data()
    var i = s.startIndex
    while i < s.endIndex {
        let j = s.index(i, offsetBy: 2)
        out.append(UInt8(s[i..<j], radix: 16) ?? 0)
        i = j
    }
    return out
}

final class FailingSigner: DeviceSigner {
    let inner: OpenSSLSigner
    let error: Error
    init(_ inner: OpenSSLSigner, _ error: Error) { self.inner = inner; self.error = error }
    func algorithm() -> SignerAlgorithm { .ecdsaP256Sha256 }
    func publicKey() -> Data { inner.publicKey() }
    func sign(message: Data) throws -> Data { throw error }
}

func pushTests(_ h: Harness) {
    let t0: Int64 = 1_790_000_000
    let device = DeviceInfo(name: "Swift test phone", platform: "ios", keystore: "software")

    func enroll(_ server: TestServerProcess, _ signer: DeviceSigner) throws -> PushAccount {
        let linkText = server.cmd("enroll", "alice", String(t0))[0]
        let link = try EnrollmentLink.parse(text: linkText, clock: FixedClock(t0 + 5))
        h.equal(link.issuer(), "Example Corp")
        h.equal(link.url(), "https://mfa.example.com")
        let call = try link.registration(signer: signer, device: device, clock: FixedClock(t0 + 5))
        h.equal(call.url, "https://mfa.example.com/duet/v1/register")
        let (status, body) = server.send(call, t0 + 5)
        h.equal(status, 200, "register status")
        let reg = try link.finishRegistration(signer: signer, response: body, clock: FixedClock(t0 + 6))
        h.equal(reg.account.user, "alice")
        return reg.account
    }

    func poll(_ server: TestServerProcess, _ account: PushAccount, _ signer: DeviceSigner, _ answered: AnsweredRequests, _ now: Int64) throws -> PollResult {
        let (status, body) = server.send(try pushPoll(account: account, signer: signer, clock: FixedClock(now)), now)
        h.equal(status, 200, "poll status")
        return try pushParsePoll(account: account, response: body, clock: FixedClock(now), answered: answered)
    }

    h.test("Swift OpenSSL signer approves a real request with number matching") {
        let server = try TestServerProcess()
        defer { server.close() }
        let signer = OpenSSLSigner()
        h.equal(signer.publicKey().count, 65)
        let account = try enroll(server, signer)
        let answered = AnsweredRequests()
        let started = server.cmd("signin", "alice", "VPN", "type2", String(t0 + 10))
        let polled = try poll(server, account, signer, answered, t0 + 12)
        h.equal(polled.requests.count, 1, "requests")
        guard let req = polled.requests.first else { return }
        let p = req.pending()
        h.equal(p.requestId, started[0])
        h.equal(p.service, "VPN")
        h.equal(p.matching, .typeShown(digits: 2))
        let call = try pushAnswer(account: account, request: req, answer: .approve(number: started[1]), signer: signer, clock: FixedClock(t0 + 15), answered: answered)
        h.equal(server.send(call, t0 + 15).0, 200, "answer status")
        h.equal(server.cmd("status", started[0], String(t0 + 16)), ["approved"])
        h.check(server.send(call, t0 + 17).0 != 200, "replayed answer refused by the server")
        let again = h.throwsDuet("answer twice") {
            _ = try pushAnswer(account: account, request: req, answer: .approve(number: started[1]), signer: signer, clock: FixedClock(t0 + 18), answered: answered)
        }
        h.check(again?.code.hasPrefix("E_PUSH_") ?? false, "answer twice: \(String(describing: again))")
    }

    h.test("deny as fraud, pick, unenroll") {
        let server = try TestServerProcess()
        defer { server.close() }
        let signer = OpenSSLSigner()
        let account = try enroll(server, signer)
        let answered = AnsweredRequests()
        let started = server.cmd("signin", "alice", "Mail", "pick3", String(t0 + 20))
        let polled = try poll(server, account, signer, answered, t0 + 21)
        guard let req = polled.requests.first else { h.fail("no request"); return }
        if case .pick(let choices) = req.pending().matching { h.equal(choices.count, 3) } else { h.fail("not pick") }
        let deny = try pushAnswer(account: account, request: req, answer: .denyNotMe, signer: signer, clock: FixedClock(t0 + 22), answered: answered)
        h.equal(server.send(deny, t0 + 22).0, 200)
        h.equal(server.cmd("status", started[0], String(t0 + 23)), ["denied"])
        h.equal(server.send(try pushUnenroll(account: account, signer: signer, clock: FixedClock(t0 + 30)), t0 + 30).0, 200)
    }

    h.test("garbage and forgeries give typed errors") {
        let server = try TestServerProcess()
        defer { server.close() }
        let signer = OpenSSLSigner()
        for bad in ["", "garbage", "duet://enroll?v=1", "https://evil.example/duet"] {
            let e = h.throwsDuet("link \(bad)") { _ = try EnrollmentLink.parse(text: bad, clock: FixedClock(t0)) }
            if let e = e, case .Push = e {} else { h.fail("link \(bad): not a Push error") }
        }
        let account = try enroll(server, signer)
        let answered = AnsweredRequests()
        for body in [Data(), Data("{}".utf8), Data((0..<300).map { UInt8($0 & 0xff) })] {
            let e = h.throwsDuet("request") { _ = try pushVerifyRequest(account: account, body: body, clock: FixedClock(t0), answered: answered) }
            h.check(e?.code.hasPrefix("E_PUSH_") ?? false, "verify garbage code")
        }
        // Requests signed by a key other than the enrolled server's are never shown.
        _ = server.cmd("signin", "alice", "VPN", "none", String(t0 + 10))
        let (_, pollBody) = server.send(try pushPoll(account: account, signer: signer, clock: FixedClock(t0 + 11)), t0 + 11)
        var forged = account
        forged.serverKey = OpenSSLSigner().publicKey()
        let out = try pushParsePoll(account: forged, response: pollBody, clock: FixedClock(t0 + 11), answered: answered)
        h.check(out.requests.isEmpty && !out.rejectedCodes.isEmpty, "forged requests rejected: \(out.rejectedCodes)")
        // Signer failures keep their codes.
        let cancelled = FailingSigner(signer, DuetError.Callback(code: "E_PUSH_SIGNER_CANCELLED", reason: "cancelled"))
        h.equal(h.throwsDuet("cancelled") { _ = try pushPoll(account: account, signer: cancelled, clock: FixedClock(t0)) }?.code, "E_PUSH_SIGNER_CANCELLED")
        h.equal(h.throwsDuet("failed") { _ = try pushPoll(account: account, signer: FailingSigner(signer, SignerFailure()), clock: FixedClock(t0)) }?.code, "E_PUSH_SIGNER_FAILED")
    }
}
