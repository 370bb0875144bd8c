//! Device keys as the application layer uses them: the vault's software keys, the platform
//! keystore the app supplies, and the two signers behind the two-step answer.
//!
//! A platform key that needs a biometric prompt signs only inside that prompt, which is
//! asynchronous; so an answer is built twice from the same inputs and time. The first run uses
//! [`Capture`], which records the exact bytes the protocol would sign and signs nothing; the app
//! signs those bytes inside its prompt; the second run uses [`Supplied`], which hands back the
//! app's signature. The message builders are pure, so both runs sign the same bytes.

use std::sync::{Arc, Mutex};

use crate::push::{
    DeviceSigner, SignatureAlgorithm, SignerError, normalize_signature, verify_signature,
};

/// A key created in the platform keystore: a handle to find it again and a signer for it.
pub struct PlatformKey {
    /// What the app finds the key by (its alias); stored, sealed, with the account.
    pub handle: Vec<u8>,
    /// Signs with the key (the device key's signs the registration); gives its public key.
    pub signer: Arc<dyn DeviceSigner>,
}

/// What a new platform key signs, which decides how the keystore must guard it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyPurpose {
    /// Calls made without the user at hand (polls, push tokens, key rotation, unenrollment):
    /// usable without a prompt. privacyIDEA's one key, which signs its answers too, is this kind.
    DeviceCalls,
    /// duet approve and deny answers, and nothing else: the keystore must demand the user
    /// (biometric or device credential) for every use, so an answer exists only if they agreed.
    Answers,
}

/// The app's keystore (Android Keystore, iOS Secure Enclave / Keychain). The desktop has none;
/// its keys are software keys sealed in the vault.
pub trait PlatformKeys: Send + Sync {
    /// Creates a key for an account being enrolled: P-256 for duet, RSA for privacyIDEA, guarded
    /// as `purpose` needs.
    fn create_key(&self, algorithm: SignatureAlgorithm, purpose: KeyPurpose) -> Result<PlatformKey, SignerError>;
    /// A synchronous signer for a key created earlier, for calls signed without a prompt
    /// (polls, key rotation, unenrollment), one-step answers, and the public key of any key
    /// (an answer key's signer may refuse to sign outside a prompt).
    fn signer(&self, handle: &[u8], algorithm: SignatureAlgorithm) -> Result<Arc<dyn DeviceSigner>, SignerError>;
}

/// Records the message it is asked to sign and refuses to sign it.
pub(crate) struct Capture {
    algorithm: SignatureAlgorithm,
    public_key: Vec<u8>,
    message: Mutex<Option<Vec<u8>>>,
}

impl Capture {
    pub(crate) fn new(algorithm: SignatureAlgorithm, public_key: Vec<u8>) -> Self {
        Capture { algorithm, public_key, message: Mutex::new(None) }
    }

    /// The bytes the builder asked to have signed.
    pub(crate) fn take(&self) -> Option<Vec<u8>> {
        self.message.lock().ok().and_then(|mut m| m.take())
    }
}

impl DeviceSigner for Capture {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }
    fn public_key(&self) -> Vec<u8> {
        self.public_key.clone()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignerError> {
        if let Ok(mut m) = self.message.lock() {
            *m = Some(msg.to_vec());
        }
        // Stops the builder before it records anything: nothing is signed yet.
        Err(SignerError::Cancelled)
    }
}

/// Hands back a signature the app made over exactly the prepared bytes.
pub(crate) struct Supplied {
    algorithm: SignatureAlgorithm,
    public_key: Vec<u8>,
    message: Vec<u8>,
    signature: Vec<u8>,
}

impl Supplied {
    pub(crate) fn new(algorithm: SignatureAlgorithm, public_key: Vec<u8>, message: Vec<u8>, signature: Vec<u8>) -> Self {
        Supplied { algorithm, public_key, message, signature }
    }
}

impl DeviceSigner for Supplied {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }
    fn public_key(&self) -> Vec<u8> {
        self.public_key.clone()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignerError> {
        if msg != self.message.as_slice() {
            return Err(SignerError::Failed("the answer changed after it was prepared".into()));
        }
        // A P-256 signature is checked here so a wrong key or bytes fail on the phone with a
        // clear error; the server checks RSA signatures (ring verifies only PKCS#1 keys).
        if self.algorithm == SignatureAlgorithm::EcdsaP256Sha256 {
            let raw = normalize_signature(self.algorithm, &self.public_key, msg, &self.signature)
                .map_err(|_| SignerError::Failed("the signature is not a P-256 signature".into()))?;
            verify_signature(self.algorithm, &self.public_key, msg, &raw)
                .map_err(|_| SignerError::Failed("the signature does not match this account's key".into()))?;
        }
        Ok(self.signature.clone())
    }
}
