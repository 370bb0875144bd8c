import Foundation
import Observation
#if canImport(DuetCore)
import DuetCore
#endif

/// How a shown request ended.
public enum RequestOutcome: Equatable {
    case approved, deniedNotMe, deniedMistake, expired, answeredElsewhere, wrongNumber, closed
}

/// What the request screen shows now.
public enum RequestScreen: Equatable {
    case checking
    /// No request waits; `problem` is a poll failure to mention.
    case nothing(problem: String?)
    /// The request, the number entry, and a line about the last attempt (input missing, prompt cancelled).
    case ask(request: RequestDetails, typed: String, picked: String?, note: String?)
    /// "Was this you?" before a denial is signed.
    case denyReason(request: RequestDetails)
    /// The biometric prompt is up, or the signed answer is on its way.
    case confirming(request: RequestDetails)
    case closed(outcome: RequestOutcome, text: String)
    /// A key is unusable: what happened and the ways back. Nothing was deleted.
    case keyLost(use: KeyUse, loss: KeyLoss, text: String, waysBack: [String])
    case locked
    case problem(code: String, text: String)
}

/// The bytes of a prepared answer, to be signed in the prompt with the key `keyHandle` names.
public struct ToSign {
    public let requestId: String
    public let message: Data
    public let algorithm: SignerAlgorithm
    public let keyHandle: Data?
    public let approving: Bool
}

/// The request screen's state and rules, without UIKit: which request is shown, the number the
/// user typed or picked, the two-step answer, and the outcome in plain words. State changes on the
/// main thread; the calls that reach the server run through `threads`.
@Observable
public final class RequestModel {
    public private(set) var screen: RequestScreen = .checking

    private enum Phase { case checking, nothing, ask, denyReason, confirming, closed, keyLost, locked, problem }

    @ObservationIgnored private let session: VaultSession
    @ObservationIgnored private let threads: Threads
    @ObservationIgnored private let clock: WallClock
    @ObservationIgnored private var phase = Phase.checking
    @ObservationIgnored private var request: RequestDetails?
    @ObservationIgnored private var wanted: String?
    @ObservationIgnored private var typed = ""
    @ObservationIgnored private var picked: String?
    @ObservationIgnored private var note: String?
    @ObservationIgnored private var denyNotMe: Bool?
    @ObservationIgnored private var closedScreen = RequestScreen.closed(outcome: .closed, text: Strings.Request.gone)
    @ObservationIgnored private var lostScreen = RequestScreen.locked
    @ObservationIgnored private var problemScreen = RequestScreen.locked
    @ObservationIgnored private var pollProblem: String?
    @ObservationIgnored private var clockOffset: Int64 = 0

    public init(session: VaultSession, threads: Threads, clock: WallClock) {
        self.session = session
        self.threads = threads
        self.clock = clock
    }

    /// The request id shown now, if any.
    public var shownRequestId: String? { request?.requestId }

    private func publish() {
        switch phase {
        case .checking: screen = .checking
        case .nothing: screen = .nothing(problem: pollProblem)
        case .ask: screen = .ask(request: request!, typed: typed, picked: picked, note: note)
        case .denyReason: screen = .denyReason(request: request!)
        case .confirming: screen = .confirming(request: request!)
        case .closed: screen = closedScreen
        case .keyLost: screen = lostScreen
        case .locked: screen = .locked
        case .problem: screen = problemScreen
        }
    }

    /// Show this request (from a notification) once a poll has it.
    public func focus(_ requestId: String?) {
        wanted = requestId
    }

    private enum Poll {
        case summary(PollSummary)
        case locked
        case lost(KeyLost)
        case failed(DuetError)
    }

