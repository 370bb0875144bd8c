//! Small cryptographic helpers over `ring`: randomness, hashing, sealing.
//!
//! Sealing is AES-256-GCM with a random 96-bit nonce stored in front of the
//! ciphertext; the purpose label is bound as associated data so a sealed blob
//! cannot be swapped into another column.

use super::error::ServerError;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

/// `n` bytes from the operating system's CSPRNG.
pub fn random_bytes(n: usize) -> Zeroizing<Vec<u8>> {
    let mut v = Zeroizing::new(vec![0u8; n]);
    SystemRandom::new()
        .fill(&mut v)
        .expect("the OS random generator failed");
    v
}

/// A random token as lowercase hex (`n` bytes of entropy).
pub fn random_token(n: usize) -> String {
    hex::encode(&*random_bytes(n))
}

/// A uniformly random integer in `0..bound` (rejection sampling, no modulo bias).
pub fn random_below(bound: u32) -> u32 {
    assert!(bound > 0);
    let zone = u32::MAX - (u32::MAX % bound);
    loop {
        let b = random_bytes(4);
        let v = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        if v < zone {
            return v % bound;
        }
    }
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .to_vec()
}

/// Constant-time equality of two byte strings.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A 256-bit sealing key (AES-256-GCM).
pub struct SealKey(LessSafeKey);

impl SealKey {
    /// Builds a sealing key from 32 bytes.
    pub fn new(bytes: &[u8]) -> Result<Self, ServerError> {
        let k = UnboundKey::new(&AES_256_GCM, bytes)
            .map_err(|_| ServerError::KeyFile("the key must be 32 bytes".into()))?;
        Ok(SealKey(LessSafeKey::new(k)))
    }

    /// Encrypts `plain`, binding `purpose`; output is nonce || ciphertext || tag.
    pub fn seal(&self, purpose: &str, plain: &[u8]) -> Vec<u8> {
        let nonce_bytes = random_bytes(12);
        let nonce = Nonce::try_assume_unique_for_key(&nonce_bytes).expect("12-byte nonce");
        let mut buf = plain.to_vec();
        self.0
            .seal_in_place_append_tag(nonce, Aad::from(purpose.as_bytes()), &mut buf)
            .expect("AES-GCM sealing cannot fail for in-range lengths");
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&buf);
        zeroize::Zeroize::zeroize(&mut buf);
        out
    }

    /// Decrypts a blob made by [`SealKey::seal`] with the same `purpose`.
    pub fn open(&self, purpose: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, ServerError> {
        if sealed.len() < 12 + 16 {
            return Err(ServerError::KeyUnseal);
        }
        let nonce = Nonce::try_assume_unique_for_key(&sealed[..12]).map_err(|_| ServerError::KeyUnseal)?;
        let mut buf = Zeroizing::new(sealed[12..].to_vec());
        let plain_len = self
            .0
            .open_in_place(nonce, Aad::from(purpose.as_bytes()), &mut buf)
            .map_err(|_| ServerError::KeyUnseal)?
            .len();
        buf.truncate(plain_len);
        Ok(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_round_trip_and_purpose_binding() {
        let k = SealKey::new(&[7u8; 32]).unwrap();
        let s = k.seal("a", b"hello");
        assert_eq!(&k.open("a", &s).unwrap()[..], b"hello");
        assert!(k.open("b", &s).is_err());
        let mut t = s.clone();
        let last = t.len() - 1;
        t[last] ^= 1;
        assert!(k.open("a", &t).is_err());
        let other = SealKey::new(&[8u8; 32]).unwrap();
        assert!(other.open("a", &s).is_err());
    }

    #[test]
    fn aes_gcm_matches_nist_vector() {
        // NIST GCM test vector (gcmEncryptExtIV256, Count 0 with 128-bit PT, no AAD):
        // Key 31bdadd9..., IV 3e7c..., checked through ring directly.
        let key = hex::decode("83688deb4af8007f9b713b47cfa6c73e35ea7a3aa4ecdb414dded03bf7a0fd3a").unwrap();
        let iv = hex::decode("0b459724904e010a46901cf3").unwrap();
        let pt = hex::decode("33d893a2114ce06fc15d55e454cf90c3").unwrap();
        let aad = hex::decode("794a14ccd178c8ebfd1379dc704c5e208f9d8424").unwrap();
        let ct = hex::decode("cc66bee423e3fcd4c0865715e9586696").unwrap();
        let tag = hex::decode("0fb291bd3dba94a1dfd8b286cfb97ac5").unwrap();
        let k = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &key).unwrap());
        let mut buf = pt.clone();
        k.seal_in_place_append_tag(
            Nonce::try_assume_unique_for_key(&iv).unwrap(),
            Aad::from(&aad),
            &mut buf,
        )
        .unwrap();
        assert_eq!(&buf[..16], &ct[..]);
        assert_eq!(&buf[16..], &tag[..]);
    }

    #[test]
    fn random_below_in_range() {
        for _ in 0..200 {
            assert!(random_below(10) < 10);
        }
    }
}
