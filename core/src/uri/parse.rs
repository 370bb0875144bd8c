//! Reading `otpauth://TYPE/[ISSUER:]NAME?secret=...&...` (Google's Key URI
//! Format and its de-facto extensions): lenient about form, strict about ranges.

use super::base32::decode_secret;
use super::encoding::{decode_label, decode_value};
use super::error::excerpt;
use super::params::{Known, UriType, interpret};
use super::{MAX_URI_LEN, Parsed, UriError, UriWarning};
use crate::account::OtpAccount;
use crate::otp::{
    Algorithm, DEFAULT_PERIOD, MAX_DIGITS, MAX_PERIOD, MIN_DIGITS, MIN_PERIOD, OtpKind, OtpParams,
    STEAM_DIGITS,
};
use zeroize::Zeroizing;

/// RFC 4226 section 4 asks for at least 128-bit secrets; shorter ones get a warning.
const RECOMMENDED_SECRET_BITS: usize = 128;

/// The interpreted parameters, each at most once.
#[derive(Default)]
struct Slots {
    secret: Option<Zeroizing<String>>,
    issuer: Option<String>,
    algorithm: Option<String>,
    digits: Option<String>,
    period: Option<String>,
    counter: Option<String>,
    t0: Option<String>,
    encoder_steam: bool,
}

impl Slots {
    /// Stores a value; the same parameter twice is fine only with the same value.
    fn put(&mut self, known: Known, value: String) -> Result<(), UriError> {
        let slot = match known {
            Known::Secret => {
                let value = Zeroizing::new(value);
                return match &self.secret {
                    Some(old) if **old != *value => Err(UriError::ParamDuplicate { param: "secret" }),
                    Some(_) => Ok(()),
                    None => {
                        self.secret = Some(value);
                        Ok(())
                    }
                };
            }
            Known::EncoderSteam => {
                self.encoder_steam = true;
                return Ok(());
            }
            Known::Issuer => &mut self.issuer,
            Known::Algorithm => &mut self.algorithm,
            Known::Digits => &mut self.digits,
            Known::Period => &mut self.period,
            Known::Counter => &mut self.counter,
            Known::T0 => &mut self.t0,
        };
        match slot {
            Some(old) if *old != value => Err(UriError::ParamDuplicate { param: known.name() }),
            Some(_) => Ok(()),
            None => {
                *slot = Some(value);
                Ok(())
            }
        }
    }
}

