//! The server's P-256 signing key: created on first start, stored sealed, rotatable.
//!
//! The private key (PKCS#8) is sealed under the key file's key (`storage::seal`), so a
//! copied database alone cannot sign sign-in requests.

use super::seal::{SealKey, Sealed};
use crate::error::ServerError;
use crate::verifier::{ServerKey, VerifierError};
use duet_core::secret::Secret;
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::{Connection, OptionalExtension, params};
use std::sync::Arc;

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
    let public_key = key.public_key();
    let sealed = seal.seal(&Sealed::ServerKey { public_key: &public_key }, pkcs8.expose())?;
    conn.execute(
        "INSERT INTO server_keys (sealed_private, public_key, created_at) VALUES (?1, ?2, ?3)",
        params![sealed, key.public_key(), now as i64],
    )?;
    Ok(StoredKey { id: conn.last_insert_rowid(), key })
}

fn unseal(seal: &SealKey, public_key: &[u8], sealed: &[u8]) -> Result<ServerKey, ServerError> {
    let raw = seal.open(&Sealed::ServerKey { public_key }, sealed)?;
    ServerKey::from_pkcs8(Secret::new(raw.to_vec()), rng()).map_err(to_server_error)
}

/// The current key, creating one on first start.
pub fn load_or_create(conn: &Connection, seal: &SealKey, now: u64) -> Result<StoredKey, ServerError> {
    let row: Option<(i64, Vec<u8>, Vec<u8>)> = conn
        .query_row(
            "SELECT id, public_key, sealed_private FROM server_keys WHERE retired_at IS NULL ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match row {
        Some((id, public_key, sealed)) => Ok(StoredKey { id, key: unseal(seal, &public_key, &sealed)? }),
        None => insert(conn, seal, ServerKey::generate(rng()).map_err(to_server_error)?, now),
    }
}

/// A (possibly retired) key by its public key, with its id: the key a phone says it trusts.
pub fn by_public_key(conn: &Connection, seal: &SealKey, public_key: &[u8]) -> Result<Option<(i64, ServerKey)>, ServerError> {
    let row: Option<(i64, Vec<u8>)> = conn
        .query_row("SELECT id, sealed_private FROM server_keys WHERE public_key = ?1", [public_key], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    row.map(|(id, s)| Ok((id, unseal(seal, public_key, &s)?))).transpose()
}

/// Replaces the current key with a fresh one and retires the old one. Devices learn the
/// new key from a rotation message signed by the key they trust, sent with their next poll.
pub fn rotate(conn: &Connection, seal: &SealKey, old_id: i64, now: u64) -> Result<StoredKey, ServerError> {
    let new = insert(conn, seal, ServerKey::generate(rng()).map_err(to_server_error)?, now)?;
    conn.execute("UPDATE server_keys SET retired_at = ?1 WHERE id = ?2", params![now as i64, old_id])?;
    Ok(new)
}
