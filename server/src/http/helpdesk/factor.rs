//! The login's second step: the admin's authenticator code or security key, and setting one of
//! them up at the first login (`services::admin_factor`, `services::admin_passkey`).
//!
//! The security key button runs `assets/passkey.js`: it fetches the ceremony's options from
//! [`PASSKEY_OPTIONS_PATH`] and posts the browser's answer to [`PASSKEY_PATH`] as an ordinary
//! form field, so both requests carry the session's CSRF token like every other form.

use super::layout::{PageError, PageResult, error_block, layout};
use super::pages::qr_svg;
use super::session::{HalfForm, HalfSession};
use crate::error::ServerError;
use crate::http::assets;
use crate::http::client_addr::ClientAddr;
use crate::services::admin::Session;
use crate::services::admin_factor::{self, Factor};
use crate::services::admin_passkey;
use crate::state::State;
use axum::extract::State as AxState;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{Markup, PreEscaped, html};
use std::sync::Arc;

/// Where the second step lives.
pub const PATH: &str = "/helpdesk/factor";
/// Starts a security key ceremony: answers its options as JSON.
pub const PASSKEY_OPTIONS_PATH: &str = "/helpdesk/factor/passkey/options";
/// Takes the browser's answer to the ceremony.
pub const PASSKEY_PATH: &str = "/helpdesk/factor/passkey";

/// What the page offers of security keys and passkeys.
enum PasskeyOffer {
    /// The admin has one: sign in with it.
    SignIn,
    /// No second factor yet: registering one is offered beside the authenticator app.
    Register,
    /// Not possible with this public URL; the page says why.
    Unavailable,
    /// The admin uses the authenticator app only.
    Closed,
}

fn passkey_offer(st: &State, s: &Session, totp: &Factor) -> Result<PasskeyOffer, ServerError> {
    let registered = admin_passkey::registered(&st.db(), s.admin_id)?;
    let possible = admin_passkey::relying_party(&st.config).is_ok();
    Ok(match (registered, totp) {
        (true, _) | (false, Factor::Enrolling(_)) if !possible => PasskeyOffer::Unavailable,
        (true, _) => PasskeyOffer::SignIn,
        (false, Factor::Enrolling(_)) => PasskeyOffer::Register,
        _ => PasskeyOffer::Closed,
    })
}

fn passkey_form(csrf: &str, label: &str) -> Markup {
    html! {
        form #passkey-form method="post" action=(PASSKEY_PATH) data-options=(PASSKEY_OPTIONS_PATH) {
            input type="hidden" name="csrf" value=(csrf);
            input #passkey-credential type="hidden" name="credential";
            p { button #passkey-button type="button" { (label) } }
        }
        p #passkey-status role="status" {}
        script src=(assets::PASSKEY_JS) {}
    }
}

