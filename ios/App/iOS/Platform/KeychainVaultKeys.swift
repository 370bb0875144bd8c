#if canImport(Security) && canImport(LocalAuthentication)
import DuetAppModel
import Foundation
import LocalAuthentication
import Security

/// The vault key: 32 random bytes in the Keychain, this device only, readable while unlocked; with
/// app lock on the item also asks for user presence (Face ID, Touch ID or the passcode) when read.
final class KeychainVaultKeys: VaultKeyStore {
    private static let service = "org.duet.vault-key"
    private let account: (String) -> String = { URL(fileURLWithPath: $0).lastPathComponent }

    func vaultKey(path: String, create: Bool) throws -> Data {
        do {
            if let key = try Keychain.read(service: Self.service, account: account(path), context: LAContext(),
                                           prompt: Strings.unlockReason) {
                return key
            }
        } catch let f as Keychain.Failure where f.status == errSecUserCanceled || f.status == errSecAuthFailed {
            throw VaultLocked()
        } catch {
            throw KeyLost(.vault, .invalidated)
        }
        // No item: a new vault gets a new key; an existing vault file is never re-keyed.
        guard create else { throw KeyLost(.vault, .missing) }
        var bytes = [UInt8](repeating: 0, count: 32)
        guard SecRandomCopyBytes(kSecRandomDefault, bytes.count, &bytes) == errSecSuccess else { throw KeyLost(.vault, .missing) }
        let key = Data(bytes)
        try? Keychain.add(service: Self.service, account: account(path), data: key)
        return key
    }

    /// Turns app lock on or off: the same key is stored again with or without user presence.
    func protect(path: String, userPresence: Bool) throws {
        guard let key = try Keychain.read(service: Self.service, account: account(path), context: LAContext(),
                                          prompt: Strings.appLockChangeReason) else { return }
        Keychain.delete(service: Self.service, account: account(path))
        var access: SecAccessControl?
        if userPresence {
            access = SecAccessControlCreateWithFlags(nil, kSecAttrAccessibleWhenUnlockedThisDeviceOnly, .userPresence, nil)
        }
        try Keychain.add(service: Self.service, account: account(path), data: key, access: access)
    }
}
#endif
