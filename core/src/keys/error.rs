//! Errors of the key providers.

use crate::ErrorCode;
use std::path::PathBuf;

/// Why the vault key could not be enrolled or recovered.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The passphrase did not unwrap the key.
    #[error("The passphrase is wrong for this vault; check the passphrase you typed, passed with --passphrase-fd or set in DUET_PASSPHRASE.")]
    WrongPassphrase,
    /// A key file exists but is not the one this vault was locked with.
    #[error("The key file {path} does not belong to this vault; use the key file made when the vault was created.")]
    WrongKeyFile {
        /// The key file.
        path: PathBuf,
    },
    /// The key file is missing.
    #[error("The key file {path} is missing; restore it from your backup or point DUET_KEY_FILE at it.")]
    KeyFileMissing {
        /// The key file.
        path: PathBuf,
    },
    /// The key file is readable by other users.
    #[error("The key file {path} can be read by other users; run `chmod 600` on it and try again.")]
    KeyFilePermissions {
        /// The key file.
        path: PathBuf,
    },
    /// The key file is not in duet's format.
    #[error("The key file {path} is damaged or not a duet key file; restore it from your backup.")]
    KeyFileInvalid {
        /// The key file.
        path: PathBuf,
    },
    /// The key file would sit in the vault's own directory.
    #[error("The key file {path} is in the same folder as the vault; keep it in another folder so a copy of the vault folder is useless.")]
    KeyFileBesideVault {
        /// The key file.
        path: PathBuf,
    },
    /// Reading or writing the key file failed.
    #[error("The key file {path} could not be read or written ({reason}); check the folder's permissions.")]
    KeyFileIo {
        /// The key file.
        path: PathBuf,
        /// The OS error.
        reason: String,
    },
    /// A key slot's parameters are unreadable or out of the allowed range.
    #[error("The vault's {kind} key slot is damaged; unlock the vault another way or restore a backup.")]
    SlotInvalid {
        /// Slot kind.
        kind: String,
    },
    /// A passphrase slot asks for a scrypt cost above what duet accepts.
    #[error("The vault's passphrase slot asks for scrypt N=2^{log_n}, r={r}, p={p}, above duet's limit (N at most 2^20, 1 GiB of memory); the file may have been altered: unlock it another way or restore a backup.")]
    KdfLimits {
        /// log2 of N in the slot.
        log_n: u8,
        /// r in the slot.
        r: u32,
        /// p in the slot.
        p: u32,
    },
    /// A new passphrase is shorter than the minimum.
    #[error("The new passphrase is too short: use at least {min} characters (a few unrelated words are easy to remember).")]
    PassphraseTooShort {
        /// The minimum number of characters.
        min: usize,
    },
    /// The OS keyring could not be reached.
    #[error("The system keyring is not available ({reason}); use a key file or DUET_PASSPHRASE instead.")]
    KeyringUnavailable {
        /// What the keyring said (never contains the key).
        reason: String,
    },
    /// The OS keyring has no entry for this vault.
    #[error("The system keyring has no key for this vault; unlock it with its key file or passphrase.")]
    KeyringNoEntry,
    /// No provider at hand matches any of the vault's key slots.
    #[error("No way to unlock this vault is available (it is locked with: {kinds}); give the passphrase (prompt, --passphrase-fd or DUET_PASSPHRASE) or set DUET_KEY_FILE.")]
    NoProvider {
        /// The slot kinds the vault has.
        kinds: String,
    },
    /// Key bytes handed over by an app were not 32 bytes.
    #[error("The vault key must be 32 bytes, got {len}; the app's stored key is damaged.")]
    BadKeyLength {
        /// The length received.
        len: usize,
    },
    /// An app key provider was asked to enroll a different key than the one it holds.
    #[error("The app's key is not this vault's key; create the vault with the key the app stores.")]
    AppKeyMismatch,
    /// The system random generator failed.
    #[error("The system random generator failed; try again.")]
    Random,
}

impl ErrorCode for KeyError {
    fn code(&self) -> &'static str {
        match self {
            KeyError::WrongPassphrase => "E_KEY_WRONG_PASSPHRASE",
            KeyError::WrongKeyFile { .. } => "E_KEY_FILE_WRONG",
            KeyError::KeyFileMissing { .. } => "E_KEY_FILE_MISSING",
            KeyError::KeyFilePermissions { .. } => "E_KEY_FILE_PERMISSIONS",
            KeyError::KeyFileInvalid { .. } => "E_KEY_FILE_INVALID",
            KeyError::KeyFileBesideVault { .. } => "E_KEY_FILE_BESIDE_VAULT",
            KeyError::KeyFileIo { .. } => "E_KEY_FILE_IO",
            KeyError::SlotInvalid { .. } => "E_KEY_SLOT_INVALID",
            KeyError::KdfLimits { .. } => "E_KEY_SLOT_KDF_LIMITS",
            KeyError::PassphraseTooShort { .. } => "E_KEY_PASSPHRASE_TOO_SHORT",
            KeyError::KeyringUnavailable { .. } => "E_KEYRING_UNAVAILABLE",
            KeyError::KeyringNoEntry => "E_KEYRING_NO_ENTRY",
            KeyError::NoProvider { .. } => "E_KEY_NO_PROVIDER",
            KeyError::BadKeyLength { .. } => "E_KEY_BAD_LENGTH",
            KeyError::AppKeyMismatch => "E_KEY_APP_MISMATCH",
            KeyError::Random => "E_KEY_RANDOM",
        }
    }
}
