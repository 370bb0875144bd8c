//! HPKE (RFC 9180) in base mode with DHKEM(P-256, HKDF-SHA256), HKDF-SHA256 and AES-128-GCM
//! (suite 0x0010 / 0x0001 / 0x0001): how the server hands the phone its offline passcode secret
//! so that only the phone can read it (docs/protocol.md §3.3), not whoever terminates TLS.
//!
//! The phone makes an [`AgreementKey`] for one registration and drops it once the answer is
//! opened; the server seals with [`seal`]. All cryptography is the `hpke` crate's.

use std::convert::Infallible;

use hpke::aead::AesGcm128;
use hpke::kdf::HkdfSha256;
use hpke::kem::DhP256HkdfSha256;
use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use ring::rand::SecureRandom;
use zeroize::Zeroizing;

use crate::push::PushError;
use crate::secret::Secret;

type Kem = DhP256HkdfSha256;

/// Bytes of key material for one key pair (RFC 9180 `Nsk` of DHKEM(P-256)).
pub const KEY_SEED_LEN: usize = 32;
/// Length of an encapsulated key and of an agreement public key: uncompressed SEC1 (`Nenc`).
pub const ENC_LEN: usize = 65;

/// Why sealing or opening failed. Never carries key material or plaintext.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HpkeFailure {
    /// A public or encapsulated key is not an uncompressed P-256 point.
    Key,
    /// Wrong key, tampered ciphertext or other `info` / `aad`.
    Open,
    /// The key material given was not enough for the operation.
    Seed,
}

impl From<HpkeFailure> for PushError {
    fn from(f: HpkeFailure) -> Self {
        match f {
            HpkeFailure::Key => PushError::KeyInvalid,
            HpkeFailure::Open => PushError::OfflineSecret,
            HpkeFailure::Seed => PushError::Random,
        }
    }
}

/// The phone's key agreement key pair for one registration (software; the private key is wiped
/// on drop and never printed).
pub struct AgreementKey {
    private: <Kem as hpke::Kem>::PrivateKey,
    public: Vec<u8>,
}

impl std::fmt::Debug for AgreementKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AgreementKey({})", crate::push::wire::fingerprint(&self.public))
    }
}

impl AgreementKey {
    /// A fresh key pair: RFC 9180 `DeriveKeyPair` over [`KEY_SEED_LEN`] bytes from `rng`.
    pub fn generate(rng: &dyn SecureRandom) -> Result<Self, PushError> {
        let mut seed = Zeroizing::new([0u8; KEY_SEED_LEN]);
        rng.fill(&mut seed[..]).map_err(|_| PushError::Random)?;
        Ok(Self::derive(&seed[..]))
    }

    /// RFC 9180 `DeriveKeyPair(ikm)`: the same `ikm` always gives the same key pair (tests and
    /// the specification's examples use fixed ones).
    pub fn derive(ikm: &[u8]) -> Self {
        let (private, public) = Kem::derive_keypair(ikm);
        AgreementKey { private, public: public.to_bytes().to_vec() }
    }

    /// The public key, uncompressed SEC1 (65 bytes).
    pub fn public_key(&self) -> &[u8] {
        &self.public
    }

    /// Opens a single-shot HPKE ciphertext sealed to this key.
    pub fn open(&self, enc: &[u8], ciphertext: &[u8], info: &[u8], aad: &[u8]) -> Result<Secret, HpkeFailure> {
        let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(enc).map_err(|_| HpkeFailure::Key)?;
        hpke::single_shot_open::<AesGcm128, HkdfSha256, Kem>(&OpModeR::Base, &self.private, &enc, info, ciphertext, aad)
            .map(Secret::new)
            .map_err(|_| HpkeFailure::Open)
    }
}

/// Checks that `key` is an uncompressed P-256 point HPKE can encapsulate to.
pub fn check_public_key(key: &[u8]) -> Result<(), HpkeFailure> {
    <Kem as hpke::Kem>::PublicKey::from_bytes(key).map(|_| ()).map_err(|_| HpkeFailure::Key)
}

/// Seals `plaintext` to `recipient` (uncompressed SEC1) in single-shot base mode; returns
/// `(enc, ciphertext)`. `seed` is the sender's ephemeral key material (RFC 9180 `ikmE`,
/// [`KEY_SEED_LEN`] random bytes): the caller draws it, so a failing generator is an error
/// rather than a panic, and fixed seeds reproduce RFC 9180's test vectors.
pub fn seal(
    recipient: &[u8],
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
    seed: &[u8; KEY_SEED_LEN],
) -> Result<(Vec<u8>, Vec<u8>), HpkeFailure> {
    let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(recipient).map_err(|_| HpkeFailure::Key)?;
    let mut rng = SeedRng { seed: Zeroizing::new(*seed), used: false, overdrawn: false };
    let (enc, ct) =
        hpke::single_shot_seal_with_rng::<AesGcm128, HkdfSha256, Kem>(&OpModeS::Base, &pk, info, plaintext, aad, &mut rng)
            .map_err(|_| HpkeFailure::Key)?;
    // Bytes handed out beyond the seed would not be random: such a ciphertext is discarded.
    if rng.overdrawn {
        return Err(HpkeFailure::Seed);
    }
    Ok((enc.to_bytes().to_vec(), ct))
}

/// Hands the encapsulation its ephemeral key material, once.
struct SeedRng {
    seed: Zeroizing<[u8; KEY_SEED_LEN]>,
    used: bool,
    overdrawn: bool,
}

impl hpke::rand_core::TryRng for SeedRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        if self.used || dst.len() != KEY_SEED_LEN {
            self.overdrawn = true;
            dst.fill(0);
        } else {
            dst.copy_from_slice(&self.seed[..]);
            self.used = true;
        }
        Ok(())
    }
}

impl hpke::rand_core::TryCryptoRng for SeedRng {}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: [u8; KEY_SEED_LEN] = [7; KEY_SEED_LEN];

    #[test]
    fn seal_then_open() {
        let key = AgreementKey::derive(&[1; KEY_SEED_LEN]);
        let (enc, ct) = seal(key.public_key(), b"info", b"aad", b"otpauth://totp/x", &SEED).unwrap();
        assert_eq!((enc.len(), ct.len()), (ENC_LEN, 16 + 16));
        assert_eq!(key.open(&enc, &ct, b"info", b"aad").unwrap().expose(), b"otpauth://totp/x");
    }

    #[test]
    fn debug_shows_no_private_key() {
        let key = AgreementKey::derive(&[1; KEY_SEED_LEN]);
        assert!(format!("{key:?}").starts_with("AgreementKey("));
    }
}
