import Foundation
#if canImport(DuetCore)
import DuetCore
#endif

/// Delivery while the server's APNs sending is not there: a poll on launch, on return to the
/// foreground and on each background refresh, with a local notification for each new request.
/// The APNs device token is sent to every duet server as soon as iOS hands it over.
public final class PushDelivery {
    /// iOS decides when a BGAppRefreshTask runs; this is the earliest asked for.
    public static let refreshSeconds = 15.0 * 60

    private let session: VaultSession
    private let notifier: Notifier
    private let refresh: BackgroundRefresh
    /// Requests already notified; the foreground poll and the background task may run at once.
    private var notified = Set<String>()
    private let lock = NSLock()

    public init(session: VaultSession, notifier: Notifier, refresh: BackgroundRefresh) {
        self.session = session
        self.notifier = notifier
        self.refresh = refresh
    }

    /// Polls once (blocking: call it off the main thread, or inside the background task) and
    /// notifies each request not notified before; withdraws the notifications of closed ones.
    /// Returns the requests waiting. A locked vault or a lost key polls nothing: the request screen
    /// explains those when the user opens the app.
    @discardableResult
    public func pollAndNotify() -> [PendingRequest] {
        defer { refresh.schedule(earliestIn: Self.refreshSeconds) }
        guard let app = try? session.app(), let summary = try? app.poll() else { return [] }
        lock.lock()
        let fresh = summary.requests.filter { !notified.contains($0.requestId) }
        // Only the waiting ones are remembered: ids are never reused, so the set stays small.
        notified = Set(summary.requests.map(\.requestId))
        lock.unlock()
        for r in fresh {
            let heading = RequestDetails(r).heading
            notifier.notify(requestId: r.requestId, title: Strings.Request.notifyTitle, body: Strings.Request.notifyText(heading))
        }
        for c in summary.closed {
            notifier.withdraw(requestId: c.requestId)
        }
        return summary.requests
    }

    /// The APNs device token (from `didRegisterForRemoteNotificationsWithDeviceToken`), sent to
    /// every duet server; returns the accounts that could not be told.
    public func registerApnsToken(_ token: Data) -> [UiError] {
        let hexToken = token.map { String(format: "%02x", $0) }.joined()
        do {
            return try session.app().registerPushToken(provider: .apns, token: hexToken).map { UiError($0.error) }
        } catch let e as DuetError {
            return [UiError(e)]
        } catch {
            // Locked or lost: the token is sent again at the next launch.
            return []
        }
    }
}
