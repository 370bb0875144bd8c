import Foundation
#if canImport(DuetCore)
import DuetCore
#endif

/// A pending request as the screen shows it: what it asks, and each context line labelled.
public struct RequestDetails: Equatable {
    public let requestId: String
    public let proto: PushProtocol
    public let heading: String
    /// (label, value) for each piece of context the server sent, in reading order.
    public let details: [Detail]
    /// privacyIDEA's own question, shown as the server wrote it.
    public let message: String?
    public let matching: NumberMatching
    /// Server time the request expires at.
    public let expiresAt: Int64?

    public struct Detail: Equatable, Hashable {
        public let label: String
        public let value: String
        public init(label: String, value: String) {
            self.label = label
            self.value = value
        }
    }

    /// A request without number matching: approving it cannot prove the user sees the sign-in.
    public var weaker: Bool { matching == .none }

    public init(_ p: PendingRequest, timeZone: TimeZone = .current) {
        func given(_ s: String?) -> String? { (s?.trimmingCharacters(in: .whitespaces).isEmpty ?? true) ? nil : s }
        requestId = p.requestId
        proto = p.protocol
        heading = given(p.title) ?? given(p.service).map(Strings.Request.headingService) ?? Strings.Request.headingPlain
        let time = p.issuedAt.map { t -> String in
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_GB")
            f.timeZone = timeZone
            f.dateFormat = "HH:mm:ss, d MMM"
            return f.string(from: Date(timeIntervalSince1970: TimeInterval(t)))
        }
        details = [
            (Strings.Request.labelService, p.service), (Strings.Request.labelAccount, p.user),
            (Strings.Request.labelIssuer, p.issuer), (Strings.Request.labelIp, p.ip),
            (Strings.Request.labelPlace, p.location), (Strings.Request.labelClient, p.client),
            (Strings.Request.labelTime, time),
        ].compactMap { label, value in given(value).map { Detail(label: label, value: $0) } }
        message = given(p.message)
        matching = p.matching
        expiresAt = p.expiresAt
    }
}
