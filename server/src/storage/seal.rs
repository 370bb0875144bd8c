//! The sealing key: AES-256-GCM (ring), kept in a key file outside the database (mode 0600), so
//! a copied database alone opens no secret.
//!
//! A sealed blob is `nonce (12 bytes) || ciphertext || tag`, the format every server database
//! holds. Every blob binds what it is and the row it belongs to as associated data
//! ([`Sealed`]): a blob copied into another column (an enrollment secret into the server key's
//! place) or into another row (one device's state into another's, a device moved to another
//! user) does not open, so write access to the database alone cannot move secrets or keys.
//! The same key makes keyed hashes ([`SealKey::tag`]) of values that are looked up but never
//! stored, such as manual activation codes.

use crate::error::ServerError;
use crate::random::random_bytes;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::{hkdf, hmac};
use std::path::Path;
use zeroize::Zeroizing;

/// Everything the server seals, each bound to its row.
#[derive(Debug, Clone, Copy)]
pub enum Sealed<'a> {
    /// An enrollment's one-time secret.
    EnrollmentSecret {
        /// Enrollment id.
        id: &'a str,
        /// The user it enrolls.
        user_id: i64,
    },
    /// An enrollment's manual activation code (shown again on the helpdesk page).
    EnrollmentCode {
        /// Enrollment id.
        id: &'a str,
        /// The user it enrolls.
        user_id: i64,
    },
    /// A device's verifier state (its registered public key).
    DeviceState {
        /// The device's account id.
        account_id: &'a str,
        /// Its owner.
        user_id: i64,
    },
    /// A device's offline passcode secret.
    DeviceOtpSecret {
        /// The device's account id.
        account_id: &'a str,
        /// Its owner.
        user_id: i64,
    },
    /// A helpdesk admin's TOTP secret (their second factor).
    AdminTotpSecret {
        /// The admin's row id.
        admin_id: i64,
    },
    /// A helpdesk admin's passkey (webauthn-rs's stored credential).
    AdminPasskey {
        /// The admin's row id.
        admin_id: i64,
        /// The credential id.
        credential_id: &'a [u8],
    },
    /// The state of a WebAuthn ceremony (its challenge) of a half-signed-in session.
    AdminCeremony {
        /// The session's token hash.
        session_hash: &'a [u8],
        /// `register` or `authenticate`.
        kind: &'a str,
    },
    /// A server signing key (PKCS#8).
    ServerKey {
        /// Its public key.
        public_key: &'a [u8],
    },
}

impl Sealed<'_> {
    /// The purpose label (the only associated data of blobs sealed before rows were bound).
    pub fn purpose(&self) -> &'static str {
        match self {
            Sealed::EnrollmentSecret { .. } => "duet-enrollment-secret-v1",
            Sealed::EnrollmentCode { .. } => "duet-enrollment-code-v1",
            Sealed::DeviceState { .. } => "duet-device-state-v1",
            Sealed::DeviceOtpSecret { .. } => "duet-device-otp-secret-v1",
            Sealed::AdminTotpSecret { .. } => "duet-admin-totp-secret-v1",
            Sealed::AdminPasskey { .. } => "duet-admin-passkey-v1",
            Sealed::AdminCeremony { .. } => "duet-admin-webauthn-ceremony-v1",
            Sealed::ServerKey { .. } => "duet-server-signing-key-v1",
        }
    }

    fn associated_data(&self) -> Vec<u8> {
        let row = match self {
            Sealed::EnrollmentSecret { id, user_id } | Sealed::EnrollmentCode { id, user_id } => {
                format!("enrollment={id};user={user_id}")
            }
            Sealed::DeviceState { account_id, user_id } | Sealed::DeviceOtpSecret { account_id, user_id } => {
                format!("device={account_id};user={user_id}")
            }
            Sealed::AdminTotpSecret { admin_id } => format!("admin={admin_id}"),
            Sealed::AdminPasskey { admin_id, credential_id } => {
                format!("admin={admin_id};credential={}", hex::encode(credential_id))
            }
            Sealed::AdminCeremony { session_hash, kind } => format!("session={};kind={kind}", hex::encode(session_hash)),
            Sealed::ServerKey { public_key } => format!("server-key={}", hex::encode(public_key)),
        };
        // The purpose has no `|`, so purpose and row cannot be confused.
        format!("{}|{row}", self.purpose()).into_bytes()
    }
}

/// A 256-bit sealing key.
pub struct SealKey {
    aead: LessSafeKey,
    tags: hmac::Key,
}

