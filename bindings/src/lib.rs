//! duet-bindings: the UniFFI layer over `duet-core` for Kotlin (Android) and Swift (iOS).
//!
//! It only converts: core types to FFI records/enums/objects, core errors to [`DuetError`]
//! (stable code + helpdesk sentence), and app-implemented callbacks (signer, key provider,
//! transport, clock) to the core's traits. No logic lives here, so what the Kotlin and Swift
//! tests show about this API holds for the core.

#![warn(missing_docs)]

pub mod account;
pub mod app;
pub mod clock;
pub mod error;
/// What each of the bindings' own codes means (`E_FFI_...`); see `docs/errors.md`.
pub mod error_catalog;
pub mod error_code;
pub mod http;
pub mod otp;
pub mod pipush;
pub mod push;
pub mod qr;
pub mod transfer;
pub mod vault;

pub use error::DuetError;
pub use error_code::ErrorCode;

uniffi::setup_scaffolding!("duet");
