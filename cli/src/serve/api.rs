//! The sign-in API for applications (`/api/v1/...`), authenticated by API key.
//!
//! `POST /api/v1/signins` starts a sign-in: a push with number matching (the
//! application shows the returned `number` on its sign-in screen) or a passcode
//! check (an offline code from the app, or a helpdesk bypass code).
//! `GET /api/v1/signins/{id}?wait=N` reports its status, waiting up to N seconds
//! (at most 30) for a pending push to be answered.

use super::error::ServerError;
use super::extract::ApiJson;
use super::signin::{self, NewSignin, Status};
use super::{State, apps, bypass, crypto, db, devices, protocol, users};
use axum::Json;
use axum::extract::{Path, Query, State as AxState};
use axum::http::HeaderMap;
use duet_core::secret::Secret;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Context an application passes along, shown on the phone and the helpdesk page.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ClientInfo {
    /// Client IP address.
    #[serde(default)]
    pub ip: Option<String>,
    /// Service or application name.
    #[serde(default)]
    pub app: Option<String>,
    /// Approximate location.
    #[serde(default)]
    pub location: Option<String>,
    /// Browser or device.
    #[serde(default)]
    pub browser: Option<String>,
}

impl ClientInfo {
    fn check(&self) -> Result<(), ServerError> {
        for f in [&self.ip, &self.app, &self.location, &self.browser].into_iter().flatten() {
            if f.len() > 200 || f.chars().any(char::is_control) {
                return Err(ServerError::BadRequest("client fields must be at most 200 printable characters".into()));
            }
        }
        Ok(())
    }
    fn summary(&self) -> String {
        [&self.app, &self.ip, &self.location, &self.browser]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// How to check the second factor.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Push with number matching.
    Push,
    /// Offline passcode or bypass code.
    Passcode,
}

/// Body of `POST /api/v1/signins`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartSignin {
    /// User name (matched case-insensitively, UPN-aware if configured).
    pub user: String,
    /// Push or passcode.
    pub method: Method,
    /// The passcode, for `passcode`.
    #[serde(default)]
    pub passcode: Option<String>,
    /// Context for the phone.
    #[serde(default)]
    pub client: ClientInfo,
}

/// A sign-in as the API reports it.
#[derive(Debug, Serialize)]
pub struct SigninView {
    /// Sign-in id.
    pub id: String,
    /// Status.
    pub status: Status,
    /// Number to show on the sign-in screen (push).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Deadline (unix seconds).
    pub expires_at: u64,
}

impl From<signin::Signin> for SigninView {
    fn from(s: signin::Signin) -> Self {
        SigninView { id: s.id, status: s.status, number: s.number, expires_at: s.expires_at }
    }
}

/// `POST /api/v1/signins`.
pub async fn start(
    AxState(st): AxState<Arc<State>>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StartSignin>,
) -> Result<Json<SigninView>, ServerError> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    let app = apps::authenticate(&st.db(), auth)?;
    body.client.check()?;
    let view = start_for_app(&st, Some(app.id), &body)?;
    st.changed.notify_waiters();
    Ok(Json(view))
}

