#if canImport(UIKit) && canImport(UserNotifications) && canImport(BackgroundTasks)
import BackgroundTasks
import DuetAppModel
import Foundation
import UIKit
import UniformTypeIdentifiers
import UserNotifications

/// Model calls on one serial background queue (the core serialises them anyway); state changes on main.
final class DispatchThreads: Threads {
    private let queue = DispatchQueue(label: "duet.core", qos: .userInitiated)
    func background(_ work: @escaping () -> Void) { queue.async(execute: work) }
    func main(_ work: @escaping () -> Void) { DispatchQueue.main.async(execute: work) }
}

struct SystemWallClock: WallClock {
    func nowSeconds() -> Int64 { Int64(Date().timeIntervalSince1970) }
}

/// The app's switches in UserDefaults; turning app lock on or off re-stores the vault key.
final class DefaultsSettings: AppSettings {
    private let defaults = UserDefaults.standard
    private let vaultKeys: KeychainVaultKeys
    private let vaultPath: String

    init(vaultKeys: KeychainVaultKeys, vaultPath: String) {
        self.vaultKeys = vaultKeys
        self.vaultPath = vaultPath
    }

    var appLock: Bool {
        get { defaults.bool(forKey: "appLock") }
        set {
            do {
                try vaultKeys.protect(path: vaultPath, userPresence: newValue)
                defaults.set(newValue, forKey: "appLock")
            } catch {
                // The prompt was cancelled: the switch stays as it was.
            }
        }
    }

    var hideCodes: Bool {
        get { defaults.bool(forKey: "hideCodes") }
        set { defaults.set(newValue, forKey: "hideCodes") }
    }
}

/// UIPasteboard: local to this phone (no Universal Clipboard) and gone after the expiry.
struct SystemPasteboard: Pasteboard {
    func copySensitive(_ text: String, expiresIn seconds: Double) {
        UIPasteboard.general.setItems([[UTType.plainText.identifier: text]],
                                      options: [.localOnly: true, .expirationDate: Date().addingTimeInterval(seconds)])
    }
}

/// Local notifications; the request id rides in `userInfo` and is the notification's identifier.
struct UserNotifier: Notifier {
    func notify(requestId: String, title: String, body: String) {
        let content = UNMutableNotificationContent()
        content.title = title
        content.body = body
        content.userInfo = [Links.requestIdKey: requestId]
        content.interruptionLevel = .timeSensitive
        UNUserNotificationCenter.current().add(UNNotificationRequest(identifier: requestId, content: content, trigger: nil))
    }

    func withdraw(requestId: String) {
        UNUserNotificationCenter.current().removeDeliveredNotifications(withIdentifiers: [requestId])
    }

    static func askPermission() {
        UNUserNotificationCenter.current().requestAuthorization(options: [.alert, .sound]) { _, _ in }
    }
}

/// BGAppRefreshTask: the system wakes the app now and then, and it polls.
final class AppRefresh: BackgroundRefresh {
    static let identifier = "org.duet.app.refresh"

    /// Registers the handler (before the app finishes launching, as BackgroundTasks requires).
    static func register(poll: @escaping () -> Void) {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: identifier, using: nil) { task in
            let work = DispatchWorkItem(block: poll)
            task.expirationHandler = { work.cancel() }
            DispatchQueue.global(qos: .utility).async {
                work.perform()
                task.setTaskCompleted(success: !work.isCancelled)
            }
        }
    }

    func schedule(earliestIn seconds: Double) {
        let request = BGAppRefreshTaskRequest(identifier: Self.identifier)
        request.earliestBeginDate = Date().addingTimeInterval(seconds)
        try? BGTaskScheduler.shared.submit(request)
    }
}
#endif
