//! Property tests of the privacyIDEA push parsers.

use duet_core::pipush::keys::{decode_signature, encode_signature};
use duet_core::pipush::parse_enrollment_uri;
use proptest::prelude::*;

// The encoding privacyIDEA applies (Python's urllib.parse.quote, safe="/").
fn quote(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, &QUOTE).to_string()
}
const QUOTE: percent_encoding::AsciiSet = percent_encoding::NON_ALPHANUMERIC.remove(b'/').remove(b'-').remove(b'.').remove(b'_').remove(b'~');

proptest! {
    #[test]
    fn never_panics_on_any_text(s in ".{0,300}") {
        let _ = parse_enrollment_uri(&s);
        let _ = parse_enrollment_uri(&format!("otpauth://pipush/{s}"));
        let _ = parse_enrollment_uri(&format!("pia://pipush/x?{s}"));
    }

    #[test]
    fn links_built_like_privacyidea_parse_back(
        label in "[^\u{0}-\u{1f}]{0,40}",
        issuer in "[^\u{0}-\u{1f}]{1,40}",
        host in "[a-z][a-z0-9-]{0,20}(\\.[a-z]{2,6}){1,2}",
        serial in "PIPU[0-9A-F]{8}",
        credential in "[0-9a-f]{40}",
        ttl in 1u32..10_000,
        sslverify in any::<bool>(),
        poll_only in any::<bool>(),
        pia in any::<bool>(),
    ) {
        let url = format!("https://{host}/ttype/push");
        let scheme = if pia { "pia" } else { "otpauth" };
        let py_bool = if poll_only { "True" } else { "False" };
        let uri = format!(
            "{scheme}://pipush/{}?url={}&ttl={ttl}&issuer={}&enrollment_credential={credential}&v=1&serial={serial}&sslverify={}&poll_only={py_bool}",
            quote(&label), quote(&url), quote(&issuer), u8::from(sslverify)
        );
        let e = parse_enrollment_uri(&uri).unwrap();
        prop_assert_eq!(e.label, if label.is_empty() { serial.clone() } else { label });
        prop_assert_eq!(e.issuer, issuer);
        prop_assert_eq!(e.url, url);
        prop_assert_eq!(e.serial, serial);
        prop_assert_eq!(e.enrollment_credential.expose(), credential.as_bytes());
        prop_assert_eq!(e.ttl_minutes, ttl);
        prop_assert_eq!(e.sslverify, sslverify);
        prop_assert_eq!(e.poll_only, poll_only);
    }

    #[test]
    fn signature_base32_round_trips(bytes in proptest::collection::vec(any::<u8>(), 1..600)) {
        let text = encode_signature(&bytes);
        prop_assert!(text.len().is_multiple_of(8) && !text.bytes().any(|b| b.is_ascii_lowercase()));
        prop_assert_eq!(decode_signature(&text), Some(bytes));
    }
}
