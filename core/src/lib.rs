//! duet-core: `app` (the application layer the CLI and apps use) over `otp` · `uri` · `migration` · `transfer` · `push` · `pipush` · `vault` · `keys` · `transport` · `secret` · `error`,
//! and `qr` (QR codes in camera frames and pictures, feature `qr`).
//!
//! The pure-Rust domain of the duet authenticator, one module per concern. Time, randomness, storage and signing are passed
//! in by the caller so every function here is deterministic under test.
//! Nothing in this crate knows about FFI; `bindings/` converts types.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod account;
pub mod app;
pub mod error;
pub mod keys;
pub mod migration;
pub mod otp;
pub mod pipush;
pub mod push;
#[cfg(feature = "qr")]
pub mod qr;
pub mod secret;
pub mod transfer;
pub mod transport;
pub mod uri;
pub mod vault;

pub use account::OtpAccount;
pub use error::ErrorCode;
