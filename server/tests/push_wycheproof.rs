//! Wycheproof ECDSA P-256/SHA-256 vectors (DER and P1363) through every signature
//! verification path of the push protocol:
//! - the phone checking server signatures (`push::verify_server_signature`),
//! - the verifier checking device signatures (`verifier::verify_device_signature`),
//! - platform-signature normalisation (DER or raw `r||s` → wire form) in front of both,
//! - public keys given as SPKI DER normalised to the wire form.
//!
//! "valid" must verify, "invalid" must be refused, "acceptable" may go either way.

use duet_core::push::signer::normalize_signature;
use duet_core::push::{SignatureAlgorithm, normalize_public_key, verify_server_signature};
use duet_server::verifier::{DeviceRecord, verify_device_signature};
use serde_json::Value;

const ALG: SignatureAlgorithm = SignatureAlgorithm::EcdsaP256Sha256;

fn load(name: &str) -> Value {
    let path = format!("{}/../../shared/vectors/wycheproof/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn device(key: &[u8]) -> DeviceRecord {
    DeviceRecord {
        account_id: "a".into(),
        enrollment_id: "e".into(),
        user: "u".into(),
        alg: "ES256".into(),
        public_key: key.to_vec(),
        answer_key: None,
        name: "n".into(),
        platform: "cli".into(),
        keystore: "software".into(),
        registered_at: 0,
        clock_offset_secs: 0,
    }
}

/// Runs one file; `der` says whether signatures are DER (normalised first) or P1363.
fn run(name: &str, der: bool) -> (usize, usize) {
    let doc = load(name);
    let (mut valid, mut invalid) = (0, 0);
    for group in doc["testGroups"].as_array().unwrap() {
        let uncompressed = hex::decode(group["publicKey"]["uncompressed"].as_str().unwrap()).unwrap();
        let spki = hex::decode(group["publicKeyDer"].as_str().unwrap()).unwrap();
        // SPKI parsing must yield exactly the uncompressed point.
        let key = normalize_public_key(ALG, &spki).expect("Wycheproof SPKI key parses");
        assert_eq!(key, uncompressed, "SPKI normalisation in {name}");
        assert_eq!(normalize_public_key(ALG, &uncompressed).unwrap(), uncompressed);
        for t in group["tests"].as_array().unwrap() {
            let id = t["tcId"].as_u64().unwrap();
            let msg = hex::decode(t["msg"].as_str().unwrap()).unwrap();
            let sig = hex::decode(t["sig"].as_str().unwrap()).unwrap();
            let result = t["result"].as_str().unwrap();
            let wire = if der { normalize_signature(ALG, &key, &msg, &sig).ok() } else { Some(sig.clone()) };
            let phone = wire.as_ref().is_some_and(|w| verify_server_signature(&key, &msg, w).is_ok());
            let server = wire.as_ref().is_some_and(|w| verify_device_signature(&device(&key), &msg, w).is_ok());
            assert_eq!(phone, server, "{name} tcId {id}: paths disagree");
            match result {
                "valid" => {
                    assert!(phone, "{name} tcId {id} ({}) valid but refused", t["comment"]);
                    valid += 1;
                }
                "invalid" => {
                    assert!(!phone, "{name} tcId {id} ({}) invalid but accepted", t["comment"]);
                    invalid += 1;
                }
                "acceptable" => {}
                other => panic!("unknown result {other}"),
            }
        }
    }
    (valid, invalid)
}

#[test]
fn wycheproof_p1363_through_every_path() {
    let (v, i) = run("ecdsa_secp256r1_sha256_p1363_test.json", false);
    assert!(v == 173 && i == 89, "too few vectors ran: {v} valid, {i} invalid");
}

#[test]
fn wycheproof_der_through_normalisation_and_every_path() {
    let (v, i) = run("ecdsa_secp256r1_sha256_test.json", true);
    assert!(v == 174 && i == 310, "too few vectors ran: {v} valid, {i} invalid");
}
