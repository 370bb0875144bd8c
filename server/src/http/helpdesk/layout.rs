//! The helpdesk's page frame: layout, error pages (each showing the stable code and the
//! guidance line from the error catalogs) and formatting helpers.

use crate::error::{ServerError, guidance};
use crate::http::extract::ApiPath;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use crate::services::admin::Session;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use duet_core::ErrorCode;
use crate::http::assets;
use maud::{DOCTYPE, Markup, html};

/// A helpdesk error: shown as an HTML page (or a redirect to the login).
pub struct PageError(pub ServerError);

impl From<ServerError> for PageError {
    fn from(e: ServerError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        if matches!(e, ServerError::LoginRequired) {
            return Redirect::to("/helpdesk/login").into_response();
        }
        if let ServerError::Storage(d) = &e {
            eprintln!("duet server: storage error: {d}");
        }
        (e.status(), Html(error_page(&e).into_string())).into_response()
    }
}

/// Path parameters of a page; a value of the wrong type (a non-numeric id) is the coded
/// error page, which never quotes the input.
pub struct PagePath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PagePath<T> {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        let ApiPath(v) = ApiPath::<T>::from_request_parts(parts, state).await?;
        Ok(PagePath(v))
    }
}

/// What a helpdesk handler answers.
pub type PageResult = Result<Response, PageError>;

/// An error's code, sentence and guidance, as a block inside a page.
pub fn error_block(e: &ServerError) -> Markup {
    html! {
        div.error role="alert" {
            p { strong { "Error " code.code { (e.code()) } } ": " (e.to_string()) }
            @if let Some(g) = guidance(e.code()) {
                p.guidance { "What to tell the user: " (g) }
            }
        }
    }
}

fn error_page(e: &ServerError) -> Markup {
    layout("Error", None, html! {
        (error_block(e))
        p { a href="/helpdesk" { "Back to the helpdesk page" } }
    })
}


/// The page frame: title, navigation (with sign-out when signed in) and body.
pub fn layout(title: &str, session: Option<&Session>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · duet helpdesk" }
                link rel="stylesheet" href=(assets::HELPDESK_CSS);
            }
            body {
                nav {
                    a href="/helpdesk" { "duet helpdesk" }
                    @if let Some(s) = session {
                        a href="/helpdesk/audit" { "Audit log" }
                        form.inline method="post" action="/helpdesk/logout" {
                            input type="hidden" name="csrf" value=(s.csrf);
                            button type="submit" { "Sign out " (s.admin_name) }
                        }
                    }
                }
                h1 { (title) }
                (body)
            }
        }
    }
}

/// The hidden CSRF field every form of a signed-in page carries.
pub fn csrf_field(s: &Session) -> Markup {
    html! { input type="hidden" name="csrf" value=(s.csrf); }
}

/// Formats unix seconds as UTC for people.
pub fn when(t: u64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    time::OffsetDateTime::from_unix_timestamp(t as i64)
        .ok()
        .and_then(|d| d.format(&fmt).ok())
        .unwrap_or_else(|| t.to_string())
}

/// A signed-in page, never cached.
pub fn page(title: &str, s: &Session, body: Markup) -> Response {
    let mut r = Html(layout(title, Some(s), body).into_string()).into_response();
    // Pages carry one-time secrets (bypass codes, API keys): never cache them.
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Fallback for unknown paths: a page for people, the JSON error for API and device clients.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    if crate::http::is_machine_path(uri.path()) {
        return ServerError::NotFound.into_response();
    }
    (StatusCode::NOT_FOUND, Html(error_page(&ServerError::NotFound).into_string())).into_response()
}
