//! Failure counters behind rate limits and lockouts, kept in the database so they hold for
//! every process on it and survive a restart.

use crate::error::ServerError;
use rusqlite::{Connection, OptionalExtension, params};

/// How many failures a key may collect in a window before it is locked, and for how long.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// Failures allowed in one window; the one that reaches it locks the key.
    pub max_failures: i64,
    /// Window length in seconds.
    pub window_secs: u64,
    /// Lock length in seconds.
    pub lock_secs: u64,
}

/// Counters older than this (longer than any rule's window) and not locked are forgotten, so
/// the table does not grow with every address that ever failed once.
const FORGET_AFTER_SECS: u64 = 3600;

/// Whether `key` is locked at `now`.
pub fn locked(conn: &Connection, key: &str, now: u64) -> Result<bool, ServerError> {
    let until: Option<i64> =
        conn.query_row("SELECT locked_until FROM throttle WHERE key = ?1", [key], |r| r.get(0)).optional()?;
    Ok(until.is_some_and(|u| u as u64 > now))
}

/// Counts one failure of `key`; true when this failure locked it.
pub fn fail(conn: &Connection, key: &str, rule: Rule, now: u64) -> Result<bool, ServerError> {
    let window_open = now.saturating_sub(rule.window_secs) as i64;
    let failures: i64 = conn.query_row(
        "INSERT INTO throttle (key, window_start, failures) VALUES (?1, ?2, 1)
         ON CONFLICT(key) DO UPDATE SET
           failures = CASE WHEN window_start > ?3 THEN failures + 1 ELSE 1 END,
           window_start = CASE WHEN window_start > ?3 THEN window_start ELSE ?2 END
         RETURNING failures",
        params![key, now as i64, window_open],
        |r| r.get(0),
    )?;
    conn.execute(
        "DELETE FROM throttle WHERE window_start < ?1 AND locked_until <= ?2",
        params![now.saturating_sub(FORGET_AFTER_SECS) as i64, now as i64],
    )?;
    if failures < rule.max_failures {
        return Ok(false);
    }
    conn.execute(
        "UPDATE throttle SET failures = 0, window_start = ?2, locked_until = ?3 WHERE key = ?1",
        params![key, now as i64, (now + rule.lock_secs) as i64],
    )?;
    Ok(true)
}

/// Forgets the failures and lock of `key`; true if it was locked.
pub fn clear(conn: &Connection, key: &str, now: u64) -> Result<bool, ServerError> {
    let was = locked(conn, key, now)?;
    conn.execute("DELETE FROM throttle WHERE key = ?1", [key])?;
    Ok(was)
}

/// The locked keys starting with `prefix`.
pub fn locked_keys(conn: &Connection, prefix: &str, now: u64) -> Result<Vec<String>, ServerError> {
    let mut q = conn.prepare("SELECT key FROM throttle WHERE substr(key, 1, length(?1)) = ?1 AND locked_until > ?2")?;
    let keys = q.query_map(params![prefix, now as i64], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Rule = Rule { max_failures: 3, window_secs: 60, lock_secs: 600 };

    #[test]
    fn locks_at_the_limit_within_a_window_and_clears() {
        let conn = crate::storage::db::open(None).unwrap();
        assert!(!fail(&conn, "k", RULE, 1000).unwrap());
        assert!(!fail(&conn, "k", RULE, 1010).unwrap());
        // A new window starts the count again.
        assert!(!fail(&conn, "k", RULE, 1100).unwrap());
        assert!(!fail(&conn, "k", RULE, 1101).unwrap());
        assert!(!locked(&conn, "k", 1101).unwrap());
        assert!(fail(&conn, "k", RULE, 1102).unwrap());
        assert!(locked(&conn, "k", 1102).unwrap() && locked(&conn, "k", 1701).unwrap());
        assert!(!locked(&conn, "k", 1702).unwrap());
        assert!(!locked(&conn, "other", 1102).unwrap());
        assert_eq!(locked_keys(&conn, "k", 1102).unwrap(), vec!["k".to_string()]);
        assert!(clear(&conn, "k", 1102).unwrap());
        assert!(!locked(&conn, "k", 1102).unwrap());
        // Unlocked counters whose window began over an hour ago go when anything fails later.
        fail(&conn, "old", RULE, 2000).unwrap();
        fail(&conn, "recent", RULE, 2002).unwrap();
        fail(&conn, "new", RULE, 2001 + FORGET_AFTER_SECS).unwrap();
        let keys: Vec<String> = conn.prepare("SELECT key FROM throttle ORDER BY key").unwrap().query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
        assert_eq!(keys, ["new", "recent"]);
    }
}
