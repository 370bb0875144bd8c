//! The codes of the application layer (`crate::app`): what each means and what to tell the user.

use super::{CodeDoc, Section};

const APP: Section = Section {
    heading: "Application layer (`app`)",
    level: 2,
    lead: "",
};

/// The codes, in the order `docs/errors.md` lists them.
pub(super) static CODES: &[CodeDoc] = &[
    CodeDoc {
        code: "E_APP_UNKNOWN_TEXT",
        section: &APP,
        when: "the scanned or pasted text is not otpauth://, otpauth-migration://, a duet enrollment link or a privacyIDEA push link",
        tell: "scan the QR code again.",
    },
    CodeDoc {
        code: "E_APP_ACCOUNT_DAMAGED",
        section: &APP,
        when: "a stored push account cannot be decoded",
        tell: "remove it and enroll again.",
    },
    CodeDoc {
        code: "E_APP_NO_PLATFORM_KEYS",
        section: &APP,
        when: "the account's device key is in the platform keystore and the app opened the vault without it",
        tell: "restart the app; if it persists, re-enroll the account.",
    },
    CodeDoc {
        code: "E_APP_REQUEST_NOT_WAITING",
        section: &APP,
        when: "the request to answer is not among the ones the last poll found (answered, expired or never seen)",
        tell: "check for requests again.",
    },
    CodeDoc {
        code: "E_APP_NOT_PREPARED",
        section: &APP,
        when: "a signature was submitted for an answer that was not prepared (or was prepared before a newer poll dropped it)",
        tell: "answer the request again.",
    },
    CodeDoc {
        code: "E_APP_NO_SUCH_ACCOUNT",
        section: &APP,
        when: "a record id names no account of the expected kind",
        tell: "refresh the account list.",
    },
    CodeDoc {
        code: "E_APP_FINGERPRINT_MISMATCH",
        section: &APP,
        when: "enrolling with a manual code, the server key's fingerprint differs from the one the user was given",
        tell: "read the fingerprint from the helpdesk page again; if it still differs, someone may be intercepting the connection: enroll by QR code instead.",
    },
];
