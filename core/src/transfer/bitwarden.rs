//! Bitwarden unencrypted JSON exports: `{"encrypted": false, "items": [{name, login: {username,
//! totp}}]}`. `login.totp` holds an `otpauth://` URI, `steam://SECRET`, or a bare Base32 secret
//! (which Bitwarden treats as TOTP, SHA1, 6 digits, 30 s).

use serde::Deserialize;
use serde_json::value::RawValue;

use super::entry::{self, Fields, Kind, SecretString};
use super::error::{EntryProblem, TransferError, skip};
use super::{Format, ImportReport};
use crate::ErrorCode;
use crate::OtpAccount;
use crate::otp::Algorithm;

pub(crate) const NAME: &str = "Bitwarden";

#[derive(Deserialize)]
struct Export<'a> {
    encrypted: Option<bool>,
    #[serde(borrow)]
    items: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct Item {
    name: Option<String>,
    login: Option<Login>,
}

#[derive(Deserialize)]
struct Login {
    username: Option<String>,
    totp: Option<SecretString>,
}

#[derive(Deserialize)]
struct LabelProbe {
    name: Option<String>,
}

pub(crate) fn import(bytes: &[u8]) -> Result<ImportReport, TransferError> {
    let export: Export = serde_json::from_slice(bytes)
        .map_err(|_| TransferError::Corrupt { format: NAME, detail: "its item list is unreadable" })?;
    if export.encrypted == Some(true) {
        return Err(TransferError::UnsupportedEncryption {
            detail: "Encrypted Bitwarden exports cannot be read; in Bitwarden, export the vault as unencrypted JSON (.json) and delete that file after the import.",
        });
    }
    let items = export.items.ok_or(TransferError::Corrupt { format: NAME, detail: "it has no item list" })?;
    let mut report = ImportReport { format: Format::Bitwarden, encrypted: false, accounts: vec![], skipped: vec![] };
    for (index, raw) in items.iter().enumerate() {
        match parse_item(raw.get()) {
            Ok(a) => report.accounts.push(a),
            Err(problem) => {
                let probe: Option<LabelProbe> = serde_json::from_str(raw.get()).ok();
                let label = entry::label(probe.as_ref().and_then(|p| p.name.as_deref()), None, index);
                report.skipped.push(problem.at(index, label));
            }
        }
    }
    Ok(report)
}

fn parse_item(raw: &str) -> Result<OtpAccount, EntryProblem> {
    let item: Item = serde_json::from_str(raw)
        .map_err(|_| EntryProblem::new(skip::MALFORMED, "a field of this item has the wrong type"))?;
    let no_otp = || EntryProblem::new(skip::NO_OTP, "this item has no one-time password (no TOTP field)");
    let login = item.login.ok_or_else(no_otp)?;
    let totp = login.totp.ok_or_else(no_otp)?;
    let totp = totp.0.trim();
    if totp.is_empty() {
        return Err(no_otp());
    }
    let item_name = item.name.filter(|n| !n.trim().is_empty());
    let username = login.username.unwrap_or_default();
    if totp.get(..10).is_some_and(|p| p.eq_ignore_ascii_case("otpauth://")) {
        let mut account = crate::uri::parse(totp).map_err(|e| EntryProblem::new(e.code(), e.to_string()))?.account;
        // A URI without an issuer or name takes them from the Bitwarden item, as Bitwarden shows it.
        if account.issuer.is_none() {
            account.issuer = item_name;
        }
        if account.name.is_empty() {
            account.name = username;
        }
        return Ok(account);
    }
    let (kind, secret) = match totp.get(..8) {
        Some(p) if p.eq_ignore_ascii_case("steam://") => (Kind::Steam, &totp[8..]),
        _ => (Kind::Totp, totp),
    };
    Fields {
        issuer: item_name,
        name: username,
        kind,
        algorithm: Algorithm::Sha1,
        digits: None,
        period: None,
        counter: None,
        secret: entry::secret_from_base32(secret)?,
    }
    .into_account()
}
