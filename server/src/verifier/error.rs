//! Errors of the server-side verifier.

use duet_core::ErrorCode;

/// Why the verifier refused a device message or a server call.
///
/// [`VerifierError::http_status`] gives the status the reference server answers with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifierError {
    /// Truncated, non-JSON, oversized or invalid message.
    #[error("The message from the phone is damaged or not a duet v1 message; update the app and try again.")]
    Malformed,
    /// Unknown protocol version.
    #[error("The phone uses another duet protocol version; update the duet app.")]
    UnknownVersion,
    /// A signed message of another kind.
    #[error("The phone sent an unexpected kind of message to this endpoint.")]
    WrongType,
    /// Signature does not verify with the registered key.
    #[error("The message is not signed by the registered device key; if the phone was reset, enroll it again.")]
    BadSignature,
    /// An answer signed by the device key of a device that registered an answer key.
    #[error("The answer is signed by the device key, but this device's answers must be signed by its answer key, which needs the user for every use; update the duet app.")]
    AnswerKeyRequired,
    /// Unknown enrollment.
    #[error("This enrollment or activation code is unknown; create a new enrollment.")]
    EnrollmentUnknown,
    /// Enrollment expired.
    #[error("This enrollment has expired; create a new enrollment.")]
    EnrollmentExpired,
    /// Enrollment already used.
    #[error("This enrollment was already used by a device; create a new enrollment for another device.")]
    EnrollmentUsed,
    /// Registration proof wrong.
    #[error("The phone did not prove it saw this enrollment's QR code; scan the current QR code again.")]
    EnrollmentProof,
    /// Account id mismatch.
    #[error("The message is addressed to another account.")]
    WrongAccount,
    /// Answer for another challenge or other request bytes.
    #[error("The answer does not belong to this sign-in request; start the sign-in again.")]
    WrongRequest,
    /// Answer after expiry.
    #[error("The sign-in request expired before it was answered; start the sign-in again.")]
    Expired,
    /// Already answered or closed.
    #[error("This sign-in request was already answered or closed.")]
    AlreadyAnswered,
    /// Wrong number: the request is now failed.
    #[error("The number entered on the phone did not match the sign-in screen; the sign-in failed, start it again.")]
    WrongNumber,
    /// No number where one is required (or one where none is asked).
    #[error("The approval did not carry the number from the sign-in screen; the sign-in failed, start it again.")]
    NumberMissing,
    /// Device call timestamp too far from server time.
    #[error("The phone's clock is more than 5 minutes off; set it to automatic time and try again.")]
    Stale,
    /// Invalid key.
    #[error("The key is not a valid P-256 public key; enroll again.")]
    KeyInvalid,
    /// Unsupported algorithm.
    #[error("The device key uses an unsupported algorithm; enroll with an ES256 key.")]
    Algorithm,
    /// The server's own parameters are invalid.
    #[error("Invalid sign-in parameters ({0}); fix the calling application.")]
    Input(&'static str),
    /// A poll names a server key this server never had.
    #[error("The phone trusts a server key this server does not have; enroll the phone again.")]
    ServerKeyUnknown,
    /// The random number generator failed.
    #[error("The server's random number generator failed; try again.")]
    Random,
}

impl VerifierError {
    /// The HTTP status the reference server answers with.
    pub fn http_status(&self) -> u16 {
        use VerifierError::*;
        match self {
            Malformed | UnknownVersion | WrongType | KeyInvalid | Algorithm | NumberMissing | Input(_) => 400,
            BadSignature | AnswerKeyRequired | EnrollmentProof | Stale => 401,
            WrongAccount | WrongNumber => 403,
            EnrollmentUnknown => 404,
            EnrollmentUsed | WrongRequest | AlreadyAnswered | ServerKeyUnknown => 409,
            EnrollmentExpired | Expired => 410,
            Random => 500,
        }
    }
}

impl ErrorCode for VerifierError {
    fn code(&self) -> &'static str {
        use VerifierError::*;
        match self {
            Malformed => "E_VERIFIER_MALFORMED",
            UnknownVersion => "E_VERIFIER_VERSION",
            WrongType => "E_VERIFIER_WRONG_TYPE",
            BadSignature => "E_VERIFIER_BAD_SIGNATURE",
            AnswerKeyRequired => "E_VERIFIER_ANSWER_KEY_REQUIRED",
            EnrollmentUnknown => "E_VERIFIER_ENROLLMENT_UNKNOWN",
            EnrollmentExpired => "E_VERIFIER_ENROLLMENT_EXPIRED",
            EnrollmentUsed => "E_VERIFIER_ENROLLMENT_USED",
            EnrollmentProof => "E_VERIFIER_ENROLLMENT_PROOF",
            WrongAccount => "E_VERIFIER_WRONG_ACCOUNT",
            WrongRequest => "E_VERIFIER_WRONG_REQUEST",
            Expired => "E_VERIFIER_EXPIRED",
            AlreadyAnswered => "E_VERIFIER_ALREADY_ANSWERED",
            WrongNumber => "E_VERIFIER_WRONG_NUMBER",
            NumberMissing => "E_VERIFIER_NUMBER_MISSING",
            Stale => "E_VERIFIER_STALE",
            KeyInvalid => "E_VERIFIER_KEY_INVALID",
            Algorithm => "E_VERIFIER_ALGORITHM",
            Input(_) => "E_VERIFIER_INPUT",
            ServerKeyUnknown => "E_VERIFIER_SERVER_KEY_UNKNOWN",
            Random => "E_VERIFIER_RANDOM",
        }
    }
}

impl VerifierError {
    /// The JSON error body servers send: `{"error":"E_…","message":"…"}`.
    pub fn to_json(&self) -> String {
        serde_json::json!({ "error": self.code(), "message": self.to_string() }).to_string()
    }
}
