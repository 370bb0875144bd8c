//! Helpdesk admins: Argon2id password hashes, sessions and CSRF tokens (the login and its
//! limits are `admin_login`).
//!
//! A session cookie holds 256 random bits; the database keeps only its SHA-256, so a
//! leaked database does not let anyone ride a session. Each session has its own CSRF
//! token that every form post must echo (synchronizer-token pattern) on top of the
//! `SameSite=Strict` cookie.

use super::audit;
use super::keys::secret_hash;
use crate::error::ServerError;
use crate::random::{random_bytes, random_token};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rusqlite::{Connection, OptionalExtension, params};
use subtle::ConstantTimeEq;

/// How long a helpdesk session lasts.
pub const SESSION_SECS: u64 = 8 * 3600;
/// Hashes a password with Argon2id (the crate's default parameters: 19 MiB, t=2, p=1,
/// the OWASP minimum) and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, ServerError> {
    let salt_bytes = random_bytes(16);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| ServerError::Config(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServerError::Config(e.to_string()))
}

/// Checks a password against a PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => Argon2::default().verify_password(password.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// Creates the first admin if there is none yet. Returns true if one was created.
pub fn ensure_first_admin(conn: &Connection, name: &str, password: &str, now: u64) -> Result<bool, ServerError> {
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM admins", [], |r| r.get(0))?;
    if n > 0 {
        return Ok(false);
    }
    if password.chars().count() < 8 {
        return Err(ServerError::Config("the admin password must be at least 8 characters".into()));
    }
    let phc = hash_password(password)?;
    conn.execute(
        "INSERT INTO admins (name, pw_hash, created_at) VALUES (?1, ?2, ?3)",
        params![name, phc, now as i64],
    )?;
    Ok(true)
}

/// A helpdesk session: signed in with the password, and with the second factor once
/// `factor_ok`.
#[derive(Clone, Debug)]
pub struct Session {
    /// Admin row id.
    pub admin_id: i64,
    /// Admin name (for the audit log).
    pub admin_name: String,
    /// The CSRF token forms must carry.
    pub csrf: String,
    /// Whether the session passed the second factor (`admin_factor`), not only the password.
    pub factor_ok: bool,
}

/// Sessions are made only by [`super::admin_login`]; this stores one for admin `id`.
pub(super) fn open_session(conn: &Connection, id: i64, name: &str, now: u64) -> Result<String, ServerError> {
    let token = random_token(32);
    conn.execute(
        "INSERT INTO sessions (token_hash, admin_id, csrf, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![secret_hash(&token), id, random_token(32), (now + SESSION_SECS) as i64],
    )?;
    conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now as i64])?;
    audit::record(conn, now, name, "admin_login", None, "")?;
    Ok(token)
}

/// The live session for a cookie token, if any.
pub fn session(conn: &Connection, token: &str, now: u64) -> Result<Option<Session>, ServerError> {
    Ok(conn
        .query_row(
            "SELECT s.admin_id, a.name, s.csrf, s.factor_ok FROM sessions s JOIN admins a ON a.id = s.admin_id
             WHERE s.token_hash = ?1 AND s.expires_at > ?2",
            params![secret_hash(token), now as i64],
            |r| Ok(Session { admin_id: r.get(0)?, admin_name: r.get(1)?, csrf: r.get(2)?, factor_ok: r.get::<_, i64>(3)? != 0 }),
        )
        .optional()?)
}

/// Ends a session.
pub fn logout(conn: &Connection, token: &str) -> Result<(), ServerError> {
    conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [secret_hash(token)])?;
    Ok(())
}

/// Checks a posted CSRF token against the session's.
pub fn check_csrf(session: &Session, posted: Option<&str>) -> Result<(), ServerError> {
    match posted {
        Some(p) if bool::from(p.as_bytes().ct_eq(session.csrf.as_bytes())) => Ok(()),
        _ => Err(ServerError::Csrf),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_round_trip() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
    }
}
