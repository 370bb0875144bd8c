//! The vault: an encrypted SQLite store of OTP and push accounts, HOTP counters,
//! seen push challenge ids and settings (design and threat model: docs/vault.md).
//!
//! - One SQLite file (bundled SQLite) in WAL mode with `secure_delete` on and
//!   `synchronous = FULL`; schema versions via `user_version` ([`schema`]).
//! - Every record is sealed with AES-256-GCM under the vault key with
//!   `duet-vault/v1/<table>/<record id>` as associated data ([`seal`]). Only ids,
//!   ordering and timestamps are stored in clear; account names, issuers, secrets,
//!   push state, settings and challenge ids are not.
//! - The key comes from a [`crate::keys::KeyProvider`]. Opening is two steps:
//!   [`LockedVault::open`] reads the clear header (vault id, key slots) and checks the
//!   file; [`LockedVault::unlock`] checks the key against a sealed check value before
//!   anything is written, so a wrong key changes nothing.
//! - Damage (`check.rs`, `rows.rs`): a record that does not open stays in lists as its id
//!   ([`DamagedRecord`]), never hiding the others, and is removed by id without decryption;
//!   every read of a table and every write first passes the same structural check, so nothing
//!   is written into a table a read refuses.
//! - Time and randomness come from a [`VaultEnv`].

mod check;
mod error;
mod record;
mod rows;
pub mod schema;
pub mod seal;

pub use error::VaultError;
pub use rows::{DamagedRecord, Entry, Problem, entry_id};

use crate::OtpAccount;
use crate::keys::{KeyProvider, KeySlot, VaultKey};
use crate::otp::OtpKind;
use ring::rand::SecureRandom;
use check::Checked;
use rows::{Row, Table};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params};
use seal::SealKey;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zeroize::Zeroizing;

const CHECK_PLAINTEXT: &[u8] = b"duet-vault-check-v1";

/// The random generator and clock a vault uses (injected so tests are deterministic).
#[derive(Clone)]
pub struct VaultEnv {
    /// Source of nonces, ids and keys.
    pub rng: Arc<dyn SecureRandom + Send + Sync>,
    /// Current Unix time in seconds.
    pub clock: Arc<dyn Fn() -> u64 + Send + Sync>,
}

impl VaultEnv {
    /// The operating system's random generator and clock.
    pub fn system() -> Self {
        VaultEnv {
            rng: Arc::new(ring::rand::SystemRandom::new()),
            clock: Arc::new(|| {
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
            }),
        }
    }
}

impl std::fmt::Debug for VaultEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VaultEnv")
    }
}

/// A record's id: 16 random bytes in lowercase hex. Stable for the record's life.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId(pub String);

impl std::fmt::Display for RecordId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An OTP account as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredOtp {
    /// Record id.
    pub id: RecordId,
    /// Sort position (list order).
    pub position: i64,
    /// When it was added (Unix seconds).
    pub created_at: u64,
    /// When it last changed (Unix seconds).
    pub updated_at: u64,
    /// The account.
    pub account: OtpAccount,
}

impl AsRef<RecordId> for StoredOtp {
    fn as_ref(&self) -> &RecordId {
        &self.id
    }
}

impl AsRef<RecordId> for StoredPush {
    fn as_ref(&self) -> &RecordId {
        &self.id
    }
}

impl StoredOtp {
    /// `Issuer:name`, or `name` without an issuer: how lists show and find it.
    pub fn label(&self) -> String {
        self.account.label()
    }
}

/// A push account as stored: an opaque payload owned by the push module that wrote it.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredPush {
    /// Record id.
    pub id: RecordId,
    /// Which module's state this is (e.g. `duet`, `privacyidea`).
    pub kind: String,
    /// Sort position.
    pub position: i64,
    /// When it was added.
    pub created_at: u64,
    /// When it last changed.
    pub updated_at: u64,
    /// The module's serialized state (wiped on drop).
    pub payload: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for StoredPush {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredPush")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("payload", &format_args!("{} bytes, redacted", self.payload.len()))
            .finish()
    }
}

/// The difference between this device's clock and a trusted one, as last observed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClockOffset {
    /// Trusted time minus local time, in seconds.
    pub offset_secs: i64,
    /// Where it was seen (e.g. `Date header of https://example.com`, `signed request`).
    pub source: String,
    /// Local Unix time of the observation.
    pub observed_at: u64,
}

