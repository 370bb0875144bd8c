//! Shared checks that turn one source entry's loose fields into an [`OtpAccount`].
//!
//! Every importer funnels its entries through [`Fields::into_account`], so all formats apply the
//! same limits and give the same skip codes for the same problem.

use serde::{Deserialize, Deserializer};
use zeroize::Zeroizing;

use super::error::{EntryProblem, skip};
use crate::OtpAccount;
use crate::otp::{
    Algorithm, DEFAULT_PERIOD, MAX_DIGITS, MAX_PERIOD, MIN_DIGITS, MIN_PERIOD, OtpError, OtpKind, OtpParams, STEAM_DIGITS,
};
use crate::secret::Secret;

/// A string read from a backup that holds key material: wiped when dropped.
pub(crate) struct SecretString(pub Zeroizing<String>);

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| SecretString(Zeroizing::new(s)))
    }
}

/// The OTP kind as the source names it, already mapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Totp,
    Hotp,
    Steam,
}

/// Maps a source's type name ("totp", "HOTP", "Steam") to a kind duet computes.
pub(crate) fn kind_from_name(name: &str) -> Result<Kind, EntryProblem> {
    match name.to_ascii_lowercase().as_str() {
        "totp" => Ok(Kind::Totp),
        "hotp" => Ok(Kind::Hotp),
        "steam" => Ok(Kind::Steam),
        other => Err(EntryProblem::new(
            skip::TYPE,
            format!("its OTP type \"{}\" is not one duet computes (TOTP, HOTP and Steam are)", printable(other)),
        )),
    }
}

/// Maps "SHA1", "sha-256", "HmacSHA512" to an [`Algorithm`]; absent means SHA-1 (RFC 6238's default).
pub(crate) fn algorithm_from_name(name: Option<&str>) -> Result<Algorithm, EntryProblem> {
    let Some(name) = name else { return Ok(Algorithm::Sha1) };
    let norm: String = name.to_ascii_uppercase().replace(['-', '_'], "");
    match norm.strip_prefix("HMAC").unwrap_or(&norm) {
        "SHA1" => Ok(Algorithm::Sha1),
        "SHA256" => Ok(Algorithm::Sha256),
        "SHA512" => Ok(Algorithm::Sha512),
        _ => Err(EntryProblem::new(
            skip::ALGORITHM,
            format!("its algorithm \"{}\" is not SHA1, SHA256 or SHA512", printable(name)),
        )),
    }
}

/// Decodes a Base32 secret as apps write it (any case, optional padding, spaces), with the same
/// rules as `otpauth://` URIs.
pub(crate) fn secret_from_base32(text: &str) -> Result<Secret, EntryProblem> {
    let text = Zeroizing::new(text.replace('-', ""));
    crate::uri::decode_secret(&text).map_err(|e| match e {
        crate::uri::UriError::SecretEmpty => EntryProblem::new(skip::SECRET, "its secret is empty"),
        _ => EntryProblem::new(skip::SECRET, "its secret is not valid Base32"),
    })
}

/// Longest secret accepted (a 4096-bit key is far beyond any real account).
const MAX_SECRET_BYTES: usize = 512;

/// Loose fields of one entry, as most formats store them.
pub(crate) struct Fields {
    pub issuer: Option<String>,
    pub name: String,
    pub kind: Kind,
    pub algorithm: Algorithm,
    pub digits: Option<u64>,
    pub period: Option<u64>,
    pub counter: Option<u64>,
    pub secret: Secret,
}

