//! Applications that call the sign-in API, each with its own API key.
//!
//! A key is `duet_` plus 256 random bits in hex, shown once at creation; the database
//! keeps its SHA-256 ([`super::keys`]).

use super::audit;
use super::keys::{bearer, check_name, new_secret, secret_hash};
use crate::error::ServerError;
use rusqlite::{Connection, OptionalExtension, params};

/// Prefix that makes keys recognisable in secret scanners.
pub const KEY_PREFIX: &str = "duet_";

/// An application row (the admin API's shape too; the key is not part of it).
#[derive(Clone, Debug, serde::Serialize)]
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
    let name = check_name(name, "application")?;
    let key = new_secret(KEY_PREFIX);
    conn.execute(
        "INSERT INTO applications (name, key_hash, created_at) VALUES (?1, ?2, ?3)",
        params![name, secret_hash(&key), now as i64],
    )?;
    let app = App { id: conn.last_insert_rowid(), name: name.to_string(), created_at: now };
    Ok((app, key))
}

/// The application an `Authorization` header value belongs to.
pub fn authenticate(conn: &Connection, header: Option<&str>) -> Result<App, ServerError> {
    let key = bearer(header).ok_or(ServerError::ApiKeyMissing)?;
    conn.query_row(
        "SELECT id, name, created_at FROM applications WHERE key_hash = ?1 AND revoked_at IS NULL",
        [secret_hash(key)],
        |r| Ok(App { id: r.get(0)?, name: r.get(1)?, created_at: r.get::<_, i64>(2)? as u64 }),
    )
    .optional()?
    .ok_or(ServerError::ApiKeyInvalid)
}

/// All live applications.
pub fn list(conn: &Connection) -> Result<Vec<App>, ServerError> {
    let mut st = conn.prepare("SELECT id, name, created_at FROM applications WHERE revoked_at IS NULL ORDER BY id")?;
    let v = st
        .query_map([], |r| Ok(App { id: r.get(0)?, name: r.get(1)?, created_at: r.get::<_, i64>(2)? as u64 }))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(v)
}

/// Creates an application for `actor` (an admin or an admin API key) and records it.
pub fn add(conn: &Connection, actor: &str, name: &str, now: u64) -> Result<(App, String), ServerError> {
    let (app, key) = create(conn, name, now)?;
    audit::record(conn, now, actor, "application_created", None, &app.name)?;
    Ok((app, key))
}

/// Revokes a live application's key for `actor`; `E_SRV_APPLICATION_UNKNOWN` if there is none.
pub fn revoke(conn: &Connection, actor: &str, id: i64, now: u64) -> Result<App, ServerError> {
    let app = list(conn)?.into_iter().find(|a| a.id == id).ok_or(ServerError::ApplicationUnknown)?;
    conn.execute("UPDATE applications SET revoked_at = ?1 WHERE id = ?2", params![now as i64, id])?;
    audit::record(conn, now, actor, "application_revoked", None, &app.name)?;
    Ok(app)
}
