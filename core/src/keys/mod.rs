//! Where the vault key comes from.
//!
//! The vault key (32 random bytes) never lies in clear beside the vault. Each way of
//! getting it is a [`KeyProvider`], which *enrolls* the key (wraps it, or hands it to an
//! OS store) and leaves a [`KeySlot`] in the vault, then later *unlocks* it from that slot:
//!
//! - [`AppKey`]: the embedding app hands the key over (the mobile apps keep it wrapped by a
//!   biometric-gated Android Keystore / iOS Keychain key); the slot only records that.
//! - [`KeyFile`]: the key is wrapped by a 32-byte key-encryption key in a separate 0600
//!   file that must not sit in the vault's directory.
//! - [`Passphrase`]: the key is wrapped under a key derived by scrypt from a passphrase.
//! - `OsKeyring` (feature `os-keyring`): Secret Service / macOS Keychain / Windows
//!   Credential Manager through the `keyring` crate.
//!
//! A [`KeyCache`] (feature `os-keyring`: Linux kernel keyutils) may remember the unwrapped
//! key for a while so that a passphrase is not asked for, or scrypt run, on every command;
//! it forgets keys at reboot, so it is never the only place a key lives.

mod error;
mod keyfile;
#[cfg(feature = "os-keyring")]
mod os;
mod passphrase;
mod unlock;

pub use error::KeyError;
pub use keyfile::KeyFile;
#[cfg(feature = "os-keyring")]
pub use os::OsKeyring;
#[cfg(all(feature = "os-keyring", target_os = "linux"))]
pub use os::KernelKeyCache;
pub use passphrase::{MIN_PASSPHRASE_CHARS, Passphrase, ScryptParams, check_new_passphrase};
pub use unlock::{SlotUpgrade, Unlocked, unlock};

use crate::vault::seal::{KEY_LEN, SealKey};
use ring::rand::SecureRandom;
use zeroize::Zeroizing;

/// The 32-byte AES-256 key that seals every record of one vault. Wiped on drop;
/// `Debug` is redacted.
#[derive(Clone)]
pub struct VaultKey(Zeroizing<[u8; KEY_LEN]>);

impl VaultKey {
    /// A fresh random key.
    pub fn generate(rng: &dyn SecureRandom) -> Result<Self, KeyError> {
        let mut k = Zeroizing::new([0u8; KEY_LEN]);
        rng.fill(&mut k[..]).map_err(|_| KeyError::Random)?;
        Ok(VaultKey(k))
    }

    /// Wraps key bytes the app stored itself; they must be exactly 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        let arr: [u8; KEY_LEN] = bytes.try_into().map_err(|_| KeyError::BadKeyLength { len: bytes.len() })?;
        Ok(VaultKey(Zeroizing::new(arr)))
    }

    /// The raw key bytes (for handing to an OS key store; do not keep copies).
    pub fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    pub(crate) fn seal_key(&self) -> SealKey {
        SealKey::new(&self.0[..]).expect("a VaultKey is always 32 bytes")
    }
}

impl std::fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VaultKey(redacted)")
    }
}

/// What a provider leaves in the vault so it can find the key again: its kind, public
/// parameters (salt, KDF cost, file fingerprint) and the wrapped key (empty when an OS
/// store or the app keeps the key). Stored in clear: it reveals nothing without the
/// passphrase, key file or OS store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySlot {
    /// Provider kind: `app`, `key-file`, `passphrase` or `keyring`.
    pub kind: String,
    /// Provider parameters as JSON.
    pub params: String,
    /// The sealed vault key (`seal` format), or empty.
    pub wrapped: Vec<u8>,
}

/// A source of the vault key.
pub trait KeyProvider {
    /// The slot kind this provider writes and reads.
    fn kind(&self) -> &'static str;
    /// A one-line description for `duet doctor` (no secrets).
    fn describe(&self) -> String;
    /// Stores or wraps `key` for the vault `vault_id`; the returned slot goes into the vault.
    fn enroll(&self, vault_id: &str, key: &VaultKey, rng: &dyn SecureRandom) -> Result<KeySlot, KeyError>;
    /// Recovers the key from a slot this provider wrote. The caller still checks the
    /// key against the vault, so a provider may return a wrong key (e.g. [`AppKey`]).
    fn unlock(&self, vault_id: &str, slot: &KeySlot) -> Result<VaultKey, KeyError>;
    /// A replacement for `slot` (which just gave `key`) when it was written with weaker
    /// parameters than this provider writes today; `None` when it is current.
    fn rewrap(&self, _vault_id: &str, _slot: &KeySlot, _key: &VaultKey, _rng: &dyn SecureRandom) -> Result<Option<KeySlot>, KeyError> {
        Ok(None)
    }
}

/// A short-lived cache of unwrapped keys (never the only copy).
pub trait KeyCache {
    /// A one-line description for `duet doctor`.
    fn describe(&self) -> String;
    /// The cached key, if any.
    fn get(&self, vault_id: &str) -> Option<VaultKey>;
    /// Remembers a key; failures are ignored by callers (the cache is optional).
    fn put(&self, vault_id: &str, key: &VaultKey) -> Result<(), KeyError>;
    /// Forgets the key (e.g. a stale entry or `duet lock`).
    fn forget(&self, vault_id: &str);
}

/// The key handed over by the embedding app (mobile: unwrapped by Keystore/Keychain).
pub struct AppKey(pub VaultKey);

impl KeyProvider for AppKey {
    fn kind(&self) -> &'static str {
        "app"
    }
    fn describe(&self) -> String {
        "key supplied by the app".into()
    }
    fn enroll(&self, _vault_id: &str, key: &VaultKey, _rng: &dyn SecureRandom) -> Result<KeySlot, KeyError> {
        // The app keeps the key itself, so it can only enroll the key it holds.
        if !bool::from(subtle::ConstantTimeEq::ct_eq(&key.expose()[..], &self.0.expose()[..])) {
            return Err(KeyError::AppKeyMismatch);
        }
        Ok(KeySlot { kind: "app".into(), params: "{}".into(), wrapped: Vec::new() })
    }
    fn unlock(&self, _vault_id: &str, _slot: &KeySlot) -> Result<VaultKey, KeyError> {
        Ok(self.0.clone())
    }
}

/// Associated data for a wrapped vault key: binds the wrap to one vault and one slot kind.
pub(crate) fn wrap_aad(vault_id: &str, kind: &str) -> Vec<u8> {
    format!("duet-vault-key/v1/{vault_id}/{kind}").into_bytes()
}

/// Seals `key` under a key-encryption key.
pub(crate) fn wrap_key(
    kek: &[u8],
    vault_id: &str,
    kind: &str,
    key: &VaultKey,
    rng: &dyn SecureRandom,
) -> Result<Vec<u8>, KeyError> {
    let sk = SealKey::new(kek).map_err(|_| KeyError::Random)?;
    sk.seal(rng, &wrap_aad(vault_id, kind), &key.0[..]).map_err(|_| KeyError::Random)
}

/// Opens a wrapped key; `None` when the key-encryption key is wrong or the slot was altered.
pub(crate) fn unwrap_key(kek: &[u8], vault_id: &str, kind: &str, wrapped: &[u8]) -> Option<VaultKey> {
    let sk = SealKey::new(kek).ok()?;
    let raw = sk.open(&wrap_aad(vault_id, kind), wrapped).ok()?;
    VaultKey::from_bytes(&raw).ok()
}
