//! The codes of Google Authenticator transfer codes (`crate::migration`): what each means and what to tell the user.

use super::{CodeDoc, Section};

const MIGRATION: Section = Section {
    heading: "Google Authenticator transfer (`migration`)",
    level: 2,
    lead: "",
};

const MIGRATION_PER_ACCOUNT: Section = Section {
    heading: "Google Authenticator transfer (`migration`)",
    level: 2,
    lead: "Per-account reports (the account is left out; the rest of the transfer goes ahead):",
};

/// The codes, in the order `docs/errors.md` lists them.
pub(super) static CODES: &[CodeDoc] = &[
    CodeDoc {
        code: "E_MIGRATION_TOO_LONG",
        section: &MIGRATION,
        when: "the text is longer than 64 KiB, far more than a QR code holds",
        tell: "scan the transfer code again.",
    },
    CodeDoc {
        code: "E_MIGRATION_IS_ACCOUNT",
        section: &MIGRATION,
        when: "a single-account `otpauth://` URI was given where a transfer code was expected",
        tell: "add it as an account instead.",
    },
    CodeDoc {
        code: "E_MIGRATION_SCHEME",
        section: &MIGRATION,
        when: "the text is not `otpauth-migration://offline?…`",
        tell: "export the accounts again in Google Authenticator (Transfer accounts → Export).",
    },
    CodeDoc {
        code: "E_MIGRATION_DATA_MISSING",
        section: &MIGRATION,
        when: "the transfer code has no (or an empty) `data` parameter",
        tell: "export the accounts again.",
    },
    CodeDoc {
        code: "E_MIGRATION_BASE64",
        section: &MIGRATION,
        when: "`data` is not Base64 (damaged or cut-off scan)",
        tell: "scan the code again, or export again.",
    },
    CodeDoc {
        code: "E_MIGRATION_PROTOBUF",
        section: &MIGRATION,
        when: "`data` decodes but is not a valid `MigrationPayload`",
        tell: "scan the code again, or export again.",
    },
    CodeDoc {
        code: "E_MIGRATION_BATCH_INDEX",
        section: &MIGRATION,
        when: "the part number is negative or not below the number of parts",
        tell: "export the accounts again.",
    },
    CodeDoc {
        code: "E_MIGRATION_BATCH_MISMATCH",
        section: &MIGRATION,
        when: "codes from two different exports (batch id or size differ) were mixed",
        tell: "scan only the codes of one export.",
    },
    CodeDoc {
        code: "E_MIGRATION_BATCH_DUPLICATE",
        section: &MIGRATION,
        when: "two different codes claim the same part number",
        tell: "export the accounts again.",
    },
    CodeDoc {
        code: "E_MIGRATION_BATCH_MISSING",
        section: &MIGRATION,
        when: "not every part of a multi-QR transfer was scanned (the message lists the missing parts)",
        tell: "scan the missing codes too.",
    },
    CodeDoc {
        code: "E_MIGRATION_NOTHING",
        section: &MIGRATION,
        when: "no transfer code was given at all",
        tell: "scan the first code the old phone shows.",
    },
    CodeDoc {
        code: "E_MIGRATION_ACCOUNT_SECRET",
        section: &MIGRATION_PER_ACCOUNT,
        when: "(import/export) the account has an empty secret",
        tell: "add the account again from the site.",
    },
    CodeDoc {
        code: "E_MIGRATION_ACCOUNT_ALGORITHM",
        section: &MIGRATION_PER_ACCOUNT,
        when: "(import) the account uses MD5 or an unknown algorithm",
        tell: "the account cannot be used; set it up again with the site.",
    },
    CodeDoc {
        code: "E_MIGRATION_ACCOUNT_DIGITS",
        section: &MIGRATION_PER_ACCOUNT,
        when: "(import) unknown digit count; (export) 7, 9 or 10 digits, which the format cannot carry",
        tell: "export it as a single QR code instead.",
    },
    CodeDoc {
        code: "E_MIGRATION_ACCOUNT_TYPE",
        section: &MIGRATION_PER_ACCOUNT,
        when: "(import) an OTP type other than TOTP/HOTP",
        tell: "set the account up again with the site.",
    },
    CodeDoc {
        code: "E_MIGRATION_ACCOUNT_COUNTER",
        section: &MIGRATION_PER_ACCOUNT,
        when: "(import) a negative counter; (export) a counter above 2^63 − 1",
        tell: "export it as a single QR code instead.",
    },
    CodeDoc {
        code: "E_MIGRATION_ACCOUNT_PERIOD",
        section: &MIGRATION_PER_ACCOUNT,
        when: "(export) a period other than 30 s, which the format cannot carry",
        tell: "export it as a single QR code instead.",
    },
    CodeDoc {
        code: "E_MIGRATION_ACCOUNT_T0",
        section: &MIGRATION_PER_ACCOUNT,
        when: "(export) a TOTP start time other than 0",
        tell: "export it as a single QR code instead.",
    },
    CodeDoc {
        code: "E_MIGRATION_ACCOUNT_STEAM",
        section: &MIGRATION_PER_ACCOUNT,
        when: "(export) a Steam Guard account; the format has no Steam type",
        tell: "export it as a single QR code instead.",
    },
    CodeDoc {
        code: "E_MIGRATION_ACCOUNT_TOO_LARGE",
        section: &MIGRATION_PER_ACCOUNT,
        when: "(export) the account alone does not fit a version-20 QR code (very long name or secret)",
        tell: "shorten the name and export again.",
    },
];
