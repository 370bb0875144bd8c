import Foundation
#if canImport(DuetCore)
import DuetCore
#endif

/// Which key a `KeyLost` is about: what it protected decides the way back.
public enum KeyUse: Equatable, Sendable {
    /// A push account's device key: the server knows only this key.
    case pushAccount
    /// The Keychain item that holds the vault key: the vault file cannot be opened without it.
    case vault
}

/// Why a key can no longer be used.
public enum KeyLoss: Equatable, Sendable {
    /// The phone invalidated it: Face ID / Touch ID changed, or the passcode was turned off.
    case invalidated
    /// It is not there (app data restored onto another phone, Keychain reset).
    case missing
}

/// A key the app needs cannot be used any more. Thrown instead of deleting anything: the vault
/// file, its Keychain item and the account records stay where they are, so a restored backup or a
/// helpdesk re-enrollment is the way back, never a silent reset.
public struct KeyLost: Error, Equatable {
    public let use: KeyUse
    public let loss: KeyLoss
    public init(_ use: KeyUse, _ loss: KeyLoss) { self.use = use; self.loss = loss }
}

/// The vault key needs the user first (app lock is on).
public struct VaultLocked: Error, Equatable {
    public init() {}
}

/// The 32-byte vault key in the Keychain (`WhenUnlockedThisDeviceOnly`; behind user presence
/// with app lock on).
public protocol VaultKeyStore {
    /// The key of the vault at `path`, made and stored when `create` is true and none is there.
    /// Throws `VaultLocked` while app lock wants the user, `KeyLost(.vault, ...)` when the item is
    /// gone or unusable.
    func vaultKey(path: String, create: Bool) throws -> Data
}

/// How a biometric prompt ended.
public enum GateResult {
    /// The user authenticated; `authorisation` is what the key may sign with (an evaluated
    /// `LAContext` on iOS), valid for this one answer.
    case authorised(GateAuthorisation)
    /// The user backed out: nothing is signed or sent.
    case cancelled
    /// The prompt could not authenticate (locked out, no Face ID or passcode set).
    case failed(String)
}

/// The proof of one passed prompt, handed to the key that signs the answer.
public protocol GateAuthorisation: AnyObject {}

/// Face ID / Touch ID / passcode before an answer is signed. Calls `done` exactly once, on the
/// main thread.
public protocol BiometricGate {
    func authorise(reason: String, _ done: @escaping (GateResult) -> Void)
}

/// The keys answers are signed with inside the prompt.
public protocol AnswerKeys {
    /// Checks the key named by `handle` can sign, before the prompt goes up.
    /// Throws `KeyLost(.pushAccount, ...)`.
    func checkUsable(handle: Data, algorithm: SignerAlgorithm) throws
    /// Signs `message` with the key, using the authorisation of a prompt that just passed.
    /// Throws `KeyLost(.pushAccount, ...)`, or any other error for a failed signature.
    func sign(handle: Data, algorithm: SignerAlgorithm, message: Data, authorisation: GateAuthorisation) throws -> Data
}
