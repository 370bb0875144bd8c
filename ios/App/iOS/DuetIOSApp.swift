#if canImport(SwiftUI) && canImport(UIKit)
import DuetAppModel
import SwiftUI
import UIKit
import UserNotifications

@main
struct DuetIOSApp: App {
    @UIApplicationDelegateAdaptor(AppDelegate.self) private var delegate
    @Environment(\.scenePhase) private var phase

    var body: some Scene {
        WindowGroup {
            RootView(graph: delegate.graph)
                // Content hidden in the app switcher: the snapshot iOS takes shows the cover.
                .overlay { if phase != .active { PrivacyCover() } }
                .onOpenURL { delegate.graph.open($0) }
                .onContinueUserActivity(NSUserActivityTypeBrowsingWeb) { activity in
                    if let url = activity.webpageURL { delegate.graph.open(url) }
                }
        }
        .onChange(of: phase) { _, now in
            switch now {
            case .active: delegate.graph.foreground()
            case .background: delegate.graph.background()
            default: break
            }
        }
    }
}

/// Launch: background refresh, notifications, APNs registration (the token goes to every duet server).
final class AppDelegate: NSObject, UIApplicationDelegate, UNUserNotificationCenterDelegate {
    let graph = AppGraph()

    func application(_ application: UIApplication, didFinishLaunchingWithOptions options: [UIApplication.LaunchOptionsKey: Any]? = nil) -> Bool {
        let delivery = graph.delivery
        AppRefresh.register { delivery.pollAndNotify() }
        UNUserNotificationCenter.current().delegate = self
        UserNotifier.askPermission()
        application.registerForRemoteNotifications()
        return true
    }

    func application(_ application: UIApplication, didRegisterForRemoteNotificationsWithDeviceToken token: Data) {
        graph.threads.background { [graph] in _ = graph.delivery.registerApnsToken(token) }
    }

    /// A tapped notification opens its request.
    func userNotificationCenter(_ center: UNUserNotificationCenter, didReceive response: UNNotificationResponse,
                                withCompletionHandler done: @escaping () -> Void) {
        graph.route = Links.route(notification: response.notification.request.content.userInfo)
        done()
    }

    func userNotificationCenter(_ center: UNUserNotificationCenter, willPresent notification: UNNotification,
                                withCompletionHandler done: @escaping (UNNotificationPresentationOptions) -> Void) {
        done([.banner, .sound])
    }
}

/// What the app switcher shows instead of the codes.
struct PrivacyCover: View {
    var body: some View {
        ZStack {
            Color(uiColor: .systemBackground).ignoresSafeArea()
            Image(systemName: "lock.shield").font(.system(size: 64)).foregroundStyle(.secondary)
        }
    }
}
#endif
