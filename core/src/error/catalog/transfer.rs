//! The codes of import and export (`crate::transfer`): what each means and what to tell the user.

use super::{CodeDoc, Section};

const TRANSFER_WHOLE_FILE: Section = Section {
    heading: "Import and export (`transfer`)",
    level: 2,
    lead: "Whole-file errors (the import or export stops; nothing is stored):",
};

const TRANSFER_PER_ENTRY: Section = Section {
    heading: "Import and export (`transfer`)",
    level: 2,
    lead: "Per-entry reasons (the entry is listed as skipped, the rest of the file is imported; entries rejected by the otpauth reader carry its code from the `uri` section, and transfer-link entries theirs from the `migration` section):",
};

/// The codes, in the order `docs/errors.md` lists them.
pub(super) static CODES: &[CodeDoc] = &[
    CodeDoc {
        code: "E_TRANSFER_UNKNOWN_FORMAT",
        section: &TRANSFER_WHOLE_FILE,
        when: "the file is none of the formats duet reads (Aegis, 2FAS, Bitwarden JSON, andOTP JSON, FreeOTP+ JSON, a list of otpauth links)",
        tell: "ask which app made the file and export from it again as one of these (for andOTP, its plain JSON backup).",
    },
    CodeDoc {
        code: "E_TRANSFER_UNSUPPORTED_VERSION",
        section: &TRANSFER_WHOLE_FILE,
        when: "the format is recognised but declares a version duet does not read (Aegis vault version other than 1, content version above 3; 2FAS schema above 4)",
        tell: "update the other app and export again, or export as a plain otpauth list.",
    },
    CodeDoc {
        code: "E_TRANSFER_UNSUPPORTED_ENCRYPTION",
        section: &TRANSFER_WHOLE_FILE,
        when: "the file is encrypted in a way duet cannot open (Bitwarden encrypted export, Aegis backup with only a fingerprint slot)",
        tell: "export again unencrypted (Bitwarden) or with a password (Aegis), as the message says.",
    },
    CodeDoc {
        code: "E_TRANSFER_PASSWORD_REQUIRED",
        section: &TRANSFER_WHOLE_FILE,
        when: "the backup is password-protected and no password was given",
        tell: "enter the password chosen when the backup was made.",
    },
    CodeDoc {
        code: "E_TRANSFER_WRONG_PASSWORD",
        section: &TRANSFER_WHOLE_FILE,
        when: "the password does not open the backup (or the encrypted part was altered)",
        tell: "check the password (caps lock, keyboard layout); nothing was imported and nothing changed.",
    },
    CodeDoc {
        code: "E_TRANSFER_CORRUPT",
        section: &TRANSFER_WHOLE_FILE,
        when: "the file is truncated, edited or not what its header says (bad JSON, bad Base64/hex, contents failing their integrity check after the password worked)",
        tell: "make a fresh export in the other app and copy it again.",
    },
    CodeDoc {
        code: "E_TRANSFER_KDF_LIMITS",
        section: &TRANSFER_WHOLE_FILE,
        when: "the file asks for scrypt parameters beyond duet's limits (more than 256 MiB of memory, N not a power of two, p above 16): a broken or hostile file",
        tell: "do not use this file; export again from the real app.",
    },
    CodeDoc {
        code: "E_TRANSFER_TOO_LARGE",
        section: &TRANSFER_WHOLE_FILE,
        when: "the input is larger than 16 MiB",
        tell: "pick the right file; authenticator backups are far smaller.",
    },
    CodeDoc {
        code: "E_TRANSFER_EMPTY_PASSWORD",
        section: &TRANSFER_WHOLE_FILE,
        when: "an encrypted export was asked for with an empty password",
        tell: "choose a password you will remember.",
    },
    CodeDoc {
        code: "E_TRANSFER_RANDOM",
        section: &TRANSFER_WHOLE_FILE,
        when: "the system random generator failed while making an encrypted export; nothing was written",
        tell: "try again; if it repeats, restart the device.",
    },
    CodeDoc {
        code: "E_TRANSFER_ENTRY_MALFORMED",
        section: &TRANSFER_PER_ENTRY,
        when: "an entry lacks its secret, type or info, or a field has the wrong type or range",
        tell: "re-export the account from the other app, or add it by its QR code.",
    },
    CodeDoc {
        code: "E_TRANSFER_ENTRY_TYPE",
        section: &TRANSFER_PER_ENTRY,
        when: "the entry's OTP type is not TOTP, HOTP or Steam (Yandex, mOTP, ...)",
        tell: "duet cannot compute it; keep using the other app for that account.",
    },
    CodeDoc {
        code: "E_TRANSFER_ENTRY_ALGORITHM",
        section: &TRANSFER_PER_ENTRY,
        when: "the entry uses a hash other than SHA1/SHA256/SHA512 (e.g. MD5), or a Steam entry is not SHA1",
        tell: "keep that account in the other app.",
    },
    CodeDoc {
        code: "E_TRANSFER_ENTRY_DIGITS",
        section: &TRANSFER_PER_ENTRY,
        when: "the entry's number of digits is outside 6 to 10",
        tell: "keep that account in the other app, or ask the site for a standard setup code.",
    },
    CodeDoc {
        code: "E_TRANSFER_ENTRY_PERIOD",
        section: &TRANSFER_PER_ENTRY,
        when: "the entry's time step is outside 1 to 86400 seconds",
        tell: "the entry is broken; add the account again from the site's QR code.",
    },
    CodeDoc {
        code: "E_TRANSFER_ENTRY_SECRET",
        section: &TRANSFER_PER_ENTRY,
        when: "the entry's secret is empty, not Base32, or implausibly long",
        tell: "the entry is broken; add the account again from the site's QR code.",
    },
    CodeDoc {
        code: "E_TRANSFER_ENTRY_NO_OTP",
        section: &TRANSFER_PER_ENTRY,
        when: "the item holds no one-time password (a Bitwarden login without TOTP, a note or card)",
        tell: "nothing to import; this is expected for password-manager exports.",
    },
    CodeDoc {
        code: "E_TRANSFER_EXPORT_UNREPRESENTABLE",
        section: &TRANSFER_PER_ENTRY,
        when: "export only: the account cannot be written in the chosen format (e.g. a TOTP start time other than 0 in an Aegis export)",
        tell: "export that account as an otpauth list or QR code instead.",
    },
];
