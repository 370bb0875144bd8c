//! The codes of privacyIDEA push (`crate::pipush`): what each means and what to tell the user.

use super::{CodeDoc, Section};

const PIPUSH: Section = Section {
    heading: "privacyIDEA push (`pipush`)",
    level: 2,
    lead: "",
};

const PIPUSH_WARNINGS: Section = Section {
    heading: "privacyIDEA push (`pipush`)",
    level: 2,
    lead: "Warnings (the token is enrolled and works; shown to the user once):",
};

/// The codes, in the order `docs/errors.md` lists them.
pub(super) static CODES: &[CodeDoc] = &[
    CodeDoc {
        code: "E_PIPUSH_URI",
        section: &PIPUSH,
        when: "the scanned text is not an `otpauth://pipush/` or `pia://pipush/` link, or repeats a parameter",
        tell: "scan the privacyIDEA QR code again.",
    },
    CodeDoc {
        code: "E_PIPUSH_URI_MISSING",
        section: &PIPUSH,
        when: "the enrollment link lacks `url`, `serial` or `enrollment_credential`",
        tell: "ask the administrator for a new QR code.",
    },
    CodeDoc {
        code: "E_PIPUSH_URI_INVALID",
        section: &PIPUSH,
        when: "a link parameter (`ttl`, `sslverify`, `poll_only`, `pin`, serial, label) has an unusable value",
        tell: "ask the administrator for a new QR code.",
    },
    CodeDoc {
        code: "E_PIPUSH_VERSION",
        section: &PIPUSH,
        when: "the link's `v` is not 1 (a newer privacyIDEA push protocol)",
        tell: "update duet.",
    },
    CodeDoc {
        code: "E_PIPUSH_SERVER_KEY",
        section: &PIPUSH,
        when: "the server's public key in the enrollment answer is missing, malformed or under 2048 bits",
        tell: "ask the administrator; nothing was stored.",
    },
    CodeDoc {
        code: "E_PIPUSH_DEVICE_KEY",
        section: &PIPUSH,
        when: "the stored RSA device key cannot be loaded",
        tell: "remove the account and enroll again.",
    },
    CodeDoc {
        code: "E_PIPUSH_KEYGEN",
        section: &PIPUSH,
        when: "the RSA-4096 device key could not be generated (system randomness failed)",
        tell: "try again.",
    },
    CodeDoc {
        code: "E_PIPUSH_ENROLL_REJECTED",
        section: &PIPUSH,
        when: "privacyIDEA refused the second enrollment step (QR expired, already used, or token deleted)",
        tell: "ask for a new QR code.",
    },
    CodeDoc {
        code: "E_PIPUSH_CLOCK",
        section: &PIPUSH,
        when: "privacyIDEA rejected a poll as outside its one-minute window",
        tell: "set the device's date and time to automatic and retry.",
    },
    CodeDoc {
        code: "E_PIPUSH_DEVICE_REJECTED",
        section: &PIPUSH,
        when: "privacyIDEA could not verify this device's signature (token deleted or re-enrolled elsewhere)",
        tell: "enroll the token again.",
    },
    CodeDoc {
        code: "E_PIPUSH_SERVER",
        section: &PIPUSH,
        when: "privacyIDEA reported another error or answered with a server error",
        tell: "try later; if it persists, ask the administrator.",
    },
    CodeDoc {
        code: "E_PIPUSH_RESPONSE",
        section: &PIPUSH,
        when: "the server's answer is not privacyIDEA's JSON of the expected shape",
        tell: "check the server address; try later.",
    },
    CodeDoc {
        code: "E_PIPUSH_SIGNATURE",
        section: &PIPUSH,
        when: "a sign-in request's signature does not verify with the server key stored at enrollment (tampered, or not from that server)",
        tell: "the request is ignored; report it if it repeats.",
    },
    CodeDoc {
        code: "E_PIPUSH_WRONG_SERIAL",
        section: &PIPUSH,
        when: "a correctly signed request names another token",
        tell: "the request is ignored.",
    },
    CodeDoc {
        code: "E_PIPUSH_ALREADY_ANSWERED",
        section: &PIPUSH,
        when: "the request's nonce was already answered on this device",
        tell: "nothing is sent again.",
    },
    CodeDoc {
        code: "E_PIPUSH_PRESENCE_REQUIRED",
        section: &PIPUSH,
        when: "the request asks the user to pick the answer shown on the sign-in screen and none was given",
        tell: "approve with `--answer`.",
    },
    CodeDoc {
        code: "E_PIPUSH_PRESENCE_ANSWER",
        section: &PIPUSH,
        when: "the given answer is not one of the offered choices",
        tell: "pick one of the listed choices.",
    },
    CodeDoc {
        code: "E_PIPUSH_ANSWER_REJECTED",
        section: &PIPUSH,
        when: "privacyIDEA did not accept the answer (request expired or answered elsewhere)",
        tell: "start the sign-in again.",
    },
    CodeDoc {
        code: "W_PIPUSH_TLS_UNVERIFIED",
        section: &PIPUSH_WARNINGS,
        when: "the enrollment link asks duet not to check the server's TLS certificate (`sslverify=0`); anyone on the network could read or change the exchange",
        tell: "ask the administrator to give the privacyIDEA server a trusted certificate and enroll again.",
    },
];
