//! The sealing key: AES-256-GCM through the core's vault seal, kept in a key file outside
//! the database (mode 0600), so a copied database alone opens no secret.
//!
//! Every sealed blob binds a purpose label as associated data: a blob copied into another
//! column (an enrollment secret into the server key's place, say) does not open.

use crate::error::ServerError;
use crate::random::random_bytes;
use duet_core::vault::seal;
use ring::rand::SystemRandom;
use std::path::Path;
use zeroize::Zeroizing;

/// A 256-bit sealing key.
pub struct SealKey(seal::SealKey);

impl SealKey {
    /// Builds a sealing key from 32 bytes.
    pub fn new(bytes: &[u8]) -> Result<Self, ServerError> {
        seal::SealKey::new(bytes).map(SealKey).map_err(|_| ServerError::KeyFile("the key must be 32 bytes".into()))
    }

    /// Encrypts `plain`, binding `purpose`.
    pub fn seal(&self, purpose: &str, plain: &[u8]) -> Result<Vec<u8>, ServerError> {
        self.0
            .seal(&SystemRandom::new(), purpose.as_bytes(), plain)
            .map_err(|e| ServerError::Storage(format!("cannot seal: {e:?}")))
    }

    /// Decrypts a blob made by [`SealKey::seal`] with the same `purpose`.
    pub fn open(&self, purpose: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, ServerError> {
        self.0.open(purpose.as_bytes(), sealed).map_err(|_| ServerError::KeyUnseal)
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
