//! The enrollment link in privacyIDEA's push QR code.
//!
//! privacyIDEA builds it in `create_push_token_url` (`lib/tokens/pushtoken.py`):
//! `otpauth://pipush/LABEL?url=..&ttl=..&issuer=..&enrollment_credential=..&v=1&serial=..&sslverify=0|1&poll_only=True|False`,
//! optionally with `image`, `pin` and `app_force_unlock`; `pia://pipush/` is the same
//! link under the privacyIDEA app's own scheme. Values are percent-encoded with
//! Python's `quote`.

use super::error::PiPushError;
use crate::secret::Secret;

/// The protocol version this module speaks (`v=1`: RSA PKCS#1 v1.5 with SHA-256).
pub const SUPPORTED_VERSION: &str = "1";

/// A parsed push enrollment link.
#[derive(Debug, Clone)]
pub struct PiPushEnrollment {
    /// Display label (privacyIDEA's token label, by default the serial).
    pub label: String,
    /// Issuer shown next to the label.
    pub issuer: String,
    /// Where the second enrollment step, polls and answers go (`/ttype/push`).
    pub url: String,
    /// The token serial (`PIPU...`).
    pub serial: String,
    /// One-time credential proving the device scanned this QR code.
    pub enrollment_credential: Secret,
    /// Minutes the server waits for the second step.
    pub ttl_minutes: u32,
    /// Whether TLS certificates are checked (`sslverify=0` turns it off, with a warning).
    pub sslverify: bool,
    /// The server delivers requests by polling only (no Firebase).
    pub poll_only: bool,
    /// The server asks that the app be unlocked before answering (`pin=True` or `app_force_unlock`).
    pub require_unlock: bool,
    /// Optional image URL for the account.
    pub image: Option<String>,
}

/// Parses an `otpauth://pipush/...` or `pia://pipush/...` link.
pub fn parse_enrollment_uri(text: &str) -> Result<PiPushEnrollment, PiPushError> {
    let text = text.trim();
    let rest = strip_prefix_ignore_case(text, "otpauth://pipush/")
        .or_else(|| strip_prefix_ignore_case(text, "pia://pipush/"))
        .ok_or(PiPushError::Uri)?;
    let (raw_label, query) = rest.split_once('?').ok_or(PiPushError::UriMissing("url"))?;
    let label = percent_encoding::percent_decode_str(raw_label)
        .decode_utf8()
        .map_err(|_| PiPushError::UriInvalid("label"))?
        .into_owned();

    let mut params: Vec<(String, String)> = Vec::new();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        if params.iter().any(|(seen, _)| *seen == k) {
            // Two different values for one key would make the link ambiguous.
            return Err(PiPushError::Uri);
        }
        params.push((k.into_owned(), v.into_owned()));
    }
    let get = |key: &str| params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let required = |key: &'static str| match get(key) {
        Some(v) if !v.trim().is_empty() => Ok(v.trim().to_string()),
        _ => Err(PiPushError::UriMissing(key)),
    };

    let version = get("v").unwrap_or(SUPPORTED_VERSION);
    if version != SUPPORTED_VERSION {
        return Err(PiPushError::Version(version.chars().take(8).collect()));
    }
    let url = required("url")?;
    let serial = required("serial")?;
    if serial.len() > 128 || serial.contains('|') || serial.chars().any(char::is_control) {
        return Err(PiPushError::UriInvalid("serial"));
    }
    let enrollment_credential = Secret::new(required("enrollment_credential")?.into_bytes());
    let ttl_minutes = match get("ttl") {
        None => 10,
        Some(t) => t.trim().parse::<u32>().map_err(|_| PiPushError::UriInvalid("ttl"))?,
    };
    let sslverify = match get("sslverify").map(str::trim) {
        None | Some("1") => true,
        Some("0") => false,
        Some(_) => return Err(PiPushError::UriInvalid("sslverify")),
    };
    let poll_only = match get("poll_only") {
        None => false,
        Some(v) => parse_python_bool(v).ok_or(PiPushError::UriInvalid("poll_only"))?,
    };
    let pin = match get("pin") {
        None => false,
        Some(v) => parse_python_bool(v).ok_or(PiPushError::UriInvalid("pin"))?,
    };
    let require_unlock = pin || get("app_force_unlock").is_some_and(|v| !v.trim().is_empty());
    let issuer = get("issuer").map(str::to_string).unwrap_or_else(|| "privacyIDEA".into());
    let label = if label.is_empty() { serial.clone() } else { label };
    Ok(PiPushEnrollment {
        label,
        issuer,
        url,
        serial,
        enrollment_credential,
        ttl_minutes,
        sslverify,
        poll_only,
        require_unlock,
        image: get("image").map(str::to_string),
    })
}