impl Fields {
    /// Checks the fields against duet's limits and builds the account.
    pub(crate) fn into_account(self) -> Result<OtpAccount, EntryProblem> {
        if self.secret.is_empty() {
            return Err(EntryProblem::new(skip::SECRET, "its secret is empty"));
        }
        if self.secret.len() > MAX_SECRET_BYTES {
            return Err(EntryProblem::new(skip::SECRET, "its secret is implausibly long"));
        }
        // Range checks are the OTP engine's (OtpParams::validate); only the u64 -> narrow
        // conversion happens here, so a huge value cannot wrap into range.
        let period = match self.period.unwrap_or(u64::from(DEFAULT_PERIOD)) {
            p if p <= u64::from(MAX_PERIOD) => p as u32,
            p => return Err(period_problem(p)),
        };
        let digits = match self.digits.unwrap_or(6) {
            d if d <= u64::from(MAX_DIGITS) => d as u8,
            d => return Err(digits_problem(d)),
        };
        let params = match self.kind {
            Kind::Totp => OtpParams { kind: OtpKind::Totp { period, t0: 0 }, algorithm: self.algorithm, digits },
            Kind::Hotp => OtpParams {
                kind: OtpKind::Hotp { counter: self.counter.unwrap_or(0) },
                algorithm: self.algorithm,
                digits,
            },
            // Steam Guard is always HMAC-SHA1 with 5 characters; sources store other values loosely.
            Kind::Steam => {
                if self.algorithm != Algorithm::Sha1 {
                    return Err(EntryProblem::new(skip::ALGORITHM, "Steam accounts must use SHA1"));
                }
                OtpParams { kind: OtpKind::Steam { period }, algorithm: Algorithm::Sha1, digits: STEAM_DIGITS }
            }
        };
        params.validate().map_err(|e| match e {
            OtpError::PeriodRange { period } => period_problem(period.into()),
            OtpError::DigitsRange { digits } => digits_problem(digits.into()),
            other => EntryProblem::new(skip::MALFORMED, other.to_string()),
        })?;
        let issuer = self.issuer.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(OtpAccount { issuer, name: self.name.trim().to_string(), secret: self.secret, params, extra: Vec::new() })
    }
}

fn period_problem(p: u64) -> EntryProblem {
    EntryProblem::new(skip::PERIOD, format!("its time step of {p} seconds is outside {MIN_PERIOD} to {MAX_PERIOD}"))
}

fn digits_problem(d: u64) -> EntryProblem {
    EntryProblem::new(skip::DIGITS, format!("its {d} digits are outside {MIN_DIGITS} to {MAX_DIGITS}"))
}

/// "Issuer: name" as users see it, for skip reports.
pub(crate) fn label(issuer: Option<&str>, name: Option<&str>, index: usize) -> String {
    let issuer = issuer.map(str::trim).filter(|s| !s.is_empty());
    let name = name.map(str::trim).filter(|s| !s.is_empty());
    let text = match (issuer, name) {
        (Some(i), Some(n)) => format!("{i}: {n}"),
        (Some(i), None) => i.to_string(),
        (None, Some(n)) => n.to_string(),
        (None, None) => format!("entry {}", index + 1),
    };
    printable(&text)
}

/// Keeps text from a file safe to print on a terminal: control characters become `?`, and very
/// long values are cut.
pub(crate) fn printable(text: &str) -> String {
    let mut out: String = text.chars().take(80).map(|c| if c.is_control() { '?' } else { c }).collect();
    if text.chars().count() > 80 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_accepts_what_apps_write() {
        // RFC 4648 test vector: "foobar" = MZXW6YTBOI======
        for s in ["MZXW6YTBOI======", "mzxw6ytboi", "MZXW 6YTB OI", "MZXW-6YTB-OI=="] {
            assert_eq!(secret_from_base32(s).unwrap().expose(), b"foobar", "{s}");
        }
    }

    #[test]
    fn base32_rejects_garbage() {
        for s in ["", "====", "MZXW6YTB1", "M", "Ü"] {
            assert_eq!(secret_from_base32(s).unwrap_err().code, skip::SECRET, "{s}");
        }
    }

    #[test]
    fn algorithm_names() {
        assert_eq!(algorithm_from_name(Some("HmacSHA256")).unwrap(), Algorithm::Sha256);
        assert_eq!(algorithm_from_name(Some("sha-512")).unwrap(), Algorithm::Sha512);
        assert_eq!(algorithm_from_name(None).unwrap(), Algorithm::Sha1);
        assert_eq!(algorithm_from_name(Some("MD5")).unwrap_err().code, skip::ALGORITHM);
    }

    #[test]
    fn labels_are_printable() {
        assert_eq!(label(Some("A\u{1b}[31m"), Some("b"), 0), "A?[31m: b");
        assert_eq!(label(None, Some(" "), 4), "entry 5");
    }
}
