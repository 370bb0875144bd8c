//! Enrollment links: `duet://enroll?…` (QR code) and `https://HOST/duet/enroll#…` (tap to enroll).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::push::PushError;
use crate::push::wire::{b64u, b64u_decode, fingerprint};

/// Longest enrollment link accepted (a real one is about 400 characters).
pub const MAX_LINK_LEN: usize = 4096;

/// Longest server base URL accepted. The https form of a link carries the URL twice (as its
/// base and, percent-encoded, in the fragment), so with every other field at its maximum a
/// link written back stays under [`MAX_LINK_LEN`] only if the URL is bounded too (found by
/// the `push_link` fuzz target: a 1,900-character URL parsed but its https form did not).
pub const MAX_SERVER_URL_LEN: usize = 512;

/// How the phone came to trust the server key of an enrollment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnrollmentTrust {
    /// The key came in the QR code or link itself (scanned from the helpdesk's screen).
    Link,
    /// The key was fetched over TLS with a manual activation code: as strong as the TLS
    /// certificate check plus the user comparing the fingerprint the helpdesk reads out.
    ManualCode,
}

/// A parsed enrollment link.
#[derive(Clone)]
pub struct EnrollmentLink {
    /// Server base URL (`https://mfa.example.com`), endpoints are appended to it.
    pub url: String,
    /// Enrollment id (base64url).
    pub enrollment_id: String,
    /// One-time enrollment secret (raw bytes, at least 16).
    pub secret: crate::secret::Secret,
    /// The server's public key (uncompressed SEC1 P-256).
    pub server_key: Vec<u8>,
    /// Issuer or organisation shown to the user.
    pub issuer: String,
    /// The user name being enrolled.
    pub user: String,
    /// Enrollment expiry, server unix seconds.
    pub expires_at: i64,
    /// How the server key was obtained.
    pub trust: EnrollmentTrust,
}

impl PartialEq for EnrollmentLink {
    fn eq(&self, other: &Self) -> bool {
        // Destructured so a new field cannot be forgotten; the secret compares in constant time.
        let EnrollmentLink { url, enrollment_id, secret, server_key, issuer, user, expires_at, trust } = self;
        bool::from(subtle::ConstantTimeEq::ct_eq(secret, &other.secret))
            & (*url == other.url)
            & (*enrollment_id == other.enrollment_id)
            & (*server_key == other.server_key)
            & (*issuer == other.issuer)
            & (*user == other.user)
            & (*expires_at == other.expires_at)
            & (*trust == other.trust)
    }
}

impl Eq for EnrollmentLink {}

impl std::fmt::Debug for EnrollmentLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnrollmentLink")
            .field("url", &self.url)
            .field("enrollment_id", &self.enrollment_id)
            .field("secret", &self.secret)
            .field("server_key", &fingerprint(&self.server_key))
            .field("issuer", &self.issuer)
            .field("user", &self.user)
            .field("expires_at", &self.expires_at)
            .field("trust", &self.trust)
            .finish()
    }
}

/// Characters escaped in link parameter values (everything but unreserved characters).
const VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

pub use crate::transport::is_loopback_host;

/// Checks a server base URL: `https://host[:port][/path]`, or `http://` on a loopback host;
/// no user info, query or fragment, no trailing slash; at most [`MAX_SERVER_URL_LEN`] bytes.
pub fn check_server_url(url: &str) -> Result<(), PushError> {
    if url.len() > MAX_SERVER_URL_LEN {
        return Err(PushError::LinkParam("url"));
    }
    let (scheme, rest) = url.split_once("://").ok_or(PushError::LinkParam("url"))?;
    let host = rest.split('/').next().unwrap_or_default();
    let host_ok = !host.is_empty()
        && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
    if !host_ok || rest.contains(['?', '#', '@', ' ']) || rest.ends_with('/') {
        return Err(PushError::LinkParam("url"));
    }
    match scheme {
        "https" => Ok(()),
        "http" if is_loopback_host(host) => Ok(()),
        "http" => Err(PushError::InsecureUrl),
        _ => Err(PushError::LinkParam("url")),
    }
}

