import Foundation

/// Where a URL that opened the app leads.
public enum LinkRoute: Equatable {
    /// An account or enrollment to add: the whole text goes to the Add screen's `addText`.
    case add(String)
    /// A sign-in request notification was tapped.
    case request(id: String?)
    /// Not for duet (shown as nothing).
    case ignore
}

/// Sorts the URLs iOS hands over (`onOpenURL`, universal links, notification taps). The core
/// parses the text itself; this only decides which screen receives it.
public enum Links {
    /// The notification's `userInfo` key for the request id.
    public static let requestIdKey = "duet.request"

    public static func route(_ url: URL) -> LinkRoute {
        switch url.scheme?.lowercased() {
        case "otpauth", "otpauth-migration", "duet":
            return .add(url.absoluteString)
        case "https":
            // Universal link: https://<server>/duet/enroll#<enrollment data>.
            return url.path.hasPrefix("/duet/enroll") ? .add(url.absoluteString) : .ignore
        default:
            return .ignore
        }
    }

    public static func route(notification userInfo: [AnyHashable: Any]) -> LinkRoute {
        .request(id: userInfo[requestIdKey] as? String)
    }
}
