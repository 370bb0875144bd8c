//! AES-256-GCM sealing of vault records (ring).
//!
//! A sealed blob is `version (1 byte) || nonce (12 bytes) || ciphertext || tag (16 bytes)`.
//! The nonce is random per seal: with at most a few million seals per key the
//! birthday bound of 96-bit random nonces (2^-32 collision chance at 2^32 seals)
//! is never approached. The associated data binds each blob to its record id, so a
//! blob copied onto another row does not open.

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::SecureRandom;
use zeroize::Zeroizing;

/// Format byte of every sealed blob this version writes.
pub const SEAL_FORMAT_V1: u8 = 1;
/// AES-GCM tag length in bytes.
pub const TAG_LEN: usize = 16;
/// Length of a vault key in bytes (AES-256).
pub const KEY_LEN: usize = 32;

/// Why a blob could not be sealed or opened. Deliberately carries no detail:
/// a failed tag check must not say more than "not authentic".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealError {
    /// The key is not 32 bytes.
    BadKey,
    /// Wrong key, wrong associated data, or tampered / truncated bytes.
    NotAuthentic,
    /// The blob's format byte is unknown (written by a newer duet).
    UnknownFormat,
    /// The random generator failed.
    Random,
}

/// An AES-256-GCM key ready for sealing and opening (key schedule built once).
pub struct SealKey {
    key: LessSafeKey,
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(redacted)")
    }
}

impl SealKey {
    /// Builds the key schedule from 32 raw key bytes.
    pub fn new(key: &[u8]) -> Result<Self, SealError> {
        if key.len() != KEY_LEN {
            return Err(SealError::BadKey);
        }
        let unbound = UnboundKey::new(&AES_256_GCM, key).map_err(|_| SealError::BadKey)?;
        Ok(SealKey { key: LessSafeKey::new(unbound) })
    }

    /// Seals `plaintext` with a fresh random nonce; `aad` is authenticated, not stored.
    pub fn seal(&self, rng: &dyn SecureRandom, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill(&mut nonce).map_err(|_| SealError::Random)?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + plaintext.len() + TAG_LEN);
        out.push(SEAL_FORMAT_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&self.seal_with_nonce(&nonce, aad, plaintext));
        Ok(out)
    }

    /// Opens a blob made by [`SealKey::seal`] with the same `aad`.
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, SealError> {
        let (&format, rest) = sealed.split_first().ok_or(SealError::NotAuthentic)?;
        if format != SEAL_FORMAT_V1 {
            return Err(SealError::UnknownFormat);
        }
        if rest.len() < NONCE_LEN + TAG_LEN {
            return Err(SealError::NotAuthentic);
        }
        let (nonce, ct) = rest.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| SealError::NotAuthentic)?;
        self.open_with_nonce(&nonce, aad, ct)
    }

    /// Raw AES-256-GCM encryption with a caller-chosen nonce: returns `ciphertext || tag`.
    /// Exposed so known-answer vectors (Wycheproof) run through the same code path;
    /// vault code only calls it with fresh random nonces.
    pub fn seal_with_nonce(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let mut buf = plaintext.to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(*nonce), Aad::from(aad), &mut buf)
            .expect("AES-GCM sealing only fails for inputs above 64 GiB");
        buf
    }

    /// Raw AES-256-GCM decryption of `ciphertext || tag`.
    pub fn open_with_nonce(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        ct_and_tag: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, SealError> {
        let mut buf = Zeroizing::new(ct_and_tag.to_vec());
        let len = self
            .key
            .open_in_place(Nonce::assume_unique_for_key(*nonce), Aad::from(aad), &mut buf)
            .map_err(|_| SealError::NotAuthentic)?
            .len();
        buf.truncate(len);
        Ok(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;

    #[test]
    fn wrong_aad_or_flipped_bit_does_not_open() {
        let k = SealKey::new(&[7u8; 32]).unwrap();
        let rng = SystemRandom::new();
        let mut blob = k.seal(&rng, b"id-1", b"hello").unwrap();
        assert_eq!(&k.open(b"id-1", &blob).unwrap()[..], b"hello");
        assert_eq!(k.open(b"id-2", &blob), Err(SealError::NotAuthentic));
        let last = blob.len() - 1;
        blob[last] ^= 1;
        assert_eq!(k.open(b"id-1", &blob), Err(SealError::NotAuthentic));
        assert_eq!(k.open(b"id-1", &blob[..10]), Err(SealError::NotAuthentic));
        assert_eq!(k.open(b"id-1", &[9, 0, 0]), Err(SealError::UnknownFormat));
        assert!(SealKey::new(&[0u8; 16]).is_err());
    }
}
