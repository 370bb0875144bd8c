//! The clock the apps pass in (tests use a fixed one).

use std::sync::Arc;

use crate::error::DuetError;

/// Wall-clock time. Apps use [`system_clock`]; tests implement it to pin the time.
#[uniffi::export(with_foreign)]
pub trait Clock: Send + Sync {
    /// Seconds since the Unix epoch. An app clock that throws gives `E_FFI_CALLBACK`.
    fn now_unix_seconds(&self) -> Result<i64, DuetError>;
}

/// The device clock.
struct SystemClock;

impl Clock for SystemClock {
    fn now_unix_seconds(&self) -> Result<i64, DuetError> {
        // A clock before 1970 reads as -1 and is then refused by `unix_now` (E_FFI_CLOCK).
        Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(-1))
    }
}

/// The device's system clock.
#[uniffi::export]
pub fn system_clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}

/// Unix seconds from `clock`, refusing times before 1970.
pub(crate) fn unix_now(clock: &dyn Clock) -> Result<u64, DuetError> {
    let t = clock.now_unix_seconds()?;
    u64::try_from(t).map_err(|_| DuetError::Callback {
        code: "E_FFI_CLOCK".to_string(),
        reason: "The device clock is set before 1970; set the correct date and time.".to_string(),
    })
}

/// Unix seconds from `clock` as the push protocol counts them (signed).
pub(crate) fn unix_now_i64(clock: &dyn Clock) -> Result<i64, DuetError> {
    Ok(unix_now(clock)? as i64)
}
