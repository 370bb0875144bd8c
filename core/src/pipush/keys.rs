//! The RSA keys of privacyIDEA push: the device's (RSA-4096, made here) and the
//! server's (PKCS#1, received at enrollment).
//!
//! ring cannot generate RSA keys, so the `rsa` crate makes the key once; every
//! signature is then made by ring, whose RSA private-key operation is constant
//! time (the `rsa` crate's is not: RUSTSEC-2023-0071). Verification is ring's too.

use super::error::PiPushError;
use crate::push::{DeviceSigner, SignatureAlgorithm, SignerError};
use crate::secret::Secret;
use base64::Engine as _;
use ring::rand::SecureRandom;
use ring::signature::{self, RsaKeyPair, UnparsedPublicKey};
use std::sync::Arc;

/// The operating system's random generator, in the form [`DeviceKey::generate`] takes.
pub use rsa::rand_core::OsRng;

/// Size of the device key, as privacyIDEA's own app makes it.
pub const DEVICE_KEY_BITS: usize = 4096;
/// Smallest server key duet accepts (privacyIDEA makes 4096-bit keys).
pub const MIN_SERVER_KEY_BITS: usize = 2048;

/// The device's RSA private key, kept as PKCS#8 DER in a zeroizing [`Secret`].
#[derive(Clone, Debug)]
pub struct DeviceKey {
    pkcs8: Secret,
    public_spki: Vec<u8>,
}

impl DeviceKey {
    /// Generates a fresh RSA-4096 key from `rng` (pass the OS generator in production).
    pub fn generate(rng: &mut impl rsa::rand_core::CryptoRngCore) -> Result<DeviceKey, PiPushError> {
        use rsa::pkcs8::EncodePrivateKey as _;
        let key = rsa::RsaPrivateKey::new(rng, DEVICE_KEY_BITS).map_err(|_| PiPushError::KeyGeneration)?;
        let der = key.to_pkcs8_der().map_err(|_| PiPushError::KeyGeneration)?;
        DeviceKey::from_pkcs8(Secret::new(der.as_bytes().to_vec()))
    }

    /// Loads a stored key (PKCS#8 DER). Checks it with ring so a damaged key is
    /// reported when loaded, not halfway through an answer.
    pub fn from_pkcs8(pkcs8: Secret) -> Result<DeviceKey, PiPushError> {
        use rsa::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _};
        RsaKeyPair::from_pkcs8(pkcs8.expose()).map_err(|_| PiPushError::DeviceKey)?;
        let key = rsa::RsaPrivateKey::from_pkcs8_der(pkcs8.expose()).map_err(|_| PiPushError::DeviceKey)?;
        let public_spki =
            key.to_public_key().to_public_key_der().map_err(|_| PiPushError::DeviceKey)?.as_bytes().to_vec();
        Ok(DeviceKey { pkcs8, public_spki })
    }

    /// The PKCS#8 DER bytes, for sealing in the vault.
    pub fn pkcs8(&self) -> &Secret {
        &self.pkcs8
    }

    /// The public key as SubjectPublicKeyInfo DER.
    pub fn public_spki_der(&self) -> &[u8] {
        &self.public_spki
    }

    /// The public key as privacyIDEA expects it in `pubkey`: base64url (padded) SPKI DER.
    pub fn public_key_b64url(&self) -> String {
        base64::engine::general_purpose::URL_SAFE.encode(&self.public_spki)
    }

    /// RSA PKCS#1 v1.5 SHA-256 signature over `message` (ring; `rng` blinds the private operation).
    pub fn sign(&self, message: &[u8], rng: &dyn ring::rand::SecureRandom) -> Result<Vec<u8>, PiPushError> {
        let pair = RsaKeyPair::from_pkcs8(self.pkcs8.expose()).map_err(|_| PiPushError::DeviceKey)?;
        let mut sig = vec![0u8; pair.public().modulus_len()];
        pair.sign(&signature::RSA_PKCS1_SHA256, rng, message, &mut sig).map_err(|_| PiPushError::DeviceKey)?;
        Ok(sig)
    }
}

/// A software RSA device key behind the [`DeviceSigner`] trait (CLI, tests, phones
/// without a usable keystore). A platform keystore key implements the same trait with
/// [`SignatureAlgorithm::RsaPkcs1Sha256`] and takes its place.
pub struct RsaSoftwareSigner {
    key: DeviceKey,
    pair: RsaKeyPair,
    rng: Arc<dyn SecureRandom + Send + Sync>,
}

impl RsaSoftwareSigner {
    /// Wraps `key`; `rng` blinds ring's private-key operation.
    pub fn new(key: DeviceKey, rng: Arc<dyn SecureRandom + Send + Sync>) -> Result<Self, PiPushError> {
        let pair = RsaKeyPair::from_pkcs8(key.pkcs8.expose()).map_err(|_| PiPushError::DeviceKey)?;
        Ok(RsaSoftwareSigner { key, pair, rng })
    }

    /// The wrapped key (for storing its PKCS#8 in the vault).
    pub fn key(&self) -> &DeviceKey {
        &self.key
    }
}

