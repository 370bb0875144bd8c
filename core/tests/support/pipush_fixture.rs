//! The privacyIDEA push fixture (`core/tests/data/pipush_fixture.json`, made by python
//! `cryptography` in `tests/privacyidea/make_fixtures.py`) as a device account. Shared by
//! the protocol tests, the `pipush` benchmark and the `pipush_poll` fuzz target through
//! `#[path]` includes, so the three build the account the same way.
#![allow(dead_code)]

use base64::Engine as _;
use duet_core::pipush::{DeviceKey, PiPushAccount, ServerKey};
use duet_core::secret::Secret;
use serde_json::Value;

/// The fixture file, parsed.
pub fn fixture() -> Value {
    serde_json::from_str(include_str!("../data/pipush_fixture.json")).expect("fixture is JSON")
}

/// The fixture's device key (RSA-4096, PKCS#8).
pub fn device_key(f: &Value) -> DeviceKey {
    let der = base64::engine::general_purpose::STANDARD
        .decode(f["device_pkcs8_b64"].as_str().expect("device_pkcs8_b64"))
        .expect("base64");
    DeviceKey::from_pkcs8(Secret::new(der)).expect("fixture device key")
}

/// The server key stored under `server_key_field` (`server_public_key`, or
/// `other_server_public_key` for a key that signed nothing).
pub fn server_key(f: &Value, server_key_field: &str) -> ServerKey {
    ServerKey::from_privacyidea(f[server_key_field].as_str().expect("server key field"))
        .expect("fixture server key")
}

/// The enrolled account of the fixture, trusting the server key in `server_key_field`.
pub fn account(f: &Value, label: &str, server_key_field: &str) -> PiPushAccount {
    PiPushAccount {
        label: label.into(),
        issuer: "privacyIDEA".into(),
        serial: f["serial"].as_str().expect("serial").into(),
        url: f["url"].as_str().expect("url").into(),
        sslverify: true,
        poll_only: true,
        require_unlock: false,
        server_public_key: server_key(f, server_key_field).pkcs1_der().to_vec(),
        device_key: device_key(f).pkcs8().clone(),
        answered: vec![],
    }
}
