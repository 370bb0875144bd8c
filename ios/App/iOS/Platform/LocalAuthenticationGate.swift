#if canImport(LocalAuthentication)
import DuetAppModel
import Foundation
import LocalAuthentication

/// The evaluated context of one passed prompt; the answer key signs with it without asking again.
final class ContextAuthorisation: GateAuthorisation {
    let context: LAContext
    init(_ context: LAContext) { self.context = context }
}

/// One LAContext per approval: Face ID, Touch ID or the passcode, evaluated once, its context handed
/// to the key so the user sees a single prompt.
final class LocalAuthenticationGate: BiometricGate {
    func authorise(reason: String, _ done: @escaping (GateResult) -> Void) {
        let context = LAContext()
        // No reuse of an earlier unlock: every answer is confirmed by its own prompt.
        context.touchIDAuthenticationAllowableReuseDuration = 0
        context.evaluatePolicy(.deviceOwnerAuthentication, localizedReason: reason) { ok, error in
            DispatchQueue.main.async {
                if ok { return done(.authorised(ContextAuthorisation(context))) }
                switch (error as? LAError)?.code {
                case .userCancel?, .appCancel?, .systemCancel?: done(.cancelled)
                default: done(.failed(error?.localizedDescription ?? "authentication failed"))
                }
            }
        }
    }
}
#endif
