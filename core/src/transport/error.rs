//! Transport failures, each with a stable code.

use crate::error::ErrorCode;

/// Why a request could not be sent or its answer not be read.
///
/// Every variant is "in doubt": callers never treat it as an approval, and never
/// retry an answer automatically (the server may or may not have seen it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The URL does not parse or has no host.
    #[error("The server address is not a valid URL.")]
    InvalidUrl,
    /// Plain `http://` to a host that is not this machine.
    #[error("The server {host} uses unencrypted http; duet only talks to https servers (plain http is allowed for this machine only).")]
    InsecureScheme {
        /// The host named in the URL.
        host: String,
    },
    /// Neither `http` nor `https`.
    #[error("The server address must start with https://.")]
    UnsupportedScheme,
    /// DNS failure, connection refused, network down.
    #[error("The server {host} cannot be reached; check the network connection and try again.")]
    Unreachable {
        /// The host that could not be reached.
        host: String,
    },
    /// No answer within the time limit.
    #[error("The server {host} did not answer in time; try again later.")]
    Timeout {
        /// The host that did not answer.
        host: String,
    },
    /// The server's certificate is not trusted or the TLS handshake failed.
    #[error("The secure connection to {host} failed (its certificate is not trusted); ask your administrator.")]
    Tls {
        /// The host whose certificate failed.
        host: String,
    },
    /// The answer was larger than duet accepts.
    #[error("The server sent an answer that is too large.")]
    ResponseTooLarge,
    /// Anything else the platform stack reported.
    #[error("The request to {host} failed; try again later.")]
    Other {
        /// The host of the failed request.
        host: String,
    },
}

impl ErrorCode for TransportError {
    fn code(&self) -> &'static str {
        match self {
            TransportError::InvalidUrl => "E_TRANSPORT_URL",
            TransportError::InsecureScheme { .. } => "E_TRANSPORT_INSECURE_HTTP",
            TransportError::UnsupportedScheme => "E_TRANSPORT_SCHEME",
            TransportError::Unreachable { .. } => "E_TRANSPORT_UNREACHABLE",
            TransportError::Timeout { .. } => "E_TRANSPORT_TIMEOUT",
            TransportError::Tls { .. } => "E_TRANSPORT_TLS",
            TransportError::ResponseTooLarge => "E_TRANSPORT_TOO_LARGE",
            TransportError::Other { .. } => "E_TRANSPORT_FAILED",
        }
    }
}
