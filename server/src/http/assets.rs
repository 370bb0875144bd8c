//! The pages' style sheet and scripts, served as files so the Content-Security-Policy can
//! forbid every inline script and style (`headers`).

use crate::state::State;
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use std::sync::Arc;

/// Path of the helpdesk's style sheet.
pub const HELPDESK_CSS: &str = "/helpdesk/assets/helpdesk.css";
/// Path of the enrollment page's expiry countdown.
pub const COUNTDOWN_JS: &str = "/helpdesk/assets/countdown.js";
/// Path of the second-factor page's security key script (WebAuthn ceremonies).
pub const PASSKEY_JS: &str = "/helpdesk/assets/passkey.js";
/// Path of the tap-to-enroll landing page's script.
pub const ENROLL_JS: &str = "/duet/enroll.js";

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse + Clone {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "max-age=3600")], body)
}

/// The asset routes.
pub fn routes() -> Router<Arc<State>> {
    let css = asset("text/css; charset=utf-8", include_str!("assets/helpdesk.css"));
    let countdown = asset("text/javascript; charset=utf-8", include_str!("assets/countdown.js"));
    let enroll = asset("text/javascript; charset=utf-8", include_str!("assets/enroll.js"));
    let passkey = asset("text/javascript; charset=utf-8", include_str!("assets/passkey.js"));
    Router::new()
        .route(HELPDESK_CSS, get(move || async move { css }))
        .route(COUNTDOWN_JS, get(move || async move { countdown }))
        .route(ENROLL_JS, get(move || async move { enroll }))
        .route(PASSKEY_JS, get(move || async move { passkey }))
}