    /// Polls every push account and updates what is shown (on launch, on return to the
    /// foreground, every few seconds while the screen is up).
    public func refresh() {
        let session = self.session
        threads.run({ () -> Poll in
            do {
                return .summary(try session.app().poll())
            } catch is VaultLocked {
                return .locked
            } catch let e as KeyLost {
                return .lost(e)
            } catch let e as DuetError {
                return .failed(e)
            } catch {
                preconditionFailure("\(error)")
            }
        }, then: { [self] r in apply(r) })
    }

    private func apply(_ poll: Poll) {
        defer { publish() }
        let summary: PollSummary
        switch poll {
        case .locked: phase = .locked; return
        case .lost(let e): keyLost(e); return
        case .failed(let e):
            if phase == .checking || phase == .nothing {
                pollProblem = e.reason
                phase = .nothing
            }
            return
        case .summary(let s): summary = s
        }
        pollProblem = summary.failures.first.map { "\($0.label): \($0.error.reason)" }
        if let o = summary.clockOffsetSecs { clockOffset = o }
        let busy = [.confirming, .closed, .keyLost, .locked, .problem].contains(phase)
        if let shown = request, !busy {
            if let end = summary.closed.first(where: { $0.requestId == shown.requestId }) {
                finish(closedBy(end.status))
                return
            }
            if !summary.requests.contains(where: { $0.requestId == shown.requestId }) {
                // Servers drop expired requests from the poll; the request's own expiry says why it went.
                let expired = shown.expiresAt.map { clock.nowSeconds() + clockOffset >= $0 } ?? false
                finish(expired ? .expired : .closed)
                return
            }
        }
        if request == nil && (phase == .checking || phase == .nothing) {
            if let next = summary.requests.first(where: { $0.requestId == wanted }) ?? summary.requests.first {
                show(RequestDetails(next))
            } else {
                phase = .nothing
            }
        }
    }

    private func show(_ details: RequestDetails) {
        request = details
        typed = ""
        picked = nil
        note = nil
        phase = .ask
    }

    /// The user typed into the number field: digits only, at most as many as asked.
    public func type(_ text: String) {
        guard case .typeShown(let digits)? = request?.matching else { return }
        typed = String(text.filter { $0.isASCII && $0.isNumber }.prefix(Int(digits)))
        note = nil
        publish()
    }

    /// The user tapped one of the offered numbers.
    public func pick(_ choice: String) {
        guard case .pick(let choices)? = request?.matching, choices.contains(choice) else { return }
        picked = choice
        note = nil
        publish()
    }

    /// Approve: checks the number is there and prepares the bytes to sign; nil when there is
    /// nothing to sign (the screen says why).
    public func approve() -> ToSign? {
        guard let r = request, phase == .ask else { return nil }
        defer { publish() }
        let number: String?
        switch r.matching {
        case .typeShown(let digits):
            guard typed.count == Int(digits) else { note = Strings.Request.needDigits(Int(digits)); return nil }
            number = typed
        case .pick:
            guard let p = picked else { note = Strings.Request.needPick; return nil }
            number = p
        case .none:
            number = nil
        }
        return prepare(r, .approve(number: number), approving: true)
    }

    /// Deny: asks "Was this you?" first.
    public func deny() {
        if phase == .ask { phase = .denyReason; publish() }
    }

    /// Back from "Was this you?" to the request.
    public func back() {
        if phase == .denyReason { phase = .ask; publish() }
    }

    /// The denial's reason: `notMe` reports fraud, otherwise it was a mistake.
    public func denyBecause(notMe: Bool) -> ToSign? {
        guard let r = request, phase == .denyReason else { return nil }
        defer { publish() }
        denyNotMe = notMe
        return prepare(r, notMe ? .denyNotMe : .denyMistake, approving: false)
    }

