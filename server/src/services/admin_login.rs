//! Helpdesk login: the password check and its limits.
//!
//! Wrong passwords (and wrong second-factor codes, `admin_factor`) are counted per client address (5 in 15 minutes pause that address) and,
//! more slowly, per admin name from everywhere (50 in 15 minutes pause the name), so one
//! address cannot lock the admins out. Unknown names are counted and answered exactly like
//! real ones, and their password is checked against a dummy hash, so neither the answer nor
//! its timing tells whether a name exists. Argon2 runs on the blocking pool without the
//! database lock, at most [`State::hash_slots`] at a time; paused attempts hash nothing.
//! The counters live in the database (`throttle`), so a restart does not lift them; the
//! server's operator can (`duet admin unlock`, [`unlock`]).

use super::admin::{open_session, verify_password};
use super::throttle::{self, Rule};
use super::{audit, keys::secret_hash};
use crate::error::ServerError;
use crate::state::State;
use rusqlite::{Connection, OptionalExtension};
use std::net::IpAddr;

/// Wrong passwords from one address.
pub const ADDRESS_RULE: Rule = Rule { max_failures: 5, window_secs: 15 * 60, lock_secs: 15 * 60 };
/// Wrong passwords for one name, from every address together.
pub const NAME_RULE: Rule = Rule { max_failures: 50, window_secs: 15 * 60, lock_secs: 15 * 60 };

/// An Argon2id hash (default parameters, like real ones) of a password nobody knows.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$2E0pZ8v0mDoM4L4k9m9y4S3Yw0J0fJrJ1x7oQ2s1V3k";

const ADDRESS_PREFIX: &str = "login-addr:";

fn address_key(addr: IpAddr) -> String {
    format!("{ADDRESS_PREFIX}{addr}")
}

/// Names are matched case-insensitively; the key holds a hash so any typed name fits.
fn name_key(name: &str) -> String {
    format!("login-name:{}", hex::encode(secret_hash(&name.trim().to_lowercase())))
}

/// What an audit record may show of a typed name.
fn shown(name: &str) -> String {
    name.trim().chars().take(64).collect()
}

/// Checks name and password from `client`; on success returns the new session's cookie token.
pub async fn login(st: &std::sync::Arc<State>, name: &str, password: &str, client: IpAddr) -> Result<String, ServerError> {
    let admin: Option<(i64, String)> = {
        let conn = st.db();
        let now = st.now();
        if paused(&conn, name, client, now)? {
            return Err(ServerError::LoginLocked);
        }
        conn.query_row("SELECT id, pw_hash FROM admins WHERE name = ?1", [name.trim()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
    };
    let permit = st.hash_slots.acquire().await.map_err(|_| ServerError::Storage("the server is stopping".into()))?;
    let phc = admin.as_ref().map_or(DUMMY_HASH.to_string(), |(_, h)| h.clone());
    let pw = zeroize::Zeroizing::new(password.to_string());
    let matches = tokio::task::spawn_blocking(move || verify_password(&pw, &phc))
        .await
        .map_err(|_| ServerError::Storage("the password check failed".into()))?;
    drop(permit);
    let conn = st.db();
    let now = st.now();
    match admin {
        Some((id, _)) if matches => {
            passed(&conn, client, now)?;
            open_session(&conn, id, name.trim(), now)
        }
        _ => Err(wrong_password(&conn, name, client, now)?),
    }
}

/// Counts and audits a wrong password for `name` from `client`; returns the error to answer
/// with (`E_SRV_LOGIN_LOCKED` when this one paused the address or the name).
pub fn wrong_password(conn: &Connection, name: &str, client: IpAddr, now: u64) -> Result<ServerError, ServerError> {
    audit::record(conn, now, &shown(name), "admin_login_failed", None, &format!("from {client}"))?;
    Ok(if count_failure(conn, name, client, now)? { ServerError::LoginLocked } else { ServerError::LoginFailed })
}

/// Whether logins of `name` or from `client` are paused.
pub fn paused(conn: &Connection, name: &str, client: IpAddr, now: u64) -> Result<bool, ServerError> {
    Ok(throttle::locked(conn, &address_key(client), now)? || throttle::locked(conn, &name_key(name), now)?)
}

/// A login from `client` passed: its address starts counting afresh.
pub fn passed(conn: &Connection, client: IpAddr, now: u64) -> Result<(), ServerError> {
    throttle::clear(conn, &address_key(client), now)?;
    Ok(())
}

/// Counts a failed login step (wrong password or code) for `name` from `client`; true when
/// this one paused the address or the name (audited).
pub fn count_failure(conn: &Connection, name: &str, client: IpAddr, now: u64) -> Result<bool, ServerError> {
    let who = shown(name);
    let mut locked = false;
    if throttle::fail(conn, &address_key(client), ADDRESS_RULE, now)? {
        audit::record(conn, now, "server", "admin_login_locked", None, &format!("address {client}"))?;
        locked = true;
    }
    if throttle::fail(conn, &name_key(name), NAME_RULE, now)? {
        audit::record(conn, now, "server", "admin_login_locked", None, &format!("name {who}"))?;
        locked = true;
    }
    Ok(locked)
}

/// Lifts the pause of admin `name` and of every paused address (the operator's way back in);
/// returns how many pauses were lifted. Audited under `actor`.
pub fn unlock(conn: &Connection, actor: &str, name: &str, now: u64) -> Result<usize, ServerError> {
    let mut lifted = 0;
    if throttle::clear(conn, &name_key(name), now)? {
        audit::record(conn, now, actor, "admin_login_lock_lifted", None, &format!("name {}", shown(name)))?;
        lifted += 1;
    }
    for key in throttle::locked_keys(conn, ADDRESS_PREFIX, now)? {
        throttle::clear(conn, &key, now)?;
        audit::record(conn, now, actor, "admin_login_lock_lifted", None, &format!("address {}", &key[ADDRESS_PREFIX.len()..]))?;
        lifted += 1;
    }
    Ok(lifted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        let real = super::super::admin::hash_password("anything").unwrap();
        let params = |phc: &str| phc.split('$').nth(3).map(str::to_string);
        assert_eq!(params(DUMMY_HASH), params(&real));
        assert!(argon2::PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password("anything", DUMMY_HASH));
    }
}
