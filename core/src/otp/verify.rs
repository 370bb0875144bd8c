//! Server-side verification of submitted codes (pure: state in, new state out).
//!
//! - TOTP: a look-around window of whole time steps before and after the
//!   current one (RFC 6238 §5.2 recommends at most one step back).
//! - Replay: a time step or counter at or below the last accepted one is
//!   refused (RFC 6238 §5.2: a code may be accepted only once).
//! - HOTP: look-ahead of `s` counters (RFC 4226 §7.2) and resynchronisation
//!   by two consecutive codes (RFC 4226 §7.4).
//!
//! Codes are compared in constant time (`subtle`), so response timing does
//! not leak how many leading characters were right. The caller stores the
//! returned state atomically with the login decision.

use subtle::ConstantTimeEq;

use super::{Generator, OtpError, OtpKind};

/// Widest TOTP window accepted on either side (10 steps of 30 s = 5 minutes).
pub const MAX_TOTP_WINDOW: u32 = 10;
/// Longest HOTP look-ahead accepted for a normal login.
pub const MAX_HOTP_LOOK_AHEAD: u32 = 100;
/// Longest HOTP resynchronisation search (two consecutive codes make a wide search safe).
pub const MAX_RESYNC_WINDOW: u32 = 10_000;

/// How many time steps around the server's current step a TOTP code may come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TotpWindow {
    /// Steps before the current one (clock behind, or network delay).
    pub before: u32,
    /// Steps after the current one (clock ahead).
    pub after: u32,
}

impl Default for TotpWindow {
    /// One step back, none ahead: RFC 6238 §5.2's recommendation.
    fn default() -> Self {
        TotpWindow {
            before: 1,
            after: 0,
        }
    }
}

/// A TOTP code that was accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TotpAccepted {
    /// The time step the code belongs to. Store it as the new `last_step`.
    pub step: u64,
    /// `step` minus the server's current step (negative: the device clock is behind).
    pub offset: i64,
}

/// A HOTP code (or resynchronising pair) that was accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HotpAccepted {
    /// The counter of the (last) accepted code.
    pub counter: u64,
    /// The counter to expect next time (`counter + 1`). Store it.
    pub next_counter: u64,
}

/// Strips spaces people type ("123 456") and checks length and characters.
fn normalise(generator: &Generator, code: &str) -> Result<Vec<u8>, OtpError> {
    let digits = generator.params().digits;
    let bytes: Vec<u8> = code.bytes().filter(|&b| b != b' ').collect();
    let steam = matches!(generator.params().kind, OtpKind::Steam { .. });
    let ok_char = |b: &u8| {
        if steam {
            b.is_ascii_alphanumeric()
        } else {
            b.is_ascii_digit()
        }
    };
    if bytes.len() != usize::from(digits) || !bytes.iter().all(ok_char) {
        return Err(OtpError::CodeFormat { expected: digits });
    }
    Ok(if steam {
        bytes.to_ascii_uppercase()
    } else {
        bytes
    })
}

fn matches(generator: &Generator, counter: u64, code: &[u8]) -> bool {
    generator.at_counter(counter).as_bytes().ct_eq(code).into()
}

/// Verifies a TOTP or Steam code submitted at `unix_time`.
///
/// `last_step` is the step of the last code accepted for this account
/// (`None` if none yet). On success store [`TotpAccepted::step`] as the new
/// `last_step`. If the code matches several steps in the window (a chance
/// collision), the freshest acceptable one closest to now wins.
///
/// # Errors
/// `E_OTP_NOT_TIME_BASED`, `E_OTP_TIME_BEFORE_T0`, `E_OTP_WINDOW_RANGE`,
/// `E_OTP_CODE_FORMAT`, `E_OTP_CODE_REPLAYED`, `E_OTP_CODE_MISMATCH`.
pub fn verify_totp(
    generator: &Generator,
    code: &str,
    unix_time: u64,
    window: TotpWindow,
    last_step: Option<u64>,
) -> Result<TotpAccepted, OtpError> {
    let current = generator.time_step(unix_time)?;
    let widest = window.before.max(window.after);
    if widest > MAX_TOTP_WINDOW {
        return Err(OtpError::WindowRange {
            steps: widest,
            max: MAX_TOTP_WINDOW,
        });
    }
    let code = normalise(generator, code)?;
    let first = current.saturating_sub(u64::from(window.before));
    let last = current.saturating_add(u64::from(window.after));
    let mut best: Option<u64> = None;
    let mut replayed = false;
    // Every candidate is computed and compared, matched or not.
    for step in first..=last {
        if !matches(generator, step, &code) {
            continue;
        }
        if last_step.is_some_and(|l| step <= l) {
            replayed = true;
        } else if best.is_none_or(|b| step.abs_diff(current) < b.abs_diff(current)) {
            best = Some(step);
        }
    }
    match best {
        Some(step) => Ok(TotpAccepted {
            step,
            offset: offset(step, current),
        }),
        None if replayed => Err(OtpError::CodeReplayed),
        None => Err(OtpError::CodeMismatch),
    }
}

