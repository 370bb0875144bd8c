//! The audit log: who did what to whom, appended by every service that changes something.

use crate::error::ServerError;
use rusqlite::Connection;

/// One audit record as the helpdesk page and the admin API show it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Record {
    /// Unix seconds.
    pub at: u64,
    /// Admin name, `api`, `device` or `server`.
    pub actor: String,
    /// Stable action name.
    pub action: String,
    /// Affected user, or empty.
    pub user: String,
    /// Free text (ids, names; never secrets).
    pub detail: String,
}

/// Appends an audit record.
pub fn record(
    conn: &Connection,
    now: u64,
    actor: &str,
    action: &str,
    user: Option<&str>,
    detail: &str,
) -> Result<(), ServerError> {
    conn.execute(
        "INSERT INTO audit (at, actor, action, user_name, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![now as i64, actor, action, user, detail],
    )?;
    Ok(())
}

/// The newest `limit` records, newest first.
pub fn recent(conn: &Connection, limit: u32) -> Result<Vec<Record>, ServerError> {
    let mut q = conn.prepare(
        "SELECT at, actor, action, COALESCE(user_name, ''), detail FROM audit ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = q
        .query_map([limit], |r| {
            Ok(Record { at: r.get::<_, i64>(0)? as u64, actor: r.get(1)?, action: r.get(2)?, user: r.get(3)?, detail: r.get(4)? })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}
