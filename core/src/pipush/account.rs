//! A privacyIDEA push account as duet stores it (sealed by the vault).

use super::keys::{DeviceKey, RsaSoftwareSigner, ServerKey};
use super::error::PiPushError;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// How many answered nonces an account remembers (privacyIDEA nonces are random
/// and challenges expire within minutes, so a short history is enough).
pub const ANSWERED_HISTORY: usize = 64;

/// The kind tag under which the vault stores these accounts.
pub const KIND: &str = "pipush";

/// One enrolled privacyIDEA push token.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PiPushAccount {
    /// Display label.
    pub label: String,
    /// Issuer.
    pub issuer: String,
    /// Token serial.
    pub serial: String,
    /// The `/ttype/push` URL from the enrollment link.
    pub url: String,
    /// TLS verification as the enrollment link asked (`sslverify`).
    pub sslverify: bool,
    /// The server only delivers by polling.
    pub poll_only: bool,
    /// The server asked for an unlocked app before answering.
    pub require_unlock: bool,
    /// The server's public key, PKCS#1 DER.
    pub server_public_key: Vec<u8>,
    /// The device private key, PKCS#8 DER.
    #[serde(with = "secret_bytes")]
    pub device_key: Secret,
    /// Nonces already answered on this device, newest last.
    #[serde(default)]
    pub answered: Vec<String>,
}

impl PiPushAccount {
    /// The server key, checked.
    pub fn server_key(&self) -> Result<ServerKey, PiPushError> {
        ServerKey::from_pkcs1_der(self.server_public_key.clone())
    }

    /// The device key, checked.
    pub fn device_key(&self) -> Result<DeviceKey, PiPushError> {
        DeviceKey::from_pkcs8(self.device_key.clone())
    }

    /// The stored software key as a signer (`rng` blinds the RSA operation).
    pub fn software_signer(
        &self,
        rng: std::sync::Arc<dyn ring::rand::SecureRandom + Send + Sync>,
    ) -> Result<RsaSoftwareSigner, PiPushError> {
        RsaSoftwareSigner::new(self.device_key()?, rng)
    }

    /// The name shown to the user: `issuer: label`.
    pub fn display_name(&self) -> String {
        if self.issuer.is_empty() { self.label.clone() } else { format!("{}: {}", self.issuer, self.label) }
    }

    /// True when `nonce` was already answered here.
    pub fn was_answered(&self, nonce: &str) -> bool {
        self.answered.iter().any(|n| n == nonce)
    }

    /// Remembers that `nonce` was answered (before the answer is sent, so a crash
    /// in between leaves it refused rather than answerable twice).
    pub fn record_answered(&mut self, nonce: &str) {
        if !self.was_answered(nonce) {
            self.answered.push(nonce.to_string());
        }
        let excess = self.answered.len().saturating_sub(ANSWERED_HISTORY);
        self.answered.drain(..excess);
    }
}

// Serialises the device key as bytes; the vault seals the whole payload.
mod secret_bytes {
    use crate::secret::Secret;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(s: &Secret, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_bytes(s.expose())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<Secret, D::Error> {
        Ok(Secret::new(Vec::<u8>::deserialize(de)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acct() -> PiPushAccount {
        PiPushAccount {
            label: "L".into(),
            issuer: "I".into(),
            serial: "S".into(),
            url: "https://x/ttype/push".into(),
            sslverify: true,
            poll_only: true,
            require_unlock: false,
            server_public_key: vec![1, 2],
            device_key: Secret::new(vec![9; 16]),
            answered: vec![],
        }
    }

    #[test]
    fn answered_history_is_bounded_and_deduplicated() {
        let mut a = acct();
        for i in 0..(ANSWERED_HISTORY + 10) {
            a.record_answered(&format!("n{i}"));
            a.record_answered(&format!("n{i}"));
        }
        assert_eq!(a.answered.len(), ANSWERED_HISTORY);
        assert!(!a.was_answered("n0"));
        assert!(a.was_answered(&format!("n{}", ANSWERED_HISTORY + 9)));
    }

    #[test]
    fn serde_round_trip_and_debug_redacts() {
        let a = acct();
        let json = serde_json::to_string(&a).unwrap();
        let b: PiPushAccount = serde_json::from_str(&json).unwrap();
        assert!(bool::from(subtle::ConstantTimeEq::ct_eq(&b.device_key, &a.device_key)));
        assert!(format!("{a:?}").contains("redacted"));
    }
}