fn offset(step: u64, current: u64) -> i64 {
    // Both lie within MAX_TOTP_WINDOW of each other.
    if step >= current {
        (step - current) as i64
    } else {
        -((current - step) as i64)
    }
}

/// Verifies a HOTP code against counters `next_counter ..= next_counter + look_ahead`.
///
/// `next_counter` is the first counter not yet used (all below were accepted
/// or skipped). A code equal to the last used counter's (`next_counter - 1`)
/// is reported as a replay.
///
/// # Errors
/// `E_OTP_WINDOW_RANGE`, `E_OTP_CODE_FORMAT`, `E_OTP_CODE_REPLAYED`,
/// `E_OTP_CODE_MISMATCH`, `E_OTP_COUNTER_OVERFLOW`.
pub fn verify_hotp(
    generator: &Generator,
    code: &str,
    next_counter: u64,
    look_ahead: u32,
) -> Result<HotpAccepted, OtpError> {
    if look_ahead > MAX_HOTP_LOOK_AHEAD {
        return Err(OtpError::WindowRange {
            steps: look_ahead,
            max: MAX_HOTP_LOOK_AHEAD,
        });
    }
    let code = normalise(generator, code)?;
    let last = next_counter.saturating_add(u64::from(look_ahead));
    let mut found: Option<u64> = None;
    for counter in next_counter..=last {
        if matches(generator, counter, &code) && found.is_none() {
            found = Some(counter);
        }
    }
    if let Some(counter) = found {
        let next_counter = counter.checked_add(1).ok_or(OtpError::CounterOverflow)?;
        return Ok(HotpAccepted {
            counter,
            next_counter,
        });
    }
    if next_counter > 0 && matches(generator, next_counter - 1, &code) {
        return Err(OtpError::CodeReplayed);
    }
    Err(OtpError::CodeMismatch)
}

/// Resynchronises a HOTP token that ran ahead: finds the first counter `c` in
/// `next_counter ..= next_counter + window` whose code is `first` and whose
/// successor's code is `second` (RFC 4226 §7.4). Two consecutive matches make
/// a chance hit across a wide window unlikely (about window / 10^(2·digits)).
///
/// # Errors
/// `E_OTP_WINDOW_RANGE`, `E_OTP_CODE_FORMAT`, `E_OTP_RESYNC_FAILED`,
/// `E_OTP_COUNTER_OVERFLOW`.
pub fn resync_hotp(
    generator: &Generator,
    first: &str,
    second: &str,
    next_counter: u64,
    window: u32,
) -> Result<HotpAccepted, OtpError> {
    if window > MAX_RESYNC_WINDOW {
        return Err(OtpError::WindowRange {
            steps: window,
            max: MAX_RESYNC_WINDOW,
        });
    }
    let first = normalise(generator, first)?;
    let second = normalise(generator, second)?;
    let last = next_counter.saturating_add(u64::from(window));
    let mut previous_matched = false;
    for counter in next_counter..=last.saturating_add(1) {
        if previous_matched && matches(generator, counter, &second) {
            let next_counter = counter.checked_add(1).ok_or(OtpError::CounterOverflow)?;
            return Ok(HotpAccepted {
                counter,
                next_counter,
            });
        }
        previous_matched = counter <= last && matches(generator, counter, &first);
    }
    Err(OtpError::ResyncFailed)
}
