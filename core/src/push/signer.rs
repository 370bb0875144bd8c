//! Device keys: the signer trait, the software P-256 key, and signature normalisation.
//!
//! All ECDSA arithmetic is ring's (constant-time, and the fastest option measured in
//! `docs/performance.md`). The `p256` crate is used only for what ring cannot do: converting a
//! DER signature from a platform keystore into raw `r||s`, and parsing SPKI or compressed public
//! keys into the uncompressed SEC1 form the wire uses.

use std::sync::Arc;

use p256::pkcs8::DecodePublicKey;
use ring::rand::SecureRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair};

use crate::error::ErrorCode;
use crate::push::PushError;
use crate::secret::Secret;

/// The signature algorithm of a key. The wire name (`alg` in registrations) is [`Self::wire_name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureAlgorithm {
    /// ECDSA on P-256 with SHA-256; on the wire signatures are raw `r||s` (64 bytes) and public
    /// keys uncompressed SEC1 points (65 bytes).
    EcdsaP256Sha256,
    /// RSA PKCS#1 v1.5 with SHA-256, used by privacyIDEA push (`crate::pipush`): public keys are
    /// SPKI DER, signatures the plain modulus-length value. Not part of duet protocol v1, so
    /// [`Self::from_wire_name`] never returns it and the duet protocol functions refuse it.
    RsaPkcs1Sha256,
}

impl SignatureAlgorithm {
    /// The JOSE-style name used in protocol messages (`"ES256"`).
    pub fn wire_name(self) -> &'static str {
        match self {
            SignatureAlgorithm::EcdsaP256Sha256 => "ES256",
            SignatureAlgorithm::RsaPkcs1Sha256 => "RS256",
        }
    }

    /// Parses a wire name; `None` for algorithms duet does not speak.
    pub fn from_wire_name(name: &str) -> Option<Self> {
        match name {
            "ES256" => Some(SignatureAlgorithm::EcdsaP256Sha256),
            _ => None,
        }
    }
}

/// Why a device key could not sign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignerError {
    /// The user cancelled the biometric / PIN prompt that guards the key.
    #[error("Signing was cancelled; approve again and confirm with your fingerprint, face or PIN.")]
    Cancelled,
    /// The key is gone or not usable (keystore reset, phone restored from backup).
    #[error("The device key is no longer available on this phone; enroll the account again with the helpdesk.")]
    KeyUnavailable,
    /// Any other keystore or crypto failure; the text is a non-secret description.
    #[error("The phone could not sign ({0}); try again.")]
    Failed(String),
}

impl ErrorCode for SignerError {
    fn code(&self) -> &'static str {
        match self {
            SignerError::Cancelled => "E_PUSH_SIGNER_CANCELLED",
            SignerError::KeyUnavailable => "E_PUSH_SIGNER_UNAVAILABLE",
            SignerError::Failed(_) => "E_PUSH_SIGNER_FAILED",
        }
    }
}

/// A device key that signs protocol messages.
///
/// Implemented in Rust by [`SoftwareP256Signer`] and by the apps over UniFFI for platform keys
/// (Android Keystore / StrongBox, iOS Secure Enclave). Object-safe and `Send + Sync` so a
/// `Arc<dyn DeviceSigner>` can cross threads and the FFI.
pub trait DeviceSigner: Send + Sync {
    /// The key's algorithm.
    fn algorithm(&self) -> SignatureAlgorithm;
    /// The public key: for P-256 an uncompressed SEC1 point (65 bytes) or an SPKI DER
    /// (what Android's `getEncoded()` gives); [`normalize_public_key`] turns either into SEC1.
    fn public_key(&self) -> Vec<u8>;
    /// Signs `msg` (the implementation hashes it with the algorithm's hash). For P-256 the result
    /// may be DER (Android, iOS) or raw `r||s`; the protocol code normalises it.
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignerError>;
}

/// A P-256 device key held in software (CLI, tests, phones without a usable keystore).
///
/// The PKCS#8 document is kept in a zeroizing [`Secret`] and can be exported for the vault to
/// seal. ring keeps its own parsed copy of the scalar, which ring does not zeroize on drop; the
/// apps should prefer platform keys, which never leave the keystore.
pub struct SoftwareP256Signer {
    pkcs8: Secret,
    key: EcdsaKeyPair,
    rng: Arc<dyn SecureRandom + Send + Sync>,
}