/// True when `text` looks like a privacyIDEA push link (either scheme).
pub fn is_pipush_uri(text: &str) -> bool {
    let t = text.trim();
    strip_prefix_ignore_case(t, "otpauth://pipush/").is_some() || strip_prefix_ignore_case(t, "pia://pipush/").is_some()
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

// privacyIDEA writes Python booleans ("True"/"False"); be lenient about case and 1/0.
fn parse_python_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    // Copied from a real privacyIDEA 3.14 /token/init answer.
    const REAL: &str = "otpauth://pipush/PIPU00008E9A?url=http%3A//127.0.0.1%3A45999/ttype/push&ttl=10&issuer=privacyIDEA&enrollment_credential=58972240f017978cac19eb0ed1302489dc35140c&v=1&serial=PIPU00008E9A&sslverify=1&poll_only=True";

    #[test]
    fn parses_a_real_privacyidea_link() {
        let e = parse_enrollment_uri(REAL).unwrap();
        assert_eq!(e.label, "PIPU00008E9A");
        assert_eq!(e.issuer, "privacyIDEA");
        assert_eq!(e.url, "http://127.0.0.1:45999/ttype/push");
        assert_eq!(e.serial, "PIPU00008E9A");
        assert_eq!(e.enrollment_credential.expose(), b"58972240f017978cac19eb0ed1302489dc35140c");
        assert_eq!(e.ttl_minutes, 10);
        assert!(e.sslverify);
        assert!(e.poll_only);
        assert!(!e.require_unlock);
    }

    #[test]
    fn pia_scheme_and_options() {
        let e = parse_enrollment_uri(
            "pia://pipush/alice%40example%20corp?url=https%3A//pi.example.com/ttype/push&ttl=2&issuer=Example%20Corp&enrollment_credential=ab&v=1&serial=PIPU1&sslverify=0&poll_only=False&pin=True&image=https%3A//x/y.png",
        )
        .unwrap();
        assert_eq!(e.label, "alice@example corp");
        assert_eq!(e.issuer, "Example Corp");
        assert!(!e.sslverify);
        assert!(!e.poll_only);
        assert!(e.require_unlock);
        assert_eq!(e.image.as_deref(), Some("https://x/y.png"));
    }

    #[test]
    fn refusals_have_codes() {
        let cases = [
            ("otpauth://totp/x?secret=AA", "E_PIPUSH_URI"),
            ("otpauth://pipush/x", "E_PIPUSH_URI_MISSING"),
            ("otpauth://pipush/x?serial=S&enrollment_credential=c", "E_PIPUSH_URI_MISSING"),
            ("otpauth://pipush/x?url=https%3A//a/&enrollment_credential=c", "E_PIPUSH_URI_MISSING"),
            ("otpauth://pipush/x?url=https%3A//a/&serial=S", "E_PIPUSH_URI_MISSING"),
            ("otpauth://pipush/x?url=https%3A//a/&serial=S&enrollment_credential=c&v=2", "E_PIPUSH_VERSION"),
            ("otpauth://pipush/x?url=https%3A//a/&serial=S&enrollment_credential=c&ttl=x", "E_PIPUSH_URI_INVALID"),
            ("otpauth://pipush/x?url=https%3A//a/&serial=S&enrollment_credential=c&sslverify=2", "E_PIPUSH_URI_INVALID"),
            ("otpauth://pipush/x?url=https%3A//a/&serial=S|T&enrollment_credential=c", "E_PIPUSH_URI_INVALID"),
            ("otpauth://pipush/x?url=https%3A//a/&serial=S&serial=T&enrollment_credential=c", "E_PIPUSH_URI"),
            ("otpauth://pipush/%FF?url=https%3A//a/&serial=S&enrollment_credential=c", "E_PIPUSH_URI_INVALID"),
        ];
        for (uri, code) in cases {
            assert_eq!(parse_enrollment_uri(uri).unwrap_err().code(), code, "{uri}");
        }
    }

    #[test]
    fn credential_never_in_debug() {
        let shown = format!("{:?}", parse_enrollment_uri(REAL).unwrap());
        assert!(!shown.contains("58972240f0"));
    }
}
