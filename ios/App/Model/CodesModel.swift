import Foundation
import Observation
#if canImport(DuetCore)
import DuetCore
#endif

/// One account on the Codes screen.
public struct CodeRow: Equatable, Identifiable {
    public let id: String
    public let label: String
    /// The code to show, or nil while hidden until tapped.
    public let code: String?
    /// The next period's code, shown in the last seconds of a period.
    public let nextCode: String?
    /// Seconds until `code` changes; 0 for HOTP.
    public let secondsLeft: Int
    public let period: Int
    public let hotp: Bool
}

/// A record the core could not read, shown by id with the core's sentence.
public struct ProblemRow: Equatable, Identifiable {
    public let id: String
    public let error: UiError
}

/// The Codes screen: one `codes()` call per refresh (once a second while shown), joined with
/// `accounts()` (read again only after a change). Search, hiding and the pasteboard's expiry live
/// here; codes are the core's.
@Observable
public final class CodesModel {
    public private(set) var rows: [CodeRow] = []
    public private(set) var problems: [ProblemRow] = []
    /// Accounts in the vault, before the search.
    public private(set) var total = 0
    /// The last failure, or the line confirming a copy.
    public private(set) var error: UiError?
    public private(set) var notice: String?
    public var query = "" {
        didSet { refresh() }
    }

    public static let pasteboardSeconds = 30.0
    /// The next code is shown this many seconds before the current one expires.
    public static let nextCodeSeconds = 5

    @ObservationIgnored private let app: DuetApp
    @ObservationIgnored private let pasteboard: Pasteboard
    @ObservationIgnored private let settings: AppSettings
    @ObservationIgnored private var accountsRead: [StoredAccount]?
    @ObservationIgnored private var revealed = Set<String>()
    @ObservationIgnored private var hotpShown: [String: String] = [:]
    @ObservationIgnored private var lastCodes: [String: String] = [:]

    public init(app: DuetApp, pasteboard: Pasteboard, settings: AppSettings) {
        self.app = app
        self.pasteboard = pasteboard
        self.settings = settings
    }

    private func accounts() throws -> [StoredAccount] {
        if let a = accountsRead { return a }
        let a = try app.accounts()
        accountsRead = a
        return a
    }

    /// Reads the codes now.
    public func refresh() {
        do {
            let list = try app.codes()
            var byId = Dictionary(try accounts().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            // An account added elsewhere (the Add screen, an import) since the list was read.
            if list.entries.contains(where: { byId[$0.id] == nil }) {
                accountsRead = nil
                byId = Dictionary(try accounts().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            }
            lastCodes = Dictionary(list.entries.map { ($0.id, $0.code) }, uniquingKeysWith: { a, _ in a })
            let q = query.trimmingCharacters(in: .whitespaces)
            rows = list.entries.compactMap { e -> CodeRow? in
                guard let account = byId[e.id] else { return nil }
                if !q.isEmpty && account.label.range(of: q, options: .caseInsensitive) == nil { return nil }
                var hotp = false
                var period = 0
                switch account.parameters?.kind {
                case .hotp?: hotp = true
                case .totp(let p, _)?: period = Int(p)
                case .steam(let p)?: period = Int(p)
                case nil: break
                }
                let seconds = Int(e.secondsLeft)
                let visible = !settings.hideCodes || revealed.contains(e.id)
                let showNext = visible && !hotp && !e.nextCode.isEmpty && seconds <= Self.nextCodeSeconds
                return CodeRow(id: e.id, label: account.label, code: visible ? (hotpShown[e.id] ?? e.code) : nil,
                               nextCode: showNext ? e.nextCode : nil, secondsLeft: seconds, period: period, hotp: hotp)
            }
            problems = list.problems.map { ProblemRow(id: $0.id, error: UiError(code: $0.errorCode)) }
            total = list.entries.count + list.problems.count
        } catch let e as DuetError {
            error = UiError(e)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// Shows a hidden code (hide-until-tapped); a second tap hides it again.
    public func toggleReveal(_ id: String) {
        if revealed.remove(id) == nil { revealed.insert(id) }
        refresh()
    }

    /// Copies the code shown for `id`, local to this phone and expiring after 30 seconds.
    @discardableResult
    public func copy(_ id: String) -> Bool {
        guard let code = hotpShown[id] ?? lastCodes[id] else { return false }
        pasteboard.copySensitive(code, expiresIn: Self.pasteboardSeconds)
        notice = Strings.copied
        return true
    }

    /// HOTP: reserves the next counter in the vault and shows its code.
    public func nextHotp(_ id: String) {
        switch attempt({ try app.nextHotp(id: id) }) {
        case .ok(let code):
            hotpShown[id] = code
            revealed.insert(id)
            accountsRead = nil
        case .failed(let e):
            error = e
        }
        refresh()
    }

    public func account(_ id: String) -> StoredAccount? { (try? accounts())?.first { $0.id == id } }

    public func rename(_ id: String, issuer: String?, name: String) {
        let i = issuer?.trimmingCharacters(in: .whitespaces)
        changed(attempt { try app.rename(id: id, issuer: (i?.isEmpty ?? true) ? nil : i, name: name.trimmingCharacters(in: .whitespaces)) })
    }

    /// Puts the accounts in the order of a drag in the list (SwiftUI's `onMove`).
    public func move(fromOffsets: IndexSet, toOffset: Int) {
        changed(attempt {
            var ids = try accounts().map(\.id)
            // The list on screen may be filtered: offsets are positions among the rows shown.
            let shown = rows.map(\.id)
            var moved = shown
            let items = fromOffsets.map { shown[$0] }
            for i in fromOffsets.sorted(by: >) { moved.remove(at: i) }
            let target = toOffset - fromOffsets.filter { $0 < toOffset }.count
            moved.insert(contentsOf: items, at: target)
            // Accounts not shown keep their places; the shown ones take the new order.
            var next = moved.makeIterator()
            let shownSet = Set(shown)
            ids = ids.map { shownSet.contains($0) ? next.next()! : $0 }
            try app.reorder(ids: ids)
        })
    }

    /// Moves an account one place up (-1) or down (+1).
    public func move(_ id: String, by: Int) {
        changed(attempt {
            var ids = try accounts().map(\.id)
            guard let from = ids.firstIndex(of: id), ids.indices.contains(from + by) else { return }
            ids.insert(ids.remove(at: from), at: from + by)
            try app.reorder(ids: ids)
        })
    }

    /// Deletes an account (or a damaged record) after the screen's confirmation.
    public func delete(_ id: String) {
        hotpShown[id] = nil
        revealed.remove(id)
        changed(attempt { try app.remove(id: id) })
    }

    private func changed(_ o: Outcome<Void>) {
        accountsRead = nil
        error = o.error
        refresh()
    }
}
