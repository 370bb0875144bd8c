// The PAM module's codes (pam/core/src/codes.rs): what each means and what to do. `docs/errors.md`
// is generated from this list together with the other crates' (tests/tests/errors_doc.rs).
//
// This file is only items with full paths and no inner attributes, so the `duet-tests` crate can
// `include!` it without the module depending on duet-core.

const PAM: duet_core::error::Section = duet_core::error::Section {
    heading: "PAM module (`pam_duet`, in the system log)",
    level: 2,
    lead: "Every log line of a refusal or failure carries one of these codes, or the server's `E_SRV_…` code when the server refused (docs/pam.md).",
};

/// The codes, in the order `docs/errors.md` lists them.
pub static CODES: &[duet_core::error::CodeDoc] = &[
    duet_core::error::CodeDoc {
        code: "E_PAM_CONFIG",
        section: &PAM,
        when: "the module's arguments, its configuration file, the API key file or `cafile` were refused (unknown key, bad value, missing key, unsafe owner or mode); the attempt is denied",
        tell: "fix the file named in the log line (docs/pam.md, \"Configuration\"); a broken configuration never opens the door.",
    },
    duet_core::error::CodeDoc {
        code: "E_PAM_USER_NAME",
        section: &PAM,
        when: "PAM gave no user name, or one that is empty, longer than 256 bytes or holds control characters; denied before any call",
        tell: "check the login program; such a name is never sent to the server.",
    },
    duet_core::error::CodeDoc {
        code: "E_PAM_GROUPS",
        section: &PAM,
        when: "the user's groups could not be read to apply `groups`; denied",
        tell: "check the system's user database (`id USER`).",
    },
    duet_core::error::CodeDoc {
        code: "E_PAM_UNREACHABLE",
        section: &PAM,
        when: "the attempt's first call could not connect to the server (name resolution, refused connection, connect timeout, TLS handshake) and `failmode = secure` denied",
        tell: "check the server and the network path (proxy, firewall, SELinux, `cafile`); during an outage use a break-glass code.",
    },
    duet_core::error::CodeDoc {
        code: "W_PAM_FAILMODE_SAFE",
        section: &PAM,
        when: "the attempt's first call could not connect and `failmode = safe` let the user in with the first factor alone",
        tell: "restore the link to the server and review who logged in meanwhile; consider `failmode = secure` with break-glass codes.",
    },
    duet_core::error::CodeDoc {
        code: "E_PAM_SERVER_FAILED",
        section: &PAM,
        when: "a call failed after connecting (read timeout, reset, malformed or oversized answer, a sign-in without a valid number), or a later call of the attempt failed after the server had answered; denied whatever the fail mode",
        tell: "check the server's health and anything between it and the host (a proxy rewriting answers).",
    },
    duet_core::error::CodeDoc {
        code: "W_PAM_BREAK_GLASS_USED",
        section: &PAM,
        when: "a break-glass code let the user in while the server could not be reached; the code is now spent",
        tell: "review the login, then generate new codes (`duet pam break-glass`) once the outage is over.",
    },
    duet_core::error::CodeDoc {
        code: "E_PAM_BREAK_GLASS_FILE",
        section: &PAM,
        when: "the break-glass file is unsafe (owner, mode) or could not be read, locked or rewritten; the code was not accepted",
        tell: "make the file root-owned with mode 0600, or generate a new one.",
    },
    duet_core::error::CodeDoc {
        code: "E_PAM_CONVERSATION",
        section: &PAM,
        when: "the calling program's conversation (its prompt) failed or was closed; denied",
        tell: "retry the login; for sshd check `KbdInteractiveAuthentication yes`.",
    },
    duet_core::error::CodeDoc {
        code: "E_PAM_NOT_PASSCODE",
        section: &PAM,
        when: "the typed text is not a passcode (only letters, digits and dashes, at most 64); asked again",
        tell: "type the 6-digit code from the app or a helpdesk bypass code, or press Enter for a push.",
    },
    duet_core::error::CodeDoc {
        code: "E_PAM_PROMPTS_USED",
        section: &PAM,
        when: "every prompt (`prompts`) was used without success; denied",
        tell: "start the login again.",
    },
    duet_core::error::CodeDoc {
        code: "E_PAM_PUSH_DENIED",
        section: &PAM,
        when: "the push was denied in the app; denied",
        tell: "if the user did not start this login, report it to the helpdesk.",
    },
    duet_core::error::CodeDoc {
        code: "E_PAM_PUSH_FRAUD",
        section: &PAM,
        when: "the push was reported as fraud in the app; denied, and the server mutes further pushes",
        tell: "the helpdesk should investigate, then unmute the user.",
    },
    duet_core::error::CodeDoc {
        code: "E_PAM_PUSH_EXPIRED",
        section: &PAM,
        when: "the push expired unanswered; denied",
        tell: "log in again and answer the push within its lifetime (60 s).",
    },
    duet_core::error::CodeDoc {
        code: "E_PAM_PUSH_WRONG_NUMBER",
        section: &PAM,
        when: "a wrong number was typed in the app; denied",
        tell: "log in again and type the number the prompt shows.",
    },
    duet_core::error::CodeDoc {
        code: "E_PAM_PUSH_NO_ANSWER",
        section: &PAM,
        when: "the module stopped waiting for the push's outcome; denied",
        tell: "log in again; check that the phone reaches the server.",
    },
];
