//! Fuzzes the manual activation code parser: never panics; an accepted code displays in a
//! form that parses back to the same code and carries a matching check character.
#![no_main]

use duet_core::push::ManualCode;
use duet_core::push::code::check_char;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(code) = ManualCode::parse(text) {
        assert_eq!(code.value.len(), 12);
        assert!(check_char(&code.value).is_some());
        assert_eq!(ManualCode::parse(&code.display()).expect("display must parse"), code);
    }
});
