//! The vault key wrapped by a key-encryption key kept in a separate 0600 file.
//!
//! The file holds `duet-key-file v1` and 32 random bytes in hex. It is useless without
//! the vault and the vault is useless without it; it must live outside the vault's
//! folder (the CLI keeps it in the user's config directory, the vault in the data
//! directory), so copying the vault's folder does not copy the key.

use super::{KeyError, KeyProvider, KeySlot, VaultKey, unwrap_key, wrap_key};
use ring::rand::SecureRandom;
use std::io::Write;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

const HEADER: &str = "duet-key-file v1";

/// A key file provider.
pub struct KeyFile {
    path: PathBuf,
}

impl KeyFile {
    /// A key file at `path` for the vault at `vault_path`; refuses a key file in the
    /// vault's own directory.
    pub fn for_vault(path: impl Into<PathBuf>, vault_path: &Path) -> Result<Self, KeyError> {
        let path = path.into();
        let dir_of = |p: &Path| {
            let parent = p.parent().map(Path::to_path_buf).unwrap_or_default();
            let parent = if parent.as_os_str().is_empty() { PathBuf::from(".") } else { parent };
            std::fs::canonicalize(&parent).unwrap_or(parent)
        };
        if dir_of(&path) == dir_of(vault_path) {
            return Err(KeyError::KeyFileBesideVault { path });
        }
        Ok(KeyFile { path })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, e: std::io::Error) -> KeyError {
        KeyError::KeyFileIo { path: self.path.clone(), reason: e.kind().to_string() }
    }

    /// Reads the key-encryption key, checking the file's permissions first.
    fn read_kek(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let meta = match std::fs::metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(KeyError::KeyFileMissing { path: self.path.clone() });
            }
            Err(e) => return Err(self.io(e)),
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if meta.permissions().mode() & 0o077 != 0 {
                return Err(KeyError::KeyFilePermissions { path: self.path.clone() });
            }
        }
        let _ = meta;
        let text = Zeroizing::new(std::fs::read_to_string(&self.path).map_err(|e| self.io(e))?);
        let invalid = || KeyError::KeyFileInvalid { path: self.path.clone() };
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Err(invalid());
        }
        let kek = Zeroizing::new(hex::decode(lines.next().unwrap_or("").trim()).map_err(|_| invalid())?);
        if kek.len() != 32 {
            return Err(invalid());
        }
        Ok(kek)
    }

    /// Creates the file with mode 0600 (never overwrites an existing one).
    fn create_kek(&self, rng: &dyn SecureRandom) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let mut kek = Zeroizing::new(vec![0u8; 32]);
        rng.fill(&mut kek[..]).map_err(|_| KeyError::Random)?;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(|e| self.io(e))?;
        }
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&self.path).map_err(|e| self.io(e))?;
        let body = Zeroizing::new(format!("{HEADER}\n{}\n", hex::encode(&kek[..])));
        f.write_all(body.as_bytes()).and_then(|_| f.sync_all()).map_err(|e| self.io(e))?;
        Ok(kek)
    }
}

/// Creates a directory (and parents) readable only by the user.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

impl KeyProvider for KeyFile {
    fn kind(&self) -> &'static str {
        "key-file"
    }

    fn describe(&self) -> String {
        format!("key file {}", self.path.display())
    }

    fn enroll(&self, vault_id: &str, key: &VaultKey, rng: &dyn SecureRandom) -> Result<KeySlot, KeyError> {
        let kek = match self.read_kek() {
            Ok(k) => k,
            Err(KeyError::KeyFileMissing { .. }) => self.create_kek(rng)?,
            Err(e) => return Err(e),
        };
        Ok(KeySlot {
            kind: "key-file".into(),
            params: "{}".into(),
            wrapped: wrap_key(&kek, vault_id, "key-file", key, rng)?,
        })
    }

    fn unlock(&self, vault_id: &str, slot: &KeySlot) -> Result<VaultKey, KeyError> {
        let kek = self.read_kek()?;
        unwrap_key(&kek, vault_id, "key-file", &slot.wrapped)
            .ok_or_else(|| KeyError::WrongKeyFile { path: self.path.clone() })
    }
}
