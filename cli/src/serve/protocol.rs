//! duet push protocol v1 endpoints (docs/protocol.md) on the core's `verifier`.
//!
//! The verifier holds no storage: this module loads enrollments, devices and sign-ins
//! from SQLite, lets the verifier check and mutate them, and stores them back. Lookup
//! keys taken from unverified bodies (enrollment id, account id, challenge id) only
//! select what to verify against; nothing is stored before the verifier accepted it.

use super::api::ClientInfo;
use super::error::ServerError;
use super::signin::{self, Status};
use super::users::User;
use super::{State, db, devices, keys};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State as AxState};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use duet_core::ErrorCode;
use duet_core::otp::OtpParams;
use duet_core::push::{DenyReason, endpoints};
use duet_core::push::wire::{Envelope, MAX_ENVELOPE_LEN};
use duet_core::secret::Secret;
use duet_core::verifier::{
    self, AnswerOutcome, DeviceCall, DeviceRecord, Enrollment as VEnrollment, MatchMode, SignIn,
    SignInContext, SignInStatus, Verifier, VerifierError,
};
use ring::rand::SystemRandom;
use rusqlite::{OptionalExtension, params};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

const ENROLLMENT_SECRET: &str = "duet-enrollment-secret-v1";
/// Purpose label of sealed offline-passcode secrets.
pub const OTP_SECRET: &str = "duet-device-otp-secret-v1";
/// Digits of the number shown on the sign-in screen (typed on the phone).
pub const MATCH_DIGITS: u8 = 2;
/// How long closed sign-ins stay in poll responses (so other devices learn "answered elsewhere").
const CLOSED_VISIBLE_SECS: u64 = 600;
/// Failed manual-code lookups allowed per minute, server-wide (60-bit codes, but lookups
/// are unauthenticated: this keeps guessing far below any useful rate).
const MAX_FAILED_LOOKUPS_PER_MIN: u64 = 30;

impl From<VerifierError> for ServerError {
    fn from(e: VerifierError) -> Self {
        ServerError::Protocol {
            code: e.code(),
            message: e.to_string(),
            status: StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST),
        }
    }
}

/// An enrollment as the helpdesk page shows it.
pub struct Enrollment {
    /// Enrollment id.
    pub id: String,
    /// Owner.
    pub user_id: i64,
    /// `duet://enroll?…` link (QR code content).
    pub link: String,
    /// `https://…/duet/enroll#…` link (tap to enroll on the phone itself).
    pub https_link: String,
    /// Manual activation code as read out (`host XXXX-XXXX-XXXX-C`).
    pub manual_code: String,
    /// Deadline.
    pub expires_at: u64,
    /// Already used.
    pub used: bool,
}

fn rng() -> SystemRandom {
    SystemRandom::new()
}

/// Creates an enrollment for `user`.
pub fn new_enrollment(st: &State, user: &User) -> Result<Enrollment, ServerError> {
    let now = st.now();
    let kv = st.verifier();
    let e = kv.verifier.create_enrollment(&user.display_name, st.config.enrollment_ttl as i64, true, now as i64, &rng())?;
    let sealed = st.seal().seal(ENROLLMENT_SECRET, e.secret.expose());
    st.db().execute(
        "INSERT INTO enrollments (id, user_id, code, secret_sealed, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![e.id, user.id, e.code, sealed, now as i64, e.expires_at],
    )?;
    Ok(view(&kv.verifier, &e, user.id))
}

fn view(v: &Verifier, e: &VEnrollment, user_id: i64) -> Enrollment {
    let link = v.enrollment_link(e);
    Enrollment {
        id: e.id.clone(),
        user_id,
        link: link.to_duet_uri(),
        https_link: link.to_https_uri(),
        manual_code: v.manual_code(e).map(|c| c.display()).unwrap_or_default(),
        expires_at: e.expires_at.max(0) as u64,
        used: e.used,
    }
}

type EnrollmentRow = (String, i64, Option<String>, Vec<u8>, i64, i64, Option<i64>, String);

fn load_enrollment(st: &State, sql_where: &str, key: &str) -> Result<Option<(VEnrollment, i64)>, ServerError> {
    let row: Option<EnrollmentRow> = st
        .db()
        .query_row(
            &format!(
                "SELECT e.id, e.user_id, e.code, e.secret_sealed, e.created_at, e.expires_at, e.used_at, u.display_name
                 FROM enrollments e JOIN users u ON u.id = e.user_id WHERE {sql_where}"
            ),
            [key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)),
        )
        .optional()?;
    let Some((id, user_id, code, sealed, created_at, expires_at, used_at, user)) = row else { return Ok(None) };
    let secret = Secret::new(st.seal().open(ENROLLMENT_SECRET, &sealed)?.to_vec());
    Ok(Some((VEnrollment { id, secret, user, created_at, expires_at, code, used: used_at.is_some() }, user_id)))
}

