//! One-time passwords: HOTP (RFC 4226), TOTP (RFC 6238) and Steam Guard.
//!
//! Pure functions of (secret, parameters, time or counter). Time is always an
//! argument; nothing here reads the clock.
//!
//! - [`Generator`]: one per loaded account; computes codes, seconds left, the next code.
//! - [`code`], [`current`], [`code_for_counter`]: one-shot helpers (no cached state).
//! - [`verify`]: the server side (look-around window, HOTP look-ahead and
//!   resynchronisation, replay refusal).

mod error;
mod generator;
mod params;
pub mod verify;

pub use error::OtpError;
pub use generator::{Code, Generator, STEAM_ALPHABET, code, code_for_counter, current};
pub use params::{
    Algorithm, DEFAULT_PERIOD, MAX_DIGITS, MAX_PERIOD, MIN_DIGITS, MIN_PERIOD, OtpKind, OtpParams,
    STEAM_DIGITS,
};
