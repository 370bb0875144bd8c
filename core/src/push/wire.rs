//! Wire encoding shared by both sides: base64url, SHA-256, and the signed envelope.
//!
//! A signed message is `{"payload":"<base64url of the payload JSON bytes>","sig":"<base64url
//! of the raw signature>"}`. The signature covers the payload bytes exactly as sent, so no side
//! ever re-serialises JSON before checking a signature.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// Latest time a message may carry (9999-12-31T23:59:59Z); times are unix seconds from 0 to this.
pub const MAX_TIME: i64 = 253_402_300_799;

/// Whether `t` is a time the protocol allows (docs/protocol.md §2), so differences of two
/// times never overflow.
pub fn time_ok(t: i64) -> bool {
    (0..=MAX_TIME).contains(&t)
}

/// Largest envelope either side accepts (bytes); requests are a few hundred bytes.
pub const MAX_ENVELOPE_LEN: usize = 16 * 1024;

/// Base64url without padding (RFC 4648 §5), as used for every binary field.
pub fn b64u(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Strict base64url decoding: no padding, no whitespace, no non-canonical trailing bits.
pub fn b64u_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    let d = ring::digest::digest(&ring::digest::SHA256, bytes);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// A key's fingerprint as people compare it: the first 10 bytes of SHA-256 over the wire public
/// key, as 20 upper-case hex digits in groups of four (`3F2A-…`).
pub fn fingerprint(public_key: &[u8]) -> String {
    let h = sha256(public_key);
    let hex: String = h[..10].iter().map(|b| format!("{b:02X}")).collect();
    hex.as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("-")
}

/// The JSON envelope around a signed payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeJson {
    /// base64url of the payload bytes.
    pub payload: String,
    /// base64url of the signature over the payload bytes.
    pub sig: String,
    /// Device key rotation only: signature by the new key over the same payload bytes.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub sig_new: Option<String>,
}

/// An envelope with its fields decoded (not yet verified).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The payload bytes exactly as signed.
    pub payload: Vec<u8>,
    /// The raw signature.
    pub sig: Vec<u8>,
    /// The new key's signature (device key rotation only).
    pub sig_new: Option<Vec<u8>>,
}

impl Envelope {
    /// Parses envelope bytes; `None` for anything malformed or oversized.
    pub fn parse(bytes: &[u8]) -> Option<Envelope> {
        if bytes.len() > MAX_ENVELOPE_LEN {
            return None;
        }
        let json: EnvelopeJson = serde_json::from_slice(bytes).ok()?;
        Self::from_json(&json)
    }

    /// Decodes an already-parsed envelope object (as found inside a poll response).
    pub fn from_json(json: &EnvelopeJson) -> Option<Envelope> {
        Some(Envelope {
            payload: b64u_decode(&json.payload)?,
            sig: b64u_decode(&json.sig)?,
            sig_new: match &json.sig_new {
                Some(s) => Some(b64u_decode(s)?),
                None => None,
            },
        })
    }

    /// The JSON object form.
    pub fn to_json(&self) -> EnvelopeJson {
        EnvelopeJson {
            payload: b64u(&self.payload),
            sig: b64u(&self.sig),
            sig_new: self.sig_new.as_deref().map(b64u),
        }
    }

    /// The envelope as the bytes sent on the wire.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.to_json()).unwrap_or_default()
    }
}

/// The part of every payload read before anything else, to report version and type errors.
#[derive(Deserialize)]
struct Head {
    v: u64,
    typ: String,
}

/// Why a payload head was refused.
pub enum HeadError {
    /// Not a JSON object with `v` and `typ`.
    Malformed,
    /// `v` is not 1.
    Version,
    /// `typ` is not the expected one.
    Type,
}

/// Checks the payload's `v` and `typ` before its signature is even looked at, so a newer
/// protocol gets "update the app" instead of "bad signature".
pub fn check_head(payload: &[u8], typ: &str) -> Result<(), HeadError> {
    let head: Head = serde_json::from_slice(payload).map_err(|_| HeadError::Malformed)?;
    if head.v != 1 {
        return Err(HeadError::Version);
    }
    if head.typ != typ {
        return Err(HeadError::Type);
    }
    Ok(())
}

/// Reads an optional member that is present: its value must have the member's type, so `null`
/// is refused (serde's `Option` would take it as absent; the protocol omits optional members).
pub(crate) fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}
