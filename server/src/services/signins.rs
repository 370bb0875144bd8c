//! Sign-ins: their records, push-fatigue defences and passcode checks.
//!
//! Push fatigue (an attacker with the password spamming pushes until a tired "yes")
//! is met three ways, each visible on the helpdesk page:
//! - at most one pending push per user (`E_SRV_PUSH_PENDING`);
//! - at most `rate_limit` pushes per user per `rate_window` seconds (`E_SRV_RATE_LIMITED`);
//! - after a `not_me` answer, pushes are muted for `mute_secs` (`E_SRV_PUSH_MUTED`),
//!   20 minutes by default as Duo does;
//! - after a wrong number, pushes pause for a while (`E_SRV_PUSH_SLOWED`, `push_backoff`).

use super::users::User;
use crate::config::Limits;
use crate::error::ServerError;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// Final or current state of a sign-in, as the API and helpdesk report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for the phone.
    Pending,
    /// Approved (push) or accepted (passcode, bypass code).
    Approved,
    /// Denied by mistake.
    Denied,
    /// Denied with `not_me`: reported as fraud.
    Fraud,
    /// No answer before the deadline.
    Expired,
    /// The user typed or picked the wrong number.
    FailedNumber,
    /// Wrong passcode.
    Failed,
    /// A service account, let through without a second factor.
    Exempt,
}

impl Status {
    /// Stable lower-case name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Denied => "denied",
            Status::Fraud => "fraud",
            Status::Expired => "expired",
            Status::FailedNumber => "failed_number",
            Status::Failed => "failed",
            Status::Exempt => "exempt",
        }
    }
    /// Parses a stored name.
    pub fn parse(s: &str) -> Status {
        match s {
            "pending" => Status::Pending,
            "approved" => Status::Approved,
            "denied" => Status::Denied,
            "fraud" => Status::Fraud,
            "expired" => Status::Expired,
            "failed_number" => Status::FailedNumber,
            "exempt" => Status::Exempt,
            _ => Status::Failed,
        }
    }
    /// Words for the helpdesk page.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Denied => "denied",
            Status::Fraud => "denied as fraud",
            Status::Expired => "expired",
            Status::FailedNumber => "failed number",
            Status::Failed => "wrong passcode",
            Status::Exempt => "service account (no 2FA)",
        }
    }
}

/// A sign-in row.
#[derive(Clone, Debug, Serialize)]
pub struct Signin {
    /// Random id (128 bits, hex).
    pub id: String,
    /// User row id.
    #[serde(skip)]
    pub user_id: i64,
    /// Application row id (None for helpdesk test pushes).
    #[serde(skip)]
    pub app_id: Option<i64>,
    /// `push`, `passcode`, `bypass` or `service`.
    pub kind: String,
    /// Current status.
    pub status: Status,
    /// The number to show on the sign-in screen (push with number matching).
    pub number: Option<String>,
    /// Who/where, as the application described it.
    pub client: String,
    /// Created at.
    pub created_at: u64,
    /// Deadline.
    pub expires_at: u64,
    /// When answered.
    pub answered_at: Option<u64>,
    /// Device that answered.
    #[serde(skip)]
    pub device_id: Option<i64>,
}

const COLS: &str = "id, user_id, app_id, kind, status, number, client, created_at, expires_at, answered_at, device_id";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Signin> {
    Ok(Signin {
        id: r.get(0)?,
        user_id: r.get(1)?,
        app_id: r.get(2)?,
        kind: r.get(3)?,
        status: Status::parse(&r.get::<_, String>(4)?),
        number: r.get(5)?,
        client: r.get(6)?,
        created_at: r.get::<_, i64>(7)? as u64,
        expires_at: r.get::<_, i64>(8)? as u64,
        answered_at: r.get::<_, Option<i64>>(9)?.map(|v| v as u64),
        device_id: r.get(10)?,
    })
}

/// Marks pending sign-ins past their deadline as expired.
pub fn expire(conn: &Connection, now: u64) -> Result<(), ServerError> {
    conn.execute(
        "UPDATE signins SET status = 'expired' WHERE status = 'pending' AND expires_at < ?1",
        [now as i64],
    )?;
    Ok(())
}

