import DuetCore
import Foundation

/// A minimal test harness: the Swift suite is one executable that exits non-zero on any failure
/// (XCTest is not needed on Linux for this, and the chroot stays small).
/// Tests are named `Suite.test`; `DUET_SWIFT_TEST=Suite` or `DUET_SWIFT_TEST=Suite.test` (or the
/// same as the first argument) runs one suite or one test.
final class Harness {
    private(set) var passed = 0
    private(set) var failed = 0
    private var current = ""
    private var suiteName = ""
    private let filter: String?

    init(filter: String?) {
        self.filter = (filter?.isEmpty ?? true) ? nil : filter
    }

    /// Runs the tests `body` declares under the suite `name` (skipped whole when filtered out).
    func suite(_ name: String, _ body: (Harness) -> Void) {
        if let f = filter, f != name, !f.hasPrefix(name + ".") { return }
        suiteName = name
        body(self)
    }

    func test(_ name: String, _ body: () throws -> Void) {
        let full = "\(suiteName).\(name)"
        if let f = filter, f != suiteName, f != full { return }
        current = full
        let before = failed
        do {
            try body()
        } catch {
            fail("unexpected error: \(error)")
        }
        if failed == before {
            passed += 1
            print("PASS \(full)")
        }
    }

    func fail(_ message: String, file: StaticString = #file, line: UInt = #line) {
        failed += 1
        print("FAIL \(current): \(message) (\(file):\(line))")
    }

    func equal<T: Equatable>(_ a: T, _ b: T, _ what: String = "", file: StaticString = #file, line: UInt = #line) {
        if a != b { fail("\(what) expected \(b), got \(a)", file: file, line: line) }
    }

    func check(_ cond: Bool, _ what: String, file: StaticString = #file, line: UInt = #line) {
        if !cond { fail(what, file: file, line: line) }
    }

    /// Runs `body`, which must throw a `DuetError`; returns it (or fails).
    func throwsDuet(_ what: String, file: StaticString = #file, line: UInt = #line, _ body: () throws -> Void) -> DuetError? {
        do {
            try body()
            fail("\(what): no error thrown", file: file, line: line)
        } catch let e as DuetError {
            return e
        } catch {
            fail("\(what): wrong error type \(error)", file: file, line: line)
        }
        return nil
    }

    func finish() -> Never {
        print("\(passed) passed, \(failed) failed")
        if passed + failed == 0 {
            print("no test matched \(filter ?? "")")
            exit(1)
        }
        exit(failed == 0 ? 0 : 1)
    }
}

// ------------------------------------------------------------------ the app's services

/// The duet server for the Swift tests: tests/src/bin/duet-test-helper.rs runs the reference
/// server on 127.0.0.1 with a manual clock and takes commands over stdin/stdout.
final class TestServerProcess {
    private let process = Process()
    private let toServer = Pipe()
    private let fromServer = Pipe()
    private var buffer = Data()

    init() throws {
        guard let path = ProcessInfo.processInfo.environment["DUET_TEST_HELPER"] else { throw HelperMissing() }
        process.executableURL = URL(fileURLWithPath: path)
        process.standardInput = toServer
        process.standardOutput = fromServer
        try process.run()
    }

    /// One command; the words after `ok`, or `["<the line>"]` when the server refused it.
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

    func close() {
        toServer.fileHandleForWriting.write("quit\n".data(using: .utf8)!)
        process.waitUntilExit()
    }
}

struct HelperMissing: Error {}

func hex(_ d: Data) -> String { d.map { String(format: "%02x", $0) }.joined() }

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

/// A clock the test moves: the phone's and the server's time are set together per request.
final class MutableClock: Clock, @unchecked Sendable {
    var now: Int64
    init(_ now: Int64) { self.now = now }
    func nowUnixSeconds() throws -> Int64 { now }
}

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

/// The app's HTTP stack, as the bindings see it: every request goes to the test server's HTTP
/// endpoints at the clock's time. `fail` makes the next requests fail like a broken network.
final class HelperTransport: HttpTransport, @unchecked Sendable {
    let server: TestServerProcess
    let clock: MutableClock
    var seen: [HttpRequest] = []
    var fail: Error?
    init(_ server: TestServerProcess, _ clock: MutableClock) { self.server = server; self.clock = clock }

