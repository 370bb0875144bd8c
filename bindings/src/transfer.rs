//! Moving accounts in and out: imports from other authenticators (Aegis plain and encrypted,
//! 2FAS, Bitwarden, andOTP, FreeOTP+, otpauth lists), Google Authenticator transfer QR codes,
//! exports (Aegis-compatible encrypted vault, otpauth list, Google transfer codes) and backup
//! checks. Every entry left out is reported with its stable code; nothing is dropped silently.

use std::sync::Arc;

use duet_core::transfer as core;

use crate::account::Account;
use crate::error::DuetError;

/// A backup format duet reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum BackupFormat {
    /// Aegis vault JSON, plain or password-encrypted.
    Aegis,
    /// 2FAS `.2fas` backup, plain or password-encrypted.
    TwoFas,
    /// Bitwarden unencrypted JSON export.
    Bitwarden,
    /// andOTP plain JSON backup.
    AndOtp,
    /// FreeOTP+ JSON export.
    FreeOtpPlus,
    /// Text with one `otpauth://` (or `otpauth-migration://`) link per line.
    OtpauthList,
}

impl From<core::Format> for BackupFormat {
    fn from(f: core::Format) -> Self {
        match f {
            core::Format::Aegis => BackupFormat::Aegis,
            core::Format::TwoFas => BackupFormat::TwoFas,
            core::Format::Bitwarden => BackupFormat::Bitwarden,
            core::Format::AndOtp => BackupFormat::AndOtp,
            core::Format::FreeOtpPlus => BackupFormat::FreeOtpPlus,
            core::Format::OtpauthList => BackupFormat::OtpauthList,
        }
    }
}

impl From<BackupFormat> for core::Format {
    fn from(f: BackupFormat) -> Self {
        match f {
            BackupFormat::Aegis => core::Format::Aegis,
            BackupFormat::TwoFas => core::Format::TwoFas,
            BackupFormat::Bitwarden => core::Format::Bitwarden,
            BackupFormat::AndOtp => core::Format::AndOtp,
            BackupFormat::FreeOtpPlus => core::Format::FreeOtpPlus,
            BackupFormat::OtpauthList => core::Format::OtpauthList,
        }
    }
}

/// The format's name to show ("Aegis", "2FAS", ...).
#[uniffi::export]
pub fn backup_format_name(format: BackupFormat) -> String {
    core::Format::from(format).display_name().to_string()
}

/// The format's machine name as the CLI's `--format` takes it (`aegis`, `2fas`, ...).
#[uniffi::export]
pub fn backup_format_id(format: BackupFormat) -> String {
    core::Format::from(format).id().to_string()
}

/// What [`detect_backup`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct DetectedBackup {
    /// The format.
    pub format: BackupFormat,
    /// The file needs a password.
    pub encrypted: bool,
}

/// One entry left out of an import or export, and why.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SkippedEntry {
    /// Position in the source (0-based).
    pub index: u32,
    /// What the user knows the entry by ("Issuer: name", or "entry N").
    pub label: String,
    /// Stable code (`E_TRANSFER_ENTRY_...`, `E_MIGRATION_ACCOUNT_...`, `E_URI_...`).
    pub code: String,
    /// Sentence for the user (never contains the secret).
    pub reason: String,
}

fn skipped(s: core::Skipped) -> SkippedEntry {
    SkippedEntry { index: u32::try_from(s.index).unwrap_or(u32::MAX), label: s.label, code: s.code.to_string(), reason: s.reason }
}

/// The result of an import: accounts read (not yet stored) and every entry left out.
#[derive(uniffi::Record)]
pub struct ImportResult {
    /// Source format.
    pub format: BackupFormat,
    /// The source was password-encrypted.
    pub encrypted: bool,
    /// Accounts read, in source order; store them with `DuetVault.addAccounts`.
    pub accounts: Vec<Arc<Account>>,
    /// Entries not imported, in source order.
    pub skipped: Vec<SkippedEntry>,
}

fn import_result(r: core::ImportReport) -> ImportResult {
    ImportResult {
        format: r.format.into(),
        encrypted: r.encrypted,
        accounts: r.accounts.into_iter().map(Account::from_core).collect(),
        skipped: r.skipped.into_iter().map(skipped).collect(),
    }
}

/// Recognises a backup file's format and whether it needs a password.
///
/// Errors: `DuetError.Transfer` (`E_TRANSFER_UNKNOWN_FORMAT`, `E_TRANSFER_CORRUPT`, ...).
#[uniffi::export]
pub fn detect_backup(data: Vec<u8>) -> Result<DetectedBackup, DuetError> {
    let d = core::detect(&data)?;
    Ok(DetectedBackup { format: d.format.into(), encrypted: d.encrypted })
}

/// Detects the format and imports; `password` is used only when the file is encrypted.
///
/// Errors: `DuetError.Transfer` (`E_TRANSFER_PASSWORD_REQUIRED`, `E_TRANSFER_WRONG_PASSWORD`,
/// `E_TRANSFER_UNKNOWN_FORMAT`, ...). Problems with single entries are in `skipped`.
#[uniffi::export]
pub fn import_backup(data: Vec<u8>, password: Option<String>) -> Result<ImportResult, DuetError> {
    let password = password.map(zeroize::Zeroizing::new);
    Ok(import_result(core::import(&data, password.as_deref().map(String::as_str))?))
}

