//! Errors of the device side of the duet push protocol.

use crate::error::ErrorCode;

/// Why a push link, code, message or answer was refused on the phone.
///
/// Every variant is a refusal: nothing is approved, stored or shown as genuine when one of these
/// is returned. Messages never contain secrets (they may name a field, never its value).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PushError {
    /// The enrollment link is not a `duet://enroll?` or `https://…/duet/enroll#` link.
    #[error("This is not a duet enrollment link; scan the QR code shown by your sign-in service again.")]
    LinkScheme,
    /// A parameter of the enrollment link is missing or malformed.
    #[error("The enrollment link is damaged (parameter `{0}`); ask your helpdesk for a new enrollment QR code.")]
    LinkParam(&'static str),
    /// The enrollment has expired (per the link or the server).
    #[error("This enrollment has expired; ask your helpdesk to create a new one.")]
    LinkExpired,
    /// The server URL is not https (plain http is allowed only for loopback hosts).
    #[error("The server address must use https; ask your helpdesk to check the server address.")]
    InsecureUrl,
    /// A manual activation code has the wrong shape.
    #[error("The activation code is not in the expected form (server name, then 13 letters and digits); read it again from the helpdesk.")]
    CodeFormat,
    /// A manual activation code's check character does not match (a typo).
    #[error("The activation code has a typo (its check character does not match); compare it again with the helpdesk.")]
    CodeCheck,
    /// The message uses a protocol version this app does not speak.
    #[error("The server uses a newer duet protocol version; update the duet app.")]
    UnknownVersion,
    /// The message is truncated, not JSON, or its fields are malformed.
    #[error("The server sent a damaged message; nothing was approved. Try again or contact the helpdesk.")]
    Malformed,
    /// The message is of another kind than expected here (e.g. a rotation where a request was expected).
    #[error("The server sent an unexpected kind of message; nothing was approved.")]
    WrongType,
    /// The signature does not verify with the key this account trusts.
    #[error("The sign-in request is not signed by your server's key and was rejected; report this to the helpdesk.")]
    BadSignature,
    /// The message is addressed to another account (audience mismatch).
    #[error("The sign-in request is meant for another account and was rejected; report this to the helpdesk.")]
    WrongAccount,
    /// The request has expired (by the phone's clock, with the skew allowance).
    #[error("The sign-in request has expired; start the sign-in again. If this keeps happening, check your phone's clock (it seems {offset_secs} s off).")]
    Expired {
        /// Server time minus phone time seen in the signed request, in seconds.
        offset_secs: i64,
    },
    /// The request was issued later than the phone's clock allows.
    #[error("The sign-in request is dated in the future; your phone's clock seems {offset_secs} s off, correct it and try again.")]
    NotYetValid {
        /// Server time minus phone time seen in the signed request, in seconds.
        offset_secs: i64,
    },
    /// The request claims a lifetime longer than the protocol allows.
    #[error("The sign-in request is valid for too long to be safe and was rejected; report this to the helpdesk.")]
    LifetimeTooLong,
    /// This request was already answered on this phone.
    #[error("This sign-in request was already answered; it was not shown again.")]
    Replayed,
    /// Approving needs the number shown on the sign-in screen.
    #[error("Type or pick the number shown on the sign-in screen to approve.")]
    NumberRequired,
    /// The number given is not a valid choice for this request.
    #[error("That number is not valid for this sign-in; type the number shown on the sign-in screen.")]
    NumberInvalid,
    /// The device key could not sign (cancelled biometric prompt, key lost, keystore error).
    #[error("{0}")]
    Signer(#[from] crate::push::SignerError),
    /// A public key has the wrong form or is not on the curve.
    #[error("A public key is not a valid P-256 key; ask your helpdesk for a new enrollment.")]
    KeyInvalid,
    /// The signature algorithm is not supported here.
    #[error("The key uses a signature algorithm duet does not support here.")]
    Algorithm,
    /// The server's registration answer names another enrollment or device key.
    #[error("The server confirmed a different device key or enrollment; the enrollment was not saved. Try again.")]
    RegistrationMismatch,
    /// The app describes the device with a name, platform or keystore the protocol does not allow.
    #[error("The device description is not valid (name of 1 to 100 bytes without hidden characters; a known platform and keystore); this is a bug in the app.")]
    DeviceInfo,
    /// The offline passcode secret in the server's registration answer does not open with this
    /// registration's agreement key (wrong key, altered ciphertext, or another enrollment's).
    #[error("The offline passcode secret from the server could not be decrypted; the enrollment was not saved. Try again.")]
    OfflineSecret,
    /// The replay store failed (storage error); fail safe.
    #[error("The phone could not record the answered request ({0}); nothing was approved, try again.")]
    ReplayStore(String),
    /// The random number generator failed.
    #[error("The phone's random number generator failed; try again.")]
    Random,
    /// The duet server refused a call (non-2xx status); `reason` is its error code or the status.
    #[error("The server refused the request ({reason}); nothing was changed. Try again, or contact the helpdesk if it persists.")]
    Server {
        /// The server's error code (letters, digits, `_`) or `HTTP <status>`.
        reason: String,
    },
}

impl ErrorCode for PushError {
    fn code(&self) -> &'static str {
        match self {
            PushError::LinkScheme => "E_PUSH_LINK_SCHEME",
            PushError::LinkParam(_) => "E_PUSH_LINK_PARAM",
            PushError::LinkExpired => "E_PUSH_LINK_EXPIRED",
            PushError::InsecureUrl => "E_PUSH_URL_INSECURE",
            PushError::CodeFormat => "E_PUSH_CODE_FORMAT",
            PushError::CodeCheck => "E_PUSH_CODE_CHECK",
            PushError::UnknownVersion => "E_PUSH_VERSION",
            PushError::Malformed => "E_PUSH_MALFORMED",
            PushError::WrongType => "E_PUSH_WRONG_TYPE",
            PushError::BadSignature => "E_PUSH_BAD_SIGNATURE",
            PushError::WrongAccount => "E_PUSH_WRONG_ACCOUNT",
            PushError::Expired { .. } => "E_PUSH_EXPIRED",
            PushError::NotYetValid { .. } => "E_PUSH_NOT_YET_VALID",
            PushError::LifetimeTooLong => "E_PUSH_LIFETIME",
            PushError::Replayed => "E_PUSH_REPLAYED",
            PushError::NumberRequired => "E_PUSH_NUMBER_REQUIRED",
            PushError::NumberInvalid => "E_PUSH_NUMBER_INVALID",
            PushError::Signer(e) => e.code(),
            PushError::KeyInvalid => "E_PUSH_KEY_INVALID",
            PushError::Algorithm => "E_PUSH_ALGORITHM",
            PushError::RegistrationMismatch => "E_PUSH_REGISTRATION_MISMATCH",
            PushError::DeviceInfo => "E_PUSH_DEVICE_INFO",
            PushError::OfflineSecret => "E_PUSH_OFFLINE_SECRET",
            PushError::ReplayStore(_) => "E_PUSH_REPLAY_STORE",
            PushError::Random => "E_PUSH_RANDOM",
            PushError::Server { .. } => "E_PUSH_SERVER",
        }
    }
}
