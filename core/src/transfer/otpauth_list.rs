//! Plain text with one `otpauth://` URI per line (what many apps export, and what
//! [`super::export_otpauth_list`] writes). Blank lines and lines starting with `#` are ignored.
//! Google Authenticator transfer links (`otpauth-migration://`) may be mixed in; each expands to
//! the accounts it carries.

use zeroize::Zeroizing;

use super::error::{EntryProblem, TransferError};
use super::google::Transfer;
use super::{Format, ImportReport};
use crate::ErrorCode;
use crate::OtpAccount;

pub(crate) const NAME: &str = "otpauth list";

/// True when the first meaningful line of `text` is an otpauth or transfer link.
pub(crate) fn looks_like(text: &str) -> bool {
    meaningful_lines(text).next().is_some_and(|(_, line)| {
        let lower = line.get(..20).unwrap_or(line).to_ascii_lowercase();
        lower.starts_with("otpauth://") || lower.starts_with("otpauth-migration://")
    })
}

fn meaningful_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, l)| (i, l.trim())).filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

pub(crate) fn import(bytes: &[u8]) -> Result<ImportReport, TransferError> {
    let text = std::str::from_utf8(bytes).map_err(|_| TransferError::Corrupt { format: NAME, detail: "it is not UTF-8 text" })?;
    let mut report = ImportReport { format: Format::OtpauthList, encrypted: false, accounts: vec![], skipped: vec![] };
    let mut transfer = Transfer::default();
    for (index, line) in meaningful_lines(text) {
        let line_label = || format!("line {}", index + 1);
        if line.get(..20).is_some_and(|p| p.eq_ignore_ascii_case("otpauth-migration://")) {
            match transfer.add_line(index, line) {
                Ok((accounts, skipped)) => {
                    report.accounts.extend(accounts);
                    report.skipped.extend(skipped);
                }
                Err(problem) => report.skipped.push(problem.at(index, line_label())),
            }
            continue;
        }
        match crate::uri::parse(line) {
            Ok(parsed) => report.accounts.push(parsed.account),
            Err(e) => report.skipped.push(EntryProblem::new(e.code(), e.to_string()).at(index, line_label())),
        }
    }
    report.skipped.extend(transfer.finish());
    Ok(report)
}

/// Writes one canonical URI per line (the text holds every secret: treat it as one).
pub(crate) fn export(accounts: &[OtpAccount]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(160 * accounts.len()));
    for a in accounts {
        let uri = Zeroizing::new(crate::uri::write(a));
        out.extend_from_slice(uri.as_bytes());
        out.push(b'\n');
    }
    out
}
