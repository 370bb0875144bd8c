//! Wycheproof AES-GCM vectors through the vault's seal/open path (`SealKey`).
//! Every 256-bit-key, 96-bit-nonce vector runs (the only AES-GCM shape the vault
//! uses); other key and nonce sizes are rejected by construction.

use duet_core::vault::seal::SealKey;
use serde_json::Value;

fn vectors() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/wycheproof/aes_gcm_test.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn hex(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

#[test]
fn wycheproof_aes_256_gcm() {
    let v = vectors();
    let (mut valid, mut invalid) = (0, 0);
    for g in v["testGroups"].as_array().unwrap() {
        let (ks, ivs, ts) = (g["keySize"].as_u64().unwrap(), g["ivSize"].as_u64().unwrap(), g["tagSize"].as_u64().unwrap());
        for t in g["tests"].as_array().unwrap() {
            let id = t["tcId"].as_u64().unwrap();
            let key = hex(&t["key"]);
            if ks != 256 {
                assert!(SealKey::new(&key).is_err(), "tc {id}: non-256-bit key accepted");
                continue;
            }
            if ivs != 96 || ts != 128 {
                continue; // the API takes exactly a 12-byte nonce; other sizes cannot be expressed
            }
            let k = SealKey::new(&key).unwrap();
            let nonce: [u8; 12] = hex(&t["iv"]).try_into().unwrap();
            let (aad, msg) = (hex(&t["aad"]), hex(&t["msg"]));
            let mut ct_tag = hex(&t["ct"]);
            ct_tag.extend(hex(&t["tag"]));
            let opened = k.open_with_nonce(&nonce, &aad, &ct_tag);
            match t["result"].as_str().unwrap() {
                "valid" | "acceptable" => {
                    assert_eq!(&opened.unwrap()[..], &msg[..], "tc {id}: open");
                    assert_eq!(k.seal_with_nonce(&nonce, &aad, &msg), ct_tag, "tc {id}: seal");
                    valid += 1;
                }
                _ => {
                    assert!(opened.is_err(), "tc {id}: invalid vector opened");
                    invalid += 1;
                }
            }
        }
    }
    assert!(valid >= 39 && invalid >= 27, "ran {valid} valid and {invalid} invalid vectors");
}
