//! privacyIDEA push errors, each with a stable code.

use crate::error::ErrorCode;
use crate::transport::TransportError;

/// What went wrong talking privacyIDEA's push protocol.
///
/// Every variant means "nothing was approved": the flow stops before any answer
/// is signed, or the server did not confirm the answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PiPushError {
    /// Not an `otpauth://pipush/` or `pia://pipush/` link, or not parseable.
    #[error("This is not a valid privacyIDEA push enrollment link; scan the QR code again.")]
    Uri,
    /// A required parameter of the enrollment link is missing or empty.
    #[error("The privacyIDEA enrollment link has no '{0}'; ask your administrator for a new QR code.")]
    UriMissing(&'static str),
    /// A parameter of the enrollment link has a value duet cannot use.
    #[error("The privacyIDEA enrollment link has an invalid '{0}'; ask your administrator for a new QR code.")]
    UriInvalid(&'static str),
    /// The link asks for a protocol version duet does not speak.
    #[error("This privacyIDEA server uses push version {0}, which this duet version does not support; update duet.")]
    Version(String),
    /// The server's public key is missing, malformed or too weak.
    #[error("The privacyIDEA server sent an unusable public key; ask your administrator.")]
    ServerKey,
    /// The device key stored for the account cannot be used.
    #[error("The device key of this push account is damaged; remove the account and enroll it again.")]
    DeviceKey,
    /// Generating the device key failed (no system randomness).
    #[error("duet could not create a device key (the system's random source failed); try again.")]
    KeyGeneration,
    /// The server refused the second enrollment step.
    #[error("The privacyIDEA server refused the enrollment (the QR code may have expired or been used); ask for a new QR code.")]
    EnrollRejected,
    /// The server rejected a poll because this device's clock is off.
    #[error("The privacyIDEA server rejected the request because this device's clock is wrong; set the date and time automatically and try again.")]
    Clock,
    /// The server refused our signed poll or answer (for example the token was removed).
    #[error("The privacyIDEA server refused this device's signature; the token may have been deleted or re-enrolled.")]
    DeviceRejected,
    /// Any other error the server reported.
    #[error("The privacyIDEA server reported an error; try again later or ask your administrator.")]
    Server,
    /// The answer was not valid JSON of the expected shape.
    #[error("The privacyIDEA server sent an answer duet does not understand; try again later.")]
    Response,
    /// A push request's signature does not verify with the server's key.
    #[error("A sign-in request did not carry a valid signature from your privacyIDEA server and was ignored.")]
    Signature,
    /// A request names another token's serial.
    #[error("A sign-in request was addressed to another token and was ignored.")]
    WrongSerial,
    /// The request was already answered on this device.
    #[error("This sign-in request was already answered on this device.")]
    AlreadyAnswered,
    /// Presence mode: the server asks the user to pick an answer and none was given.
    #[error("This sign-in request asks you to pick the answer shown on the sign-in screen; give it with --answer.")]
    PresenceRequired,
    /// Presence mode: the given answer is not one of the offered ones.
    #[error("That answer is not one of the choices offered for this sign-in request.")]
    PresenceAnswer,
    /// The server did not accept the answer (request expired or was answered elsewhere).
    #[error("The privacyIDEA server did not accept the answer; the sign-in request may have expired.")]
    AnswerRejected,
    /// The device key (software or platform) could not sign.
    #[error(transparent)]
    Signer(#[from] crate::push::SignerError),
    /// The HTTP exchange failed.
    #[error(transparent)]
    Transport(#[from] TransportError),
}

impl ErrorCode for PiPushError {
    fn code(&self) -> &'static str {
        match self {
            PiPushError::Uri => "E_PIPUSH_URI",
            PiPushError::UriMissing(_) => "E_PIPUSH_URI_MISSING",
            PiPushError::UriInvalid(_) => "E_PIPUSH_URI_INVALID",
            PiPushError::Version(_) => "E_PIPUSH_VERSION",
            PiPushError::ServerKey => "E_PIPUSH_SERVER_KEY",
            PiPushError::DeviceKey => "E_PIPUSH_DEVICE_KEY",
            PiPushError::KeyGeneration => "E_PIPUSH_KEYGEN",
            PiPushError::EnrollRejected => "E_PIPUSH_ENROLL_REJECTED",
            PiPushError::Clock => "E_PIPUSH_CLOCK",
            PiPushError::DeviceRejected => "E_PIPUSH_DEVICE_REJECTED",
            PiPushError::Server => "E_PIPUSH_SERVER",
            PiPushError::Response => "E_PIPUSH_RESPONSE",
            PiPushError::Signature => "E_PIPUSH_SIGNATURE",
            PiPushError::WrongSerial => "E_PIPUSH_WRONG_SERIAL",
            PiPushError::AlreadyAnswered => "E_PIPUSH_ALREADY_ANSWERED",
            PiPushError::PresenceRequired => "E_PIPUSH_PRESENCE_REQUIRED",
            PiPushError::PresenceAnswer => "E_PIPUSH_PRESENCE_ANSWER",
            PiPushError::AnswerRejected => "E_PIPUSH_ANSWER_REJECTED",
            PiPushError::Signer(e) => e.code(),
            PiPushError::Transport(t) => t.code(),
        }
    }
}