/// What `doctor` reports about a vault's health.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Health {
    /// Schema version after opening.
    pub schema_version: u32,
    /// Schema version the file had before it was opened (and migrated).
    pub schema_version_found: u32,
    /// `ok`, or SQLite's first integrity complaint.
    pub integrity: String,
    /// OTP accounts stored.
    pub otp_accounts: usize,
    /// Push accounts stored.
    pub push_accounts: usize,
    /// Records that fail to decrypt or parse (should be 0).
    pub unreadable_records: usize,
    /// Each problem found, with its code, the record it concerns and what to do (empty: healthy).
    pub problems: Vec<Problem>,
    /// Seen challenge ids kept for replay protection.
    pub seen_challenges: usize,
    /// Kinds of the key slots.
    pub key_slots: Vec<String>,
}

/// A vault whose header has been read but whose key has not been checked yet.
pub struct LockedVault {
    conn: Connection,
    path: PathBuf,
    vault_id: String,
    check: Vec<u8>,
    slots: Vec<KeySlot>,
}

impl std::fmt::Debug for LockedVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LockedVault").field("path", &self.path).field("vault_id", &self.vault_id).finish()
    }
}

fn random_hex(rng: &dyn SecureRandom, n: usize) -> Result<String, VaultError> {
    let mut b = vec![0u8; n];
    rng.fill(&mut b).map_err(|_| VaultError::Key(crate::keys::KeyError::Random))?;
    Ok(hex::encode(b))
}

fn aad(table: &str, id: &str) -> Vec<u8> {
    format!("duet-vault/v1/{table}/{id}").into_bytes()
}

impl LockedVault {
    /// Opens an existing vault file and reads its clear header. Writes nothing.
    pub fn open(path: &Path) -> Result<Self, VaultError> {
        if !path.exists() {
            return Err(VaultError::Missing { path: path.to_path_buf() });
        }
        schema::check_file(path)?;
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| VaultError::Open { path: path.to_path_buf(), reason: e.to_string() })?;
        Self::read_header(conn, path).map_err(|e| e.at(path))
    }

    fn read_header(conn: Connection, path: &Path) -> Result<Self, VaultError> {
        schema::configure(&conn)?;
        let version = schema::version(&conn)?;
        if version == 0 {
            return Err(VaultError::NotAVault { path: path.to_path_buf() });
        }
        if version > schema::CURRENT_VERSION {
            return Err(VaultError::TooNew { found: version, supported: schema::CURRENT_VERSION });
        }
        let meta = |name: &str| -> Result<Vec<u8>, VaultError> {
            conn.query_row("SELECT value FROM meta WHERE name = ?1", [name], |r| r.get::<_, Vec<u8>>(0))
                .optional()
                .map_err(|e| match VaultError::from(e) {
                    VaultError::Storage { .. } => VaultError::NotAVault { path: path.to_path_buf() },
                    other => other,
                })?
                .ok_or_else(|| VaultError::Corrupt { path: path.to_path_buf(), reason: format!("missing {name}") })
        };
        let vault_id = String::from_utf8(meta("vault_id")?)
            .map_err(|_| VaultError::Corrupt { path: path.to_path_buf(), reason: "bad vault id".into() })?;
        let check = meta("check")?;
        let slots = {
            let mut st = conn.prepare("SELECT kind, params, wrapped FROM key_slots ORDER BY id")?;
            st.query_map([], |r| Ok(KeySlot { kind: r.get(0)?, params: r.get(1)?, wrapped: r.get(2)? }))?
                .collect::<Result<Vec<_>, _>>()?
        };
        Ok(LockedVault { conn, path: path.to_path_buf(), vault_id, check, slots })
    }

    /// The vault's id (random, in clear; names its OS keyring entry and key file).
    pub fn vault_id(&self) -> &str {
        &self.vault_id
    }

    /// The key slots: how this vault can be unlocked.
    pub fn key_slots(&self) -> &[KeySlot] {
        &self.slots
    }

    /// The schema version of the file as it is.
    pub fn schema_version(&self) -> Result<u32, VaultError> {
        schema::version(&self.conn)
    }

    /// True when `key` opens this vault's check value.
    pub fn check_key(&self, key: &VaultKey) -> bool {
        key.seal_key().open(&aad("check", &self.vault_id), &self.check).is_ok_and(|p| p[..] == *CHECK_PLAINTEXT)
    }

    /// Checks the key, then migrates the schema to the current version.
    pub fn unlock(mut self, key: &VaultKey, env: VaultEnv) -> Result<Vault, VaultError> {
        if !self.check_key(key) {
            return Err(VaultError::WrongKey);
        }
        let found = schema::migrate(&mut self.conn).map_err(|e| e.at(&self.path))?;
        Ok(Vault {
            conn: self.conn,
            path: self.path,
            vault_id: self.vault_id,
            key: key.seal_key(),
            mac_key: mac_key(key),
            env,
            schema_found: found,
        })
    }
}

