//! The server's errors: each a stable code, an HTTP status and one sentence.
//!
//! API clients get `{"error":"E_...","message":"..."}`; the helpdesk page shows the code
//! together with the guidance line from the error catalogs (see [`guidance`]).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use crate::verifier::VerifierError;
use duet_core::ErrorCode;

/// Everything that can go wrong while serving a request or starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Body is not the JSON or form this endpoint expects.
    #[error("The request is malformed: {0}.")]
    BadRequest(String),
    /// Body larger than the configured limit.
    #[error("The request body is larger than this server accepts.")]
    TooLarge,
    /// No `Authorization: Bearer` API key on an application call.
    #[error("The application did not send its API key; configure the key the helpdesk created for it.")]
    ApiKeyMissing,
    /// An API key that matches no application.
    #[error("The application's API key is not valid; create a new key on the helpdesk page.")]
    ApiKeyInvalid,
    /// No `Authorization: Bearer` admin API key on an admin API call.
    #[error("The call did not send an admin API key; send one as Authorization: Bearer <key>.")]
    AdminKeyMissing,
    /// An admin API key that matches no live admin key.
    #[error("The admin API key is not valid or was revoked; create a new one on the helpdesk page or with duet admin-key create.")]
    AdminKeyInvalid,
    /// A change requested with a read-only admin API key.
    #[error("This admin API key is read-only; use a read-write key for changes.")]
    AdminKeyReadOnly,
    /// An admin API key asked to revoke itself.
    #[error("An admin API key cannot revoke itself; revoke it with another key, on the helpdesk page or with duet admin-key revoke.")]
    AdminKeySelf,
    /// No live admin API key with that id.
    #[error("There is no live admin API key with that id.")]
    AdminKeyUnknown,
    /// No live application with that id.
    #[error("There is no live application with that id.")]
    ApplicationUnknown,
    /// A test push for a service account.
    #[error("Service accounts sign in without a second factor; there is nothing to test.")]
    ServiceAccountNoPush,
    /// A method the path does not support.
    #[error("This endpoint does not support that HTTP method.")]
    MethodNotAllowed,
    /// A user name that is empty, too long or contains control characters.
    #[error("That user name is not valid; use 1 to 128 characters (at most 256 bytes) without control, bidirectional or invisible characters.")]
    UserNameInvalid,
    /// No user by that name.
    #[error("There is no user with that name; check the spelling or create the user first.")]
    UserUnknown,
    /// Creating a user whose name (case-insensitively) already exists.
    #[error("A user with that name already exists.")]
    UserExists,
    /// A push for a user with no active device.
    #[error("This user has no enrolled device; start an enrollment on the helpdesk page.")]
    NoDevice,
    /// A second push while one is pending for the same user.
    #[error("A sign-in request is already waiting on this user's phone; answer or let it expire first.")]
    PushPending,
    /// Too many pushes for this user in the rate window.
    #[error("Too many sign-in requests for this user in a short time; wait a few minutes and try again.")]
    RateLimited,
    /// Pushes paused after a wrong number.
    #[error("Push requests for this user are paused for a few minutes because a wrong number was entered on the phone; sign in with the passcode from the duet app meanwhile, or ask the helpdesk to lift the pause.")]
    PushSlowed,
    /// Too many wrong manual-code lookups from one address (or from everyone).
    #[error("Too many wrong activation-code lookups; wait a minute and try again.")]
    LookupLimited,
    /// Too many wrong admin passwords or second-factor codes from this address, or for this name.
    #[error("Too many wrong admin passwords or authenticator codes; helpdesk sign-in is paused for a while, or until the server's operator lifts the pause.")]
    LoginLocked,
    /// The request (its body included) took longer than the server waits.
    #[error("The request took too long to arrive; send it again.")]
    RequestTimeout,
    /// Pushes muted after a `not_me` answer.
    #[error("Push requests for this user are paused after they reported a sign-in as fraud; the helpdesk can lift the pause after checking with the user.")]
    PushMuted,
    /// Passcode that matches no current code.
    #[error("The passcode is wrong or has expired; read a fresh code from the app.")]
    PasscodeWrong,
    /// Passcode that was already accepted once.
    #[error("That passcode was already used; wait for the next code in the app.")]
    PasscodeReused,
    /// Too many wrong passcodes in a row.
    #[error("Too many wrong attempts; sign-in is locked for a while, try again later or call the helpdesk.")]
    LockedOut,
    /// Sign-in id unknown to this application.
    #[error("There is no such sign-in; start a new one.")]
    SigninUnknown,
    /// Device id unknown.
    #[error("There is no such device; reload the page.")]
    DeviceUnknown,
    /// Enrollment id unknown or already used.
    #[error("This enrollment is unknown or was already used; create a new enrollment on the helpdesk page.")]
    EnrollmentUnknown,
    /// Enrollment past its expiry.
    #[error("This enrollment has expired; create a new enrollment on the helpdesk page.")]
    EnrollmentExpired,
    /// Admin name or password wrong.
    #[error("The admin name or password is wrong.")]
    LoginFailed,
    /// A helpdesk session that passed the password but not yet the second factor.
    #[error("Finish the second sign-in step first: the code from your authenticator app, or your security key.")]
    FactorRequired,
    /// A second-factor code that matches no current code.
    #[error("The authenticator code is wrong or has expired; type the current code.")]
    FactorWrong,
    /// A second-factor code that was already accepted once.
    #[error("That authenticator code was already used; wait for the next code.")]
    FactorReused,
    /// Passkeys cannot work with this server's public URL (its host is an IP address).
    #[error("Security keys and passkeys need the server's public URL to name a host (such as localhost), not an IP address; use an authenticator app code.")]
    PasskeyUnavailable,
    /// A security key answer without a live request: never asked, expired, or already used.
    #[error("This security key request expired or was already answered; press the security key button again.")]
    PasskeyExpired,
    /// A security key answer that does not verify (wrong site, challenge, signature or key).
    #[error("The security key's answer was not accepted; try again, or use your authenticator app code if you have one.")]
    PasskeyRefused,
    /// Registering a security key when the admin already has a second factor.
    #[error("A second factor is already set up for this admin; sign in with it (the server's operator resets a lost one).")]
    PasskeySetupClosed,
    /// Helpdesk page without a session.
    #[error("Please sign in to the helpdesk page first.")]
    LoginRequired,
    /// Form post without the right CSRF token.
    #[error("The form was stale or did not come from this helpdesk page; reload the page and try again.")]
    Csrf,
    /// Unknown path.
    #[error("There is no such page or endpoint.")]
    NotFound,
    /// A protocol message was rejected by the verifier.
    #[error("{message}")]
    Protocol {
        /// The verifier's stable code.
        code: &'static str,
        /// The verifier's sentence.
        message: String,
        /// HTTP status to answer with.
        status: StatusCode,
    },
    /// Database failure.
    #[error("The server's database failed; the administrator should check the server log and disk.")]
    Storage(String),
    /// Key file missing, unreadable, too open or malformed.
    #[error("The server key file cannot be used: {0}.")]
    KeyFile(String),
    /// The sealed server key does not open with the key file.
    #[error("The sealed server key does not match the key file; restore the key file that belongs to this database.")]
    KeyUnseal,
    /// Startup configuration problem (admin password file, TLS files, bind address).
    #[error("The server configuration is not usable: {0}.")]
    Config(String),
}