/// Reads one `otpauth://` URI. See the module documentation for what is accepted.
///
/// # Errors
/// A [`UriError`] with a stable code; the message never contains the secret.
pub fn parse(input: &str) -> Result<Parsed, UriError> {
    if input.len() > MAX_URI_LEN {
        return Err(UriError::TooLong);
    }
    let input = input.trim();
    let (scheme, rest) = match input.split_once("://") {
        Some(parts) => parts,
        None => {
            let lower = input.get(..18).unwrap_or("").to_ascii_lowercase();
            return Err(if lower == "otpauth-migration:" {
                UriError::IsMigration
            } else {
                UriError::Scheme
            });
        }
    };
    if scheme.eq_ignore_ascii_case("otpauth-migration") {
        return Err(UriError::IsMigration);
    }
    if !scheme.eq_ignore_ascii_case("otpauth") {
        return Err(UriError::Scheme);
    }

    // A raw '#' is data here, not a fragment: real labels contain it unescaped.
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (host, raw_label) = path.split_once('/').unwrap_or((path, ""));
    let ty = UriType::from_host(host).ok_or_else(|| UriError::Type { found: excerpt(host) })?;

    let mut slots = Slots::default();
    let mut extra = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode_value(raw_key)?;
        let value = decode_value(raw_value)?;
        match interpret(ty, &key, &value) {
            Some(known) => slots.put(known, value)?,
            None => extra.push((key, value)),
        }
    }

    let mut warnings = Vec::new();
    let (label_issuer, name) = split_label(&decode_label(raw_label)?);
    let param_issuer = slots.issuer.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let issuer = match (label_issuer, param_issuer) {
        (Some(label), Some(param)) => {
            if label.to_lowercase() != param.to_lowercase() {
                warnings.push(UriWarning::IssuerMismatch { label, param: param.to_string() });
            }
            Some(param.to_string())
        }
        (label, param) => param.map(str::to_string).or(label),
    };

    let secret = decode_secret(slots.secret.as_deref().ok_or(UriError::SecretMissing)?)?;
    let bits = secret.len() * 8;
    if bits < RECOMMENDED_SECRET_BITS {
        warnings.push(UriWarning::SecretShort { bits });
    }

    let algorithm = match nonempty(&slots.algorithm) {
        None => Algorithm::Sha1,
        Some(a) => parse_algorithm(a)?,
    };
    let digits = match nonempty(&slots.digits) {
        None => None,
        Some(d) => Some(d.parse::<u8>().map_err(|_| UriError::Digits)?),
    };
    let period = match nonempty(&slots.period) {
        None => DEFAULT_PERIOD,
        Some(p) => p
            .parse::<u32>()
            .ok()
            .filter(|p| (MIN_PERIOD..=MAX_PERIOD).contains(p))
            .ok_or(UriError::Period)?,
    };
    let t0 = match nonempty(&slots.t0) {
        None => 0,
        Some(t) => t.parse::<u64>().map_err(|_| UriError::T0)?,
    };

    // Steam Guard written as TOTP: KeePassXC's `encoder=steam`, or issuer Steam
    // with 5 digits (5 digits means nothing else, so this guess cannot break a
    // working account).
    let steam_issuer = issuer.as_deref().is_some_and(|i| i.eq_ignore_ascii_case("steam"));
    let steam_totp =
        ty == UriType::Totp && (slots.encoder_steam || (steam_issuer && digits == Some(STEAM_DIGITS)));
    if steam_totp {
        warnings.push(UriWarning::SteamAssumed);
        if t0 != 0 {
            return Err(UriError::T0);
        }
    }

    let (kind, digits) = if ty == UriType::Steam || steam_totp {
        if digits.is_some_and(|d| d != STEAM_DIGITS) {
            return Err(UriError::Digits);
        }
        (OtpKind::Steam { period }, STEAM_DIGITS)
    } else {
        let digits = digits.unwrap_or(6);
        if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits) {
            return Err(UriError::Digits);
        }
        let kind = if ty == UriType::Hotp {
            let counter = match nonempty(&slots.counter) {
                None => {
                    warnings.push(UriWarning::CounterMissing);
                    0
                }
                Some(c) => c.parse::<u64>().map_err(|_| UriError::Counter)?,
            };
            OtpKind::Hotp { counter }
        } else {
            OtpKind::Totp { period, t0 }
        };
        (kind, digits)
    };

    Ok(Parsed {
        account: OtpAccount { issuer, name, secret, params: OtpParams { kind, algorithm, digits }, extra },
        warnings,
    })
}

/// Splits a decoded label at its first `:` into issuer prefix and account name,
/// trimming the optional spaces around the colon. An empty prefix means none.
fn split_label(label: &str) -> (Option<String>, String) {
    match label.split_once(':') {
        Some((issuer, name)) => {
            let issuer = issuer.trim();
            ((!issuer.is_empty()).then(|| issuer.to_string()), name.trim().to_string())
        }
        None => (None, label.trim().to_string()),
    }
}

/// An interpreted value, with `param=` (empty) treated as absent: some generators
/// emit every parameter, filled or not.
fn nonempty(slot: &Option<String>) -> Option<&str> {
    slot.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// `SHA1`, `sha256`, `SHA-512`, ...
fn parse_algorithm(a: &str) -> Result<Algorithm, UriError> {
    match a.to_ascii_uppercase().replace('-', "").as_str() {
        "SHA1" => Ok(Algorithm::Sha1),
        "SHA256" => Ok(Algorithm::Sha256),
        "SHA512" => Ok(Algorithm::Sha512),
        _ => Err(UriError::Algorithm { found: excerpt(a) }),
    }
}
