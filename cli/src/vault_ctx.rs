//! Finding, creating and unlocking the vault for CLI commands.
//!
//! - Path: `--vault PATH` or `DUET_VAULT`, else `<data dir>/duet/vault.sqlite`
//!   (`~/.local/share/duet/vault.sqlite` on Linux).
//! - Unlocking: the kernel key cache (Linux), a given passphrase (`--passphrase-fd`, else
//!   `DUET_PASSPHRASE`), the key file (`DUET_KEY_FILE`, else `<config dir>/duet/keys/<vault id>.key`,
//!   never in the vault's folder), the system keyring, and last a passphrase prompt when stdin
//!   is a terminal ([`crate::passphrase_input`]).
//! - Creating (first command that needs a vault): `DUET_KEY_STORE=auto|keyring|key-file|passphrase`;
//!   `auto` picks the passphrase when one is given, else the system keyring when one answers,
//!   else a key file; `passphrase` without a given one asks twice on a terminal.

use crate::passphrase_input::{self, Prompted};
use crate::report;
use duet_core::keys::{self, KeyCache, KeyFile, KeyProvider, Passphrase, SlotUpgrade, Unlocked};
use duet_core::vault::{LockedVault, Vault, VaultEnv, VaultError};
use duet_core::ErrorCode;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;

static VAULT_PATH: OnceLock<Option<PathBuf>> = OnceLock::new();

/// Called once by `main` with the global `--vault` option (clap also reads `DUET_VAULT`).
pub fn set_path(path: Option<PathBuf>) {
    let _ = VAULT_PATH.set(path);
}

/// A CLI-level problem with the vault setup.
#[derive(Debug, thiserror::Error)]
pub enum CtxError {
    /// No data directory is known (no HOME).
    #[error("No home or data directory is known for this user; pass --vault PATH or set DUET_VAULT.")]
    NoDataDir,
    /// `DUET_KEY_STORE` has an unknown value.
    #[error("DUET_KEY_STORE must be auto, keyring, key-file or passphrase.")]
    BadKeyStore,
    /// `DUET_KEY_STORE=passphrase` without a passphrase, or an empty one typed.
    #[error("No passphrase was given: type it at the prompt, pass it with --passphrase-fd N or set DUET_PASSPHRASE.")]
    NoPassphrase,
    /// `--passphrase-fd` could not be read.
    #[error("The passphrase could not be read from file descriptor {fd}: {reason}; pass a descriptor open for reading whose first line is the passphrase.")]
    PassphraseFd {
        /// The descriptor number given.
        fd: i32,
        /// What went wrong (never the passphrase).
        reason: String,
    },
    /// The terminal prompt failed.
    #[error("The passphrase could not be read from the terminal ({reason}); pass it with --passphrase-fd N instead.")]
    PassphrasePrompt {
        /// The OS error kind.
        reason: String,
    },
    /// The new passphrase and its repetition differ.
    #[error("The two passphrases typed differ; run the command again.")]
    PassphraseMismatch,
}

impl ErrorCode for CtxError {
    fn code(&self) -> &'static str {
        match self {
            CtxError::NoDataDir => "E_CLI_NO_DATA_DIR",
            CtxError::BadKeyStore => "E_CLI_KEY_STORE",
            CtxError::NoPassphrase => "E_CLI_NO_PASSPHRASE",
            CtxError::PassphraseFd { .. } => "E_CLI_PASSPHRASE_FD",
            CtxError::PassphrasePrompt { .. } => "E_CLI_PASSPHRASE_PROMPT",
            CtxError::PassphraseMismatch => "E_CLI_PASSPHRASE_MISMATCH",
        }
    }
}

/// The vault path in use.
pub fn vault_path() -> Result<PathBuf, CtxError> {
    if let Some(Some(p)) = VAULT_PATH.get() {
        return Ok(p.clone());
    }
    Ok(dirs::data_dir().ok_or(CtxError::NoDataDir)?.join("duet").join("vault.sqlite"))
}

fn key_file_for(vault_id: &str, vault: &Path) -> Result<KeyFile, keys::KeyError> {
    let path = match std::env::var_os("DUET_KEY_FILE") {
        Some(p) => PathBuf::from(p),
        None => dirs::config_dir()
            .unwrap_or_else(|| PathBuf::from(".duet-config"))
            .join("duet")
            .join("keys")
            .join(format!("{vault_id}.key")),
    };
    KeyFile::for_vault(path, vault)
}

fn passphrase() -> Result<Option<Passphrase>, CtxError> {
    Ok(passphrase_input::given()?.map(Passphrase::new))
}

/// The kernel key cache when this machine has one and `DUET_KEY_CACHE` is not `off`.
fn cache() -> Option<Box<dyn KeyCache>> {
    if std::env::var("DUET_KEY_CACHE").is_ok_and(|v| v == "off") {
        return None;
    }
    #[cfg(target_os = "linux")]
    if keys::KernelKeyCache::available() {
        return Some(Box::new(keys::KernelKeyCache::new(15 * 60)));
    }
    None
}

/// Describes the cache for `doctor`.
pub fn cache_description() -> String {
    cache().map(|c| c.describe()).unwrap_or_else(|| "none".into())
}

/// An unlocked vault plus how it was unlocked.
pub struct Opened {
    /// The vault.
    pub vault: Vault,
    /// `cache`, `passphrase`, `key-file`, `keyring` (or `created`).
    pub unlocked_by: String,
    /// Where a key file lives, when the vault has a key-file slot.
    pub key_file: Option<PathBuf>,
}

