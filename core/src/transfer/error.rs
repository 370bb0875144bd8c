//! Errors of imports and exports, and the per-entry reasons an entry was skipped.

use crate::error::ErrorCode;

/// Why a whole import, export or backup check failed.
///
/// Messages never contain secrets, passwords or file contents; they say what to do next.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransferError {
    /// The bytes match none of the formats duet reads.
    #[error(
        "This file is not a backup duet can read (Aegis, 2FAS, Bitwarden, andOTP, FreeOTP+ or a list of otpauth links)."
    )]
    UnknownFormat,
    /// The format is recognised but its version is newer or older than duet understands.
    #[error(
        "This {format} backup uses version {version}, which duet cannot read yet; export it again from an up-to-date app."
    )]
    UnsupportedVersion {
        /// Human name of the format.
        format: &'static str,
        /// The version the file declares.
        version: u64,
    },
    /// The format is recognised but its kind of encryption is not supported.
    #[error("{detail}")]
    UnsupportedEncryption {
        /// One sentence naming what to export instead.
        detail: &'static str,
    },
    /// The file is encrypted and no password was given.
    #[error("This backup is protected by a password; enter the password you chose when you made it.")]
    PasswordRequired,
    /// Decryption failed: the password is wrong (or the encrypted part was altered).
    #[error(
        "The password is wrong for this backup (or the file was changed after it was made); check the password and try again."
    )]
    WrongPassword,
    /// The file is damaged: truncated, altered or not what its header claims.
    #[error("This {format} backup is damaged ({detail}); make a fresh export from the other app.")]
    Corrupt {
        /// Human name of the format.
        format: &'static str,
        /// What exactly is wrong, without any file contents.
        detail: &'static str,
    },
    /// The file asks for key-derivation work beyond what duet allows (a hostile or broken file).
    #[error(
        "This backup asks for unusually expensive password hashing (scrypt N={n}, r={r}, p={p}); duet refuses it to protect the device."
    )]
    KdfLimits {
        /// scrypt cost N.
        n: u64,
        /// scrypt block size r.
        r: u64,
        /// scrypt parallelism p.
        p: u64,
    },
    /// The input is larger than any real backup.
    #[error("This file is larger than {limit} bytes, far bigger than any authenticator backup; choose the right file.")]
    TooLarge {
        /// The size limit in bytes.
        limit: usize,
    },
    /// An export was asked for with an empty password.
    #[error("An encrypted backup needs a password; choose a non-empty one you will remember.")]
    EmptyPassword,
    /// The random generator failed (the OS gave no randomness).
    #[error("The system random generator failed, so no backup was written; try again.")]
    Random,
}

impl ErrorCode for TransferError {
    fn code(&self) -> &'static str {
        match self {
            TransferError::UnknownFormat => "E_TRANSFER_UNKNOWN_FORMAT",
            TransferError::UnsupportedVersion { .. } => "E_TRANSFER_UNSUPPORTED_VERSION",
            TransferError::UnsupportedEncryption { .. } => "E_TRANSFER_UNSUPPORTED_ENCRYPTION",
            TransferError::PasswordRequired => "E_TRANSFER_PASSWORD_REQUIRED",
            TransferError::WrongPassword => "E_TRANSFER_WRONG_PASSWORD",
            TransferError::Corrupt { .. } => "E_TRANSFER_CORRUPT",
            TransferError::KdfLimits { .. } => "E_TRANSFER_KDF_LIMITS",
            TransferError::TooLarge { .. } => "E_TRANSFER_TOO_LARGE",
            TransferError::EmptyPassword => "E_TRANSFER_EMPTY_PASSWORD",
            TransferError::Random => "E_TRANSFER_RANDOM",
        }
    }
}

/// Stable codes of the reasons a single entry is skipped (see `docs/errors.md`).
///
/// An entry rejected by the otpauth URI parser carries that parser's own code instead (see the
/// `uri` and `migration` sections of `docs/errors.md`).
pub mod skip {
    /// The entry lacks a required field or a field has the wrong type.
    pub const MALFORMED: &str = "E_TRANSFER_ENTRY_MALFORMED";
    /// The OTP type is one duet does not compute (Yandex, mOTP, ...).
    pub const TYPE: &str = "E_TRANSFER_ENTRY_TYPE";
    /// The hash algorithm is not SHA-1, SHA-256 or SHA-512.
    pub const ALGORITHM: &str = "E_TRANSFER_ENTRY_ALGORITHM";
    /// The number of digits is outside 6..=10.
    pub const DIGITS: &str = "E_TRANSFER_ENTRY_DIGITS";
    /// The time step is outside 1..=86400 seconds.
    pub const PERIOD: &str = "E_TRANSFER_ENTRY_PERIOD";
    /// The secret is missing, empty or not valid Base32.
    pub const SECRET: &str = "E_TRANSFER_ENTRY_SECRET";
    /// The item holds no one-time password at all (e.g. a Bitwarden login without TOTP).
    pub const NO_OTP: &str = "E_TRANSFER_ENTRY_NO_OTP";
    /// Export only: the account cannot be expressed in the target format.
    pub const UNREPRESENTABLE: &str = "E_TRANSFER_EXPORT_UNREPRESENTABLE";
}

/// Why one entry was left out. Nothing is dropped silently: every entry a source held is either
/// imported or listed with one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Position of the entry in the source (0-based, in file order).
    pub index: usize,
    /// What the user knows the entry by ("Issuer: name"), or `entry N` when unreadable.
    pub label: String,
    /// Stable code, one of [`skip`], or a code of the otpauth or transfer-link reader.
    pub code: &'static str,
    /// One sentence saying why (never contains the secret).
    pub reason: String,
}

/// A problem with one entry before its index and label are attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EntryProblem {
    pub code: &'static str,
    pub reason: String,
}

impl EntryProblem {
    pub(crate) fn new(code: &'static str, reason: impl Into<String>) -> Self {
        EntryProblem { code, reason: reason.into() }
    }

    pub(crate) fn at(self, index: usize, label: String) -> Skipped {
        Skipped { index, label, code: self.code, reason: self.reason }
    }
}
