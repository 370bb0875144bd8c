//! Fuzzes the phone's request verifier and poll-response parser with the account of the
//! docs/protocol.md examples (so seeds from the document pass the signature check and the
//! fuzzer reaches the payload checks). Never panics; anything accepted really verifies.
#![no_main]

use duet_core::push::wire::b64u_decode;
use duet_core::push::{MemoryReplayStore, PushAccount, parse_poll_response, verify_request, verify_server_signature};
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_790_000_102;
// docs/protocol.md example server key and account id.
const SERVER_KEY: &str = "BIUYi-GpQZs9WJG7RMPVEobM-Lx7cvSUaooPNPj-VwaK3hZJqhZee-7FQX2Cl2US-RPhWjeZASiEor1vyBpSuwE";
const AID: &str = "CquyA9DVXxHtP6Nw6xBsSA";

fuzz_target!(|data: &[u8]| {
    let account = PushAccount {
        account_id: AID.into(),
        url: "https://mfa.example.com".into(),
        server_key: b64u_decode(SERVER_KEY).unwrap(),
        issuer: "Example Corp".into(),
        user: "alice@example.com".into(),
        device_alg: "ES256".into(),
        device_key: vec![4; 65],
        answer_key: None,
        via_manual_code: false,
    };
    let store = MemoryReplayStore::new();
    if let Ok(r) = verify_request(&account, data, NOW, &store) {
        assert_eq!(r.payload.aid, AID);
        let env = duet_core::push::wire::Envelope::parse(data).unwrap();
        assert!(verify_server_signature(&account.server_key, &env.payload, &env.sig).is_ok());
    }
    if let Ok(out) = parse_poll_response(&account, data, NOW, &store) {
        assert!(out.requests.iter().all(|r| r.payload.aid == AID));
    }
});
