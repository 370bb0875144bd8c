//! The server's P-256 signing key: created on first start, stored sealed, rotatable.
//!
//! The private key (PKCS#8) is sealed with AES-256-GCM under a 256-bit key kept
//! outside the database, in a key file readable only by its owner (mode 0600).
//! A copied database alone therefore cannot sign sign-in requests.

use super::crypto::{SealKey, random_bytes};
use super::error::ServerError;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::Path;
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

/// The server's current signing key.
pub struct ServerKey {
    /// Row id in `server_keys`.
    pub id: i64,
    pair: EcdsaKeyPair,
    pkcs8: Zeroizing<Vec<u8>>,
}

impl ServerKey {
    /// The uncompressed SEC1 public key (65 bytes).
    pub fn public_key(&self) -> &[u8] {
        self.pair.public_key().as_ref()
    }
    /// The PKCS#8 private key, for the verifier's signer.
    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }
    /// Signs `msg` with ECDSA P-256 / SHA-256, raw r||s (64 bytes).
    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        self.pair
            .sign(&SystemRandom::new(), msg)
            .expect("ECDSA signing with a valid key cannot fail")
            .as_ref()
            .to_vec()
    }
    fn from_pkcs8(id: i64, pkcs8: Zeroizing<Vec<u8>>) -> Result<Self, ServerError> {
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &SystemRandom::new())
            .map_err(|_| ServerError::KeyUnseal)?;
        Ok(ServerKey { id, pair, pkcs8 })
    }
}

fn generate() -> Zeroizing<Vec<u8>> {
    let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
        .expect("P-256 key generation cannot fail with the OS RNG");
    Zeroizing::new(doc.as_ref().to_vec())
}

fn insert(conn: &Connection, seal: &SealKey, pkcs8: Zeroizing<Vec<u8>>, now: u64) -> Result<ServerKey, ServerError> {
    let sealed = seal.seal(PURPOSE, &pkcs8);
    let key = ServerKey::from_pkcs8(0, pkcs8)?;
    conn.execute(
        "INSERT INTO server_keys (sealed_private, public_key, created_at) VALUES (?1, ?2, ?3)",
        params![sealed, key.public_key(), now as i64],
    )?;
    Ok(ServerKey { id: conn.last_insert_rowid(), ..key })
}

/// The current key, creating one on first start.
pub fn load_or_create(conn: &Connection, seal: &SealKey, now: u64) -> Result<ServerKey, ServerError> {
    let row: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT id, sealed_private FROM server_keys WHERE retired_at IS NULL ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        Some((id, sealed)) => ServerKey::from_pkcs8(id, seal.open(PURPOSE, &sealed)?),
        None => insert(conn, seal, generate(), now),
    }
}

/// Replaces the current key with a fresh one. `announce` builds the rotation message
/// (signed by the old key, per docs/protocol.md) from the old and new keys; it is stored
/// so devices can fetch it. Returns the new key.
pub fn rotate(
    conn: &Connection,
    seal: &SealKey,
    old: &ServerKey,
    now: u64,
    announce: impl FnOnce(&ServerKey, &ServerKey) -> Vec<u8>,
) -> Result<ServerKey, ServerError> {
    let new = insert(conn, seal, generate(), now)?;
    let msg = announce(old, &new);
    conn.execute(
        "UPDATE server_keys SET retired_at = ?1, rotation_message = ?2 WHERE id = ?3",
        params![now as i64, msg, old.id],
    )?;
    Ok(new)
}

/// Rotation messages for every retired key, oldest first (devices walk the chain).
pub fn rotation_chain(conn: &Connection) -> Result<Vec<Vec<u8>>, ServerError> {
    let mut st = conn.prepare(
        "SELECT rotation_message FROM server_keys WHERE rotation_message IS NOT NULL ORDER BY id",
    )?;
    let v = st.query_map([], |r| r.get(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(v)
}
