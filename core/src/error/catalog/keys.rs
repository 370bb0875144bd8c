//! The codes of the vault keys (`crate::keys`): what each means and what to tell the user.

use super::{CodeDoc, Section};

const KEYS: Section = Section {
    heading: "Vault keys (`keys`)",
    level: 3,
    lead: "",
};

/// The codes, in the order `docs/errors.md` lists them.
pub(super) static CODES: &[CodeDoc] = &[
    CodeDoc {
        code: "E_KEY_WRONG_PASSPHRASE",
        section: &KEYS,
        when: "the passphrase does not unwrap the vault key",
        tell: "check the passphrase typed, passed with `--passphrase-fd` or set in `DUET_PASSPHRASE`.",
    },
    CodeDoc {
        code: "E_KEY_FILE_WRONG",
        section: &KEYS,
        when: "the key file exists but was made for another vault",
        tell: "point `DUET_KEY_FILE` at the key file made with this vault.",
    },
    CodeDoc {
        code: "E_KEY_FILE_MISSING",
        section: &KEYS,
        when: "the vault is locked with a key file that is not there",
        tell: "restore the key file from a backup or set `DUET_KEY_FILE`.",
    },
    CodeDoc {
        code: "E_KEY_FILE_PERMISSIONS",
        section: &KEYS,
        when: "the key file can be read by other users",
        tell: "run `chmod 600` on the key file.",
    },
    CodeDoc {
        code: "E_KEY_FILE_INVALID",
        section: &KEYS,
        when: "the key file is damaged or not a duet key file",
        tell: "restore it from a backup.",
    },
    CodeDoc {
        code: "E_KEY_FILE_BESIDE_VAULT",
        section: &KEYS,
        when: "a key file was to be placed in the vault's own folder",
        tell: "keep the key file in another folder (the default is the config directory).",
    },
    CodeDoc {
        code: "E_KEY_FILE_IO",
        section: &KEYS,
        when: "the key file or its folder cannot be read or written",
        tell: "check the folder's permissions.",
    },
    CodeDoc {
        code: "E_KEY_SLOT_INVALID",
        section: &KEYS,
        when: "a key slot stored in the vault has unreadable or out-of-range parameters",
        tell: "unlock another way (key file, passphrase) or restore a backup.",
    },
    CodeDoc {
        code: "E_KEY_SLOT_KDF_LIMITS",
        section: &KEYS,
        when: "a passphrase slot asks for a scrypt cost above duet's limit (N above 2^20, r above 32, p above 16 or more than 1 GiB of memory), which only an altered file does",
        tell: "unlock another way (key file, keyring) or restore a backup.",
    },
    CodeDoc {
        code: "E_KEY_PASSPHRASE_TOO_SHORT",
        section: &KEYS,
        when: "a new passphrase (creating a vault or adding a passphrase slot) has fewer than 10 characters; vaults made with a shorter one still open",
        tell: "choose a passphrase of at least 10 characters, such as a few unrelated words.",
    },
    CodeDoc {
        code: "E_KEYRING_UNAVAILABLE",
        section: &KEYS,
        when: "the system keyring (Secret Service, Keychain) cannot be reached",
        tell: "use a key file or `DUET_PASSPHRASE` instead.",
    },
    CodeDoc {
        code: "E_KEYRING_NO_ENTRY",
        section: &KEYS,
        when: "the system keyring has no key for this vault",
        tell: "unlock with the vault's key file or passphrase.",
    },
    CodeDoc {
        code: "E_KEY_NO_PROVIDER",
        section: &KEYS,
        when: "none of the ways this vault can be unlocked is available (the message lists them)",
        tell: "give the passphrase (prompt, `--passphrase-fd`, `DUET_PASSPHRASE`) or set `DUET_KEY_FILE`.",
    },
    CodeDoc {
        code: "E_KEY_BAD_LENGTH",
        section: &KEYS,
        when: "a key handed over by the app is not 32 bytes",
        tell: "the app's stored key is damaged; restore from backup.",
    },
    CodeDoc {
        code: "E_KEY_APP_MISMATCH",
        section: &KEYS,
        when: "an app key provider was asked to enroll a key it does not hold (a programming error in the app)",
        tell: "report it to the app's developers.",
    },
    CodeDoc {
        code: "E_KEY_RANDOM",
        section: &KEYS,
        when: "the system random generator failed",
        tell: "try again.",
    },
];