impl std::fmt::Debug for RsaSoftwareSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RsaSoftwareSigner({} bytes SPKI, private key redacted)", self.key.public_spki.len())
    }
}

impl DeviceSigner for RsaSoftwareSigner {
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::RsaPkcs1Sha256
    }
    fn public_key(&self) -> Vec<u8> {
        self.key.public_spki.clone()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignerError> {
        let mut sig = vec![0u8; self.pair.public().modulus_len()];
        self.pair
            .sign(&signature::RSA_PKCS1_SHA256, &*self.rng, msg, &mut sig)
            .map_err(|_| SignerError::Failed("RSA signing failed".into()))?;
        Ok(sig)
    }
}

/// Signs `msg` with an RSA device signer, refusing any other algorithm.
pub fn sign_rsa(signer: &dyn DeviceSigner, msg: &[u8]) -> Result<Vec<u8>, PiPushError> {
    if signer.algorithm() != SignatureAlgorithm::RsaPkcs1Sha256 {
        return Err(PiPushError::DeviceKey);
    }
    Ok(signer.sign(msg)?)
}

/// privacyIDEA's `pubkey` form of a signer's public key: base64url (padded) SPKI DER.
pub fn public_key_b64url(signer: &dyn DeviceSigner) -> Result<String, PiPushError> {
    if signer.algorithm() != SignatureAlgorithm::RsaPkcs1Sha256 {
        return Err(PiPushError::DeviceKey);
    }
    Ok(base64::engine::general_purpose::URL_SAFE.encode(signer.public_key()))
}

/// The server's RSA public key (PKCS#1 `RSAPublicKey` DER).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerKey {
    pkcs1: Vec<u8>,
}

impl ServerKey {
    /// Parses the key as privacyIDEA sends it: a PEM body with the header lines
    /// stripped (a full PEM block is accepted too).
    pub fn from_privacyidea(text: &str) -> Result<ServerKey, PiPushError> {
        let body: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("-----"))
            .flat_map(|l| l.chars())
            .filter(|c| !c.is_whitespace())
            .collect();
        let der = base64::engine::general_purpose::STANDARD.decode(body).map_err(|_| PiPushError::ServerKey)?;
        ServerKey::from_pkcs1_der(der)
    }

    /// Accepts PKCS#1 DER after checking structure and size.
    pub fn from_pkcs1_der(der: Vec<u8>) -> Result<ServerKey, PiPushError> {
        use rsa::pkcs1::DecodeRsaPublicKey as _;
        use rsa::traits::PublicKeyParts as _;
        let key = rsa::RsaPublicKey::from_pkcs1_der(&der).map_err(|_| PiPushError::ServerKey)?;
        if key.size() * 8 < MIN_SERVER_KEY_BITS {
            return Err(PiPushError::ServerKey);
        }
        Ok(ServerKey { pkcs1: der })
    }

    /// The PKCS#1 DER bytes, for storing.
    pub fn pkcs1_der(&self) -> &[u8] {
        &self.pkcs1
    }

    /// True when `sig` is a valid RSA PKCS#1 v1.5 SHA-256 signature over `message`.
    pub fn verify(&self, message: &[u8], sig: &[u8]) -> bool {
        verify_pkcs1_sha256(&self.pkcs1, message, sig)
    }
}

/// Verifies an RSA PKCS#1 v1.5 SHA-256 signature with ring (2048 to 8192-bit keys).
pub fn verify_pkcs1_sha256(public_key_pkcs1_der: &[u8], message: &[u8], sig: &[u8]) -> bool {
    UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, public_key_pkcs1_der).verify(message, sig).is_ok()
}

/// Signatures travel as upper-case, padded RFC 4648 Base32 (Python's `b32encode`).
pub fn encode_signature(sig: &[u8]) -> String {
    base32::encode(base32::Alphabet::Rfc4648 { padding: true }, sig)
}

/// Decodes a Base32 signature as Python's `b32decode` does: upper case, padded.
pub fn decode_signature(text: &str) -> Option<Vec<u8>> {
    if text.is_empty() || !text.len().is_multiple_of(8) || text.bytes().any(|b| b.is_ascii_lowercase()) {
        return None;
    }
    base32::decode(base32::Alphabet::Rfc4648 { padding: true }, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_python_b32encode() {
        // python3 -c 'import base64; print(base64.b32encode(b"\x00\xff\x10abc"))'
        assert_eq!(encode_signature(b"\x00\xff\x10abc"), "AD7RAYLCMM======");
        assert_eq!(decode_signature("AD7RAYLCMM======").unwrap(), b"\x00\xff\x10abc");
        assert!(decode_signature("ad7raylcmm======").is_none());
        assert!(decode_signature("AD7RAYLCMM").is_none());
        assert!(decode_signature("").is_none());
    }

    #[test]
    fn garbage_server_keys_are_refused() {
        assert!(ServerKey::from_privacyidea("not base64 !!").is_err());
        assert!(ServerKey::from_privacyidea("AAAA").is_err());
    }
}
