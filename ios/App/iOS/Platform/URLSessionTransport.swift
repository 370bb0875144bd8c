#if canImport(Foundation) && os(iOS)
import DuetCore
import Foundation

/// The core's HTTP on URLSession: each request as the core built it, no redirects, the core's time
/// limit, every HTTP status returned; failures as the transport codes the core words for the user.
final class URLSessionTransport: HttpTransport, @unchecked Sendable {
    private static let maxBody = 1 << 20

    func send(request: HttpRequest) throws -> HttpResponse {
        guard let url = URL(string: request.url) else { throw DuetError.Transport(code: "E_TRANSPORT_FAILED", reason: "bad URL") }
        var r = URLRequest(url: url, timeoutInterval: Double(request.timeoutMs) / 1000)
        r.httpMethod = request.method == .get ? "GET" : "POST"
        if request.method == .post {
            r.httpBody = request.body
            r.setValue(request.contentType, forHTTPHeaderField: "Content-Type")
        }
        let delegate = TrustDelegate(verify: request.verifyTls)
        let session = URLSession(configuration: .ephemeral, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let done = DispatchSemaphore(value: 0)
        var result: Result<HttpResponse, DuetError> = .failure(DuetError.Transport(code: "E_TRANSPORT_FAILED", reason: "no answer"))
        session.dataTask(with: r) { data, response, error in
            defer { done.signal() }
            if let e = error as? URLError { result = .failure(Self.map(e)); return }
            guard let http = response as? HTTPURLResponse else { return }
            let body = data ?? Data()
            if body.count > Self.maxBody {
                result = .failure(DuetError.Transport(code: "E_TRANSPORT_TOO_LARGE", reason: "response too large"))
                return
            }
            result = .success(HttpResponse(status: UInt16(clamping: http.statusCode), body: body))
        }.resume()
        done.wait()
        return try result.get()
    }

    private static func map(_ e: URLError) -> DuetError {
        switch e.code {
        case .timedOut:
            return DuetError.Transport(code: "E_TRANSPORT_TIMEOUT", reason: "timed out")
        case .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateHasUnknownRoot,
             .serverCertificateNotYetValid, .secureConnectionFailed, .clientCertificateRejected:
            return DuetError.Transport(code: "E_TRANSPORT_TLS", reason: "TLS")
        case .cannotFindHost, .cannotConnectToHost, .dnsLookupFailed, .notConnectedToInternet, .networkConnectionLost:
            return DuetError.Transport(code: "E_TRANSPORT_UNREACHABLE", reason: "unreachable")
        default:
            return DuetError.Transport(code: "E_TRANSPORT_FAILED", reason: "\(e.code.rawValue)")
        }
    }
}

/// No redirects; the server certificate is checked unless the server's own enrollment said not to.
private final class TrustDelegate: NSObject, URLSessionTaskDelegate {
    let verify: Bool
    init(verify: Bool) { self.verify = verify }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, didReceive challenge: URLAuthenticationChallenge,
                    completionHandler: @escaping (URLSession.AuthChallengeDisposition, URLCredential?) -> Void) {
        if !verify, challenge.protectionSpace.authenticationMethod == NSURLAuthenticationMethodServerTrust,
           let trust = challenge.protectionSpace.serverTrust {
            completionHandler(.useCredential, URLCredential(trust: trust))
        } else {
            completionHandler(.performDefaultHandling, nil)
        }
    }
}
#endif
