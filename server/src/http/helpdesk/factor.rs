//! The login's second step: the admin's authenticator code, and setting the authenticator up
//! at the first login (`services::admin_factor`).

use super::layout::{PageResult, error_block, layout};
use super::pages::qr_svg;
use super::session::{HalfForm, HalfSession};
use crate::error::ServerError;
use crate::http::client_addr::ClientAddr;
use crate::services::admin_factor::{self, Factor};
use crate::state::State;
use axum::extract::State as AxState;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{Markup, PreEscaped, html};
use std::sync::Arc;

/// Where the second step lives.
pub const PATH: &str = "/helpdesk/factor";

fn markup(factor: &Factor, csrf: &str, err: Option<&ServerError>) -> Result<Markup, ServerError> {
    let setup = match factor {
        Factor::Enrolled => None,
        Factor::Enrolling(e) => Some((qr_svg(&e.uri)?, e)),
    };
    let title = if setup.is_some() { "Set up your authenticator" } else { "Authenticator code" };
    Ok(layout(title, None, html! {
        @if let Some(e) = err { (error_block(e)) }
        @if let Some((qr, e)) = &setup {
            p { "Helpdesk admins sign in with a second factor of their own. Scan this QR code with an authenticator app (duet's included), or type the secret in, then enter the code it shows." }
            div #factor-qr { (PreEscaped(qr)) }
            p { "Secret: " code #factor-secret { (e.secret_base32.as_str()) } }
            p { "TOTP, SHA-1, 6 digits, 30 seconds." }
        } @else {
            p { "Enter the current code from your authenticator app." }
        }
        form method="post" action=(PATH) {
            input type="hidden" name="csrf" value=(csrf);
            p { label { "Code " input #factor-code name="code" inputmode="numeric" autocomplete="one-time-code" required; } }
            p { button type="submit" { "Continue" } }
        }
        form.inline method="post" action="/helpdesk/logout" {
            input type="hidden" name="csrf" value=(csrf);
            button type="submit" { "Sign out" }
        }
    }))
}

/// The page, never cached: it may show the secret.
fn page(status: axum::http::StatusCode, m: Markup) -> Response {
    let mut r = (status, Html(m.into_string())).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// `GET /helpdesk/factor`.
pub async fn form(AxState(st): AxState<Arc<State>>, half: HalfSession) -> PageResult {
    let s = &half.session;
    if s.factor_ok {
        return Ok(Redirect::to("/helpdesk").into_response());
    }
    let factor = admin_factor::factor(&st, s.admin_id, &s.admin_name)?;
    Ok(page(axum::http::StatusCode::OK, markup(&factor, &s.csrf, None)?))
}

/// `POST /helpdesk/factor`.
pub async fn check(AxState(st): AxState<Arc<State>>, ClientAddr(client): ClientAddr, form: HalfForm) -> PageResult {
    let s = &form.session.session;
    if s.factor_ok {
        return Ok(Redirect::to("/helpdesk").into_response());
    }
    let code = form.fields.get("code").map(String::as_str).unwrap_or("");
    match admin_factor::verify(&st, &form.session.token, s.admin_id, &s.admin_name, code, client) {
        Ok(()) => Ok(Redirect::to("/helpdesk").into_response()),
        Err(ServerError::Storage(d)) => Err(ServerError::Storage(d).into()),
        Err(e) => {
            let factor = admin_factor::factor(&st, s.admin_id, &s.admin_name)?;
            Ok(page(e.status(), markup(&factor, &s.csrf, Some(&e))?))
        }
    }
}
