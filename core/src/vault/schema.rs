//! On-disk schema and its migrations (SQLite `user_version`).
//!
//! Version 1: `meta`, `key_slots`, `accounts` (OTP only).
//! Version 2: `accounts` becomes `otp_accounts` with `updated_at`; adds `push_accounts`,
//! `seen_challenges` and `settings`.
//!
//! Every table holds only ids, ordering, timestamps and sealed blobs in clear. A
//! migration runs inside one transaction together with the `user_version` bump, so a
//! crash leaves either the old or the new schema.

use super::VaultError;
use rusqlite::Connection;

/// The newest schema this build writes.
pub const CURRENT_VERSION: u32 = 2;

const V1: &str = "
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE key_slots (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    params TEXT NOT NULL,
    wrapped BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    sealed BLOB NOT NULL
);
";

const V1_TO_V2: &str = "
ALTER TABLE accounts RENAME TO otp_accounts;
ALTER TABLE otp_accounts ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE otp_accounts SET updated_at = created_at;
CREATE INDEX otp_accounts_position ON otp_accounts(position);
CREATE TABLE push_accounts (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    sealed BLOB NOT NULL
);
CREATE TABLE seen_challenges (
    tag BLOB PRIMARY KEY,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX seen_challenges_expires_at ON seen_challenges(expires_at);
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    updated_at INTEGER NOT NULL,
    sealed BLOB NOT NULL
);
";

/// The DDL of each step: index `i` takes the file from version `i` to `i + 1`.
const STEPS: [&str; CURRENT_VERSION as usize] = [V1, V1_TO_V2];

/// Per-connection settings: WAL, zeroed free pages, full fsync on commit.
pub(crate) fn configure(conn: &Connection) -> Result<(), VaultError> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Freed pages (removed accounts, old versions of records) are overwritten with zeros.
    conn.pragma_update(None, "secure_delete", "ON")?;
    // FULL: a commit is on disk before `commit()` returns, which the HOTP rule
    // ("persist the counter before showing the code") relies on.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Reads the schema version.
pub(crate) fn version(conn: &Connection) -> Result<u32, VaultError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))?)
}

/// Brings a file from its version to [`CURRENT_VERSION`]. Returns the version it had.
pub(crate) fn migrate(conn: &mut Connection) -> Result<u32, VaultError> {
    let found = version(conn)?;
    if found > CURRENT_VERSION {
        return Err(VaultError::TooNew { found, supported: CURRENT_VERSION });
    }
    for (v, ddl) in STEPS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(ddl)?;
        tx.pragma_update(None, "user_version", (v + 1) as u32)?;
        tx.commit()?;
    }
    Ok(found)
}

/// Applies schema steps up to `target` only (tests build old-version files with it).
#[doc(hidden)]
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<(), VaultError> {
    let found = version(conn)?;
    for (v, ddl) in STEPS.iter().enumerate().take(target as usize).skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(ddl)?;
        tx.pragma_update(None, "user_version", (v + 1) as u32)?;
        tx.commit()?;
    }
    Ok(())
}

/// Cheap structural check of the main file without reading every page: the SQLite
/// header is there and the file is at least as long as the header says. Catches
/// truncation that SQLite would otherwise only notice on the first read of a
/// missing page (or, for a cut at a page boundary, not at all).
pub(crate) fn check_file(path: &std::path::Path) -> Result<(), VaultError> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)
        .map_err(|e| VaultError::Open { path: path.to_path_buf(), reason: e.kind().to_string() })?;
    let len = f.metadata().map_err(|e| VaultError::Open { path: path.to_path_buf(), reason: e.kind().to_string() })?.len();
    let mut header = [0u8; 100];
    let mut got = 0;
    while got < header.len() {
        match f.read(&mut header[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => return Err(VaultError::Open { path: path.to_path_buf(), reason: e.kind().to_string() }),
        }
    }
    if got == 0 {
        return Err(VaultError::NotAVault { path: path.to_path_buf() });
    }
    if got < header.len() || !header.starts_with(b"SQLite format 3\0") {
        return Err(if header.starts_with(&b"SQLite format 3\0"[..got.min(16)]) && got >= 16 {
            VaultError::Corrupt { path: path.to_path_buf(), reason: "header cut short".into() }
        } else {
            VaultError::NotAVault { path: path.to_path_buf() }
        });
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536u64,
        n => n as u64,
    };
    let pages = u32::from_be_bytes([header[28], header[29], header[30], header[31]]) as u64;
    // The in-header size is valid when the "version-valid-for" number equals the change counter.
    let valid = header[92..96] == header[24..28];
    if valid && pages > 0 && len < pages * page_size {
        return Err(VaultError::Corrupt {
            path: path.to_path_buf(),
            reason: format!("file is {len} bytes, header says {}", pages * page_size),
        });
    }
    Ok(())
}
