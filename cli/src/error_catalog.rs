// The command line's codes: what each means and what to tell the user. `docs/errors.md` is generated
// from this list together with the other crates' (tests/tests/errors_doc.rs).
//
// This file is only items with full paths and no inner attributes, so the `duet-tests` crate can
// `include!` it without depending on this crate.

const CLI: duet_core::error::Section = duet_core::error::Section {
    heading: "Command line input (`cli`)",
    level: 2,
    lead: "",
};

const PUSH_COMMANDS: duet_core::error::Section = duet_core::error::Section {
    heading: "Push commands (`duet enroll/pending/approve/deny`)",
    level: 2,
    lead: "",
};

const DEMO: duet_core::error::Section = duet_core::error::Section {
    heading: "Demo (`duet demo`)",
    level: 2,
    lead: "",
};

/// The codes, in the order `docs/errors.md` lists them.
pub static CODES: &[duet_core::error::CodeDoc] = &[
    duet_core::error::CodeDoc {
        code: "E_CLI_STDIN",
        section: &CLI,
        when: "`-` was given but standard input could not be read as text",
        tell: "pipe the URI in as plain UTF-8 text.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_NO_DATA_DIR",
        section: &CLI,
        when: "the user has no home or data directory, so the default vault path is unknown",
        tell: "pass `--vault PATH` or set `DUET_VAULT`.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_KEY_STORE",
        section: &CLI,
        when: "`DUET_KEY_STORE` has a value other than auto, keyring, key-file or passphrase",
        tell: "fix or unset it.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_NO_PASSPHRASE",
        section: &CLI,
        when: "`DUET_KEY_STORE=passphrase` was set with no passphrase given (`--passphrase-fd`, `DUET_PASSPHRASE`) and no terminal to ask on, or an empty passphrase was typed",
        tell: "type the passphrase at the prompt, pass it with `--passphrase-fd N` or set `DUET_PASSPHRASE`.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_PASSPHRASE_FD",
        section: &CLI,
        when: "`--passphrase-fd N` names a descriptor that is not open for reading, or whose first line is empty, longer than 4096 bytes or not UTF-8",
        tell: "pass a descriptor open for reading whose first line is the passphrase.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_PASSPHRASE_PROMPT",
        section: &CLI,
        when: "the passphrase could not be read from the terminal",
        tell: "pass the passphrase with `--passphrase-fd N` instead.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_PASSPHRASE_MISMATCH",
        section: &CLI,
        when: "the new passphrase and its repetition typed at the prompt differ",
        tell: "run the command again.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_NOTHING_TO_ADD",
        section: &CLI,
        when: "`duet add` got no otpauth:// URI (empty argument or empty stdin)",
        tell: "pass the URI, or pipe it in with `duet add -`.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_READ",
        section: &CLI,
        when: "the file given to `import` or `backup verify` cannot be read",
        tell: "check the path and permissions.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_WRITE",
        section: &CLI,
        when: "the export file cannot be written (it already exists, or the folder is not writable)",
        tell: "choose a new path.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_BREAK_GLASS",
        section: &CLI,
        when: "`duet pam break-glass` cannot write its file (it already exists, or the folder is not writable or missing)",
        tell: "remove the old file on purpose, or choose a new path; run it as root.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_FORMAT",
        section: &CLI,
        when: "`duet import --format` names an unknown format",
        tell: "use aegis, 2fas, bitwarden, andotp, freeotp-plus or otpauth.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_NO_PASSWORD",
        section: &CLI,
        when: "an encrypted export was asked for without a password in the environment variable (default `DUET_BACKUP_PASSWORD`)",
        tell: "set the variable to the backup password.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_QR_IMAGE_UNREADABLE",
        section: &CLI,
        when: "the file given to `duet add` or `duet enroll` is missing, not a PNG or JPEG, damaged, or over 10,000 pixels on a side (what the picture shows is reported with the `E_QR_...` codes)",
        tell: "check the path, or save the QR code as a PNG screenshot.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_PUSH_NONE_PENDING",
        section: &PUSH_COMMANDS,
        when: "`duet approve`/`deny` found no waiting sign-in request",
        tell: "start the sign-in first, then answer it.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_PUSH_AMBIGUOUS",
        section: &PUSH_COMMANDS,
        when: "several requests wait and none was named",
        tell: "run `duet pending` and pass the request id.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_PUSH_NOT_FOUND",
        section: &PUSH_COMMANDS,
        when: "the named request id (or prefix) matches no single waiting request",
        tell: "run `duet pending` and copy the id.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_ENROLL_STDIN",
        section: &PUSH_COMMANDS,
        when: "`duet enroll -` could not read standard input",
        tell: "pass the link as an argument.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_ENROLL_FINGERPRINT_REQUIRED",
        section: &PUSH_COMMANDS,
        when: "`duet enroll --code` ran without a terminal and without `--fingerprint`",
        tell: "read out the server key fingerprint from the helpdesk page and pass it with --fingerprint.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_ENROLL_FINGERPRINT_NOT_CONFIRMED",
        section: &PUSH_COMMANDS,
        when: "the user did not confirm the server key fingerprint `duet enroll --code` showed",
        tell: "compare the fingerprint with the one on the helpdesk page; if it differs, enroll by QR code.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_PUSH_ANSWERED_ELSEWHERE",
        section: &PUSH_COMMANDS,
        when: "the server says another device of the user answered the request first",
        tell: "nothing changed; no action needed.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_PUSH_EXPIRED",
        section: &PUSH_COMMANDS,
        when: "the request expired before the answer reached the server",
        tell: "start the sign-in again and answer it promptly.",
    },
    duet_core::error::CodeDoc {
        code: "E_CLI_PUSH_WRONG_NUMBER",
        section: &PUSH_COMMANDS,
        when: "the number given did not match the sign-in screen; the server closed the sign-in as failed",
        tell: "start the sign-in again and give the number it shows; if nobody started it, someone else knows the password.",
    },
    duet_core::error::CodeDoc {
        code: "E_DEMO_COMMAND",
        section: &DEMO,
        when: "a `duet` command the demo runs (enroll, pending, approve, deny, code) failed",
        tell: "read the error printed with it; the demo's throwaway files are removed either way.",
    },
    duet_core::error::CodeDoc {
        code: "E_DEMO_UNEXPECTED",
        section: &DEMO,
        when: "a demo step did not have the effect it should (for example a sign-in was not approved)",
        tell: "report it as a bug with the demo's output.",
    },
    duet_core::error::CodeDoc {
        code: "E_DEMO_NOT_INTERACTIVE",
        section: &DEMO,
        when: "`duet demo` without `--yes` has no terminal to ask on",
        tell: "run it in a terminal or pass `--yes`.",
    },
];
