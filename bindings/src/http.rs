//! The HTTP transport the apps implement (OkHttp, URLSession). The core builds every request
//! (URL already checked against the https policy, body signed) and reads every answer; the app
//! only moves bytes. The contract is the core's `duet_core::transport::HttpTransport`.

use std::sync::Arc;

use duet_core::transport as core;

use crate::error::DuetError;

/// HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum HttpMethod {
    /// GET: parameters are in the URL.
    Get,
    /// POST: send `body` with `content_type`.
    Post,
}

/// One request, built by the core: send it exactly as given.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct HttpRequest {
    /// GET or POST.
    pub method: HttpMethod,
    /// The complete URL, query string included (https, or http to 127.0.0.1 only).
    pub url: String,
    /// `Content-Type` of `body`, when there is one.
    pub content_type: Option<String>,
    /// The body (empty for GET).
    pub body: Vec<u8>,
    /// Check the server certificate. `false` only when the server's own enrollment data said
    /// `sslverify=0`; show [`crate::pipush::PiPushAccount::tls_warning`] to the user then.
    pub verify_tls: bool,
    /// Overall time limit (connect to last byte), milliseconds.
    pub timeout_ms: u64,
}

/// The server's answer: every status, 4xx and 5xx included (they are not transport errors).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// The body (at most 1 MiB; a longer one is `E_TRANSPORT_TOO_LARGE`).
    pub body: Vec<u8>,
}

/// Sends requests with the platform's HTTP stack.
///
/// Contract: check TLS certificates unless `verify_tls` is false; give up after `timeout_ms`;
/// never follow redirects; return every HTTP status as a response. To report a failure throw
/// `DuetError.Transport` with `E_TRANSPORT_UNREACHABLE`, `E_TRANSPORT_TIMEOUT`,
/// `E_TRANSPORT_TLS` or `E_TRANSPORT_TOO_LARGE` (the core writes the user's sentence); anything
/// else becomes `E_TRANSPORT_FAILED`.
#[uniffi::export(with_foreign)]
pub trait HttpTransport: Send + Sync {
    /// Sends `request` and returns the answer.
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, DuetError>;
}

impl From<&core::HttpRequest> for HttpRequest {
    fn from(r: &core::HttpRequest) -> Self {
        HttpRequest {
            method: match r.method {
                core::Method::Get => HttpMethod::Get,
                core::Method::Post => HttpMethod::Post,
            },
            url: r.url.clone(),
            content_type: r.content_type.clone(),
            body: r.body.clone(),
            verify_tls: r.tls == core::TlsMode::Verify,
            timeout_ms: u64::try_from(r.timeout.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

/// Adapts an app transport to the core's trait.
pub(crate) struct AppTransport(pub(crate) Arc<dyn HttpTransport>);

impl core::HttpTransport for AppTransport {
    fn send(&self, request: &core::HttpRequest) -> Result<core::HttpResponse, core::TransportError> {
        let host = request.host();
        match self.0.send(request.into()) {
            Ok(r) if r.body.len() > core::request::MAX_RESPONSE_BYTES => Err(core::TransportError::ResponseTooLarge),
            Ok(r) => Ok(core::HttpResponse { status: r.status, body: r.body }),
            // The core's own sentence (with the host), not the app's exception text.
            Err(e) => Err(match e.code() {
                "E_TRANSPORT_UNREACHABLE" => core::TransportError::Unreachable { host },
                "E_TRANSPORT_TIMEOUT" => core::TransportError::Timeout { host },
                "E_TRANSPORT_TLS" => core::TransportError::Tls { host },
                "E_TRANSPORT_TOO_LARGE" => core::TransportError::ResponseTooLarge,
                _ => core::TransportError::Other { host },
            }),
        }
    }
}
