//! The vault as the push protocol's replay memory: answered challenge ids survive restarts.

use std::sync::Mutex;

use crate::error::ErrorCode;
use crate::push::{PushError, ReplayStore};
use crate::vault::{Vault, VaultError};

/// A vault borrowed as a [`ReplayStore`] for one protocol call.
pub struct VaultReplay<'a>(Mutex<&'a mut Vault>);

impl<'a> VaultReplay<'a> {
    /// Uses `vault` as the replay store while this value lives.
    pub fn new(vault: &'a mut Vault) -> Self {
        VaultReplay(Mutex::new(vault))
    }

    fn with<T>(&self, f: impl FnOnce(&mut Vault) -> Result<T, VaultError>) -> Result<T, PushError> {
        let mut v = self.0.lock().map_err(|_| PushError::ReplayStore("vault lock poisoned".into()))?;
        f(&mut v).map_err(|e| PushError::ReplayStore(e.code().into()))
    }
}

impl ReplayStore for VaultReplay<'_> {
    fn is_answered(&self, account_id: &str, challenge_id: &str) -> Result<bool, PushError> {
        self.with(|v| v.challenge_seen(account_id, challenge_id))
    }

    fn mark_answered(&self, account_id: &str, challenge_id: &str, keep_until: i64) -> Result<bool, PushError> {
        self.with(|v| v.mark_challenge_seen(account_id, challenge_id, keep_until))
    }

    fn prune(&self, now: i64) -> Result<usize, PushError> {
        self.with(|v| v.prune_challenges(now))
    }
}
