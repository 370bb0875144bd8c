//! The helpdesk admins' own second factor: a TOTP (SHA-1, 6 digits, 30 s) in any authenticator,
//! separate from the users the server protects.
//!
//! An admin without a confirmed factor gets a secret at their first login after the password,
//! kept sealed to their row; the first code they type confirms it. Every later login asks for a
//! code. Codes are checked by the core's verifier with the last accepted step, so a code works
//! once; wrong codes count toward the same pauses as wrong passwords (`admin_login`), so they
//! cannot be guessed endlessly. The server's operator resets a lost factor ([`reset`]).
//! A passkey (`admin_passkey`) is the alternative: an admin who registered one at the first
//! login gets no authenticator secret.

use super::admin_login::{self, count_failure};
use super::audit;
use crate::error::ServerError;
use crate::random::random_bytes;
use crate::state::State;
use crate::storage::seal::{SealKey, Sealed};
use duet_core::otp::verify::{TotpWindow, verify_totp};
use duet_core::otp::{Generator, OtpError, OtpParams};
use duet_core::OtpAccount;
use duet_core::secret::Secret;
use rusqlite::{Connection, OptionalExtension, params};
use std::net::IpAddr;
use zeroize::Zeroizing;

/// Secret length: 160 bits, RFC 4226's recommendation for SHA-1.
const SECRET_LEN: usize = 20;

/// A factor being set up: what the admin adds to their authenticator.
pub struct Enrollment {
    /// The secret in base32, for typing in.
    pub secret_base32: Zeroizing<String>,
    /// The `otpauth://totp/...` URI (issuer = the server's issuer, account = admin name).
    pub uri: Zeroizing<String>,
}

impl std::fmt::Debug for Enrollment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Enrollment { .. }")
    }
}

/// Where an admin's factor stands.
#[derive(Debug)]
pub enum Factor {
    /// A confirmed factor: the login asks for a code.
    Enrolled,
    /// Not confirmed yet: the page shows this and asks for a code to confirm it.
    Enrolling(Enrollment),
    /// None, and none to set up: the admin signs in with a passkey.
    NotUsed,
}

struct Row {
    sealed: Option<Vec<u8>>,
    enrolled: bool,
    last_step: Option<u64>,
}

fn row(conn: &Connection, admin_id: i64) -> Result<Row, ServerError> {
    conn.query_row(
        "SELECT totp_sealed, totp_enrolled, totp_last_step FROM admins WHERE id = ?1",
        [admin_id],
        |r| {
            let last: i64 = r.get(2)?;
            Ok(Row { sealed: r.get(0)?, enrolled: r.get::<_, i64>(1)? != 0, last_step: u64::try_from(last).ok() })
        },
    )
    .optional()?
    .ok_or(ServerError::LoginRequired)
}

fn account(issuer: &str, admin_name: &str, secret: &[u8]) -> OtpAccount {
    OtpAccount {
        issuer: Some(issuer.to_string()),
        name: admin_name.to_string(),
        secret: Secret::new(secret.to_vec()),
        params: OtpParams::totp_default(),
        extra: Vec::new(),
    }
}

fn enrollment(issuer: &str, admin_name: &str, secret: &[u8]) -> Enrollment {
    let secret_base32 = Zeroizing::new(duet_core::uri::encode_secret(&Secret::new(secret.to_vec())));
    Enrollment { secret_base32, uri: Zeroizing::new(duet_core::uri::write(&account(issuer, admin_name, secret))) }
}

fn store_secret(conn: &Connection, seal: &SealKey, admin_id: i64, secret: &[u8], enrolled: bool) -> Result<(), ServerError> {
    let sealed = seal.seal(&Sealed::AdminTotpSecret { admin_id }, secret)?;
    conn.execute(
        "UPDATE admins SET totp_sealed = ?1, totp_enrolled = ?2, totp_last_step = -1 WHERE id = ?3",
        params![sealed, enrolled as i64, admin_id],
    )?;
    Ok(())
}

/// The admin's factor; one not set up yet gets its secret now (kept until confirmed, so a
/// reload shows the same QR code).
pub fn factor(st: &State, admin_id: i64, admin_name: &str) -> Result<Factor, ServerError> {
    let conn = st.db();
    let r = row(&conn, admin_id)?;
    if r.enrolled {
        return Ok(Factor::Enrolled);
    }
    if super::admin_passkey::registered(&conn, admin_id)? {
        return Ok(Factor::NotUsed);
    }
    let secret = match r.sealed {
        Some(s) => st.seal().open(&Sealed::AdminTotpSecret { admin_id }, &s)?,
        None => {
            let s = random_bytes(SECRET_LEN);
            store_secret(&conn, st.seal(), admin_id, &s, false)?;
            s
        }
    };
    Ok(Factor::Enrolling(enrollment(&st.config.issuer, admin_name, &secret)))
}