/// Checks the push-fatigue defences for `user` before a new push.
pub fn check_push_allowed(conn: &Connection, user: &User, limits: &Limits, now: u64) -> Result<(), ServerError> {
    expire(conn, now)?;
    if user.muted_until > now {
        return Err(ServerError::PushMuted);
    }
    if user.slowed_until > now {
        return Err(ServerError::PushSlowed);
    }
    let pending: i64 = conn.query_row(
        "SELECT COUNT(*) FROM signins WHERE user_id = ?1 AND kind = 'push' AND status = 'pending'",
        [user.id],
        |r| r.get(0),
    )?;
    if pending > 0 {
        return Err(ServerError::PushPending);
    }
    let recent: i64 = conn.query_row(
        "SELECT COUNT(*) FROM signins WHERE user_id = ?1 AND kind = 'push' AND created_at > ?2",
        params![user.id, now.saturating_sub(limits.rate_window) as i64],
        |r| r.get(0),
    )?;
    if recent >= i64::from(limits.rate_limit) {
        return Err(ServerError::RateLimited);
    }
    Ok(())
}

/// Data of a new sign-in record.
pub struct NewSignin<'a> {
    /// Id (random, 128 bits hex).
    pub id: &'a str,
    /// User.
    pub user_id: i64,
    /// Calling application.
    pub app_id: Option<i64>,
    /// Kind.
    pub kind: &'a str,
    /// Initial status.
    pub status: Status,
    /// Number for the sign-in screen.
    pub number: Option<&'a str>,
    /// Opaque verifier state of the request.
    pub request_state: Option<&'a [u8]>,
    /// Client description.
    pub client: &'a str,
    /// Deadline.
    pub expires_at: u64,
}

/// Stores a sign-in.
pub fn insert(conn: &Connection, s: &NewSignin<'_>, now: u64) -> Result<(), ServerError> {
    let answered = (s.status != Status::Pending).then_some(now as i64);
    conn.execute(
        "INSERT INTO signins (id, user_id, app_id, kind, status, number, request_state, client, created_at, expires_at, answered_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            s.id, s.user_id, s.app_id, s.kind, s.status.as_str(), s.number, s.request_state,
            s.client, now as i64, s.expires_at as i64, answered
        ],
    )?;
    Ok(())
}

/// Loads a sign-in by id.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Signin>, ServerError> {
    Ok(conn.query_row(&format!("SELECT {COLS} FROM signins WHERE id = ?1"), [id], row).optional()?)
}

/// A sign-in by id as it stands now (expired if past its deadline), or `E_SRV_SIGNIN_UNKNOWN`.
pub fn current(conn: &Connection, id: &str, now: u64) -> Result<Signin, ServerError> {
    expire(conn, now)?;
    get(conn, id)?.ok_or(ServerError::SigninUnknown)
}

/// The opaque verifier state of a sign-in.
pub fn request_state(conn: &Connection, id: &str) -> Result<Option<Vec<u8>>, ServerError> {
    Ok(conn
        .query_row("SELECT request_state FROM signins WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .flatten())
}

/// Pending push sign-ins of a user (what their phones should show).
pub fn pending_for_user(conn: &Connection, user_id: i64, now: u64) -> Result<Vec<Signin>, ServerError> {
    expire(conn, now)?;
    let mut st = conn.prepare(&format!(
        "SELECT {COLS} FROM signins WHERE user_id = ?1 AND kind = 'push' AND status = 'pending' ORDER BY created_at"
    ))?;
    let v = st.query_map([user_id], row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(v)
}

/// Recent sign-ins of a user, newest first.
pub fn recent_for_user(conn: &Connection, user_id: i64, limit: u32) -> Result<Vec<Signin>, ServerError> {
    let mut st = conn.prepare(&format!(
        "SELECT {COLS} FROM signins WHERE user_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT ?2"
    ))?;
    let v = st.query_map(params![user_id, limit], row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(v)
}

/// Closes a pending sign-in with `status`, if it is still pending. Returns false if it
/// was already closed (first valid answer wins).
pub fn close(conn: &Connection, id: &str, status: Status, device_id: Option<i64>, now: u64) -> Result<bool, ServerError> {
    let n = conn.execute(
        "UPDATE signins SET status = ?1, answered_at = ?2, device_id = ?3 WHERE id = ?4 AND status = 'pending'",
        params![status.as_str(), now as i64, device_id, id],
    )?;
    Ok(n == 1)
}

/// Mutes pushes for a user after a fraud report.
pub fn mute(conn: &Connection, user_id: i64, until: u64) -> Result<(), ServerError> {
    conn.execute("UPDATE users SET muted_until = ?1 WHERE id = ?2", params![until as i64, user_id])?;
    Ok(())
}
