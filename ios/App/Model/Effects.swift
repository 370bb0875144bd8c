import Foundation

// The platform effects the models use, one protocol each. The app target implements them with
// UIKit, Security, LocalAuthentication, UserNotifications and BackgroundTasks; the Linux tests with
// doubles. Key storage and the biometric gate are in Keys.swift.

/// Where the models' calls run. Every model method may block (the core reaches servers), so the
/// app calls them through `background` and publishes state changes through `main`; tests run both
/// inline.
public protocol Threads {
    func background(_ work: @escaping () -> Void)
    func main(_ work: @escaping () -> Void)
}

extension Threads {
    /// Runs `work` in the background and hands its result to `then` on the main thread.
    func run<T>(_ work: @escaping () -> T, then: @escaping (T) -> Void) {
        background {
            let result = work()
            self.main { then(result) }
        }
    }
}

/// The pasteboard: codes are copied marked local-only and expiring.
public protocol Pasteboard {
    /// Copies `text`, kept off other devices (no Universal Clipboard) and gone after `expiresIn`.
    func copySensitive(_ text: String, expiresIn seconds: Double)
}

/// The app's own switches (the vault's contents are the core's).
public protocol AppSettings: AnyObject {
    /// Ask for Face ID / Touch ID / the passcode before the vault opens.
    var appLock: Bool { get set }
    /// Show codes only after a tap on the row.
    var hideCodes: Bool { get set }
}

/// Local notifications for waiting sign-in requests.
public protocol Notifier {
    /// Shows a notification that opens the request screen for `requestId`.
    func notify(requestId: String, title: String, body: String)
    /// Removes the notification of a request that was answered or closed.
    func withdraw(requestId: String)
}

/// Wakes the app now and then to poll (BGAppRefreshTask on iOS).
public protocol BackgroundRefresh {
    /// Asks the system for the next wake-up no sooner than `seconds` from now.
    func schedule(earliestIn seconds: Double)
}

/// The phone's clock in Unix seconds (the core has its own Clock for signing; this one is for
/// the screen's countdowns and expiry).
public protocol WallClock {
    func nowSeconds() -> Int64
}
