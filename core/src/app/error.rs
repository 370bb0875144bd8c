//! The application layer's error: every lower error keeps its own stable code, plus the few
//! failures that only the application flow can have.

use crate::error::ErrorCode;
use crate::migration::MigrationError;
use crate::otp::OtpError;
use crate::pipush::PiPushError;
use crate::push::{PushError, SignerError};
use crate::transfer::TransferError;
use crate::transport::TransportError;
use crate::uri::UriError;
use crate::vault::VaultError;

/// Why an application call failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The scanned or pasted text is none of the codes duet reads.
    #[error("This is not a code duet knows (otpauth://, otpauth-migration://, a duet enrollment link or a privacyIDEA push link); scan the QR code again.")]
    UnknownText,
    /// A stored push account cannot be read.
    #[error("A stored push account is damaged; remove it and enroll again.")]
    AccountDamaged,
    /// The account's key lives in the platform keystore, and the app gave no keystore.
    #[error("This account's key is kept in the phone's keystore, which this app did not open; restart the app and try again.")]
    NoPlatformKeys,
    /// The request is not (or no longer) waiting on this device.
    #[error("This sign-in request is no longer waiting; check for requests again.")]
    RequestNotWaiting,
    /// `submit_answer` without a matching `prepare_answer`.
    #[error("The answer was not prepared on this device; answer the request again.")]
    NotPrepared,
    /// A record id that names no account of the expected kind.
    #[error("No account with this id is stored; refresh the account list.")]
    NoSuchAccount,
    /// The server key fingerprint the user confirmed is not the key the code's server sent.
    #[error("The server's key fingerprint does not match the one you were given; nothing was enrolled. Check the fingerprint with the helpdesk, and do not enroll on this network if it still differs.")]
    FingerprintMismatch,
    /// The vault.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// duet push.
    #[error(transparent)]
    Push(#[from] PushError),
    /// privacyIDEA push.
    #[error(transparent)]
    PiPush(#[from] PiPushError),
    /// A device key could not sign.
    #[error(transparent)]
    Signer(#[from] SignerError),
    /// HTTP.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// otpauth:// parsing.
    #[error(transparent)]
    Uri(#[from] UriError),
    /// Google Authenticator transfer codes.
    #[error(transparent)]
    Migration(#[from] MigrationError),
    /// Backup files.
    #[error(transparent)]
    Transfer(#[from] TransferError),
    /// Code generation.
    #[error(transparent)]
    Otp(#[from] OtpError),
}

impl ErrorCode for AppError {
    fn code(&self) -> &'static str {
        match self {
            AppError::UnknownText => "E_APP_UNKNOWN_TEXT",
            AppError::AccountDamaged => "E_APP_ACCOUNT_DAMAGED",
            AppError::NoPlatformKeys => "E_APP_NO_PLATFORM_KEYS",
            AppError::RequestNotWaiting => "E_APP_REQUEST_NOT_WAITING",
            AppError::NotPrepared => "E_APP_NOT_PREPARED",
            AppError::NoSuchAccount => "E_APP_NO_SUCH_ACCOUNT",
            AppError::FingerprintMismatch => "E_APP_FINGERPRINT_MISMATCH",
            AppError::Vault(e) => e.code(),
            AppError::Push(e) => e.code(),
            AppError::PiPush(e) => e.code(),
            AppError::Signer(e) => e.code(),
            AppError::Transport(e) => e.code(),
            AppError::Uri(e) => e.code(),
            AppError::Migration(e) => e.code(),
            AppError::Transfer(e) => e.code(),
            AppError::Otp(e) => e.code(),
        }
    }
}
