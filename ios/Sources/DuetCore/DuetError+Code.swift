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
}
