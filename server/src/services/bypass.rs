//! One-time bypass codes (break-glass) a helpdesk agent reads to a user without a phone.
//!
//! Ten random digits, valid for a limited time and a limited number of wrong tries,
//! accepted once. Stored as an Argon2id hash: ten digits are few enough that a leaked
//! fast hash would be brute-forced offline.

use super::admin::{hash_password, verify_password};
use crate::error::ServerError;
use crate::random::random_below;
use crate::state::State;
use rusqlite::{Connection, params};
use zeroize::Zeroizing;

/// Digits in a bypass code.
pub const DIGITS: usize = 10;
/// Default lifetime.
pub const DEFAULT_TTL_SECS: u64 = 3600;
/// Wrong entries before a code is void.
pub const DEFAULT_ATTEMPTS: i64 = 3;

/// Stores `hash` as `user_id`'s bypass code, voiding older unused ones.
fn store(conn: &Connection, user_id: i64, hash: &str, ttl: u64, attempts: i64, now: u64) -> Result<(), ServerError> {
    conn.execute(
        "UPDATE bypass_codes SET attempts_left = 0 WHERE user_id = ?1 AND used_at IS NULL",
        [user_id],
    )?;
    conn.execute(
        "INSERT INTO bypass_codes (user_id, code_hash, expires_at, attempts_left, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![user_id, hash.as_bytes(), (now + ttl) as i64, attempts, now as i64],
    )?;
    Ok(())
}

/// A bypass code just issued: shown once, never logged.
pub struct Issued {
    /// The code to read to the user.
    pub code: Zeroizing<String>,
    /// Deadline (unix seconds).
    pub expires_at: u64,
    /// Wrong tries before the code is void.
    pub attempts: i64,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued").field("code", &"<redacted>").field("expires_at", &self.expires_at).finish()
    }
}

/// Issues a bypass code with the default lifetime and tries to user `user_id` for `actor`
/// and records it. Argon2 takes tens of milliseconds: it runs before the database lock is
/// taken, and callers keep this off the async workers.
pub fn issue_for(st: &State, actor: &str, user_id: i64) -> Result<Issued, ServerError> {
    let code = Zeroizing::new((0..DIGITS).map(|_| char::from(b'0' + random_below(10) as u8)).collect::<String>());
    let hash = hash_password(&code)?;
    let conn = st.db();
    let now = st.now();
    let u = super::users::get(&conn, user_id)?;
    store(&conn, u.id, &hash, DEFAULT_TTL_SECS, DEFAULT_ATTEMPTS, now)?;
    super::audit::record(&conn, now, actor, "bypass_code_issued", Some(&u.name), "")?;
    Ok(Issued { code, expires_at: now + DEFAULT_TTL_SECS, attempts: DEFAULT_ATTEMPTS })
}

/// A user's live bypass code, to check a typed code against.
pub struct Candidate {
    id: i64,
    hash: String,
}

/// The user's live bypass code, if any.
pub fn candidate(conn: &Connection, user_id: i64, now: u64) -> Result<Option<Candidate>, ServerError> {
    let row = conn.query_row(
        "SELECT id, code_hash FROM bypass_codes WHERE user_id = ?1 AND used_at IS NULL
         AND attempts_left > 0 AND expires_at > ?2 ORDER BY id DESC LIMIT 1",
        params![user_id, now as i64],
        |r| Ok(Candidate { id: r.get(0)?, hash: String::from_utf8_lossy(&r.get::<_, Vec<u8>>(1)?).into_owned() }),
    );
    match row {
        Ok(c) => Ok(Some(c)),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Whether `code` (as typed: spaces and hyphens ignored) is `candidate`'s code. Slow (Argon2):
/// call it without holding the database.
pub fn matches(candidate: &Candidate, code: &str) -> bool {
    let typed: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    typed.len() == DIGITS && verify_password(&typed, &candidate.hash)
}

/// Uses up `candidate` when `right`, or takes one attempt from it; true when the code was right
/// and still unused (a parallel check may have used it meanwhile).
pub fn settle(conn: &Connection, candidate: &Candidate, right: bool, now: u64) -> Result<bool, ServerError> {
    if right {
        let n = conn.execute(
            "UPDATE bypass_codes SET used_at = ?1 WHERE id = ?2 AND used_at IS NULL AND attempts_left > 0",
            params![now as i64, candidate.id],
        )?;
        return Ok(n == 1);
    }
    conn.execute("UPDATE bypass_codes SET attempts_left = attempts_left - 1 WHERE id = ?1 AND attempts_left > 0", [candidate.id])?;
    Ok(false)
}
/// The user's live bypass code, if any: (expires_at, attempts_left).
pub fn live(conn: &Connection, user_id: i64, now: u64) -> Result<Option<(u64, i64)>, ServerError> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT expires_at, attempts_left FROM bypass_codes WHERE user_id = ?1 AND used_at IS NULL
             AND attempts_left > 0 AND expires_at > ?2 ORDER BY id DESC LIMIT 1",
            params![user_id, now as i64],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
        )
        .optional()?)
}
