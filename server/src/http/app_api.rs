//! The sign-in API for applications (`/api/v1/...`), authenticated by API key.
//!
//! `POST /api/v1/signins` starts a sign-in: a push with number matching (the
//! application shows the returned `number` on its sign-in screen) or a passcode
//! check (an offline code from the app, or a helpdesk bypass code).
//! `GET /api/v1/signins/{id}?wait=N` reports its status, waiting up to N seconds
//! (at most 30) for a pending push to be answered.
//! `POST /api/v1/preauth` tells, before any prompt, whether the user is exempt, can be asked for
//! a push or a passcode, has no device (passcodes only) or is unknown.

use super::extract::{ApiJson, ApiQuery};
use crate::error::ServerError;
use crate::services::signin_start::{self, PUSH_MATCHING, SigninView, StartSignin};
use crate::services::signins::{self, Status};
use crate::services::apps;
use crate::services::preauth::{self, Preauth, PreauthView};
use crate::state::State;
use axum::Json;
use axum::extract::{Path, State as AxState};
use axum::http::HeaderMap;
use serde::Deserialize;
use std::sync::Arc;

/// `POST /api/v1/signins`.
pub async fn start(
    AxState(st): AxState<Arc<State>>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StartSignin>,
) -> Result<Json<SigninView>, ServerError> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    let app = apps::authenticate(&st.db(), auth)?;
    let view = signin_start::start(&st, Some(app.id), &body, PUSH_MATCHING)?;
    st.changed.notify_waiters();
    Ok(Json(view))
}

/// `POST /api/v1/preauth`.
pub async fn preauth(
    AxState(st): AxState<Arc<State>>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Preauth>,
) -> Result<Json<PreauthView>, ServerError> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    apps::authenticate(&st.db(), auth)?;
    Ok(Json(preauth::check(&st, &body)?))
}

/// Query of `GET /api/v1/signins/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitQuery {
    /// Seconds to wait for a pending sign-in to change (0..=30).
    #[serde(default)]
    pub wait: Option<u64>,
}

/// `GET /api/v1/signins/{id}`.
pub async fn status(
    AxState(st): AxState<Arc<State>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<WaitQuery>,
) -> Result<Json<SigninView>, ServerError> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    let app = apps::authenticate(&st.db(), auth)?;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(q.wait.unwrap_or(0).min(30));
    loop {
        // Register interest before reading, so a change between read and wait is not missed.
        let notified = st.changed.notified();
        let s = {
            let conn = st.db();
            signins::expire(&conn, st.now())?;
            signins::get(&conn, &id)?
        };
        let s = s.filter(|s| s.app_id == Some(app.id)).ok_or(ServerError::SigninUnknown)?;
        if s.status != Status::Pending || tokio::time::Instant::now() >= deadline {
            return Ok(Json(s.into()));
        }
        let wake = deadline.min(tokio::time::Instant::now() + std::time::Duration::from_secs(1));
        let _ = tokio::time::timeout_at(wake, notified).await;
    }
}
