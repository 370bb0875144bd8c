//! Wycheproof RSA-4096 PKCS#1 v1.5 SHA-256 vectors through duet's privacyIDEA
//! verify path (`ServerKey::from_pkcs1_der` + `ServerKey::verify`).

use duet_core::pipush::ServerKey;
use serde_json::Value;

#[test]
fn wycheproof_rsa_4096_sha256_pkcs1() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors/wycheproof/rsa_signature_4096_sha256_test.json");
    let text = std::fs::read_to_string(path).expect("Wycheproof vectors in ../shared/vectors/wycheproof/");
    let doc: Value = serde_json::from_str(&text).unwrap();
    let (mut valid, mut invalid) = (0, 0);
    for group in doc["testGroups"].as_array().unwrap() {
        assert_eq!(group["type"], "RsassaPkcs1Verify");
        assert_eq!(group["sha"], "SHA-256");
        let key = ServerKey::from_pkcs1_der(hex::decode(group["publicKeyAsn"].as_str().unwrap()).unwrap()).unwrap();
        for t in group["tests"].as_array().unwrap() {
            let msg = hex::decode(t["msg"].as_str().unwrap()).unwrap();
            let sig = hex::decode(t["sig"].as_str().unwrap()).unwrap();
            let ok = key.verify(&msg, &sig);
            match t["result"].as_str().unwrap() {
                "valid" => {
                    assert!(ok, "tcId {} must verify", t["tcId"]);
                    valid += 1;
                }
                "invalid" => {
                    assert!(!ok, "tcId {} ({}) must be refused", t["tcId"], t["comment"]);
                    invalid += 1;
                }
                // "acceptable" (e.g. a missing NULL in DigestInfo): either answer is allowed.
                _ => {}
            }
        }
    }
    assert!(valid > 0 && invalid > 100, "ran {valid} valid and {invalid} invalid vectors");
}
