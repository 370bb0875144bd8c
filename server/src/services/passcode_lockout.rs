//! Locking passcode sign-in after wrong passcodes, escalating so guessing never pays.
//!
//! Per user: `max_passcode_failures` wrong passcodes in a row lock passcode sign-in for
//! `lockout_secs`, doubling with each lockout that follows within a day of the last one, up to
//! `lockout_cap_secs`; a right passcode or the helpdesk starts over. Per client address (the
//! `client.ip` the application reports): `client_passcode_failures` wrong passcodes within
//! `client_window_secs`, across users, lock that address out of passcode sign-in for
//! `client_lockout_secs`, so guessing across many users from one place stops too. Every
//! lockout is audited and shown on the helpdesk page, which can lift it.

use super::audit;
use super::throttle::{self, Rule};
use super::users::User;
use crate::config::Limits;
use crate::error::ServerError;
use rusqlite::{Connection, OptionalExtension, params};

/// Seconds after which an earlier lockout no longer makes the next one longer.
const ESCALATION_MEMORY_SECS: u64 = 24 * 3600;

/// Refuses a passcode attempt while the user or the client address is locked out.
pub fn check(conn: &Connection, user: &User, client_ip: Option<&str>, now: u64) -> Result<(), ServerError> {
    if user.locked_until > now {
        return Err(ServerError::LockedOut);
    }
    if let Some(ip) = client_ip
        && throttle::locked(conn, &client_key(ip), now)?
    {
        return Err(ServerError::LockedOut);
    }
    Ok(())
}

/// The lockout that follows `earlier` lockouts in a row (0-based).
pub fn lockout_secs(limits: &Limits, earlier: u32) -> u64 {
    limits.lockout_secs.saturating_mul(1u64 << earlier.min(32)).min(limits.lockout_cap_secs)
}

/// Records a wrong passcode; returns the error to answer with (`E_SRV_LOCKED_OUT` once a limit
/// is reached).
pub fn failed(
    conn: &Connection,
    user: &User,
    client_ip: Option<&str>,
    limits: &Limits,
    now: u64,
    err: ServerError,
) -> Result<ServerError, ServerError> {
    let mut answer = err;
    if let Some(ip) = client_ip
        && client_failed(conn, ip, limits, now)?
    {
        audit::record(conn, now, "api", "passcode_client_locked", Some(&user.name), ip)?;
        answer = ServerError::LockedOut;
    }
    let failures = user.passcode_failures + 1;
    if failures < limits.max_passcode_failures {
        conn.execute("UPDATE users SET passcode_failures = ?1 WHERE id = ?2", params![failures, user.id])?;
        return Ok(answer);
    }
    let earlier: Option<(u32, i64)> = conn
        .query_row("SELECT lockouts, last_at FROM passcode_lockouts WHERE user_id = ?1", [user.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let earlier = match earlier {
        Some((n, last)) if now.saturating_sub(last as u64) < ESCALATION_MEMORY_SECS => n,
        _ => 0,
    };
    let secs = lockout_secs(limits, earlier);
    conn.execute(
        "UPDATE users SET passcode_failures = 0, locked_until = ?1 WHERE id = ?2",
        params![(now + secs) as i64, user.id],
    )?;
    conn.execute(
        "INSERT INTO passcode_lockouts (user_id, lockouts, last_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(user_id) DO UPDATE SET lockouts = excluded.lockouts, last_at = excluded.last_at",
        params![user.id, earlier + 1, now as i64],
    )?;
    let detail = format!("lockout {} for {} min", earlier + 1, secs / 60);
    audit::record(conn, now, "api", "passcode_locked", Some(&user.name), &detail)?;
    Ok(ServerError::LockedOut)
}

/// The failure counter of passcodes from client address `ip` (in `throttle`).
fn client_key(ip: &str) -> String {
    format!("passcode-addr:{ip}")
}

/// Counts a wrong passcode from `ip`; true when it locks the address out.
fn client_failed(conn: &Connection, ip: &str, limits: &Limits, now: u64) -> Result<bool, ServerError> {
    let rule = Rule {
        max_failures: i64::from(limits.client_passcode_failures),
        window_secs: limits.client_window_secs,
        lock_secs: limits.client_lockout_secs,
    };
    throttle::fail(conn, &client_key(ip), rule, now)
}

/// A right passcode: the user's count and escalation start over.
pub fn succeeded(conn: &Connection, user: &User) -> Result<(), ServerError> {
    conn.execute("UPDATE users SET passcode_failures = 0 WHERE id = ?1", [user.id])?;
    conn.execute("DELETE FROM passcode_lockouts WHERE user_id = ?1", [user.id])?;
    Ok(())
}

/// Lifts user `user`'s passcode lockout and its escalation, for `actor` (helpdesk page or admin
/// API), and records it.
pub fn unlock(conn: &Connection, actor: &str, user: &User, now: u64) -> Result<(), ServerError> {
    conn.execute("UPDATE users SET passcode_failures = 0, locked_until = 0 WHERE id = ?1", [user.id])?;
    conn.execute("DELETE FROM passcode_lockouts WHERE user_id = ?1", [user.id])?;
    audit::record(conn, now, actor, "passcode_unlocked", Some(&user.name), "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockouts_double_up_to_the_cap() {
        let l = Limits::default();
        let mins: Vec<u64> = (0..7).map(|n| lockout_secs(&l, n) / 60).collect();
        assert_eq!(mins, [15, 30, 60, 120, 240, 240, 240]);
        assert_eq!(lockout_secs(&l, u32::MAX), l.lockout_cap_secs);
    }
}
