//! Fuzzes the phone's check of the server's registration answer, the HPKE-sealed offline secret
//! included, with the link, device key and agreement key of the docs/protocol.md examples (so the
//! document's answer passes the signature check and the fuzzer reaches the sealed secret).
//! Never panics; an accepted answer is for this device and enrollment.
#![no_main]

use duet_core::push::wire::b64u_decode;
use duet_core::push::{AgreementKey, EnrollmentLink, SoftwareP256Signer, finish_registration};
use duet_core::secret::Secret;
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

const NOW: i64 = 1_790_000_031;
const LINK: &str = "duet://enroll?v=1&url=https%3A%2F%2Fmfa.example.com&eid=ZzZmwf-HawjUpXQIiKbljw&es=GXeIFIf3SyCfpOTrc7TnvQHOEazN39gD0SxH4Dt3Hts&sk=BIUYi-GpQZs9WJG7RMPVEobM-Lx7cvSUaooPNPj-VwaK3hZJqhZee-7FQX2Cl2US-RPhWjeZASiEor1vyBpSuwE&iss=Example%20Corp&user=alice%40example.com&exp=1790000600";
const DEVICE_PKCS8: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgFQGX7Rqb5b_NGLH6YO9zMi2v7wKUkvB5XAxhInBGGquhRANCAAQqfWBrwpTUtbPOAeT8stksPGr4pVyJO1jYz7GnyR5asBAYduipbA9K6JUFho7zMEWtJ-21DpqzgTkdtYF5CnUM";
const AGREEMENT_IKM: &str = "6KjKnXJ2TwTfHnsONV3-Zb95_jHBiDThRUSBYvjmGTo";

fuzz_target!(|data: &[u8]| {
    let link = EnrollmentLink::parse(LINK, NOW).unwrap();
    let rng = Arc::new(ring::rand::SystemRandom::new());
    let signer = SoftwareP256Signer::from_pkcs8(Secret::new(b64u_decode(DEVICE_PKCS8).unwrap()), rng).unwrap();
    let agreement = AgreementKey::derive(&b64u_decode(AGREEMENT_IKM).unwrap());
    if let Ok(reg) = finish_registration(&link, &signer, &agreement, data, NOW) {
        assert_eq!(reg.account.url, link.url);
        assert_eq!(reg.account.server_key, link.server_key);
    }
});
