//! The codes of `otpauth://` URIs (`crate::uri`): what each means and what to tell the user.

use super::{CodeDoc, Section};

const URI: Section = Section {
    heading: "otpauth URIs (`uri`)",
    level: 2,
    lead: "",
};

const URI_WARNINGS: Section = Section {
    heading: "otpauth URIs (`uri`)",
    level: 2,
    lead: "Warnings (the account is read and works; shown to the user once):",
};

/// The codes, in the order `docs/errors.md` lists them.
pub(super) static CODES: &[CodeDoc] = &[
    CodeDoc {
        code: "E_URI_TOO_LONG",
        section: &URI,
        when: "the text is longer than 64 KiB, far more than any QR code holds",
        tell: "scan the site's QR code again; this is not an account code.",
    },
    CodeDoc {
        code: "E_URI_SCHEME",
        section: &URI,
        when: "the text does not start with `otpauth://` (empty, a web link, `otpauth:` without `//`)",
        tell: "scan the code the site shows for authenticator apps, or type the setup key.",
    },
    CodeDoc {
        code: "E_URI_IS_MIGRATION",
        section: &URI,
        when: "a Google Authenticator transfer code (`otpauth-migration://`) was given where one account was expected",
        tell: "use the transfer import (`duet migration decode`).",
    },
    CodeDoc {
        code: "E_URI_TYPE",
        section: &URI,
        when: "the type after `otpauth://` is not `totp`, `hotp` or `steam` (e.g. `motp`)",
        tell: "this kind of code is not supported; ask the site for a TOTP QR code.",
    },
    CodeDoc {
        code: "E_URI_ENCODING",
        section: &URI,
        when: "a percent-encoded label or parameter is not valid UTF-8 text",
        tell: "ask the site for a new QR code.",
    },
    CodeDoc {
        code: "E_URI_PARAM_DUPLICATE",
        section: &URI,
        when: "`secret`, `digits`, `issuer` or another interpreted parameter appears twice with different values",
        tell: "ask the site for a new QR code; duet will not guess which one is meant.",
    },
    CodeDoc {
        code: "E_URI_SECRET_MISSING",
        section: &URI,
        when: "there is no `secret` parameter",
        tell: "scan the QR code again, or type the setup key.",
    },
    CodeDoc {
        code: "E_URI_SECRET_EMPTY",
        section: &URI,
        when: "`secret=` is empty (or only padding/spaces)",
        tell: "ask the site for a new QR code.",
    },
    CodeDoc {
        code: "E_URI_SECRET_BASE32",
        section: &URI,
        when: "the secret has characters outside Base32 (A–Z, 2–7; e.g. `0`, `1`, `8`, `9`), padding in the middle, or too few characters for one byte",
        tell: "check the setup key for typos (O/0, I/1).",
    },
    CodeDoc {
        code: "E_URI_ALGORITHM",
        section: &URI,
        when: "`algorithm` is not SHA1, SHA256 or SHA512 (e.g. MD5)",
        tell: "the site uses an algorithm duet does not support; ask the site for a standard code.",
    },
    CodeDoc {
        code: "E_URI_DIGITS",
        section: &URI,
        when: "`digits` is not a number from 6 to 10, or a Steam code asks for a length other than 5",
        tell: "ask the site for a standard QR code.",
    },
    CodeDoc {
        code: "E_URI_PERIOD",
        section: &URI,
        when: "`period` is not a whole number of seconds from 1 to 86,400",
        tell: "ask the site for a standard QR code.",
    },
    CodeDoc {
        code: "E_URI_COUNTER",
        section: &URI,
        when: "an HOTP `counter` is not a whole number from 0 to 2^64 − 1",
        tell: "ask the site for a new QR code.",
    },
    CodeDoc {
        code: "E_URI_T0",
        section: &URI,
        when: "`t0` (duet's extension for a TOTP start time other than 0) is not a whole number of seconds, or is set on a Steam code",
        tell: "ask the site for a new QR code.",
    },
    CodeDoc {
        code: "W_URI_ISSUER_MISMATCH",
        section: &URI_WARNINGS,
        when: "the label prefix and the `issuer` parameter name different issuers; the parameter is used",
        tell: "check the account's issuer and rename it if needed.",
    },
    CodeDoc {
        code: "W_URI_SECRET_SHORT",
        section: &URI_WARNINGS,
        when: "the secret is shorter than 128 bits (RFC 4226's minimum; e.g. Google's 80-bit example `JBSWY3DPEHPK3PXP`)",
        tell: "codes work; the site should issue a longer key.",
    },
    CodeDoc {
        code: "W_URI_COUNTER_MISSING",
        section: &URI_WARNINGS,
        when: "an HOTP URI has no `counter`; duet starts at 0",
        tell: "if the site rejects codes, resynchronise the token.",
    },
    CodeDoc {
        code: "W_URI_STEAM_ASSUMED",
        section: &URI_WARNINGS,
        when: "a `totp` URI with `encoder=steam`, or issuer Steam with 5 digits, is read as Steam Guard",
        tell: "nothing to do; the codes match the Steam app.",
    },
];
