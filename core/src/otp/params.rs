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

/// Smallest number of digits for HOTP/TOTP (RFC 4226 requires at least 6).
pub const MIN_DIGITS: u8 = 6;
/// Largest number of digits: the 31-bit truncated value has at most 10 decimal digits.
pub const MAX_DIGITS: u8 = 10;
/// Steam Guard codes always have this many characters.
pub const STEAM_DIGITS: u8 = 5;
/// Shortest time step in seconds.
pub const MIN_PERIOD: u32 = 1;
/// Longest time step in seconds (one day).
pub const MAX_PERIOD: u32 = 86_400;
/// The period nearly every site uses, and the only one Steam uses.
pub const DEFAULT_PERIOD: u32 = 30;

impl OtpParams {
    /// The common case: TOTP, SHA-1, 6 digits, 30 s, T0 = 0.
    pub const fn totp_default() -> Self {
        OtpParams {
            kind: OtpKind::Totp {
                period: DEFAULT_PERIOD,
                t0: 0,
            },
            algorithm: Algorithm::Sha1,
            digits: 6,
        }
    }

    /// Steam Guard: 5 characters, SHA-1, 30 s.
    pub const fn steam() -> Self {
        OtpParams {
            kind: OtpKind::Steam {
                period: DEFAULT_PERIOD,
            },
            algorithm: Algorithm::Sha1,
            digits: STEAM_DIGITS,
        }
    }

    /// Checks digits and period against the ranges duet supports.
    ///
    /// # Errors
    /// `E_OTP_DIGITS_RANGE`, `E_OTP_STEAM_DIGITS` or `E_OTP_PERIOD_RANGE`.
    #[inline]
    pub fn validate(&self) -> Result<(), crate::otp::OtpError> {
        use crate::otp::OtpError;
        match self.kind {
            OtpKind::Steam { .. } if self.digits != STEAM_DIGITS => {
                return Err(OtpError::SteamDigits {
                    digits: self.digits,
                });
            }
            OtpKind::Hotp { .. } | OtpKind::Totp { .. }
                if !(MIN_DIGITS..=MAX_DIGITS).contains(&self.digits) =>
            {
                return Err(OtpError::DigitsRange {
                    digits: self.digits,
                });
            }
            _ => {}
        }
        if let Some(period) = self.period()
            && !(MIN_PERIOD..=MAX_PERIOD).contains(&period)
        {
            return Err(OtpError::PeriodRange { period });
        }
        Ok(())
    }

    /// The time step in seconds, or `None` for HOTP.
    pub const fn period(&self) -> Option<u32> {
        match self.kind {
            OtpKind::Hotp { .. } => None,
            OtpKind::Totp { period, .. } | OtpKind::Steam { period } => Some(period),
        }
    }

    /// `T0` in Unix seconds: the `t0` of TOTP, 0 for Steam, `None` for HOTP.
    pub const fn t0(&self) -> Option<u64> {
        match self.kind {
            OtpKind::Hotp { .. } => None,
            OtpKind::Totp { t0, .. } => Some(t0),
            OtpKind::Steam { .. } => Some(0),
        }
    }

    /// True for TOTP and Steam (time-based kinds).
    pub const fn is_time_based(&self) -> bool {
        !matches!(self.kind, OtpKind::Hotp { .. })
    }
}

impl Algorithm {
    /// The name used in `otpauth://` URIs and by oathtool/pyotp: `SHA1`, `SHA256`, `SHA512`.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }
}
