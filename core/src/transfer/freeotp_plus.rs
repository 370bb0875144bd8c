//! FreeOTP+ JSON exports: `{"tokenOrder": [...], "tokens": [{algo, counter, digits, issuerExt,
//! label, period, secret, type}]}` where `secret` is the raw key as an array of signed bytes.

use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use super::entry::{self, Fields, Kind};
use super::error::{EntryProblem, TransferError, skip};
use super::{Format, ImportReport};
use crate::OtpAccount;
use crate::secret::Secret;

pub(crate) const NAME: &str = "FreeOTP+";

#[derive(Deserialize)]
struct Export<'a> {
    #[serde(borrow)]
    tokens: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Token {
    algo: Option<String>,
    counter: Option<i64>,
    digits: Option<u64>,
    #[serde(rename = "issuerExt")]
    issuer_ext: Option<String>,
    label: Option<String>,
    period: Option<u64>,
    secret: SignedBytes,
    #[serde(rename = "type")]
    kind: String,
}

/// Java's signed bytes (-128..=127), wiped when dropped.
struct SignedBytes(Zeroizing<Vec<u8>>);

impl<'de> Deserialize<'de> for SignedBytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let values: Zeroizing<Vec<i16>> = Zeroizing::new(Vec::<i16>::deserialize(d)?);
        let mut out = Zeroizing::new(Vec::with_capacity(values.len()));
        for &v in values.iter() {
            let b = i8::try_from(v).map_err(|_| serde::de::Error::custom("byte out of range"))?;
            out.push(b as u8);
        }
        Ok(SignedBytes(out))
    }
}

#[derive(Deserialize)]
struct LabelProbe {
    #[serde(rename = "issuerExt")]
    issuer_ext: Option<String>,
    label: Option<String>,
}

pub(crate) fn import(bytes: &[u8]) -> Result<ImportReport, TransferError> {
    let export: Export = serde_json::from_slice(bytes)
        .map_err(|_| TransferError::Corrupt { format: NAME, detail: "its token list is unreadable" })?;
    let mut report = ImportReport { format: Format::FreeOtpPlus, encrypted: false, accounts: vec![], skipped: vec![] };
    for (index, raw) in export.tokens.iter().enumerate() {
        match parse_token(raw.get()) {
            Ok(a) => report.accounts.push(a),
            Err(problem) => {
                let probe: Option<LabelProbe> = serde_json::from_str(raw.get()).ok();
                let label = entry::label(
                    probe.as_ref().and_then(|p| p.issuer_ext.as_deref()),
                    probe.as_ref().and_then(|p| p.label.as_deref()),
                    index,
                );
                report.skipped.push(problem.at(index, label));
            }
        }
    }
    Ok(report)
}

fn parse_token(raw: &str) -> Result<OtpAccount, EntryProblem> {
    let t: Token = serde_json::from_str(raw).map_err(|_| {
        EntryProblem::new(skip::MALFORMED, "it lacks a secret or type, or a field has the wrong type or range")
    })?;
    let mut kind = entry::kind_from_name(&t.kind)?;
    // FreeOTP+ has no Steam type; Steam accounts are stored as 5-digit TOTP with issuer "Steam"
    // (the same rule Aegis's importer applies).
    if kind == Kind::Totp && t.digits == Some(5) && t.issuer_ext.as_deref() == Some("Steam") {
        kind = Kind::Steam;
    }
    // FreeOTP+ stores the HOTP counter it last used: its URI reader stores `counter - 1` and its
    // URI writer adds 1 back (OtpTokenFactory.kt). duet stores the next counter to use, like an
    // otpauth URI. Erring upward is safe: a server's look-ahead window absorbs one skipped value,
    // while reusing a counter would show a code already spent.
    // A fresh token added from a URI with counter 0 is stored as -1.
    let counter = match t.counter {
        None => None,
        // i64::MAX + 1 still fits the u64 duet keeps.
        Some(c) if c >= -1 => Some((c as i128 + 1) as u64),
        Some(_) => return Err(EntryProblem::new(skip::MALFORMED, "its HOTP counter is negative")),
    };
    Fields {
        issuer: t.issuer_ext,
        name: t.label.unwrap_or_default(),
        kind,
        algorithm: entry::algorithm_from_name(t.algo.as_deref())?,
        digits: t.digits,
        period: t.period,
        counter,
        secret: Secret::new(t.secret.0.to_vec()),
    }
    .into_account()
}
