#if canImport(UIKit)
import DuetAppModel
import DuetCore
import Foundation
import Observation
import UIKit

/// Wires the Apple effects to the view models: one vault, one set of effects, the models the
/// screens show. Holds no rules of its own.
@Observable
final class AppGraph {
    /// A link or notification asked for a screen; the root view shows it.
    var route: LinkRoute?

    let threads: DispatchThreads
    let vaultKeys: KeychainVaultKeys
    let keystore: SecureEnclaveKeystore
    let gate = LocalAuthenticationGate()
    let settings: DefaultsSettings
    let session: VaultSession
    let launch: LaunchModel
    let requests: RequestModel
    let delivery: PushDelivery

    init() {
        let dir = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("vault.db").path
        let threads = DispatchThreads()
        let vaultKeys = KeychainVaultKeys()
        let keystore = SecureEnclaveKeystore()
        let transport = URLSessionTransport()
        // Read once here: the core asks for the services off the main thread.
        let deviceName = UIDevice.current.name
        let session = VaultSession(path: path, keys: vaultKeys) {
            AppServices(clock: systemClock(), transport: transport, keystore: keystore,
                        device: DeviceInfo(name: deviceName, platform: "ios", keystore: "secure_enclave"))
        }
        self.threads = threads
        self.vaultKeys = vaultKeys
        self.keystore = keystore
        self.session = session
        settings = DefaultsSettings(vaultKeys: vaultKeys, vaultPath: path)
        launch = LaunchModel(session: session, threads: threads)
        requests = RequestModel(session: session, threads: threads, clock: SystemWallClock())
        delivery = PushDelivery(session: session, notifier: UserNotifier(), refresh: AppRefresh())
    }

    func codes(_ app: DuetApp) -> CodesModel { CodesModel(app: app, pasteboard: SystemPasteboard(), settings: settings) }
    func add(_ app: DuetApp) -> AddModel { AddModel(app: app, threads: threads) }
    func settingsModel(_ app: DuetApp) -> SettingsModel { SettingsModel(app: app, settings: settings, threads: threads) }
    func approveFlow() -> ApproveFlow { ApproveFlow(model: requests, keys: keystore, gate: gate) }

    /// On launch and on every return to the foreground: open (or unlock) and poll.
    func foreground() {
        launch.open()
        requests.resume()
        threads.background { [delivery] in delivery.pollAndNotify() }
    }

    /// Leaving the screen: with app lock on, the vault closes.
    func background() {
        launch.lockIfAsked(settings)
    }

    func open(_ url: URL) {
        route = Links.route(url)
    }
}
#endif
