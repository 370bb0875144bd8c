//! Code generation: HOTP (RFC 4226), TOTP (RFC 6238) and Steam Guard.

use hmac::block_api::HmacCore;
use hmac::digest::Output;
use hmac::digest::block_api::{Buffer, EagerHash, FixedOutputCore, UpdateCore};
use hmac::KeyInit;

use super::{Algorithm, OtpError, OtpKind, OtpParams};
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

/// HMAC keyed with the account's secret, as the `hmac` crate's block-level core: the two hash
/// states after the padded key. Keying is two compressions, as much as a code itself costs, so a
/// loaded account keeps this and clones the two states per code (the buffered `Hmac` would copy
/// an empty block buffer with them). The states are as good as the key; `sha1`/`sha2` wipe them
/// on drop (their `zeroize` feature), clones included.
#[derive(Clone)]
enum KeyedHmac {
    Sha1(HmacCore<sha1::Sha1>),
    Sha256(HmacCore<sha2::Sha256>),
    Sha512(HmacCore<sha2::Sha512>),
}

impl KeyedHmac {
    fn new(algorithm: Algorithm, key: &[u8]) -> Self {
        match algorithm {
            Algorithm::Sha1 => KeyedHmac::Sha1(keyed(key)),
            Algorithm::Sha256 => KeyedHmac::Sha256(keyed(key)),
            Algorithm::Sha512 => KeyedHmac::Sha512(keyed(key)),
        }
    }

    #[inline]
    fn hotp_value(&self, counter: u64) -> u32 {
        match self {
            KeyedHmac::Sha1(mac) => hotp_value(mac, counter),
            KeyedHmac::Sha256(mac) => hotp_value(mac, counter),
            KeyedHmac::Sha512(mac) => hotp_value(mac, counter),
        }
    }
}

fn keyed<M: KeyInit>(key: &[u8]) -> M {
    // HMAC hashes or pads a key of any length; the error case exists for fixed-key MACs only.
    M::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"))
}

/// RFC 4226 §5.3: dynamic truncation of HMAC(key, counter as 8 big-endian bytes), 31 bits.
#[inline]
fn hotp_value<D: EagerHash>(keyed: &HmacCore<D>, counter: u64) -> u32 {
    let mut core = keyed.clone();
    let mut buffer = Buffer::<HmacCore<D>>::default();
    // Eight bytes never fill a block: the counter stays in the buffer for finalization.
    buffer.digest_blocks(&counter.to_be_bytes(), |blocks| core.update_blocks(blocks));
    let mut tag = Output::<HmacCore<D>>::default();
    core.finalize_fixed_core(&mut buffer, &mut tag);
    let offset = usize::from(tag[tag.len() - 1] & 0x0f);
    u32::from_be_bytes([
        tag[offset],
        tag[offset + 1],
        tag[offset + 2],
        tag[offset + 3],
    ]) & 0x7fff_ffff
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator")
            .field("params", &self.params)
            .field("key", &"redacted")
            .finish()
    }
}

/// A code as shown to the user: 5 to 10 ASCII characters, kept inline (no
/// heap allocation), so the next code of a loaded account costs one HMAC.
///
/// Derefs to `&str`; `String::from(code)` or `to_string()` when an owned
/// string is needed. `Debug` is redacted (a code is a short-lived credential).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Code {
    /// The code is `buf[start..]`.
    buf: [u8; 10],
    start: u8,
}

/// The empty code: what a list shows for an account whose code cannot be computed.
impl Default for Code {
    fn default() -> Self {
        Code { buf: [0; 10], start: 10 }
    }
}

/// "00" to "99": the two digits of every value below 100.
const DIGIT_PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// 10^0 ..= 10^9, then `u32::MAX` for 10 digits (a 31-bit value is always below it).
const POW10: [u32; 11] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    u32::MAX,
];

impl Code {
    /// Decimal code, left-padded with zeros. 31 bits never exceed 10 digits,
    /// so with 10 digits the value is printed whole (as pyotp does).
    #[inline(always)]
    fn decimal(value: u32, digits: u8) -> Code {
        // One monomorphised copy per length, so every divisor is a constant
        // (a multiply-shift) and the digits are computed independently. Six
        // digits, nearly every account, is formatted in line; the rest out of line.
        if digits == 6 {
            Code::decimal_n::<6>(value)
        } else {
            Code::decimal_other(value, digits)
        }
    }

