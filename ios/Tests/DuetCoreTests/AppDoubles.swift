import DuetAppModel
import DuetCore
import Foundation

// Doubles for the Apple effects the view models use (Secure Enclave / Keychain, LocalAuthentication,
// UIPasteboard, UserNotifications, BackgroundTasks). The keys are OpenSSL keys; the gate and the
// keystore together enforce what the Secure Enclave does: an answer key signs only with the
// authorisation of a prompt that passed, once.

/// Runs the models' background work and main-thread updates inline, so a test sees their effect at once.
final class InlineThreads: Threads {
    func background(_ work: @escaping () -> Void) { work() }
    func main(_ work: @escaping () -> Void) { work() }
}

final class TestSettings: AppSettings {
    var appLock = false
    var hideCodes = false
}

final class RecordingPasteboard: Pasteboard {
    var copied: [(text: String, expiresIn: Double)] = []
    func copySensitive(_ text: String, expiresIn seconds: Double) { copied.append((text, seconds)) }
}

final class RecordingNotifier: Notifier {
    var shown: [(id: String, body: String)] = []
    var withdrawn: [String] = []
    func notify(requestId: String, title: String, body: String) { shown.append((requestId, body)) }
    func withdraw(requestId: String) { withdrawn.append(requestId) }
}

final class RecordingRefresh: BackgroundRefresh {
    var scheduled: [Double] = []
    func schedule(earliestIn seconds: Double) { scheduled.append(seconds) }
}

struct TestWallClock: WallClock {
    let clock: MutableClock
    func nowSeconds() -> Int64 { clock.now }
}

/// The Keychain item holding the vault key: can be locked (app lock not confirmed) or lost.
final class TestVaultKeys: VaultKeyStore {
    private var keys: [String: Data] = [:]
    var locked = false
    var invalidated = false

    func vaultKey(path: String, create: Bool) throws -> Data {
        if invalidated { throw KeyLost(.vault, .invalidated) }
        if locked { throw VaultLocked() }
        if let k = keys[path] { return k }
        guard create else { throw KeyLost(.vault, .missing) }
        let k = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
        keys[path] = k
        return k
    }
}

/// The prompt: each `authorise` is answered as `next` says. A passed prompt hands out a fresh
/// authorisation; the keystore double signs only with such a one, once.
final class TestGate: BiometricGate {
    enum Next { case pass, cancel, fail(String) }
    final class Authorisation: GateAuthorisation {
        var spent = false
    }

    var next = Next.pass
    private(set) var prompts = 0
    private(set) var issued: [Authorisation] = []

    func authorise(reason: String, _ done: @escaping (GateResult) -> Void) {
        prompts += 1
        switch next {
        case .pass:
            let a = Authorisation()
            issued.append(a)
            done(.authorised(a))
        case .cancel: done(.cancelled)
        case .fail(let why): done(.failed(why))
        }
    }
}

/// The Secure Enclave / Keychain stand-in: OpenSSL P-256 keys by handle. Unprompted calls (polls)
/// sign with `signer`; an answer signs only through `sign(..., authorisation:)` with an unspent
/// authorisation `gate` issued, anything else is refused and counted. `invalidated` makes every
/// key unusable, as a changed Face ID does.
final class PromptOnlyKeystore: PlatformKeystore, AnswerKeys, @unchecked Sendable {
    private var pairs: [String: OpenSSLSigner] = [:]
    let gate: TestGate
    var invalidated = false
    private(set) var refused = 0
    private(set) var signedAnswers = 0

    init(gate: TestGate) { self.gate = gate }

    func createKey(algorithm: SignerAlgorithm) throws -> Data {
        guard algorithm == .ecdsaP256Sha256 else { throw DuetError.Callback(code: "E_PUSH_SIGNER_FAILED", reason: "duet keys only") }
        let handle = "duet-push-\(pairs.count + 1)"
        pairs[handle] = OpenSSLSigner()
        return Data(handle.utf8)
    }

    func signer(handle: Data, algorithm: SignerAlgorithm) throws -> DeviceSigner {
        if invalidated { throw DuetError.Callback(code: "E_PUSH_SIGNER_UNAVAILABLE", reason: "key invalidated") }
        guard let k = pairs[String(decoding: handle, as: UTF8.self)] else {
            throw DuetError.Callback(code: "E_PUSH_SIGNER_UNAVAILABLE", reason: "no such key")
        }
        return k
    }

    func checkUsable(handle: Data, algorithm: SignerAlgorithm) throws {
        if invalidated { throw KeyLost(.pushAccount, .invalidated) }
        if pairs[String(decoding: handle, as: UTF8.self)] == nil { throw KeyLost(.pushAccount, .missing) }
    }

    func sign(handle: Data, algorithm: SignerAlgorithm, message: Data, authorisation: GateAuthorisation) throws -> Data {
        try checkUsable(handle: handle, algorithm: algorithm)
        guard let a = authorisation as? TestGate.Authorisation, gate.issued.contains(where: { $0 === a }), !a.spent else {
            refused += 1
            throw SignerFailure()
        }
        a.spent = true
        signedAnswers += 1
        return try pairs[String(decoding: handle, as: UTF8.self)]!.sign(message: message)
    }
}
