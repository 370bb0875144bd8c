//! Fuzzes the privacyIDEA push enrollment link parser: never panics, and what it
//! accepts has the required fields and a policy-checkable URL string.
#![no_main]

use duet_core::pipush::parse_enrollment_uri;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(e) = parse_enrollment_uri(text) {
        assert!(!e.url.is_empty() && !e.serial.is_empty() && !e.enrollment_credential.is_empty());
        assert!(!e.serial.contains('|'));
        let _ = duet_core::transport::Endpoint::parse(&e.url, e.sslverify);
    }
});
