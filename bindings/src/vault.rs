//! The encrypted vault on the phone. Its 32-byte key comes from the app's Keystore/Keychain
//! through [`VaultKeyProvider`]; the core seals every record with it.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use duet_core::keys::{self, AppKey, VaultKey};
use duet_core::vault::{LockedVault, RecordId, Vault, VaultEnv};

use crate::account::Account;
use crate::clock::{Clock, unix_now};
use crate::error::DuetError;
use crate::otp::OtpParameters;

/// Hands the vault key to the core. The app keeps it wrapped by a biometric-gated Keystore
/// (Android) or Keychain/Secure Enclave (iOS) key and unwraps it on request.
#[uniffi::export(with_foreign)]
pub trait VaultKeyProvider: Send + Sync {
    /// The 32-byte key of the vault file at `vault_path`. When the vault is being created the
    /// app makes 32 random bytes and stores them (wrapped) for this path. Throw
    /// `DuetError.Callback` when the key cannot be had (e.g. the user cancelled the prompt).
    fn vault_key(&self, vault_path: String) -> Result<Vec<u8>, DuetError>;
}

/// An OTP account as listed (no secret).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct StoredAccount {
    /// Record id.
    pub id: String,
    /// Issuer.
    pub issuer: Option<String>,
    /// Account name.
    pub name: String,
    /// Parameters.
    pub parameters: OtpParameters,
}

fn env(clock: Arc<dyn Clock>) -> VaultEnv {
    let mut env = VaultEnv::system();
    // A clock callback that fails stamps records with 0 rather than failing the write.
    env.clock = Arc::new(move || unix_now(clock.as_ref()).unwrap_or(0));
    env
}

fn app_key(provider: &dyn VaultKeyProvider, path: &str) -> Result<AppKey, DuetError> {
    let bytes = zeroize::Zeroizing::new(provider.vault_key(path.to_string())?);
    Ok(AppKey(VaultKey::from_bytes(&bytes).map_err(duet_core::vault::VaultError::Key)?))
}

/// An open vault. Safe to share between threads (calls are serialised).
#[derive(uniffi::Object)]
pub struct DuetVault {
    inner: Mutex<Vault>,
}

impl DuetVault {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Vault> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions), so a
        // poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[uniffi::export]
impl DuetVault {
    /// Creates a vault file at `path` (refused if a file is there), keyed by `provider`.
    #[uniffi::constructor]
    pub fn create(path: String, provider: Arc<dyn VaultKeyProvider>, clock: Arc<dyn Clock>) -> Result<Arc<Self>, DuetError> {
        let key = app_key(provider.as_ref(), &path)?;
        let vault = Vault::create_with_key(Path::new(&path), &key.0, &[&key], env(clock))?;
        Ok(Arc::new(DuetVault { inner: Mutex::new(vault) }))
    }

    /// Opens the vault at `path`, asking `provider` for its key.
    #[uniffi::constructor]
    pub fn open(path: String, provider: Arc<dyn VaultKeyProvider>, clock: Arc<dyn Clock>) -> Result<Arc<Self>, DuetError> {
        let locked = LockedVault::open(Path::new(&path))?;
        let key = app_key(provider.as_ref(), &path)?;
        let unlocked = keys::unlock(locked, &[&key], None, env(clock))?;
        Ok(Arc::new(DuetVault { inner: Mutex::new(unlocked.vault) }))
    }

    /// The vault's id (random, fixed at creation).
    pub fn vault_id(&self) -> String {
        self.lock().vault_id().to_string()
    }

    /// Stores an account; returns its record id.
    pub fn add_account(&self, account: Arc<Account>) -> Result<String, DuetError> {
        Ok(self.lock().add_otp(account.core())?.0)
    }

    /// Every account, in list order.
    pub fn accounts(&self) -> Result<Vec<StoredAccount>, DuetError> {
        Ok(self
            .lock()
            .otp_accounts()?
            .into_iter()
            .map(|s| StoredAccount {
                id: s.id.0,
                issuer: s.account.issuer.clone(),
                name: s.account.name.clone(),
                parameters: s.account.params.into(),
            })
            .collect())
    }

    /// One account by record id.
    pub fn account(&self, id: String) -> Result<Arc<Account>, DuetError> {
        Ok(Account::from_core(self.lock().otp_account(&RecordId(id))?.account))
    }

    /// Renames an account.
    pub fn rename_account(&self, id: String, issuer: Option<String>, name: String) -> Result<(), DuetError> {
        Ok(self.lock().rename_otp(&RecordId(id), issuer, name)?)
    }

    /// Deletes an account.
    pub fn remove_account(&self, id: String) -> Result<(), DuetError> {
        Ok(self.lock().remove_otp(&RecordId(id))?)
    }

    /// For a HOTP account: advances the stored counter and returns the account as it was used
    /// (its code is the one to show).
    pub fn next_hotp(&self, id: String) -> Result<Arc<Account>, DuetError> {
        Ok(Account::from_core(self.lock().next_hotp(&RecordId(id))?))
    }
}
