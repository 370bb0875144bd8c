import Foundation
#if canImport(DuetCore)
import DuetCore
#endif

/// An error as a screen shows it: the core's stable code, its sentence and the next step.
public struct UiError: Equatable, Sendable {
    public let code: String
    public let sentence: String
    public let nextStep: String?

    public init(_ e: DuetError) {
        code = e.code
        sentence = e.reason
        nextStep = errorHelp(code: e.code)?.tell
    }

    /// For a code that arrives without its sentence (a damaged record, a left-out entry).
    public init(code: String, sentence: String? = nil) {
        let help = errorHelp(code: code)
        self.code = code
        self.sentence = sentence ?? help?.when ?? code
        nextStep = help?.tell
    }
}

/// A core call's result for a screen: the value, or the error to show.
public enum Outcome<T> {
    case ok(T)
    case failed(UiError)

    public var error: UiError? {
        if case .failed(let e) = self { return e }
        return nil
    }

    public var value: T? {
        if case .ok(let v) = self { return v }
        return nil
    }
}

/// Runs a core call; a `DuetError` becomes a `UiError`, anything else is a programming error.
func attempt<T>(_ call: () throws -> T) -> Outcome<T> {
    do {
        return .ok(try call())
    } catch let e as DuetError {
        return .failed(UiError(e))
    } catch {
        preconditionFailure("a core call threw a non-DuetError: \(type(of: error))")
    }
}