/// Opens (or, with `create`, creates on first use) the vault; reports errors itself.
pub fn open(create: bool) -> Result<Opened, ExitCode> {
    let path = vault_path().map_err(|e| report::fail(&e))?;
    if !path.exists() && create {
        return create_vault(&path).map_err(|e| report::fail(&*e));
    }
    let locked = LockedVault::open(&path).map_err(|e| report::fail(&e))?;
    let key_file = key_file_for(locked.vault_id(), &path);
    let key_file_path = key_file.as_ref().ok().map(|k| k.path().to_path_buf());
    let pass = passphrase().map_err(|e| report::fail(&e))?;
    let mut providers: Vec<&dyn KeyProvider> = Vec::new();
    if let Some(p) = &pass {
        providers.push(p);
    }
    match &key_file {
        Ok(k) => providers.push(k),
        Err(e) if locked.key_slots().iter().any(|s| s.kind == "key-file") => return Err(report::fail(e)),
        Err(_) => {}
    }
    let keyring = duet_core::keys::OsKeyring;
    if locked.key_slots().iter().any(|s| s.kind == "keyring") {
        providers.push(&keyring);
    }
    let prompted = Prompted::default();
    if pass.is_none() && passphrase_input::can_prompt() && locked.key_slots().iter().any(|s| s.kind == "passphrase") {
        providers.push(&prompted);
    }
    let cache = cache();
    let Unlocked { vault, unlocked_by, slot_upgrade } =
        keys::unlock(locked, &providers, cache.as_deref(), VaultEnv::system()).map_err(|e| match prompted.take_error() {
            Some(prompt_err) => report::fail(&prompt_err),
            None => report::fail(&e),
        })?;
    if let SlotUpgrade::Failed(e) = slot_upgrade {
        eprintln!("warning: the {unlocked_by} key slot could not be re-wrapped at today's cost ({}: {e}); it still works and is retried next time", e.code());
    }
    let has_key_file = vault.key_slots().is_ok_and(|s| s.iter().any(|s| s.kind == "key-file"));
    Ok(Opened { vault, unlocked_by, key_file: key_file_path.filter(|_| has_key_file) })
}

fn create_vault(path: &Path) -> Result<Opened, Box<dyn ErrorCode>> {
    let store = std::env::var("DUET_KEY_STORE").unwrap_or_else(|_| "auto".into());
    let mut pass = passphrase().map_err(|e| Box::new(e) as Box<dyn ErrorCode>)?;
    let choice = match store.as_str() {
        "auto" if pass.is_some() => "passphrase",
        "auto" if duet_core::keys::OsKeyring::available() => "keyring",
        "auto" => "key-file",
        "passphrase" if pass.is_none() && passphrase_input::can_prompt() => {
            pass = Some(Passphrase::new(passphrase_input::prompt_new()?));
            "passphrase"
        }
        "passphrase" if pass.is_none() => return Err(Box::new(CtxError::NoPassphrase)),
        s @ ("keyring" | "key-file" | "passphrase") => s,
        _ => return Err(Box::new(CtxError::BadKeyStore)),
    };
    // The vault id names the key file, so it is chosen by Vault::create; a key file
    // provider needs the path first: use a provisional file named after the vault file,
    // which Vault::create fills.
    let env = VaultEnv::system();
    let (vault, key_file) = match choice {
        "passphrase" => (Vault::create(path, &[pass.as_ref().expect("checked above")], env).map_err(boxed)?, None),
        "keyring" => (Vault::create(path, &[&duet_core::keys::OsKeyring], env).map_err(boxed)?, None),
        _ => {
            let id = random_id();
            let kf = key_file_for(&id, path).map_err(|e| Box::new(e) as Box<dyn ErrorCode>)?;
            let v = Vault::create_with_id(path, &id, &[&kf], env).map_err(boxed)?;
            (v, Some(kf.path().to_path_buf()))
        }
    };
    match &key_file {
        Some(k) => eprintln!("created vault {} (key in {}; back up both)", path.display(), k.display()),
        None => eprintln!("created vault {} (key: {choice})", path.display()),
    }
    Ok(Opened { vault, unlocked_by: "created".into(), key_file })
}

fn random_id() -> String {
    let mut b = [0u8; 16];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut b).expect("OS random generator");
    hex::encode(b)
}

fn boxed(e: VaultError) -> Box<dyn ErrorCode> {
    Box::new(e)
}

/// The application layer on the opened (or, with `create`, created) vault, with this machine's
/// clock, randomness and HTTP client; device keys are software keys sealed in the vault.
pub fn open_app(create: bool) -> Result<duet_core::app::App, ExitCode> {
    let opened = open(create)?;
    let env = duet_core::app::AppEnv {
        clock: std::sync::Arc::new(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
        }),
        rng: std::sync::Arc::new(ring::rand::SystemRandom::new()),
        transport: std::sync::Arc::new(crate::http::UreqTransport),
        platform_keys: None,
        device: duet_core::push::DeviceInfo { name: hostname(), platform: "cli".into(), keystore: "software".into() },
    };
    Ok(duet_core::app::App::new(opened.vault, env))
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().chars().filter(|c| !c.is_control()).take(64).collect::<String>())
        .filter(|s| !s.is_empty())
        .map(|h| format!("duet CLI on {h}"))
        .unwrap_or_else(|| "duet CLI".into())
}