/// Loads an enrollment for the helpdesk page.
pub fn enrollment(st: &State, id: &str) -> Result<Option<Enrollment>, ServerError> {
    let kv = st.verifier();
    Ok(load_enrollment(st, "e.id = ?1", id)?.map(|(e, uid)| view(&kv.verifier, &e, uid)))
}

/// The QR code of `text` as an SVG element.
pub fn qr_svg(text: &str) -> Result<String, ServerError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| ServerError::BadRequest(format!("the enrollment link does not fit a QR code: {e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(320, 320)
        .quiet_zone(true)
        .build())
}

/// A key's fingerprint as people compare it (same as the phone shows).
pub fn fingerprint(public_key: &[u8]) -> String {
    duet_core::push::wire::fingerprint(public_key)
}

/// Parameters of the offline passcodes the server issues at registration.
pub fn offline_otp_params() -> OtpParams {
    OtpParams::totp_default()
}

fn otp_uri(issuer: &str, user: &str, secret: &[u8]) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let enc = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
    let b32 = base32::encode(base32::Alphabet::Rfc4648 { padding: false }, secret);
    format!(
        "otpauth://totp/{}:{}?secret={b32}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(user),
        enc(issuer)
    )
}

/// Creates a signed sign-in request for all of `user`'s active devices.
pub fn new_request(st: &State, user: &User, client: &ClientInfo, now: u64) -> Result<SignIn, ServerError> {
    let conn = st.db();
    let mut records = Vec::new();
    for d in devices::active_for_user(&conn, user.id)? {
        records.push(device_record(&conn, d.id)?);
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
        MatchMode::Type { digits: MATCH_DIGITS },
        ttl,
        now as i64,
        &rng(),
    )?)
}

fn device_record(conn: &rusqlite::Connection, id: i64) -> Result<DeviceRecord, ServerError> {
    serde_json::from_slice(&devices::state(conn, id)?)
        .map_err(|e| ServerError::Storage(format!("device {id} state is unreadable: {e}")))
}

/// A raw protocol body: coded 413 when too large.
pub struct Body(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ServerError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let b = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE { ServerError::TooLarge } else { ServerError::BadRequest(e.body_text()) }
        })?;
        if b.len() > MAX_ENVELOPE_LEN {
            return Err(ServerError::TooLarge);
        }
        Ok(Body(b))
    }
}

fn json(body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], body).into_response()
}

struct LookupLimiter {
    minute: AtomicU64,
    failures: AtomicU64,
}

static LOOKUPS: LookupLimiter = LookupLimiter { minute: AtomicU64::new(0), failures: AtomicU64::new(0) };

