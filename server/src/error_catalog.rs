//! The server's codes (the verifier's `E_VERIFIER_...` and the HTTP layer's `E_SRV_...`): what
//! each means and what to tell the user. The helpdesk shows the `tell` text beside an error, and
//! `docs/errors.md` is generated from this list together with the other crates' (see
//! `tests/tests/errors_doc.rs`).

use duet_core::error::{CodeDoc, Section};

const VERIFIER: Section = Section {
    heading: "Push protocol, server side (`verifier`)",
    level: 2,
    lead: "",
};

const SERVER: Section = Section {
    heading: "Reference server (`server`)",
    level: 2,
    lead: "",
};

/// The codes, in the order `docs/errors.md` lists them.
pub static CODES: &[CodeDoc] = &[
    CodeDoc {
        code: "E_VERIFIER_MALFORMED",
        section: &VERIFIER,
        when: "a device message is truncated, not JSON, oversized, has unknown or invalid fields",
        tell: "the app or client is faulty; update it (HTTP 400).",
    },
    CodeDoc {
        code: "E_VERIFIER_VERSION",
        section: &VERIFIER,
        when: "a device message uses a protocol version other than 1",
        tell: "update the duet app (HTTP 400).",
    },
    CodeDoc {
        code: "E_VERIFIER_WRONG_TYPE",
        section: &VERIFIER,
        when: "a signed message of another kind was sent to this endpoint",
        tell: "the client is faulty (HTTP 400).",
    },
    CodeDoc {
        code: "E_VERIFIER_BAD_SIGNATURE",
        section: &VERIFIER,
        when: "the message is not signed by the registered device key (or the new key, on rotation)",
        tell: "the device may be revoked or the request forged; re-enroll if the user's phone was reset (HTTP 401).",
    },
    CodeDoc {
        code: "E_VERIFIER_ENROLLMENT_UNKNOWN",
        section: &VERIFIER,
        when: "the enrollment id or activation code is unknown",
        tell: "create a new enrollment (HTTP 404).",
    },
    CodeDoc {
        code: "E_VERIFIER_ENROLLMENT_EXPIRED",
        section: &VERIFIER,
        when: "the enrollment expired before the phone registered",
        tell: "create a new enrollment (HTTP 410).",
    },
    CodeDoc {
        code: "E_VERIFIER_ENROLLMENT_USED",
        section: &VERIFIER,
        when: "the one-time enrollment was already used by a device",
        tell: "create a new enrollment for a second device (HTTP 409).",
    },
    CodeDoc {
        code: "E_VERIFIER_ENROLLMENT_PROOF",
        section: &VERIFIER,
        when: "the registration's proof does not match the enrollment secret",
        tell: "scan the current QR code again (HTTP 401).",
    },
    CodeDoc {
        code: "E_VERIFIER_WRONG_ACCOUNT",
        section: &VERIFIER,
        when: "the message's account id is not the device's or the request's",
        tell: "the client is faulty or the message was redirected (HTTP 403).",
    },
    CodeDoc {
        code: "E_VERIFIER_WRONG_REQUEST",
        section: &VERIFIER,
        when: "the answer names another challenge or hashes other request bytes than this device was sent",
        tell: "nothing was accepted; start the sign-in again (HTTP 409).",
    },
    CodeDoc {
        code: "E_VERIFIER_EXPIRED",
        section: &VERIFIER,
        when: "the answer arrived after the request expired",
        tell: "start the sign-in again (HTTP 410).",
    },
    CodeDoc {
        code: "E_VERIFIER_ALREADY_ANSWERED",
        section: &VERIFIER,
        when: "the request was already answered (on this or another device) or closed",
        tell: "nothing to do; start a new sign-in if needed (HTTP 409).",
    },
    CodeDoc {
        code: "E_VERIFIER_WRONG_NUMBER",
        section: &VERIFIER,
        when: "the typed or picked number is not the one shown; the request is closed as failed",
        tell: "start the sign-in again and type the number on the sign-in screen (HTTP 403).",
    },
    CodeDoc {
        code: "E_VERIFIER_NUMBER_MISSING",
        section: &VERIFIER,
        when: "an approval of a number-matching request carries no number, or a number where none was asked; the request is closed as failed",
        tell: "start the sign-in again (HTTP 400).",
    },
    CodeDoc {
        code: "E_VERIFIER_STALE",
        section: &VERIFIER,
        when: "a signed poll, push-token, rotation or unenrollment message is more than 300 s from server time",
        tell: "set the phone's clock to automatic time (HTTP 401).",
    },
    CodeDoc {
        code: "E_VERIFIER_KEY_INVALID",
        section: &VERIFIER,
        when: "a device, agreement (`ek`) or server key is not a valid P-256 key",
        tell: "enroll again with a supported keystore (HTTP 400).",
    },
    CodeDoc {
        code: "E_VERIFIER_ALGORITHM",
        section: &VERIFIER,
        when: "the device key's algorithm is not supported",
        tell: "enroll with an ES256 key (HTTP 400).",
    },
    CodeDoc {
        code: "E_VERIFIER_INPUT",
        section: &VERIFIER,
        when: "the server's own call is invalid (empty user, overlong text, bad URL, no devices, unsupported digits)",
        tell: "fix the calling application's parameters.",
    },
    CodeDoc {
        code: "E_VERIFIER_SERVER_KEY_UNKNOWN",
        section: &VERIFIER,
        when: "a phone's poll names a server key this server never had (a phone restored from another server's backup, or a server database restored from before its key)",
        tell: "revoke the device and enroll the phone again.",
    },
    CodeDoc {
        code: "E_VERIFIER_RANDOM",
        section: &VERIFIER,
        when: "the server's random number generator failed",
        tell: "retry; check the server host's entropy source.",
    },
    CodeDoc {
        code: "E_SRV_BAD_REQUEST",
        section: &SERVER,
        when: "a request body, form, path or query parameter is malformed, has unknown fields or wrong types",
        tell: "the application or page sent a broken request; update the client or reload the page.",
    },
    CodeDoc {
        code: "E_SRV_TOO_LARGE",
        section: &SERVER,
        when: "a request body is larger than the server accepts (16 KiB on the device endpoints, 64 KiB on the sign-in API and the helpdesk)",
        tell: "send a smaller request; nothing was stored.",
    },
    CodeDoc {
        code: "E_SRV_API_KEY_MISSING",
        section: &SERVER,
        when: "an application called the sign-in API without `Authorization: Bearer <key>`",
        tell: "configure the application with the API key the helpdesk created for it.",
    },
    CodeDoc {
        code: "E_SRV_API_KEY_INVALID",
        section: &SERVER,
        when: "the API key matches no live application",
        tell: "create a new application key on the helpdesk page and configure it.",
    },
    CodeDoc {
        code: "E_SRV_ADMIN_KEY_MISSING",
        section: &SERVER,
        when: "an admin API call came without `Authorization: Bearer <admin key>`",
        tell: "configure the script with an admin API key from the helpdesk page or `duet admin-key create` (HTTP 401).",
    },
    CodeDoc {
        code: "E_SRV_ADMIN_KEY_INVALID",
        section: &SERVER,
        when: "the admin API key matches no live admin key (mistyped, revoked, or an application key)",
        tell: "create a new admin API key and configure it (HTTP 401).",
    },
    CodeDoc {
        code: "E_SRV_ADMIN_KEY_READ_ONLY",
        section: &SERVER,
        when: "a read-only admin API key asked for a change; nothing was changed",
        tell: "use a read-write admin API key for changes (HTTP 403).",
    },
    CodeDoc {
        code: "E_SRV_ADMIN_KEY_SELF",
        section: &SERVER,
        when: "an admin API key asked to revoke itself",
        tell: "revoke it with another key, on the helpdesk page or with `duet admin-key revoke` (HTTP 409).",
    },
    CodeDoc {
        code: "E_SRV_ADMIN_KEY_UNKNOWN",
        section: &SERVER,
        when: "no live admin API key has that id",
        tell: "list the admin keys and use a current id (HTTP 404).",
    },
    CodeDoc {
        code: "E_SRV_APPLICATION_UNKNOWN",
        section: &SERVER,
        when: "no live application has that id",
        tell: "list the applications and use a current id (HTTP 404).",
    },
    CodeDoc {
        code: "E_SRV_SERVICE_ACCOUNT",
        section: &SERVER,
        when: "a test push was asked for a service account, which signs in without a second factor",
        tell: "nothing to test; require 2FA for the account first if it should have one (HTTP 409).",
    },
    CodeDoc {
        code: "E_SRV_METHOD_NOT_ALLOWED",
        section: &SERVER,
        when: "an admin API path was called with an HTTP method it does not support",
        tell: "check the method against docs/admin-api.json (HTTP 405).",
    },
    CodeDoc {
        code: "E_SRV_USER_NAME_INVALID",
        section: &SERVER,
        when: "a user name is empty, longer than 128 characters or has control characters",
        tell: "type the user's name again using 1 to 128 printable characters.",
    },
    CodeDoc {
        code: "E_SRV_USER_UNKNOWN",
        section: &SERVER,
        when: "no user has that name (case-insensitive, UPN-aware if enabled)",
        tell: "check the spelling or add the user on the helpdesk page.",
    },
    CodeDoc {
        code: "E_SRV_USER_EXISTS",
        section: &SERVER,
        when: "a user with that name (ignoring case) already exists",
        tell: "open the existing user instead of adding a new one.",
    },
    CodeDoc {
        code: "E_SRV_NO_DEVICE",
        section: &SERVER,
        when: "a push was started for a user with no enrolled device",
        tell: "start an enrollment for the user on the helpdesk page, or use a bypass code.",
    },
    CodeDoc {
        code: "E_SRV_PUSH_PENDING",
        section: &SERVER,
        when: "a push is already waiting on the user's phone",
        tell: "ask the user to answer the request on the phone, or wait until it expires.",
    },
    CodeDoc {
        code: "E_SRV_RATE_LIMITED",
        section: &SERVER,
        when: "too many pushes for this user in the rate window",
        tell: "wait a few minutes before sending another request; repeated prompts may be an attack.",
    },
    CodeDoc {
        code: "E_SRV_LOOKUP_LIMITED",
        section: &SERVER,
        when: "too many wrong manual activation codes were looked up from this address in a minute (30), or from everyone (1000)",
        tell: "check the code for typos and try again in a minute; many wrong codes from one place may be an attack.",
    },
    CodeDoc {
        code: "E_SRV_PUSH_MUTED",
        section: &SERVER,
        when: "pushes are paused after the user reported a sign-in as fraud",
        tell: "check with the user that their password is safe, then lift the pause on the helpdesk page.",
    },
    CodeDoc {
        code: "E_SRV_PUSH_SLOWED",
        section: &SERVER,
        when: "pushes are paused for a few minutes after a wrong number was entered on the phone (someone may be sending pushes and hoping for a blind guess)",
        tell: "the passcode from the app still works; ask whether the user started those sign-ins, and lift the pause on the helpdesk page if they did.",
    },
    CodeDoc {
        code: "E_SRV_PASSCODE_WRONG",
        section: &SERVER,
        when: "the passcode matches no current code and no live bypass code",
        tell: "ask the user to read a fresh code from the app.",
    },
    CodeDoc {
        code: "E_SRV_PASSCODE_REUSED",
        section: &SERVER,
        when: "the passcode was already accepted once",
        tell: "ask the user to wait for the next code in the app.",
    },
    CodeDoc {
        code: "E_SRV_LOCKED_OUT",
        section: &SERVER,
        when: "too many wrong passcodes in a row (for the user, or from one client address)",
        tell: "wait for the lockout to end (15 minutes, longer after repeated lockouts), or check the user's identity and use \"Unlock passcodes\" on the helpdesk page or issue a one-time bypass code.",
    },
    CodeDoc {
        code: "E_SRV_REQUEST_TIMEOUT",
        section: &SERVER,
        when: "a request, its body included, took longer than 45 seconds to arrive and be answered",
        tell: "the network is very slow or the client stalled; try again (HTTP 408).",
    },
    CodeDoc {
        code: "E_SRV_LOGIN_LOCKED",
        section: &SERVER,
        when: "helpdesk sign-in paused: 5 wrong admin passwords or authenticator codes from this address in 15 minutes, or 50 for this admin name from everywhere",
        tell: "wait 15 minutes; the server's operator can lift the pause with `duet admin unlock NAME --data-dir DIR`.",
    },
    CodeDoc {
        code: "E_SRV_SIGNIN_UNKNOWN",
        section: &SERVER,
        when: "the sign-in id is unknown to this application",
        tell: "start a new sign-in.",
    },
    CodeDoc {
        code: "E_SRV_DEVICE_UNKNOWN",
        section: &SERVER,
        when: "the device does not exist or is already revoked",
        tell: "reload the user's page.",
    },
    CodeDoc {
        code: "E_SRV_ENROLLMENT_UNKNOWN",
        section: &SERVER,
        when: "the enrollment id or activation code is unknown or already used",
        tell: "create a new enrollment on the helpdesk page.",
    },
    CodeDoc {
        code: "E_SRV_ENROLLMENT_EXPIRED",
        section: &SERVER,
        when: "the enrollment passed its expiry before the phone registered",
        tell: "create a new enrollment and ask the user to scan it right away.",
    },
    CodeDoc {
        code: "E_SRV_LOGIN_FAILED",
        section: &SERVER,
        when: "the helpdesk admin name or password is wrong",
        tell: "type the admin name and password again.",
    },
    CodeDoc {
        code: "E_SRV_LOGIN_REQUIRED",
        section: &SERVER,
        when: "a helpdesk page was opened without a valid session",
        tell: "sign in to the helpdesk page again.",
    },
    CodeDoc {
        code: "E_SRV_FACTOR_REQUIRED",
        section: &SERVER,
        when: "a helpdesk form was posted by a session that passed the password but not the authenticator code",
        tell: "enter the current code from the admin's authenticator app on the second sign-in page.",
    },
    CodeDoc {
        code: "E_SRV_FACTOR_WRONG",
        section: &SERVER,
        when: "the helpdesk admin's authenticator code matches no current code (counted like a wrong password)",
        tell: "check the authenticator's clock and type the current code; if the authenticator is lost, the server's operator resets it with `duet admin reset-factor`.",
    },
    CodeDoc {
        code: "E_SRV_FACTOR_REUSED",
        section: &SERVER,
        when: "the helpdesk admin's authenticator code was already accepted once",
        tell: "wait for the next code (up to 30 seconds) and type it.",
    },
    CodeDoc {
        code: "E_SRV_CSRF",
        section: &SERVER,
        when: "a helpdesk form was posted without this session's CSRF token",
        tell: "reload the page and submit the form again.",
    },
    CodeDoc {
        code: "E_SRV_NOT_FOUND",
        section: &SERVER,
        when: "no page or endpoint at that path",
        tell: "check the address.",
    },
    CodeDoc {
        code: "E_SRV_STORAGE",
        section: &SERVER,
        when: "the server's SQLite database failed",
        tell: "the administrator should check the server log, disk space and file permissions.",
    },
    CodeDoc {
        code: "E_SRV_KEY_FILE",
        section: &SERVER,
        when: "the sealing key file is missing, unreadable, malformed or readable by other users",
        tell: "restore the key file and run chmod 600 on it.",
    },
    CodeDoc {
        code: "E_SRV_KEY_UNSEAL",
        section: &SERVER,
        when: "the sealed server key does not open with the key file",
        tell: "restore the key file that belongs to this database.",
    },
    CodeDoc {
        code: "E_SRV_CONFIG",
        section: &SERVER,
        when: "the server cannot start with its configuration (admin password file, TLS files, listen address)",
        tell: "fix the option named in the message and start again.",
    },
];
