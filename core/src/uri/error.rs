//! What can go wrong reading an `otpauth://` URI, and what is worth a warning.
//!
//! Messages are one sentence a helpdesk agent can read out. They never contain
//! the secret; where they quote a value from the URI it is a short, sanitized
//! excerpt of a non-secret parameter.

use crate::error::ErrorCode;

/// A URI duet refuses to read. Each variant has a stable code (see `docs/errors.md`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UriError {
    /// Longer than [`crate::uri::MAX_URI_LEN`]; no real QR code holds that much.
    #[error("The code is far too long to be an account QR code; scan the site's QR code again.")]
    TooLong,
    /// Not an `otpauth://` URI at all.
    #[error("This is not an authenticator QR code (it should start with otpauth://); scan the code the site shows for authenticator apps.")]
    Scheme,
    /// A Google Authenticator transfer code was given where one account was expected.
    #[error("This is a Google Authenticator transfer code, not a single account; use the transfer import instead.")]
    IsMigration,
    /// The type after `otpauth://` is not `totp`, `hotp` or `steam`.
    #[error("The code type \"{found}\" is not supported; duet reads totp, hotp and steam codes.")]
    Type {
        /// Sanitized excerpt of what the URI said.
        found: String,
    },
    /// Percent-encoded bytes that are not UTF-8 text.
    #[error("The account name or a setting in the code is not valid text; ask the site for a new QR code.")]
    Encoding,
    /// A parameter duet uses appears twice with different values.
    #[error("The setting \"{param}\" appears twice with different values; ask the site for a new QR code.")]
    ParamDuplicate {
        /// The parameter name (a known one, such as `secret` or `digits`).
        param: &'static str,
    },
    /// No `secret` parameter.
    #[error("The code has no secret key; scan the site's QR code again or type in the setup key.")]
    SecretMissing,
    /// `secret=` with nothing after it.
    #[error("The code's secret key is empty; ask the site for a new QR code.")]
    SecretEmpty,
    /// The secret is not Base32 (letters A-Z and digits 2-7).
    #[error("The secret key is not valid Base32 (only letters A-Z and digits 2-7 are allowed); check the setup key for typos.")]
    SecretBase32,
    /// An algorithm other than SHA1, SHA256 or SHA512.
    #[error("The hash algorithm \"{found}\" is not supported; duet supports SHA1, SHA256 and SHA512.")]
    Algorithm {
        /// Sanitized excerpt of what the URI said.
        found: String,
    },
    /// Digits not a number in 6..=10 (exactly 5 for Steam).
    #[error("The number of digits is not supported; duet supports 6 to 10 digits, and 5 characters for Steam.")]
    Digits,
    /// Period not a whole number of seconds in 1..=86,400.
    #[error("The code period is not supported; duet supports 1 to 86400 seconds.")]
    Period,
    /// HOTP counter not a whole number in 0..=2^64-1.
    #[error("The counter is not a whole number from 0 to 18446744073709551615; ask the site for a new QR code.")]
    Counter,
    /// `t0` (duet's extension for a non-zero TOTP start time) not a whole number of seconds.
    #[error("The start time (t0) is not a whole number of seconds; ask the site for a new QR code.")]
    T0,
}

impl ErrorCode for UriError {
    fn code(&self) -> &'static str {
        match self {
            UriError::TooLong => "E_URI_TOO_LONG",
            UriError::Scheme => "E_URI_SCHEME",
            UriError::IsMigration => "E_URI_IS_MIGRATION",
            UriError::Type { .. } => "E_URI_TYPE",
            UriError::Encoding => "E_URI_ENCODING",
            UriError::ParamDuplicate { .. } => "E_URI_PARAM_DUPLICATE",
            UriError::SecretMissing => "E_URI_SECRET_MISSING",
            UriError::SecretEmpty => "E_URI_SECRET_EMPTY",
            UriError::SecretBase32 => "E_URI_SECRET_BASE32",
            UriError::Algorithm { .. } => "E_URI_ALGORITHM",
            UriError::Digits => "E_URI_DIGITS",
            UriError::Period => "E_URI_PERIOD",
            UriError::Counter => "E_URI_COUNTER",
            UriError::T0 => "E_URI_T0",
        }
    }
}

/// Something odd about a URI that duet still reads. Each has a stable code
/// (`W_URI_...`, documented in `docs/errors.md`) and one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UriWarning {
    /// The label's issuer prefix and the `issuer` parameter differ; the parameter wins.
    #[error("The code names two different issuers (\"{label}\" and \"{param}\"); duet uses \"{param}\".")]
    IssuerMismatch {
        /// Issuer in the label prefix.
        label: String,
        /// Issuer in the `issuer` parameter (the one used).
        param: String,
    },
    /// The secret is shorter than RFC 4226's 128-bit minimum; it works but is weaker.
    #[error("The secret key is only {bits} bits long (128 or more is recommended); codes work, but the site should issue a longer key.")]
    SecretShort {
        /// Secret length in bits.
        bits: usize,
    },
    /// An HOTP URI without `counter`: counting starts at 0, as most apps do.
    #[error("The counter-based code has no starting counter; duet starts at 0, so resynchronise with the site if codes are rejected.")]
    CounterMissing,
    /// A `totp` URI read as Steam Guard because of `encoder=steam` or issuer Steam with 5 digits.
    #[error("The code is read as a Steam Guard code (5 characters), as the Steam app shows it.")]
    SteamAssumed,
}

impl UriWarning {
    /// The stable warning code, e.g. `W_URI_SECRET_SHORT`.
    pub fn code(&self) -> &'static str {
        match self {
            UriWarning::IssuerMismatch { .. } => "W_URI_ISSUER_MISMATCH",
            UriWarning::SecretShort { .. } => "W_URI_SECRET_SHORT",
            UriWarning::CounterMissing => "W_URI_COUNTER_MISSING",
            UriWarning::SteamAssumed => "W_URI_STEAM_ASSUMED",
        }
    }
}

/// A short, printable excerpt of outside input for an error message: at most
/// 16 characters, control characters replaced, so a hostile URI cannot forge
/// extra lines in a log or a dialog.
pub(crate) fn excerpt(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(16)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if s.chars().count() > 16 {
        out.push('…');
    }
    out
}
