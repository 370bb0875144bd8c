//! The structural check every read and every write of a table meets first.
//!
//! A damaged b-tree can refuse a full read yet still accept an insert (an append only walks the
//! path to the last cell), so a write that skipped the check would report success into a file the
//! next read refuses. `PRAGMA quick_check(<table>)` walks the table and its indexes: a few
//! milliseconds for a vault's size.

use super::VaultError;
use rusqlite::Connection;
use std::path::PathBuf;

/// The tables a vault reads and writes (names are fixed here, never taken from input).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Checked {
    Otp,
    Push,
    Settings,
    SeenChallenges,
    KeySlots,
}

impl Checked {
    fn sql(self) -> &'static str {
        match self {
            Checked::Otp => "PRAGMA quick_check(otp_accounts)",
            Checked::Push => "PRAGMA quick_check(push_accounts)",
            Checked::Settings => "PRAGMA quick_check(settings)",
            Checked::SeenChallenges => "PRAGMA quick_check(seen_challenges)",
            Checked::KeySlots => "PRAGMA quick_check(key_slots)",
        }
    }
}

/// `Ok` when SQLite finds nothing wrong with `table`; otherwise `E_VAULT_CORRUPT` with SQLite's
/// first complaint (page and cell numbers, never record contents).
pub(crate) fn table(conn: &Connection, table: Checked) -> Result<(), VaultError> {
    let first = conn.query_row(table.sql(), [], |r| r.get::<_, String>(0))?;
    if first == "ok" {
        return Ok(());
    }
    Err(VaultError::Corrupt { path: PathBuf::new(), reason: first_complaint(&first) })
}

/// SQLite prefixes its report with the schema name; the first real line is enough to say where.
pub(crate) fn first_complaint(report: &str) -> String {
    report.lines().find(|l| !l.starts_with("***")).unwrap_or(report).chars().take(200).collect()
}
