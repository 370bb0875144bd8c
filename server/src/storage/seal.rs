//! The sealing key: AES-256-GCM (ring), kept in a key file outside the database (mode 0600), so
//! a copied database alone opens no secret.
//!
//! A sealed blob is `nonce (12 bytes) || ciphertext || tag`, the format every server database
//! holds. Every blob binds a purpose label as associated data: a blob copied into another
//! column (an enrollment secret into the server key's place, say) does not open.

use crate::error::ServerError;
use crate::random::random_bytes;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use std::path::Path;
use zeroize::Zeroizing;

/// A 256-bit sealing key.
pub struct SealKey(LessSafeKey);

impl SealKey {
    /// Builds a sealing key from 32 bytes.
    pub fn new(bytes: &[u8]) -> Result<Self, ServerError> {
        let key = UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| ServerError::KeyFile("the key must be 32 bytes".into()))?;
        Ok(SealKey(LessSafeKey::new(key)))
    }

    /// Encrypts `plain`, binding `purpose`.
    pub fn seal(&self, purpose: &str, plain: &[u8]) -> Result<Vec<u8>, ServerError> {
        let nonce_bytes = random_bytes(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&nonce_bytes).map_err(|_| ServerError::Storage("cannot seal".into()))?;
        let mut buf = Zeroizing::new(plain.to_vec());
        self.0
            .seal_in_place_append_tag(nonce, Aad::from(purpose.as_bytes()), &mut *buf)
            .map_err(|_| ServerError::Storage("cannot seal".into()))?;
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&buf);
        Ok(out)
    }

    /// Decrypts a blob made by [`SealKey::seal`] with the same `purpose`.
    pub fn open(&self, purpose: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, ServerError> {
        if sealed.len() < NONCE_LEN + AES_256_GCM.tag_len() {
            return Err(ServerError::KeyUnseal);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| ServerError::KeyUnseal)?;
        let mut buf = Zeroizing::new(body.to_vec());
        let plain_len =
            self.0.open_in_place(nonce, Aad::from(purpose.as_bytes()), &mut buf).map_err(|_| ServerError::KeyUnseal)?.len();
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
    fn seal_round_trip_and_purpose_binding() {
        let k = SealKey::new(&[7u8; 32]).unwrap();
        let s = k.seal("a", b"hello").unwrap();
        assert_eq!(&k.open("a", &s).unwrap()[..], b"hello");
        assert!(k.open("b", &s).is_err());
        let mut t = s.clone();
        let last = t.len() - 1;
        t[last] ^= 1;
        assert!(k.open("a", &t).is_err());
        let other = SealKey::new(&[8u8; 32]).unwrap();
        assert!(other.open("a", &s).is_err());
    }
}
