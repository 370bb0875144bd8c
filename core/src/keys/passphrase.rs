//! The vault key wrapped under a passphrase through scrypt.

use super::{KeyError, KeyProvider, KeySlot, VaultKey, unwrap_key, wrap_key};
use ring::rand::SecureRandom;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The fewest characters (Unicode scalar values) a new passphrase may have; docs/vault.md says why.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

/// scrypt cost parameters stored (in clear) in a passphrase slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScryptParams {
    /// log2 of the CPU/memory cost N.
    pub log_n: u8,
    /// Block size.
    pub r: u32,
    /// Parallelism.
    pub p: u32,
}

impl ScryptParams {
    /// The cost of new slots: N = 2^17, r = 8, p = 1 (128 MiB; OWASP's password storage
    /// figure for scrypt). Slots written with less are re-wrapped at this cost when they unlock.
    pub const DEFAULT: ScryptParams = ScryptParams { log_n: 17, r: 8, p: 1 };

    /// The largest log2(N) accepted from a slot.
    pub const MAX_LOG_N: u8 = 20;

    /// Upper bounds accepted when reading a slot, so a doctored vault cannot make
    /// unlocking allocate gigabytes or run for minutes.
    fn check_limits(&self) -> Result<(), KeyError> {
        let within = (1..=Self::MAX_LOG_N).contains(&self.log_n)
            && (1..=32).contains(&self.r)
            && (1..=16).contains(&self.p)
            && (1u64 << self.log_n) * 128 * self.r as u64 <= 1 << 30;
        if within { Ok(()) } else { Err(KeyError::KdfLimits { log_n: self.log_n, r: self.r, p: self.p }) }
    }

    /// scrypt's work: N·r·p block mixes.
    fn work(&self) -> u128 {
        (1u128 << self.log_n.min(63)) * self.r as u128 * self.p as u128
    }
}

/// Refuses a passphrase too short to be enrolled; existing slots are never checked, so a
/// vault made before the minimum still opens.
pub fn check_new_passphrase(passphrase: &str) -> Result<(), KeyError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(KeyError::PassphraseTooShort { min: MIN_PASSPHRASE_CHARS });
    }
    Ok(())
}

#[derive(Serialize, Deserialize)]
struct SlotParams {
    kdf: String,
    #[serde(flatten)]
    cost: ScryptParams,
    salt: String,
}

impl SlotParams {
    fn read(slot: &KeySlot) -> Result<SlotParams, KeyError> {
        let params: SlotParams = serde_json::from_str(&slot.params).map_err(|_| slot_invalid())?;
        if params.kdf != "scrypt" {
            return Err(slot_invalid());
        }
        Ok(params)
    }
}

fn slot_invalid() -> KeyError {
    KeyError::SlotInvalid { kind: "passphrase".into() }
}

/// A passphrase that wraps the vault key (scrypt, then AES-256-GCM).
pub struct Passphrase {
    passphrase: Zeroizing<String>,
    params: ScryptParams,
}

impl Passphrase {
    /// A passphrase with the default scrypt cost for new and upgraded slots.
    pub fn new(passphrase: Zeroizing<String>) -> Self {
        Passphrase { passphrase, params: ScryptParams::DEFAULT }
    }

    /// A passphrase with an explicit scrypt cost for new and upgraded slots (tests and
    /// benchmarks use a low cost; slots always keep the cost they were written with).
    pub fn with_params(passphrase: Zeroizing<String>, params: ScryptParams) -> Self {
        Passphrase { passphrase, params }
    }

    /// Derives the 32-byte key-encryption key. Public so benchmarks can time the KDF alone.
    pub fn derive(passphrase: &[u8], salt: &[u8], params: ScryptParams) -> Result<Zeroizing<[u8; 32]>, KeyError> {
        params.check_limits()?;
        let p = scrypt::Params::new(params.log_n, params.r, params.p).map_err(|_| slot_invalid())?;
        let mut out = Zeroizing::new([0u8; 32]);
        scrypt::scrypt(passphrase, salt, &p, &mut out[..]).map_err(|_| slot_invalid())?;
        Ok(out)
    }

    /// Wraps `key` under this passphrase at this provider's cost, with a fresh salt.
    fn wrap(&self, vault_id: &str, key: &VaultKey, rng: &dyn SecureRandom) -> Result<KeySlot, KeyError> {
        let mut salt = [0u8; 16];
        rng.fill(&mut salt).map_err(|_| KeyError::Random)?;
        let kek = Self::derive(self.passphrase.as_bytes(), &salt, self.params)?;
        let wrapped = wrap_key(&kek[..], vault_id, "passphrase", key, rng)?;
        let params = SlotParams { kdf: "scrypt".into(), cost: self.params, salt: hex::encode(salt) };
        Ok(KeySlot {
            kind: "passphrase".into(),
            params: serde_json::to_string(&params).expect("plain struct serializes"),
            wrapped,
        })
    }
}

impl KeyProvider for Passphrase {
    fn kind(&self) -> &'static str {
        "passphrase"
    }

    fn describe(&self) -> String {
        format!("passphrase (scrypt N=2^{}, r={}, p={})", self.params.log_n, self.params.r, self.params.p)
    }

    fn enroll(&self, vault_id: &str, key: &VaultKey, rng: &dyn SecureRandom) -> Result<KeySlot, KeyError> {
        check_new_passphrase(&self.passphrase)?;
        self.wrap(vault_id, key, rng)
    }

    fn unlock(&self, vault_id: &str, slot: &KeySlot) -> Result<VaultKey, KeyError> {
        let params = SlotParams::read(slot)?;
        let salt = hex::decode(&params.salt).map_err(|_| slot_invalid())?;
        let kek = Self::derive(self.passphrase.as_bytes(), &salt, params.cost)?;
        unwrap_key(&kek[..], vault_id, "passphrase", &slot.wrapped).ok_or(KeyError::WrongPassphrase)
    }

    /// A slot written at a lower cost than this provider's is re-wrapped at this cost. The
    /// passphrase is the one that just unlocked it, so its length is not checked again.
    fn rewrap(&self, vault_id: &str, slot: &KeySlot, key: &VaultKey, rng: &dyn SecureRandom) -> Result<Option<KeySlot>, KeyError> {
        let params = SlotParams::read(slot)?;
        if params.cost.work() >= self.params.work() {
            return Ok(None);
        }
        self.wrap(vault_id, key, rng).map(Some)
    }
}
