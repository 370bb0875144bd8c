//! Bearer secrets the server hands out: application API keys, admin API keys and helpdesk
//! session tokens.
//!
//! Each is 256 random bits; the database keeps only its SHA-256 and finds it by equality.
//! A slow hash buys nothing against guessing a 256-bit value, and equality on a hash leaks
//! no timing about the secret itself.

use crate::error::ServerError;
use crate::random::random_token;

/// A new secret: `prefix` (so secret scanners recognise it) and 256 random bits in hex.
pub fn new_secret(prefix: &str) -> String {
    format!("{prefix}{}", random_token(32))
}

/// What the database keeps of a secret.
pub fn secret_hash(secret: &str) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, secret.as_bytes()).as_ref().to_vec()
}

/// The token of an `Authorization: Bearer <token>` header value, if it has one.
pub fn bearer(header: Option<&str>) -> Option<&str> {
    header?.strip_prefix("Bearer ").map(str::trim).filter(|k| !k.is_empty())
}

/// Checks the display name of a key holder (an application or an admin key):
/// 1 to 128 printable characters, trimmed.
pub fn check_name<'a>(name: &'a str, what: &str) -> Result<&'a str, ServerError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 128 || name.chars().any(char::is_control) {
        return Err(ServerError::BadRequest(format!("the {what} name must be 1 to 128 printable characters")));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_needs_the_scheme_and_a_token() {
        assert_eq!(bearer(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer(Some("Bearer  ")), None);
        assert_eq!(bearer(Some("Basic abc")), None);
        assert_eq!(bearer(None), None);
    }

    #[test]
    fn secrets_are_prefixed_and_distinct() {
        let (a, b) = (new_secret("p_"), new_secret("p_"));
        assert!(a.starts_with("p_") && a.len() == 2 + 64);
        assert_ne!(a, b);
        assert_eq!(secret_hash(&a).len(), 32);
    }
}
