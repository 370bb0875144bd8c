//! The duet reference server: push protocol endpoints, the sign-in API for
//! applications and the helpdesk page, on axum/tokio with SQLite storage.
//!
//! Module map: `db` schema; `users`, `devices`, `apps`, `admin`, `bypass`,
//! `signin` one table each; `keys` the sealed server key; `protocol` the
//! device-facing endpoints on the core's `verifier`; `api` the sign-in API;
//! `helpdesk` the HTML pages; `router` ties them to paths. Time comes from an
//! injected [`clock::Clock`] so tests control expiry, rate limits and mutes.

pub mod admin;
pub mod api;
pub mod apps;
pub mod bypass;
pub mod clock;
pub mod crypto;
pub mod db;
pub mod devices;
pub mod error;
pub mod extract;
pub mod helpdesk;
pub mod keys;
pub mod protocol;
pub mod router;
pub mod run;
pub mod signin;
pub mod users;

use clock::Clock;
use crypto::SealKey;
use error::ServerError;
use duet_core::verifier::Verifier;
use rusqlite::Connection;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

pub use router::build;

/// Settings of one server instance.
#[derive(Clone, Debug)]
pub struct Config {
    /// The base URL phones and browsers reach this server at (goes into enrollment links).
    pub public_url: String,
    /// Organisation name shown on the phone.
    pub issuer: String,
    /// How user names are matched.
    pub name_rules: users::NameRules,
    /// Push-fatigue and passcode limits.
    pub limits: signin::Limits,
    /// Enrollment lifetime in seconds.
    pub enrollment_ttl: u64,
    /// Largest request body accepted, bytes.
    pub max_body: usize,
    /// Set the `Secure` flag on cookies (when served over TLS).
    pub secure_cookies: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            public_url: "http://127.0.0.1:8440".into(),
            issuer: "duet".into(),
            name_rules: users::NameRules::default(),
            limits: signin::Limits::default(),
            enrollment_ttl: 15 * 60,
            max_body: 64 * 1024,
            secure_cookies: false,
        }
    }
}

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
}

impl State {
    /// Opens the state: creates the schema and, on first start, the server key.
    pub fn new(conn: Connection, seal: SealKey, clock: Arc<dyn Clock>, config: Config) -> Result<Arc<Self>, ServerError> {
        let stored = keys::load_or_create(&conn, &seal, clock.now())?;
        let verifier = KeyedVerifier::new(stored, &config)?;
        Ok(Arc::new(State {
            db: Mutex::new(conn),
            clock,
            config,
            seal,
            verifier: RwLock::new(Arc::new(verifier)),
            changed: tokio::sync::Notify::new(),
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

    /// The sealing key (server key, enrollment secrets, offline passcode secrets).
    pub fn seal(&self) -> &SealKey {
        &self.seal
    }

    /// Rotates the server key; returns the new public key. Devices get a rotation message
    /// signed by the key they trust with their next poll (see `protocol::poll`).
    pub fn rotate_key(&self) -> Result<Vec<u8>, ServerError> {
        let conn = self.db();
        let old = self.verifier();
        let new = keys::rotate(&conn, &self.seal, old.key_id, self.now())?;
        let kv = KeyedVerifier::new(new, &self.config)?;
        let public = kv.verifier.server_public_key();
        *self.verifier.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(kv);
        db::audit(&conn, self.now(), "server", "server_key_rotated", None, &protocol::fingerprint(&public))?;
        Ok(public)
    }
}

/// A verifier and the row id of its server key.
pub struct KeyedVerifier {
    /// Row id in `server_keys`.
    pub key_id: i64,
    /// The core's protocol verifier.
    pub verifier: Verifier,
}

impl KeyedVerifier {
    fn new(stored: keys::StoredKey, config: &Config) -> Result<Self, ServerError> {
        let verifier = Verifier::new(stored.key, &config.public_url, &config.issuer)
            .map_err(|e| ServerError::Config(format!("the public URL or issuer is not usable ({e}); use https:// (http only on 127.0.0.1)")))?;
        Ok(KeyedVerifier { key_id: stored.id, verifier })
    }
}
