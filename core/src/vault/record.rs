//! The plaintext inside a sealed OTP record: JSON, so later versions can add fields.
//!
//! Format (documented in docs/vault.md, also written by the independent fixture
//! generator `core/tests/fixtures/make_vault_v1.py`):
//! `{"v":1,"issuer":..,"name":..,"secret":"<hex>","algorithm":"SHA1|SHA256|SHA512",
//!   "digits":6,"kind":"totp|hotp|steam","period":30,"t0":0,"counter":0,"extra":[[k,v],..]}`

use crate::OtpAccount;
use crate::otp::{Algorithm, OtpKind, OtpParams};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

#[derive(Serialize)]
struct Out<'a> {
    v: u8,
    issuer: Option<&'a str>,
    name: &'a str,
    secret: &'a str,
    algorithm: &'static str,
    digits: u8,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    t0: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
    extra: &'a [(String, String)],
}

#[derive(Deserialize)]
struct In {
    v: u8,
    issuer: Option<String>,
    name: String,
    secret: Zeroizing<String>,
    algorithm: String,
    digits: u8,
    kind: String,
    period: Option<u32>,
    t0: Option<u64>,
    counter: Option<u64>,
    #[serde(default)]
    extra: Vec<(String, String)>,
}

/// Serializes an account for sealing; the buffer is wiped on drop.
pub(crate) fn encode(a: &OtpAccount) -> Zeroizing<Vec<u8>> {
    let secret = Zeroizing::new(hex::encode(a.secret.expose()));
    let (kind, period, t0, counter) = match a.params.kind {
        OtpKind::Hotp { counter } => ("hotp", None, None, Some(counter)),
        OtpKind::Totp { period, t0 } => ("totp", Some(period), Some(t0), None),
        OtpKind::Steam { period } => ("steam", Some(period), None, None),
    };
    let out = Out {
        v: 1,
        issuer: a.issuer.as_deref(),
        name: &a.name,
        secret: &secret,
        algorithm: match a.params.algorithm {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        },
        digits: a.params.digits,
        kind,
        period,
        t0,
        counter,
        extra: &a.extra,
    };
    Zeroizing::new(serde_json::to_vec(&out).expect("plain struct serializes"))
}

/// Parses a decrypted record; `None` if it is not a record this version understands.
pub(crate) fn decode(bytes: &[u8]) -> Option<OtpAccount> {
    let r: In = serde_json::from_slice(bytes).ok()?;
    if r.v != 1 {
        return None;
    }
    let secret = Secret::new(hex::decode(r.secret.as_bytes()).ok()?);
    let algorithm = match r.algorithm.as_str() {
        "SHA1" => Algorithm::Sha1,
        "SHA256" => Algorithm::Sha256,
        "SHA512" => Algorithm::Sha512,
        _ => return None,
    };
    let kind = match r.kind.as_str() {
        "hotp" => OtpKind::Hotp { counter: r.counter? },
        "totp" => OtpKind::Totp { period: r.period?, t0: r.t0.unwrap_or(0) },
        "steam" => OtpKind::Steam { period: r.period? },
        _ => return None,
    };
    Some(OtpAccount {
        issuer: r.issuer,
        name: r.name,
        secret,
        params: OtpParams { kind, algorithm, digits: r.digits },
        extra: r.extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_every_field() {
        let a = OtpAccount {
            issuer: Some("Example".into()),
            name: "alice@example.com".into(),
            secret: Secret::new(b"12345678901234567890".to_vec()),
            params: OtpParams { kind: OtpKind::Hotp { counter: 42 }, algorithm: Algorithm::Sha256, digits: 8 },
            extra: vec![("image".into(), "https://x/y.png".into())],
        };
        assert_eq!(decode(&encode(&a)).unwrap(), a);
        assert!(decode(br#"{"v":2}"#).is_none());
    }
}