    func send(request: HttpRequest) throws -> HttpResponse {
        if let e = fail { throw e }
        seen.append(request)
        let base = "https://mfa.example.com"
        guard request.url.hasPrefix(base + "/") else { throw DuetError.Transport(code: "E_TRANSPORT_UNREACHABLE", reason: request.url) }
        let body = request.body.isEmpty ? "-" : hex(request.body)
        let r = server.cmd("http", request.method == .get ? "GET" : "POST", String(request.url.dropFirst(base.count)), body, String(clock.now))
        guard r.count == 2, let status = UInt16(r[0]) else { throw DuetError.Transport(code: "E_TRANSPORT_FAILED", reason: r.joined()) }
        return HttpResponse(status: status, body: r[1] == "-" ? Data() : unhex(r[1]))
    }
}

/// No network: a call is answered like an unreachable host.
final class NoNetwork: HttpTransport, @unchecked Sendable {
    func send(request: HttpRequest) throws -> HttpResponse {
        throw DuetError.Transport(code: "E_TRANSPORT_UNREACHABLE", reason: "no network")
    }
}

/// Stands in for the Keychain / Secure Enclave (which need a device): keys made with OpenSSL
/// (P-256 and RSA), found by a handle, with the purpose the core asked for in `purposes`;
/// `signInPrompt` is what the app does inside its biometric prompt (LAContext) in the two-step answer.
final class OpenSSLKeystore: PlatformKeystore, @unchecked Sendable {
    private let lock = NSLock()
    private var store: [String: DeviceSigner] = [:]
    private var madeFor: [String: KeyPurpose] = [:]
    /// When set, `signer` throws a callback error with this code (a refused or cancelled prompt).
    var refuse: String?
    /// Bits of the RSA keys made (privacyIDEA).
    var rsaBits: Int32 = 2048

    var keys: [String: DeviceSigner] {
        get { lock.lock(); defer { lock.unlock() }; return store }
        set { lock.lock(); store = newValue; lock.unlock() }
    }

    var purposes: [String: KeyPurpose] {
        lock.lock(); defer { lock.unlock() }
        return madeFor
    }

    func createKey(algorithm: SignerAlgorithm, purpose: KeyPurpose) throws -> Data {
        lock.lock(); defer { lock.unlock() }
        let handle = "duet-key-\(store.count + 1)"
        madeFor[handle] = purpose
        switch algorithm {
        case .ecdsaP256Sha256: store[handle] = OpenSSLSigner()
        case .rsaPkcs1Sha256: store[handle] = OpenSSLRsaKey(bits: rsaBits)
        }
        return Data(handle.utf8)
    }

    func signer(handle: Data, algorithm: SignerAlgorithm) throws -> DeviceSigner {
        if let code = refuse { throw DuetError.Callback(code: code, reason: "keychain refused") }
        guard let s = keys[String(decoding: handle, as: UTF8.self)] else {
            throw DuetError.Callback(code: "E_PUSH_SIGNER_UNAVAILABLE", reason: "no such key")
        }
        return s
    }

    /// What the app does inside the biometric prompt: sign the prepared bytes with the key.
    func signInPrompt(_ handle: Data?, _ message: Data) throws -> Data {
        guard let h = handle, let s = keys[String(decoding: h, as: UTF8.self)] else { throw SignerFailure() }
        return try s.sign(message: message)
    }
}

let testDevice = DeviceInfo(name: "Swift test phone", platform: "ios", keystore: "secure_enclave")

func services(_ clock: Clock, _ transport: HttpTransport, _ keystore: PlatformKeystore? = nil) -> AppServices {
    AppServices(clock: clock, transport: transport, keystore: keystore, device: testDevice)
}

/// The code list as a screen shows it: (label, code) in list order, the labels joined in by id
/// from `accounts()`, which the app reads once per change of the accounts rather than per refresh.
func labelledCodes(_ app: DuetApp) throws -> [(label: String, code: String)] {
    let labels = Dictionary(uniqueKeysWithValues: try app.accounts().map { ($0.id, $0.label) })
    let list = try app.codes()
    precondition(list.problems.isEmpty, "\(list.problems)")
    return list.entries.map { (labels[$0.id]!, $0.code) }
}

/// A fresh vault file for one test; `close` removes it.
final class TempVault {
    let dir: URL
    let path: String
    let keys = MemoryKeyProvider()

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("duet-app-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        path = dir.appendingPathComponent("vault.db").path
    }

    func create(_ s: AppServices) throws -> DuetApp { try DuetApp.create(path: path, provider: keys, services: s) }
    func open(_ s: AppServices) throws -> DuetApp { try DuetApp.open(path: path, provider: keys, services: s) }
    func close() { try? FileManager.default.removeItem(at: dir) }
}
