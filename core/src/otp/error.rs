//! Errors of the OTP engine and verifier.

use crate::error::ErrorCode;

/// What can go wrong computing or verifying a one-time password.
///
/// Messages never contain the secret or a code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OtpError {
    /// The secret has no bytes.
    #[error(
        "The account's secret key is empty; re-add the account from the site's QR code or setup key."
    )]
    SecretEmpty,
    /// Digits outside 6..=10 for HOTP/TOTP.
    #[error("Codes with {digits} digits are not supported; duet supports 6 to 10 digits.")]
    DigitsRange {
        /// The digits that were asked for.
        digits: u8,
    },
    /// Steam Guard with a length other than 5.
    #[error("Steam Guard codes have 5 characters, not {digits}.")]
    SteamDigits {
        /// The digits that were asked for.
        digits: u8,
    },
    /// Period outside 1..=86_400 s.
    #[error(
        "A code period of {period} seconds is not supported; duet supports 1 to 86400 seconds."
    )]
    PeriodRange {
        /// The period that was asked for.
        period: u32,
    },
    /// The time lies before the account's `T0`.
    #[error(
        "The device clock is earlier than the account's start time; check the date and time settings."
    )]
    TimeBeforeT0,
    /// A time-only operation on a counter-based (HOTP) account.
    #[error("This account is counter-based (HOTP); it has no time period.")]
    NotTimeBased,
    /// The counter or time step would pass 2^64 - 1.
    #[error("The account's counter has reached its limit; re-enrol the account.")]
    CounterOverflow,
    /// The verifier's window is too wide to be safe.
    #[error("The verification window of {steps} steps is too wide; use at most {max} steps.")]
    WindowRange {
        /// The steps that were asked for.
        steps: u32,
        /// The largest window accepted.
        max: u32,
    },
    /// The submitted code has the wrong length or characters.
    #[error(
        "The code has the wrong format; enter the {expected}-character code the authenticator shows."
    )]
    CodeFormat {
        /// The number of characters expected.
        expected: u8,
    },
    /// The code matches no counter or time step in the window.
    #[error(
        "The code is not correct; enter the current code, and check that the device clock is right."
    )]
    CodeMismatch,
    /// The code matches a time step or counter that was already accepted.
    #[error("This code was already used; wait for the next code and enter that one.")]
    CodeReplayed,
    /// HOTP resynchronisation found no two consecutive counters matching the two codes.
    #[error(
        "The two codes could not be matched; press the token's button twice and enter the two new codes in order."
    )]
    ResyncFailed,
}

impl ErrorCode for OtpError {
    fn code(&self) -> &'static str {
        match self {
            OtpError::SecretEmpty => "E_OTP_SECRET_EMPTY",
            OtpError::DigitsRange { .. } => "E_OTP_DIGITS_RANGE",
            OtpError::SteamDigits { .. } => "E_OTP_STEAM_DIGITS",
            OtpError::PeriodRange { .. } => "E_OTP_PERIOD_RANGE",
            OtpError::TimeBeforeT0 => "E_OTP_TIME_BEFORE_T0",
            OtpError::NotTimeBased => "E_OTP_NOT_TIME_BASED",
            OtpError::CounterOverflow => "E_OTP_COUNTER_OVERFLOW",
            OtpError::WindowRange { .. } => "E_OTP_WINDOW_RANGE",
            OtpError::CodeFormat { .. } => "E_OTP_CODE_FORMAT",
            OtpError::CodeMismatch => "E_OTP_CODE_MISMATCH",
            OtpError::CodeReplayed => "E_OTP_CODE_REPLAYED",
            OtpError::ResyncFailed => "E_OTP_RESYNC_FAILED",
        }
    }
}
