//! The one error type of the bindings: every core error crosses the FFI as its stable code
//! (`docs/errors.md`) and its helpdesk sentence, grouped by the core module it came from so apps
//! can `when`/`switch` on the kind and translate by `code`.

use duet_core::ErrorCode;

/// A failure reported by duet. `code` is stable (apps translate by it); `reason` is one sentence a
/// helpdesk agent can read out. Neither ever contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum DuetError {
    /// OTP engine: parameters out of range, bad code format, counter limits.
    #[error("{code}: {reason}")]
    Otp {
        /// Stable code, e.g. `E_OTP_DIGITS_RANGE`.
        code: String,
        /// Sentence for the user.
        reason: String,
    },
    /// `otpauth://` URIs and setup keys.
    #[error("{code}: {reason}")]
    Uri {
        /// Stable code, e.g. `E_URI_SECRET_BASE32`.
        code: String,
        /// Sentence for the user.
        reason: String,
    },
    /// Google Authenticator transfer QR codes.
    #[error("{code}: {reason}")]
    Migration {
        /// Stable code.
        code: String,
        /// Sentence for the user.
        reason: String,
    },
    /// Push protocols: duet push (`E_PUSH_...`) and privacyIDEA push (`E_PIPUSH_...`):
    /// enrollment links, requests, answers.
    #[error("{code}: {reason}")]
    Push {
        /// Stable code.
        code: String,
        /// Sentence for the user.
        reason: String,
    },
    /// The encrypted vault and its keys.
    #[error("{code}: {reason}")]
    Vault {
        /// Stable code.
        code: String,
        /// Sentence for the user.
        reason: String,
    },
    /// Import and export formats.
    #[error("{code}: {reason}")]
    Transfer {
        /// Stable code.
        code: String,
        /// Sentence for the user.
        reason: String,
    },
    /// Sending a request: the URL policy (`E_TRANSPORT_URL`, `E_TRANSPORT_INSECURE_HTTP`, ...) or
    /// a failure the app's [`crate::http::HttpTransport`] reported (`E_TRANSPORT_TIMEOUT`, ...).
    #[error("{code}: {reason}")]
    Transport {
        /// Stable code, `E_TRANSPORT_...`.
        code: String,
        /// Sentence for the user.
        reason: String,
    },
    /// The application flow (`E_APP_...`): unknown scanned text, a request no longer waiting, an
    /// answer not prepared.
    #[error("{code}: {reason}")]
    App {
        /// Stable code, `E_APP_...`.
        code: String,
        /// Sentence for the user.
        reason: String,
    },
    /// Reading a QR code from a camera frame or picture (`E_QR_...`).
    #[error("{code}: {reason}")]
    Qr {
        /// Stable code, `E_QR_...`.
        code: String,
        /// Sentence for the user.
        reason: String,
    },
    /// A callback the app implements (signer, key provider, transport, clock) failed.
    #[error("{code}: {reason}")]
    Callback {
        /// Stable code: the one the app's callback raised, or `E_FFI_CALLBACK`.
        code: String,
        /// Sentence for the user.
        reason: String,
    },
}

impl DuetError {
    /// The stable code, whatever the kind.
    pub fn code(&self) -> &str {
        match self {
            DuetError::Otp { code, .. }
            | DuetError::Uri { code, .. }
            | DuetError::Migration { code, .. }
            | DuetError::Push { code, .. }
            | DuetError::Vault { code, .. }
            | DuetError::Transfer { code, .. }
            | DuetError::Transport { code, .. }
            | DuetError::App { code, .. }
            | DuetError::Qr { code, .. }
            | DuetError::Callback { code, .. } => code,
        }
    }

    /// The helpdesk sentence, whatever the kind.
    pub fn reason(&self) -> &str {
        match self {
            DuetError::Otp { reason, .. }
            | DuetError::Uri { reason, .. }
            | DuetError::Migration { reason, .. }
            | DuetError::Push { reason, .. }
            | DuetError::Vault { reason, .. }
            | DuetError::Transfer { reason, .. }
            | DuetError::Transport { reason, .. }
            | DuetError::App { reason, .. }
            | DuetError::Qr { reason, .. }
            | DuetError::Callback { reason, .. } => reason,
        }
    }
}

/// Code and sentence of any core error.
pub(crate) fn parts<E: ErrorCode>(e: &E) -> (String, String) {
    (e.code().to_string(), e.to_string())
}

/// `From<core error>` for one kind.
macro_rules! from_core {
    ($core:ty => $variant:ident) => {
        impl From<$core> for DuetError {
            fn from(e: $core) -> Self {
                let (code, reason) = crate::error::parts(&e);
                DuetError::$variant { code, reason }
            }
        }
    };
}
from_core!(duet_core::otp::OtpError => Otp);
from_core!(duet_core::uri::UriError => Uri);
from_core!(duet_core::push::PushError => Push);
from_core!(duet_core::vault::VaultError => Vault);
from_core!(duet_core::transfer::TransferError => Transfer);
from_core!(duet_core::migration::MigrationError => Migration);
from_core!(duet_core::transport::TransportError => Transport);
from_core!(duet_core::qr::QrError => Qr);

/// privacyIDEA push errors are push errors, except the transport failures they wrap, which keep
/// their `Transport` kind (apps handle "no network" once, whatever the protocol).
impl From<duet_core::pipush::PiPushError> for DuetError {
    fn from(e: duet_core::pipush::PiPushError) -> Self {
        match e {
            duet_core::pipush::PiPushError::Transport(t) => t.into(),
            other => {
                let (code, reason) = parts(&other);
                DuetError::Push { code, reason }
            }
        }
    }
}

/// Application errors keep the kind of the module they came from; the flow's own are `App`.
impl From<duet_core::app::AppError> for DuetError {
    fn from(e: duet_core::app::AppError) -> Self {
        use duet_core::app::AppError as A;
        match e {
            A::Vault(e) => e.into(),
            A::Push(e) => e.into(),
            A::PiPush(e) => e.into(),
            A::Signer(e) => {
                let (code, reason) = parts(&e);
                DuetError::Push { code, reason }
            }
            A::Transport(e) => e.into(),
            A::Uri(e) => e.into(),
            A::Migration(e) => e.into(),
            A::Transfer(e) => e.into(),
            A::Otp(e) => e.into(),
            own => {
                let (code, reason) = parts(&own);
                DuetError::App { code, reason }
            }
        }
    }
}

/// A Kotlin/Swift callback threw something other than a `DuetError` (a `RuntimeException`, a
/// Swift error of another type): reported as `E_FFI_CALLBACK` instead of crashing.
impl From<uniffi::UnexpectedUniFFICallbackError> for DuetError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        // The foreign message may be anything; keep it for the log line, not a secret source:
        // callbacks never see secrets they could echo (signers get digests of public data).
        DuetError::Callback {
            code: "E_FFI_CALLBACK".to_string(),
            reason: format!(
                "The app's own component failed unexpectedly ({}); restart the app and try again.",
                // The first line only: Kotlin puts the whole stack trace here.
                e.reason.lines().next().unwrap_or_default()
            ),
        }
    }
}
