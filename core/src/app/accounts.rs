//! OTP accounts: the code list, adding from any scanned text, editing, backups.

use super::scan::{ScannedKind, classify};
use super::{App, AppError, CodeView};
use crate::OtpAccount;
use crate::error::ErrorCode;
use crate::migration::{self, Batch};
use crate::push::ManualCode;
use crate::transfer::{self, Export, ScryptParams, Skipped, SystemRandomSource};
use crate::vault::{Entry, RecordId, StoredOtp};

/// A warning or skipped entry, by stable code, with its sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// Stable code (`W_URI_…`, `E_MIGRATION_ACCOUNT_…`, …).
    pub code: &'static str,
    /// What to tell the user.
    pub message: String,
}

/// What adding a scanned or pasted text did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Added {
    /// One OTP account was stored.
    Otp {
        /// Its record id.
        id: RecordId,
        /// `Issuer:name`.
        label: String,
        /// Things worth telling the user; the account is stored regardless.
        warnings: Vec<Notice>,
    },
    /// A part of a multi-QR transfer was read; scan the others.
    TransferPart {
        /// Parts still missing, numbered from 1.
        missing: Vec<u32>,
        /// Parts in the transfer.
        total: u32,
    },
    /// A whole transfer was stored.
    Transfer {
        /// Record ids of the stored accounts.
        ids: Vec<RecordId>,
        /// Accounts left out, and why.
        skipped: Vec<Notice>,
    },
    /// A push account was enrolled and stored (with the OTP account it came with, if any).
    Push {
        /// Its record id.
        id: RecordId,
        /// What the user knows it by.
        label: String,
        /// Things worth telling the user (an unverified TLS server, an unreadable passcode URI).
        notices: Vec<Notice>,
    },
}

/// What [`App::add_otp_texts`] stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddedList {
    /// Record id and `Issuer:name` of each stored account, in order.
    pub added: Vec<(RecordId, String)>,
    /// Things worth telling the user about stored accounts.
    pub warnings: Vec<Notice>,
    /// Transfer accounts left out, and why.
    pub skipped: Vec<Notice>,
}

/// A transfer account left out, as `Issuer:name: sentence` (names come from outside: no control
/// characters reach a terminal or a screen reader).
impl From<&migration::Skipped> for Notice {
    fn from(s: &migration::Skipped) -> Self {
        let label = if s.issuer.is_empty() { s.name.clone() } else { format!("{}:{}", s.issuer, s.name) };
        let label: String = label.chars().map(|c| if c.is_control() { '?' } else { c }).collect();
        Notice { code: s.reason.code(), message: format!("{label}: {}", s.reason) }
    }
}

/// The result of importing a backup file.
#[derive(Debug)]
pub struct Imported {
    /// Record ids of the stored accounts.
    pub ids: Vec<RecordId>,
    /// The file's format.
    pub format: transfer::Format,
    /// Entries left out, and why.
    pub skipped: Vec<Skipped>,
}

impl App {
    /// Every OTP account, in list order. A damaged record stays in its place as its id and code,
    /// so it never hides the others and can be removed by that id.
    pub fn accounts(&self) -> Result<Vec<Entry<StoredOtp>>, AppError> {
        Ok(self.vault.otp_entries()?)
    }