/// Imports `data` as `format` (the user named the format).
#[uniffi::export]
pub fn import_backup_as(format: BackupFormat, data: Vec<u8>, password: Option<String>) -> Result<ImportResult, DuetError> {
    let password = password.map(zeroize::Zeroizing::new);
    Ok(import_result(core::import_as(format.into(), &data, password.as_deref().map(String::as_str))?))
}

/// What a backup would restore (`duet backup verify`), without keeping any secret.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct BackupSummary {
    /// The backup's format.
    pub format: BackupFormat,
    /// The password was needed and worked.
    pub encrypted: bool,
    /// TOTP accounts.
    pub totp: u32,
    /// HOTP accounts.
    pub hotp: u32,
    /// Steam Guard accounts.
    pub steam: u32,
    /// Accounts that would be restored.
    pub restorable: u32,
    /// Entries that would not be restored, with reasons.
    pub skipped: Vec<SkippedEntry>,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Decrypts and reads a backup completely and counts what it would restore, so the user learns
/// that the file and the password work before they need them.
#[uniffi::export]
pub fn verify_backup(data: Vec<u8>, password: Option<String>) -> Result<BackupSummary, DuetError> {
    let password = password.map(zeroize::Zeroizing::new);
    let s = core::verify_backup(&data, password.as_deref().map(String::as_str))?;
    Ok(BackupSummary {
        format: s.format.into(),
        encrypted: s.encrypted,
        totp: count(s.totp),
        hotp: count(s.hotp),
        steam: count(s.steam),
        restorable: count(s.restorable()),
        skipped: s.skipped.into_iter().map(skipped).collect(),
    })
}

/// An export file and what it left out.
#[derive(uniffi::Record)]
pub struct ExportResult {
    /// The file contents (an otpauth list holds every secret in clear: warn the user).
    pub data: Vec<u8>,
    /// Accounts written.
    pub exported: u32,
    /// Accounts the format cannot express (`E_TRANSFER_EXPORT_UNREPRESENTABLE`, ...).
    pub skipped: Vec<SkippedEntry>,
}

fn cores(accounts: &[Arc<Account>]) -> Vec<duet_core::OtpAccount> {
    accounts.iter().map(|a| a.core().clone()).collect()
}

/// An Aegis-compatible encrypted vault (scrypt N=2^15, r=8, p=1; AES-256-GCM), which Aegis
/// imports with `password`. Randomness comes from the operating system.
///
/// Errors: `E_TRANSFER_EMPTY_PASSWORD`, `E_TRANSFER_RANDOM`.
#[uniffi::export]
pub fn export_aegis_encrypted(accounts: Vec<Arc<Account>>, password: String) -> Result<ExportResult, DuetError> {
    let password = zeroize::Zeroizing::new(password);
    let accounts = cores(&accounts);
    let mut rng = core::SystemRandomSource::new();
    let e = core::export_aegis_encrypted(&accounts, &password, core::ScryptParams::AEGIS, &mut rng)?;
    Ok(ExportResult { data: e.data.to_vec(), exported: count(e.exported), skipped: e.skipped.into_iter().map(skipped).collect() })
}

/// One `otpauth://` URI per line (not encrypted: it holds every secret).
#[uniffi::export]
pub fn export_otpauth_list(accounts: Vec<Arc<Account>>) -> ExportResult {
    let e = core::export_otpauth_list(&cores(&accounts));
    ExportResult { data: e.data.to_vec(), exported: count(e.exported), skipped: e.skipped.into_iter().map(skipped).collect() }
}

/// Google Authenticator transfer codes to show as QR codes, and what they could not carry.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct GoogleExportResult {
    /// One `otpauth-migration://` link per QR code, in order (each holds secrets).
    pub uris: Vec<String>,
    /// Accounts written.
    pub exported: u32,
    /// Accounts left out (Steam, periods other than 30 s, 7/9/10 digits, ...).
    pub skipped: Vec<SkippedEntry>,
}

/// Google Authenticator transfer links, split so each fits a reliably scannable QR code
/// (version 20 or smaller at error correction M). `batch_id` identifies the transfer: pass a
/// random number.
#[uniffi::export]
pub fn export_google_transfer(accounts: Vec<Arc<Account>>, batch_id: i32) -> GoogleExportResult {
    let e = core::export_google(&cores(&accounts), batch_id);
    GoogleExportResult {
        uris: e.uris.iter().map(|u| u.to_string()).collect(),
        exported: count(e.exported),
        skipped: e.skipped.into_iter().map(skipped).collect(),
    }
}

/// The sentence every export and backup check shows: push accounts and device keys never leave
/// the device (`push_accounts_kept` of them stay).
#[uniffi::export]
pub fn export_notice(push_accounts_kept: u32) -> String {
    core::ExportNotice::new(push_accounts_kept as usize).to_string()
}
