import Foundation
#if canImport(DuetCore)
import DuetCore
#endif

/// The open vault: made on first launch, opened once with the Keychain's key, then the same
/// object for every screen. Locked and lost keys surface as `VaultLocked` and `KeyLost`, so the
/// screens can explain them; nothing is ever deleted or re-created over an existing vault.
public final class VaultSession: @unchecked Sendable {
    public let path: String
    private let keys: VaultKeyStore
    private let services: () -> AppServices
    private let lock = NSLock()
    private var opened: DuetApp?

    public init(path: String, keys: VaultKeyStore, services: @escaping () -> AppServices) {
        self.path = path
        self.keys = keys
        self.services = services
    }

    /// The open vault. Throws `VaultLocked`, `KeyLost` or `DuetError`.
    public func app() throws -> DuetApp {
        lock.lock(); defer { lock.unlock() }
        if let a = opened { return a }
        let exists = FileManager.default.fileExists(atPath: path)
        // A vault file without its key is never replaced: the key store reports it as lost.
        let key = try keys.vaultKey(path: path, create: !exists)
        let provider = FixedKey(key)
        let app = exists
            ? try DuetApp.open(path: path, provider: provider, services: services())
            : try DuetApp.create(path: path, provider: provider, services: services())
        opened = app
        return app
    }

    /// Forgets the open vault (app lock on leaving the app; a test's restart).
    public func close() {
        lock.lock(); defer { lock.unlock() }
        opened = nil
    }
}

/// Hands the core the key already read from the Keychain.
private final class FixedKey: VaultKeyProvider, @unchecked Sendable {
    private let key: Data
    init(_ key: Data) { self.key = key }
    func vaultKey(vaultPath: String) throws -> Data { key }
}
