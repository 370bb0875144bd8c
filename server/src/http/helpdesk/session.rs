//! Helpdesk sign-in: the login and logout pages and the extractors every other page uses.
//!
//! [`AdminSession`] resolves the session cookie; [`AdminForm`] does that and checks the
//! form's CSRF token before any other field is read, so no state-changing handler can
//! forget the check. Both refuse a session that passed the password but not the second
//! factor (`factor`): pages redirect to the second-factor page, form posts get
//! `E_SRV_FACTOR_REQUIRED`. [`HalfSession`] and [`HalfForm`] take such sessions, for the
//! second-factor page and sign-out only. The cookie is HttpOnly and SameSite=Strict.

use super::layout::{PageError, PageResult, error_block, layout};
use crate::error::ServerError;
use crate::http::extract::PageForm;
use crate::http::client_addr::ClientAddr;
use crate::services::admin::{self, Session};
use crate::services::admin_login;
use crate::state::State;
use axum::extract::{FromRequest, FromRequestParts, Request, State as AxState};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{Markup, html};
use std::collections::HashMap;
use std::sync::Arc;

/// Name of the session cookie.
pub const COOKIE: &str = "duet_session";

type Form = PageForm<HashMap<String, String>>;

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

/// A live session, whether or not it passed the second factor, and its cookie token; without
/// one the page redirects to the login.
pub struct HalfSession {
    /// The session.
    pub session: Session,
    /// Its cookie token.
    pub token: String,
}

impl FromRequestParts<Arc<State>> for HalfSession {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, st: &Arc<State>) -> Result<Self, PageError> {
        let token = cookie_token(&parts.headers).ok_or(ServerError::LoginRequired)?;
        let session = admin::session(&st.db(), &token, st.now())?.ok_or(ServerError::LoginRequired)?;
        Ok(HalfSession { session, token })
    }
}

/// A signed-in admin who passed both factors; a page without one redirects to the login, or
/// to the second-factor page when only the password passed.
pub struct AdminSession(pub Session);

impl FromRequestParts<Arc<State>> for AdminSession {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, st: &Arc<State>) -> Result<Self, Response> {
        let half = HalfSession::from_request_parts(parts, st).await.map_err(IntoResponse::into_response)?;
        if !half.session.factor_ok {
            return Err(Redirect::to(super::factor::PATH).into_response());
        }
        Ok(AdminSession(half.session))
    }
}

/// A form post of a live session whose CSRF token matched, whether or not it passed the
/// second factor.
pub struct HalfForm {
    /// The session.
    pub session: HalfSession,
    /// The form's fields.
    pub fields: HashMap<String, String>,
}

impl FromRequest<Arc<State>> for HalfForm {
    type Rejection = PageError;
    async fn from_request(req: Request, st: &Arc<State>) -> Result<Self, PageError> {
        let (mut parts, body) = req.into_parts();
        let session = HalfSession::from_request_parts(&mut parts, st).await?;
        let PageForm(fields) = Form::from_request(Request::from_parts(parts, body), st).await?;
        admin::check_csrf(&session.session, fields.get("csrf").map(String::as_str))?;
        Ok(HalfForm { session, fields })
    }
}

/// A state-changing form post of an admin who passed both factors, whose CSRF token matched
/// the session's.
pub struct AdminForm {
    /// The admin's session.
    pub session: Session,
    /// The form's fields.
    pub fields: HashMap<String, String>,
}

impl AdminForm {
    /// A required field, or `E_SRV_BAD_REQUEST`.
    pub fn field(&self, k: &str) -> Result<&str, ServerError> {
        self.fields.get(k).map(String::as_str).ok_or_else(|| ServerError::BadRequest(format!("the field {k} is missing")))
    }
}

impl FromRequest<Arc<State>> for AdminForm {
    type Rejection = PageError;
    async fn from_request(req: Request, st: &Arc<State>) -> Result<Self, PageError> {
        let HalfForm { session, fields } = HalfForm::from_request(req, st).await?;
        if !session.session.factor_ok {
            return Err(ServerError::FactorRequired.into());
        }
        Ok(AdminForm { session: session.session, fields })
    }
}

/// `GET /helpdesk/login`.
pub async fn login_form() -> Html<String> {
    Html(login_markup(None).into_string())
}

fn login_markup(err: Option<&ServerError>) -> Markup {
    layout("Sign in", None, html! {
        @if let Some(e) = err { (error_block(e)) }
        form method="post" action="/helpdesk/login" {
            p { label { "Admin name " input name="name" autocomplete="username" required; } }
            p { label { "Password " input name="password" type="password" autocomplete="current-password" required; } }
            p { button type="submit" { "Sign in" } }
        }
    })
}

/// Login CSRF: there is no session yet whose token a form could carry, so a login post must
/// come from this server's own pages. Browsers say where a post comes from in
/// `Sec-Fetch-Site` (or, older ones, `Origin`); a post that names another site is refused.
/// Programs that send neither header are not browsers and cannot be forged into posting.
fn same_origin(headers: &HeaderMap, public_url: &str) -> Result<(), ServerError> {
    let text = |name: &str| headers.get(name).map(|v| v.to_str().unwrap_or(""));
    if let Some(site) = text("sec-fetch-site") {
        return if site == "same-origin" { Ok(()) } else { Err(ServerError::Csrf) };
    }
    let Some(origin) = text("origin") else { return Ok(()) };
    let own = url::Url::parse(public_url).map(|u| u.origin().ascii_serialization()).map_err(|_| ServerError::Csrf)?;
    if origin.eq_ignore_ascii_case(&own) { Ok(()) } else { Err(ServerError::Csrf) }
}

/// `POST /helpdesk/login`.
pub async fn login(
    AxState(st): AxState<Arc<State>>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    form: Result<Form, ServerError>,
) -> Response {
    let f = match form.and_then(|f| same_origin(&headers, &st.config.public_url).map(|()| f)) {
        Ok(PageForm(f)) => f,
        Err(e) => return (e.status(), Html(login_markup(Some(&e)).into_string())).into_response(),
    };
    let name = f.get("name").map(String::as_str).unwrap_or("");
    let pw = zeroize::Zeroizing::new(f.get("password").cloned().unwrap_or_default());
    let res = admin_login::login(&st, name, &pw, client).await;
    match res {
        Ok(token) => {
            let secure = if st.config.secure_cookies { "; Secure" } else { "" };
            let cookie = format!(
                "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
                admin::SESSION_SECS
            );
            let mut r = Redirect::to(super::factor::PATH).into_response();
            r.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("ascii cookie"));
            r
        }
        Err(e) => (e.status(), Html(login_markup(Some(&e)).into_string())).into_response(),
    }
}

/// `POST /helpdesk/logout`.
pub async fn logout(AxState(st): AxState<Arc<State>>, form: HalfForm) -> PageResult {
    admin::logout(&st.db(), &form.session.token)?;
    let mut r = Redirect::to("/helpdesk/login").into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")).expect("ascii"),
    );
    Ok(r)
}

