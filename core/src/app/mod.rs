//! The application layer: the one API the desktop CLI and the Android and iOS apps use.
//!
//! [`App`] owns an unlocked vault and the effects the platform supplies ([`AppEnv`]: clock,
//! randomness, HTTP transport, platform keystore). It decides what the front ends must never
//! decide for themselves: how push accounts are stored ([`records`]), the order enroll → store
//! and poll → record the answer → send, the replay memory ([`replay`]), multi-QR transfer scans
//! ([`scan`]) and the code list ([`codes`]). Front ends convert and present.
//!
//! Map: [`accounts`] OTP accounts and scanned text · [`codes`] the code list · [`push`] push
//! accounts and requests · [`records`] storage kinds · [`signing`] device keys and the two-step
//! answer · [`replay`] answered ids in the vault · [`scan`] what a text is · [`error`].

pub mod accounts;
pub mod codes;
pub mod error;
pub mod push;
pub mod records;
pub mod replay;
pub mod scan;
pub mod signing;

use std::sync::Arc;

use ring::rand::SecureRandom;

use crate::migration::Batch;
use crate::push::DeviceInfo;
use crate::transport::HttpTransport;
use crate::vault::Vault;

pub use codes::CodeView;
pub use error::AppError;
pub use signing::{KeyPurpose, PlatformKey, PlatformKeys};

/// What the platform supplies. Injected so tests run on a manual clock, fixed randomness and an
/// in-process server.
#[derive(Clone)]
pub struct AppEnv {
    /// Current Unix time in seconds.
    pub clock: Arc<dyn Fn() -> i64 + Send + Sync>,
    /// Randomness for software keys.
    pub rng: Arc<dyn SecureRandom + Send + Sync>,
    /// Every HTTP call of push and privacyIDEA flows goes through it.
    pub transport: Arc<dyn HttpTransport + Send + Sync>,
    /// The platform keystore; `None` keeps new device keys as software keys in the vault.
    pub platform_keys: Option<Arc<dyn PlatformKeys>>,
    /// How this device describes itself when it enrolls.
    pub device: DeviceInfo,
}

impl std::fmt::Debug for AppEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppEnv").field("device", &self.device).finish_non_exhaustive()
    }
}

/// The application: an unlocked vault and its effects.
pub struct App {
    vault: Vault,
    env: AppEnv,
    codes: codes::CodeList,
    transfer: Option<Batch>,
    waiting: Vec<push::Waiting>,
    prepared: Vec<push::Prepared>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("vault", &self.vault.vault_id()).finish_non_exhaustive()
    }
}

impl App {
    /// The application on an unlocked vault.
    pub fn new(vault: Vault, env: AppEnv) -> Self {
        App { vault, env, codes: codes::CodeList::default(), transfer: None, waiting: Vec::new(), prepared: Vec::new() }
    }

    /// The vault, for what the application layer does not wrap (key slots, health, settings).
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// The vault, mutable. Drops the cached code list, since the caller may change accounts.
    pub fn vault_mut(&mut self) -> &mut Vault {
        self.codes.invalidate();
        &mut self.vault
    }

    /// Closes the application, handing back the vault.
    pub fn into_vault(self) -> Vault {
        self.vault
    }

    /// The effects in use.
    pub fn env(&self) -> &AppEnv {
        &self.env
    }

    fn now(&self) -> i64 {
        (self.env.clock)()
    }
}
