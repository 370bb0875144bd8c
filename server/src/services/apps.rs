//! Applications that call the sign-in API, each with its own API key.
//!
//! A key is `duet_` plus 256 random bits in hex, shown once at creation; the database
//! keeps its SHA-256 (a high-entropy key needs no slow hash), looked up by equality.

use crate::error::ServerError;
use crate::random::random_token;
use rusqlite::{Connection, OptionalExtension, params};

/// Prefix that makes keys recognisable in secret scanners.
pub const KEY_PREFIX: &str = "duet_";

/// An application row.
#[derive(Clone, Debug)]
pub struct App {
    /// Row id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Created at (unix seconds).
    pub created_at: u64,
}

/// Creates an application; returns it and its API key (shown only now).
pub fn create(conn: &Connection, name: &str, now: u64) -> Result<(App, String), ServerError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 128 || name.chars().any(char::is_control) {
        return Err(ServerError::BadRequest("the application name must be 1 to 128 printable characters".into()));
    }
    let key = format!("{KEY_PREFIX}{}", random_token(32));
    conn.execute(
        "INSERT INTO applications (name, key_hash, created_at) VALUES (?1, ?2, ?3)",
        params![name, key_hash(&key), now as i64],
    )?;
    let app = App { id: conn.last_insert_rowid(), name: name.to_string(), created_at: now };
    Ok((app, key))
}

/// The application an `Authorization` header value belongs to.
pub fn authenticate(conn: &Connection, header: Option<&str>) -> Result<App, ServerError> {
    let header = header.ok_or(ServerError::ApiKeyMissing)?;
    let key = header
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or(ServerError::ApiKeyMissing)?;
    conn.query_row(
        "SELECT id, name, created_at FROM applications WHERE key_hash = ?1 AND revoked_at IS NULL",
        [key_hash(key)],
        |r| Ok(App { id: r.get(0)?, name: r.get(1)?, created_at: r.get::<_, i64>(2)? as u64 }),
    )
    .optional()?
    .ok_or(ServerError::ApiKeyInvalid)
}

/// What the database keeps of an API key.
fn key_hash(key: &str) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, key.as_bytes()).as_ref().to_vec()
}

/// All live applications.
pub fn list(conn: &Connection) -> Result<Vec<App>, ServerError> {
    let mut st = conn.prepare("SELECT id, name, created_at FROM applications WHERE revoked_at IS NULL ORDER BY id")?;
    let v = st
        .query_map([], |r| Ok(App { id: r.get(0)?, name: r.get(1)?, created_at: r.get::<_, i64>(2)? as u64 }))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(v)
}

/// Revokes an application's key.
pub fn revoke(conn: &Connection, id: i64, now: u64) -> Result<(), ServerError> {
    conn.execute("UPDATE applications SET revoked_at = ?1 WHERE id = ?2", params![now as i64, id])?;
    Ok(())
}
