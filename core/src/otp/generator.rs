//! Code generation: HOTP (RFC 4226), TOTP (RFC 6238) and Steam Guard.

use super::hmac::{KeyedHmac, Tag};
use super::{OtpError, OtpKind, OtpParams};
use crate::secret::Secret;

/// Steam Guard's 26-character alphabet (no vowels, no look-alike characters).
pub const STEAM_ALPHABET: &[u8; 26] = b"23456789BCDFGHJKMNPQRTVWXY";

/// Computes the codes of one account; key setup happens once, in [`Generator::new`].
///
/// Keep one per loaded account: each code then costs one HMAC over 8 bytes.
/// `Debug` shows the parameters only; the keyed state is wiped on drop.
#[derive(Clone)]
pub struct Generator {
    mac: KeyedHmac,
    params: OtpParams,
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator")
            .field("params", &self.params)
            .field("key", &"redacted")
            .finish()
    }
}

/// RFC 4226 §5.3 dynamic truncation: 31 bits at the offset named by the low
/// nibble of the tag's last byte (the full tag, for SHA-256/512 too).
fn truncate(tag: &Tag) -> u32 {
    let t = tag.as_bytes();
    let offset = usize::from(t[t.len() - 1] & 0x0f);
    u32::from_be_bytes([t[offset], t[offset + 1], t[offset + 2], t[offset + 3]]) & 0x7fff_ffff
}

/// Decimal code, left-padded with zeros. 31 bits never exceed 10 digits, so
/// for 10 digits the value is printed whole (as pyotp does).
fn decimal(value: u32, digits: u8) -> String {
    let mut buf = [b'0'; 10];
    let mut v = value;
    let n = usize::from(digits);
    for slot in buf[..n].iter_mut().rev() {
        *slot = b'0' + (v % 10) as u8;
        v /= 10;
    }
    buf[..n].iter().map(|&b| char::from(b)).collect()
}

/// Steam Guard: 5 characters, least significant base-26 digit first.
fn steam(value: u32) -> String {
    let mut v = value as usize;
    let mut s = String::with_capacity(5);
    for _ in 0..5 {
        s.push(char::from(STEAM_ALPHABET[v % STEAM_ALPHABET.len()]));
        v /= STEAM_ALPHABET.len();
    }
    s
}

impl Generator {
    /// Validates `params`, refuses an empty secret, and keys HMAC once.
    ///
    /// # Errors
    /// `E_OTP_SECRET_EMPTY`, `E_OTP_DIGITS_RANGE`, `E_OTP_STEAM_DIGITS`, `E_OTP_PERIOD_RANGE`.
    pub fn new(secret: &Secret, params: &OtpParams) -> Result<Self, OtpError> {
        params.validate()?;
        if secret.is_empty() {
            return Err(OtpError::SecretEmpty);
        }
        Ok(Generator { mac: KeyedHmac::new(params.algorithm, secret.expose()), params: *params })
    }

    /// The account's parameters.
    pub fn params(&self) -> &OtpParams {
        &self.params
    }

    /// The code for a moving factor (HOTP counter or TOTP time step), formatted
    /// for the account (decimal digits, or Steam characters).
    pub fn code_for_counter(&self, counter: u64) -> String {
        let value = truncate(&self.mac.tag(&counter.to_be_bytes()));
        match self.params.kind {
            OtpKind::Steam { .. } => steam(value),
            _ => decimal(value, self.params.digits),
        }
    }

    /// The TOTP time step for `unix_time`: `floor((unix_time - T0) / period)`.
    ///
    /// # Errors
    /// `E_OTP_NOT_TIME_BASED` for HOTP; `E_OTP_TIME_BEFORE_T0`.
    pub fn time_step(&self, unix_time: u64) -> Result<u64, OtpError> {
        let (period, t0) = self.period_t0()?;
        let since = unix_time.checked_sub(t0).ok_or(OtpError::TimeBeforeT0)?;
        Ok(since / u64::from(period))
    }

    fn period_t0(&self) -> Result<(u32, u64), OtpError> {
        match (self.params.period(), self.params.t0()) {
            (Some(p), Some(t0)) => Ok((p, t0)),
            _ => Err(OtpError::NotTimeBased),
        }
    }

    /// The code to show now: for TOTP and Steam the code of `unix_time`'s step;
    /// for HOTP the code of the account's stored counter (time is ignored).
    ///
    /// # Errors
    /// `E_OTP_TIME_BEFORE_T0`.
    pub fn code_at(&self, unix_time: u64) -> Result<String, OtpError> {
        let counter = match self.params.kind {
            OtpKind::Hotp { counter } => counter,
            _ => self.time_step(unix_time)?,
        };
        Ok(self.code_for_counter(counter))
    }

    /// The code after the current one: the next time step, or the HOTP counter + 1.
    ///
    /// # Errors
    /// `E_OTP_TIME_BEFORE_T0`, `E_OTP_COUNTER_OVERFLOW`.
    pub fn next_code(&self, unix_time: u64) -> Result<String, OtpError> {
        let current = match self.params.kind {
            OtpKind::Hotp { counter } => counter,
            _ => self.time_step(unix_time)?,
        };
        let next = current.checked_add(1).ok_or(OtpError::CounterOverflow)?;
        Ok(self.code_for_counter(next))
    }

    /// Seconds until the code of `unix_time` expires (1..=period).
    ///
    /// # Errors
    /// `E_OTP_NOT_TIME_BASED` for HOTP; `E_OTP_TIME_BEFORE_T0`.
    pub fn seconds_left(&self, unix_time: u64) -> Result<u32, OtpError> {
        let (period, t0) = self.period_t0()?;
        let since = unix_time.checked_sub(t0).ok_or(OtpError::TimeBeforeT0)?;
        let into = since % u64::from(period);
        // `into < period <= 86_400`, so this fits.
        Ok(period - into as u32)
    }
}

/// One-shot: the current code of an account (TOTP/Steam at `unix_time`, HOTP at
/// its stored counter). Keeps no state; use [`Generator`] for repeated codes.
///
/// # Errors
/// As [`Generator::new`] and [`Generator::code_at`].
pub fn code(secret: &Secret, params: &OtpParams, unix_time: u64) -> Result<String, OtpError> {
    Generator::new(secret, params)?.code_at(unix_time)
}

/// One-shot: the code for an explicit counter or time step.
///
/// # Errors
/// As [`Generator::new`].
pub fn code_for_counter(secret: &Secret, params: &OtpParams, counter: u64) -> Result<String, OtpError> {
    Ok(Generator::new(secret, params)?.code_for_counter(counter))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_pads_and_keeps_ten_digits() {
        assert_eq!(decimal(7, 6), "000007");
        assert_eq!(decimal(1_234_567_890, 6), "567890");
        assert_eq!(decimal(2_147_483_647, 10), "2147483647");
        assert_eq!(decimal(42, 10), "0000000042");
    }
}
