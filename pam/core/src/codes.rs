//! The module's stable codes, carried by every log line of a refusal or failure (the server's own
//! `E_SRV_…` code when the server refused). Meanings and guidance: pam/core/src/error_catalog.rs,
//! rendered into docs/errors.md.

/// The configuration (module arguments, the file, the key file, `cafile`) was refused.
pub const CONFIG: &str = "E_PAM_CONFIG";
/// PAM gave no usable user name (missing, empty, too long, control characters).
pub const USER_NAME: &str = "E_PAM_USER_NAME";
/// The user's groups could not be read for `groups`.
pub const GROUPS: &str = "E_PAM_GROUPS";
/// The first call could not connect and `failmode = secure` denied.
pub const UNREACHABLE: &str = "E_PAM_UNREACHABLE";
/// The first call could not connect and `failmode = safe` let the user in.
pub const FAIL_SAFE: &str = "W_PAM_FAILMODE_SAFE";
/// A call failed after the server had answered, or the answer was unusable.
pub const SERVER_FAILED: &str = "E_PAM_SERVER_FAILED";
/// A break-glass code let the user in while the server could not be reached.
pub const BREAK_GLASS_USED: &str = "W_PAM_BREAK_GLASS_USED";
/// The break-glass file could not be used.
pub const BREAK_GLASS_FILE: &str = "E_PAM_BREAK_GLASS_FILE";
/// The PAM conversation (the calling program's prompt) failed.
pub const CONVERSATION: &str = "E_PAM_CONVERSATION";
/// The typed text is not a passcode.
pub const NOT_PASSCODE: &str = "E_PAM_NOT_PASSCODE";
/// Every prompt was used without success.
pub const PROMPTS_USED: &str = "E_PAM_PROMPTS_USED";
/// The push was denied in the app.
pub const PUSH_DENIED: &str = "E_PAM_PUSH_DENIED";
/// The push was reported as fraud in the app.
pub const PUSH_FRAUD: &str = "E_PAM_PUSH_FRAUD";
/// The push expired unanswered.
pub const PUSH_EXPIRED: &str = "E_PAM_PUSH_EXPIRED";
/// A wrong number was typed in the app.
pub const PUSH_WRONG_NUMBER: &str = "E_PAM_PUSH_WRONG_NUMBER";
/// The module stopped waiting for the push's outcome.
pub const PUSH_NO_ANSWER: &str = "E_PAM_PUSH_NO_ANSWER";