    /// Every account's code at the current time, in one call (see [`CodeView`]).
    pub fn codes(&mut self) -> Result<Vec<CodeView<'_>>, AppError> {
        let now = u64::try_from(self.now()).unwrap_or(0);
        self.codes_at(now)
    }

    /// Every account's code at `unix_time`. Accounts are keyed once and kept until they change.
    pub fn codes_at(&mut self, unix_time: u64) -> Result<Vec<CodeView<'_>>, AppError> {
        if !self.codes.is_loaded() {
            self.codes.load(self.vault.otp_entries()?);
        }
        Ok(self.codes.codes(unix_time))
    }

    /// HOTP: advances the stored counter (committed before the code exists) and returns the code
    /// of the counter just reserved.
    pub fn next_hotp(&mut self, id: &RecordId) -> Result<String, AppError> {
        let account = self.vault.next_hotp(id)?;
        self.codes.invalidate();
        Ok(crate::otp::code(&account.secret, &account.params, 0)?)
    }

    /// Stores OTP accounts (one transaction).
    pub fn add_otps(&mut self, accounts: &[OtpAccount]) -> Result<Vec<RecordId>, AppError> {
        self.codes.invalidate();
        Ok(self.vault.add_otps(accounts)?)
    }

    /// Changes an account's issuer and name.
    pub fn rename(&mut self, id: &RecordId, issuer: Option<String>, name: String) -> Result<(), AppError> {
        self.codes.invalidate();
        Ok(self.vault.rename_otp(id, issuer, name)?)
    }

    /// Puts the accounts in this order (every account exactly once).
    pub fn reorder(&mut self, ids: &[RecordId]) -> Result<(), AppError> {
        self.codes.invalidate();
        Ok(self.vault.reorder_otps(ids)?)
    }

    /// Deletes an account by id, damaged or not (a damaged record is removed without being
    /// decrypted).
    pub fn remove(&mut self, id: &RecordId) -> Result<(), AppError> {
        self.codes.invalidate();
        Ok(self.vault.remove_otp(id)?)
    }

    /// Adds whatever a QR code or the clipboard held: an `otpauth://` account, one part of a
    /// Google Authenticator transfer (stored once every part is in), a duet enrollment link or a
    /// privacyIDEA push enrollment (enrolled with the server, then stored).
    pub fn add_scanned(&mut self, text: &str) -> Result<Added, AppError> {
        let text = text.trim();
        match classify(text) {
            ScannedKind::Otpauth => self.add_otpauth(text),
            ScannedKind::Migration => self.add_transfer_part(text),
            ScannedKind::DuetLink => {
                let link = crate::push::EnrollmentLink::parse(text, self.now())?;
                self.enroll_duet(&link)
            }
            ScannedKind::PiPush => self.enroll_pipush(text),
            ScannedKind::Unknown => Err(AppError::UnknownText),
        }
    }

    /// Enrolls with a manual activation code read out by the helpdesk (`SERVER CODE`), once the
    /// server key's fingerprint equals `fingerprint`, the one the helpdesk read out too (case,
    /// spaces and hyphens do not matter). Apps that show the fingerprint and ask the user use
    /// [`App::lookup_manual_code`] and [`App::enroll_duet`] instead.
    pub fn add_manual_code(&mut self, code: &str, fingerprint: &str) -> Result<Added, AppError> {
        let code = ManualCode::parse(code)?;
        let link = self.lookup_manual_code(&code)?;
        // The code cannot carry the server key: the fingerprint the helpdesk reads out is the
        // only check that the key came from the server and not from whoever answered TLS.
        if normalized_fingerprint(fingerprint) != normalized_fingerprint(&link.server_key_fingerprint()) {
            return Err(AppError::FingerprintMismatch);
        }
        self.enroll_duet(&link)
    }

    /// Parts still missing of the transfer being scanned (empty when none is under way).
    pub fn transfer_missing(&self) -> Vec<u32> {
        self.transfer.as_ref().map(Batch::missing).unwrap_or_default()
    }

    /// Abandons a transfer scan under way.
    pub fn cancel_transfer(&mut self) {
        self.transfer = None;
    }

    fn add_otpauth(&mut self, text: &str) -> Result<Added, AppError> {
        let parsed = crate::uri::parse(text)?;
        let warnings = parsed.warnings.iter().map(|w| Notice { code: w.code(), message: w.to_string() }).collect();
        let id = self.vault.add_otp(&parsed.account)?;
        self.codes.invalidate();
        let label = parsed.account.label();
        Ok(Added::Otp { id, label, warnings })
    }

    fn add_transfer_part(&mut self, text: &str) -> Result<Added, AppError> {
        let part = migration::decode_uri(text)?;
        let total = part.batch.size;
        let mut batch = self.transfer.take().unwrap_or_default();
        if let Err(e) = batch.add(part) {
            // A code of another transfer is refused and the scan under way kept (cancel_transfer
            // starts over).
            self.transfer = Some(batch);
            return Err(e.into());
        }
        let missing = batch.missing();
        if !missing.is_empty() {
            self.transfer = Some(batch);
            return Ok(Added::TransferPart { missing, total });
        }
        let done = batch.finish()?;
        let ids = self.add_otps(&done.accounts)?;
        Ok(Added::Transfer { ids, skipped: done.skipped.iter().map(Notice::from).collect() })
    }

    /// Adds a list of `otpauth://` URIs and transfer parts (a pasted list, `duet add` with several
    /// arguments) all or nothing: every text is read first, a transfer must be complete, and the
    /// accounts are stored in one transaction.
    pub fn add_otp_texts<S: AsRef<str>>(&mut self, texts: &[S]) -> Result<AddedList, AppError> {
        let mut list = AddedList::default();
        let mut accounts = Vec::new();
        let mut transfer: Option<Batch> = None;
        for text in texts.iter().map(|t| t.as_ref().trim()).filter(|t| !t.is_empty()) {
            if classify(text) == ScannedKind::Migration {
                transfer.get_or_insert_with(Batch::new).add_uri(text)?;
                continue;
            }
            let parsed = crate::uri::parse(text)?;
            list.warnings.extend(parsed.warnings.iter().map(|w| Notice { code: w.code(), message: w.to_string() }));
            accounts.push(parsed.account);
        }
        if let Some(batch) = transfer {
            let done = batch.finish()?;
            list.skipped.extend(done.skipped.iter().map(Notice::from));
            accounts.extend(done.accounts);
        }
        let ids = self.add_otps(&accounts)?;
        list.added = ids
            .into_iter()
            .zip(accounts)
            .map(|(id, account)| (id, account.label()))
            .collect();
        Ok(list)
    }

    /// Imports a backup file (format detected; `password` for encrypted ones) and stores every
    /// readable account in one transaction.
    pub fn import_backup(&mut self, bytes: &[u8], password: Option<&str>) -> Result<Imported, AppError> {
        let report = transfer::import(bytes, password)?;
        let ids = self.add_otps(&report.accounts)?;
        Ok(Imported { ids, format: report.format, skipped: report.skipped })
    }

    /// Every account as an Aegis-compatible encrypted backup. Refused while a record is damaged
    /// (`E_VAULT_RECORD_CORRUPT` naming it): a backup silently missing an account would only be
    /// found out when it is needed. Remove the damaged record by its id, then export.
    pub fn export_encrypted(&self, password: &str) -> Result<Export, AppError> {
        let accounts: Vec<OtpAccount> = self.vault.otp_accounts()?.into_iter().map(|s| s.account).collect();
        Ok(transfer::export_aegis_encrypted(&accounts, password, ScryptParams::AEGIS, &mut SystemRandomSource::new())?)
    }

    /// Checks that `password` opens a backup and how many accounts it would restore.
    pub fn verify_backup(bytes: &[u8], password: Option<&str>) -> Result<transfer::BackupSummary, AppError> {
        Ok(transfer::verify_backup(bytes, password)?)
    }
}

/// A fingerprint as typed or read out: upper case, without separators.
fn normalized_fingerprint(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}
