//! The core's error codes with their documentation, one list per module.
//!
//! This is the one place a code's meaning is written down: `docs/errors.md` is rendered from these
//! lists (and the server's, CLI's and bindings'), and the helpdesk shows `tell` from them. A test
//! in `duet-tests` checks that every code literal in the sources has an entry and every entry a
//! code in the sources.

mod app;
mod keys;
mod migration;
mod otp;
mod pipush;
mod push;
mod qr;
mod transfer;
mod transport;
mod uri;
mod vault;

/// A heading of `docs/errors.md` and the sentence that opens one group of codes under it.
/// Groups under one heading repeat its text; `lead` is empty when the codes follow the heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// Heading text, e.g. "otpauth URIs (`uri`)".
    pub heading: &'static str,
    /// Markdown heading level: 2 for a module, 3 for a part of one.
    pub level: u8,
    /// Sentence introducing the group ("Warnings (...):"), or empty.
    pub lead: &'static str,
}

/// One code: where it is documented, when it happens and what to tell the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeDoc {
    /// The stable code, as [`super::ErrorCode::code`] returns it.
    pub code: &'static str,
    /// The heading and group it is listed under.
    pub section: &'static Section,
    /// When it happens.
    pub when: &'static str,
    /// What to tell the user (the helpdesk's guidance line).
    pub tell: &'static str,
}

/// The core's codes, one slice per module, in the order `docs/errors.md` lists them.
pub static CATALOG: &[&[CodeDoc]] = &[
    otp::CODES,
    uri::CODES,
    migration::CODES,
    push::CODES,
    vault::CODES,
    keys::CODES,
    transfer::CODES,
    pipush::CODES,
    transport::CODES,
    qr::CODES,
    app::CODES,
];

/// Every core code, in catalog order.
pub fn codes() -> impl Iterator<Item = &'static CodeDoc> {
    CATALOG.iter().flat_map(|part| part.iter())
}

/// The core's documentation of `code`, if it is a core code.
pub fn lookup(code: &str) -> Option<&'static CodeDoc> {
    codes().find(|d| d.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for d in codes() {
            assert!(seen.insert(d.code), "listed twice: {}", d.code);
            assert!(d.code.starts_with("E_") || d.code.starts_with("W_"), "{}", d.code);
            assert!(!d.when.is_empty() && !d.tell.is_empty(), "{}", d.code);
            // " — " separates the parts of a line in docs/errors.md.
            assert!(!d.when.contains(" — ") && !d.tell.contains(" — "), "{}", d.code);
        }
        assert_eq!(lookup("E_URI_SECRET_BASE32").unwrap().section.heading, "otpauth URIs (`uri`)");
    }
}