/// Starts a sign-in on behalf of an application (or the helpdesk, `app_id` None).
pub fn start_for_app(st: &State, app_id: Option<i64>, body: &StartSignin) -> Result<SigninView, ServerError> {
    let now = st.now();
    let conn = st.db();
    let user = users::find(&conn, &body.user, st.config.name_rules)?.ok_or(ServerError::UserUnknown)?;
    let id = crypto::random_token(16);
    let client = body.client.summary();
    if user.service_account {
        // Batch jobs: no second factor, but every use is on the record.
        signin::insert(&conn, &NewSignin {
            id: &id, user_id: user.id, app_id, kind: "service", status: Status::Exempt,
            number: None, request_state: None, client: &client, expires_at: now,
        }, now)?;
        db::audit(&conn, now, "api", "service_account_signin", Some(&user.name), &client)?;
        return Ok(SigninView { id, status: Status::Exempt, number: None, expires_at: now });
    }
    match body.method {
        Method::Push => {
            signin::check_push_allowed(&conn, &user, &st.config.limits, now)?;
            if devices::active_for_user(&conn, user.id)?.is_empty() {
                return Err(ServerError::NoDevice);
            }
            // Signing (one ECDSA signature per device) happens outside the database lock.
            drop(conn);
            let sign_in = protocol::new_request(st, &user, &body.client, now)?;
            let id = sign_in.challenge_id.clone();
            let number = sign_in.number.map(|n| n.to_string()).unwrap_or_default();
            let expires_at = sign_in.expires_at.max(0) as u64;
            let state = serde_json::to_vec(&sign_in).map_err(|e| ServerError::Storage(e.to_string()))?;
            let mut conn = st.db();
            let tx = conn.transaction()?;
            // Check again under the lock: two concurrent pushes must not both pass.
            signin::check_push_allowed(&tx, &user, &st.config.limits, now)?;
            signin::insert(&tx, &NewSignin {
                id: &id, user_id: user.id, app_id, kind: "push", status: Status::Pending,
                number: Some(&number), request_state: Some(&state), client: &client, expires_at,
            }, now)?;
            tx.commit()?;
            Ok(SigninView { id, status: Status::Pending, number: Some(number), expires_at })
        }
        Method::Passcode => {
            let code = body
                .passcode
                .as_deref()
                .filter(|c| !c.trim().is_empty() && c.len() <= 64)
                .ok_or_else(|| ServerError::BadRequest("method passcode needs a passcode of at most 64 characters".into()))?;
            if user.locked_until > now {
                return Err(ServerError::LockedOut);
            }
            let outcome = check_passcode(st, &conn, &user, code, now)?;
            let (status, kind) = match &outcome {
                Ok(kind) => (Status::Approved, *kind),
                Err(_) => (Status::Failed, "passcode"),
            };
            signin::insert(&conn, &NewSignin {
                id: &id, user_id: user.id, app_id, kind, status, number: None,
                request_state: None, client: &client, expires_at: now,
            }, now)?;
            match outcome {
                Ok(kind) => {
                    signin::passcode_ok(&conn, &user)?;
                    if kind == "bypass" {
                        db::audit(&conn, now, "api", "bypass_code_used", Some(&user.name), &client)?;
                    }
                    Ok(SigninView { id, status, number: None, expires_at: now })
                }
                Err(e) => Err(signin::passcode_failed(&conn, &user, &st.config.limits, now, e)?),
            }
        }
    }
}

/// Tries `code` as an offline TOTP passcode of any active device, then as a bypass code.
/// `Ok(Ok(kind))` accepted; `Ok(Err(e))` refused with `e`.
fn check_passcode(
    st: &State,
    conn: &rusqlite::Connection,
    user: &users::User,
    code: &str,
    now: u64,
) -> Result<Result<&'static str, ServerError>, ServerError> {
    use duet_core::otp::{Generator, verify::TotpWindow, verify::verify_totp};
    let mut replayed = false;
    for (device_id, sealed, last) in devices::otp_secrets(conn, user.id)? {
        let raw = st.seal().open(protocol::OTP_SECRET, &sealed)?;
        let secret = Secret::new(raw.to_vec());
        let params = protocol::offline_otp_params();
        let Ok(gen_) = Generator::new(&secret, &params) else { continue };
        let last_step = (last >= 0).then_some(last as u64);
        match verify_totp(&gen_, code, now, TotpWindow::default(), last_step) {
            Ok(acc) => {
                devices::set_last_otp_step(conn, device_id, acc.step)?;
                return Ok(Ok("passcode"));
            }
            Err(duet_core::otp::OtpError::CodeReplayed) => replayed = true,
            Err(_) => {}
        }
    }
    match bypass::check(conn, user.id, code, now)? {
        bypass::BypassCheck::Accepted => Ok(Ok("bypass")),
        _ if replayed => Ok(Err(ServerError::PasscodeReused)),
        _ => Ok(Err(ServerError::PasscodeWrong)),
    }
}

/// Query of `GET /api/v1/signins/{id}`.
#[derive(Debug, Deserialize)]
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
    Query(q): Query<WaitQuery>,
) -> Result<Json<SigninView>, ServerError> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    let app = apps::authenticate(&st.db(), auth)?;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(q.wait.unwrap_or(0).min(30));
    loop {
        // Register interest before reading, so a change between read and wait is not missed.
        let notified = st.changed.notified();
        let s = {
            let conn = st.db();
            signin::expire(&conn, st.now())?;
            signin::get(&conn, &id)?
        };
        let s = s.filter(|s| s.app_id == Some(app.id)).ok_or(ServerError::SigninUnknown)?;
        if s.status != Status::Pending || tokio::time::Instant::now() >= deadline {
            return Ok(Json(s.into()));
        }
        let wake = deadline.min(tokio::time::Instant::now() + std::time::Duration::from_secs(1));
        let _ = tokio::time::timeout_at(wake, notified).await;
    }
}
