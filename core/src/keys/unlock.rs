//! Unlocking a vault with whatever providers are at hand.

use super::{KeyCache, KeyError, KeyProvider};
use crate::vault::{LockedVault, Vault, VaultEnv, VaultError};

/// An unlocked vault and how it was unlocked.
#[derive(Debug)]
pub struct Unlocked {
    /// The vault.
    pub vault: Vault,
    /// `cache`, or the kind of the provider whose slot opened it.
    pub unlocked_by: String,
}

/// Unlocks `locked`: first from the cache (a stale cached key is forgotten), then by
/// each provider against each of the vault's slots of its kind. A key that a provider
/// returns is checked against the vault before anything is written. On success the
/// key is put in the cache.
pub fn unlock(
    locked: LockedVault,
    providers: &[&dyn KeyProvider],
    cache: Option<&dyn KeyCache>,
    env: VaultEnv,
) -> Result<Unlocked, VaultError> {
    let id = locked.vault_id().to_string();
    if let Some(c) = cache
        && let Some(key) = c.get(&id)
    {
        if locked.check_key(&key) {
            return Ok(Unlocked { vault: locked.unlock(&key, env)?, unlocked_by: "cache".into() });
        }
        c.forget(&id);
    }
    let mut first_err: Option<VaultError> = None;
    for p in providers {
        for slot in locked.key_slots().iter().filter(|s| s.kind == p.kind()) {
            match p.unlock(&id, slot) {
                Ok(key) if locked.check_key(&key) => {
                    if let Some(c) = cache {
                        let _ = c.put(&id, &key);
                    }
                    let by = p.kind().to_string();
                    return Ok(Unlocked { vault: locked.unlock(&key, env)?, unlocked_by: by });
                }
                Ok(_) => {
                    first_err.get_or_insert(VaultError::WrongKey);
                }
                Err(e) => {
                    first_err.get_or_insert(VaultError::Key(e));
                }
            }
        }
    }
    Err(first_err.unwrap_or_else(|| {
        let mut kinds: Vec<&str> = locked.key_slots().iter().map(|s| s.kind.as_str()).collect();
        kinds.dedup();
        VaultError::Key(KeyError::NoProvider { kinds: kinds.join(", ") })
    }))
}
