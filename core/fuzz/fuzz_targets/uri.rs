//! Fuzzes the `otpauth://` reader: never panics, and whatever it accepts
//! survives the canonical writer (parse ∘ write is the identity on accounts,
//! and write ∘ parse reaches a fixed point).
#![no_main]

use duet_core::uri::{parse, write};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(parsed) = parse(text) {
        let written = write(&parsed.account);
        let again = parse(&written).expect("the canonical form must parse");
        assert_eq!(again.account, parsed.account, "round trip changed the account: {written}");
        assert_eq!(write(&again.account), written, "not a fixed point");
    }
});
