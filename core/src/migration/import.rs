//! Reading transfer codes: one QR code ([`decode_uri`]) and a multi-QR batch
//! ([`Batch`]), which detects missing, duplicate and foreign parts.

use super::proto::{MigrationPayload, OtpParameters, ProtoAlgorithm, ProtoDigits, ProtoType};
use super::{MigrationError, SkipReason, Skipped};
use crate::account::OtpAccount;
use crate::otp::{Algorithm, DEFAULT_PERIOD, OtpKind, OtpParams};
use crate::secret::Secret;
use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use percent_encoding::percent_decode_str;
use prost::Message as _;
use std::collections::BTreeMap;

/// Longest transfer URI read: far above QR capacity (about 3 KB), cheap to refuse.
pub const MAX_MIGRATION_URI_LEN: usize = 64 * 1024;

/// Standard alphabet, padding optional, stray trailing bits tolerated: real
/// exporters and copy-paste both produce such data.
const LENIENT_B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Position of one part in its transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchInfo {
    /// Number of parts (at least 1).
    pub size: u32,
    /// This part, from 0.
    pub index: u32,
    /// Shared by all parts of one transfer.
    pub id: i32,
}

/// One scanned transfer code, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// Where this part belongs.
    pub batch: BatchInfo,
    /// The accounts duet can use.
    pub accounts: Vec<OtpAccount>,
    /// The accounts left out, and why.
    pub skipped: Vec<Skipped>,
}

/// All accounts of a complete transfer.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Imported {
    /// Usable accounts, in part order.
    pub accounts: Vec<OtpAccount>,
    /// Accounts left out, and why.
    pub skipped: Vec<Skipped>,
}

/// Decodes one `otpauth-migration://offline?data=...` URI.
///
/// # Errors
/// `E_MIGRATION_*` codes for a wrong scheme, missing or damaged data, or a bad part number.
pub fn decode_uri(uri: &str) -> Result<Part, MigrationError> {
    if uri.len() > MAX_MIGRATION_URI_LEN {
        return Err(MigrationError::TooLong);
    }
    let uri = uri.trim();
    let (scheme, rest) = uri.split_once("://").ok_or(MigrationError::Scheme)?;
    if scheme.eq_ignore_ascii_case("otpauth") {
        return Err(MigrationError::IsAccount);
    }
    let (host, query) = rest.split_once('?').unwrap_or((rest, ""));
    if !scheme.eq_ignore_ascii_case("otpauth-migration")
        || !host.trim_end_matches('/').eq_ignore_ascii_case("offline")
    {
        return Err(MigrationError::Scheme);
    }
    let data = query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case("data"))
        .map(|(_, v)| v)
        .ok_or(MigrationError::DataMissing)?;
    // Percent-decode without form rules: a raw '+' is Base64, not a space.
    let data = percent_decode_str(data).decode_utf8().map_err(|_| MigrationError::Base64)?;
    // Undo what sloppy copying does: '+' read as a space, URL-safe alphabet, line breaks.
    let data: String = data
        .chars()
        .filter(|c| *c != '\n' && *c != '\r' && *c != '\t')
        .map(|c| match c {
            ' ' | '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    if data.is_empty() {
        return Err(MigrationError::DataMissing);
    }
    let bytes = zeroize::Zeroizing::new(LENIENT_B64.decode(data.as_bytes()).map_err(|_| MigrationError::Base64)?);
    decode_payload(&bytes)
}

/// Decodes the protobuf bytes of one part.
///
/// # Errors
/// `E_MIGRATION_PROTOBUF` or `E_MIGRATION_BATCH_INDEX`.
pub fn decode_payload(bytes: &[u8]) -> Result<Part, MigrationError> {
    let payload = MigrationPayload::decode(bytes).map_err(|_| MigrationError::Protobuf)?;
    // Old exports leave the batch fields at 0: one part.
    let size = payload.batch_size.max(1);
    if payload.batch_size < 0 || payload.batch_index < 0 || payload.batch_index >= size {
        return Err(MigrationError::BatchIndex);
    }
    let batch = BatchInfo { size: size as u32, index: payload.batch_index as u32, id: payload.batch_id };
    let mut accounts = Vec::new();
    let mut skipped = Vec::new();
    for p in &payload.otp_parameters {
        match account_from(p) {
            Ok(a) => accounts.push(a),
            Err(reason) => skipped.push(Skipped { issuer: p.issuer.clone(), name: p.name.clone(), reason }),
        }
    }
    Ok(Part { batch, accounts, skipped })
}

