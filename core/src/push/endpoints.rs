//! Where each duet protocol call goes (`docs/protocol.md`), and how a duet server's HTTP answer
//! is read. The one list of endpoint paths: the CLI, the bindings and the reference server's
//! routes use these constants.

use crate::push::PushError;
use crate::transport::{Endpoint, HttpRequest, HttpResponse, TransportError};

/// Manual-code lookup: `GET {base}/duet/v1/enrollment/{value}`.
pub const ENROLLMENT_LOOKUP: &str = "/duet/v1/enrollment/";
/// Registration: `POST {base}/duet/v1/register`.
pub const REGISTER: &str = "/duet/v1/register";
/// Signed poll: `POST {base}/duet/v1/poll`.
pub const POLL: &str = "/duet/v1/poll";
/// Signed answer: `POST {base}/duet/v1/answer`.
pub const ANSWER: &str = "/duet/v1/answer";
/// Push token (FCM/APNs) registration: `POST {base}/duet/v1/push-token`.
pub const PUSH_TOKEN: &str = "/duet/v1/push-token";
/// Unenrollment: `POST {base}/duet/v1/unenroll`.
pub const UNENROLL: &str = "/duet/v1/unenroll";
/// Device key rotation: `POST {base}/duet/v1/rotate-key`.
pub const ROTATE_KEY: &str = "/duet/v1/rotate-key";

/// `base` (a server base URL, with or without a trailing `/`) joined with an endpoint `path`.
pub fn url(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
}

/// The POST of a protocol body to `path` on the server at `base`, after the transport policy
/// (https, or http to this machine only) accepted the URL.
///
/// # Errors
/// `E_TRANSPORT_URL`, `E_TRANSPORT_INSECURE_HTTP`, `E_TRANSPORT_SCHEME`.
pub fn post(base: &str, path: &str, body: Vec<u8>) -> Result<HttpRequest, TransportError> {
    Ok(HttpRequest::post_json(&Endpoint::parse(&url(base, path), true)?, body))
}

/// The body of a duet server's answer, or the server's refusal: a non-2xx status gives
/// `E_PUSH_SERVER` naming the server's error code (`{"error":"..."}`, reduced to letters, digits
/// and `_` so a hostile server cannot inject text) or the HTTP status.
pub fn response_body(resp: &HttpResponse) -> Result<Vec<u8>, PushError> {
    if (200..300).contains(&resp.status) {
        return Ok(resp.body.clone());
    }
    #[derive(serde::Deserialize)]
    struct ErrBody {
        error: Option<String>,
    }
    let code = serde_json::from_slice::<ErrBody>(&resp.body).ok().and_then(|e| e.error).unwrap_or_default();
    let shown: String = code.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(64).collect();
    Err(PushError::Server { reason: if shown.is_empty() { format!("HTTP {}", resp.status) } else { shown } })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn urls_join_without_double_slash() {
        assert_eq!(url("https://mfa.example.com/", POLL), "https://mfa.example.com/duet/v1/poll");
        assert_eq!(url("https://mfa.example.com", REGISTER), "https://mfa.example.com/duet/v1/register");
    }

    #[test]
    fn post_applies_the_transport_policy() {
        let r = post("https://mfa.example.com", ANSWER, b"{}".to_vec()).unwrap();
        assert_eq!(r.url, "https://mfa.example.com/duet/v1/answer");
        assert_eq!(r.content_type.as_deref(), Some("application/json"));
        assert_eq!(post("http://mfa.example.com", ANSWER, vec![]).unwrap_err().code(), "E_TRANSPORT_INSECURE_HTTP");
    }

    #[test]
    fn refusals_name_the_server_code_safely() {
        let ok = HttpResponse { status: 200, body: b"x".to_vec() };
        assert_eq!(response_body(&ok).unwrap(), b"x");
        let refused = HttpResponse { status: 409, body: br#"{"error":"already_answered\n<b>"}"#.to_vec() };
        let e = response_body(&refused).unwrap_err();
        assert_eq!(e.code(), "E_PUSH_SERVER");
        assert!(e.to_string().contains("already_answeredb"), "{e}");
        let html = HttpResponse { status: 502, body: b"<html>".to_vec() };
        assert!(response_body(&html).unwrap_err().to_string().contains("HTTP 502"));
    }
}
