#if canImport(SwiftUI)
import DuetAppModel
import DuetCore
import SwiftUI

/// The vault's state decides the screen: open (the codes, with Add, Settings and a request on
/// top), locked (unlock), or a lost key (the ways back).
struct RootView: View {
    @Bindable var graph: AppGraph

    var body: some View {
        switch graph.launch.state {
        case .opening:
            ProgressView()
        case .locked:
            VStack(spacing: 16) {
                Text(Strings.Request.locked).multilineTextAlignment(.center)
                Button(Strings.Request.unlock) { graph.launch.open() }.buttonStyle(.borderedProminent)
            }.padding()
        case .keyLost(let text, let ways):
            KeyLostView(text: text, waysBack: ways)
        case .failed(let error):
            ErrorLines(error: error).padding()
        case .open(let app):
            OpenApp(graph: graph, app: app)
        }
    }
}

private struct OpenApp: View {
    @Bindable var graph: AppGraph
    let app: DuetApp
    @State private var codes: CodesModel?

    var body: some View {
        NavigationStack {
            if let codes { CodesView(model: codes, graph: graph, app: app) }
        }
        .onAppear { if codes == nil { codes = graph.codes(app) } }
        .sheet(item: Binding(get: { graph.route.map(RouteBox.init) }, set: { graph.route = $0?.route })) { box in
            switch box.route {
            case .add(let text):
                NavigationStack { AddView(model: graph.add(app), initialText: text) }
            case .request(let id):
                NavigationStack { RequestScreenView(model: graph.requests, flow: graph.approveFlow(), focus: id) }
            case .ignore:
                EmptyView()
            }
        }
    }
}

/// `LinkRoute` as a sheet item.
private struct RouteBox: Identifiable {
    let route: LinkRoute
    var id: String { "\(route)" }
}

struct KeyLostView: View {
    let text: String
    let waysBack: [String]

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 12) {
                Text(Strings.Request.keyLostTitle).font(.title2.bold())
                Text(text)
                ForEach(waysBack, id: \.self) { Text("• " + $0) }
            }.padding()
        }
    }
}

/// The core's sentence, its code for support, and the catalogue's next step.
struct ErrorLines: View {
    let error: UiError

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(Strings.errorLine(error.code, error.sentence)).foregroundStyle(.red)
            if let step = error.nextStep { Text(Strings.nextStep(step)).font(.footnote) }
        }
    }
}
#endif
