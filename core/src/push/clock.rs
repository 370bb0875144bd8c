//! The phone's clock offset as seen in signed server messages.

use std::collections::VecDeque;

/// Offsets beyond this many seconds deserve a "your phone's clock is off" warning.
pub const CLOCK_WARNING_SECS: i64 = 30;

/// Server time minus phone time, in seconds, from one signed message's issued-at.
/// Positive: the phone is behind. Includes network delay (a few seconds at most).
pub fn clock_offset(server_time: i64, phone_time: i64) -> i64 {
    server_time.saturating_sub(phone_time)
}

/// The last few offsets seen for an account; the median ignores one slow delivery.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClockReport {
    samples: VecDeque<i64>,
}

impl ClockReport {
    /// How many recent samples are kept.
    pub const WINDOW: usize = 5;

    /// An empty report.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one offset (from a verified request or registration answer).
    pub fn observe(&mut self, offset_secs: i64) {
        if self.samples.len() == Self::WINDOW {
            self.samples.pop_front();
        }
        self.samples.push_back(offset_secs);
    }

    /// Median of the recent offsets; `None` before the first signed message.
    pub fn median(&self) -> Option<i64> {
        let mut v: Vec<i64> = self.samples.iter().copied().collect();
        v.sort_unstable();
        v.get(v.len() / 2).copied()
    }

    /// `Some(offset)` when the median offset warrants a warning to the user.
    pub fn warning(&self) -> Option<i64> {
        self.median().filter(|m| m.unsigned_abs() > CLOCK_WARNING_SECS.unsigned_abs())
    }
}
