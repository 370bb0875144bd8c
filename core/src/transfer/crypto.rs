//! The cryptography backup formats use: scrypt and PBKDF2 key derivation, AES-256-GCM.
//!
//! ring does AES-GCM and PBKDF2; the `scrypt` crate does scrypt (ring has none). Derived keys and
//! plaintexts live in `Zeroizing` buffers.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use zeroize::Zeroizing;

use super::error::TransferError;

/// AES-GCM nonce length every supported format uses (96 bits).
pub(crate) const NONCE_LEN: usize = 12;
/// AES-GCM tag length (128 bits).
pub(crate) const TAG_LEN: usize = 16;

/// Source of random bytes for exports, passed in so tests are deterministic.
pub trait RandomSource {
    /// Fills `dest` with unpredictable bytes.
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), TransferError>;
}

/// The operating system's generator (through ring).
pub struct SystemRandomSource(ring::rand::SystemRandom);

impl SystemRandomSource {
    /// A handle to the OS generator.
    pub fn new() -> Self {
        SystemRandomSource(ring::rand::SystemRandom::new())
    }
}

impl Default for SystemRandomSource {
    fn default() -> Self {
        Self::new()
    }
}

impl RandomSource for SystemRandomSource {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), TransferError> {
        ring::rand::SecureRandom::fill(&self.0, dest).map_err(|_| TransferError::Random)
    }
}

/// scrypt cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScryptParams {
    /// log2 of the cost N.
    pub log_n: u8,
    /// Block size r.
    pub r: u32,
    /// Parallelism p.
    pub p: u32,
}

impl ScryptParams {
    /// What Aegis uses (docs/vault.md): N = 2^15, r = 8, p = 1 (32 MiB of memory).
    pub const AEGIS: ScryptParams = ScryptParams { log_n: 15, r: 8, p: 1 };

    /// The largest memory one derivation may take when a file chooses the parameters (256 MiB):
    /// 8 times what Aegis uses, and still below what a phone can spare.
    const MAX_MEMORY: u64 = 256 * 1024 * 1024;

    /// Reads N, r, p as a file states them, refusing values that are not a power of two or would
    /// need too much memory or time (a hostile file must not exhaust the device).
    pub(crate) fn from_file(n: u64, r: u64, p: u64) -> Result<ScryptParams, TransferError> {
        let refuse = TransferError::KdfLimits { n, r, p };
        if n < 2 || !n.is_power_of_two() || r == 0 || p == 0 || p > 16 || r > 64 {
            return Err(refuse);
        }
        let memory = 128u64.saturating_mul(r).saturating_mul(n);
        if memory > Self::MAX_MEMORY || memory.saturating_mul(p) > 4 * Self::MAX_MEMORY {
            return Err(refuse);
        }
        Ok(ScryptParams { log_n: n.trailing_zeros() as u8, r: r as u32, p: p as u32 })
    }

    /// N as a number.
    pub fn n(&self) -> u64 {
        1u64 << self.log_n
    }
}

/// Derives a 256-bit key with scrypt.
pub(crate) fn scrypt_key(
    password: &[u8],
    salt: &[u8],
    params: ScryptParams,
) -> Result<Zeroizing<[u8; 32]>, TransferError> {
    let refuse = TransferError::KdfLimits { n: params.n(), r: params.r.into(), p: params.p.into() };
    let p = scrypt::Params::new(params.log_n, params.r, params.p).map_err(|_| refuse.clone())?;
    let mut out = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(password, salt, &p, out.as_mut()).map_err(|_| refuse)?;
    Ok(out)
}

/// Derives a 256-bit key with PBKDF2-HMAC-SHA256 (2FAS).
pub(crate) fn pbkdf2_sha256_key(password: &[u8], salt: &[u8], iterations: u32) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    let iterations = std::num::NonZeroU32::new(iterations).unwrap_or(std::num::NonZeroU32::MIN);
    ring::pbkdf2::derive(ring::pbkdf2::PBKDF2_HMAC_SHA256, iterations, salt, password, out.as_mut());
    out
}

