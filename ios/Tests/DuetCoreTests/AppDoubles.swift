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

/// The Secure Enclave / Keychain stand-in: OpenSSL P-256 keys by handle, each with the purpose the
/// core made it for. The device key signs unprompted calls (polls) through `signer`; the answer
/// key signs only through `sign(..., authorisation:)` with an unspent authorisation `gate` issued,
/// and its synchronous signer refuses, as `.biometryCurrentSet` does (refusals are counted). The
/// approval is never handed a device key. `invalidated` makes the answer keys unusable, as a
/// changed Face ID does; the device key still polls.
final class PromptOnlyKeystore: PlatformKeystore, AnswerKeys, @unchecked Sendable {
    private var pairs: [String: OpenSSLSigner] = [:]
    private var purposes: [String: KeyPurpose] = [:]
    let gate: TestGate
    var invalidated = false
    private(set) var refused = 0
    private(set) var signedAnswers = 0

    init(gate: TestGate) { self.gate = gate }

    func createKey(algorithm: SignerAlgorithm, purpose: KeyPurpose) throws -> Data {
        guard algorithm == .ecdsaP256Sha256 else { throw DuetError.Callback(code: "E_PUSH_SIGNER_FAILED", reason: "duet keys only") }
        let handle = "duet-push-\(pairs.count + 1)"
        pairs[handle] = OpenSSLSigner()
        purposes[handle] = purpose
        return Data(handle.utf8)
    }

    func signer(handle: Data, algorithm: SignerAlgorithm) throws -> DeviceSigner {
        let name = String(decoding: handle, as: UTF8.self)
        guard let k = pairs[name] else {
            throw DuetError.Callback(code: "E_PUSH_SIGNER_UNAVAILABLE", reason: "no such key")
        }
        return purposes[name] == .answers ? UserOnlySigner(key: k, keystore: self) : k
    }

    /// The answer key outside the prompt: it names its public key but signs nothing.
    private final class UserOnlySigner: DeviceSigner, @unchecked Sendable {
        let key: OpenSSLSigner
        unowned let keystore: PromptOnlyKeystore
        init(key: OpenSSLSigner, keystore: PromptOnlyKeystore) { self.key = key; self.keystore = keystore }
        func algorithm() -> SignerAlgorithm { key.algorithm() }
        func publicKey() -> Data { key.publicKey() }
        func sign(message: Data) throws -> Data {
            keystore.refused += 1
            throw DuetError.Callback(code: "E_PUSH_SIGNER_CANCELLED", reason: "the answer key needs the user")
        }
    }

    func checkUsable(handle: Data, algorithm: SignerAlgorithm) throws {
        let name = String(decoding: handle, as: UTF8.self)
        if pairs[name] == nil { throw KeyLost(.pushAccount, .missing) }
        guard purposes[name] == .answers else {
            refused += 1
            throw SignerFailure()
        }
        if invalidated { throw KeyLost(.pushAccount, .invalidated) }
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
