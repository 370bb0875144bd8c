// The bindings' codes: what each means and what to tell the user. `docs/errors.md` is generated
// from this list together with the other crates' (tests/tests/errors_doc.rs).
//
// This file is only items with full paths and no inner attributes, so the `duet-tests` crate can
// `include!` it without depending on this crate.

const BINDINGS: duet_core::error::Section = duet_core::error::Section {
    heading: "Mobile bindings (`bindings`)",
    level: 2,
    lead: "",
};

/// The codes, in the order `docs/errors.md` lists them.
pub static CODES: &[duet_core::error::CodeDoc] = &[
    duet_core::error::CodeDoc {
        code: "E_FFI_CALLBACK",
        section: &BINDINGS,
        when: "a component the app implements (device signer, clock, key provider, HTTP transport) threw an unexpected exception",
        tell: "restart the app and try again; if it keeps happening, report the app version to support.",
    },
    duet_core::error::CodeDoc {
        code: "E_FFI_CLOCK",
        section: &BINDINGS,
        when: "the device clock reads a time before 1970",
        tell: "set the correct date and time (automatic time) in the phone settings.",
    },
];
