//! duet push protocol v1 endpoints for phones (docs/protocol.md): raw signed bodies in,
//! signed JSON out; the work happens in `services::enrollments` and `services::device_messages`.

use super::client_addr::ClientAddr;
use super::extract::Body;
use crate::error::ServerError;
use crate::services::{device_messages, enrollments};
use crate::state::State;
use crate::verifier::AnswerOutcome;
use axum::Router;
use axum::extract::{Path, State as AxState};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use duet_core::push::endpoints;
use std::sync::Arc;

fn json(body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], body).into_response()
}

fn ok() -> Response {
    json(b"{\"status\":\"ok\"}".to_vec())
}

/// `GET /duet/v1/enrollment/{value}`: the enrollment link for a manual activation code.
async fn lookup(AxState(st): AxState<Arc<State>>, ClientAddr(client): ClientAddr, Path(value): Path<String>) -> Result<Response, ServerError> {
    Ok(json(enrollments::lookup(&st, &value, client)?))
}

/// `POST /duet/v1/register`.
async fn register(AxState(st): AxState<Arc<State>>, Body(body): Body) -> Result<Response, ServerError> {
    Ok(json(enrollments::register(&st, &body)?))
}

/// `POST /duet/v1/poll`.
async fn poll(AxState(st): AxState<Arc<State>>, Body(body): Body) -> Result<Response, ServerError> {
    Ok(json(device_messages::poll(&st, &body)?))
}

/// `POST /duet/v1/answer`.
async fn answer(AxState(st): AxState<Arc<State>>, Body(body): Body) -> Result<Response, ServerError> {
    let s = match device_messages::answer(&st, &body)? {
        AnswerOutcome::Approved => "approved",
        AnswerOutcome::Denied(_) => "denied",
    };
    Ok(json(format!("{{\"status\":\"{s}\"}}").into_bytes()))
}

/// `POST /duet/v1/push-token` and `POST /duet/v1/unenroll`.
async fn device_call(AxState(st): AxState<Arc<State>>, Body(body): Body) -> Result<Response, ServerError> {
    device_messages::device_call(&st, &body)?;
    Ok(ok())
}

/// `POST /duet/v1/rotate-key`: the device replaces its key (signed by old and new key).
async fn rotate_device_key(AxState(st): AxState<Arc<State>>, Body(body): Body) -> Result<Response, ServerError> {
    device_messages::rotate_device_key(&st, &body)?;
    Ok(ok())
}

/// `GET /duet/enroll`: landing page of the tap-to-enroll link. The parameters stay in
/// the URL fragment (never sent to the server); the page hands them to the duet app.
async fn enroll_landing() -> Html<&'static str> {
    Html(concat!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Enroll in duet</title>",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body>",
        "<h1>Enroll this phone in duet</h1><p><a id=\"open\" href=\"#\">Open the duet app</a>.</p>",
        "<p>If nothing happens, install duet first, then tap the link again.</p>",
        "<script src=\"/duet/enroll.js\"></script></body></html>"
    ))
}

/// Device-facing routes.
pub fn routes() -> Router<Arc<State>> {
    Router::new()
        .route(&format!("{}{{value}}", endpoints::ENROLLMENT_LOOKUP), get(lookup))
        .route(endpoints::REGISTER, post(register))
        .route(endpoints::POLL, post(poll))
        .route(endpoints::ANSWER, post(answer))
        .route(endpoints::PUSH_TOKEN, post(device_call))
        .route(endpoints::UNENROLL, post(device_call))
        .route(endpoints::ROTATE_KEY, post(rotate_device_key))
        .route("/duet/enroll", get(enroll_landing))
}
