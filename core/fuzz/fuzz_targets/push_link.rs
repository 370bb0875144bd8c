//! Fuzzes the duet enrollment link parser (`duet://enroll?…`, `https://…/duet/enroll#…`):
//! never panics, and whatever it accepts survives both writers unchanged.
#![no_main]

use duet_core::push::EnrollmentLink;
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_790_000_000;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(link) = EnrollmentLink::parse(text, NOW) {
        let again = EnrollmentLink::parse(&link.to_duet_uri(), NOW).expect("duet:// form must parse");
        assert_eq!(again, link);
        let again = EnrollmentLink::parse(&link.to_https_uri(), NOW).expect("https form must parse");
        assert_eq!(again, link);
    }
});