/// Gives admin `admin_name` a confirmed factor with `secret` (the operator adds it to an
/// authenticator before the first login, `duet serve --admin-factor-file`); audited.
pub fn enroll_with_secret(
    conn: &Connection,
    seal: &SealKey,
    issuer: &str,
    admin_name: &str,
    secret: &[u8],
    now: u64,
) -> Result<Enrollment, ServerError> {
    let id: i64 = conn
        .query_row("SELECT id FROM admins WHERE name = ?1", [admin_name], |r| r.get(0))
        .optional()?
        .ok_or_else(|| unknown_admin(admin_name))?;
    store_secret(conn, seal, id, secret, true)?;
    audit::record(conn, now, "server", "admin_factor_enrolled", None, &format!("admin {admin_name}, from the command line"))?;
    Ok(enrollment(issuer, admin_name, secret))
}

/// A fresh factor secret.
pub fn new_secret() -> Zeroizing<Vec<u8>> {
    random_bytes(SECRET_LEN)
}

/// Checks the second-factor `code` of the half-signed-in session `token` of admin
/// (`admin_id`, `admin_name`) from `client`. On success the session may use the helpdesk (and
/// an unconfirmed factor is confirmed); a wrong or replayed code is audited and counted.
pub fn verify(st: &State, token: &str, admin_id: i64, admin_name: &str, code: &str, client: IpAddr) -> Result<(), ServerError> {
    let conn = st.db();
    let now = st.now();
    if admin_login::paused(&conn, admin_name, client, now)? {
        return Err(ServerError::LoginLocked);
    }
    let r = row(&conn, admin_id)?;
    let sealed = r.sealed.ok_or(ServerError::FactorRequired)?;
    let secret = Secret::new(st.seal().open(&Sealed::AdminTotpSecret { admin_id }, &sealed)?.to_vec());
    let generator = Generator::new(&secret, &OtpParams::totp_default()).map_err(|e| ServerError::Storage(e.to_string()))?;
    let accepted = match verify_totp(&generator, code, now, TotpWindow::default(), r.last_step) {
        Ok(a) => a,
        Err(e) => {
            let (action, refused) = match e {
                OtpError::CodeReplayed => ("admin_factor_reused", ServerError::FactorReused),
                _ => ("admin_factor_failed", ServerError::FactorWrong),
            };
            audit::record(&conn, now, admin_name, action, None, &format!("from {client}"))?;
            let locked = count_failure(&conn, admin_name, client, now)?;
            return Err(if locked { ServerError::LoginLocked } else { refused });
        }
    };
    conn.execute(
        "UPDATE admins SET totp_last_step = ?1, totp_enrolled = 1 WHERE id = ?2",
        params![accepted.step as i64, admin_id],
    )?;
    if !r.enrolled {
        audit::record(&conn, now, admin_name, "admin_factor_enrolled", None, "")?;
    }
    conn.execute("UPDATE sessions SET factor_ok = 1 WHERE token_hash = ?1", [super::keys::secret_hash(token)])?;
    admin_login::passed(&conn, client, now)?;
    audit::record(&conn, now, admin_name, "admin_factor_passed", None, &format!("from {client}"))?;
    Ok(())
}

fn unknown_admin(name: &str) -> ServerError {
    ServerError::Config(format!("there is no admin named {}", name.trim().chars().take(64).collect::<String>()))
}

/// Removes admin `name`'s factor (authenticator and passkeys) and ends their sessions: the next
/// login sets up a new one.
/// The server's operator's way back in after a lost authenticator; audited under `actor`.
pub fn reset(conn: &Connection, actor: &str, name: &str, now: u64) -> Result<(), ServerError> {
    let id: i64 = conn
        .query_row("SELECT id FROM admins WHERE name = ?1", [name.trim()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| unknown_admin(name))?;
    conn.execute("UPDATE admins SET totp_sealed = NULL, totp_enrolled = 0, totp_last_step = -1 WHERE id = ?1", [id])?;
    let passkeys = super::admin_passkey::remove_all(conn, id)?;
    conn.execute("DELETE FROM sessions WHERE admin_id = ?1", [id])?;
    let detail = match passkeys {
        0 => format!("admin {}", name.trim()),
        1 => format!("admin {}, 1 passkey removed", name.trim()),
        n => format!("admin {}, {n} passkeys removed", name.trim()),
    };
    audit::record(conn, now, actor, "admin_factor_reset", None, &detail)?;
    Ok(())
}