fn gcm_key(key: &[u8; 32]) -> LessSafeKey {
    // A 32-byte key is always valid for AES-256.
    LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key).expect("32-byte AES-256 key"))
}

/// Decrypts `ciphertext || tag`. `None` means the tag did not verify (wrong key or altered data).
pub(crate) fn gcm_open(key: &[u8; 32], nonce: &[u8], ciphertext_and_tag: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
    if ciphertext_and_tag.len() < TAG_LEN {
        return None;
    }
    let mut buf = Zeroizing::new(ciphertext_and_tag.to_vec());
    let len = gcm_key(key).open_in_place(nonce, Aad::empty(), buf.as_mut_slice()).ok()?.len();
    buf.truncate(len);
    Some(buf)
}

/// Encrypts and returns `(ciphertext, tag)` separately, as Aegis stores them.
pub(crate) fn gcm_seal(key: &[u8; 32], nonce: &[u8; NONCE_LEN], plaintext: &[u8]) -> (Vec<u8>, [u8; TAG_LEN]) {
    let mut buf = plaintext.to_vec();
    let tag = gcm_key(key)
        .seal_in_place_separate_tag(Nonce::assume_unique_for_key(*nonce), Aad::empty(), &mut buf)
        .expect("AES-GCM input far below its 64 GiB limit");
    let mut t = [0u8; TAG_LEN];
    t.copy_from_slice(tag.as_ref());
    (buf, t)
}

/// Standard Base64 with or without padding, ignoring line breaks (Android's default encoder
/// inserts them).
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    LENIENT.decode(compact).ok()
}

/// Standard padded Base64.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Hex of exactly `N` bytes.
pub(crate) fn hex_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrypt_rfc7914_vector() {
        // RFC 7914 section 12, second vector: P="password", S="NaCl", N=1024, r=8, p=16, first 32 bytes.
        let key = scrypt_key(b"password", b"NaCl", ScryptParams { log_n: 10, r: 8, p: 16 }).unwrap();
        assert_eq!(hex::encode(key.as_ref()), "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162");
    }

    #[test]
    fn pbkdf2_sha256_vector() {
        // RFC 7914 section 11 (PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1), first 32 bytes.
        let key = pbkdf2_sha256_key(b"passwd", b"salt", 1);
        assert_eq!(hex::encode(key.as_ref()), "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
    }

    #[test]
    fn file_kdf_limits() {
        assert_eq!(ScryptParams::from_file(32768, 8, 1).unwrap(), ScryptParams::AEGIS);
        for (n, r, p) in [(0, 8, 1), (3, 8, 1), (1 << 22, 8, 1), (32768, 0, 1), (32768, 8, 0), (32768, 8, 17), (1 << 63, 1, 1)] {
            assert_eq!(ScryptParams::from_file(n, r, p).unwrap_err().code_str(), "E_TRANSFER_KDF_LIMITS");
        }
    }

    #[test]
    fn gcm_round_trip_and_tamper() {
        let key = [7u8; 32];
        let nonce = [9u8; NONCE_LEN];
        let (mut ct, tag) = gcm_seal(&key, &nonce, b"hello");
        let mut joined = ct.clone();
        joined.extend_from_slice(&tag);
        assert_eq!(gcm_open(&key, &nonce, &joined).unwrap().as_slice(), b"hello");
        ct[0] ^= 1;
        ct.extend_from_slice(&tag);
        assert!(gcm_open(&key, &nonce, &ct).is_none());
        assert!(gcm_open(&key, &nonce[..11], &joined).is_none());
        assert!(gcm_open(&key, &nonce, &joined[..3]).is_none());
    }

    impl TransferError {
        fn code_str(&self) -> &'static str {
            crate::ErrorCode::code(self)
        }
    }
}