impl ErrorCode for ServerError {
    fn code(&self) -> &'static str {
        use ServerError::*;
        match self {
            BadRequest(_) => "E_SRV_BAD_REQUEST",
            TooLarge => "E_SRV_TOO_LARGE",
            ApiKeyMissing => "E_SRV_API_KEY_MISSING",
            ApiKeyInvalid => "E_SRV_API_KEY_INVALID",
            AdminKeyMissing => "E_SRV_ADMIN_KEY_MISSING",
            AdminKeyInvalid => "E_SRV_ADMIN_KEY_INVALID",
            AdminKeyReadOnly => "E_SRV_ADMIN_KEY_READ_ONLY",
            AdminKeySelf => "E_SRV_ADMIN_KEY_SELF",
            AdminKeyUnknown => "E_SRV_ADMIN_KEY_UNKNOWN",
            ApplicationUnknown => "E_SRV_APPLICATION_UNKNOWN",
            ServiceAccountNoPush => "E_SRV_SERVICE_ACCOUNT",
            MethodNotAllowed => "E_SRV_METHOD_NOT_ALLOWED",
            UserNameInvalid => "E_SRV_USER_NAME_INVALID",
            UserUnknown => "E_SRV_USER_UNKNOWN",
            UserExists => "E_SRV_USER_EXISTS",
            NoDevice => "E_SRV_NO_DEVICE",
            PushPending => "E_SRV_PUSH_PENDING",
            RateLimited => "E_SRV_RATE_LIMITED",
            LookupLimited => "E_SRV_LOOKUP_LIMITED",
            LoginLocked => "E_SRV_LOGIN_LOCKED",
            RequestTimeout => "E_SRV_REQUEST_TIMEOUT",
            PushMuted => "E_SRV_PUSH_MUTED",
            PushSlowed => "E_SRV_PUSH_SLOWED",
            PasscodeWrong => "E_SRV_PASSCODE_WRONG",
            PasscodeReused => "E_SRV_PASSCODE_REUSED",
            LockedOut => "E_SRV_LOCKED_OUT",
            SigninUnknown => "E_SRV_SIGNIN_UNKNOWN",
            DeviceUnknown => "E_SRV_DEVICE_UNKNOWN",
            EnrollmentUnknown => "E_SRV_ENROLLMENT_UNKNOWN",
            EnrollmentExpired => "E_SRV_ENROLLMENT_EXPIRED",
            LoginFailed => "E_SRV_LOGIN_FAILED",
            LoginRequired => "E_SRV_LOGIN_REQUIRED",
            FactorRequired => "E_SRV_FACTOR_REQUIRED",
            FactorWrong => "E_SRV_FACTOR_WRONG",
            FactorReused => "E_SRV_FACTOR_REUSED",
            PasskeyUnavailable => "E_SRV_PASSKEY_UNAVAILABLE",
            PasskeyExpired => "E_SRV_PASSKEY_EXPIRED",
            PasskeyRefused => "E_SRV_PASSKEY_REFUSED",
            PasskeySetupClosed => "E_SRV_PASSKEY_SETUP_CLOSED",
            Csrf => "E_SRV_CSRF",
            NotFound => "E_SRV_NOT_FOUND",
            Protocol { code, .. } => code,
            Storage(_) => "E_SRV_STORAGE",
            KeyFile(_) => "E_SRV_KEY_FILE",
            KeyUnseal => "E_SRV_KEY_UNSEAL",
            Config(_) => "E_SRV_CONFIG",
        }
    }
}

