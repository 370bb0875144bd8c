//! Manual activation codes: what a helpdesk agent reads out when the camera fails.
//!
//! `mfa.example.com 4K7M-9QXD-2HBT-C`: the server host, then 12 Crockford Base32 characters
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
    /// Server host (and port), e.g. `mfa.example.com`.
    pub host: String,
    /// The 12-character value, upper case, without separators or check character.
    pub value: String,
}

impl std::fmt::Debug for ManualCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The value is a one-time bearer secret until used.
        write!(f, "ManualCode({}, redacted)", self.host)
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

impl ManualCode {
    /// Makes a fresh code for `host` from 60 random bits.
    pub fn generate(host: &str, rng: &dyn SecureRandom) -> Result<Self, PushError> {
        let mut bytes = [0u8; CODE_VALUE_CHARS];
        rng.fill(&mut bytes).map_err(|_| PushError::Random)?;
        let value = bytes.iter().map(|b| ALPHABET[(b & 31) as usize] as char).collect();
        Ok(ManualCode { host: host.to_ascii_lowercase(), value })
    }

    /// Parses `HOST CODE` or `HOST/CODE`; the code part ignores case, spaces and hyphens.
    pub fn parse(text: &str) -> Result<Self, PushError> {
        let text = text.trim();
        if text.len() > 300 {
            return Err(PushError::CodeFormat);
        }
        let (host, code) = text
            .split_once(|c: char| c == '/' || c.is_whitespace())
            .ok_or(PushError::CodeFormat)?;
        let host = host.to_ascii_lowercase();
        let host_ok = !host.is_empty()
            && host.len() <= 253
            && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
            && !host.starts_with(['.', '-', ':']);
        if !host_ok {
            return Err(PushError::CodeFormat);
        }
        let chars: Vec<char> = code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        if chars.len() != CODE_VALUE_CHARS + 1 || chars.iter().any(|&c| digit(c).is_none()) {
            return Err(PushError::CodeFormat);
        }
        let norm: String =
            chars.iter().map(|&c| ALPHABET[digit(c).unwrap_or(0) as usize] as char).collect();
        let (value, check) = norm.split_at(CODE_VALUE_CHARS);
        if check_char(value).map(String::from).as_deref() != Some(check) {
            return Err(PushError::CodeCheck);
        }
        Ok(ManualCode { host, value: value.to_string() })
    }

    /// The code as read out: `host XXXX-XXXX-XXXX-C`.
    pub fn display(&self) -> String {
        format!("{} {}", self.host, self.display_value())
    }

    /// Only the value part with its check character: `XXXX-XXXX-XXXX-C`.
    pub fn display_value(&self) -> String {
        let v = &self.value;
        let check = check_char(v).unwrap_or('0');
        format!("{}-{}-{}-{}", &v[0..4], &v[4..8], &v[8..12], check)
    }

    /// The server base URL implied by the host (http only for loopback hosts).
    pub fn base_url(&self) -> String {
        let scheme = if is_loopback_host(&self.host) { "http" } else { "https" };
        format!("{scheme}://{}", self.host)
    }

    /// Where the phone fetches the enrollment: `GET {base}/duet/v1/enrollment/{value}`.
    pub fn lookup_url(&self) -> String {
        format!("{}{}", crate::push::endpoints::url(&self.base_url(), crate::push::endpoints::ENROLLMENT_LOOKUP), self.value)
    }
}
