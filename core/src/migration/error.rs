//! What can go wrong with a transfer code, and why single accounts are left out.

use crate::error::ErrorCode;

/// A transfer code (or a set of them) duet cannot read. Codes in `docs/errors.md`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MigrationError {
    /// Longer than any QR code can hold.
    #[error("The code is far too long to be a transfer QR code; scan it again.")]
    TooLong,
    /// A single-account `otpauth://` URI was given.
    #[error("This is a single account's code, not a Google Authenticator transfer code; add it as an account instead.")]
    IsAccount,
    /// Not `otpauth-migration://offline?...`.
    #[error("This is not a Google Authenticator transfer code (it should start with otpauth-migration://offline); export the accounts again.")]
    Scheme,
    /// No `data` parameter.
    #[error("The transfer code carries no account data; export the accounts again.")]
    DataMissing,
    /// `data` is not Base64.
    #[error("The transfer code's data is damaged (not Base64); scan the code again or export the accounts again.")]
    Base64,
    /// `data` is not a `MigrationPayload`.
    #[error("The transfer code's data could not be read; scan the code again or export the accounts again.")]
    Protobuf,
    /// `batch_index` outside `0..batch_size`, or a negative size.
    #[error("The transfer code's part number is invalid; export the accounts again.")]
    BatchIndex,
    /// Parts from different transfers mixed.
    #[error("These transfer codes come from different exports; scan only the codes of one export.")]
    BatchMismatch,
    /// The same part scanned twice with different content.
    #[error("Two different transfer codes claim to be part {part}; export the accounts again.")]
    BatchDuplicate {
        /// The part number, from 1 (as shown to people).
        part: u32,
    },
    /// Parts not scanned yet.
    #[error("{} of {total} transfer codes are missing (part {}); scan them too.", missing.len(), list(missing))]
    BatchMissing {
        /// Missing part numbers, from 1.
        missing: Vec<u32>,
        /// How many parts the transfer has.
        total: u32,
    },
    /// Nothing was given to import.
    #[error("No transfer code was scanned; scan the first code the old phone shows.")]
    Nothing,
}

fn list(parts: &[u32]) -> String {
    parts.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

impl ErrorCode for MigrationError {
    fn code(&self) -> &'static str {
        match self {
            MigrationError::TooLong => "E_MIGRATION_TOO_LONG",
            MigrationError::IsAccount => "E_MIGRATION_IS_ACCOUNT",
            MigrationError::Scheme => "E_MIGRATION_SCHEME",
            MigrationError::DataMissing => "E_MIGRATION_DATA_MISSING",
            MigrationError::Base64 => "E_MIGRATION_BASE64",
            MigrationError::Protobuf => "E_MIGRATION_PROTOBUF",
            MigrationError::BatchIndex => "E_MIGRATION_BATCH_INDEX",
            MigrationError::BatchMismatch => "E_MIGRATION_BATCH_MISMATCH",
            MigrationError::BatchDuplicate { .. } => "E_MIGRATION_BATCH_DUPLICATE",
            MigrationError::BatchMissing { .. } => "E_MIGRATION_BATCH_MISSING",
            MigrationError::Nothing => "E_MIGRATION_NOTHING",
        }
    }
}

/// Why one account was left out of an import or an export; the rest go ahead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SkipReason {
    /// Import: the account has no secret.
    #[error("The account has no secret key, so it was left out; add it again from the site.")]
    SecretEmpty,
    /// Import: MD5 or an unknown algorithm.
    #[error("The account uses a hash algorithm duet does not support, so it was left out.")]
    Algorithm,
    /// Import: unknown digit count. Export: 7, 9 or 10 digits (the format has only 6 and 8).
    #[error("The account's number of digits cannot be carried by a Google Authenticator transfer, so it was left out.")]
    Digits,
    /// Import: unknown OTP type.
    #[error("The account has a code type duet does not know, so it was left out.")]
    Type,
    /// Import: negative counter. Export: counter above 2^63 - 1.
    #[error("The account's counter is out of range for a Google Authenticator transfer, so it was left out.")]
    Counter,
    /// Export: period other than 30 s (the format has no period).
    #[error("The account's code period is not 30 seconds, which a Google Authenticator transfer cannot carry, so it was left out; export it as a single QR code.")]
    Period,
    /// Export: TOTP start time other than 0.
    #[error("The account has a start time other than 0, which a Google Authenticator transfer cannot carry, so it was left out; export it as a single QR code.")]
    T0,
    /// Export: Steam Guard (the format has no Steam type).
    #[error("Steam Guard accounts cannot be carried by a Google Authenticator transfer, so it was left out; export it as a single QR code.")]
    Steam,
    /// Export: the account alone does not fit one QR code of version 20.
    #[error("The account's name is too long to fit a transfer QR code, so it was left out; shorten the name and export again.")]
    TooLarge,
}

impl ErrorCode for SkipReason {
    fn code(&self) -> &'static str {
        match self {
            SkipReason::SecretEmpty => "E_MIGRATION_ACCOUNT_SECRET",
            SkipReason::Algorithm => "E_MIGRATION_ACCOUNT_ALGORITHM",
            SkipReason::Digits => "E_MIGRATION_ACCOUNT_DIGITS",
            SkipReason::Type => "E_MIGRATION_ACCOUNT_TYPE",
            SkipReason::Counter => "E_MIGRATION_ACCOUNT_COUNTER",
            SkipReason::Period => "E_MIGRATION_ACCOUNT_PERIOD",
            SkipReason::T0 => "E_MIGRATION_ACCOUNT_T0",
            SkipReason::Steam => "E_MIGRATION_ACCOUNT_STEAM",
            SkipReason::TooLarge => "E_MIGRATION_ACCOUNT_TOO_LARGE",
        }
    }
}

/// An account left out, with enough to tell the user which one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Issuer as given (may be empty).
    pub issuer: String,
    /// Account name as given.
    pub name: String,
    /// Why.
    pub reason: SkipReason,
}
