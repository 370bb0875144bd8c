//! Google Authenticator transfer links inside imports and exports, through [`crate::migration`].
//!
//! Import: `otpauth-migration://` lines of an otpauth list are decoded part by part; parts of
//! one multi-QR transfer are checked to belong together, and missing parts are reported.
//! Export: [`crate::migration::export`] splits the accounts into scannable codes; accounts the
//! format cannot carry are reported with their index.

use std::collections::BTreeSet;

use zeroize::Zeroizing;

use super::entry;
use super::error::{EntryProblem, Skipped};
use crate::ErrorCode;
use crate::OtpAccount;
use crate::migration::{self, Batch, MigrationError};

/// Collects the transfer links of one import.
#[derive(Default)]
pub(crate) struct Transfer {
    batch: Batch,
    seen: BTreeSet<u32>,
    /// Line index of the last part, for the missing-parts report.
    last_line: usize,
}

impl Transfer {
    /// Decodes the link on line `index`; returns its accounts and per-account skips, or the
    /// reason the whole line is unusable.
    pub(crate) fn add_line(
        &mut self,
        index: usize,
        line: &str,
    ) -> Result<(Vec<OtpAccount>, Vec<Skipped>), EntryProblem> {
        let to_problem = |e: MigrationError| EntryProblem::new(e.code(), e.to_string());
        let part = migration::decode_uri(line).map_err(to_problem)?;
        let number = part.batch.index;
        let (accounts, skipped) = (part.accounts.clone(), part.skipped.clone());
        self.batch.add(part).map_err(to_problem)?;
        self.last_line = index;
        // The same code scanned twice is harmless: its accounts count once.
        if !self.seen.insert(number) {
            return Ok((Vec::new(), Vec::new()));
        }
        let skipped = skipped
            .into_iter()
            .map(|s| {
                EntryProblem::new(s.reason.code(), s.reason.to_string())
                    .at(index, entry::label(Some(&s.issuer), Some(&s.name), index))
            })
            .collect();
        Ok((accounts, skipped))
    }

    /// After the last line: one report line if parts of a multi-QR transfer are missing.
    pub(crate) fn finish(self) -> Option<Skipped> {
        let missing = self.batch.missing();
        if missing.is_empty() {
            return None;
        }
        let total = u32::try_from(self.seen.len() + missing.len()).unwrap_or(u32::MAX);
        let e = MigrationError::BatchMissing { missing, total };
        Some(EntryProblem::new(e.code(), e.to_string()).at(self.last_line, "Google Authenticator transfer".into()))
    }
}

/// Transfer links for Google Authenticator, and what they could not carry.
pub struct GoogleExport {
    /// One `otpauth-migration://` link per QR code, in order (each holds secrets).
    pub uris: Vec<Zeroizing<String>>,
    /// Accounts written.
    pub exported: usize,
    /// Accounts the format cannot carry (Steam, periods other than 30 s, 7/9/10 digits, ...),
    /// with the index they have in the input.
    pub skipped: Vec<Skipped>,
}

impl std::fmt::Debug for GoogleExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleExport")
            .field("uris", &format_args!("{} links, redacted", self.uris.len()))
            .field("exported", &self.exported)
            .field("skipped", &self.skipped)
            .finish()
    }
}

pub(crate) fn export(accounts: &[OtpAccount], batch_id: i32) -> GoogleExport {
    let out = migration::export(accounts, batch_id);
    let mut used = vec![false; accounts.len()];
    let skipped: Vec<Skipped> = out
        .skipped
        .into_iter()
        .map(|s| {
            // The migration module names skipped accounts; map each back to its input position.
            let index = accounts
                .iter()
                .enumerate()
                .position(|(i, a)| {
                    !used[i] && a.issuer.clone().unwrap_or_default() == s.issuer && a.name == s.name
                })
                .unwrap_or(0);
            if let Some(u) = used.get_mut(index) {
                *u = true;
            }
            EntryProblem::new(s.reason.code(), s.reason.to_string())
                .at(index, entry::label(Some(&s.issuer), Some(&s.name), index))
        })
        .collect();
    GoogleExport {
        exported: accounts.len() - skipped.len(),
        uris: out.uris.into_iter().map(Zeroizing::new).collect(),
        skipped,
    }
}
