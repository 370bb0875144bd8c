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
        code: "E_FFI_KEY_LOCKED",
        section: &BINDINGS,
        when: "the app's vault key provider needs the user first: app lock is on and the phone's fingerprint, face or screen lock was not confirmed recently",
        tell: "unlock the app with your fingerprint, face or screen lock and try again.",
    },
    duet_core::error::CodeDoc {
        code: "E_FFI_KEY_LOST",
        section: &BINDINGS,
        when: "the phone's keystore key that wraps the vault key is gone or was invalidated (a new fingerprint or face was enrolled, the screen lock was removed, or the app's data came from another phone); the vault and its wrapped key are kept",
        tell: "restore your codes from a backup, and ask the helpdesk to enroll this phone again for sign-in requests.",
    },
    duet_core::error::CodeDoc {
        code: "E_FFI_CLOCK",
        section: &BINDINGS,
        when: "the device clock reads a time before 1970",
        tell: "set the correct date and time (automatic time) in the phone settings.",
    },
];