impl SoftwareP256Signer {
    /// Creates a fresh key. `rng` is also used for the signing nonces (ring hedges them with the
    /// key and message, so a weak `rng` does not leak the key).
    pub fn generate(rng: Arc<dyn SecureRandom + Send + Sync>) -> Result<Self, PushError> {
        let doc = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &*rng)
            .map_err(|_| PushError::Random)?;
        Self::from_pkcs8(Secret::new(doc.as_ref().to_vec()), rng)
    }

    /// Loads a key exported with [`Self::export_pkcs8`].
    pub fn from_pkcs8(
        pkcs8: Secret,
        rng: Arc<dyn SecureRandom + Send + Sync>,
    ) -> Result<Self, PushError> {
        let key = EcdsaKeyPair::from_pkcs8(
            &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            pkcs8.expose(),
            &*rng,
        )
        .map_err(|_| PushError::KeyInvalid)?;
        Ok(SoftwareP256Signer { pkcs8, key, rng })
    }

    /// The private key as PKCS#8 DER, for the vault to seal. Never log it.
    pub fn export_pkcs8(&self) -> Secret {
        self.pkcs8.clone()
    }
}

impl std::fmt::Debug for SoftwareP256Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SoftwareP256Signer(public {})", crate::push::wire::b64u(self.key.public_key().as_ref()))
    }
}

impl DeviceSigner for SoftwareP256Signer {
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::EcdsaP256Sha256
    }
    fn public_key(&self) -> Vec<u8> {
        self.key.public_key().as_ref().to_vec()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignerError> {
        self.key
            .sign(&*self.rng, msg)
            .map(|s| s.as_ref().to_vec())
            .map_err(|_| SignerError::Failed("random number generator failed".into()))
    }
}

/// Length of an uncompressed SEC1 P-256 point.
pub const P256_PUBLIC_KEY_LEN: usize = 65;
/// Length of a raw `r||s` P-256 signature.
pub const P256_SIGNATURE_LEN: usize = 64;

/// Turns a P-256 public key given as uncompressed SEC1, compressed SEC1 or SPKI DER into the
/// uncompressed SEC1 form (65 bytes) used on the wire; rejects points not on the curve.
pub fn normalize_public_key(alg: SignatureAlgorithm, key: &[u8]) -> Result<Vec<u8>, PushError> {
    match alg {
        SignatureAlgorithm::EcdsaP256Sha256 => {
            let pk = if key.first() == Some(&0x30) {
                p256::PublicKey::from_public_key_der(key).map_err(|_| PushError::KeyInvalid)?
            } else {
                p256::PublicKey::from_sec1_bytes(key).map_err(|_| PushError::KeyInvalid)?
            };
            use p256::elliptic_curve::sec1::ToSec1Point;
            Ok(pk.to_sec1_point(false).as_bytes().to_vec())
        }
        SignatureAlgorithm::RsaPkcs1Sha256 => Err(PushError::Algorithm),
    }
}

/// Verifies a wire signature (raw `r||s` for P-256) over `msg` with a wire public key
/// (uncompressed SEC1 for P-256). Used for every signature check in both directions.
pub fn verify_signature(
    alg: SignatureAlgorithm,
    public_key: &[u8],
    msg: &[u8],
    sig: &[u8],
) -> Result<(), PushError> {
    match alg {
        SignatureAlgorithm::EcdsaP256Sha256 => {
            if public_key.len() != P256_PUBLIC_KEY_LEN || sig.len() != P256_SIGNATURE_LEN {
                return Err(PushError::BadSignature);
            }
            signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, public_key)
                .verify(msg, sig)
                .map_err(|_| PushError::BadSignature)
        }
        SignatureAlgorithm::RsaPkcs1Sha256 => Err(PushError::Algorithm),
    }
}

/// Converts a signature as a signer produced it (DER or raw `r||s` for P-256) into the wire
/// form (raw `r||s`).
///
/// A 64-byte value is raw unless it is also strict DER; in that rare ambiguous case (about one
/// signature in 2^40) the form that verifies against `public_key` and `msg` wins. Malformed or
/// non-strict DER (BER length forms, negative or padded integers, trailing bytes) is refused.
pub fn normalize_signature(
    alg: SignatureAlgorithm,
    public_key: &[u8],
    msg: &[u8],
    sig: &[u8],
) -> Result<Vec<u8>, PushError> {
    match alg {
        SignatureAlgorithm::EcdsaP256Sha256 => {
            let der = p256::ecdsa::Signature::from_der(sig).ok().map(|s| s.to_bytes().to_vec());
            match (sig.len() == P256_SIGNATURE_LEN, der) {
                (true, None) => Ok(sig.to_vec()),
                (false, Some(raw)) => Ok(raw),
                (true, Some(raw)) => {
                    if verify_signature(alg, public_key, msg, &raw).is_ok() {
                        Ok(raw)
                    } else {
                        Ok(sig.to_vec())
                    }
                }
                (false, None) => Err(PushError::BadSignature),
            }
        }
        SignatureAlgorithm::RsaPkcs1Sha256 => Err(PushError::Algorithm),
    }
}

/// Signs `msg` with `signer` and returns the wire signature (normalised to raw `r||s`).
pub fn sign_wire(signer: &dyn DeviceSigner, public_key: &[u8], msg: &[u8]) -> Result<Vec<u8>, PushError> {
    let sig = signer.sign(msg)?;
    normalize_signature(signer.algorithm(), public_key, msg, &sig)
}
