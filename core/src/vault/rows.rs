//! The rows of the record tables as read, before and after opening: a record that does not
//! open stays in the list as its id ([`DamagedRecord`]), so it never hides the others and can
//! be removed without being decrypted.

use super::check::Checked;
use super::{RecordId, VaultError};
use crate::error::ErrorCode;

/// A stored record, or the damaged record in its place.
pub type Entry<T> = Result<T, DamagedRecord>;

/// A stored record that cannot be used: its id, list position and the stable code of what is
/// wrong (`E_VAULT_RECORD_CORRUPT` when its sealed bytes were altered).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DamagedRecord {
    /// The record's id; removing the record by it needs no decryption.
    pub id: RecordId,
    /// Its place in the list.
    pub position: i64,
    /// Stable code of the problem.
    pub code: &'static str,
}

impl DamagedRecord {
    /// The error that names this record (`E_VAULT_RECORD_CORRUPT`).
    pub fn error(&self) -> VaultError {
        VaultError::RecordCorrupt { id: self.id.0.clone() }
    }
}

/// The id of an entry, damaged or not.
pub fn entry_id<T: AsRef<RecordId>>(e: &Entry<T>) -> &RecordId {
    match e {
        Ok(r) => r.as_ref(),
        Err(d) => &d.id,
    }
}

/// One problem `doctor` found: its stable code, the record it concerns (if one), what to do.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Stable code (`E_VAULT_CORRUPT`, `E_VAULT_RECORD_CORRUPT`, …).
    pub code: &'static str,
    /// The damaged record's id.
    pub record: Option<String>,
    /// What happened and what to do.
    pub message: String,
}

impl Problem {
    pub(crate) fn of(e: &VaultError, record: Option<&RecordId>) -> Self {
        Problem { code: e.code(), record: record.map(|r| r.0.clone()), message: e.to_string() }
    }
}

/// A record table's row with the record still sealed.
pub(crate) struct Row {
    pub(crate) id: String,
    pub(crate) position: i64,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) sealed: Vec<u8>,
}

impl Row {
    /// Reads a row whatever its column types: SQLite lets another program store text where a
    /// number or a blob belongs, and one such row must become a damaged record in its place, not
    /// an error that hides every account. A sealed value that is not a blob cannot open, so the
    /// row is listed as damaged; a position that is not an integer sorts last.
    pub(crate) fn read(r: &rusqlite::Row) -> rusqlite::Result<Row> {
        use rusqlite::types::ValueRef;
        let int = |i: usize, missing: i64| -> rusqlite::Result<i64> {
            Ok(match r.get_ref(i)? {
                ValueRef::Integer(v) => v,
                _ => missing,
            })
        };
        let id = match r.get_ref(0)? {
            ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
            ValueRef::Integer(v) => v.to_string(),
            // A NULL or blob id cannot be named; it still shows as one damaged row.
            _ => String::new(),
        };
        let sealed = match r.get_ref(4)? {
            ValueRef::Blob(b) => b.to_vec(),
            _ => Vec::new(),
        };
        Ok(Row { id, position: int(1, i64::MAX)?, created_at: int(2, 0)?, updated_at: int(3, 0)?, sealed })
    }

    pub(crate) fn damaged(self) -> DamagedRecord {
        DamagedRecord { id: RecordId(self.id), position: self.position, code: "E_VAULT_RECORD_CORRUPT" }
    }
}

/// The tables whose rows are sealed records kept in a list.
#[derive(Clone, Copy)]
pub(crate) enum Table {
    Otp,
    Push,
}

impl Table {
    /// The table name bound into each record's associated data.
    pub(crate) fn aad_name(self) -> &'static str {
        match self {
            Table::Otp => "otp",
            Table::Push => "push",
        }
    }

    pub(crate) fn checked(self) -> Checked {
        match self {
            Table::Otp => Checked::Otp,
            Table::Push => Checked::Push,
        }
    }

    pub(crate) fn select_sql(self) -> &'static str {
        match self {
            Table::Otp => "SELECT id, position, created_at, updated_at, sealed FROM otp_accounts ORDER BY position, id",
            Table::Push => "SELECT id, position, created_at, updated_at, sealed FROM push_accounts ORDER BY position, id",
        }
    }

    pub(crate) fn delete_sql(self) -> &'static str {
        match self {
            Table::Otp => "DELETE FROM otp_accounts WHERE id = ?1",
            Table::Push => "DELETE FROM push_accounts WHERE id = ?1",
        }
    }

    pub(crate) fn append_sql(self) -> &'static str {
        match self {
            Table::Otp => {
                "INSERT INTO otp_accounts(id, position, created_at, updated_at, sealed)
                 VALUES (?1, (SELECT IFNULL(MAX(position), 0) + 1 FROM otp_accounts), ?2, ?2, ?3)"
            }
            Table::Push => {
                "INSERT INTO push_accounts(id, position, created_at, updated_at, sealed)
                 VALUES (?1, (SELECT IFNULL(MAX(position), 0) + 1 FROM push_accounts), ?2, ?2, ?3)"
            }
        }
    }
}
