//! Manual activation codes: what a helpdesk agent reads out when the camera fails.
//!
//! `mfa.example.com 4K7M-9QXD-2HBT-C`: the server (its base URL without the scheme: the host,
//! and the path of a server under a prefix, `corp.example/mfa`), then 12 Crockford Base32 characters
//! (60 random bits, single use, short-lived) and one Luhn mod 32 check character that catches
//! every single mistyped character and most swapped neighbours. The code cannot carry the
//! server key: the phone fetches the enrollment over TLS and shows the key's fingerprint.

use ring::rand::SecureRandom;

use crate::push::PushError;
use crate::push::link::is_loopback_host;

/// Crockford's Base32 alphabet (no I, L, O, U).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of the random value (12 × 5 = 60 bits).
pub const CODE_VALUE_CHARS: usize = 12;

/// A parsed manual activation code.
#[derive(Clone, PartialEq, Eq)]
pub struct ManualCode {
    /// The server's base URL without the scheme: host (and port, lower case), then the path of
    /// a server under a prefix, e.g. `mfa.example.com` or `corp.example/mfa`.
    pub server: String,
    /// The 12-character value, upper case, without separators or check character.
    pub value: String,
}

impl std::fmt::Debug for ManualCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The value is a one-time bearer secret until used.
        write!(f, "ManualCode({}, redacted)", self.server)
    }
}

fn digit(c: char) -> Option<u32> {
    // Crockford decoding: case-insensitive, I/L read as 1, O as 0.
    let c = match c.to_ascii_uppercase() {
        'I' | 'L' => '1',
        'O' => '0',
        c => c,
    };
    ALPHABET.iter().position(|&a| a as char == c).map(|p| p as u32)
}

/// Luhn mod 32 check character over Crockford digits.
pub fn check_char(value: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut double = true;
    for c in value.chars().rev() {
        let d = digit(c)?;
        let mut add = if double { d * 2 } else { d };
        add = add / 32 + add % 32;
        sum += add;
        double = !double;
    }
    Some(ALPHABET[((32 - sum % 32) % 32) as usize] as char)
}

/// `base_url` without its scheme, the host in lower case (`https://Corp.Example/mfa` →
/// `corp.example/mfa`).
pub fn server_of(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    format!("{}{path}", host.to_ascii_lowercase())
}

/// Checks and normalises the server part of a typed code: a host name or address with an
/// optional port, then optional path segments of unreserved characters.
fn server_part(text: &str) -> Option<String> {
    let (host, path) = text.split_at(text.find('/').unwrap_or(text.len()));
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
        && !host.starts_with(['.', '-', ':']);
    let path_ok = path.len() <= 256
        && path.split('/').skip(1).all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg.chars().all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
        });
    (host_ok && path_ok).then(|| format!("{}{path}", host.to_ascii_lowercase()))
}

impl ManualCode {
    /// Makes a fresh code for the server at `base_url` from 60 random bits.
    pub fn generate(base_url: &str, rng: &dyn SecureRandom) -> Result<Self, PushError> {
        let mut bytes = [0u8; CODE_VALUE_CHARS];
        rng.fill(&mut bytes).map_err(|_| PushError::Random)?;
        let value = bytes.iter().map(|b| ALPHABET[(b & 31) as usize] as char).collect();
        Ok(ManualCode { server: server_of(base_url), value })
    }

    /// Parses `SERVER CODE` or `SERVER/CODE` (`SERVER` is `HOST[/PATH]`); the code part ignores
    /// case, spaces and hyphens.
    pub fn parse(text: &str) -> Result<Self, PushError> {
        let text = text.trim();
        if text.len() > 600 {
            return Err(PushError::CodeFormat);
        }
        // The code is the last 13 significant characters; what comes before is the server.
        let mut chars = Vec::with_capacity(CODE_VALUE_CHARS + 1);
        let mut cut = None;
        for (i, c) in text.char_indices().rev() {
            if c.is_whitespace() || c == '-' {
                continue;
            }
            chars.push(c);
            if chars.len() == CODE_VALUE_CHARS + 1 {
                cut = Some(i);
                break;
            }
        }
        let cut = cut.ok_or(PushError::CodeFormat)?;
        chars.reverse();
        let before = &text[..cut];
        if !before.ends_with(|c: char| c.is_whitespace() || c == '/') {
            return Err(PushError::CodeFormat);
        }
        let server = server_part(before.trim_end_matches(|c: char| c.is_whitespace() || c == '/'))
            .ok_or(PushError::CodeFormat)?;
        if chars.iter().any(|&c| digit(c).is_none()) {
            return Err(PushError::CodeFormat);
        }
        let norm: String =
            chars.iter().map(|&c| ALPHABET[digit(c).unwrap_or(0) as usize] as char).collect();
        let (value, check) = norm.split_at(CODE_VALUE_CHARS);
        if check_char(value).map(String::from).as_deref() != Some(check) {
            return Err(PushError::CodeCheck);
        }
        Ok(ManualCode { server, value: value.to_string() })
    }

    /// The code as read out: `server XXXX-XXXX-XXXX-C`.
    pub fn display(&self) -> String {
        format!("{} {}", self.server, self.display_value())
    }

    /// Only the value part with its check character: `XXXX-XXXX-XXXX-C`.
    pub fn display_value(&self) -> String {
        let v = &self.value;
        let check = check_char(v).unwrap_or('0');
        format!("{}-{}-{}-{}", &v[0..4], &v[4..8], &v[8..12], check)
    }

    /// The server base URL the code names (http only for loopback hosts).
    pub fn base_url(&self) -> String {
        let host = self.server.split('/').next().unwrap_or_default();
        let scheme = if is_loopback_host(host) { "http" } else { "https" };
        format!("{scheme}://{}", self.server)
    }

    /// Whether `base_url` (an enrollment link's `url`) is the server this code names: same
    /// host (case-insensitive) and the same path.
    pub fn names_server(&self, base_url: &str) -> bool {
        base_url.split_once("://").is_some_and(|_| server_of(base_url) == self.server)
    }

    /// Where the phone fetches the enrollment: `GET {base}/duet/v1/enrollment/{value}`.
    pub fn lookup_url(&self) -> String {
        format!("{}{}", crate::push::endpoints::url(&self.base_url(), crate::push::endpoints::ENROLLMENT_LOOKUP), self.value)
    }
}
