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
use crate::storage::server_key;
use crate::storage::seal::Sealed;
use crate::verifier::{self, Enrollment as VEnrollment, Verifier, VerifierError};
use duet_core::otp::OtpParams;
use duet_core::secret::Secret;
use ring::rand::SystemRandom;
use rusqlite::{OptionalExtension, params};

/// Purpose of the keyed hash that finds an enrollment by its manual code.
pub const CODE_TAG: &str = "duet-enrollment-code-lookup-v1";
/// Lookups one manual code answers (a phone needs one; a few more allow for a lost answer).
pub const CODE_LOOKUPS: i64 = 3;

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
    /// The device that registered with it.
    pub device_id: Option<i64>,
}

/// Creates an enrollment for `user`.
pub fn create(st: &State, user: &User) -> Result<Enrollment, ServerError> {
    let now = st.now();
    let kv = st.verifier();
    let e = kv.verifier.create_enrollment(&user.display_name, st.config.enrollment_ttl as i64, true, now as i64, &SystemRandom::new())?;
    let seal = st.seal();
    let sealed = seal.seal(&Sealed::EnrollmentSecret { id: &e.id, user_id: user.id }, e.secret.expose())?;
    // The code is a bearer secret until used: the database holds a keyed hash to find it and a
    // sealed copy for the helpdesk page, never the code itself.
    let code = e.code.as_deref().unwrap_or_default();
    let code_hash = e.code.as_ref().map(|c| seal.tag(CODE_TAG, c.as_bytes()));
    let code_sealed = e.code.as_ref().map(|c| seal.seal(&Sealed::EnrollmentCode { id: &e.id, user_id: user.id }, c.as_bytes())).transpose()?;
    st.db().execute(
        "INSERT INTO enrollments (id, user_id, code_hash, code_sealed, lookups_left, secret_sealed, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![e.id, user.id, code_hash, code_sealed, if code.is_empty() { 0 } else { CODE_LOOKUPS }, sealed, now as i64, e.expires_at],
    )?;
    Ok(view(&kv.verifier, &e, user.id, None))
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

fn view(v: &Verifier, e: &VEnrollment, user_id: i64, device_id: Option<i64>) -> Enrollment {
    let link = v.enrollment_link(e);
    Enrollment {
        id: e.id.clone(),
        user_id,
        link: link.to_duet_uri(),
        https_link: link.to_https_uri(),
        manual_code: v.manual_code(e).map(|c| c.display()).unwrap_or_default(),
        expires_at: e.expires_at.max(0) as u64,
        used: e.used,
        device_id,
    }
}

/// An enrollment as stored: the verifier's view, its user and the device that used it.
struct Stored {
    enrollment: VEnrollment,
    user_id: i64,
    device_id: Option<i64>,
}

type EnrollmentRow = (String, i64, Option<Vec<u8>>, Vec<u8>, i64, i64, Option<i64>, String, Option<i64>);

fn load(st: &State, id: &str) -> Result<Option<Stored>, ServerError> {
    let row: Option<EnrollmentRow> = st
        .db()
        .query_row(
            "SELECT e.id, e.user_id, e.code_sealed, e.secret_sealed, e.created_at, e.expires_at, e.used_at, u.display_name, e.device_id
             FROM enrollments e JOIN users u ON u.id = e.user_id WHERE e.id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?)),
        )
        .optional()?;
    let Some((id, user_id, code_sealed, sealed, created_at, expires_at, used_at, user, device_id)) = row else { return Ok(None) };
    let seal = st.seal();
    let secret = Secret::new(seal.open(&Sealed::EnrollmentSecret { id: &id, user_id }, &sealed)?.to_vec());
    let code = match code_sealed {
        Some(c) => {
            let plain = seal.open(&Sealed::EnrollmentCode { id: &id, user_id }, &c)?;
            Some(String::from_utf8(plain.to_vec()).map_err(|_| ServerError::KeyUnseal)?)
        }
        None => None,
    };
    let enrollment = VEnrollment { id, secret, user, created_at, expires_at, code, used: used_at.is_some() };
    Ok(Some(Stored { enrollment, user_id, device_id }))
}

