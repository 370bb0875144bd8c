//! Fuzzes every importer: any bytes give accounts plus skip reports or a typed error, never a
//! panic; detection and the explicit-format path agree; every skipped entry has a stable code.
#![no_main]

use duet_core::ErrorCode;
use duet_core::transfer::{Format, detect, import, import_as};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // No password: encrypted files stop before the (deliberately slow) key derivation; their
    // decrypted contents go through the same parsers as the plain forms fuzzed here.
    match import(data, None) {
        Ok(report) => {
            let detected = detect(data).expect("import succeeded, so detection did");
            assert_eq!(detected.format, report.format);
            for s in &report.skipped {
                assert!(s.code.starts_with("E_"), "skip without a code: {s:?}");
            }
        }
        Err(e) => assert!(e.code().starts_with("E_TRANSFER_")),
    }
    // Every parser also sees input it was not made for.
    for format in Format::ALL {
        if let Err(e) = import_as(format, data, None) {
            assert!(e.code().starts_with("E_TRANSFER_"));
        }
    }
});