    private func prepare(_ r: RequestDetails, _ answer: PushAnswer, approving: Bool) -> ToSign? {
        if approving { denyNotMe = nil }
        do {
            let p = try session.app().prepareAnswer(requestId: r.requestId, answer: answer)
            phase = .confirming
            return ToSign(requestId: r.requestId, message: p.message, algorithm: p.algorithm, keyHandle: p.keyHandle, approving: approving)
        } catch let e as DuetError {
            failed(e)
        } catch is VaultLocked {
            phase = .locked
        } catch let e as KeyLost {
            keyLost(e)
        } catch {
            preconditionFailure("\(error)")
        }
        return nil
    }

    /// The prompt ended without authorising (`failure` nil: the user cancelled). Nothing was sent.
    public func promptEnded(failure: String?) {
        guard phase == .confirming else { return }
        phase = .ask
        note = failure.map(Strings.Request.notSentFailed) ?? Strings.Request.notSent
        publish()
    }

    /// Sends the answer signed inside the prompt.
    public func submit(_ toSign: ToSign, signature: Data) {
        let session = self.session
        threads.run({ () -> Result<AnswerOutcome, DuetError> in
            Result { try session.app().submitAnswer(requestId: toSign.requestId, signature: signature) }
                .mapError { $0 as! DuetError }
        }, then: { [self] r in
            switch r {
            case .success(let outcome):
                switch outcome {
                case .accepted: finish(toSign.approving ? .approved : (denyNotMe == true ? .deniedNotMe : .deniedMistake))
                case .answeredElsewhere: finish(.answeredElsewhere)
                case .expired: finish(.expired)
                case .wrongNumber: finish(.wrongNumber)
                }
                publish()
            case .failure(let e):
                failed(e)
                publish()
            }
        })
    }

    /// The key to sign with is unusable: explain, offer the ways back, delete nothing.
    public func keyLost(_ e: KeyLost) {
        let text = (e.loss == .invalidated ? Strings.Request.keyInvalidated : Strings.Request.keyMissing)
            + " " + Strings.Request.keyNothingDeleted
        let ways = e.use == .pushAccount ? [Strings.Request.wayBackPush] : [Strings.Request.wayBackVault, Strings.Request.wayBackPush]
        lostScreen = .keyLost(use: e.use, loss: e.loss, text: text, waysBack: ways)
        phase = .keyLost
        publish()
    }

    /// On launch and on return to the foreground: look again when nothing is being answered, else
    /// check the shown request is still waiting.
    public func resume() {
        if [.checking, .locked, .problem, .nothing, .closed].contains(phase) { retry() } else { refresh() }
    }

    /// After an outcome, Locked or Problem: look again (the next waiting request, if any).
    public func retry() {
        guard [.checking, .locked, .problem, .nothing, .closed].contains(phase) else { return }
        request = nil
        phase = .checking
        publish()
        refresh()
    }

    private func failed(_ e: DuetError) {
        switch e.errorCode() {
        case .pushExpired: finish(.expired)
        case .appRequestNotWaiting, .pushReplayed: finish(.closed)
        case .pushNumberInvalid, .pushNumberRequired:
            phase = .ask
            note = e.reason
        case .pushSignerUnavailable: keyLost(KeyLost(.pushAccount, .missing))
        default:
            problemScreen = .problem(code: e.code, text: e.reason)
            phase = .problem
        }
    }

    private func closedBy(_ status: String) -> RequestOutcome {
        switch status {
        case "expired": return .expired
        case "answered_elsewhere": return .answeredElsewhere
        default: return .closed
        }
    }

    private func finish(_ outcome: RequestOutcome) {
        let text: String
        switch outcome {
        case .approved: text = Strings.Request.approved
        case .deniedNotMe: text = Strings.Request.deniedNotMe
        case .deniedMistake: text = Strings.Request.deniedMistake
        case .expired: text = Strings.Request.expired
        case .answeredElsewhere: text = Strings.Request.answeredElsewhere
        case .wrongNumber: text = Strings.Request.wrongNumber
        case .closed: text = Strings.Request.gone
        }
        closedScreen = .closed(outcome: outcome, text: text)
        phase = .closed
    }
}
