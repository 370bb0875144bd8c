import Foundation

extension DuetError {
    /// The stable code (`E_...`, see docs/errors.md) whatever the kind: apps translate by it.
    public var code: String {
        switch self {
        case .Otp(let c, _), .Uri(let c, _), .Migration(let c, _), .Push(let c, _),
             .Vault(let c, _), .Transfer(let c, _), .Transport(let c, _), .App(let c, _), .Qr(let c, _),
             .Callback(let c, _):
            return c
        }
    }

    /// The core's sentence for the user, whatever the kind.
    public var reason: String {
        switch self {
        case .Otp(_, let r), .Uri(_, let r), .Migration(_, let r), .Push(_, let r),
             .Vault(_, let r), .Transfer(_, let r), .Transport(_, let r), .App(_, let r), .Qr(_, let r),
             .Callback(_, let r):
            return r
        }
    }
}
