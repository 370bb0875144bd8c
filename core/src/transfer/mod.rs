//! Moving accounts in and out: imports from other authenticators, exports, and backup checks.
//!
//! Pure functions over bytes; reading files, asking for passwords and storing accounts are the
//! caller's. Formats and their sources are described in `docs/formats.md`.
//!
//! - [`import`] detects the format and returns every account it could read plus, entry by entry,
//!   what it skipped and why ([`Skipped`]); nothing is dropped silently.
//! - [`export_aegis_encrypted`], [`export_otpauth_list`], [`export_google`] write exports; every export reports the
//!   accounts it could not express, and [`ExportNotice`] states that push accounts and device
//!   keys never leave the device.
//! - [`verify_backup`] decrypts a backup and counts what it would restore.

mod aegis;
mod andotp;
mod bitwarden;
mod crypto;
mod entry;
mod error;
mod freeotp_plus;
mod google;
mod notice;
mod otpauth_list;
mod twofas;

pub use crypto::{RandomSource, ScryptParams, SystemRandomSource};
pub use error::{Skipped, TransferError, skip};
pub use google::GoogleExport;
pub use notice::ExportNotice;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use crate::OtpAccount;
use crate::otp::OtpKind;

/// Largest input read (16 MiB): an Aegis vault with icons for a thousand accounts is a few MiB.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// A backup or export format duet reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
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

impl Format {
    /// Every format, in the order detection tries them.
    pub const ALL: [Format; 6] =
        [Format::Aegis, Format::TwoFas, Format::Bitwarden, Format::FreeOtpPlus, Format::AndOtp, Format::OtpauthList];

    /// Stable machine name, as the CLI's `--format` takes it: `aegis`, `2fas`, `bitwarden`,
    /// `andotp`, `freeotp-plus`, `otpauth`.
    pub fn id(self) -> &'static str {
        match self {
            Format::Aegis => "aegis",
            Format::TwoFas => "2fas",
            Format::Bitwarden => "bitwarden",
            Format::AndOtp => "andotp",
            Format::FreeOtpPlus => "freeotp-plus",
            Format::OtpauthList => "otpauth",
        }
    }

    /// The format with machine name `id` (see [`Format::id`]).
    pub fn from_id(id: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.id().eq_ignore_ascii_case(id))
    }

    /// Name to show a person ("Aegis", "2FAS", ...).
    pub fn display_name(self) -> &'static str {
        match self {
            Format::Aegis => aegis::NAME,
            Format::TwoFas => twofas::NAME,
            Format::Bitwarden => bitwarden::NAME,
            Format::AndOtp => andotp::NAME,
            Format::FreeOtpPlus => freeotp_plus::NAME,
            Format::OtpauthList => otpauth_list::NAME,
        }
    }
}

/// What [`detect`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detected {
    /// The format.
    pub format: Format,
    /// True when the file needs a password.
    pub encrypted: bool,
}

/// The result of an import: accounts read, and every entry left out with its reason.
#[derive(Debug)]
pub struct ImportReport {
    /// The source format.
    pub format: Format,
    /// True when the source was password-encrypted.
    pub encrypted: bool,
    /// Accounts read, in source order.
    pub accounts: Vec<OtpAccount>,
    /// Entries not imported, in source order, each with a stable code and a reason.
    pub skipped: Vec<Skipped>,
}

/// Bytes of an export plus what it left out.
pub struct Export {
    /// The file contents (wiped when dropped: plain exports hold every secret).
    pub data: Zeroizing<Vec<u8>>,
    /// Accounts written.
    pub exported: usize,
    /// Accounts the format cannot express, each with a reason ([`skip::UNREPRESENTABLE`]).
    pub skipped: Vec<Skipped>,
}

impl std::fmt::Debug for Export {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Export")
            .field("data", &format_args!("{} bytes, redacted", self.data.len()))
            .field("exported", &self.exported)
            .field("skipped", &self.skipped)
            .finish()
    }
}

/// Keys that identify each JSON format (presence only; values are not read here, so no secret
/// is copied during detection).
#[derive(Deserialize)]
struct Probe {
    version: Option<IgnoredAny>,
    header: Option<IgnoredAny>,
    db: Option<IgnoredAny>,
    #[serde(rename = "schemaVersion")]
    schema_version: Option<IgnoredAny>,
    services: Option<IgnoredAny>,
    #[serde(rename = "servicesEncrypted")]
    services_encrypted: Option<IgnoredAny>,
    items: Option<IgnoredAny>,
    encrypted: Option<bool>,
    #[serde(rename = "passwordProtected")]
    password_protected: Option<IgnoredAny>,
    tokens: Option<IgnoredAny>,
    #[serde(rename = "tokenOrder")]
    token_order: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct AndOtpProbe {
    #[allow(dead_code)]
    secret: IgnoredAny,
    #[serde(rename = "type")]
    #[allow(dead_code)]
    kind: IgnoredAny,
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn check_size(bytes: &[u8]) -> Result<(), TransferError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(TransferError::TooLarge { limit: MAX_INPUT_BYTES });
    }
    Ok(())
}

