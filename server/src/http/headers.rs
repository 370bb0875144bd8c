//! Security headers on every answer: no inline script or style, no framing, no MIME
//! sniffing, no referrer, and HSTS when the server itself serves TLS.

use crate::state::State;
use axum::extract::State as AxState;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;
use std::sync::Arc;

/// Scripts and styles only from this server's files (`assets`); forms post only to it.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const HSTS: &str = "max-age=31536000";

/// Adds the headers a handler did not set itself.
pub async fn add(AxState(st): AxState<Arc<State>>, mut r: Response) -> Response {
    let h = r.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "no-referrer");
    if st.config.secure_cookies {
        set(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    r
}
