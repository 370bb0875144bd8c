//! Push accounts in the vault: duet push accounts (the device key stays in the app's keystore;
//! only the public account is stored) and privacyIDEA push tokens (with their software key or
//! the app's key handle), each sealed like every vault record. Also the vault-side accounts
//! import and the privacyIDEA answer that records itself before it is sent.

use std::sync::Arc;

use duet_core::pipush;
use duet_core::push as core;
use duet_core::vault::{RecordId, VaultError};
use zeroize::Zeroizing;

use crate::account::Account;
use crate::error::DuetError;
use crate::http::HttpTransport;
use crate::pipush::{PiPushAccount, PiPushRequest, pipush_send_answer};
use crate::push::{DeviceSigner, PushAccount, PushAnswer};
use crate::vault::DuetVault;

/// Vault kind of a duet push account whose device key lives in the platform keystore (payload:
/// the core's `PushAccount` JSON). The CLI's `duet` kind also carries a software key.
pub const KIND_DUET_PLATFORM_KEY: &str = "duet-platform-key";

/// A duet push account as stored.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct StoredPushAccount {
    /// Record id.
    pub id: String,
    /// The account.
    pub account: PushAccount,
}

/// A privacyIDEA push token as stored.
#[derive(uniffi::Record)]
pub struct StoredPiPushAccount {
    /// Record id.
    pub id: String,
    /// The account.
    pub account: Arc<PiPushAccount>,
}

fn json<T: serde::Serialize>(v: &T) -> Result<Zeroizing<Vec<u8>>, DuetError> {
    Ok(Zeroizing::new(serde_json::to_vec(v).map_err(|_| VaultError::RecordCorrupt)?))
}

#[uniffi::export]
impl DuetVault {
    /// Stores many accounts at once (an import), in one transaction; returns their record ids.
    pub fn add_accounts(&self, accounts: Vec<Arc<Account>>) -> Result<Vec<String>, DuetError> {
        let accounts: Vec<duet_core::OtpAccount> = accounts.iter().map(|a| a.core().clone()).collect();
        Ok(self.lock().add_otps(&accounts)?.into_iter().map(|id| id.0).collect())
    }

    /// Stores a registered duet push account; returns its record id.
    pub fn add_push_account(&self, account: PushAccount) -> Result<String, DuetError> {
        let payload = json(&core::PushAccount::from(account))?;
        Ok(self.lock().put_push_account(KIND_DUET_PLATFORM_KEY, &payload)?.0)
    }

    /// Every duet push account, in list order.
    pub fn push_accounts(&self) -> Result<Vec<StoredPushAccount>, DuetError> {
        self.lock()
            .push_accounts()?
            .into_iter()
            .filter(|p| p.kind == KIND_DUET_PLATFORM_KEY)
            .map(|p| {
                let a: core::PushAccount = serde_json::from_slice(&p.payload).map_err(|_| VaultError::RecordCorrupt)?;
                Ok(StoredPushAccount { id: p.id.0, account: a.into() })
            })
            .collect()
    }

    /// Replaces a duet push account (after a server or device key rotation).
    pub fn update_push_account(&self, id: String, account: PushAccount) -> Result<(), DuetError> {
        let payload = json(&core::PushAccount::from(account))?;
        Ok(self.lock().update_push_account(&RecordId(id), &payload)?)
    }

    /// Removes a push account of either protocol (after unenrolling).
    pub fn remove_push_account(&self, id: String) -> Result<(), DuetError> {
        Ok(self.lock().remove_push_account(&RecordId(id))?)
    }

    /// Stores an enrolled privacyIDEA push token; returns its record id.
    pub fn add_pipush_account(&self, account: Arc<PiPushAccount>) -> Result<String, DuetError> {
        let payload = json(&account.inner)?;
        Ok(self.lock().put_push_account(pipush::account::KIND, &payload)?.0)
    }

    /// Every privacyIDEA push token, in list order.
    pub fn pipush_accounts(&self) -> Result<Vec<StoredPiPushAccount>, DuetError> {
        self.lock()
            .push_accounts()?
            .into_iter()
            .filter(|p| p.kind == pipush::account::KIND)
            .map(|p| {
                let inner: pipush::PiPushAccount =
                    serde_json::from_slice(&p.payload).map_err(|_| VaultError::RecordCorrupt)?;
                Ok(StoredPiPushAccount { id: p.id.0, account: Arc::new(PiPushAccount { inner }) })
            })
            .collect()
    }

    /// Replaces a privacyIDEA push token.
    pub fn update_pipush_account(&self, id: String, account: Arc<PiPushAccount>) -> Result<(), DuetError> {
        let payload = json(&account.inner)?;
        Ok(self.lock().update_push_account(&RecordId(id), &payload)?)
    }

    /// Answers a privacyIDEA request of the stored token `id`: records the request as answered in
    /// the vault first, then sends the signed answer (so it is never answered twice, even when
    /// the network fails halfway). Returns the account as now stored.
    pub fn pipush_answer(
        &self,
        id: String,
        request: Arc<PiPushRequest>,
        answer: PushAnswer,
        signer: Option<Arc<dyn DeviceSigner>>,
        transport: Arc<dyn HttpTransport>,
    ) -> Result<Arc<PiPushAccount>, DuetError> {
        let stored = self.lock().push_account(&RecordId(id.clone()))?;
        if stored.kind != pipush::account::KIND {
            return Err(VaultError::NotFound { query: id }.into());
        }
        let inner: pipush::PiPushAccount =
            serde_json::from_slice(&stored.payload).map_err(|_| VaultError::RecordCorrupt)?;
        let before = Arc::new(PiPushAccount { inner });
        let after = before.recording_answer(request.clone());
        self.update_pipush_account(id, after.clone())?;
        pipush_send_answer(transport, before, request, answer, signer)?;
        Ok(after)
    }
}
