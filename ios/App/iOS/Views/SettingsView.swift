#if canImport(SwiftUI)
import DuetAppModel
import DuetCore
import SwiftUI
import UniformTypeIdentifiers

/// Settings: app lock and hidden codes, the clock line, encrypted export / import / verify through
/// the document picker, and the push accounts with unenroll.
struct SettingsView: View {
    @Bindable var model: SettingsModel
    @State private var password = ""
    @State private var exporting: BackupFile?
    @State private var picking = false
    @State private var purpose = PickPurpose.importing
    @State private var unenrolling: PushAccountEntry?

    enum PickPurpose { case importing, verifying }

    var body: some View {
        Form {
            Section {
                Toggle(Strings.appLock, isOn: $model.appLock)
                Toggle(Strings.hideCodes, isOn: $model.hideCodes)
                Text(model.clockLine)
                if let warning = model.clockWarning { Text(warning).foregroundStyle(.orange) }
            }
            Section(Strings.backupTitle) {
                SecureField(Strings.backupPassword, text: $password)
                Button(Strings.export) { if let data = model.export(password: password) { exporting = BackupFile(data: data) } }
                Button(Strings.importBackup) { purpose = .importing; picking = true }
                Button(Strings.verify) { purpose = .verifying; picking = true }
                if let message = model.message { Text(message) }
                if let error = model.error { ErrorLines(error: error) }
            }
            Section(Strings.pushTitle) {
                if model.pushAccounts.isEmpty { Text(Strings.noPushAccounts).foregroundStyle(.secondary) }
                ForEach(model.pushAccounts, id: \.id) { a in
                    VStack(alignment: .leading) {
                        Text(a.label.isEmpty ? a.id : a.label)
                        Text(a.url).font(.footnote).foregroundStyle(.secondary)
                        if let fp = a.deviceKeyFingerprint {
                            Text(Strings.deviceKey(fp, platformKey: a.platformKey, answerKey: a.answerKey)).font(.footnote)
                        }
                        Button(Strings.unenroll, role: .destructive) { unenrolling = a }.disabled(model.busy)
                    }
                }
            }
        }
        .navigationTitle(Strings.settingsTitle)
        .onAppear { model.refresh() }
        .fileExporter(isPresented: Binding(get: { exporting != nil }, set: { if !$0 { exporting = nil } }),
                      document: exporting, contentType: .json, defaultFilename: "duet-backup.json") { result in
            if case .failure = result { model.fileFailed(reading: false) }
        }
        .fileImporter(isPresented: $picking, allowedContentTypes: [.data]) { result in
            guard case .success(let url) = result, url.startAccessingSecurityScopedResource() else {
                return model.fileFailed(reading: true)
            }
            defer { url.stopAccessingSecurityScopedResource() }
            guard let data = try? Data(contentsOf: url) else { return model.fileFailed(reading: true) }
            if purpose == .verifying { model.verify(data, password: password) } else { model.importBackup(data, password: password) }
        }
        .alert(Strings.unenrollQuestion(unenrolling?.label ?? ""),
               isPresented: Binding(get: { unenrolling != nil }, set: { if !$0 { unenrolling = nil } })) {
            Button(Strings.unenroll, role: .destructive) { if let a = unenrolling { model.unenroll(a.id) } }
            Button(Strings.cancel, role: .cancel) {}
        }
    }
}

/// The encrypted backup as a document for the exporter.
struct BackupFile: FileDocument {
    static var readableContentTypes: [UTType] { [.json] }
    let data: Data
    init(data: Data) { self.data = data }
    init(configuration: ReadConfiguration) throws { data = configuration.file.regularFileContents ?? Data() }
    func fileWrapper(configuration: WriteConfiguration) throws -> FileWrapper { FileWrapper(regularFileWithContents: data) }
}
#endif
