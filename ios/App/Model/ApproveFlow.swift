import Foundation
#if canImport(DuetCore)
import DuetCore
#endif

/// Signs a prepared answer inside the biometric prompt and sends it: the key is checked before the
/// prompt goes up, the prompt is evaluated once, and the answer's bytes are signed only with the
/// authorisation of a prompt that passed. A cancelled or failed prompt signs and sends nothing.
public final class ApproveFlow {
    private let model: RequestModel
    private let keys: AnswerKeys
    private let gate: BiometricGate

    public init(model: RequestModel, keys: AnswerKeys, gate: BiometricGate) {
        self.model = model
        self.keys = keys
        self.gate = gate
    }

    /// `model.approve()` or `model.denyBecause(notMe:)` gave `toSign`: confirm, sign, send.
    public func run(_ toSign: ToSign) {
        // Every key this app makes is a Secure Enclave or Keychain key; a software key in the
        // vault would sign without any prompt, so it is treated as missing.
        guard let handle = toSign.keyHandle else {
            model.keyLost(KeyLost(.pushAccount, .missing))
            return
        }
        do {
            try keys.checkUsable(handle: handle, algorithm: toSign.algorithm)
        } catch let e as KeyLost {
            model.keyLost(e)
            return
        } catch {
            model.promptEnded(failure: "\(error)")
            return
        }
        gate.authorise(reason: toSign.approving ? Strings.Request.promptApprove : Strings.Request.promptDeny) { [model, keys] result in
            switch result {
            case .authorised(let authorisation):
                do {
                    let signature = try keys.sign(handle: handle, algorithm: toSign.algorithm, message: toSign.message,
                                                  authorisation: authorisation)
                    model.submit(toSign, signature: signature)
                } catch let e as KeyLost {
                    model.keyLost(e)
                } catch {
                    model.promptEnded(failure: String(describing: error))
                }
            case .cancelled:
                model.promptEnded(failure: nil)
            case .failed(let why):
                model.promptEnded(failure: why)
            }
        }
    }
}
