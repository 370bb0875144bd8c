#if canImport(SwiftUI) && canImport(PhotosUI)
import DuetAppModel
import PhotosUI
import SwiftUI
import UIKit

/// Add: scan with the camera, pick a photo, paste, type a setup key, or enroll with an activation
/// code. Each ends in one model call; the outcome is the model's.
struct AddView: View {
    @Bindable var model: AddModel
    let initialText: String?
    @State private var scanning = false
    @State private var cameraProblem: String?
    @State private var photo: PhotosPickerItem?
    @State private var pasted = ""
    @State private var issuer = ""
    @State private var name = ""
    @State private var setupKey = ""
    @State private var manualCode = ""
    @State private var fingerprint = ""
    @State private var scanner = CameraScanner()

    var body: some View {
        Form {
            Section {
                if scanning {
                    CameraPreview(session: scanner.session).frame(height: 280)
                    Button(Strings.stopScan) { stopScan() }
                } else {
                    Button(Strings.scan) { startScan() }
                }
                if let cameraProblem { Text(cameraProblem).foregroundStyle(.secondary) }
                PhotosPicker(Strings.pickImage, selection: $photo, matching: .images)
                outcomeView
            }
            Section {
                TextField(Strings.pasteHint, text: $pasted, axis: .vertical)
                    .textInputAutocapitalization(.never).autocorrectionDisabled()
                PasteButton(payloadType: String.self) { texts in pasted = texts.first ?? "" }
                Button(Strings.pasteAdd) { model.addText(pasted) }.disabled(pasted.isEmpty || model.busy)
            }
            Section(Strings.setupKeyTitle) {
                TextField(Strings.issuer, text: $issuer)
                TextField(Strings.accountName, text: $name)
                TextField(Strings.setupKey, text: $setupKey).textInputAutocapitalization(.characters).autocorrectionDisabled()
                Button(Strings.setupKeyAdd) { model.addSetupKey(issuer: issuer, name: name, setupKey: setupKey) }
            }
            Section(Strings.manualTitle) {
                TextField(Strings.manualCode, text: $manualCode).textInputAutocapitalization(.characters).autocorrectionDisabled()
                TextField(Strings.fingerprint, text: $fingerprint).autocorrectionDisabled()
                Button(Strings.enroll) { model.addManualCode(manualCode, fingerprint: fingerprint) }.disabled(model.busy)
            }
        }
        .navigationTitle(Strings.addTitle)
        .onAppear { if let t = initialText { model.addText(t) } }
        .onDisappear { stopScan() }
        .onChange(of: photo) { _, item in load(item) }
        .onChange(of: model.outcome) { _, outcome in
            // A stored account ends the scan; a transfer part keeps it going for the next code.
            if case .added? = outcome { stopScan() }
        }
    }

    @ViewBuilder private var outcomeView: some View {
        switch model.outcome {
        case .added(let message, let notices)?:
            Text(message)
            ForEach(notices, id: \.sentence) { ErrorLines(error: $0) }
        case .progress(let scanned, let total)?:
            Text(Strings.transferProgress(scanned, total))
            Text(Strings.transferNext)
        case .failed(let error)?:
            ErrorLines(error: error)
        case nil:
            if model.busy { ProgressView() }
        }
    }

    private func startScan() {
        cameraProblem = nil
        scanning = true
        scanner.start(onFrame: { model.addFrame($0) }, failed: { failure in
            scanning = false
            cameraProblem = failure == .refused ? Strings.cameraRefused : Strings.cameraUnavailable
        })
    }

    private func stopScan() {
        scanner.stop()
        scanning = false
    }

    private func load(_ item: PhotosPickerItem?) {
        guard let item else { return }
        item.loadTransferable(type: Data.self) { result in
            DispatchQueue.main.async {
                guard case .success(let data?) = result, let image = UIImage(data: data), let frame = PhotoLuma.frame(image) else {
                    return model.imageUnreadable()
                }
                model.addImage(frame)
            }
        }
    }
}
#endif
