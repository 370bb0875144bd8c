//! OS key stores: the platform keyring (via the `keyring` crate) and, on Linux, the
//! kernel key retention service as a cache.

use super::{KeyCache, KeyError, KeyProvider, KeySlot, VaultKey};
use ring::rand::SecureRandom;

const SERVICE: &str = "duet-vault";

/// The platform keyring: Secret Service on Linux desktops, Keychain on macOS,
/// Credential Manager on Windows. The vault key itself is stored there (the store
/// encrypts it under the user's login); the slot only names the entry.
#[derive(Default)]
pub struct OsKeyring;

impl OsKeyring {
    fn entry(vault_id: &str) -> Result<keyring::Entry, KeyError> {
        keyring::Entry::new(SERVICE, vault_id).map_err(|e| KeyError::KeyringUnavailable { reason: reason(&e) })
    }

    /// True when a keyring backend answers (on headless Linux there usually is none).
    pub fn available() -> bool {
        keyring::Entry::store_status().is_ok()
            && keyring::Entry::new(SERVICE, "probe").is_ok_and(|e| {
                matches!(e.get_secret(), Ok(_) | Err(keyring::Error::NoEntry))
            })
    }
}

/// A keyring error described without any secret (keyring errors never carry one, but
/// only the variant's name and a short reason are shown).
fn reason(e: &keyring::Error) -> String {
    let s = e.to_string();
    s.chars().take(160).collect()
}

impl KeyProvider for OsKeyring {
    fn kind(&self) -> &'static str {
        "keyring"
    }

    fn describe(&self) -> String {
        "system keyring".into()
    }

    fn enroll(&self, vault_id: &str, key: &VaultKey, _rng: &dyn SecureRandom) -> Result<KeySlot, KeyError> {
        Self::entry(vault_id)?
            .set_secret(key.expose())
            .map_err(|e| KeyError::KeyringUnavailable { reason: reason(&e) })?;
        Ok(KeySlot { kind: "keyring".into(), params: format!("{{\"service\":\"{SERVICE}\"}}"), wrapped: Vec::new() })
    }

    fn unlock(&self, vault_id: &str, _slot: &KeySlot) -> Result<VaultKey, KeyError> {
        match Self::entry(vault_id)?.get_secret() {
            Ok(bytes) => {
                let bytes = zeroize::Zeroizing::new(bytes);
                VaultKey::from_bytes(&bytes)
            }
            Err(keyring::Error::NoEntry) => Err(KeyError::KeyringNoEntry),
            Err(e) => Err(KeyError::KeyringUnavailable { reason: reason(&e) }),
        }
    }
}

/// Linux kernel keyutils, user keyring: caches unwrapped vault keys in kernel memory
/// with a timeout. Forgotten at reboot or logout, so it only ever caches.
#[cfg(target_os = "linux")]
pub struct KernelKeyCache {
    timeout_secs: usize,
}

#[cfg(target_os = "linux")]
impl KernelKeyCache {
    /// A cache whose entries expire after `timeout_secs`.
    pub fn new(timeout_secs: usize) -> Self {
        KernelKeyCache { timeout_secs }
    }

    fn ring() -> Option<linux_keyutils::KeyRing> {
        linux_keyutils::KeyRing::from_special_id(linux_keyutils::KeyRingIdentifier::User, false).ok()
    }

    fn description(vault_id: &str) -> String {
        format!("{SERVICE}:{vault_id}")
    }

    /// True when the kernel lets this process use its user keyring (containers with a
    /// strict seccomp profile do not).
    pub fn available() -> bool {
        Self::ring().is_some_and(|r| r.metadata().is_ok())
    }
}

#[cfg(target_os = "linux")]
impl KeyCache for KernelKeyCache {
    fn describe(&self) -> String {
        format!("Linux kernel user keyring (expires after {} s)", self.timeout_secs)
    }

    fn get(&self, vault_id: &str) -> Option<VaultKey> {
        let key = Self::ring()?.search(&Self::description(vault_id)).ok()?;
        let bytes = zeroize::Zeroizing::new(key.read_to_vec().ok()?);
        VaultKey::from_bytes(&bytes).ok()
    }

    fn put(&self, vault_id: &str, key: &VaultKey) -> Result<(), KeyError> {
        let unavailable = |e: linux_keyutils::KeyError| KeyError::KeyringUnavailable { reason: format!("{e:?}") };
        let ring = Self::ring().ok_or(KeyError::KeyringUnavailable { reason: "no user keyring".into() })?;
        let k = ring.add_key(&Self::description(vault_id), &key.expose()[..]).map_err(unavailable)?;
        k.set_timeout(self.timeout_secs).map_err(unavailable)?;
        Ok(())
    }

    fn forget(&self, vault_id: &str) {
        if let Some(k) = Self::ring().and_then(|r| r.search(&Self::description(vault_id)).ok()) {
            let _ = k.invalidate();
        }
    }
}
