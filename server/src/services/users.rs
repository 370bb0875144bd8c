//! Users as organisations name them.
//!
//! Names compare case-insensitively (Unicode lower-casing). With UPN matching on,
//! `alice@corp.example` and `CORP\alice`-free `alice` are the same user: the part
//! before the last `@` is the name, as Duo's "username normalization" does.

use super::audit;
use crate::config::NameRules;
use crate::error::ServerError;
use rusqlite::{Connection, OptionalExtension, params};

/// Longest user name in characters (and at most `text::MAX_TEXT_BYTES` bytes).
pub const MAX_NAME_CHARS: usize = 128;

/// The canonical form a user name is stored and looked up under.
pub fn normalize(raw: &str, rules: NameRules) -> Result<String, ServerError> {
    let t = raw.trim();
    let t = if rules.strip_upn_domain {
        match t.rsplit_once('@') {
            Some((local, _domain)) => local,
            None => t,
        }
    } else {
        t
    };
    // Every valid name fits the protocol's shown text (at most 256 bytes, nothing hidden), so
    // enrolling or pushing to a user the server created never fails on the name.
    if t.is_empty() || t.chars().count() > MAX_NAME_CHARS || !duet_core::push::text::is_display_text(t) {
        return Err(ServerError::UserNameInvalid);
    }
    Ok(t.to_lowercase())
}

/// A user row.
#[derive(Clone, Debug)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// Normalised name.
    pub name: String,
    /// Name as first entered.
    pub display_name: String,
    /// Signs in without a second factor (audited).
    pub service_account: bool,
    /// Pushes muted until this time (after a `not_me` answer).
    pub muted_until: u64,
    /// Pushes paused until this time after a wrong number (0 when not paused).
    pub slowed_until: u64,
    /// Consecutive wrong passcodes.
    pub passcode_failures: i64,
    /// Passcode sign-in locked until this time.
    pub locked_until: u64,
}

fn row_to_user(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        display_name: r.get(2)?,
        service_account: r.get::<_, i64>(3)? != 0,
        muted_until: r.get::<_, i64>(4)? as u64,
        passcode_failures: r.get(5)?,
        locked_until: r.get::<_, i64>(6)? as u64,
        slowed_until: r.get::<_, i64>(7)? as u64,
    })
}

const COLS: &str = "id, name, display_name, service_account, muted_until, passcode_failures, locked_until,
    COALESCE((SELECT until FROM push_backoff b WHERE b.user_id = users.id), 0)";

/// Finds a user by (raw) name.
pub fn find(conn: &Connection, raw: &str, rules: NameRules) -> Result<Option<User>, ServerError> {
    let name = normalize(raw, rules)?;
    Ok(conn
        .query_row(&format!("SELECT {COLS} FROM users WHERE name = ?1"), [name], row_to_user)
        .optional()?)
}

/// Finds a user by id.
pub fn by_id(conn: &Connection, id: i64) -> Result<Option<User>, ServerError> {
    Ok(conn
        .query_row(&format!("SELECT {COLS} FROM users WHERE id = ?1"), [id], row_to_user)
        .optional()?)
}

/// All users, by name.
pub fn list(conn: &Connection) -> Result<Vec<User>, ServerError> {
    let mut st = conn.prepare(&format!("SELECT {COLS} FROM users ORDER BY name"))?;
    let rows = st.query_map([], row_to_user)?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Creates a user; fails with `E_SRV_USER_EXISTS` if the normalised name is taken.
pub fn create(
    conn: &Connection,
    raw: &str,
    service_account: bool,
    rules: NameRules,
    now: u64,
) -> Result<User, ServerError> {
    let name = normalize(raw, rules)?;
    if find(conn, &name, NameRules::default())?.is_some() {
        return Err(ServerError::UserExists);
    }
    conn.execute(
        "INSERT INTO users (name, display_name, service_account, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![name, raw.trim(), service_account as i64, now as i64],
    )?;
    let id = conn.last_insert_rowid();
    Ok(by_id(conn, id)?.expect("just inserted"))
}

/// Finds the user or creates an ordinary one (helpdesk "enroll" on a new name).
pub fn find_or_create(conn: &Connection, raw: &str, rules: NameRules, now: u64) -> Result<User, ServerError> {
    match find(conn, raw, rules)? {
        Some(u) => Ok(u),
        None => create(conn, raw, false, rules, now),
    }
}

/// Marks or unmarks a service account (signs in without a second factor, audited).
pub fn set_service_account(conn: &Connection, id: i64, on: bool) -> Result<(), ServerError> {
    conn.execute("UPDATE users SET service_account = ?1 WHERE id = ?2", params![on as i64, id])?;
    Ok(())
}

/// A user by id, or `E_SRV_USER_UNKNOWN`.
pub fn get(conn: &Connection, id: i64) -> Result<User, ServerError> {
    by_id(conn, id)?.ok_or(ServerError::UserUnknown)
}

/// Adds a user (or a service account) for `actor` and records it.
pub fn add(conn: &Connection, actor: &str, raw: &str, service: bool, rules: NameRules, now: u64) -> Result<User, ServerError> {
    let u = create(conn, raw, service, rules, now)?;
    let action = if service { "service_account_created" } else { "user_created" };
    audit::record(conn, now, actor, action, Some(&u.name), "")?;
    Ok(u)
}

/// Marks or unmarks user `id` as a service account for `actor` and records it.
pub fn set_service(conn: &Connection, actor: &str, id: i64, on: bool, now: u64) -> Result<User, ServerError> {
    let u = get(conn, id)?;
    set_service_account(conn, u.id, on)?;
    let action = if on { "service_account_set" } else { "service_account_cleared" };
    audit::record(conn, now, actor, action, Some(&u.name), "")?;
    get(conn, id)
}

/// Lifts user `id`'s passcode lockout (and its escalation), for `actor`, and records it.
pub fn unlock_passcodes(conn: &Connection, actor: &str, id: i64, now: u64) -> Result<User, ServerError> {
    let u = get(conn, id)?;
    super::passcode_lockout::unlock(conn, actor, &u, now)?;
    get(conn, id)
}

/// Lifts the push pause a fraud report or wrong numbers put on user `id`, for `actor`, and
/// records it.
pub fn unmute(conn: &Connection, actor: &str, id: i64, now: u64) -> Result<User, ServerError> {
    let u = get(conn, id)?;
    super::signins::mute(conn, u.id, 0)?;
    super::push_backoff::clear(conn, u.id)?;
    audit::record(conn, now, actor, "push_unmuted", Some(&u.name), "")?;
    get(conn, id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive() {
        let r = NameRules::default();
        assert_eq!(normalize("  Alice ", r).unwrap(), "alice");
        assert_eq!(normalize("ÄRGER", r).unwrap(), "ärger");
        assert_eq!(normalize("alice@corp.example", r).unwrap(), "alice@corp.example");
    }

    #[test]
    fn upn_matches_on_local_part() {
        let r = NameRules { strip_upn_domain: true };
        assert_eq!(normalize("Alice@Corp.Example", r).unwrap(), "alice");
        assert_eq!(normalize("alice", r).unwrap(), "alice");
        assert!(normalize("@corp.example", r).is_err());
    }

    #[test]
    fn bad_names_rejected() {
        let r = NameRules::default();
        assert!(normalize("", r).is_err());
        assert!(normalize("a\nb", r).is_err());
        assert!(normalize(&"x".repeat(129), r).is_err());
    }
}