impl SealKey {
    /// Builds a sealing key from 32 bytes.
    pub fn new(bytes: &[u8]) -> Result<Self, ServerError> {
        let key = UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| ServerError::KeyFile("the key must be 32 bytes".into()))?;
        // A separate key for keyed hashes, so no value is both encrypted and hashed under one key.
        let tags: hmac::Key = hkdf::Salt::new(hkdf::HKDF_SHA256, b"duet-server")
            .extract(bytes)
            .expand(&[b"duet-server-lookup-tag-v1"], hmac::HMAC_SHA256)
            .map_err(|_| ServerError::KeyFile("cannot derive the lookup key".into()))?
            .into();
        Ok(SealKey { aead: LessSafeKey::new(key), tags })
    }

    /// A keyed hash of `value` under `purpose`: what is stored of a value that is looked up but
    /// must not be readable from the database (a manual activation code).
    pub fn tag(&self, purpose: &str, value: &[u8]) -> Vec<u8> {
        let mut ctx = hmac::Context::with_key(&self.tags);
        ctx.update(purpose.as_bytes());
        ctx.update(b"|");
        ctx.update(value);
        ctx.sign().as_ref().to_vec()
    }

    /// Encrypts `plain` as `what`, bound to its row.
    pub fn seal(&self, what: &Sealed<'_>, plain: &[u8]) -> Result<Vec<u8>, ServerError> {
        self.seal_aad(&what.associated_data(), plain)
    }

    /// Decrypts a blob made by [`SealKey::seal`] for the same `what` and row.
    pub fn open(&self, what: &Sealed<'_>, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, ServerError> {
        self.open_aad(&what.associated_data(), sealed)
    }

    /// Decrypts a blob sealed before rows were bound (purpose only): the migration that
    /// re-seals such blobs is its one user.
    pub(crate) fn open_unbound(&self, what: &Sealed<'_>, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, ServerError> {
        self.open_aad(what.purpose().as_bytes(), sealed)
    }

    fn seal_aad(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, ServerError> {
        let nonce_bytes = random_bytes(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&nonce_bytes).map_err(|_| ServerError::Storage("cannot seal".into()))?;
        let mut buf = Zeroizing::new(plain.to_vec());
        self.aead
            .seal_in_place_append_tag(nonce, Aad::from(aad), &mut *buf)
            .map_err(|_| ServerError::Storage("cannot seal".into()))?;
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&buf);
        Ok(out)
    }

    fn open_aad(&self, aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, ServerError> {
        if sealed.len() < NONCE_LEN + AES_256_GCM.tag_len() {
            return Err(ServerError::KeyUnseal);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| ServerError::KeyUnseal)?;
        let mut buf = Zeroizing::new(body.to_vec());
        let plain_len =
            self.aead.open_in_place(nonce, Aad::from(aad), &mut buf).map_err(|_| ServerError::KeyUnseal)?.len();
        buf.truncate(plain_len);
        Ok(buf)
    }
}

/// Loads the sealing key from `path`, creating the file (mode 0600) if it does not exist.
pub fn load_or_create_key_file(path: &Path) -> Result<SealKey, ServerError> {
    use std::io::Write;
    if !path.exists() {
        let key = random_bytes(32);
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts
            .open(path)
            .map_err(|e| ServerError::KeyFile(format!("cannot create {}: {e}", path.display())))?;
        f.write_all(hex::encode(&*key).as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(|e| ServerError::KeyFile(format!("cannot write {}: {e}", path.display())))?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| ServerError::KeyFile(format!("cannot read {}: {e}", path.display())))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(ServerError::KeyFile(format!(
                "{} is readable by other users; run chmod 600 on it",
                path.display()
            )));
        }
    }
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| ServerError::KeyFile(format!("cannot read {}: {e}", path.display())))?,
    );
    let bytes = Zeroizing::new(
        hex::decode(text.trim())
            .map_err(|_| ServerError::KeyFile(format!("{} does not hold a hex key", path.display())))?,
    );
    SealKey::new(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_as_what_it_is_in_its_own_row() {
        let k = SealKey::new(&[7u8; 32]).unwrap();
        let otp = Sealed::DeviceOtpSecret { account_id: "A", user_id: 1 };
        let s = k.seal(&otp, b"hello").unwrap();
        assert_eq!(&k.open(&otp, &s).unwrap()[..], b"hello");
        for other in [
            Sealed::DeviceOtpSecret { account_id: "B", user_id: 1 },
            Sealed::DeviceOtpSecret { account_id: "A", user_id: 2 },
            Sealed::DeviceState { account_id: "A", user_id: 1 },
            Sealed::EnrollmentSecret { id: "A", user_id: 1 },
        ] {
            assert!(k.open(&other, &s).is_err(), "{other:?}");
        }
        assert!(k.open_unbound(&otp, &s).is_err());
        let mut t = s.clone();
        let last = t.len() - 1;
        t[last] ^= 1;
        assert!(k.open(&otp, &t).is_err());
        let other = SealKey::new(&[8u8; 32]).unwrap();
        assert!(other.open(&otp, &s).is_err());
    }

    #[test]
    fn an_admin_factor_secret_opens_only_for_its_admin() {
        let k = SealKey::new(&[7u8; 32]).unwrap();
        let mine = Sealed::AdminTotpSecret { admin_id: 1 };
        let s = k.seal(&mine, b"totp secret").unwrap();
        assert_eq!(&k.open(&mine, &s).unwrap()[..], b"totp secret");
        for other in [Sealed::AdminTotpSecret { admin_id: 2 }, Sealed::DeviceOtpSecret { account_id: "1", user_id: 1 }] {
            assert!(k.open(&other, &s).is_err(), "{other:?}");
        }
    }

    #[test]
    fn tags_are_keyed() {
        let k = SealKey::new(&[7u8; 32]).unwrap();
        assert_eq!(k.tag("code", b"ABC"), k.tag("code", b"ABC"));
        assert_ne!(k.tag("code", b"ABC"), k.tag("code", b"ABD"));
        assert_ne!(k.tag("code", b"ABC"), SealKey::new(&[8u8; 32]).unwrap().tag("code", b"ABC"));
    }
}
