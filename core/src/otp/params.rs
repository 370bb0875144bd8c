//! The parameters that, with a secret, define an OTP account.

/// The HMAC hash function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// HMAC-SHA1, the default of RFC 4226 and nearly every site.
    #[default]
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

/// How the moving factor is derived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OtpKind {
    /// Counter-based (RFC 4226). `counter` is the next counter to use.
    Hotp {
        /// The next counter value.
        counter: u64,
    },
    /// Time-based (RFC 6238).
    Totp {
        /// Time step in seconds, 1..=86_400.
        period: u32,
        /// Unix time at which counting starts (RFC 6238 `T0`).
        t0: u64,
    },
    /// Steam Guard: TOTP, 5 characters from Steam's alphabet.
    Steam {
        /// Time step in seconds (Steam uses 30).
        period: u32,
    },
}

/// Everything but the secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OtpParams {
    /// Counter or time based, and its step.
    pub kind: OtpKind,
    /// HMAC hash.
    pub algorithm: Algorithm,
    /// Number of digits (6..=10), or characters for Steam (5).
    pub digits: u8,
}