fn account_from(p: &OtpParameters) -> Result<OtpAccount, SkipReason> {
    if p.secret.is_empty() {
        return Err(SkipReason::SecretEmpty);
    }
    let algorithm = match p.algorithm {
        x if x == ProtoAlgorithm::Unspecified as i32 || x == ProtoAlgorithm::Sha1 as i32 => Algorithm::Sha1,
        x if x == ProtoAlgorithm::Sha256 as i32 => Algorithm::Sha256,
        x if x == ProtoAlgorithm::Sha512 as i32 => Algorithm::Sha512,
        _ => return Err(SkipReason::Algorithm),
    };
    let digits = match p.digits {
        x if x == ProtoDigits::Unspecified as i32 || x == ProtoDigits::Six as i32 => 6,
        x if x == ProtoDigits::Eight as i32 => 8,
        _ => return Err(SkipReason::Digits),
    };
    let kind = match p.r#type {
        x if x == ProtoType::Unspecified as i32 || x == ProtoType::Totp as i32 => {
            OtpKind::Totp { period: DEFAULT_PERIOD, t0: 0 }
        }
        x if x == ProtoType::Hotp as i32 => {
            OtpKind::Hotp { counter: u64::try_from(p.counter).map_err(|_| SkipReason::Counter)? }
        }
        _ => return Err(SkipReason::Type),
    };
    let (issuer, name) = split_name(&p.issuer, &p.name);
    Ok(OtpAccount {
        issuer,
        name,
        secret: Secret::new(p.secret.clone()),
        params: OtpParams { kind, algorithm, digits },
        extra: Vec::new(),
    })
}

/// Google Authenticator often stores the URI label (`Issuer:name`) as the name.
/// The prefix is dropped when it repeats the issuer, and becomes the issuer when
/// none is given; a different prefix stays part of the name.
fn split_name(issuer: &str, name: &str) -> (Option<String>, String) {
    let issuer = issuer.trim();
    match name.split_once(':') {
        Some((prefix, rest)) if issuer.is_empty() && !prefix.trim().is_empty() => {
            (Some(prefix.trim().to_string()), rest.trim().to_string())
        }
        Some((prefix, rest)) if prefix.trim().to_lowercase() == issuer.to_lowercase() => {
            (Some(issuer.to_string()), rest.trim().to_string())
        }
        _ => ((!issuer.is_empty()).then(|| issuer.to_string()), name.trim().to_string()),
    }
}

/// Collects the parts of a multi-QR transfer in any order.
///
/// Scanning the same code twice is harmless; a different code with the same
/// part number, or a part of another transfer, is an error.
#[derive(Debug, Default)]
pub struct Batch {
    parts: BTreeMap<u32, Part>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Self {
        Batch::default()
    }

    /// Adds one decoded part.
    ///
    /// # Errors
    /// `E_MIGRATION_BATCH_MISMATCH` or `E_MIGRATION_BATCH_DUPLICATE`.
    pub fn add(&mut self, part: Part) -> Result<(), MigrationError> {
        if let Some(first) = self.parts.values().next()
            && (first.batch.id != part.batch.id || first.batch.size != part.batch.size)
        {
            return Err(MigrationError::BatchMismatch);
        }
        match self.parts.get(&part.batch.index) {
            Some(old) if *old == part => Ok(()),
            Some(_) => Err(MigrationError::BatchDuplicate { part: part.batch.index + 1 }),
            None => {
                self.parts.insert(part.batch.index, part);
                Ok(())
            }
        }
    }

    /// Decodes and adds one transfer URI.
    ///
    /// # Errors
    /// As [`decode_uri`] and [`Batch::add`].
    pub fn add_uri(&mut self, uri: &str) -> Result<(), MigrationError> {
        self.add(decode_uri(uri)?)
    }

    /// The parts still to scan, numbered from 1 as people count them.
    pub fn missing(&self) -> Vec<u32> {
        let Some(first) = self.parts.values().next() else { return Vec::new() };
        (0..first.batch.size).filter(|i| !self.parts.contains_key(i)).map(|i| i + 1).collect()
    }

    /// All accounts, once every part is in.
    ///
    /// # Errors
    /// `E_MIGRATION_NOTHING` or `E_MIGRATION_BATCH_MISSING`.
    pub fn finish(self) -> Result<Imported, MigrationError> {
        let Some(first) = self.parts.values().next() else { return Err(MigrationError::Nothing) };
        let total = first.batch.size;
        let missing = self.missing();
        if !missing.is_empty() {
            return Err(MigrationError::BatchMissing { missing, total });
        }
        let mut out = Imported::default();
        for part in self.parts.into_values() {
            out.accounts.extend(part.accounts);
            out.skipped.extend(part.skipped);
        }
        Ok(out)
    }
}

/// Imports a whole transfer from its URIs (any order, repeats allowed).
///
/// # Errors
/// Any [`MigrationError`].
pub fn import<S: AsRef<str>>(uris: &[S]) -> Result<Imported, MigrationError> {
    let mut batch = Batch::new();
    for uri in uris {
        batch.add_uri(uri.as_ref())?;
    }
    batch.finish()
}