    #[inline(never)]
    fn decimal_other(value: u32, digits: u8) -> Code {
        match digits {
            7 => Code::decimal_n::<7>(value),
            8 => Code::decimal_n::<8>(value),
            9 => Code::decimal_n::<9>(value),
            10 => Code::decimal_n::<10>(value),
            _ => Code::decimal_n::<6>(value),
        }
    }

    #[inline(always)]
    fn decimal_n<const N: usize>(value: u32) -> Code {
        let mut buf = [b'0'; 10];
        let v = value % POW10[N];
        // Each pair of digits comes from its own constant divisor (a multiply-shift), so the
        // pairs are computed in parallel rather than as a chain of divisions by 100.
        let mut k = 0;
        while 2 * k < N {
            let pair = ((v / POW10[2 * k]) % 100) as usize;
            let end = 10 - 2 * k;
            buf[end - 1] = DIGIT_PAIRS[2 * pair + 1];
            if 2 * k + 1 < N {
                buf[end - 2] = DIGIT_PAIRS[2 * pair];
            }
            k += 1;
        }
        Code {
            buf,
            start: (10 - N) as u8,
        }
    }

    /// Steam Guard: 5 characters, least significant base-26 digit first.
    fn steam(value: u32) -> Code {
        let mut buf = [0u8; 10];
        let mut v = value as usize;
        for slot in buf[5..].iter_mut() {
            *slot = STEAM_ALPHABET[v % STEAM_ALPHABET.len()];
            v /= STEAM_ALPHABET.len();
        }
        Code { buf, start: 5 }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever written, so this never falls back.
        std::str::from_utf8(&self.buf[usize::from(self.start)..]).unwrap_or_default()
    }
}

impl std::ops::Deref for Code {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Code({} chars, redacted)",
            self.buf.len() - usize::from(self.start)
        )
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl From<Code> for String {
    fn from(code: Code) -> String {
        code.as_str().to_owned()
    }
}

/// RFC 6238 §4.2: `floor((unix_time - T0) / period)`.
#[inline]
fn step_of(unix_time: u64, t0: u64, period: u32) -> Result<u64, OtpError> {
    let since = unix_time.checked_sub(t0).ok_or(OtpError::TimeBeforeT0)?;
    // 32-bit division is several times faster than 64-bit on common
    // CPUs, and covers every time before 2106.
    // 30 s is the period of nearly every account: as a constant divisor it compiles to a
    // multiply-shift, taking a hardware division off the start of every code's critical path.
    Ok(match (u32::try_from(since), period) {
        (Ok(since), 30) => u64::from(since / 30),
        (Ok(since), period) => u64::from(since / period),
        (Err(_), period) => since / u64::from(period),
    })
}

/// The moving factor of the code to show at `unix_time`: its time step, or
/// the stored HOTP counter.
#[inline]
fn counter_at(params: &OtpParams, unix_time: u64) -> Result<u64, OtpError> {
    match params.kind {
        OtpKind::Hotp { counter } => Ok(counter),
        OtpKind::Totp { period, t0 } => step_of(unix_time, t0, period),
        OtpKind::Steam { period } => step_of(unix_time, 0, period),
    }
}

/// Formats a 31-bit HOTP value for the account.
#[inline]
fn format(params: &OtpParams, value: u32) -> Code {
    match params.kind {
        OtpKind::Steam { .. } => Code::steam(value),
        _ => Code::decimal(value, params.digits),
    }
}

impl Generator {
    /// Validates `params`, refuses an empty secret, and keys HMAC once.
    ///
    /// # Errors
    /// `E_OTP_SECRET_EMPTY`, `E_OTP_DIGITS_RANGE`, `E_OTP_STEAM_DIGITS`, `E_OTP_PERIOD_RANGE`.
    pub fn new(secret: &Secret, params: &OtpParams) -> Result<Self, OtpError> {
        check(secret, params)?;
        Ok(Generator {
            mac: KeyedHmac::new(params.algorithm, secret.expose()),
            params: *params,
        })
    }

    /// The account's parameters.
    pub fn params(&self) -> &OtpParams {
        &self.params
    }

    /// The code for a moving factor (HOTP counter or TOTP time step), formatted
    /// for the account (decimal digits, or Steam characters), without allocating.
    #[inline]
    pub fn at_counter(&self, counter: u64) -> Code {
        format(&self.params, self.mac.hotp_value(counter))
    }

    /// [`Generator::at_counter`] as a `String`.
    pub fn code_for_counter(&self, counter: u64) -> String {
        self.at_counter(counter).into()
    }

