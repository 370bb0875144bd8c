import Foundation
import Observation
#if canImport(DuetCore)
import DuetCore
#endif

/// The Settings screen: the app's switches, the core's clock offset, backups (files come from and
/// go to the document picker), push accounts.
@Observable
public final class SettingsModel {
    /// The clock line and, when the core says the offset is large, the warning.
    public private(set) var clockLine = Strings.clockUnknown
    public private(set) var clockWarning: String?
    public private(set) var pushAccounts: [PushAccountEntry] = []
    /// The last backup or unenrollment result, or its error.
    public private(set) var message: String?
    public private(set) var error: UiError?
    public private(set) var busy = false

    public var appLock: Bool {
        get { access(keyPath: \.appLock); return settings.appLock }
        set { withMutation(keyPath: \.appLock) { settings.appLock = newValue } }
    }

    public var hideCodes: Bool {
        get { access(keyPath: \.hideCodes); return settings.hideCodes }
        set { withMutation(keyPath: \.hideCodes) { settings.hideCodes = newValue } }
    }

    @ObservationIgnored private let app: DuetApp
    @ObservationIgnored private let settings: AppSettings
    @ObservationIgnored private let threads: Threads

    public init(app: DuetApp, settings: AppSettings, threads: Threads) {
        self.app = app
        self.settings = settings
        self.threads = threads
    }

    /// Reads the clock offset and the push accounts.
    public func refresh() {
        switch attempt({ try app.clockOffset() }) {
        case .ok(let info):
            clockLine = info.map { Strings.clockOffset($0.offsetSecs) } ?? Strings.clockUnknown
            clockWarning = info?.warn == true ? Strings.clockWarning : nil
        case .failed(let e):
            error = e
        }
        switch attempt({ try app.pushAccounts() }) {
        case .ok(let a): pushAccounts = a
        case .failed(let e): error = e
        }
    }

    /// An Aegis-compatible encrypted backup of every account, for the file the user picks.
    public func export(password: String) -> Data? {
        switch attempt({ try app.exportEncrypted(password: password) }) {
        case .ok(let data):
            report(Strings.exported(data.count))
            return data
        case .failed(let e):
            fail(e)
            return nil
        }
    }

    public func importBackup(_ data: Data, password: String) {
        switch attempt({ try app.importBackup(data: data, password: password.isEmpty ? nil : password) }) {
        case .ok(let r): report(Strings.imported(r.ids.count, r.skipped.count))
        case .failed(let e): fail(e)
        }
    }

    /// Opens a backup without storing anything: what a restore would bring back.
    public func verify(_ data: Data, password: String) {
        switch attempt({ try verifyBackup(data: data, password: password.isEmpty ? nil : password) }) {
        case .ok(let s): report(Strings.verified(Int(s.restorable), s.skipped.count, s.encrypted))
        case .failed(let e): fail(e)
        }
    }

    /// The document picker could not read or write the file.
    public func fileFailed(reading: Bool) {
        fail(UiError(code: "", sentence: reading ? Strings.fileUnreadable : Strings.fileUnwritable))
    }

    /// Tells the server, then forgets the account (the core keeps it if the server refuses).
    public func unenroll(_ id: String) {
        busy = true
        let app = self.app
        threads.run({ attempt { try app.unenroll(id: id) } }, then: { [self] (r: Outcome<Void>) in
            busy = false
            if let e = r.error { fail(e) } else { error = nil }
            refresh()
        })
    }

    private func report(_ line: String) {
        message = line
        error = nil
    }

    private func fail(_ e: UiError) {
        message = nil
        error = e
    }
}
