//! The HTTP transport: the core builds requests and parses responses; the
//! platform sends them.
//!
//! The apps implement [`HttpTransport`] on their own HTTP stack (URLSession,
//! OkHttp) and the CLI on a rustls client, so no TLS library lives in the core.
//! What the core decides, and every platform therefore shares, is the policy:
//! which URLs may be contacted at all ([`endpoint::Endpoint`]), whether TLS
//! verification may be skipped (only when the server's own enrollment data says
//! `sslverify=0`, and then with a warning the user sees), the time limits, and
//! how failures are reported.

pub mod endpoint;
pub mod error;
pub mod request;

pub use endpoint::{Endpoint, TlsMode, is_loopback_host};
pub use error::TransportError;
pub use request::{HttpRequest, HttpResponse, Method};

/// Sends one HTTP request. Implemented by each platform.
///
/// Contract for implementers:
/// - verify TLS certificates unless `request.tls` is [`TlsMode::InsecureSkipVerify`];
/// - give up after `request.timeout` and report [`TransportError::Timeout`];
/// - do not follow redirects (a redirect would leave the URL the policy checked);
/// - return every HTTP status as a response (4xx/5xx are not transport errors), with at
///   most [`request::MAX_RESPONSE_BYTES`] of body; a longer body is
///   [`TransportError::ResponseTooLarge`].
pub trait HttpTransport {
    /// Sends `request` and returns the server's answer.
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError>;
}
