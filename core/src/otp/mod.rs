//! One-time passwords: HOTP (RFC 4226), TOTP (RFC 6238) and Steam Guard.
//!
//! Pure functions of (secret, parameters, time or counter). Time is always an
//! argument; nothing here reads the clock.

mod params;

pub use params::{Algorithm, OtpKind, OtpParams};
