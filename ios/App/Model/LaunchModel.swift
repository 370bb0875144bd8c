import Foundation
import Observation
#if canImport(DuetCore)
import DuetCore
#endif

/// Opening the vault when the app starts or comes back with app lock on: the screens get the open
/// vault, or an explanation (locked: unlock; a lost key: the ways back, nothing deleted).
@Observable
public final class LaunchModel {
    public enum State {
        case opening
        case locked
        case keyLost(text: String, waysBack: [String])
        case failed(UiError)
        case open(DuetApp)
    }

    public private(set) var state = State.opening

    @ObservationIgnored private let session: VaultSession
    @ObservationIgnored private let threads: Threads

    public init(session: VaultSession, threads: Threads) {
        self.session = session
        self.threads = threads
    }

    /// Opens the vault (the Keychain may show the app-lock prompt first); nothing to do when open.
    public func open() {
        if case .open = state { return }
        state = .opening
        let session = self.session
        threads.run({ () -> State in
            do {
                return .open(try session.app())
            } catch is VaultLocked {
                return .locked
            } catch let e as KeyLost {
                let text = (e.loss == .invalidated ? Strings.Request.keyInvalidated : Strings.Request.keyMissing)
                    + " " + Strings.Request.keyNothingDeleted
                return .keyLost(text: text, waysBack: [Strings.Request.wayBackVault, Strings.Request.wayBackPush])
            } catch let e as DuetError {
                return .failed(UiError(e))
            } catch {
                preconditionFailure("\(error)")
            }
        }, then: { [self] s in state = s })
    }

    /// App lock: the vault is closed when the app leaves the screen and opened again on return.
    public func lockIfAsked(_ settings: AppSettings) {
        guard settings.appLock else { return }
        session.close()
        state = .locked
    }
}
