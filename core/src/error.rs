//! Stable error codes.
//!
//! Every error a user or helpdesk agent can see carries a stable code such as
//! `E_URI_SECRET_BASE32` (the API: apps translate by code) and one sentence a
//! person can act on (its `Display`). All codes are listed in `docs/errors.md`;
//! a test keeps the two in step.

/// An error with a stable, documented code.
pub trait ErrorCode: std::error::Error {
    /// The stable code, e.g. `E_URI_SECRET_BASE32`. Never changes meaning once shipped.
    fn code(&self) -> &'static str;
}
