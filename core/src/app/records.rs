//! How push accounts are kept in the vault: one kind tag and payload format per way the device
//! key is held. The formats are the ones earlier releases wrote, so their vaults keep working.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::AppError;
use crate::pipush::{self, PiPushAccount};
use crate::push::PushAccount;
use crate::secret::Secret;
use crate::vault::StoredPush;

/// duet push with a software P-256 key sealed beside the account (the desktop).
pub const KIND_DUET_SOFTWARE: &str = "duet";
/// duet push with the key in the platform keystore; only the account and the key's handle
/// are stored.
pub const KIND_DUET_PLATFORM: &str = "duet-platform-key";
/// privacyIDEA push (software RSA key or a platform key's handle, see [`PushRecord::PiPush`]).
pub const KIND_PIPUSH: &str = pipush::account::KIND;

/// One stored push account, decoded.
#[derive(Clone, Debug)]
pub enum PushRecord {
    /// duet push, software key.
    DuetSoftware {
        /// The account.
        account: PushAccount,
        /// The device key, PKCS#8 DER.
        key_pkcs8: Secret,
        /// The answer key, PKCS#8 DER; `None` in records of accounts registered without one.
        answer_pkcs8: Option<Secret>,
    },
    /// duet push, platform key.
    DuetPlatform {
        /// The account.
        account: PushAccount,
        /// What the app finds its key by; empty in records that predate handles, where the app
        /// finds the key by the account's device public key instead.
        key_handle: Vec<u8>,
        /// What the app finds the answer key by; `None` in records of accounts registered
        /// without one.
        answer_handle: Option<Vec<u8>>,
    },
    /// privacyIDEA push. Its `device_key` holds the software key's PKCS#8 or, when that does not
    /// parse as an RSA key, the handle of a platform key.
    PiPush(PiPushAccount),
}

/// A duet key just made, before the server accepted it: where the record will keep it.
pub enum NewKey {
    /// A software key, PKCS#8 DER, sealed in the vault.
    Software(Secret),
    /// A platform key's handle.
    Platform(Vec<u8>),
}

// The answer members are optional so records written before answer keys existed still read.
#[derive(Serialize, Deserialize)]
struct DuetSoftwarePayload {
    account: PushAccount,
    #[serde(with = "secret_bytes")]
    device_key_pkcs8: Secret,
    #[serde(default, with = "opt_secret_bytes", skip_serializing_if = "Option::is_none")]
    answer_key_pkcs8: Option<Secret>,
}

#[derive(Serialize, Deserialize)]
struct DuetPlatformPayload {
    #[serde(flatten)]
    account: PushAccount,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    key_handle: Vec<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    answer_key_handle: Option<Vec<u8>>,
}

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

