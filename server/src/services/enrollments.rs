//! Enrollments: created on the helpdesk page, looked up by manual code, used once by a
//! phone's registration.
//!
//! Lookup keys taken from unverified bodies (the enrollment id) only select what to verify
//! against; nothing is stored before the verifier accepted the registration.

use super::{audit, devices};
use crate::error::ServerError;
use crate::random::random_bytes;
use crate::services::users::User;
use crate::state::State;
use crate::verifier::{self, Enrollment as VEnrollment, Verifier, VerifierError};
use duet_core::otp::OtpParams;
use duet_core::secret::Secret;
use ring::rand::SystemRandom;
use rusqlite::{OptionalExtension, params};
use subtle::ConstantTimeEq;

const ENROLLMENT_SECRET: &str = "duet-enrollment-secret-v1";
/// Purpose label of sealed offline-passcode secrets.
pub const OTP_SECRET: &str = "duet-device-otp-secret-v1";

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

/// Creates an enrollment for `user`.
pub fn create(st: &State, user: &User) -> Result<Enrollment, ServerError> {
    let now = st.now();
    let kv = st.verifier();
    let e = kv.verifier.create_enrollment(&user.display_name, st.config.enrollment_ttl as i64, true, now as i64, &SystemRandom::new())?;
    let sealed = st.seal().seal(ENROLLMENT_SECRET, e.secret.expose())?;
    st.db().execute(
        "INSERT INTO enrollments (id, user_id, code, secret_sealed, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![e.id, user.id, e.code, sealed, now as i64, e.expires_at],
    )?;
    Ok(view(&kv.verifier, &e, user.id))
}

/// Starts an enrollment for user `user_id` on behalf of `actor` and records it.
pub fn start(st: &State, actor: &str, user_id: i64) -> Result<Enrollment, ServerError> {
    let u = super::users::get(&st.db(), user_id)?;
    let e = create(st, &u)?;
    audit::record(&st.db(), st.now(), actor, "enrollment_created", Some(&u.name), &e.id)?;
    Ok(e)
}

/// Cancels an unused enrollment for `actor` and records it: its link and manual code stop
/// working at once. Used or unknown enrollments are `E_SRV_ENROLLMENT_UNKNOWN`.
pub fn cancel(st: &State, actor: &str, id: &str) -> Result<Enrollment, ServerError> {
    let now = st.now();
    let conn = st.db();
    let user: Option<String> = conn
        .query_row(
            "SELECT u.name FROM enrollments e JOIN users u ON u.id = e.user_id WHERE e.id = ?1 AND e.used_at IS NULL",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let user = user.ok_or(ServerError::EnrollmentUnknown)?;
    // One second in the past: lookups and registrations both treat it as expired.
    conn.execute(
        "UPDATE enrollments SET expires_at = MIN(expires_at, ?1) WHERE id = ?2",
        params![now.saturating_sub(1) as i64, id],
    )?;
    audit::record(&conn, now, actor, "enrollment_cancelled", Some(&user), id)?;
    drop(conn);
    get(st, id)?.ok_or(ServerError::EnrollmentUnknown)
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

fn load(st: &State, id: &str) -> Result<Option<(VEnrollment, i64)>, ServerError> {
    let row: Option<EnrollmentRow> = st
        .db()
        .query_row(
            "SELECT e.id, e.user_id, e.code, e.secret_sealed, e.created_at, e.expires_at, e.used_at, u.display_name
             FROM enrollments e JOIN users u ON u.id = e.user_id WHERE e.id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)),
        )
        .optional()?;
    let Some((id, user_id, code, sealed, created_at, expires_at, used_at, user)) = row else { return Ok(None) };
    let secret = Secret::new(st.seal().open(ENROLLMENT_SECRET, &sealed)?.to_vec());
    Ok(Some((VEnrollment { id, secret, user, created_at, expires_at, code, used: used_at.is_some() }, user_id)))
}

/// Loads an enrollment for the helpdesk page.
pub fn get(st: &State, id: &str) -> Result<Option<Enrollment>, ServerError> {
    let kv = st.verifier();
    Ok(load(st, id)?.map(|(e, uid)| view(&kv.verifier, &e, uid)))
}

/// The enrollment link for a manual activation code (`GET /duet/v1/enrollment/{value}`),
/// looked up from `client` (wrong codes are limited, `lookup_limits`).
pub fn lookup(st: &State, value: &str, client: std::net::IpAddr) -> Result<Vec<u8>, ServerError> {
    let now = st.now();
    super::lookup_limits::check(&st.db(), client, now)?;
    let value = value.to_ascii_uppercase();
    // Compare against every live code in constant time, not through an index lookup.
    let ids: Vec<(String, String)> = {
        let conn = st.db();
        let mut q = conn.prepare(
            "SELECT id, code FROM enrollments WHERE code IS NOT NULL AND used_at IS NULL AND expires_at > ?1",
        )?;
        q.query_map([now as i64], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?
    };
    let hit = ids.into_iter().find(|(_, c)| bool::from(c.as_bytes().ct_eq(value.as_bytes())));
    let Some((id, _)) = hit else {
        super::lookup_limits::failed(&st.db(), client, now)?;
        return Err(VerifierError::EnrollmentUnknown.into());
    };
    let (e, _) = load(st, &id)?.ok_or(VerifierError::EnrollmentUnknown)?;
    Ok(st.verifier().verifier.enrollment_lookup_response(&e, now as i64)?)
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

/// A phone's registration (`POST /duet/v1/register`): uses the enrollment once, stores the
/// device and its offline passcode secret; returns the signed response.
pub fn register(st: &State, body: &[u8]) -> Result<Vec<u8>, ServerError> {
    let now = st.now();
    let eid = verifier::registration_enrollment_id(body)?;
    let (mut e, user_id) = load(st, &eid)?.ok_or(VerifierError::EnrollmentUnknown)?;
    let kv = st.verifier();
    let otp_secret = random_bytes(20);
    let uri = otp_uri(&st.config.issuer, &e.user, &otp_secret);
    let (record, resp) = kv.verifier.register(&mut e, body, now as i64, &SystemRandom::new(), Some(uri))?;
    let state = serde_json::to_vec(&record).map_err(|e| ServerError::Storage(e.to_string()))?;
    let sealed = st.seal().seal(OTP_SECRET, &otp_secret)?;
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
    let did = devices::insert(&tx, &devices::NewDevice {
        user_id,
        account_id: &record.account_id,
        state: &state,
        platform: &record.platform,
        label: &record.name,
        otp_secret_sealed: Some(&sealed),
        server_key_id: kv.key_id,
    }, now)?;
    devices::touch(&tx, did, now, Some(record.clock_offset_secs))?;
    let uname: String = tx.query_row("SELECT name FROM users WHERE id = ?1", [user_id], |r| r.get(0))?;
    audit::record(&tx, now, "device", "device_enrolled", Some(&uname), &format!("{} ({})", record.name, record.platform))?;
    tx.commit()?;
    Ok(resp)
}
