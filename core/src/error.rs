//! Stable error codes.
//!
//! Every error a user or helpdesk agent can see carries a stable code such as
//! `E_URI_SECRET_BASE32` (the API: apps translate by code) and one sentence a
//! person can act on (its `Display`). What each code means and what to tell the
//! user is written once, in the [`catalog`]; `docs/errors.md` is generated from it.

pub mod catalog;

pub use catalog::{CodeDoc, Section};

/// An error with a stable, documented code.
pub trait ErrorCode: std::error::Error {
    /// The stable code, e.g. `E_URI_SECRET_BASE32`. Never changes meaning once shipped.
    fn code(&self) -> &'static str;
}
