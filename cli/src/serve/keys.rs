//! The server's P-256 signing key: created on first start, stored sealed, rotatable.
//!
//! The private key (PKCS#8) is sealed with AES-256-GCM under a 256-bit key kept
//! outside the database, in a key file readable only by its owner (mode 0600).
//! A copied database alone therefore cannot sign sign-in requests.

use super::crypto::{SealKey, random_bytes};
use super::error::ServerError;
use duet_core::secret::Secret;
use duet_core::verifier::{ServerKey, VerifierError};
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::Path;
use std::sync::Arc;
use zeroize::Zeroizing;

const PURPOSE: &str = "duet-server-signing-key-v1";

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

fn rng() -> Arc<dyn SecureRandom + Send + Sync> {
    Arc::new(SystemRandom::new())
}

fn to_server_error(e: VerifierError) -> ServerError {
    match e {
        VerifierError::KeyInvalid => ServerError::KeyUnseal,
        other => ServerError::Config(format!("cannot create the server key: {other}")),
    }
}

/// A stored server key: its row id and the key.
pub struct StoredKey {
    /// Row id in `server_keys` (devices remember which key they trust).
    pub id: i64,
    /// The key.
    pub key: ServerKey,
}

fn insert(conn: &Connection, seal: &SealKey, key: ServerKey, now: u64) -> Result<StoredKey, ServerError> {
    let pkcs8 = key.export_pkcs8();
    let sealed = seal.seal(PURPOSE, pkcs8.expose());
    conn.execute(
        "INSERT INTO server_keys (sealed_private, public_key, created_at) VALUES (?1, ?2, ?3)",
        params![sealed, key.public_key(), now as i64],
    )?;
    Ok(StoredKey { id: conn.last_insert_rowid(), key })
}

fn unseal(seal: &SealKey, sealed: &[u8]) -> Result<ServerKey, ServerError> {
    let raw = seal.open(PURPOSE, sealed)?;
    ServerKey::from_pkcs8(Secret::new(raw.to_vec()), rng()).map_err(to_server_error)
}

/// The current key, creating one on first start.
pub fn load_or_create(conn: &Connection, seal: &SealKey, now: u64) -> Result<StoredKey, ServerError> {
    let row: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT id, sealed_private FROM server_keys WHERE retired_at IS NULL ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        Some((id, sealed)) => Ok(StoredKey { id, key: unseal(seal, &sealed)? }),
        None => insert(conn, seal, ServerKey::generate(rng()).map_err(to_server_error)?, now),
    }
}

/// A (possibly retired) key by id, to sign rotation messages for devices that still trust it.
pub fn by_id(conn: &Connection, seal: &SealKey, id: i64) -> Result<Option<ServerKey>, ServerError> {
    let sealed: Option<Vec<u8>> = conn
        .query_row("SELECT sealed_private FROM server_keys WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    sealed.map(|s| unseal(seal, &s)).transpose()
}

/// Replaces the current key with a fresh one and retires the old one. Devices learn the
/// new key from a rotation message signed by the key they trust, sent with their next poll.
pub fn rotate(conn: &Connection, seal: &SealKey, old_id: i64, now: u64) -> Result<StoredKey, ServerError> {
    let new = insert(conn, seal, ServerKey::generate(rng()).map_err(to_server_error)?, now)?;
    conn.execute("UPDATE server_keys SET retired_at = ?1 WHERE id = ?2", params![now as i64, old_id])?;
    Ok(new)
}
