//! Starting a sign-in for an application (or the helpdesk's test push): a push with number
//! matching, a passcode check (an offline code from the app, or a helpdesk bypass code), or
//! a service account let through on the record.

use super::signins::{self, NewSignin, Status};
use super::users::{self, User};
use super::{audit, bypass, devices, enrollments, passcode_lockout};
use crate::error::ServerError;
use crate::random::random_token;
use crate::state::State;
use crate::storage::seal::Sealed;
use crate::verifier::{self, MatchMode, SignIn, SignInContext};
use duet_core::secret::Secret;
use ring::rand::SystemRandom;
use serde::{Deserialize, Serialize};

/// Digits of the number shown on the sign-in screen (typed on the phone): 3, so a blind guess
/// succeeds once in 900 (docs/server.md, "Push-fatigue defences", has the arithmetic).
pub const MATCH_DIGITS: u8 = 3;
/// How the sign-in API's pushes match numbers: the phone types the number shown.
pub const PUSH_MATCHING: MatchMode = MatchMode::Type { digits: MATCH_DIGITS };

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
    /// Refuses fields the phone could not show as they are: the protocol's shown-text rule
    /// (at most 256 bytes, no control, bidirectional or invisible characters).
    pub fn check(&self) -> Result<(), ServerError> {
        for f in [&self.ip, &self.app, &self.location, &self.browser].into_iter().flatten() {
            if f.is_empty() || !duet_core::push::text::is_display_text(f) {
                return Err(ServerError::BadRequest(
                    "client fields must be 1 to 256 bytes without control, bidirectional or invisible characters".into(),
                ));
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

impl From<signins::Signin> for SigninView {
    fn from(s: signins::Signin) -> Self {
        SigninView { id: s.id, status: s.status, number: s.number, expires_at: s.expires_at }
    }
}

/// Sends a test push to user `user_id` on behalf of `actor` and records it. Service
/// accounts have no second factor, so there is nothing to test.
pub fn test_push(st: &State, actor: &str, user_id: i64) -> Result<SigninView, ServerError> {
    let u = users::get(&st.db(), user_id)?;
    if u.service_account {
        return Err(ServerError::ServiceAccountNoPush);
    }
    let body = StartSignin {
        user: u.name.clone(),
        method: Method::Push,
        passcode: None,
        client: ClientInfo { app: Some("helpdesk test push".into()), ..Default::default() },
    };
    let view = start(st, None, &body, PUSH_MATCHING)?;
    audit::record(&st.db(), st.now(), actor, "test_push_sent", Some(&u.name), &view.id)?;
    Ok(view)
}

/// Starts a sign-in on behalf of an application (or the helpdesk, `app_id` None).
/// A push asks every active device with `matching` (the API uses [`PUSH_MATCHING`]).
pub fn start(st: &State, app_id: Option<i64>, body: &StartSignin, matching: MatchMode) -> Result<SigninView, ServerError> {
    body.client.check()?;
    let now = st.now();
    let conn = st.db();
    let user = users::find(&conn, &body.user, st.config.name_rules)?.ok_or(ServerError::UserUnknown)?;
    let id = random_token(16);
    let client = body.client.summary();
    if user.service_account {
        // Batch jobs: no second factor, but every use is on the record.
        signins::insert(&conn, &NewSignin {
            id: &id, user_id: user.id, app_id, kind: "service", status: Status::Exempt,
            number: None, request_state: None, client: &client, expires_at: now,
        }, now)?;
        audit::record(&conn, now, "api", "service_account_signin", Some(&user.name), &client)?;
        return Ok(SigninView { id, status: Status::Exempt, number: None, expires_at: now });
    }
    match body.method {
        Method::Push => {
            signins::check_push_allowed(&conn, &user, &st.config.limits, now)?;
            if devices::active_for_user(&conn, user.id)?.is_empty() {
                return Err(ServerError::NoDevice);
            }
            // Signing (one ECDSA signature per device) happens outside the database lock.
            drop(conn);
            let sign_in = new_request(st, &user, &body.client, matching, now)?;
            let id = sign_in.challenge_id.clone();
            let number = sign_in.number.map(|n| n.to_string());
            let expires_at = sign_in.expires_at.max(0) as u64;
            let state = serde_json::to_vec(&sign_in).map_err(|e| ServerError::Storage(e.to_string()))?;
            let mut conn = st.db();
            let tx = conn.transaction()?;
            // Check again under the lock: two concurrent pushes must not both pass.
            signins::check_push_allowed(&tx, &user, &st.config.limits, now)?;
            signins::insert(&tx, &NewSignin {
                id: &id, user_id: user.id, app_id, kind: "push", status: Status::Pending,
                number: number.as_deref(), request_state: Some(&state), client: &client, expires_at,
            }, now)?;
            tx.commit()?;
            Ok(SigninView { id, status: Status::Pending, number, expires_at })
        }
        Method::Passcode => {
            let code = body
                .passcode
                .as_deref()
                .filter(|c| !c.trim().is_empty() && c.len() <= 64)
                .ok_or_else(|| ServerError::BadRequest("method passcode needs a passcode of at most 64 characters".into()))?;
            let client_ip = body.client.ip.as_deref();
            passcode_lockout::check(&conn, &user, client_ip, now)?;
            let mut outcome = check_offline_passcode(st, &conn, &user, code, now)?;
            let conn = match bypass::candidate(&conn, user.id, now)? {
                Some(candidate) if outcome.is_err() => {
                    // Argon2 takes tens of milliseconds: never while holding the database.
                    drop(conn);
                    let right = bypass::matches(&candidate, code);
                    let conn = st.db();
                    if bypass::settle(&conn, &candidate, right, now)? {
                        outcome = Ok("bypass");
                    }
                    conn
                }
                _ => conn,
            };
            let (status, kind) = match &outcome {
                Ok(kind) => (Status::Approved, *kind),
                Err(_) => (Status::Failed, "passcode"),
            };
            signins::insert(&conn, &NewSignin {
                id: &id, user_id: user.id, app_id, kind, status, number: None,
                request_state: None, client: &client, expires_at: now,
            }, now)?;
            match outcome {
                Ok(kind) => {
                    passcode_lockout::succeeded(&conn, &user)?;
                    if kind == "bypass" {
                        audit::record(&conn, now, "api", "bypass_code_used", Some(&user.name), &client)?;
                    }
                    Ok(SigninView { id, status, number: None, expires_at: now })
                }
                Err(e) => Err(passcode_lockout::failed(&conn, &user, client_ip, &st.config.limits, now, e)?),
            }
        }
    }
}

/// Tries `code` as an offline TOTP passcode of any active device.
/// `Ok(Ok(kind))` accepted; `Ok(Err(e))` refused with `e`.
fn check_offline_passcode(
    st: &State,
    conn: &rusqlite::Connection,
    user: &User,
    code: &str,
    now: u64,
) -> Result<Result<&'static str, ServerError>, ServerError> {
    use duet_core::otp::{Generator, verify::TotpWindow, verify::verify_totp};
    let mut replayed = false;
    for (device_id, account_id, sealed, last) in devices::otp_secrets(conn, user.id)? {
        let raw = st.seal().open(&Sealed::DeviceOtpSecret { account_id: &account_id, user_id: user.id }, &sealed)?;
        let secret = Secret::new(raw.to_vec());
        let params = enrollments::offline_otp_params();
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
    Ok(Err(if replayed { ServerError::PasscodeReused } else { ServerError::PasscodeWrong }))
}

/// Creates a signed sign-in request for all of `user`'s active devices.
fn new_request(st: &State, user: &User, client: &ClientInfo, matching: MatchMode, now: u64) -> Result<SignIn, ServerError> {
    let conn = st.db();
    let mut records = Vec::new();
    for d in devices::active_for_user(&conn, user.id)? {
        records.push(devices::record(&conn, st.seal(), d.id)?);
    }
    drop(conn);
    if records.is_empty() {
        return Err(ServerError::NoDevice);
    }
    let ctx = SignInContext {
        user: user.display_name.clone(),
        service: client.app.clone().unwrap_or_else(|| st.config.issuer.clone()),
        ip: client.ip.clone(),
        location: client.location.clone(),
        client: client.browser.clone(),
    };
    let ttl = (st.config.limits.push_ttl as i64).min(verifier::MAX_SIGN_IN_TTL_SECS);
    Ok(st.verifier().verifier.create_sign_in(
        &records,
        &ctx,
        matching,
        ttl,
        now as i64,
        &SystemRandom::new(),
    )?)
}
