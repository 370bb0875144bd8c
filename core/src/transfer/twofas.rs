//! 2FAS Authenticator backups (`.2fas`), plain and password-encrypted.
//!
//! Format read from 2FAS's public Android source (core/cipher/.../backup): the services list is
//! JSON; when encrypted, `servicesEncrypted` is `base64(ciphertext||tag):base64(salt):base64(iv)`,
//! with the key PBKDF2-HMAC-SHA256(password, salt, 10 000 iterations, 256 bits) and AES-256-GCM.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::crypto;
use super::entry::{self, Fields, Kind, SecretString};
use super::error::{EntryProblem, Skipped, TransferError, skip};
use super::{Format, ImportReport};
use crate::OtpAccount;

pub(crate) const NAME: &str = "2FAS";

/// PBKDF2 iteration count fixed by 2FAS (BackupKeyGeneratorPbkdf).
const PBKDF2_ITERATIONS: u32 = 10_000;

#[derive(Deserialize)]
struct Backup<'a> {
    #[serde(rename = "schemaVersion")]
    schema_version: u64,
    #[serde(borrow, default)]
    services: Option<Vec<&'a RawValue>>,
    #[serde(rename = "servicesEncrypted")]
    services_encrypted: Option<String>,
}

#[derive(Deserialize)]
struct Service {
    name: Option<String>,
    secret: SecretString,
    otp: Option<Otp>,
}

#[derive(Deserialize)]
struct Otp {
    account: Option<String>,
    label: Option<String>,
    issuer: Option<String>,
    digits: Option<u64>,
    period: Option<u64>,
    counter: Option<u64>,
    algorithm: Option<String>,
    #[serde(rename = "tokenType")]
    token_type: Option<String>,
}

#[derive(Deserialize)]
struct LabelProbe {
    name: Option<String>,
    otp: Option<OtpLabel>,
}

#[derive(Deserialize)]
struct OtpLabel {
    account: Option<String>,
    label: Option<String>,
}

fn corrupt(detail: &'static str) -> TransferError {
    TransferError::Corrupt { format: NAME, detail }
}

pub(crate) fn is_encrypted(bytes: &[u8]) -> Result<bool, TransferError> {
    let b: Backup = serde_json::from_slice(bytes).map_err(|_| corrupt("its structure is unreadable"))?;
    Ok(b.services_encrypted.is_some())
}

pub(crate) fn import(bytes: &[u8], password: Option<&str>) -> Result<ImportReport, TransferError> {
    let backup: Backup = serde_json::from_slice(bytes).map_err(|_| corrupt("its structure is unreadable"))?;
    // Schema 1 to 4 share the service fields duet reads; later ones may not.
    if !(1..=4).contains(&backup.schema_version) {
        return Err(TransferError::UnsupportedVersion { format: NAME, version: backup.schema_version });
    }
    if let Some(sealed) = &backup.services_encrypted {
        let password = password.ok_or(TransferError::PasswordRequired)?;
        let mut parts = sealed.split(':');
        let (Some(ct), Some(salt), Some(iv), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(corrupt("its encrypted part does not have three pieces"));
        };
        let ct = crypto::base64_decode(ct).ok_or(corrupt("its encrypted part is not Base64"))?;
        let salt = crypto::base64_decode(salt).ok_or(corrupt("its salt is not Base64"))?;
        let iv = crypto::base64_decode(iv).ok_or(corrupt("its IV is not Base64"))?;
        if iv.len() != crypto::NONCE_LEN {
            return Err(corrupt("its IV has the wrong length"));
        }
        let key = crypto::pbkdf2_sha256_key(password.as_bytes(), &salt, PBKDF2_ITERATIONS);
        let plain = crypto::gcm_open(&key, &iv, &ct).ok_or(TransferError::WrongPassword)?;
        let services: Vec<&RawValue> =
            serde_json::from_slice(&plain).map_err(|_| corrupt("its decrypted service list is unreadable"))?;
        let (accounts, skipped) = convert(&services);
        Ok(ImportReport { format: Format::TwoFas, encrypted: true, accounts, skipped })
    } else {
        let services = backup.services.ok_or(corrupt("it has no service list"))?;
        let (accounts, skipped) = convert(&services);
        Ok(ImportReport { format: Format::TwoFas, encrypted: false, accounts, skipped })
    }
}

fn convert(services: &[&RawValue]) -> (Vec<OtpAccount>, Vec<Skipped>) {
    let mut accounts = Vec::new();
    let mut skipped = Vec::new();
    for (index, raw) in services.iter().enumerate() {
        match parse_service(raw.get()) {
            Ok(a) => accounts.push(a),
            Err(problem) => {
                let probe: Option<LabelProbe> = serde_json::from_str(raw.get()).ok();
                let name = probe.as_ref().and_then(|p| p.otp.as_ref()).and_then(|o| o.account.clone().or(o.label.clone()));
                let label = entry::label(probe.as_ref().and_then(|p| p.name.as_deref()), name.as_deref(), index);
                skipped.push(problem.at(index, label));
            }
        }
    }
    (accounts, skipped)
}

fn parse_service(raw: &str) -> Result<OtpAccount, EntryProblem> {
    let s: Service = serde_json::from_str(raw)
        .map_err(|_| EntryProblem::new(skip::MALFORMED, "it lacks a secret, or a field has the wrong type"))?;
    let otp = s.otp.unwrap_or(Otp {
        account: None,
        label: None,
        issuer: None,
        digits: None,
        period: None,
        counter: None,
        algorithm: None,
        token_type: None,
    });
    // Old schemas have no tokenType: every service was TOTP then.
    let kind = match otp.token_type.as_deref() {
        None => Kind::Totp,
        Some(t) => entry::kind_from_name(t)?,
    };
    // 2FAS keeps the service name as the visible issuer; otp.issuer is what the QR code said.
    let issuer = s.name.filter(|n| !n.trim().is_empty()).or(otp.issuer);
    Fields {
        issuer,
        name: otp.account.or(otp.label).unwrap_or_default(),
        kind,
        algorithm: entry::algorithm_from_name(otp.algorithm.as_deref())?,
        digits: otp.digits,
        period: otp.period,
        counter: otp.counter,
        secret: entry::secret_from_base32(&s.secret.0)?,
    }
    .into_account()
}