impl ServerError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        use ServerError::*;
        match self {
            BadRequest(_) | UserNameInvalid => StatusCode::BAD_REQUEST,
            TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiKeyMissing | ApiKeyInvalid | LoginFailed | LoginRequired | FactorRequired | FactorWrong | FactorReused => StatusCode::UNAUTHORIZED,
            PasskeyExpired | PasskeyRefused => StatusCode::UNAUTHORIZED,
            PasskeyUnavailable | PasskeySetupClosed => StatusCode::CONFLICT,
            AdminKeyMissing | AdminKeyInvalid => StatusCode::UNAUTHORIZED,
            AdminKeyReadOnly => StatusCode::FORBIDDEN,
            AdminKeySelf | ServiceAccountNoPush => StatusCode::CONFLICT,
            AdminKeyUnknown | ApplicationUnknown => StatusCode::NOT_FOUND,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            PasscodeWrong | PasscodeReused => StatusCode::UNAUTHORIZED,
            Csrf => StatusCode::FORBIDDEN,
            UserUnknown | SigninUnknown | DeviceUnknown | EnrollmentUnknown | NotFound => {
                StatusCode::NOT_FOUND
            }
            EnrollmentExpired => StatusCode::GONE,
            UserExists | NoDevice | PushPending => StatusCode::CONFLICT,
            RateLimited | LookupLimited | LoginLocked | PushMuted | PushSlowed | LockedOut => StatusCode::TOO_MANY_REQUESTS,
            Protocol { status, .. } => *status,
            Storage(_) | KeyFile(_) | KeyUnseal | Config(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<rusqlite::Error> for ServerError {
    fn from(e: rusqlite::Error) -> Self {
        // The SQLite message never holds secrets (we bind values as parameters).
        ServerError::Storage(e.to_string())
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        if let ServerError::Storage(detail) = &self {
            eprintln!("duet server: storage error: {detail}");
        }
        // The same flat shape as the protocol's errors (docs/protocol.md).
        let body = serde_json::json!({"error": self.code(), "message": self.to_string()});
        (self.status(), axum::Json(body)).into_response()
    }
}

/// What to tell the user about `code`: its `tell` text in the core's or the server's catalog.
pub fn guidance(code: &str) -> Option<&'static str> {
    duet_core::error::catalog::lookup(code)
        .or_else(|| crate::error_catalog::CODES.iter().find(|d| d.code == code))
        .map(|d| d.tell)
}

impl From<VerifierError> for ServerError {
    fn from(e: VerifierError) -> Self {
        ServerError::Protocol {
            code: e.code(),
            message: e.to_string(),
            status: StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST),
        }
    }
}