fn code_form(csrf: &str) -> Markup {
    html! {
        form method="post" action=(PATH) {
            input type="hidden" name="csrf" value=(csrf);
            p { label { "Code " input #factor-code name="code" inputmode="numeric" autocomplete="one-time-code" required; } }
            p { button type="submit" { "Continue" } }
        }
    }
}

fn markup(factor: &Factor, offer: &PasskeyOffer, csrf: &str, err: Option<&ServerError>) -> Result<Markup, ServerError> {
    let setup = match factor {
        Factor::Enrolling(e) => Some((qr_svg(&e.uri)?, e)),
        Factor::Enrolled | Factor::NotUsed => None,
    };
    let title = match (offer, &setup) {
        (_, Some(_)) => "Set up your second factor",
        (PasskeyOffer::SignIn, _) => "Security key",
        _ => "Authenticator code",
    };
    Ok(layout(title, None, html! {
        @if let Some(e) = err { (error_block(e)) }
        @match offer {
            PasskeyOffer::SignIn => {
                p { "Use your security key or passkey." }
                (passkey_form(csrf, "Use your security key"))
            }
            PasskeyOffer::Register => {
                p { "Helpdesk admins sign in with a second factor of their own: a security key or passkey, or an authenticator app." }
                h2 { "A security key or passkey" }
                p { "Register a security key, or a passkey kept by this device or your password manager; every later sign-in asks for it." }
                (passkey_form(csrf, "Register a security key or passkey"))
            }
            PasskeyOffer::Unavailable => {
                p #passkey-unavailable { "Security keys and passkeys are not offered: they need the server's public URL to name a host (such as localhost), not an IP address, so the authenticator app is the second factor here." }
            }
            PasskeyOffer::Closed => {}
        }
        @if let Some((qr, e)) = &setup {
            @if matches!(offer, PasskeyOffer::Register) { h2 { "Or an authenticator app" } }
            @else { p { "Helpdesk admins sign in with a second factor of their own." } }
            p { "Scan this QR code with an authenticator app (duet's included), or type the secret in, then enter the code it shows." }
            div #factor-qr { (PreEscaped(qr)) }
            p { "Secret: " code #factor-secret { (e.secret_base32.as_str()) } }
            p { "TOTP, SHA-1, 6 digits, 30 seconds." }
            (code_form(csrf))
        } @else if matches!(factor, Factor::Enrolled) {
            @if matches!(offer, PasskeyOffer::SignIn) { p { "Or enter the current code from your authenticator app." } }
            @else { p { "Enter the current code from your authenticator app." } }
            (code_form(csrf))
        }
        form.inline method="post" action="/helpdesk/logout" {
            input type="hidden" name="csrf" value=(csrf);
            button type="submit" { "Sign out" }
        }
    }))
}

/// The page, never cached: it may show the secret.
fn page(status: StatusCode, m: Markup) -> Response {
    let mut r = (status, Html(m.into_string())).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The page for session `s`, with `err` on top.
fn render(st: &State, s: &Session, status: StatusCode, err: Option<&ServerError>) -> PageResult {
    let factor = admin_factor::factor(st, s.admin_id, &s.admin_name)?;
    let offer = passkey_offer(st, s, &factor)?;
    Ok(page(status, markup(&factor, &offer, &s.csrf, err)?))
}

/// A failed step: the page again with the error, except storage failures (the error page).
fn refused(st: &State, s: &Session, e: ServerError) -> PageResult {
    match e {
        ServerError::Storage(d) => Err(ServerError::Storage(d).into()),
        e => render(st, s, e.status(), Some(&e)),
    }
}

/// `GET /helpdesk/factor`.
pub async fn form(AxState(st): AxState<Arc<State>>, half: HalfSession) -> PageResult {
    let s = &half.session;
    if s.factor_ok {
        return Ok(Redirect::to("/helpdesk").into_response());
    }
    render(&st, s, StatusCode::OK, None)
}

/// `POST /helpdesk/factor`: an authenticator code.
pub async fn check(AxState(st): AxState<Arc<State>>, ClientAddr(client): ClientAddr, form: HalfForm) -> PageResult {
    let s = &form.session.session;
    if s.factor_ok {
        return Ok(Redirect::to("/helpdesk").into_response());
    }
    let code = form.fields.get("code").map(String::as_str).unwrap_or("");
    match admin_factor::verify(&st, &form.session.token, s.admin_id, &s.admin_name, code, client) {
        Ok(()) => Ok(Redirect::to("/helpdesk").into_response()),
        Err(e) => refused(&st, s, e),
    }
}

/// `POST /helpdesk/factor/passkey/options`: the ceremony's options for the page's script, as
/// JSON (`{"next": "/helpdesk"}` when the session already passed); errors as coded JSON.
pub async fn passkey_options(AxState(st): AxState<Arc<State>>, form: Result<HalfForm, PageError>) -> Response {
    let form = match form {
        Ok(f) => f,
        Err(PageError(e)) => return e.into_response(),
    };
    let s = &form.session.session;
    if s.factor_ok {
        return axum::Json(serde_json::json!({ "next": "/helpdesk" })).into_response();
    }
    match admin_passkey::start(&st, &form.session.token, s.admin_id, &s.admin_name) {
        Ok(options) => {
            let mut r = axum::Json(options).into_response();
            r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => e.into_response(),
    }
}

/// `POST /helpdesk/factor/passkey`: the browser's answer (field `credential`, JSON).
pub async fn passkey_finish(AxState(st): AxState<Arc<State>>, ClientAddr(client): ClientAddr, form: HalfForm) -> PageResult {
    let s = &form.session.session;
    if s.factor_ok {
        return Ok(Redirect::to("/helpdesk").into_response());
    }
    let credential = form.fields.get("credential").map(String::as_str).unwrap_or("");
    match admin_passkey::finish(&st, &form.session.token, s.admin_id, &s.admin_name, credential, client) {
        Ok(()) => Ok(Redirect::to("/helpdesk").into_response()),
        Err(e) => refused(&st, s, e),
    }
}
