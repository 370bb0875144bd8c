//! Fuzzes the privacyIDEA poll answer reader with a fixed account and server key:
//! never panics, and no request is accepted unless its signature verified (the
//! fuzzer cannot forge RSA signatures, so accepted requests come from the seed).
#![no_main]

use base64::Engine as _;
use duet_core::pipush::{protocol, PiPushAccount, ServerKey};
use duet_core::secret::Secret;
use duet_core::transport::HttpResponse;
use libfuzzer_sys::fuzz_target;

fn account() -> (PiPushAccount, ServerKey) {
    let f: serde_json::Value = serde_json::from_str(include_str!("../../tests/data/pipush_fixture.json")).unwrap();
    let server = ServerKey::from_privacyidea(f["server_public_key"].as_str().unwrap()).unwrap();
    let pkcs8 = base64::engine::general_purpose::STANDARD.decode(f["device_pkcs8_b64"].as_str().unwrap()).unwrap();
    let acct = PiPushAccount {
        label: "fuzz".into(),
        issuer: "fuzz".into(),
        serial: f["serial"].as_str().unwrap().into(),
        url: f["url"].as_str().unwrap().into(),
        sslverify: true,
        poll_only: true,
        require_unlock: false,
        server_public_key: server.pkcs1_der().to_vec(),
        device_key: Secret::new(pkcs8),
        answered: vec![],
    };
    (acct, server)
}

fuzz_target!(|data: &[u8]| {
    thread_local!(static ACCOUNT: (PiPushAccount, ServerKey) = account());
    ACCOUNT.with(|(acct, server)| {
        let resp = HttpResponse { status: 200, body: data.to_vec() };
        if let Ok(out) = protocol::parse_poll_response(&resp, acct, server) {
            for r in out.requests {
                assert_eq!(r.serial, acct.serial);
            }
        }
    });
});
