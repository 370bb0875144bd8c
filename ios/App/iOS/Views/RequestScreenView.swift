#if canImport(SwiftUI)
import DuetAppModel
import DuetCore
import SwiftUI

/// The sign-in request: its context, the number to type or pick, approve, deny with "report it" or
/// "by mistake", and how it ended. Polls every 5 seconds while shown.
struct RequestScreenView: View {
    let model: RequestModel
    let flow: ApproveFlow
    let focus: String?
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 16) { content }.padding()
        }
        .navigationTitle(Strings.Request.screenTitle)
        .onAppear {
            model.focus(focus)
            model.resume()
        }
        .task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(5))
                model.refresh()
            }
        }
    }

    @ViewBuilder private var content: some View {
        switch model.screen {
        case .checking:
            ProgressView(Strings.Request.checking)
        case .nothing(let problem):
            Text(Strings.Request.nothingWaiting)
            if let problem { Text(problem).foregroundStyle(.secondary) }
            Button(Strings.Request.tryAgain) { model.retry() }
        case .ask(let request, let typed, let picked, let note):
            RequestContext(request: request)
            NumberEntry(model: model, matching: request.matching, typed: typed, picked: picked)
            if request.weaker { Text(Strings.Request.weaker).foregroundStyle(.orange) }
            if let note { Text(note).foregroundStyle(.red) }
            HStack {
                Button(Strings.Request.deny, role: .destructive) { model.deny() }.buttonStyle(.bordered)
                Spacer()
                Button(Strings.Request.approve) { if let s = model.approve() { flow.run(s) } }.buttonStyle(.borderedProminent)
            }
        case .denyReason(let request):
            RequestContext(request: request)
            Text(Strings.Request.wasItYou).font(.headline)
            Text(Strings.Request.wasItYouDetail)
            Button(Strings.Request.notMe, role: .destructive) { if let s = model.denyBecause(notMe: true) { flow.run(s) } }
            Button(Strings.Request.mistake) { if let s = model.denyBecause(notMe: false) { flow.run(s) } }
            Button(Strings.Request.back) { model.back() }
        case .confirming(let request):
            RequestContext(request: request)
            ProgressView(Strings.Request.confirming)
        case .closed(_, let text):
            Text(text)
            Button(Strings.Request.done) { dismiss() }
            Button(Strings.Request.tryAgain) { model.retry() }
        case .keyLost(_, _, let text, let ways):
            KeyLostView(text: text, waysBack: ways)
        case .locked:
            Text(Strings.Request.locked)
            Button(Strings.Request.unlock) { model.retry() }
        case .problem(let code, let text):
            Text(Strings.errorLine(code, text)).foregroundStyle(.red)
            Button(Strings.Request.tryAgain) { model.retry() }
        }
    }
}

private struct RequestContext: View {
    let request: RequestDetails

    var body: some View {
        Text(request.heading).font(.title2.bold())
        if let message = request.message { Text(message) }
        ForEach(request.details, id: \.self) { d in
            LabeledContent(d.label, value: d.value)
        }
    }
}

private struct NumberEntry: View {
    let model: RequestModel
    let matching: NumberMatching
    let typed: String
    let picked: String?

    var body: some View {
        switch matching {
        case .typeShown(let digits):
            Text(Strings.Request.typeNumber(Int(digits)))
            TextField("", text: Binding(get: { typed }, set: { model.type($0) }))
                .keyboardType(.numberPad).font(.system(.largeTitle, design: .monospaced))
        case .pick(let choices):
            Text(Strings.Request.pickNumber)
            HStack {
                ForEach(choices, id: \.self) { c in
                    Button(c) { model.pick(c) }
                        .buttonStyle(.bordered).tint(c == picked ? Color.accentColor : Color.secondary)
                        .font(.system(.title, design: .monospaced))
                }
            }
        case .none:
            EmptyView()
        }
    }
}
#endif