    /// The TOTP time step for `unix_time`: `floor((unix_time - T0) / period)`.
    ///
    /// # Errors
    /// `E_OTP_NOT_TIME_BASED` for HOTP; `E_OTP_TIME_BEFORE_T0`.
    #[inline]
    pub fn time_step(&self, unix_time: u64) -> Result<u64, OtpError> {
        let (period, t0) = self.period_t0()?;
        step_of(unix_time, t0, period)
    }

    fn period_t0(&self) -> Result<(u32, u64), OtpError> {
        match (self.params.period(), self.params.t0()) {
            (Some(p), Some(t0)) => Ok((p, t0)),
            _ => Err(OtpError::NotTimeBased),
        }
    }

    /// The moving factor of the code to show now: `unix_time`'s step, or the
    /// stored HOTP counter.
    #[inline]
    pub(crate) fn current_counter(&self, unix_time: u64) -> Result<u64, OtpError> {
        counter_at(&self.params, unix_time)
    }

    /// The code to show now, without allocating: for TOTP and Steam the code of
    /// `unix_time`'s step; for HOTP the code of the account's stored counter
    /// (time is ignored).
    ///
    /// # Errors
    /// `E_OTP_TIME_BEFORE_T0`.
    #[inline]
    pub fn current(&self, unix_time: u64) -> Result<Code, OtpError> {
        Ok(self.at_counter(self.current_counter(unix_time)?))
    }

    /// The code after the current one, without allocating: the next time step,
    /// or the HOTP counter + 1.
    ///
    /// # Errors
    /// `E_OTP_TIME_BEFORE_T0`, `E_OTP_COUNTER_OVERFLOW`.
    pub fn upcoming(&self, unix_time: u64) -> Result<Code, OtpError> {
        let next = self
            .current_counter(unix_time)?
            .checked_add(1)
            .ok_or(OtpError::CounterOverflow)?;
        Ok(self.at_counter(next))
    }

    /// [`Generator::current`] as a `String`.
    ///
    /// # Errors
    /// `E_OTP_TIME_BEFORE_T0`.
    pub fn code_at(&self, unix_time: u64) -> Result<String, OtpError> {
        self.current(unix_time).map(String::from)
    }

    /// [`Generator::upcoming`] as a `String`.
    ///
    /// # Errors
    /// `E_OTP_TIME_BEFORE_T0`, `E_OTP_COUNTER_OVERFLOW`.
    pub fn next_code(&self, unix_time: u64) -> Result<String, OtpError> {
        self.upcoming(unix_time).map(String::from)
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
    current(secret, params, unix_time).map(String::from)
}

/// One-shot [`code`] without allocating: the [`Code`] inline.
///
/// # Errors
/// As [`Generator::new`] and [`Generator::current`].
#[inline]
pub fn current(secret: &Secret, params: &OtpParams, unix_time: u64) -> Result<Code, OtpError> {
    check(secret, params)?;
    let counter = counter_at(params, unix_time)?;
    Ok(code_once(secret, params, counter))
}

/// The checks every entry point makes before any arithmetic on the parameters.
#[inline]
fn check(secret: &Secret, params: &OtpParams) -> Result<(), OtpError> {
    params.validate()?;
    if secret.is_empty() {
        return Err(OtpError::SecretEmpty);
    }
    Ok(())
}

/// Keys HMAC and uses the keyed state up (no clone, no Generator). Call
/// [`check`] first.
#[inline]
fn code_once(secret: &Secret, params: &OtpParams, counter: u64) -> Code {
    let key = secret.expose();
    let value = match params.algorithm {
        Algorithm::Sha1 => hotp_value(&keyed::<HmacCore<sha1::Sha1>>(key), counter),
        Algorithm::Sha256 => hotp_value(&keyed::<HmacCore<sha2::Sha256>>(key), counter),
        Algorithm::Sha512 => hotp_value(&keyed::<HmacCore<sha2::Sha512>>(key), counter),
    };
    format(params, value)
}

/// One-shot: the code for an explicit counter or time step.
///
/// # Errors
/// As [`Generator::new`].
pub fn code_for_counter(
    secret: &Secret,
    params: &OtpParams,
    counter: u64,
) -> Result<String, OtpError> {
    check(secret, params)?;
    Ok(code_once(secret, params, counter).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_pads_and_keeps_ten_digits() {
        assert_eq!(Code::decimal(7, 6), "000007");
        assert_eq!(Code::decimal(1_234_567_890, 6), "567890");
        assert_eq!(Code::decimal(2_147_483_647, 10), "2147483647");
        assert_eq!(Code::decimal(42, 10), "0000000042");
        assert_eq!(
            format!("{:?}", Code::decimal(42, 6)),
            "Code(6 chars, redacted)"
        );
    }
}
