//! Remembering answered challenge ids so a replayed request is refused, even after a restart.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::push::PushError;

/// Storage of the challenge ids this phone has answered.
///
/// The vault implements it on SQLite so a replay is refused after the app restarts; the
/// in-memory [`MemoryReplayStore`] serves tests and benchmarks. Implementations must make
/// [`ReplayStore::mark_answered`] atomic (insert-if-absent).
pub trait ReplayStore: Send + Sync {
    /// True when `challenge_id` of `account_id` was already answered.
    fn is_answered(&self, account_id: &str, challenge_id: &str) -> Result<bool, PushError>;
    /// Records an answer; returns `false` (and records nothing) when it was already recorded.
    /// `keep_until` (unix seconds) is when no copy of the request can be accepted any more:
    /// its `exp` plus the clock-skew allowance (docs/protocol.md §4).
    fn mark_answered(
        &self,
        account_id: &str,
        challenge_id: &str,
        keep_until: i64,
    ) -> Result<bool, PushError>;
    /// Forgets entries whose `keep_until` is before `now`; returns how many. Safe because such
    /// a request is refused by its expiry anyway.
    fn prune(&self, now: i64) -> Result<usize, PushError>;
}

/// A [`ReplayStore`] in memory (lost on restart: tests, benchmarks, one-shot CLI runs).
#[derive(Debug, Default)]
pub struct MemoryReplayStore {
    seen: Mutex<Seen>,
}

/// `(account id, challenge id)` → keep until.
type Seen = HashMap<(String, String), i64>;

impl MemoryReplayStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Seen>, PushError> {
        self.seen.lock().map_err(|_| PushError::ReplayStore("store lock poisoned".into()))
    }
}

impl ReplayStore for MemoryReplayStore {
    fn is_answered(&self, account_id: &str, challenge_id: &str) -> Result<bool, PushError> {
        Ok(self.lock()?.contains_key(&(account_id.to_string(), challenge_id.to_string())))
    }

    fn mark_answered(
        &self,
        account_id: &str,
        challenge_id: &str,
        keep_until: i64,
    ) -> Result<bool, PushError> {
        let mut m = self.lock()?;
        let key = (account_id.to_string(), challenge_id.to_string());
        if m.contains_key(&key) {
            return Ok(false);
        }
        m.insert(key, keep_until);
        Ok(true)
    }

    fn prune(&self, now: i64) -> Result<usize, PushError> {
        let mut m = self.lock()?;
        let n = m.len();
        m.retain(|_, keep_until| *keep_until >= now);
        Ok(n - m.len())
    }
}