/// Loads an enrollment for the helpdesk page.
pub fn get(st: &State, id: &str) -> Result<Option<Enrollment>, ServerError> {
    let kv = st.verifier();
    Ok(load(st, id)?.map(|s| view(&kv.verifier, &s.enrollment, s.user_id, s.device_id)))
}

/// The enrollment link for a manual activation code (`GET /duet/v1/enrollment/{value}`),
/// looked up from `client` (wrong codes are limited, `lookup_limits`).
pub fn lookup(st: &State, value: &str, client: std::net::IpAddr) -> Result<Vec<u8>, ServerError> {
    let now = st.now();
    super::lookup_limits::check(&st.db(), client, now)?;
    let value = value.to_ascii_uppercase();
    // The keyed hash is found by the database; timing tells nothing about codes an attacker
    // cannot hash. Each code answers a few lookups and none once used.
    let tag = st.seal().tag(CODE_TAG, value.as_bytes());
    let id: Option<String> = st
        .db()
        .query_row(
            "UPDATE enrollments SET lookups_left = lookups_left - 1
             WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2 AND lookups_left > 0 RETURNING id",
            params![tag, now as i64],
            |r| r.get(0),
        )
        .optional()?;
    let Some(id) = id else {
        super::lookup_limits::failed(&st.db(), client, now)?;
        return Err(VerifierError::EnrollmentUnknown.into());
    };
    let stored = load(st, &id)?.ok_or(VerifierError::EnrollmentUnknown)?;
    Ok(st.verifier().verifier.enrollment_lookup_response(&stored.enrollment, now as i64)?)
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
    let names = verifier::registration_lookup(body)?;
    let Stored { enrollment: mut e, user_id, .. } = load(st, &names.enrollment_id)?.ok_or(VerifierError::EnrollmentUnknown)?;
    // The phone verifies the answer with the key its link carried: if the server key was
    // rotated since the link was shown, that older key signs, and the phone's first poll brings
    // the rotation. A key this server never had is refused before anything is stored.
    let kv = st.verifier();
    let (key_id, signer) = if names.server_key == kv.verifier.server_public_key() {
        (kv.key_id, None)
    } else {
        let (id, old) = server_key::by_public_key(&st.db(), st.seal(), &names.server_key)?.ok_or(VerifierError::ServerKeyUnknown)?;
        // Only a key the enrollment can have carried: one still current when it was created.
        let retired_at: Option<i64> = st.db().query_row("SELECT retired_at FROM server_keys WHERE id = ?1", [id], |r| r.get(0))?;
        if retired_at.is_some_and(|r| r < e.created_at) {
            return Err(VerifierError::ServerKeyUnknown.into());
        }
        (id, Some(Verifier::new(old, &st.config.public_url, &st.config.issuer)?))
    };
    let verifier = signer.as_ref().unwrap_or(&kv.verifier);
    let otp_secret = random_bytes(20);
    let uri = Secret::new(otp_uri(&st.config.issuer, &e.user, &otp_secret).into_bytes());
    let (record, resp) = verifier.register(&mut e, body, now as i64, &SystemRandom::new(), Some(&uri))?;
    let state = devices::seal_record(st.seal(), &record, user_id)?;
    let sealed = st.seal().seal(&Sealed::DeviceOtpSecret { account_id: &record.account_id, user_id }, &otp_secret)?;
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
        server_key_id: key_id,
    }, now)?;
    devices::touch(&tx, did, now, Some(record.clock_offset_secs))?;
    tx.execute("UPDATE enrollments SET device_id = ?1 WHERE id = ?2", params![did, e.id])?;
    let uname: String = tx.query_row("SELECT name FROM users WHERE id = ?1", [user_id], |r| r.get(0))?;
    audit::record(&tx, now, "device", "device_enrolled", Some(&uname), &format!("{} ({})", record.name, record.platform))?;
    tx.commit()?;
    Ok(resp)
}