impl EnrollmentLink {
    /// Parses a `duet://enroll?…` or `https://…/duet/enroll#…` link. `now` (phone unix seconds)
    /// refuses links already expired; the server has the final word on expiry.
    pub fn parse(text: &str, now: i64) -> Result<Self, PushError> {
        let text = text.trim();
        if text.len() > MAX_LINK_LEN {
            return Err(PushError::LinkParam("length"));
        }
        let query = if let Some(q) = text.strip_prefix("duet://enroll?") {
            q
        } else if text.starts_with("https://") || text.starts_with("http://") {
            let (path, frag) = text.split_once('#').ok_or(PushError::LinkScheme)?;
            if !path.ends_with("/duet/enroll") {
                return Err(PushError::LinkScheme);
            }
            frag
        } else {
            return Err(PushError::LinkScheme);
        };
        let mut p = Params::default();
        for pair in query.split('&').filter(|s| !s.is_empty()) {
            let (k, v) = pair.split_once('=').ok_or(PushError::LinkParam("query"))?;
            let v = percent_decode_str(&v.replace('+', " "))
                .decode_utf8()
                .map_err(|_| PushError::LinkParam("encoding"))?
                .into_owned();
            let slot = match k {
                "v" => &mut p.v,
                "url" => &mut p.url,
                "eid" => &mut p.eid,
                "es" => &mut p.es,
                "sk" => &mut p.sk,
                "iss" => &mut p.iss,
                "user" => &mut p.user,
                "exp" => &mut p.exp,
                // Unknown parameters are ignored: the link is not signed and later minor
                // additions must not break older apps.
                _ => continue,
            };
            if slot.replace(v).is_some() {
                return Err(PushError::LinkParam("duplicate"));
            }
        }
        match p.v.as_deref() {
            Some("1") => {}
            Some(_) => return Err(PushError::UnknownVersion),
            None => return Err(PushError::LinkParam("v")),
        }
        let url = p.url.ok_or(PushError::LinkParam("url"))?;
        check_server_url(&url)?;
        let eid = p.eid.ok_or(PushError::LinkParam("eid"))?;
        if !(16..=64).contains(&eid.len()) || b64u_decode(&eid).is_none() {
            return Err(PushError::LinkParam("eid"));
        }
        let secret = p
            .es
            .and_then(|s| b64u_decode(&s))
            .filter(|s| (16..=64).contains(&s.len()))
            .ok_or(PushError::LinkParam("es"))?;
        let sk = p.sk.and_then(|s| b64u_decode(&s)).ok_or(PushError::LinkParam("sk"))?;
        let server_key = crate::push::normalize_public_key(
            crate::push::SignatureAlgorithm::EcdsaP256Sha256,
            &sk,
        )
        .map_err(|_| PushError::LinkParam("sk"))?;
        // Shown and stored as labels: hidden characters are neutralised, not trusted.
        // The limit applies to the text as shown, so a link written back parses again.
        let shown = |v: Option<String>| {
            v.map(|s| crate::push::text::neutralise(&s).into_owned())
                .filter(|s| !s.is_empty() && s.len() <= crate::push::text::MAX_TEXT_BYTES)
        };
        let issuer = shown(p.iss).ok_or(PushError::LinkParam("iss"))?;
        let user = shown(p.user).ok_or(PushError::LinkParam("user"))?;
        let expires_at: i64 = p
            .exp
            .and_then(|s| if s.chars().all(|c| c.is_ascii_digit()) { s.parse().ok() } else { None })
            .ok_or(PushError::LinkParam("exp"))?;
        if expires_at <= now {
            return Err(PushError::LinkExpired);
        }
        Ok(EnrollmentLink {
            url,
            enrollment_id: eid,
            secret: crate::secret::Secret::new(secret),
            server_key,
            issuer,
            user,
            expires_at,
            trust: EnrollmentTrust::Link,
        })
    }

    fn query(&self) -> String {
        let enc = |s: &str| utf8_percent_encode(s, VALUE).to_string();
        format!(
            "v=1&url={}&eid={}&es={}&sk={}&iss={}&user={}&exp={}",
            enc(&self.url),
            self.enrollment_id,
            b64u(self.secret.expose()),
            b64u(&self.server_key),
            enc(&self.issuer),
            enc(&self.user),
            self.expires_at
        )
    }

    /// The `duet://enroll?…` form (for the QR code).
    pub fn to_duet_uri(&self) -> String {
        format!("duet://enroll?{}", self.query())
    }

    /// The `https://…/duet/enroll#…` form (tap to enroll on the phone itself). The parameters
    /// sit in the fragment so the one-time secret never reaches a web server's logs.
    pub fn to_https_uri(&self) -> String {
        format!("{}/duet/enroll#{}", self.url, self.query())
    }

    /// The server key's fingerprint to compare with the helpdesk's screen.
    pub fn server_key_fingerprint(&self) -> String {
        fingerprint(&self.server_key)
    }
}

#[derive(Default)]
struct Params {
    v: Option<String>,
    url: Option<String>,
    eid: Option<String>,
    es: Option<String>,
    sk: Option<String>,
    iss: Option<String>,
    user: Option<String>,
    exp: Option<String>,
}
