//! What every export tells the user about what did not leave the device.

use std::fmt;

/// Push accounts and device keys are bound to this device by design: their private keys cannot be
/// exported from the secure hardware that made them, and a copy would let a second device approve
/// sign-ins. Every export and backup check shows this notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportNotice {
    /// Push accounts in the vault that were not exported.
    pub push_accounts_kept: usize,
}

impl ExportNotice {
    /// The notice for a vault holding `push_accounts_kept` push accounts.
    pub fn new(push_accounts_kept: usize) -> Self {
        ExportNotice { push_accounts_kept }
    }
}

impl fmt::Display for ExportNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.push_accounts_kept {
            0 => write!(
                f,
                "Push accounts and device keys never leave this device, so no backup or export contains them."
            ),
            1 => write!(
                f,
                "1 push account and its device key stay on this device (they can never be exported); after moving, enrol the new device with that service again."
            ),
            n => write!(
                f,
                "{n} push accounts and their device keys stay on this device (they can never be exported); after moving, enrol the new device with each of those services again."
            ),
        }
    }
}
