#if canImport(SwiftUI)
import DuetAppModel
import DuetCore
import SwiftUI

/// The code list: countdown, next code near the end of a period, search, tap to copy, tap to
/// reveal, HOTP next, rename, reorder, delete. Refreshed once a second from the core.
struct CodesView: View {
    @Bindable var model: CodesModel
    let graph: AppGraph
    let app: DuetApp
    @State private var renaming: CodeRow?
    @State private var issuer = ""
    @State private var name = ""
    @State private var deleting: String?

    var body: some View {
        List {
            if model.total == 0 { Text(Strings.noAccounts).foregroundStyle(.secondary) }
            else if model.rows.isEmpty && model.problems.isEmpty { Text(Strings.noMatch).foregroundStyle(.secondary) }
            if let notice = model.notice { Text(notice).font(.footnote) }
            if let error = model.error { ErrorLines(error: error) }
            ForEach(model.rows) { row in
                CodeRowView(row: row)
                    .contentShape(Rectangle())
                    .onTapGesture {
                        if row.code == nil { model.toggleReveal(row.id) } else { model.copy(row.id) }
                    }
                    .swipeActions {
                        Button(Strings.delete, role: .destructive) { deleting = row.id }
                        Button(Strings.rename) {
                            let a = model.account(row.id)
                            issuer = a?.issuer ?? ""
                            name = a?.name ?? ""
                            renaming = row
                        }
                    }
                    .contextMenu {
                        if row.hotp { Button(Strings.hotpNext) { model.nextHotp(row.id) } }
                        Button(Strings.moveUp) { model.move(row.id, by: -1) }
                        Button(Strings.moveDown) { model.move(row.id, by: 1) }
                    }
            }
            .onMove { model.move(fromOffsets: $0, toOffset: $1) }
            ForEach(model.problems) { p in
                VStack(alignment: .leading) {
                    Text(Strings.damaged(p.id, p.error.code, p.error.sentence))
                    Button(Strings.removeDamaged, role: .destructive) { deleting = p.id }
                }
            }
        }
        .searchable(text: $model.query, prompt: Strings.searchHint)
        .navigationTitle(Strings.codesTitle)
        .toolbar {
            ToolbarItem(placement: .topBarLeading) { EditButton() }
            ToolbarItem(placement: .topBarTrailing) {
                NavigationLink(Strings.add) { AddView(model: graph.add(app), initialText: nil) }
            }
            ToolbarItem(placement: .topBarTrailing) {
                NavigationLink(Strings.settings) { SettingsView(model: graph.settingsModel(app)) }
            }
        }
        // The countdown: one core call a second while the list is on screen.
        .task {
            while !Task.isCancelled {
                model.refresh()
                try? await Task.sleep(for: .seconds(1))
            }
        }
        .alert(Strings.rename, isPresented: Binding(get: { renaming != nil }, set: { if !$0 { renaming = nil } })) {
            TextField(Strings.issuer, text: $issuer)
            TextField(Strings.accountName, text: $name)
            Button(Strings.save) { if let r = renaming { model.rename(r.id, issuer: issuer, name: name) } }
            Button(Strings.cancel, role: .cancel) {}
        }
        .alert(Strings.deleteQuestion(deleting.flatMap { id in model.rows.first { $0.id == id }?.label } ?? deleting ?? ""),
               isPresented: Binding(get: { deleting != nil }, set: { if !$0 { deleting = nil } })) {
            Button(Strings.delete, role: .destructive) { if let id = deleting { model.delete(id) } }
            Button(Strings.cancel, role: .cancel) {}
        }
    }
}

private struct CodeRowView: View {
    let row: CodeRow

    var body: some View {
        HStack {
            VStack(alignment: .leading, spacing: 2) {
                Text(row.label).font(.subheadline).foregroundStyle(.secondary)
                Text(row.code ?? Strings.hiddenCode).font(.system(.title, design: .monospaced))
                    .accessibilityHint(row.code == nil ? Strings.tapToShow : "")
                if let next = row.nextCode { Text(Strings.nextCode(next)).font(.footnote) }
            }
            Spacer()
            if !row.hotp {
                ProgressView(value: Double(row.secondsLeft), total: Double(max(row.period, 1)))
                    .progressViewStyle(.circular)
                Text(Strings.secondsLeft(row.secondsLeft)).font(.footnote.monospacedDigit())
            }
        }
    }
}
#endif
