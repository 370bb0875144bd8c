//! Fuzzes the verifier's answer check (and the device-call and registration parsers) against
//! the sign-in of the docs/protocol.md examples. Never panics; a malformed or forged answer
//! never changes the sign-in's state except through a genuinely signed answer.
#![no_main]

use std::sync::Arc;

use duet_core::push::wire::{b64u_decode, sha256};
use duet_server::verifier::{DeviceRecord, MatchMode, ServerKey, SignIn, SignInStatus, Verifier, IssuedRequest};
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_790_000_107;
const DEVICE_KEY: &str = "BCp9YGvClNS1s84B5Pyy2Sw8avilXIk7WNjPsafJHlqwEBh26KlsD0rolQWGjvMwRa0n7bUOmrOBOR21gXkKdQw";
const AID: &str = "CquyA9DVXxHtP6Nw6xBsSA";
const CID: &str = "N_7ODGNSLjjeC-AeZsib3g";
const REQUEST_PAYLOAD: &str = r#"{"v":1,"typ":"request","cid":"N_7ODGNSLjjeC-AeZsib3g","aid":"CquyA9DVXxHtP6Nw6xBsSA","iat":1790000100,"exp":1790000220,"user":"alice@example.com","service":"Example VPN","ip":"203.0.113.7","loc":"Berlin, DE","client":"Firefox 133 on Windows","match":"type","digits":2}"#;

fuzz_target!(|data: &[u8]| {
    static VERIFIER: std::sync::OnceLock<Verifier> = std::sync::OnceLock::new();
    let verifier = VERIFIER.get_or_init(|| {
        let key = ServerKey::generate(Arc::new(ring::rand::SystemRandom::new())).unwrap();
        Verifier::new(key, "https://mfa.example.com", "Example Corp").unwrap()
    });
    let device = DeviceRecord {
        account_id: AID.into(),
        enrollment_id: "e".into(),
        user: "alice@example.com".into(),
        alg: "ES256".into(),
        public_key: b64u_decode(DEVICE_KEY).unwrap(),
        answer_key: None,
        name: "Pixel 8".into(),
        platform: "android".into(),
        keystore: "strongbox".into(),
        registered_at: 0,
        clock_offset_secs: 0,
    };
    let mut sign_in = SignIn {
        challenge_id: CID.into(),
        user: "alice@example.com".into(),
        issued_at: 1_790_000_100,
        expires_at: 1_790_000_220,
        mode: MatchMode::Type { digits: 2 },
        number: Some(80),
        choices: vec![],
        issued: vec![IssuedRequest { account_id: AID.into(), body: vec![], request_hash: sha256(REQUEST_PAYLOAD.as_bytes()) }],
        status: SignInStatus::Pending,
        answered_by: None,
    };
    let before = sign_in.clone();
    match verifier.verify_answer(&mut sign_in, &device, data, NOW) {
        Ok(_) => {
            let env = duet_core::push::wire::Envelope::parse(data).unwrap();
            assert!(duet_server::verifier::verify_device_signature(&device, &env.payload, &env.sig).is_ok());
            assert_ne!(sign_in.status, SignInStatus::Pending);
        }
        Err(_) if sign_in != before => {
            // Only a genuinely signed answer (wrong number, expired) may change the state.
            let env = duet_core::push::wire::Envelope::parse(data).unwrap();
            assert!(duet_server::verifier::verify_device_signature(&device, &env.payload, &env.sig).is_ok());
        }
        Err(_) => {}
    }
    let _ = verifier.verify_device_call(&device, data, NOW);
    let _ = verifier.verify_device_key_rotation(&device, data, NOW);
    let _ = duet_server::verifier::registration_lookup(data);
    let _ = duet_server::verifier::device_message_account_id(data);
});
