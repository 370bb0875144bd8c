//! Writing accounts as Google Authenticator transfer codes, split so each
//! code, rendered at error correction M, is a QR code of version 20 or
//! smaller (the size phones scan reliably from another phone's screen).
//!
//! Fit is checked by rendering with the `qrcode` crate, not estimated.

use super::proto::{MigrationPayload, OtpParameters, ProtoAlgorithm, ProtoDigits, ProtoType};
use super::{SkipReason, Skipped};
use crate::account::OtpAccount;
use crate::otp::{Algorithm, DEFAULT_PERIOD, OtpKind};
use base64::Engine as _;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use prost::Message as _;
use qrcode::{EcLevel, QrCode, Version};

/// Largest QR version a transfer code may need.
pub const MAX_QR_VERSION: i16 = 20;

/// The result of an export.
#[derive(Debug, Default)]
pub struct Exported {
    /// One `otpauth-migration://` URI per QR code, in order (they contain secrets).
    pub uris: Vec<String>,
    /// Accounts the format cannot carry, and why; they are not in `uris`.
    pub skipped: Vec<Skipped>,
}

/// The QR version (1-40) that `text` needs at error correction M, or `None`
/// if it does not fit any.
pub fn qr_version(text: &str) -> Option<i16> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    match code.version() {
        Version::Normal(v) => Some(v),
        Version::Micro(_) => Some(1),
    }
}

/// Renders the full QR code (modules, error correction, mask) and checks its version.
fn fits(uri: &str) -> bool {
    qr_version(uri).is_some_and(|v| v <= MAX_QR_VERSION)
}

/// The same version choice without drawing the symbol: the crate's own data
/// encoder picks the version before rendering, so this is exact and much
/// cheaper for the many trial packings; every final part is still rendered.
fn fits_data(uri: &str) -> bool {
    match qrcode::bits::encode_auto(uri.as_bytes(), EcLevel::M).map(|b| b.version()) {
        Ok(Version::Normal(v)) => v <= MAX_QR_VERSION,
        Ok(Version::Micro(_)) => true,
        Err(_) => false,
    }
}

/// Exports `accounts` as transfer URIs. `batch_id` identifies this export (pass a
/// random number: randomness is the caller's, so tests are deterministic).
pub fn export(accounts: &[OtpAccount], batch_id: i32) -> Exported {
    let mut out = Exported::default();
    let mut carried = Vec::new();
    for a in accounts {
        match to_proto(a) {
            Ok(p) => carried.push((p, a)),
            Err(reason) => out.skipped.push(skipped(a, reason)),
        }
    }
    // Greedy packing with the batch fields at an upper bound of their final
    // values, so the final (smaller or equal) varints cannot make a part grow.
    let bound = i32::try_from(carried.len()).unwrap_or(i32::MAX);
    let mut groups: Vec<Vec<OtpParameters>> = Vec::new();
    let mut current: Vec<OtpParameters> = Vec::new();
    for (p, a) in carried {
        current.push(p);
        if fits_data(&uri_of(&current, bound, bound, batch_id)) {
            continue;
        }
        let p = current.pop().expect("just pushed");
        if !current.is_empty() {
            groups.push(std::mem::take(&mut current));
        }
        current.push(p);
        if !fits_data(&uri_of(&current, bound, bound, batch_id)) {
            current.clear();
            out.skipped.push(skipped(a, SkipReason::TooLarge));
        }
    }
    if !current.is_empty() {
        groups.push(current);
    }
    // Final parts with the real numbers, each rendered once more to be sure;
    // a part that somehow grew is split in two (never happens with byte-mode
    // data, but the guarantee must not rest on that).
    loop {
        let size = i32::try_from(groups.len()).unwrap_or(i32::MAX);
        let uris: Vec<String> =
            groups.iter().enumerate().map(|(i, g)| uri_of(g, size, i as i32, batch_id)).collect();
        match uris.iter().position(|u| !fits(u)) {
            None => {
                out.uris = uris;
                return out;
            }
            Some(i) => {
                let mut first = groups.remove(i);
                let second = first.split_off(first.len() / 2);
                groups.insert(i, second);
                groups.insert(i, first);
            }
        }
    }
}

fn skipped(a: &OtpAccount, reason: SkipReason) -> Skipped {
    Skipped { issuer: a.issuer.clone().unwrap_or_default(), name: a.name.clone(), reason }
}

/// The account as the format carries it, or why it cannot be carried.
fn to_proto(a: &OtpAccount) -> Result<OtpParameters, SkipReason> {
    let params = &a.params;
    let (r#type, counter) = match params.kind {
        OtpKind::Steam { .. } => return Err(SkipReason::Steam),
        OtpKind::Totp { period, .. } if period != DEFAULT_PERIOD => return Err(SkipReason::Period),
        OtpKind::Totp { t0, .. } if t0 != 0 => return Err(SkipReason::T0),
        OtpKind::Totp { .. } => (ProtoType::Totp, 0),
        OtpKind::Hotp { counter } => (ProtoType::Hotp, i64::try_from(counter).map_err(|_| SkipReason::Counter)?),
    };
    let digits = match params.digits {
        6 => ProtoDigits::Six,
        8 => ProtoDigits::Eight,
        _ => return Err(SkipReason::Digits),
    };
    if a.secret.is_empty() {
        return Err(SkipReason::SecretEmpty);
    }
    let algorithm = match params.algorithm {
        Algorithm::Sha1 => ProtoAlgorithm::Sha1,
        Algorithm::Sha256 => ProtoAlgorithm::Sha256,
        Algorithm::Sha512 => ProtoAlgorithm::Sha512,
    };
    Ok(OtpParameters {
        secret: a.secret.expose().to_vec(),
        name: a.name.clone(),
        issuer: a.issuer.clone().unwrap_or_default(),
        algorithm: algorithm as i32,
        digits: digits as i32,
        r#type: r#type as i32,
        counter,
    })
}

/// `otpauth-migration://offline?data=` + percent-encoded standard Base64, as
/// Google Authenticator writes it.
fn uri_of(group: &[OtpParameters], size: i32, index: i32, id: i32) -> String {
    let payload = MigrationPayload {
        otp_parameters: group.to_vec(),
        version: 1,
        batch_size: size,
        batch_index: index,
        batch_id: id,
    };
    let bytes = zeroize::Zeroizing::new(payload.encode_to_vec());
    let b64 = zeroize::Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&*bytes));
    format!("otpauth-migration://offline?data={}", utf8_percent_encode(&b64, NON_ALPHANUMERIC))
}
