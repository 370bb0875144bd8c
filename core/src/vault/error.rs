//! Errors of the vault.

use crate::ErrorCode;
use crate::keys::KeyError;
use std::path::PathBuf;

/// Why a vault operation failed. No variant carries a secret or an account name.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// No vault file at the path.
    #[error("There is no vault at {path}; check the path, or run `duet add` to create one.")]
    Missing {
        /// The vault path.
        path: PathBuf,
    },
    /// The file could not be opened or created.
    #[error("The vault at {path} could not be opened ({reason}); check the folder exists and is writable.")]
    Open {
        /// The vault path.
        path: PathBuf,
        /// What the OS or SQLite said.
        reason: String,
    },
    /// The file is not a duet vault (another file, or empty).
    #[error("The file {path} is not a duet vault; check the path, or restore the vault from a backup.")]
    NotAVault {
        /// The path.
        path: PathBuf,
    },
    /// The file is damaged or truncated.
    #[error("The vault at {path} is damaged or cut short ({reason}); nothing was changed: restore it from a backup.")]
    Corrupt {
        /// The path.
        path: PathBuf,
        /// Which check failed.
        reason: String,
    },
    /// The file was written by a newer duet.
    #[error("This vault uses format version {found}, newer than this duet understands ({supported}); update duet.")]
    TooNew {
        /// Version in the file.
        found: u32,
        /// Newest version this build knows.
        supported: u32,
    },
    /// The key does not open this vault.
    #[error("The key does not unlock this vault; nothing was changed: use the key, key file or passphrase this vault was created with.")]
    WrongKey,
    /// One record fails authentication although the key is right. The other records are
    /// unaffected; this one can be removed by its id.
    #[error("The vault record {id} is damaged and cannot be decrypted; the other accounts still work: remove it by its id (`duet remove {id}`, or in the app's account list) and add that account again, or restore the vault from a backup.")]
    RecordCorrupt {
        /// The record's id (a setting's name for settings).
        id: String,
    },
    /// No record with that id or name.
    #[error("No account matches {query:?}; run `duet list` to see the names.")]
    NotFound {
        /// What was looked up (an id or a name the user typed).
        query: String,
    },
    /// A name matches several accounts.
    #[error("{count} accounts match {query:?}; use the issuer and name (`Issuer:name`) or the id from `duet list`.")]
    Ambiguous {
        /// What was looked up.
        query: String,
        /// How many matched.
        count: usize,
    },
    /// A counter operation on a time-based account.
    #[error("This account is time-based and has no counter.")]
    NotHotp,
    /// The HOTP counter is at its maximum.
    #[error("This account's counter has reached its maximum; re-enroll the account with the service.")]
    CounterExhausted,
    /// Another program holds the vault locked.
    #[error("The vault is busy in another duet process; wait for it to finish and try again.")]
    Busy,
    /// Another SQLite or I/O failure.
    #[error("The vault could not be read or written ({reason}); check free disk space and permissions.")]
    Storage {
        /// SQLite's message (never contains record contents: those are sealed).
        reason: String,
    },
    /// Getting the vault key failed.
    #[error(transparent)]
    Key(#[from] KeyError),
}

impl ErrorCode for VaultError {
    fn code(&self) -> &'static str {
        match self {
            VaultError::Missing { .. } => "E_VAULT_MISSING",
            VaultError::Open { .. } => "E_VAULT_OPEN",
            VaultError::NotAVault { .. } => "E_VAULT_NOT_A_VAULT",
            VaultError::Corrupt { .. } => "E_VAULT_CORRUPT",
            VaultError::TooNew { .. } => "E_VAULT_TOO_NEW",
            VaultError::WrongKey => "E_VAULT_WRONG_KEY",
            VaultError::RecordCorrupt { .. } => "E_VAULT_RECORD_CORRUPT",
            VaultError::NotFound { .. } => "E_VAULT_NOT_FOUND",
            VaultError::Ambiguous { .. } => "E_VAULT_AMBIGUOUS",
            VaultError::NotHotp => "E_VAULT_NOT_HOTP",
            VaultError::CounterExhausted => "E_VAULT_COUNTER_EXHAUSTED",
            VaultError::Busy => "E_VAULT_BUSY",
            VaultError::Storage { .. } => "E_VAULT_STORAGE",
            VaultError::Key(k) => k.code(),
        }
    }
}

impl From<rusqlite::Error> for VaultError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match e.sqlite_error_code() {
            Some(C::DatabaseBusy | C::DatabaseLocked) => VaultError::Busy,
            Some(C::DatabaseCorrupt | C::NotADatabase) => {
                VaultError::Corrupt { path: PathBuf::new(), reason: "SQLite reports the file malformed".into() }
            }
            _ => VaultError::Storage { reason: e.to_string() },
        }
    }
}

impl VaultError {
    /// Fills in the path of a `Corrupt` error raised deep inside SQLite.
    pub(crate) fn at(self, path: &std::path::Path) -> Self {
        match self {
            VaultError::Corrupt { reason, .. } => VaultError::Corrupt { path: path.to_path_buf(), reason },
            other => other,
        }
    }
}
