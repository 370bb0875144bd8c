//! Helpdesk admins: Argon2id password hashes, login lockout, sessions and CSRF tokens.
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
/// Wrong passwords in a row before the admin is locked.
pub const MAX_LOGIN_FAILURES: i64 = 5;
/// How long a locked admin waits.
pub const LOGIN_LOCK_SECS: u64 = 15 * 60;

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

/// A logged-in helpdesk session.
#[derive(Clone, Debug)]
pub struct Session {
    /// Admin row id.
    pub admin_id: i64,
    /// Admin name (for the audit log).
    pub admin_name: String,
    /// The CSRF token forms must carry.
    pub csrf: String,
}

/// Checks name and password; on success returns the new session's cookie token.
pub fn login(conn: &Connection, name: &str, password: &str, now: u64) -> Result<String, ServerError> {
    let row: Option<(i64, String, i64, i64)> = conn
        .query_row(
            "SELECT id, pw_hash, failures, locked_until FROM admins WHERE name = ?1",
            [name.trim()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((id, phc, failures, locked_until)) = row else {
        // Spend the same time as a real check so names cannot be probed by timing.
        let _ = verify_password(password, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$2E0pZ8v0mDoM4L4k9m9y4S3Yw0J0fJrJ1x7oQ2s1V3k");
        return Err(ServerError::LoginFailed);
    };
    if (locked_until as u64) > now {
        return Err(ServerError::LockedOut);
    }
    if !verify_password(password, &phc) {
        let failures = failures + 1;
        let lock = if failures >= MAX_LOGIN_FAILURES { (now + LOGIN_LOCK_SECS) as i64 } else { 0 };
        let failures = if lock > 0 { 0 } else { failures };
        conn.execute(
            "UPDATE admins SET failures = ?1, locked_until = ?2 WHERE id = ?3",
            params![failures, lock, id],
        )?;
        audit::record(conn, now, name, "admin_login_failed", None, "")?;
        return Err(if lock > 0 { ServerError::LockedOut } else { ServerError::LoginFailed });
    }
    conn.execute("UPDATE admins SET failures = 0, locked_until = 0 WHERE id = ?1", [id])?;
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
            "SELECT s.admin_id, a.name, s.csrf FROM sessions s JOIN admins a ON a.id = s.admin_id
             WHERE s.token_hash = ?1 AND s.expires_at > ?2",
            params![secret_hash(token), now as i64],
            |r| Ok(Session { admin_id: r.get(0)?, admin_name: r.get(1)?, csrf: r.get(2)? }),
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
