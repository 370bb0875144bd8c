//! Unlocking a vault with whatever providers are at hand.

use super::{KeyCache, KeyError, KeyProvider, KeySlot, VaultKey};
use crate::vault::{LockedVault, Vault, VaultEnv, VaultError};

/// An unlocked vault and how it was unlocked.
#[derive(Debug)]
pub struct Unlocked {
    /// The vault.
    pub vault: Vault,
    /// `cache`, or the kind of the provider whose slot opened it.
    pub unlocked_by: String,
    /// Whether the slot that opened the vault was re-wrapped at today's cost.
    pub slot_upgrade: SlotUpgrade,
}

/// What became of the slot that opened the vault.
#[derive(Debug)]
pub enum SlotUpgrade {
    /// It was current (or the cache opened the vault).
    NotNeeded,
    /// It was replaced by one at the provider's current cost.
    Done,
    /// Replacing it failed; the old slot is unchanged and still opens the vault, and the
    /// upgrade is tried again on the next unlock.
    Failed(VaultError),
}

/// Unlocks `locked`: first from the cache (a stale cached key is forgotten), then by
/// each provider against each of the vault's slots of its kind. A key that a provider
/// returns is checked against the vault before anything is written. On success the
/// key is put in the cache, and a slot written with weaker parameters than its provider
/// uses today is re-wrapped (see [`KeyProvider::rewrap`]).
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
            let vault = locked.unlock(&key, env)?;
            return Ok(Unlocked { vault, unlocked_by: "cache".into(), slot_upgrade: SlotUpgrade::NotNeeded });
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
                    let slot = slot.clone();
                    let mut vault = locked.unlock(&key, env.clone())?;
                    let slot_upgrade = upgrade(&mut vault, *p, &slot, &key, &env);
                    return Ok(Unlocked { vault, unlocked_by: p.kind().to_string(), slot_upgrade });
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

/// Re-wraps `slot` when its provider asks to. A failure leaves the vault open with the old
/// slot in place: the unlock itself succeeded and must not be undone by it.
fn upgrade(vault: &mut Vault, provider: &dyn KeyProvider, slot: &KeySlot, key: &VaultKey, env: &VaultEnv) -> SlotUpgrade {
    let new = match provider.rewrap(vault.vault_id(), slot, key, &*env.rng) {
        Ok(Some(new)) => new,
        Ok(None) => return SlotUpgrade::NotNeeded,
        Err(e) => return SlotUpgrade::Failed(VaultError::Key(e)),
    };
    match vault.replace_key_slot(slot, &new) {
        Ok(()) => SlotUpgrade::Done,
        Err(e) => SlotUpgrade::Failed(e),
    }
}
