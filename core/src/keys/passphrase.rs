//! The vault key wrapped under a passphrase through scrypt.

use super::{KeyError, KeyProvider, KeySlot, VaultKey, unwrap_key, wrap_key};
use ring::rand::SecureRandom;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

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
    /// The default for new vaults: N = 2^15, r = 8, p = 1 (32 MiB, about 0.1 s; the
    /// interactive-login figure from the scrypt paper, also what Aegis uses).
    pub const DEFAULT: ScryptParams = ScryptParams { log_n: 15, r: 8, p: 1 };

    /// Upper bounds accepted when reading a slot, so a doctored vault cannot make
    /// unlocking allocate gigabytes or run for minutes.
    fn within_limits(&self) -> bool {
        (1..=20).contains(&self.log_n) && (1..=32).contains(&self.r) && (1..=16).contains(&self.p)
            && (1u64 << self.log_n) * 128 * self.r as u64 <= 1 << 30
    }
}

#[derive(Serialize, Deserialize)]
struct SlotParams {
    kdf: String,
    #[serde(flatten)]
    cost: ScryptParams,
    salt: String,
}

/// A passphrase that wraps the vault key (scrypt, then AES-256-GCM).
pub struct Passphrase {
    passphrase: Zeroizing<String>,
    params: ScryptParams,
}

impl Passphrase {
    /// A passphrase with the default scrypt cost for new slots.
    pub fn new(passphrase: Zeroizing<String>) -> Self {
        Passphrase { passphrase, params: ScryptParams::DEFAULT }
    }

    /// A passphrase with explicit scrypt cost for new slots (tests use a low cost).
    pub fn with_params(passphrase: Zeroizing<String>, params: ScryptParams) -> Self {
        Passphrase { passphrase, params }
    }

    /// Derives the 32-byte key-encryption key. Public so benchmarks can time the KDF alone.
    pub fn derive(passphrase: &[u8], salt: &[u8], params: ScryptParams) -> Result<Zeroizing<[u8; 32]>, KeyError> {
        if !params.within_limits() {
            return Err(KeyError::SlotInvalid { kind: "passphrase".into() });
        }
        let p = scrypt::Params::new(params.log_n, params.r, params.p)
            .map_err(|_| KeyError::SlotInvalid { kind: "passphrase".into() })?;
        let mut out = Zeroizing::new([0u8; 32]);
        scrypt::scrypt(passphrase, salt, &p, &mut out[..])
            .map_err(|_| KeyError::SlotInvalid { kind: "passphrase".into() })?;
        Ok(out)
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

    fn unlock(&self, vault_id: &str, slot: &KeySlot) -> Result<VaultKey, KeyError> {
        let bad = || KeyError::SlotInvalid { kind: "passphrase".into() };
        let params: SlotParams = serde_json::from_str(&slot.params).map_err(|_| bad())?;
        if params.kdf != "scrypt" {
            return Err(bad());
        }
        let salt = hex::decode(&params.salt).map_err(|_| bad())?;
        let kek = Self::derive(self.passphrase.as_bytes(), &salt, params.cost)?;
        unwrap_key(&kek[..], vault_id, "passphrase", &slot.wrapped).ok_or(KeyError::WrongPassphrase)
    }
}