/// Recognises the format of `bytes` and whether it needs a password.
///
/// # Errors
/// `E_TRANSFER_UNKNOWN_FORMAT`, `E_TRANSFER_TOO_LARGE`, or `E_TRANSFER_CORRUPT` when the format
/// is recognised but its header is broken.
pub fn detect(bytes: &[u8]) -> Result<Detected, TransferError> {
    check_size(bytes)?;
    let bytes = strip_bom(bytes);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    match first {
        Some(b'{') => {
            let p: Probe = serde_json::from_slice(bytes).map_err(|_| TransferError::UnknownFormat)?;
            if p.version.is_some() && p.header.is_some() && p.db.is_some() {
                Ok(Detected { format: Format::Aegis, encrypted: aegis::is_encrypted(bytes)? })
            } else if p.schema_version.is_some() && (p.services.is_some() || p.services_encrypted.is_some()) {
                Ok(Detected { format: Format::TwoFas, encrypted: twofas::is_encrypted(bytes)? })
            } else if p.encrypted.is_some() && (p.items.is_some() || p.password_protected.is_some()) {
                Ok(Detected { format: Format::Bitwarden, encrypted: p.encrypted == Some(true) })
            } else if p.tokens.is_some() && p.token_order.is_some() {
                Ok(Detected { format: Format::FreeOtpPlus, encrypted: false })
            } else {
                Err(TransferError::UnknownFormat)
            }
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_slice(bytes).map_err(|_| TransferError::UnknownFormat)?;
            // An empty list is a valid (empty) andOTP backup; otherwise the first entry decides.
            match items.first() {
                None => Ok(Detected { format: Format::AndOtp, encrypted: false }),
                Some(raw) if serde_json::from_str::<AndOtpProbe>(raw.get()).is_ok() => {
                    Ok(Detected { format: Format::AndOtp, encrypted: false })
                }
                Some(_) => Err(TransferError::UnknownFormat),
            }
        }
        _ => match std::str::from_utf8(bytes) {
            Ok(text) if otpauth_list::looks_like(text) => Ok(Detected { format: Format::OtpauthList, encrypted: false }),
            _ => Err(TransferError::UnknownFormat),
        },
    }
}

/// Detects the format and imports. `password` is used only if the file is encrypted.
///
/// # Errors
/// See [`TransferError`]: unknown format, unsupported version, damaged file, password missing
/// or wrong, hostile KDF parameters. Problems with single entries are not errors: they are
/// listed in [`ImportReport::skipped`].
pub fn import(bytes: &[u8], password: Option<&str>) -> Result<ImportReport, TransferError> {
    let detected = detect(bytes)?;
    import_as(detected.format, bytes, password)
}

/// Imports `bytes` as `format` (for a user who names the format).
///
/// # Errors
/// As [`import`]; a file that is not `format` gives `E_TRANSFER_CORRUPT`.
pub fn import_as(format: Format, bytes: &[u8], password: Option<&str>) -> Result<ImportReport, TransferError> {
    check_size(bytes)?;
    let bytes = strip_bom(bytes);
    match format {
        Format::Aegis => aegis::import(bytes, password),
        Format::TwoFas => twofas::import(bytes, password),
        Format::Bitwarden => bitwarden::import(bytes),
        Format::AndOtp => andotp::import(bytes),
        Format::FreeOtpPlus => freeotp_plus::import(bytes),
        Format::OtpauthList => otpauth_list::import(bytes),
    }
}

/// What a backup would restore, without keeping any secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupSummary {
    /// The backup's format.
    pub format: Format,
    /// True when the password was needed (and worked).
    pub encrypted: bool,
    /// Time-based accounts (TOTP).
    pub totp: usize,
    /// Counter-based accounts (HOTP).
    pub hotp: usize,
    /// Steam Guard accounts.
    pub steam: usize,
    /// Entries that would not be restored, with reasons.
    pub skipped: Vec<Skipped>,
}

impl BackupSummary {
    /// Accounts that would be restored.
    pub fn restorable(&self) -> usize {
        self.totp + self.hotp + self.steam
    }
}

/// Decrypts and reads a backup completely and counts what it would restore (`duet backup
/// verify`), so a user learns that the file and the password work before they are needed.
///
/// # Errors
/// As [`import`]; `E_TRANSFER_WRONG_PASSWORD` is the one that matters most here.
pub fn verify_backup(bytes: &[u8], password: Option<&str>) -> Result<BackupSummary, TransferError> {
    let report = import(bytes, password)?;
    let mut summary = BackupSummary {
        format: report.format,
        encrypted: report.encrypted,
        totp: 0,
        hotp: 0,
        steam: 0,
        skipped: report.skipped,
    };
    for a in &report.accounts {
        match a.params.kind {
            OtpKind::Totp { .. } => summary.totp += 1,
            OtpKind::Hotp { .. } => summary.hotp += 1,
            OtpKind::Steam { .. } => summary.steam += 1,
        }
    }
    Ok(summary)
}

/// Writes an Aegis-compatible encrypted vault (Aegis `docs/vault.md`): one password slot,
/// scrypt with `kdf` (use [`ScryptParams::AEGIS`]), AES-256-GCM. Aegis imports it with the
/// password. Random master key, salt, nonces and UUIDs come from `rng`.
///
/// # Errors
/// `E_TRANSFER_EMPTY_PASSWORD`, `E_TRANSFER_RANDOM`, `E_TRANSFER_KDF_LIMITS` (invalid `kdf`).
pub fn export_aegis_encrypted(
    accounts: &[OtpAccount],
    password: &str,
    kdf: ScryptParams,
    rng: &mut dyn RandomSource,
) -> Result<Export, TransferError> {
    aegis::export_encrypted(accounts, password, kdf, rng)
}

/// Writes one `otpauth://` URI per line. The result is not encrypted: it holds every secret.
pub fn export_otpauth_list(accounts: &[OtpAccount]) -> Export {
    Export { data: otpauth_list::export(accounts), exported: accounts.len(), skipped: Vec::new() }
}

/// Writes Google Authenticator transfer links (`otpauth-migration://`), split so each fits a QR
/// code phones scan reliably. `batch_id` identifies the transfer: pass a random number.
pub fn export_google(accounts: &[OtpAccount], batch_id: i32) -> GoogleExport {
    google::export(accounts, batch_id)
}
