//! Admin API keys: what scripts use instead of a helpdesk login.
//!
//! A key is `duetadm_` plus 256 random bits, shown once; the database keeps its SHA-256
//! ([`super::keys`]), so admin keys and application keys never authenticate for each other
//! (separate tables, separate prefixes). Each key is read-only or read-write. Creating,
//! revoking and using a key is in the audit log.

use super::audit;
use super::keys::{bearer, check_name, new_secret, secret_hash};
use crate::error::ServerError;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// Prefix that makes admin keys recognisable (and distinct from application keys).
pub const KEY_PREFIX: &str = "duetadm_";
/// A key's use is logged at most this often, so reads do not flood the audit log.
pub const USE_LOG_INTERVAL_SECS: u64 = 3600;

/// What a key may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Reads only; every change is refused with `E_SRV_ADMIN_KEY_READ_ONLY`.
    ReadOnly,
    /// Reads and changes.
    ReadWrite,
}

impl Scope {
    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ReadOnly => "read-only",
            Scope::ReadWrite => "read-write",
        }
    }

    /// Parses a stored or typed name.
    pub fn parse(s: &str) -> Result<Scope, ServerError> {
        match s {
            "read-only" => Ok(Scope::ReadOnly),
            "read-write" => Ok(Scope::ReadWrite),
            _ => Err(ServerError::BadRequest("the scope must be read-only or read-write".into())),
        }
    }
}

/// An admin key as listed (never the key itself).
#[derive(Clone, Debug, Serialize)]
pub struct AdminKey {
    /// Row id.
    pub id: i64,
    /// What the key is for.
    pub name: String,
    /// What it may do.
    pub scope: Scope,
    /// Who created it.
    pub created_by: String,
    /// Created at (unix seconds).
    pub created_at: u64,
    /// Last authenticated call.
    pub last_used_at: Option<u64>,
    /// Revoked at.
    pub revoked_at: Option<u64>,
}

impl AdminKey {
    /// The name the audit log gives this key's actions; the id first, since names need
    /// not be unique.
    pub fn actor(&self) -> String {
        format!("admin-key:{}:{}", self.id, self.name)
    }

    /// Refuses changes with a read-only key.
    pub fn require_write(&self) -> Result<(), ServerError> {
        match self.scope {
            Scope::ReadWrite => Ok(()),
            Scope::ReadOnly => Err(ServerError::AdminKeyReadOnly),
        }
    }
}

/// A key just created: the listing and the key, which is shown only now.
pub struct NewKey {
    /// The stored part.
    pub key: AdminKey,
    /// The bearer secret.
    pub secret: Zeroizing<String>,
}

impl std::fmt::Debug for NewKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewKey").field("key", &self.key).field("secret", &"<redacted>").finish()
    }
}

const COLS: &str = "id, name, scope, created_by, created_at, last_used_at, revoked_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AdminKey> {
    let scope: String = r.get(2)?;
    Ok(AdminKey {
        id: r.get(0)?,
        name: r.get(1)?,
        scope: Scope::parse(&scope).unwrap_or(Scope::ReadOnly),
        created_by: r.get(3)?,
        created_at: r.get::<_, i64>(4)? as u64,
        last_used_at: r.get::<_, Option<i64>>(5)?.map(|v| v as u64),
        revoked_at: r.get::<_, Option<i64>>(6)?.map(|v| v as u64),
    })
}

fn by_id(conn: &Connection, id: i64) -> Result<Option<AdminKey>, ServerError> {
    Ok(conn.query_row(&format!("SELECT {COLS} FROM admin_keys WHERE id = ?1"), [id], row).optional()?)
}

/// Creates a key for `actor` (an admin, another admin key or the command line) and records it.
pub fn create(conn: &Connection, actor: &str, name: &str, scope: Scope, now: u64) -> Result<NewKey, ServerError> {
    let name = check_name(name, "admin key")?;
    let secret = Zeroizing::new(new_secret(KEY_PREFIX));
    conn.execute(
        "INSERT INTO admin_keys (name, scope, key_hash, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![name, scope.as_str(), secret_hash(&secret), actor, now as i64],
    )?;
    let key = by_id(conn, conn.last_insert_rowid())?.ok_or(ServerError::AdminKeyUnknown)?;
    audit::record(conn, now, actor, "admin_key_created", None, &format!("{} #{} ({})", key.name, key.id, scope.as_str()))?;
    Ok(NewKey { key, secret })
}

/// The live key an `Authorization` header value carries. Notes the use, and records it in
/// the audit log at most once per [`USE_LOG_INTERVAL_SECS`] per key.
pub fn authenticate(conn: &Connection, header: Option<&str>, now: u64) -> Result<AdminKey, ServerError> {
    let secret = bearer(header).ok_or(ServerError::AdminKeyMissing)?;
    let key = conn
        .query_row(
            &format!("SELECT {COLS} FROM admin_keys WHERE key_hash = ?1 AND revoked_at IS NULL"),
            [secret_hash(secret)],
            row,
        )
        .optional()?
        .ok_or(ServerError::AdminKeyInvalid)?;
    conn.execute("UPDATE admin_keys SET last_used_at = ?1 WHERE id = ?2", params![now as i64, key.id])?;
    if key.last_used_at.is_none_or(|t| now >= t + USE_LOG_INTERVAL_SECS) {
        audit::record(conn, now, &key.actor(), "admin_key_used", None, &format!("#{}", key.id))?;
    }
    Ok(key)
}

/// All keys, revoked ones too (for the record), oldest first.
pub fn list(conn: &Connection) -> Result<Vec<AdminKey>, ServerError> {
    let mut q = conn.prepare(&format!("SELECT {COLS} FROM admin_keys ORDER BY id"))?;
    let v = q.query_map([], row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(v)
}

/// Revokes live key `id` for `actor` and records it. `caller` is the key making the call,
/// if any: a key cannot revoke itself, so a script cannot lock its own operators out.
pub fn revoke(conn: &Connection, actor: &str, id: i64, caller: Option<i64>, now: u64) -> Result<AdminKey, ServerError> {
    let key = by_id(conn, id)?.filter(|k| k.revoked_at.is_none()).ok_or(ServerError::AdminKeyUnknown)?;
    if caller == Some(id) {
        return Err(ServerError::AdminKeySelf);
    }
    conn.execute("UPDATE admin_keys SET revoked_at = ?1 WHERE id = ?2", params![now as i64, id])?;
    audit::record(conn, now, actor, "admin_key_revoked", None, &format!("{} #{}", key.name, key.id))?;
    by_id(conn, id)?.ok_or(ServerError::AdminKeyUnknown)
}
