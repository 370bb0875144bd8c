//! The codes of the HTTP transport (`crate::transport`): what each means and what to tell the user.

use super::{CodeDoc, Section};

const TRANSPORT: Section = Section {
    heading: "HTTP transport (`transport`)",
    level: 2,
    lead: "",
};

/// The codes, in the order `docs/errors.md` lists them.
pub(super) static CODES: &[CodeDoc] = &[
    CodeDoc {
        code: "E_TRANSPORT_URL",
        section: &TRANSPORT,
        when: "a server address is not a valid URL, contains a user name or password, or has a non-ASCII host name",
        tell: "check the address (a non-ASCII host name must be given in its `xn--` form); ask the administrator.",
    },
    CodeDoc {
        code: "E_TRANSPORT_INSECURE_HTTP",
        section: &TRANSPORT,
        when: "a server address uses plain `http://` to another machine",
        tell: "only `https://` is allowed (plain http only for this machine).",
    },
    CodeDoc {
        code: "E_TRANSPORT_SCHEME",
        section: &TRANSPORT,
        when: "a server address is neither http nor https",
        tell: "ask the administrator for the correct address.",
    },
    CodeDoc {
        code: "E_TRANSPORT_UNREACHABLE",
        section: &TRANSPORT,
        when: "name lookup or connection failed",
        tell: "check the network and retry.",
    },
    CodeDoc {
        code: "E_TRANSPORT_TIMEOUT",
        section: &TRANSPORT,
        when: "the server did not answer within the time limit (20 s)",
        tell: "retry later; nothing was approved.",
    },
    CodeDoc {
        code: "E_TRANSPORT_TLS",
        section: &TRANSPORT,
        when: "the server's certificate is not trusted or TLS failed",
        tell: "ask the administrator; do not work around it.",
    },
    CodeDoc {
        code: "E_TRANSPORT_TOO_LARGE",
        section: &TRANSPORT,
        when: "the answer exceeded 1 MiB",
        tell: "the address probably points to the wrong server.",
    },
    CodeDoc {
        code: "E_TRANSPORT_FAILED",
        section: &TRANSPORT,
        when: "any other HTTP failure",
        tell: "retry later.",
    },
];
