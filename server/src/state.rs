//! Everything a request handler needs: the database, the clock, the settings, the sealing
//! key and the verifier with the current server key.

use crate::clock::Clock;
use crate::config::Config;
use crate::error::ServerError;
use crate::storage::seal::SealKey;
use crate::storage::server_key::{self, StoredKey};
use crate::verifier::Verifier;
use rusqlite::Connection;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

/// Everything a request handler needs.
pub struct State {
    db: Mutex<Connection>,
    /// Injected time.
    pub clock: Arc<dyn Clock>,
    /// Settings.
    pub config: Config,
    seal: SealKey,
    verifier: RwLock<Arc<KeyedVerifier>>,
    /// Woken whenever a sign-in changes state (long polls wait on it).
    pub changed: tokio::sync::Notify,
    /// Password hashes allowed to run at once (each takes a core for tens of milliseconds):
    /// half the cores, so a login flood leaves the rest to everyone else.
    pub hash_slots: tokio::sync::Semaphore,
}

impl State {
    /// Opens the state: creates the server key on first start.
    pub fn new(mut conn: Connection, seal: SealKey, clock: Arc<dyn Clock>, config: Config) -> Result<Arc<Self>, ServerError> {
        crate::storage::migrate::to_current(&mut conn, &seal)?;
        let stored = server_key::load_or_create(&conn, &seal, clock.now())?;
        let verifier = KeyedVerifier::new(stored, &config)?;
        Ok(Arc::new(State {
            db: Mutex::new(conn),
            clock,
            config,
            seal,
            verifier: RwLock::new(Arc::new(verifier)),
            changed: tokio::sync::Notify::new(),
            hash_slots: tokio::sync::Semaphore::new(hash_slots()),
        }))
    }

    /// The database connection. A poisoned lock (a panic mid-request) is recovered:
    /// SQLite's own transactions keep the data consistent.
    pub fn db(&self) -> MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Current time.
    pub fn now(&self) -> u64 {
        self.clock.now()
    }

    /// The protocol verifier with the current server key.
    pub fn verifier(&self) -> Arc<KeyedVerifier> {
        self.verifier.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Makes `stored` the current server key (after a rotation stored it).
    pub fn use_key(&self, stored: StoredKey) -> Result<Arc<KeyedVerifier>, ServerError> {
        let kv = Arc::new(KeyedVerifier::new(stored, &self.config)?);
        *self.verifier.write().unwrap_or_else(|p| p.into_inner()) = kv.clone();
        Ok(kv)
    }

    /// The sealing key (server key, enrollment secrets, offline passcode secrets).
    pub fn seal(&self) -> &SealKey {
        &self.seal
    }
}

/// A verifier and the row id of its server key.
pub struct KeyedVerifier {
    /// Row id in `server_keys`.
    pub key_id: i64,
    /// The protocol verifier.
    pub verifier: Verifier,
}

impl KeyedVerifier {
    /// A verifier for a stored key with this server's URL and issuer.
    pub fn new(stored: StoredKey, config: &Config) -> Result<Self, ServerError> {
        let verifier = Verifier::new(stored.key, &config.public_url, &config.issuer)
            .map_err(|e| ServerError::Config(format!("the public URL or issuer is not usable ({e}); use https:// (http only on 127.0.0.1)")))?;
        Ok(KeyedVerifier { key_id: stored.id, verifier })
    }
}

fn hash_slots() -> usize {
    std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1))
}
