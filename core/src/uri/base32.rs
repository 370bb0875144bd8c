//! Base32 secrets as real QR codes and setup screens write them.
//!
//! Decoding itself is the `base32` crate's; this module only normalizes what
//! real sites emit (lower case, spaces every four characters, `=` padding or
//! none) and rejects anything that is not Base32, so a typo fails loudly
//! instead of yielding a wrong key.

use super::UriError;
use crate::secret::Secret;
use zeroize::Zeroize;

const ALPHABET: base32::Alphabet = base32::Alphabet::Rfc4648 { padding: false };

/// Decodes a Base32 secret leniently: case-insensitive, whitespace ignored,
/// trailing `=` padding optional. Trailing bits that do not fill a byte are
/// dropped, as Google Authenticator does.
///
/// # Errors
/// `E_URI_SECRET_EMPTY` for nothing but whitespace/padding, `E_URI_SECRET_BASE32`
/// for any other character, padding in the middle, or too few characters for one byte.
pub fn decode_secret(text: &str) -> Result<Secret, UriError> {
    // Collect into a buffer that is wiped afterwards: it holds the secret.
    let mut clean: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let unpadded_len = clean.trim_end_matches('=').len();
    clean.truncate(unpadded_len);
    let result = if clean.is_empty() {
        Err(UriError::SecretEmpty)
    } else if !clean.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)) {
        Err(UriError::SecretBase32)
    } else {
        match base32::decode(ALPHABET, &clean) {
            Some(bytes) if !bytes.is_empty() => Ok(Secret::new(bytes)),
            Some(mut bytes) => {
                bytes.zeroize();
                Err(UriError::SecretBase32)
            }
            None => Err(UriError::SecretBase32),
        }
    };
    clean.zeroize();
    result
}

/// Encodes a secret as upper-case, unpadded Base32, the form Google's Key URI
/// Format asks for.
pub fn encode_secret(secret: &Secret) -> String {
    base32::encode(ALPHABET, secret.expose())
}
