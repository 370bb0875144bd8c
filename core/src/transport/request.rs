//! Plain-data HTTP requests and responses (easy to carry over FFI).

use super::endpoint::{Endpoint, TlsMode};
use std::time::Duration;

/// The largest response body duet reads (privacyIDEA answers are a few KiB).
pub const MAX_RESPONSE_BYTES: usize = 1 << 20;

/// How long one request may take, connect to last byte. Long enough for a slow
/// mobile network, short enough that a person waiting sees an error.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET, parameters in the query string.
    Get,
    /// POST, parameters as an `application/x-www-form-urlencoded` body.
    Post,
}

/// One request, fully built by the core: the transport sends it as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// GET or POST.
    pub method: Method,
    /// The complete URL, query string included.
    pub url: String,
    /// `Content-Type` of `body`, when there is one.
    pub content_type: Option<String>,
    /// The request body (form data for POST).
    pub body: Vec<u8>,
    /// Whether to check the server certificate.
    pub tls: TlsMode,
    /// Overall time limit.
    pub timeout: Duration,
}

impl HttpRequest {
    /// A GET to `endpoint` with `params` appended to its query string.
    pub fn get(endpoint: &Endpoint, params: &[(&str, &str)]) -> HttpRequest {
        let mut url = endpoint.url().clone();
        if !params.is_empty() {
            url.query_pairs_mut().extend_pairs(params);
        }
        HttpRequest {
            method: Method::Get,
            url: url.into(),
            content_type: None,
            body: Vec::new(),
            tls: endpoint.tls(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// A form POST of `params` to `endpoint`.
    pub fn post_form(endpoint: &Endpoint, params: &[(&str, &str)]) -> HttpRequest {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
        HttpRequest {
            method: Method::Post,
            url: endpoint.url().to_string(),
            content_type: Some("application/x-www-form-urlencoded".into()),
            body: body.into_bytes(),
            tls: endpoint.tls(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// A POST of a JSON body to `endpoint`.
    pub fn post_json(endpoint: &Endpoint, body: Vec<u8>) -> HttpRequest {
        HttpRequest {
            method: Method::Post,
            url: endpoint.url().to_string(),
            content_type: Some("application/json".into()),
            body,
            tls: endpoint.tls(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The host, for error messages.
    pub fn host(&self) -> String {
        url::Url::parse(&self.url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default()
    }
}

/// The server's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// The body, at most [`MAX_RESPONSE_BYTES`].
    pub body: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_puts_params_in_query_with_form_encoding() {
        let e = Endpoint::parse("https://pi.example.com/ttype/push", true).unwrap();
        let r = HttpRequest::get(&e, &[("serial", "PIPU0001"), ("timestamp", "2026-01-01T00:00:00+00:00")]);
        assert_eq!(r.url, "https://pi.example.com/ttype/push?serial=PIPU0001&timestamp=2026-01-01T00%3A00%3A00%2B00%3A00");
        assert!(r.body.is_empty());
    }

    #[test]
    fn post_encodes_body() {
        let e = Endpoint::parse("https://pi.example.com/ttype/push", false).unwrap();
        let r = HttpRequest::post_form(&e, &[("a", "x y"), ("b", "+/=")]);
        assert_eq!(r.body, b"a=x+y&b=%2B%2F%3D");
        assert_eq!(r.tls, TlsMode::InsecureSkipVerify);
    }
}