mod opt_secret_bytes {
    use crate::secret::Secret;
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(s: &Option<Secret>, ser: S) -> Result<S::Ok, S::Error> {
        match s {
            // A JSON array of bytes, as `secret_bytes` writes.
            Some(s) => ser.serialize_some(s.expose()),
            None => ser.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Secret>, D::Error> {
        Ok(Option::<Vec<u8>>::deserialize(de)?.map(Secret::new))
    }
}

impl PushRecord {
    /// A new duet account's record: its device key and answer key, kept the same way.
    pub fn new_duet(account: PushAccount, device: NewKey, answer: NewKey) -> Result<Self, AppError> {
        Ok(match (device, answer) {
            (NewKey::Software(key_pkcs8), NewKey::Software(a)) => {
                PushRecord::DuetSoftware { account, key_pkcs8, answer_pkcs8: Some(a) }
            }
            (NewKey::Platform(key_handle), NewKey::Platform(a)) => {
                PushRecord::DuetPlatform { account, key_handle, answer_handle: Some(a) }
            }
            // Both keys are always made in the same place.
            _ => return Err(AppError::AccountDamaged),
        })
    }

    /// This duet record after a device key rotation to `device` (kept where the old key was):
    /// the rotated account, the answer key unchanged.
    pub fn with_device_key(self, account: PushAccount, device: NewKey) -> Result<Self, AppError> {
        Ok(match (self, device) {
            (PushRecord::DuetSoftware { answer_pkcs8, .. }, NewKey::Software(key_pkcs8)) => {
                PushRecord::DuetSoftware { account, key_pkcs8, answer_pkcs8 }
            }
            (PushRecord::DuetPlatform { answer_handle, .. }, NewKey::Platform(key_handle)) => {
                PushRecord::DuetPlatform { account, key_handle, answer_handle }
            }
            _ => return Err(AppError::AccountDamaged),
        })
    }

    /// Reads a stored record; `None` for a kind this version does not know.
    pub fn decode(stored: &StoredPush) -> Result<Option<Self>, AppError> {
        let bad = |_| AppError::AccountDamaged;
        Ok(Some(match stored.kind.as_str() {
            KIND_DUET_SOFTWARE => {
                let p: DuetSoftwarePayload = serde_json::from_slice(&stored.payload).map_err(bad)?;
                PushRecord::DuetSoftware { account: p.account, key_pkcs8: p.device_key_pkcs8, answer_pkcs8: p.answer_key_pkcs8 }
            }
            KIND_DUET_PLATFORM => {
                let p: DuetPlatformPayload = serde_json::from_slice(&stored.payload).map_err(bad)?;
                PushRecord::DuetPlatform { account: p.account, key_handle: p.key_handle, answer_handle: p.answer_key_handle }
            }
            KIND_PIPUSH => PushRecord::PiPush(serde_json::from_slice(&stored.payload).map_err(bad)?),
            _ => return Ok(None),
        }))
    }

    /// The kind tag and sealed payload to store.
    pub fn encode(&self) -> Result<(&'static str, Zeroizing<Vec<u8>>), AppError> {
        let bytes = match self {
            PushRecord::DuetSoftware { account, key_pkcs8, answer_pkcs8 } => serde_json::to_vec(&DuetSoftwarePayload {
                account: account.clone(),
                device_key_pkcs8: key_pkcs8.clone(),
                answer_key_pkcs8: answer_pkcs8.clone(),
            }),
            PushRecord::DuetPlatform { account, key_handle, answer_handle } => serde_json::to_vec(&DuetPlatformPayload {
                account: account.clone(),
                key_handle: key_handle.clone(),
                answer_key_handle: answer_handle.clone(),
            }),
            PushRecord::PiPush(a) => serde_json::to_vec(a),
        };
        Ok((self.kind(), Zeroizing::new(bytes.map_err(|_| AppError::AccountDamaged)?)))
    }

    /// The record's kind tag.
    pub fn kind(&self) -> &'static str {
        match self {
            PushRecord::DuetSoftware { .. } => KIND_DUET_SOFTWARE,
            PushRecord::DuetPlatform { .. } => KIND_DUET_PLATFORM,
            PushRecord::PiPush(_) => KIND_PIPUSH,
        }
    }

    /// What the user knows the account by.
    pub fn label(&self) -> String {
        match self {
            PushRecord::DuetSoftware { account, .. } | PushRecord::DuetPlatform { account, .. } => {
                format!("{}: {}", account.issuer, account.user)
            }
            PushRecord::PiPush(a) => a.display_name(),
        }
    }

    /// The duet account, for duet records.
    pub fn duet_account(&self) -> Option<&PushAccount> {
        match self {
            PushRecord::DuetSoftware { account, .. } | PushRecord::DuetPlatform { account, .. } => Some(account),
            PushRecord::PiPush(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::RecordId;

    fn stored(kind: &str, payload: &str) -> StoredPush {
        StoredPush {
            id: RecordId("r".into()),
            kind: kind.into(),
            position: 0,
            created_at: 0,
            updated_at: 0,
            payload: Zeroizing::new(payload.as_bytes().to_vec()),
        }
    }

    // As the mobile bindings stored platform-key accounts before handles existed: the bare account.
    const BARE: &str = r#"{"account_id":"CquyA9DVXxHtP6Nw6xBsSA","url":"https://mfa.example.com","server_key":[4,1],"issuer":"Example Corp","user":"alice","device_alg":"ES256","device_key":[4,2],"via_manual_code":false}"#;

    #[test]
    fn platform_records_without_a_handle_still_read_and_round_trip_with_one() {
        let Some(PushRecord::DuetPlatform { account, key_handle, answer_handle }) =
            PushRecord::decode(&stored(KIND_DUET_PLATFORM, BARE)).unwrap()
        else {
            panic!("not a platform record")
        };
        assert_eq!((account.user.as_str(), account.device_key.as_slice(), key_handle.len()), ("alice", &[4u8, 2][..], 0));
        // Written before answer keys: answers stay with the device key.
        assert_eq!((answer_handle, account.answer_public_key()), (None, &[4u8, 2][..]));
        let account = PushAccount { answer_key: Some(vec![4, 3]), ..account };
        let rec = PushRecord::DuetPlatform { account, key_handle: b"alias-1".to_vec(), answer_handle: Some(b"alias-2".to_vec()) };
        let (kind, payload) = rec.encode().unwrap();
        let back = PushRecord::decode(&stored(kind, std::str::from_utf8(&payload).unwrap())).unwrap().unwrap();
        let PushRecord::DuetPlatform { account, key_handle, answer_handle } = back else { panic!() };
        assert_eq!((key_handle.as_slice(), answer_handle.as_deref()), (&b"alias-1"[..], Some(&b"alias-2"[..])));
        assert_eq!(account.answer_public_key(), &[4u8, 3][..]);
    }

    #[test]
    fn unknown_kinds_are_skipped_and_damaged_payloads_are_errors() {
        assert!(PushRecord::decode(&stored("future-kind", "{}")).unwrap().is_none());
        for kind in [KIND_DUET_SOFTWARE, KIND_DUET_PLATFORM, KIND_PIPUSH] {
            let e = PushRecord::decode(&stored(kind, "{not json")).unwrap_err();
            assert_eq!(crate::ErrorCode::code(&e), "E_APP_ACCOUNT_DAMAGED");
        }
    }
}
