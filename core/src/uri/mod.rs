//! `otpauth://` URIs: Google's Key URI Format and its de-facto extensions.
//!
//! [`parse`] is lenient where real QR codes are messy and strict on ranges:
//! - Base32 secrets in any case, padded or not, with spaces; 80-bit secrets
//!   (Google's example `JBSWY3DPEHPK3PXP`) work with a warning;
//! - `:` or `%3A` between issuer and account, with or without spaces; the
//!   `issuer` parameter wins over the label prefix (a mismatch is a warning);
//! - a raw `#` in a label is part of the name (no fragments), UTF-8 labels,
//!   `+` is a space in parameter values but a plus in labels (e-mail tags);
//! - `otpauth://steam/...`, and as TOTP with `encoder=steam` (KeePassXC) or
//!   issuer Steam with 5 digits, read as Steam Guard;
//! - `t0=` (duet's extension) for a TOTP start time other than 0;
//! - parameters duet does not use (image, color, ...) are kept in order.
//!
//! [`write`] emits a canonical form; `write(parse(u))` is a fixed point of
//! `write ∘ parse`, and `parse(write(a))` gives back `a` (for trimmed labels and
//! extras that duet does not interpret).

mod base32;
mod encoding;
mod error;
mod params;
mod parse;
mod write;

pub use base32::{decode_secret, encode_secret};
pub use error::{UriError, UriWarning};
pub use parse::parse;
pub use write::write;

use crate::account::OtpAccount;

/// Longest URI read (64 KiB): a QR code holds at most about 3 KB, and a bound
/// keeps hostile input cheap.
pub const MAX_URI_LEN: usize = 64 * 1024;

/// An account read from a URI, plus anything odd about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The account.
    pub account: OtpAccount,
    /// Things worth telling the user; the account is usable regardless.
    pub warnings: Vec<UriWarning>,
}
