//! Percent-encoding as `otpauth://` URIs use it, via the `percent-encoding` crate.
//!
//! Labels are path segments (`+` is a literal plus, common in e-mail
//! addresses); parameter values are often form-encoded by the generating site
//! (`+` means space), so the two decode differently.

use super::UriError;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Everything but RFC 3986 unreserved characters is escaped in values.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
/// Labels also keep `@` readable; `:` is escaped so it only ever separates issuer and name.
const LABEL: &AsciiSet = &VALUE.remove(b'@');

/// Decodes a label (path) component. Malformed `%` sequences stay literal.
///
/// # Errors
/// `E_URI_ENCODING` when the decoded bytes are not UTF-8.
pub fn decode_label(s: &str) -> Result<String, UriError> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| UriError::Encoding)
}

/// Decodes a query key or value: `+` is a space, then percent-decoding.
///
/// # Errors
/// `E_URI_ENCODING` when the decoded bytes are not UTF-8.
pub fn decode_value(s: &str) -> Result<String, UriError> {
    if s.contains('+') {
        decode_label(&s.replace('+', " "))
    } else {
        decode_label(s)
    }
}

/// Encodes one label part (issuer or account name).
pub fn encode_label(s: &str) -> String {
    utf8_percent_encode(s, LABEL).to_string()
}

/// Encodes a query key or value (spaces become `%20`, which every reader understands).
pub fn encode_value(s: &str) -> String {
    utf8_percent_encode(s, VALUE).to_string()
}
