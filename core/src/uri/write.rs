//! Writing an account as a canonical `otpauth://` URI.
//!
//! Canonical form: lower-case type, `issuer:name` label, upper-case unpadded
//! Base32, parameters that differ from the defaults (SHA1, 6 digits, 30 s),
//! then the extra parameters in their original order. Reading this form back
//! gives the same account, and writing it again gives the same text.

use super::base32::encode_secret;
use super::encoding::{encode_label, encode_value};
use super::params::{UriType, interpret};
use crate::account::OtpAccount;
use crate::otp::{Algorithm, DEFAULT_PERIOD, OtpKind};
use std::fmt::Write as _;

/// Writes `account` as an `otpauth://` URI (contains the secret: treat it as one).
pub fn write(account: &OtpAccount) -> String {
    let params = &account.params;
    let ty = match params.kind {
        OtpKind::Totp { .. } => UriType::Totp,
        OtpKind::Hotp { .. } => UriType::Hotp,
        OtpKind::Steam { .. } => UriType::Steam,
    };
    let mut uri = format!("otpauth://{}/{}?secret=", ty.name(), label(account));
    uri.push_str(&encode_secret(&account.secret));
    if let Some(issuer) = &account.issuer {
        let _ = write!(uri, "&issuer={}", encode_value(issuer));
    }
    if params.algorithm != Algorithm::Sha1 {
        let _ = write!(uri, "&algorithm={}", params.algorithm.name());
    }
    match params.kind {
        OtpKind::Totp { period, t0 } => {
            if params.digits != 6 {
                let _ = write!(uri, "&digits={}", params.digits);
            }
            if period != DEFAULT_PERIOD {
                let _ = write!(uri, "&period={period}");
            }
            if t0 != 0 {
                let _ = write!(uri, "&t0={t0}");
            }
        }
        OtpKind::Hotp { counter } => {
            if params.digits != 6 {
                let _ = write!(uri, "&digits={}", params.digits);
            }
            let _ = write!(uri, "&counter={counter}");
        }
        // Steam always has 5 characters; the type says so.
        OtpKind::Steam { period } => {
            if period != DEFAULT_PERIOD {
                let _ = write!(uri, "&period={period}");
            }
        }
    }
    for (key, value) in &account.extra {
        // An extra the reader would interpret (possible only in accounts built by
        // hand) would change the account on reading; leave it out.
        if interpret(ty, key, value).is_none() {
            let _ = write!(uri, "&{}={}", encode_value(key), encode_value(value));
        }
    }
    uri
}

/// `issuer:name`, or just `name`. A `:` inside the name is escaped, but readers
/// (duet included) split on `%3A` too, so a name with a colon and no usable
/// issuer prefix gets an empty prefix (`:a:b`) to keep its colon.
fn label(account: &OtpAccount) -> String {
    let name = encode_label(&account.name);
    match account.issuer.as_deref().filter(|i| !i.contains(':')) {
        Some(issuer) => format!("{}:{}", encode_label(issuer), name),
        None if account.name.contains(':') => format!(":{name}"),
        None => name,
    }
}
