//! Fuzzes the Google Authenticator transfer reader, as protobuf bytes and as a
//! URI: never panics, and what it imports exports and imports back unchanged.
#![no_main]

use duet_core::migration::{decode_payload, decode_uri, export, import, MAX_QR_VERSION, qr_version};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(part) = decode_payload(data) {
        // Export renders QR codes; keep the per-input cost bounded.
        if part.accounts.len() <= 8 {
            let out = export(&part.accounts, 7);
            for uri in &out.uris {
                assert!(qr_version(uri).is_some_and(|v| v <= MAX_QR_VERSION));
            }
            // Only accounts too large for one QR code may be left out.
            assert!(out.skipped.iter().all(|s| duet_core::ErrorCode::code(&s.reason) == "E_MIGRATION_ACCOUNT_TOO_LARGE"));
            let back = if out.uris.is_empty() { Vec::new() } else { import(&out.uris).expect("own export must import").accounts };
            assert_eq!(back.len() + out.skipped.len(), part.accounts.len());
            // What came back is the original list minus the left-out ones, in order.
            let mut rest = part.accounts.iter();
            for a in &back {
                assert!(rest.any(|b| b == a), "export changed an account");
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = decode_uri(text);
    }
});
