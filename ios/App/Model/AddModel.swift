import Foundation
import Observation
#if canImport(DuetCore)
import DuetCore
#endif

/// What the Add screen shows after an attempt.
public enum AddOutcome: Equatable {
    /// Stored: the sentence to show and any warnings or left-out entries.
    case added(message: String, notices: [UiError])
    /// One part of a transfer read; `scanned` of `total` parts so far.
    case progress(scanned: Int, total: Int)
    case failed(UiError)
}

/// One camera frame's luminance (the Y plane of a `kCVPixelFormatType_420YpCbCr8BiPlanar...`
/// buffer as it comes, or a picked photo drawn into greyscale).
public struct LumaFrame {
    public let width: Int
    public let height: Int
    public let bytesPerRow: Int
    public let pixels: Data
    public init(width: Int, height: Int, bytesPerRow: Int, pixels: Data) {
        self.width = width
        self.height = height
        self.bytesPerRow = bytesPerRow
        self.pixels = pixels
    }
}

/// The Add screen: every way in (camera frame, picked photo, pasted text, an opened link, a typed
/// setup key, an activation code) ends in one core call; this only converts the result for display.
@Observable
public final class AddModel {
    /// The last attempt's outcome (nil before the first).
    public private(set) var outcome: AddOutcome?
    /// A call is under way (an enrollment reaches its server).
    public private(set) var busy = false

    @ObservationIgnored private let app: DuetApp
    @ObservationIgnored private let threads: Threads
    @ObservationIgnored private var transferTotal = 0
    /// The camera delivers frames faster than they are read: one at a time, the rest dropped.
    @ObservationIgnored private var frameInFlight = false

    public init(app: DuetApp, threads: Threads) {
        self.app = app
        self.threads = threads
    }

    /// A scanned or pasted text, or a link that opened the app (`otpauth://`, `otpauth-migration://`,
    /// `duet://`, `https://…/duet/enroll#…`).
    public func addText(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        run { try $0.addScanned(text: t) }
    }

    /// A camera frame: ignored while it holds no readable QR code (keep scanning).
    public func addFrame(_ frame: LumaFrame) {
        guard !frameInFlight, !busy else { return }
        frameInFlight = true
        threads.run({ () -> Result<String, DuetError> in
            Result { try decodeQr(width: UInt32(frame.width), height: UInt32(frame.height),
                                  rowStride: UInt32(frame.bytesPerRow), luminance: frame.pixels) }
                .mapError { $0 as! DuetError }
        }, then: { [self] r in
            frameInFlight = false
            switch r {
            case .success(let text): addText(text)
            case .failure(let e) where e.errorCode() == .qrNotFound: break
            case .failure(let e): outcome = .failed(UiError(e))
            }
        })
    }

    /// A picked photo: a missing QR code is an error here, unlike in a camera frame.
    public func addImage(_ frame: LumaFrame) {
        do {
            addText(try decodeQr(width: UInt32(frame.width), height: UInt32(frame.height),
                                 rowStride: UInt32(frame.bytesPerRow), luminance: frame.pixels))
        } catch let e as DuetError {
            outcome = .failed(UiError(e))
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// A photo the system could not turn into pixels.
    public func imageUnreadable() {
        outcome = .failed(UiError(code: "", sentence: Strings.imageUnreadable))
    }

    /// A setup key typed in: the core decodes the key and checks the parameters.
    public func addSetupKey(issuer: String, name: String, setupKey: String) {
        let i = issuer.trimmingCharacters(in: .whitespaces)
        let n = name.trimmingCharacters(in: .whitespaces)
        let label = i.isEmpty ? n : "\(i):\(n)"
        switch attempt({ () -> [String] in
            let account = try Account.fromSetupKey(issuer: i.isEmpty ? nil : i, name: n, setupKey: setupKey,
                                                   parameters: otpParametersDefault())
            return try app.addAccounts(accounts: [account])
        }) {
        case .ok: outcome = .added(message: Strings.added(label), notices: [])
        case .failed(let e): outcome = .failed(e)
        }
    }

    /// A manual activation code, enrolled only if the server key has the fingerprint read out.
    public func addManualCode(_ code: String, fingerprint: String) {
        let c = code.trimmingCharacters(in: .whitespaces)
        let f = fingerprint.trimmingCharacters(in: .whitespaces)
        run { try $0.addManualCode(code: c, fingerprint: f) }
    }

    /// The transfer being scanned, if one is under way.
    public var transferProgress: AddOutcome? {
        let missing = app.transferMissing()
        if missing.isEmpty || transferTotal == 0 { return nil }
        return .progress(scanned: transferTotal - missing.count, total: transferTotal)
    }

    public func cancelTransfer() {
        app.cancelTransfer()
        transferTotal = 0
        outcome = nil
    }

    private func run(_ call: @escaping (DuetApp) throws -> AddResult) {
        busy = true
        let app = self.app
        threads.run({ attempt { try call(app) } }, then: { [self] (r: Outcome<AddResult>) in
            busy = false
            outcome = convert(r)
        })
    }

    private func convert(_ r: Outcome<AddResult>) -> AddOutcome {
        switch r {
        case .failed(let e):
            return .failed(e)
        case .ok(.otp(_, let label, let warnings)):
            return .added(message: Strings.added(label), notices: warnings.map { UiError(code: $0.code, sentence: $0.message) })
        case .ok(.transferPart(let missing, let total)):
            transferTotal = Int(total)
            return .progress(scanned: Int(total) - missing.count, total: Int(total))
        case .ok(.transfer(let ids, let skipped)):
            transferTotal = 0
            return .added(message: Strings.addedTransfer(ids.count, skipped.count),
                          notices: skipped.map { UiError(code: $0.code, sentence: $0.message) })
        case .ok(.push(_, let label, let notices)):
            return .added(message: Strings.addedPush(label), notices: notices.map { UiError(code: $0.code, sentence: $0.message) })
        }
    }
}
