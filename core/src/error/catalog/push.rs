//! The codes of the duet push protocol on the device (`crate::push`): what each means and what to tell the user.

use super::{CodeDoc, Section};

const PUSH: Section = Section {
    heading: "Push protocol, device side (`push`)",
    level: 2,
    lead: "",
};

/// The codes, in the order `docs/errors.md` lists them.
pub(super) static CODES: &[CodeDoc] = &[
    CodeDoc {
        code: "E_PUSH_LINK_SCHEME",
        section: &PUSH,
        when: "the scanned text is not a `duet://enroll?` or `https://…/duet/enroll#…` link",
        tell: "scan the QR code on the helpdesk page again.",
    },
    CodeDoc {
        code: "E_PUSH_LINK_PARAM",
        section: &PUSH,
        when: "a parameter of the enrollment link is missing, duplicated or malformed (the message names it)",
        tell: "create a new enrollment and scan its QR code.",
    },
    CodeDoc {
        code: "E_PUSH_LINK_EXPIRED",
        section: &PUSH,
        when: "the enrollment's expiry has passed",
        tell: "create a new enrollment for the user.",
    },
    CodeDoc {
        code: "E_PUSH_URL_INSECURE",
        section: &PUSH,
        when: "the server URL is plain `http://` on a non-loopback host",
        tell: "configure the server with an `https://` URL.",
    },
    CodeDoc {
        code: "E_PUSH_CODE_FORMAT",
        section: &PUSH,
        when: "a manual activation code is not `host` followed by 13 Crockford Base32 characters",
        tell: "read the code again, with the server name first.",
    },
    CodeDoc {
        code: "E_PUSH_CODE_CHECK",
        section: &PUSH,
        when: "the activation code's check character does not match (a typo)",
        tell: "compare the code character by character with the helpdesk page.",
    },
    CodeDoc {
        code: "E_PUSH_VERSION",
        section: &PUSH,
        when: "a message or link uses a duet protocol version other than 1",
        tell: "update the duet app.",
    },
    CodeDoc {
        code: "E_PUSH_MALFORMED",
        section: &PUSH,
        when: "a server message is truncated, not JSON, oversized or has invalid fields; nothing was approved",
        tell: "retry; if it persists, the server is faulty or the connection is tampered with.",
    },
    CodeDoc {
        code: "E_PUSH_WRONG_TYPE",
        section: &PUSH,
        when: "a signed message of another kind arrived where a request (or registration answer) was expected",
        tell: "report to the server's administrator.",
    },
    CodeDoc {
        code: "E_PUSH_BAD_SIGNATURE",
        section: &PUSH,
        when: "a message is not signed by the server key the phone trusts (forged, tampered, or signed with another key)",
        tell: "do not approve anything; report it to the helpdesk.",
    },
    CodeDoc {
        code: "E_PUSH_WRONG_ACCOUNT",
        section: &PUSH,
        when: "a signed request names another account id (audience)",
        tell: "do not approve; report it to the helpdesk.",
    },
    CodeDoc {
        code: "E_PUSH_EXPIRED",
        section: &PUSH,
        when: "the request expired (phone clock, 120 s allowance)",
        tell: "start the sign-in again; if it repeats, correct the phone's clock (the message gives the offset).",
    },
    CodeDoc {
        code: "E_PUSH_NOT_YET_VALID",
        section: &PUSH,
        when: "the request is dated more than 120 s after the phone's clock",
        tell: "set the phone's clock to automatic time.",
    },
    CodeDoc {
        code: "E_PUSH_LIFETIME",
        section: &PUSH,
        when: "the request claims to be valid for more than 600 s",
        tell: "report to the server's administrator; such requests are refused.",
    },
    CodeDoc {
        code: "E_PUSH_REPLAYED",
        section: &PUSH,
        when: "a request with this challenge id was already answered on this phone",
        tell: "nothing to do; a replayed request is ignored.",
    },
    CodeDoc {
        code: "E_PUSH_NUMBER_REQUIRED",
        section: &PUSH,
        when: "approving a number-matching request without a number",
        tell: "type or pick the number shown on the sign-in screen.",
    },
    CodeDoc {
        code: "E_PUSH_NUMBER_INVALID",
        section: &PUSH,
        when: "the number has the wrong number of digits, is not one of the choices, or a number was given where none is asked",
        tell: "type exactly the number shown on the sign-in screen.",
    },
    CodeDoc {
        code: "E_PUSH_SIGNER_CANCELLED",
        section: &PUSH,
        when: "the biometric or PIN prompt guarding the device key was cancelled",
        tell: "approve again and confirm with fingerprint, face or PIN.",
    },
    CodeDoc {
        code: "E_PUSH_SIGNER_UNAVAILABLE",
        section: &PUSH,
        when: "the device key no longer exists in the phone's keystore (reset, restored backup)",
        tell: "revoke the device and enroll the phone again.",
    },
    CodeDoc {
        code: "E_PUSH_SIGNER_FAILED",
        section: &PUSH,
        when: "the keystore failed to sign",
        tell: "retry; if it persists, enroll the phone again.",
    },
    CodeDoc {
        code: "E_PUSH_KEY_INVALID",
        section: &PUSH,
        when: "a public or private key is not a valid P-256 key",
        tell: "create a new enrollment; if the server key is invalid, the server is misconfigured.",
    },
    CodeDoc {
        code: "E_PUSH_ALGORITHM",
        section: &PUSH,
        when: "a key uses an algorithm duet does not support here",
        tell: "enroll with a supported key type (ES256).",
    },
    CodeDoc {
        code: "E_PUSH_REGISTRATION_MISMATCH",
        section: &PUSH,
        when: "the server's signed registration answer names another enrollment or device key",
        tell: "retry enrollment; report if it repeats (possible interception).",
    },
    CodeDoc {
        code: "E_PUSH_DEVICE_INFO",
        section: &PUSH,
        when: "the app describes the device with an empty or overlong name, hidden characters, or an unknown platform or keystore",
        tell: "a bug in the app: report it with the app version.",
    },
    CodeDoc {
        code: "E_PUSH_OFFLINE_SECRET",
        section: &PUSH,
        when: "the offline passcode secret in the server's signed registration answer does not decrypt (HPKE) with this registration's agreement key",
        tell: "retry enrollment; if it repeats, the server seals to the wrong key (report it).",
    },
    CodeDoc {
        code: "E_PUSH_REPLAY_STORE",
        section: &PUSH,
        when: "the phone could not read or record answered requests (storage error); nothing was approved",
        tell: "free storage space or restart the app, then retry.",
    },
    CodeDoc {
        code: "E_PUSH_RANDOM",
        section: &PUSH,
        when: "the phone's random number generator failed",
        tell: "retry; restart the phone if it repeats.",
    },
    CodeDoc {
        code: "E_PUSH_SERVER",
        section: &PUSH,
        when: "the duet server refused a call (non-2xx HTTP status; the message names the server's error code or the status)",
        tell: "retry; if it persists, give the named code to the helpdesk.",
    },
];
