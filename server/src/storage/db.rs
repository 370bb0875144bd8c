//! The server's SQLite database: schema and opening.
//!
//! One connection behind a mutex: SQLite serialises writers anyway, and every
//! statement here is a short indexed lookup, so handlers hold the lock for
//! microseconds (measured by the load test, docs/performance.md "Server").

use crate::error::ServerError;
use rusqlite::Connection;
use std::path::Path;

/// Current schema version, stored in `PRAGMA user_version`. A new database gets it at once; an
/// older one is brought up to it by `storage::migrate` when the server starts (it needs the key
/// file to re-seal values). New tables need no migration step: the schema below creates whatever
/// is missing on every open. Schema 3 added the admins' passkeys: a duet older than that would
/// not know an admin has one and would offer a password-only session a new authenticator, so the
/// version keeps it from opening such a database.
pub const SCHEMA_VERSION: i64 = 3;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS admins (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  pw_hash TEXT NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  totp_sealed BLOB,
  totp_enrolled INTEGER NOT NULL DEFAULT 0,
  totp_last_step INTEGER NOT NULL DEFAULT -1
);
-- factor_ok: the session passed the second factor, not only the password.
CREATE TABLE IF NOT EXISTS sessions (
  token_hash BLOB PRIMARY KEY,
  admin_id INTEGER NOT NULL REFERENCES admins(id),
  csrf TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  factor_ok INTEGER NOT NULL DEFAULT 0
);
-- An admin's passkeys and security keys (WebAuthn): passkey is webauthn-rs's stored credential
-- (public key, counter, backup state) as JSON, sealed to the admin and credential id.
CREATE TABLE IF NOT EXISTS admin_passkeys (
  id INTEGER PRIMARY KEY,
  admin_id INTEGER NOT NULL REFERENCES admins(id),
  credential_id BLOB NOT NULL UNIQUE,
  passkey_sealed BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
);
-- The WebAuthn ceremony a half-signed-in session started (at most one): kind is register or
-- authenticate, state the webauthn-rs state with its challenge, sealed to the session. Taken
-- (deleted) by the answer, so each works once; gone with its session.
CREATE TABLE IF NOT EXISTS admin_ceremonies (
  session_hash BLOB PRIMARY KEY REFERENCES sessions(token_hash) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  state_sealed BLOB NOT NULL,
  expires_at INTEGER NOT NULL
);
-- name holds the normalised (lower-case, optionally UPN-stripped) name.
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  service_account INTEGER NOT NULL DEFAULT 0,
  muted_until INTEGER NOT NULL DEFAULT 0,
  passcode_failures INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
-- Admin API keys; key_hash is the SHA-256 of the key, scope read-only or read-write.
CREATE TABLE IF NOT EXISTS admin_keys (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  scope TEXT NOT NULL,
  key_hash BLOB NOT NULL UNIQUE,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE TABLE IF NOT EXISTS applications (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  key_hash BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
-- One-time enrollments; the secret is sealed (it lets a phone register). The manual code is
-- kept as a keyed hash (to find it) and sealed (to show it again), never in clear.
CREATE TABLE IF NOT EXISTS enrollments (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  secret_sealed BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  code_hash BLOB,
  code_sealed BLOB,
  lookups_left INTEGER NOT NULL DEFAULT 0,
  device_id INTEGER
);
-- state: the verifier's DeviceRecord as JSON, sealed to the row. server_key_id: the server key
-- the device trusts.
CREATE TABLE IF NOT EXISTS devices (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  account_id TEXT NOT NULL UNIQUE,
  state BLOB NOT NULL,
  platform TEXT NOT NULL,
  label TEXT NOT NULL,
  server_key_id INTEGER NOT NULL,
  otp_secret_sealed BLOB,
  last_otp_step INTEGER NOT NULL DEFAULT -1,
  push_provider TEXT,
  push_token TEXT,
  enrolled_at INTEGER NOT NULL,
  last_seen INTEGER,
  clock_offset INTEGER,
  revoked_at INTEGER
);
CREATE TABLE IF NOT EXISTS signins (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  app_id INTEGER REFERENCES applications(id),
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  number TEXT,
  request_state BLOB,
  client TEXT NOT NULL DEFAULT '',
  device_id INTEGER,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  answered_at INTEGER
);
CREATE INDEX IF NOT EXISTS signins_user ON signins(user_id, created_at);
-- expire() runs on every status read: keep it off a full-table scan.
CREATE INDEX IF NOT EXISTS signins_pending ON signins(expires_at) WHERE status = 'pending';
-- Pushes paused after wrong numbers (services::push_backoff).
CREATE TABLE IF NOT EXISTS push_backoff (
  user_id INTEGER PRIMARY KEY REFERENCES users(id),
  wrong_numbers INTEGER NOT NULL,
  until INTEGER NOT NULL
);
-- Passcode lockouts in a row per user (services::passcode_lockout).
CREATE TABLE IF NOT EXISTS passcode_lockouts (
  user_id INTEGER PRIMARY KEY REFERENCES users(id),
  lockouts INTEGER NOT NULL,
  last_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS bypass_codes (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  code_hash BLOB NOT NULL,
  expires_at INTEGER NOT NULL,
  attempts_left INTEGER NOT NULL,
  used_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  user_name TEXT,
  detail TEXT NOT NULL DEFAULT ''
);
-- Failure counters of rate limits and lockouts, so every process on the database shares them.
-- key names what is limited (`login-addr:IP`, `login-name:SHA256`, `lookup-addr:IP`, ...).
CREATE TABLE IF NOT EXISTS throttle (
  key TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  locked_until INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS server_keys (
  id INTEGER PRIMARY KEY,
  sealed_private BLOB NOT NULL,
  public_key BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  retired_at INTEGER
);
";

/// Opens (creating if needed) the database at `path`, or in memory for `None`.
pub fn open(path: Option<&Path>) -> Result<Connection, ServerError> {
    let conn = match path {
        Some(p) => {
            super::files::private_db_files(p)?;
            Connection::open(p)?
        }
        None => Connection::open_in_memory()?,
    };
    conn.pragma_update(None, "foreign_keys", true)?;
    if path.is_some() {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
    }
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(ServerError::Config(format!(
            "the database was written by a newer duet (schema {version}); upgrade duet"
        )));
    }
    conn.execute_batch(SCHEMA)?;
    if version == 0 {
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    }
    Ok(conn)
}
