//! andOTP plain JSON backups: a top-level array of entries
//! `{secret (Base32), issuer, label, digits, type, algorithm, period | counter, ...}`.
//!
//! andOTP's encrypted backups are binary and not read (docs/formats.md).

use serde::Deserialize;
use serde_json::value::RawValue;

use super::entry::{self, Fields, SecretString};
use super::error::{EntryProblem, TransferError, skip};
use super::{Format, ImportReport};
use crate::OtpAccount;

pub(crate) const NAME: &str = "andOTP";

#[derive(Deserialize)]
struct Entry {
    secret: SecretString,
    issuer: Option<String>,
    label: Option<String>,
    digits: Option<u64>,
    #[serde(rename = "type")]
    kind: String,
    algorithm: Option<String>,
    period: Option<u64>,
    counter: Option<u64>,
}

#[derive(Deserialize)]
struct LabelProbe {
    issuer: Option<String>,
    label: Option<String>,
}

pub(crate) fn import(bytes: &[u8]) -> Result<ImportReport, TransferError> {
    let entries: Vec<&RawValue> = serde_json::from_slice(bytes)
        .map_err(|_| TransferError::Corrupt { format: NAME, detail: "its entry list is unreadable" })?;
    let mut report = ImportReport { format: Format::AndOtp, encrypted: false, accounts: vec![], skipped: vec![] };
    for (index, raw) in entries.iter().enumerate() {
        match parse_entry(raw.get()) {
            Ok(a) => report.accounts.push(a),
            Err(problem) => {
                let probe: Option<LabelProbe> = serde_json::from_str(raw.get()).ok();
                let label = entry::label(
                    probe.as_ref().and_then(|p| p.issuer.as_deref()),
                    probe.as_ref().and_then(|p| p.label.as_deref()),
                    index,
                );
                report.skipped.push(problem.at(index, label));
            }
        }
    }
    Ok(report)
}

fn parse_entry(raw: &str) -> Result<OtpAccount, EntryProblem> {
    let e: Entry = serde_json::from_str(raw)
        .map_err(|_| EntryProblem::new(skip::MALFORMED, "it lacks a secret or type, or a field has the wrong type"))?;
    Fields {
        issuer: e.issuer,
        name: e.label.unwrap_or_default(),
        kind: entry::kind_from_name(&e.kind)?,
        algorithm: entry::algorithm_from_name(e.algorithm.as_deref())?,
        digits: e.digits,
        period: e.period,
        counter: e.counter,
        secret: entry::secret_from_base32(&e.secret.0)?,
    }
    .into_account()
}