/// A separate key for the keyed hashes of seen challenge ids.
fn mac_key(key: &VaultKey) -> ring::hmac::Key {
    let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key.expose());
    let derived = ring::hmac::sign(&k, b"duet-vault/v1/challenge-tag-key");
    ring::hmac::Key::new(ring::hmac::HMAC_SHA256, derived.as_ref())
}

/// An open, unlocked vault.
pub struct Vault {
    conn: Connection,
    path: PathBuf,
    vault_id: String,
    key: SealKey,
    mac_key: ring::hmac::Key,
    env: VaultEnv,
    schema_found: u32,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").field("path", &self.path).field("vault_id", &self.vault_id).finish()
    }
}

impl Vault {
    /// Creates a new vault at `path` with a fresh random key enrolled with every
    /// provider in `providers` (at least one). The file is built under a temporary name
    /// and renamed into place, so a crash never leaves a half-made vault at `path`.
    pub fn create(path: &Path, providers: &[&dyn KeyProvider], env: VaultEnv) -> Result<Vault, VaultError> {
        let key = VaultKey::generate(&*env.rng)?;
        Self::create_with_key(path, &key, providers, env)
    }

    /// Like [`Vault::create`] with a vault id chosen by the caller (32 lowercase hex
    /// digits), for providers whose location depends on the id (the CLI's key file).
    pub fn create_with_id(path: &Path, vault_id: &str, providers: &[&dyn KeyProvider], env: VaultEnv) -> Result<Vault, VaultError> {
        let key = VaultKey::generate(&*env.rng)?;
        Self::create_inner(path, Some(vault_id), &key, providers, env)
    }

    /// Like [`Vault::create`] with a key the caller made (the mobile apps generate the
    /// key, wrap it with Keystore/Keychain and enroll it with [`crate::keys::AppKey`]).
    pub fn create_with_key(
        path: &Path,
        key: &VaultKey,
        providers: &[&dyn KeyProvider],
        env: VaultEnv,
    ) -> Result<Vault, VaultError> {
        Self::create_inner(path, None, key, providers, env)
    }

