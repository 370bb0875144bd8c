//! The encrypted vault on the phone: its 32-byte key comes from the app's Keystore/Keychain
//! through [`VaultKeyProvider`]; the core seals every record with it. The vault is opened as the
//! application ([`crate::app::DuetApp`]).

use std::sync::Arc;

use duet_core::keys::{AppKey, VaultKey};
use duet_core::vault::VaultEnv;

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

/// An OTP account as listed (no secret), or a damaged record in its place.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct StoredAccount {
    /// Record id; a damaged record is removed by it.
    pub id: String,
    /// Issuer.
    pub issuer: Option<String>,
    /// Account name; empty when `error_code` is set.
    pub name: String,
    /// `Issuer:name` (or the name alone without an issuer): what the code list shows; empty
    /// when `error_code` is set.
    pub label: String,
    /// Parameters; `None` when `error_code` is set.
    pub parameters: Option<OtpParameters>,
    /// Stable code when the record cannot be read (`E_VAULT_RECORD_CORRUPT`): show the row as
    /// damaged and offer to remove it.
    pub error_code: Option<String>,
}

pub(crate) fn env(clock: Arc<dyn Clock>) -> VaultEnv {
    let mut env = VaultEnv::system();
    // A clock callback that fails stamps records with 0 rather than failing the write.
    env.clock = Arc::new(move || unix_now(clock.as_ref()).unwrap_or(0));
    env
}

pub(crate) fn app_key(provider: &dyn VaultKeyProvider, path: &str) -> Result<AppKey, DuetError> {
    let bytes = zeroize::Zeroizing::new(provider.vault_key(path.to_string())?);
    Ok(AppKey(VaultKey::from_bytes(&bytes).map_err(duet_core::vault::VaultError::Key)?))
}
