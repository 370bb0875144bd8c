//! The codes of the vault (`crate::vault`): what each means and what to tell the user.

use super::{CodeDoc, Section};

const VAULT: Section = Section {
    heading: "Vault (`vault`)",
    level: 2,
    lead: "",
};

/// The codes, in the order `docs/errors.md` lists them.
pub(super) static CODES: &[CodeDoc] = &[
    CodeDoc {
        code: "E_VAULT_MISSING",
        section: &VAULT,
        when: "no vault file at the given path (`--vault`/`DUET_VAULT`)",
        tell: "check the path, or run `duet add` to create a vault.",
    },
    CodeDoc {
        code: "E_VAULT_OPEN",
        section: &VAULT,
        when: "the vault file or its folder cannot be opened or created (permissions, missing folder, a file already in the way)",
        tell: "check the folder exists and is writable by this user.",
    },
    CodeDoc {
        code: "E_VAULT_NOT_A_VAULT",
        section: &VAULT,
        when: "the file is empty or is not a duet vault (another SQLite file or any other file)",
        tell: "check the path; restore the vault from a backup if this was the vault.",
    },
    CodeDoc {
        code: "E_VAULT_CORRUPT",
        section: &VAULT,
        when: "the vault file is damaged or cut short (SQLite reports it malformed, or it is shorter than its header says, or a table fails the check every read and write meets first); nothing was changed",
        tell: "restore the vault from a backup.",
    },
    CodeDoc {
        code: "E_VAULT_TOO_NEW",
        section: &VAULT,
        when: "the vault was written by a newer duet with a newer format",
        tell: "update duet.",
    },
    CodeDoc {
        code: "E_VAULT_WRONG_KEY",
        section: &VAULT,
        when: "the key handed over does not unlock this vault; nothing was changed",
        tell: "use the key, key file or passphrase the vault was created with.",
    },
    CodeDoc {
        code: "E_VAULT_RECORD_CORRUPT",
        section: &VAULT,
        when: "one record fails its integrity check although the key is right (its bytes were altered); the other accounts keep working, and the record is named by its id",
        tell: "remove that record by its id (`duet remove ID`, or in the app's account list) and add the account again from the service, or restore the vault from a backup; `duet doctor` lists every damaged record.",
    },
    CodeDoc {
        code: "E_VAULT_NOT_FOUND",
        section: &VAULT,
        when: "no account matches the name or id given",
        tell: "run `duet list` to see the names.",
    },
    CodeDoc {
        code: "E_VAULT_AMBIGUOUS",
        section: &VAULT,
        when: "several accounts match the name given",
        tell: "use `Issuer:name` or the id shown by `duet list`.",
    },
    CodeDoc {
        code: "E_VAULT_NOT_HOTP",
        section: &VAULT,
        when: "a counter was requested for a time-based account",
        tell: "nothing to do; time-based codes need no counter.",
    },
    CodeDoc {
        code: "E_VAULT_COUNTER_EXHAUSTED",
        section: &VAULT,
        when: "the HOTP counter reached its maximum value",
        tell: "re-enroll the account with the service.",
    },
    CodeDoc {
        code: "E_VAULT_BUSY",
        section: &VAULT,
        when: "another duet process holds the vault for more than 5 seconds",
        tell: "wait for it to finish and try again.",
    },
    CodeDoc {
        code: "E_VAULT_STORAGE",
        section: &VAULT,
        when: "another read or write failure (disk full, I/O error)",
        tell: "check free disk space and permissions, then try again.",
    },
];