    fn create_inner(
        path: &Path,
        vault_id: Option<&str>,
        key: &VaultKey,
        providers: &[&dyn KeyProvider],
        env: VaultEnv,
    ) -> Result<Vault, VaultError> {
        if path.exists() {
            return Err(VaultError::Open { path: path.to_path_buf(), reason: "a file already exists there".into() });
        }
        if providers.is_empty() {
            return Err(VaultError::Key(crate::keys::KeyError::NoProvider { kinds: "none".into() }));
        }
        let open_err = |e: &dyn std::fmt::Display| VaultError::Open { path: path.to_path_buf(), reason: e.to_string() };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let mut b = std::fs::DirBuilder::new();
            b.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
            b.create(dir).map_err(|e| open_err(&e))?;
        }
        let vault_id = match vault_id {
            Some(id) if id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) => id.to_string(),
            Some(_) => return Err(VaultError::Open { path: path.to_path_buf(), reason: "invalid vault id".into() }),
            None => random_hex(&*env.rng, 16)?,
        };
        let mut slots = Vec::new();
        for p in providers {
            slots.push(p.enroll(&vault_id, key, &*env.rng)?);
        }
        let tmp = path.with_file_name(format!(
            ".{}.creating-{}",
            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            random_hex(&*env.rng, 4)?
        ));
        let build = || -> Result<(), VaultError> {
            let mut conn = Connection::open(&tmp).map_err(|e| open_err(&e))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600)).map_err(|e| open_err(&e))?;
            }
            conn.pragma_update(None, "journal_mode", "WAL")?;
            schema::configure(&conn)?;
            schema::migrate(&mut conn)?;
            let now = (env.clock)() as i64;
            let check = key.seal_key().seal(&*env.rng, &aad("check", &vault_id), CHECK_PLAINTEXT).map_err(seal_err)?;
            let tx = conn.transaction()?;
            tx.execute("INSERT INTO meta(name, value) VALUES ('vault_id', ?1)", [vault_id.as_bytes()])?;
            tx.execute("INSERT INTO meta(name, value) VALUES ('check', ?1)", [&check])?;
            tx.execute("INSERT INTO meta(name, value) VALUES ('created_at', ?1)", [now.to_string().as_bytes()])?;
            for s in &slots {
                tx.execute(
                    "INSERT INTO key_slots(kind, params, wrapped, created_at) VALUES (?1, ?2, ?3, ?4)",
                    params![s.kind, s.params, s.wrapped, now],
                )?;
            }
            tx.commit()?;
            conn.close().map_err(|(_, e)| VaultError::from(e))?;
            Ok(())
        };
        if let Err(e) = build() {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        std::fs::rename(&tmp, path).map_err(|e| open_err(&e))?;
        LockedVault::open(path)?.unlock(key, env)
    }

    /// The vault's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The vault's id.
    pub fn vault_id(&self) -> &str {
        &self.vault_id
    }

    fn now(&self) -> i64 {
        (self.env.clock)() as i64
    }

    fn new_id(&self) -> Result<RecordId, VaultError> {
        Ok(RecordId(random_hex(&*self.env.rng, 16)?))
    }

    fn seal(&self, table: &str, id: &RecordId, plaintext: &[u8]) -> Result<Vec<u8>, VaultError> {
        self.key.seal(&*self.env.rng, &aad(table, &id.0), plaintext).map_err(seal_err)
    }

    fn open_record(&self, table: &str, id: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        self.key.open(&aad(table, id), sealed).map_err(|_| VaultError::RecordCorrupt { id: id.into() })
    }

    fn storage<T>(&self, r: Result<T, rusqlite::Error>) -> Result<T, VaultError> {
        r.map_err(|e| VaultError::from(e).at(&self.path))
    }

    /// Runs `f` in one IMMEDIATE transaction after `table` passed the same check reads meet, so a
    /// write never lands in a table a read would refuse; any error rolls everything back.
    fn write<T>(&self, table: Checked, f: impl FnOnce(&Transaction) -> Result<T, VaultError>) -> Result<T, VaultError> {
        let r = (|| {
            let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
            check::table(&tx, table)?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })();
        r.map_err(|e: VaultError| e.at(&self.path))
    }

    /// Every row of a record table in list order, after the table passed its check.
    fn rows(&self, table: Table) -> Result<Vec<Row>, VaultError> {
        check::table(&self.conn, table.checked()).map_err(|e| e.at(&self.path))?;
        let r = (|| {
            let mut st = self.conn.prepare_cached(table.select_sql())?;
            st.query_map([], Row::read)?.collect::<Result<Vec<_>, _>>()
        })();
        self.storage(r)
    }

    // ---- OTP accounts ----

    /// Adds an OTP account at the end of the list.
    pub fn add_otp(&mut self, account: &OtpAccount) -> Result<RecordId, VaultError> {
        let plain = record::encode(account);
        self.append_sealed(Table::Otp, &[plain.as_slice()]).map(first)
    }

    /// Adds several OTP accounts in one transaction (an import is all or nothing).
    pub fn add_otps(&mut self, accounts: &[OtpAccount]) -> Result<Vec<RecordId>, VaultError> {
        let plains: Vec<_> = accounts.iter().map(record::encode).collect();
        let refs: Vec<&[u8]> = plains.iter().map(|p| p.as_slice()).collect();
        self.append_sealed(Table::Otp, &refs)
    }

    /// Seals each plaintext under a new id and appends the rows to `table` in one
    /// transaction, after the last position.
    fn append_sealed(&mut self, table: Table, plains: &[&[u8]]) -> Result<Vec<RecordId>, VaultError> {
        let mut rows = Vec::with_capacity(plains.len());
        for plain in plains {
            let id = self.new_id()?;
            let sealed = self.seal(table.aad_name(), &id, plain)?;
            rows.push((id, sealed));
        }
        let now = self.now();
        self.write(table.checked(), |tx| {
            let mut st = tx.prepare(table.append_sql())?;
            for (id, sealed) in &rows {
                st.execute(params![id.0, now, sealed])?;
            }
            Ok(())
        })?;
        Ok(rows.into_iter().map(|(id, _)| id).collect())
    }

    /// Every OTP account in list order. A record that fails to decrypt is an error naming it,
    /// never silently skipped ([`Vault::otp_entries`] lists the others beside it).
    pub fn otp_accounts(&self) -> Result<Vec<StoredOtp>, VaultError> {
        self.otp_entries()?.into_iter().map(|e| e.map_err(|d| d.error())).collect()
    }

    /// Every OTP record in list order: the account, or the damaged record's id in its place, so
    /// one damaged record never hides the others.
    pub fn otp_entries(&self) -> Result<Vec<Entry<StoredOtp>>, VaultError> {
        Ok(self.rows(Table::Otp)?.into_iter().map(|row| self.decode_otp(row)).collect())
    }

    fn decode_otp(&self, row: Row) -> Entry<StoredOtp> {
        let account = self.open_record("otp", &row.id, &row.sealed).ok().and_then(|p| record::decode(&p));
        match account {
            Some(account) => Ok(StoredOtp {
                id: RecordId(row.id),
                position: row.position,
                created_at: row.created_at as u64,
                updated_at: row.updated_at as u64,
                account,
            }),
            None => Err(row.damaged()),
        }
    }

    /// One OTP account by id.
    pub fn otp_account(&self, id: &RecordId) -> Result<StoredOtp, VaultError> {
        self.otp_entries()?
            .into_iter()
            .find(|e| entry_id(e) == id)
            .ok_or_else(|| VaultError::NotFound { query: id.0.clone() })?
            .map_err(|d| d.error())
    }

    /// Finds one OTP account by id, `Issuer:name`, name, issuer, or a part of
    /// `Issuer:name` (case-insensitive, in that order of preference). Several matches
    /// at the best level is an error.
    pub fn find_otp(&self, query: &str) -> Result<StoredOtp, VaultError> {
        self.find_otp_entry(query)?.map_err(|d| d.error())
    }

    /// Like [`Vault::find_otp`], but an id also finds a damaged record (which can then be
    /// removed by that id without being decrypted).
    pub fn find_otp_entry(&self, query: &str) -> Result<Entry<StoredOtp>, VaultError> {
        let entries = self.otp_entries()?;
        if let Some(e) = entries.iter().find(|e| entry_id(e).0 == query) {
            return Ok(e.clone());
        }
        let all: Vec<&StoredOtp> = entries.iter().filter_map(|e| e.as_ref().ok()).collect();
        let q = query.to_lowercase();
        let tiers: [&dyn Fn(&StoredOtp) -> bool; 4] = [
            &|a| a.label().to_lowercase() == q,
            &|a| a.account.name.to_lowercase() == q,
            &|a| a.account.issuer.as_deref().is_some_and(|i| i.to_lowercase() == q),
            &|a| !q.is_empty() && a.label().to_lowercase().contains(&q),
        ];
        for matches in tiers {
            let hits: Vec<&&StoredOtp> = all.iter().filter(|a| matches(a)).collect();
            match hits.len() {
                0 => continue,
                1 => return Ok(Ok((*hits[0]).clone())),
                n => return Err(VaultError::Ambiguous { query: query.into(), count: n }),
            }
        }
        Err(VaultError::NotFound { query: query.into() })
    }

    /// Replaces an OTP account's contents (labels, parameters, secret).
    pub fn update_otp(&mut self, id: &RecordId, account: &OtpAccount) -> Result<(), VaultError> {
        let sealed = self.seal("otp", id, &record::encode(account))?;
        let now = self.now();
        self.write(Checked::Otp, |tx| {
            let n = tx.execute("UPDATE otp_accounts SET sealed = ?1, updated_at = ?2 WHERE id = ?3", params![sealed, now, id.0])?;
            if n == 0 {
                return Err(VaultError::NotFound { query: id.0.clone() });
            }
            Ok(())
        })
    }

    /// Changes issuer and name.
    pub fn rename_otp(&mut self, id: &RecordId, issuer: Option<String>, name: String) -> Result<(), VaultError> {
        let mut a = self.otp_account(id)?.account;
        a.issuer = issuer;
        a.name = name;
        self.update_otp(id, &a)
    }

    /// Puts the OTP accounts in the order of `ids`, which must name every stored account exactly
    /// once (a list from before an add or remove is refused, so no account is moved by guess).
    pub fn reorder_otps(&mut self, ids: &[RecordId]) -> Result<(), VaultError> {
        self.write(Checked::Otp, |tx| {
            let stored: i64 = tx.query_row("SELECT count(*) FROM otp_accounts", [], |r| r.get(0))?;
            let mut changed = 0usize;
            {
                let mut st = tx.prepare("UPDATE otp_accounts SET position = ?1 WHERE id = ?2")?;
                for (pos, id) in ids.iter().enumerate() {
                    changed += st.execute(params![pos as i64, id.0])?;
                }
            }
            let mut unique: Vec<&RecordId> = ids.iter().collect();
            unique.sort();
            unique.dedup();
            if changed != ids.len() || unique.len() != ids.len() || stored != ids.len() as i64 {
                return Err(VaultError::NotFound { query: "the account list changed; refresh it".into() });
            }
            Ok(())
        })
    }

    /// Removes an OTP account by id, damaged or not (nothing is decrypted); its pages are
    /// zeroed (`secure_delete`).
    pub fn remove_otp(&mut self, id: &RecordId) -> Result<(), VaultError> {
        self.remove_row(Table::Otp, id)
    }

    fn remove_row(&mut self, table: Table, id: &RecordId) -> Result<(), VaultError> {
        self.write(table.checked(), |tx| {
            if tx.execute(table.delete_sql(), [&id.0])? == 0 {
                return Err(VaultError::NotFound { query: id.0.clone() });
            }
            Ok(())
        })
    }

    /// Reserves the next HOTP counter: the stored counter is advanced and committed
    /// (fsync'd) *before* this returns the account with the counter to use, so a code
    /// is only ever computed for a counter that can never be handed out again, even
    /// if the process dies right after.
    pub fn next_hotp(&mut self, id: &RecordId) -> Result<OtpAccount, VaultError> {
        let now = self.now();
        // Read and write in one IMMEDIATE transaction: no other writer can advance
        // the counter between the read and the write.
        self.write(Checked::Otp, |tx| {
            let sealed: Option<Vec<u8>> = tx
                // A sealed value of the wrong type is a damaged record, not a storage failure.
                .query_row("SELECT sealed FROM otp_accounts WHERE id = ?1", [&id.0], |r| {
                    Ok(r.get_ref(0)?.as_blob().map(<[u8]>::to_vec).unwrap_or_default())
                })
                .optional()?;
            let sealed = sealed.ok_or_else(|| VaultError::NotFound { query: id.0.clone() })?;
            let corrupt = || VaultError::RecordCorrupt { id: id.0.clone() };
            let plain = self.open_record("otp", &id.0, &sealed)?;
            let mut account = record::decode(&plain).ok_or_else(corrupt)?;
            let OtpKind::Hotp { counter } = account.params.kind else {
                return Err(VaultError::NotHotp);
            };
            let next = counter.checked_add(1).ok_or(VaultError::CounterExhausted)?;
            account.params.kind = OtpKind::Hotp { counter: next };
            let resealed = self.seal("otp", id, &record::encode(&account))?;
            tx.execute("UPDATE otp_accounts SET sealed = ?1, updated_at = ?2 WHERE id = ?3", params![resealed, now, id.0])?;
            account.params.kind = OtpKind::Hotp { counter };
            Ok(account)
        })
    }

    // ---- push accounts (opaque payloads owned by the push modules) ----

    /// Stores a new push account: `kind` names the module (`duet`, `privacyidea`),
    /// `payload` is its serialized state. Both are sealed.
    pub fn put_push_account(&mut self, kind: &str, payload: &[u8]) -> Result<RecordId, VaultError> {
        let plain = push_plain(kind, payload);
        self.append_sealed(Table::Push, &[&plain[..]]).map(first)
    }

    /// Every push account in list order; a damaged record is an error naming it.
    pub fn push_accounts(&self) -> Result<Vec<StoredPush>, VaultError> {
        self.push_entries()?.into_iter().map(|e| e.map_err(|d| d.error())).collect()
    }

    /// Every push record in list order, a damaged one as its id in its place.
    pub fn push_entries(&self) -> Result<Vec<Entry<StoredPush>>, VaultError> {
        Ok(self.rows(Table::Push)?.into_iter().map(|row| self.decode_push(row)).collect())
    }

    fn decode_push(&self, row: Row) -> Entry<StoredPush> {
        match self.open_record("push", &row.id, &row.sealed).ok().and_then(|p| split_push(&p)) {
            Some((kind, payload)) => Ok(StoredPush {
                id: RecordId(row.id),
                kind,
                position: row.position,
                created_at: row.created_at as u64,
                updated_at: row.updated_at as u64,
                payload,
            }),
            None => Err(row.damaged()),
        }
    }

    /// One push account by id.
    pub fn push_account(&self, id: &RecordId) -> Result<StoredPush, VaultError> {
        self.push_entries()?
            .into_iter()
            .find(|e| entry_id(e) == id)
            .ok_or_else(|| VaultError::NotFound { query: id.0.clone() })?
            .map_err(|d| d.error())
    }

    /// Replaces a push account's payload (its kind stays).
    pub fn update_push_account(&mut self, id: &RecordId, payload: &[u8]) -> Result<(), VaultError> {
        let kind = self.push_account(id)?.kind;
        let sealed = self.seal("push", id, &push_plain(&kind, payload))?;
        let now = self.now();
        self.write(Checked::Push, |tx| {
            tx.execute("UPDATE push_accounts SET sealed = ?1, updated_at = ?2 WHERE id = ?3", params![sealed, now, id.0])?;
            Ok(())
        })
    }

    /// Removes a push account by id, damaged or not (nothing is decrypted).
    pub fn remove_push_account(&mut self, id: &RecordId) -> Result<(), VaultError> {
        self.remove_row(Table::Push, id)
    }

    // ---- replay store ----

    fn challenge_tag(&self, scope: &str, challenge_id: &str) -> Vec<u8> {
        let mut ctx = ring::hmac::Context::with_key(&self.mac_key);
        ctx.update(&(scope.len() as u64).to_be_bytes());
        ctx.update(scope.as_bytes());
        ctx.update(challenge_id.as_bytes());
        ctx.sign().as_ref()[..16].to_vec()
    }

    /// Records a challenge id as answered within `scope` (a push account id). Returns
    /// `true` the first time and `false` for a replay (insert-if-absent, atomic). Ids
    /// are stored only as keyed hashes, so the file does not reveal them; `keep_until` tells
    /// when the entry may be pruned (the `expires_at` column holds it).
    pub fn mark_challenge_seen(&mut self, scope: &str, challenge_id: &str, keep_until: i64) -> Result<bool, VaultError> {
        let tag = self.challenge_tag(scope, challenge_id);
        let n = self.write(Checked::SeenChallenges, |tx| {
            Ok(tx.execute("INSERT OR IGNORE INTO seen_challenges(tag, expires_at) VALUES (?1, ?2)", params![tag, keep_until])?)
        })?;
        Ok(n == 1)
    }

    /// True when the challenge id was already recorded in `scope`.
    pub fn challenge_seen(&self, scope: &str, challenge_id: &str) -> Result<bool, VaultError> {
        let tag = self.challenge_tag(scope, challenge_id);
        // A damaged table could miss a tag and let a replay through: it is checked like a write.
        check::table(&self.conn, Checked::SeenChallenges).map_err(|e| e.at(&self.path))?;
        self.storage(
            self.conn
                .query_row("SELECT 1 FROM seen_challenges WHERE tag = ?1", [tag], |_| Ok(()))
                .optional()
                .map(|o| o.is_some()),
        )
    }

    /// Forgets ids kept until before `now` (such requests are refused by their expiry anyway).
    pub fn prune_challenges(&mut self, now: i64) -> Result<usize, VaultError> {
        self.write(Checked::SeenChallenges, |tx| Ok(tx.execute("DELETE FROM seen_challenges WHERE expires_at < ?1", [now])?))
    }

    // ---- settings ----

    /// Stores a setting (sealed).
    pub fn set_setting(&mut self, name: &str, value: &[u8]) -> Result<(), VaultError> {
        let sealed = self.key.seal(&*self.env.rng, &aad("setting", name), value).map_err(seal_err)?;
        let now = self.now();
        self.write(Checked::Settings, |tx| {
            tx.execute(
                "INSERT INTO settings(name, updated_at, sealed) VALUES (?1, ?2, ?3)
                 ON CONFLICT(name) DO UPDATE SET updated_at = excluded.updated_at, sealed = excluded.sealed",
                params![name, now, sealed],
            )?;
            Ok(())
        })
    }

    /// Reads a setting.
    pub fn setting(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, VaultError> {
        check::table(&self.conn, Checked::Settings).map_err(|e| e.at(&self.path))?;
        let sealed = self.storage(
            self.conn
                .query_row("SELECT sealed FROM settings WHERE name = ?1", [name], |r| r.get::<_, Vec<u8>>(0))
                .optional(),
        )?;
        sealed.map(|s| self.open_record("setting", name, &s)).transpose()
    }

    /// Remembers the clock offset last observed.
    pub fn set_clock_offset(&mut self, offset: &ClockOffset) -> Result<(), VaultError> {
        self.set_setting("clock_offset", &serde_json::to_vec(offset).expect("plain struct serializes"))
    }

    /// The clock offset last observed, if any. A damaged observation counts as none: it is
    /// a hint, not an account, and the next signed request writes a fresh one over it.
    pub fn clock_offset(&self) -> Result<Option<ClockOffset>, VaultError> {
        match self.setting("clock_offset") {
            Ok(b) => Ok(b.and_then(|b| serde_json::from_slice(&b).ok())),
            Err(VaultError::RecordCorrupt { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    // ---- keys and health ----

    /// The key slots.
    pub fn key_slots(&self) -> Result<Vec<KeySlot>, VaultError> {
        let r = (|| {
            let mut st = self.conn.prepare("SELECT kind, params, wrapped FROM key_slots ORDER BY id")?;
            st.query_map([], |r| Ok(KeySlot { kind: r.get(0)?, params: r.get(1)?, wrapped: r.get(2)? }))?
                .collect::<Result<Vec<_>, _>>()
        })();
        self.storage(r)
    }

    /// Adds a key slot (another way to unlock the same vault key).
    pub fn add_key_slot(&mut self, slot: &KeySlot) -> Result<(), VaultError> {
        let now = self.now();
        self.write(Checked::KeySlots, |tx| {
            tx.execute(
                "INSERT INTO key_slots(kind, params, wrapped, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![slot.kind, slot.params, slot.wrapped, now],
            )?;
            Ok(())
        })
    }

    /// Replaces the slot `old` by `new` (a re-wrap of the same key) in one transaction, so a
    /// crash leaves either slot, never neither. Nothing happens when `old` is no longer there
    /// (another process replaced it first).
    pub fn replace_key_slot(&mut self, old: &KeySlot, new: &KeySlot) -> Result<(), VaultError> {
        let now = self.now();
        self.write(Checked::KeySlots, |tx| {
            tx.execute(
                "UPDATE key_slots SET kind = ?1, params = ?2, wrapped = ?3, created_at = ?4 \
                 WHERE kind = ?5 AND params = ?6 AND wrapped = ?7",
                params![new.kind, new.params, new.wrapped, now, old.kind, old.params, old.wrapped],
            )?;
            Ok(())
        })
    }

    /// Runs SQLite's full integrity check and opens every record. Damage is reported in
    /// [`Health::problems`], one entry per problem, rather than as an error, so the report
    /// exists exactly when it is needed.
    pub fn health(&self) -> Result<Health, VaultError> {
        let integrity = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
            .map(|r| check::first_complaint(&r))
            .unwrap_or_else(|e| e.to_string());
        let mut problems = Vec::new();
        if integrity != "ok" {
            problems.push(Problem::of(&VaultError::Corrupt { path: self.path.clone(), reason: integrity.clone() }, None));
        }
        let mut stored = [0usize; 2];
        for (n, table) in stored.iter_mut().zip([Table::Otp, Table::Push]) {
            let rows = match self.rows(table) {
                Ok(rows) => rows,
                // A malformed file is one problem, already reported by the integrity check.
                Err(VaultError::Corrupt { .. }) if integrity != "ok" => continue,
                Err(e) => {
                    problems.push(Problem::of(&e, None));
                    continue;
                }
            };
            *n = rows.len();
            for row in rows {
                let damaged = match table {
                    Table::Otp => self.decode_otp(row).err(),
                    Table::Push => self.decode_push(row).err(),
                };
                if let Some(d) = damaged {
                    problems.push(Problem::of(&d.error(), Some(&d.id)));
                }
            }
        }
        let seen_challenges: i64 = self.conn.query_row("SELECT COUNT(*) FROM seen_challenges", [], |r| r.get(0)).unwrap_or(0);
        Ok(Health {
            schema_version: schema::version(&self.conn)?,
            schema_version_found: self.schema_found,
            integrity,
            otp_accounts: stored[0],
            push_accounts: stored[1],
            unreadable_records: problems.iter().filter(|p| p.record.is_some()).count(),
            seen_challenges: seen_challenges as usize,
            key_slots: self.key_slots()?.into_iter().map(|s| s.kind).collect(),
            problems,
        })
    }
}

fn seal_err(_: seal::SealError) -> VaultError {
    VaultError::Key(crate::keys::KeyError::Random)
}

/// `len(kind) as u8 || kind || payload`.
fn push_plain(kind: &str, payload: &[u8]) -> Zeroizing<Vec<u8>> {
    let kind = &kind.as_bytes()[..kind.len().min(255)];
    let mut v = Zeroizing::new(Vec::with_capacity(1 + kind.len() + payload.len()));
    v.push(kind.len() as u8);
    v.extend_from_slice(kind);
    v.extend_from_slice(payload);
    v
}

fn split_push(plain: &[u8]) -> Option<(String, Zeroizing<Vec<u8>>)> {
    let (&n, rest) = plain.split_first()?;
    let n = n as usize;
    if rest.len() < n {
        return None;
    }
    let kind = std::str::from_utf8(&rest[..n]).ok()?.to_string();
    Some((kind, Zeroizing::new(rest[n..].to_vec())))
}

/// The one id of a one-row append (`append_sealed` returns one id per plaintext).
fn first(mut ids: Vec<RecordId>) -> RecordId {
    ids.swap_remove(0)
}

