//! The push module's [`ReplayStore`] on the vault, so a replayed challenge is refused
//! even after the app restarts.

use super::Vault;
use crate::push::{PushError, ReplayStore};
use std::sync::{Arc, Mutex};

/// A vault shared with the push module as its replay store.
#[derive(Clone, Debug)]
pub struct VaultReplayStore {
    vault: Arc<Mutex<Vault>>,
}

impl VaultReplayStore {
    /// Uses `vault` (shared with the rest of the app) as the replay store.
    pub fn new(vault: Arc<Mutex<Vault>>) -> Self {
        VaultReplayStore { vault }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Vault) -> Result<T, super::VaultError>) -> Result<T, PushError> {
        let mut v = self.vault.lock().map_err(|_| PushError::ReplayStore("vault lock poisoned".into()))?;
        f(&mut v).map_err(|e| PushError::ReplayStore(format!("{}: {e}", crate::ErrorCode::code(&e))))
    }
}

impl ReplayStore for VaultReplayStore {
    fn is_answered(&self, account_id: &str, challenge_id: &str) -> Result<bool, PushError> {
        self.with(|v| v.challenge_seen(account_id, challenge_id))
    }

    fn mark_answered(&self, account_id: &str, challenge_id: &str, expires_at: i64) -> Result<bool, PushError> {
        self.with(|v| v.mark_challenge_seen(account_id, challenge_id, expires_at))
    }

    fn prune(&self, before: i64) -> Result<usize, PushError> {
        self.with(|v| v.prune_challenges(before))
    }
}