/// `GET /duet/v1/enrollment/{value}`: the enrollment link for a manual activation code.
async fn lookup(AxState(st): AxState<Arc<State>>, Path(value): Path<String>) -> Result<Response, ServerError> {
    let now = st.now();
    let minute = now / 60;
    if LOOKUPS.minute.swap(minute, Ordering::SeqCst) != minute {
        LOOKUPS.failures.store(0, Ordering::SeqCst);
    }
    if LOOKUPS.failures.load(Ordering::SeqCst) >= MAX_FAILED_LOOKUPS_PER_MIN {
        return Err(ServerError::RateLimited);
    }
    let value = value.to_ascii_uppercase();
    // Compare against every live code in constant time, not through an index lookup.
    let ids: Vec<(String, String)> = {
        let conn = st.db();
        let mut q = conn.prepare(
            "SELECT id, code FROM enrollments WHERE code IS NOT NULL AND used_at IS NULL AND expires_at > ?1",
        )?;
        q.query_map([now as i64], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?
    };
    let hit = ids.into_iter().find(|(_, c)| super::crypto::ct_eq(c.as_bytes(), value.as_bytes()));
    let Some((id, _)) = hit else {
        LOOKUPS.failures.fetch_add(1, Ordering::SeqCst);
        return Err(VerifierError::EnrollmentUnknown.into());
    };
    let (e, _) = load_enrollment(&st, "e.id = ?1", &id)?.ok_or(VerifierError::EnrollmentUnknown)?;
    Ok(json(st.verifier().verifier.enrollment_lookup_response(&e, now as i64)?))
}

/// `POST /duet/v1/register`.
async fn register(AxState(st): AxState<Arc<State>>, Body(body): Body) -> Result<Response, ServerError> {
    let now = st.now();
    let eid = verifier::registration_enrollment_id(&body)?;
    let (mut e, user_id) = load_enrollment(&st, "e.id = ?1", &eid)?.ok_or(VerifierError::EnrollmentUnknown)?;
    let kv = st.verifier();
    let otp_secret = super::crypto::random_bytes(20);
    let uri = otp_uri(&st.config.issuer, &e.user, &otp_secret);
    let (record, resp) = kv.verifier.register(&mut e, &body, now as i64, &rng(), Some(uri))?;
    let state = serde_json::to_vec(&record).map_err(|e| ServerError::Storage(e.to_string()))?;
    let sealed = st.seal().seal(OTP_SECRET, &otp_secret);
    let mut conn = st.db();
    let tx = conn.transaction()?;
    // Only one registration per enrollment, even if two race past the verifier.
    let n = tx.execute(
        "UPDATE enrollments SET used_at = ?1 WHERE id = ?2 AND used_at IS NULL",
        params![now as i64, e.id],
    )?;
    if n != 1 {
        return Err(VerifierError::EnrollmentUsed.into());
    }
    devices::insert(&tx, &devices::NewDevice {
        user_id,
        account_id: &record.account_id,
        state: &state,
        platform: &record.platform,
        label: &record.name,
        otp_secret_sealed: Some(&sealed),
        server_key_id: kv.key_id,
    }, now)?;
    let did = tx.last_insert_rowid();
    devices::touch(&tx, did, now, Some(record.clock_offset_secs))?;
    let uname: String = tx.query_row("SELECT name FROM users WHERE id = ?1", [user_id], |r| r.get(0))?;
    db::audit(&tx, now, "device", "device_enrolled", Some(&uname), &format!("{} ({})", record.name, record.platform))?;
    tx.commit()?;
    Ok(json(resp))
}

/// The active device a device message names, with its verifier record.
fn device_for(st: &State, body: &[u8]) -> Result<(devices::Device, DeviceRecord), ServerError> {
    let aid = verifier::device_message_account_id(body)?;
    let conn = st.db();
    let d = devices::by_account(&conn, &aid)?.ok_or(VerifierError::WrongAccount)?;
    let rec = device_record(&conn, d.id)?;
    Ok((d, rec))
}

/// Phone time minus server time, from a verified message's `ts`.
fn clock_offset(body: &[u8], now: u64) -> Option<i64> {
    let env = Envelope::parse(body)?;
    let v: serde_json::Value = serde_json::from_slice(&env.payload).ok()?;
    v.get("ts")?.as_i64().map(|ts| ts - now as i64)
}

/// `POST /duet/v1/poll`: pending requests, recently closed ones, and any server key rotation.
async fn poll(AxState(st): AxState<Arc<State>>, Body(body): Body) -> Result<Response, ServerError> {
    let now = st.now();
    let (dev, rec) = device_for(&st, &body)?;
    let kv = st.verifier();
    match kv.verifier.verify_device_call(&rec, &body, now as i64)? {
        DeviceCall::Poll => {}
        _ => return Err(VerifierError::WrongType.into()),
    }
    let conn = st.db();
    devices::touch(&conn, dev.id, now, clock_offset(&body, now))?;
    signin::expire(&conn, now)?;
    let states: Vec<Vec<u8>> = {
        let mut q = conn.prepare(
            "SELECT request_state FROM signins WHERE user_id = ?1 AND kind = 'push' AND request_state IS NOT NULL
             AND (status = 'pending' OR answered_at > ?2 OR expires_at > ?2) ORDER BY created_at",
        )?;
        q.query_map(params![dev.user_id, now.saturating_sub(CLOSED_VISIBLE_SECS) as i64], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    };
    let sign_ins: Vec<SignIn> = states.iter().filter_map(|s| serde_json::from_slice(s).ok()).collect();
    let rotation = if dev.server_key_id != kv.key_id {
        let old = keys::by_id(&conn, st.seal(), dev.server_key_id)?
            .ok_or_else(|| ServerError::Storage(format!("server key {} is missing", dev.server_key_id)))?;
        let old_v = Verifier::new(old, &st.config.public_url, &st.config.issuer)?;
        let msg = old_v.server_key_rotation(&rec, &kv.verifier.server_public_key(), now as i64)?;
        // Sent once: the phone applies it from this response (and verifies these requests
        // with the new key), so later polls must not repeat a message signed by the old key.
        devices::set_server_key_id(&conn, dev.id, kv.key_id)?;
        db::audit(&conn, now, "server", "server_key_rotation_sent", None, &dev.account_id)?;
        Some(msg)
    } else {
        None
    };
    Ok(json(Verifier::poll_response(&rec, sign_ins.iter(), rotation.as_deref(), now as i64)))
}

fn status_of(s: SignInStatus) -> Status {
    match s {
        SignInStatus::Pending => Status::Pending,
        SignInStatus::Approved => Status::Approved,
        SignInStatus::Denied(DenyReason::NotMe) => Status::Fraud,
        SignInStatus::Denied(_) => Status::Denied,
        SignInStatus::Failed => Status::FailedNumber,
        SignInStatus::Expired => Status::Expired,
    }
}

/// `POST /duet/v1/answer`: approve or deny; first valid answer wins.
async fn answer(AxState(st): AxState<Arc<State>>, Body(body): Body) -> Result<Response, ServerError> {
    let now = st.now();
    let (dev, rec) = device_for(&st, &body)?;
    let cid = verifier::answer_challenge_id(&body)?;
    let row: Option<(i64, Option<Vec<u8>>)> = st
        .db()
        .query_row("SELECT user_id, request_state FROM signins WHERE id = ?1 AND kind = 'push'", [&cid], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let (uid, state) = row.filter(|(uid, _)| *uid == dev.user_id).ok_or(VerifierError::WrongRequest)?;
    let mut sign_in: SignIn = state
        .and_then(|s| serde_json::from_slice(&s).ok())
        .ok_or_else(|| ServerError::Storage("sign-in state is unreadable".into()))?;
    let before = sign_in.clone();
    let result = st.verifier().verifier.verify_answer(&mut sign_in, &rec, &body, now as i64);
    {
        let mut conn = st.db();
        let tx = conn.transaction()?;
        devices::touch(&tx, dev.id, now, clock_offset(&body, now))?;
        if sign_in != before {
            let json = serde_json::to_vec(&sign_in).map_err(|e| ServerError::Storage(e.to_string()))?;
            tx.execute("UPDATE signins SET request_state = ?1 WHERE id = ?2", params![json, cid])?;
            let status = status_of(sign_in.status);
            if status != Status::Pending && signin::close(&tx, &cid, status, Some(dev.id), now)? && status == Status::Fraud {
                signin::mute(&tx, uid, now + st.config.limits.mute_secs)?;
                let uname: String = tx.query_row("SELECT name FROM users WHERE id = ?1", [uid], |r| r.get(0))?;
                db::audit(&tx, now, "device", "fraud_reported_pushes_muted", Some(&uname), &cid)?;
            }
        }
        tx.commit()?;
    }
    st.changed.notify_waiters();
    let outcome = result?;
    let s = match outcome {
        AnswerOutcome::Approved => "approved",
        AnswerOutcome::Denied(_) => "denied",
    };
    Ok(json(format!("{{\"status\":\"{s}\"}}").into_bytes()))
}

/// `POST /duet/v1/push-token` and `POST /duet/v1/unenroll`.
async fn device_call(AxState(st): AxState<Arc<State>>, Body(body): Body) -> Result<Response, ServerError> {
    let now = st.now();
    let (dev, rec) = device_for(&st, &body)?;
    let call = st.verifier().verifier.verify_device_call(&rec, &body, now as i64)?;
    let conn = st.db();
    devices::touch(&conn, dev.id, now, clock_offset(&body, now))?;
    match call {
        DeviceCall::PushToken { provider, token } => devices::set_push_token(&conn, dev.id, &provider, &token)?,
        DeviceCall::Unenroll => {
            devices::revoke(&conn, dev.user_id, dev.id, now)?;
            db::audit(&conn, now, "device", "device_unenrolled", None, &dev.account_id)?;
        }
        DeviceCall::Poll => return Err(VerifierError::WrongType.into()),
    }
    Ok(json(b"{\"status\":\"ok\"}".to_vec()))
}

/// `POST /duet/v1/rotate-key`: the device replaces its key (signed by old and new key).
async fn rotate_device_key(AxState(st): AxState<Arc<State>>, Body(body): Body) -> Result<Response, ServerError> {
    let now = st.now();
    let (dev, rec) = device_for(&st, &body)?;
    let updated = st.verifier().verifier.verify_device_key_rotation(&rec, &body, now as i64)?;
    let state = serde_json::to_vec(&updated).map_err(|e| ServerError::Storage(e.to_string()))?;
    let conn = st.db();
    devices::set_state(&conn, dev.id, &state)?;
    devices::touch(&conn, dev.id, now, clock_offset(&body, now))?;
    db::audit(&conn, now, "device", "device_key_rotated", None, &dev.account_id)?;
    Ok(json(b"{\"status\":\"ok\"}".to_vec()))
}

/// `GET /duet/enroll`: landing page of the tap-to-enroll link. The parameters stay in
/// the URL fragment (never sent to the server); the page hands them to the duet app.
async fn enroll_landing() -> Html<&'static str> {
    Html(concat!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Enroll in duet</title>",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body>",
        "<h1>Enroll this phone in duet</h1><p><a id=\"open\" href=\"#\">Open the duet app</a>.</p>",
        "<p>If nothing happens, install duet first, then tap the link again.</p>",
        "<script>var q=location.hash.slice(1);var a=document.getElementById('open');",
        "a.href='duet://enroll?'+q;if(q){location.href=a.href;}</script></body></html>"
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
