//! Wycheproof HMAC-SHA1/256/512 vectors through the HMAC the OTP engine is built on
//! (the `hmac` crate over `sha1`/`sha2`, with the features duet-core enables).
//!
//! Wycheproof groups carry a `tagSize` in bits: truncated groups compare the
//! leftmost `tagSize / 8` bytes (RFC 2104 §5). `invalid` cases carry modified
//! tags and must not match. Cases whose message is 8 bytes long are also run
//! through `Generator::code_for_counter` (cached keyed state) and
//! `otp::code_for_counter` (one-shot) and compared with the RFC 4226
//! truncation of the expected tag, computed here independently.

use duet_core::otp::{Algorithm, Generator, OtpKind, OtpParams};
use duet_core::secret::Secret;
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct File {
    algorithm: String,
    number_of_tests: usize,
    test_groups: Vec<Group>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Group {
    key_size: usize,
    tag_size: usize,
    tests: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Case {
    tc_id: u32,
    key: String,
    msg: String,
    tag: String,
    result: String,
}

fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// RFC 4226 §5.3, written out here so the test does not trust the engine's copy.
fn rfc4226_value(tag: &[u8]) -> u32 {
    let o = (tag[tag.len() - 1] & 0x0f) as usize;
    ((u32::from(tag[o]) & 0x7f) << 24)
        | (u32::from(tag[o + 1]) << 16)
        | (u32::from(tag[o + 2]) << 8)
        | u32::from(tag[o + 3])
}

fn tag(alg: Algorithm, key: &[u8], msg: &[u8]) -> Vec<u8> {
    fn with<M: Mac + KeyInit>(key: &[u8], msg: &[u8]) -> Vec<u8> {
        let mut mac = <M as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(msg);
        mac.finalize().into_bytes().to_vec()
    }
    match alg {
        Algorithm::Sha1 => with::<Hmac<sha1::Sha1>>(key, msg),
        Algorithm::Sha256 => with::<Hmac<sha2::Sha256>>(key, msg),
        Algorithm::Sha512 => with::<Hmac<sha2::Sha512>>(key, msg),
    }
}

/// Returns (cases run, cases also run through the Generator).
fn run(file: &str, alg: Algorithm, name: &str, full_tag_bytes: usize) -> (usize, usize) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/vectors/wycheproof")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("Wycheproof vectors missing at {}: {e}", path.display()));
    let parsed: File = serde_json::from_str(&text).expect("Wycheproof MAC schema");
    assert_eq!(parsed.algorithm, name);
    let (mut run, mut via_generator) = (0, 0);
    for group in &parsed.test_groups {
        assert_eq!(group.tag_size % 8, 0);
        let tag_len = group.tag_size / 8;
        assert!(tag_len <= full_tag_bytes);
        for case in &group.tests {
            let key = hex(&case.key);
            assert_eq!(key.len() * 8, group.key_size, "tcId {}", case.tc_id);
            let msg = hex(&case.msg);
            let expected = hex(&case.tag);
            assert_eq!(expected.len(), tag_len, "tcId {}", case.tc_id);
            let full = tag(alg, &key, &msg);
            assert_eq!(full.len(), full_tag_bytes);
            let matches = full[..tag_len] == expected[..];
            match case.result.as_str() {
                "valid" => assert!(matches, "tcId {} valid but tag differs", case.tc_id),
                "invalid" => assert!(!matches, "tcId {} invalid but tag matches", case.tc_id),
                other => panic!("tcId {}: unexpected result {other}", case.tc_id),
            }
            run += 1;
            // Full-length valid tags over 8-byte messages are HOTP computations.
            if msg.len() == 8
                && tag_len == full_tag_bytes
                && case.result == "valid"
                && !key.is_empty()
            {
                let counter = u64::from_be_bytes(msg.clone().try_into().unwrap());
                let params = OtpParams {
                    kind: OtpKind::Hotp { counter: 0 },
                    algorithm: alg,
                    digits: 10,
                };
                let secret = Secret::new(key);
                let expected_code = format!("{:010}", rfc4226_value(&expected));
                // The cached-state path (Generator) and the one-shot path.
                let generator = Generator::new(&secret, &params).unwrap();
                assert_eq!(
                    generator.code_for_counter(counter),
                    expected_code,
                    "tcId {}",
                    case.tc_id
                );
                let once = duet_core::otp::code_for_counter(&secret, &params, counter).unwrap();
                assert_eq!(once, expected_code, "tcId {}", case.tc_id);
                via_generator += 1;
            }
        }
    }
    assert_eq!(run, parsed.number_of_tests, "every case of {file} ran");
    (run, via_generator)
}

#[test]
fn wycheproof_hmac_sha1() {
    let (n, _) = run("hmac_sha1_test.json", Algorithm::Sha1, "HMACSHA1", 20);
    assert_eq!(n, 170);
}

#[test]
fn wycheproof_hmac_sha256() {
    let (n, _) = run("hmac_sha256_test.json", Algorithm::Sha256, "HMACSHA256", 32);
    assert_eq!(n, 174);
}

#[test]
fn wycheproof_hmac_sha512() {
    let (n, _) = run("hmac_sha512_test.json", Algorithm::Sha512, "HMACSHA512", 64);
    assert_eq!(n, 174);
}

/// At least some cases go all the way through the Generator's code path.
#[test]
fn some_wycheproof_cases_are_hotp_computations() {
    let total: usize = [
        run("hmac_sha1_test.json", Algorithm::Sha1, "HMACSHA1", 20).1,
        run("hmac_sha256_test.json", Algorithm::Sha256, "HMACSHA256", 32).1,
        run("hmac_sha512_test.json", Algorithm::Sha512, "HMACSHA512", 64).1,
    ]
    .iter()
    .sum();
    assert!(total >= 3, "only {total} 8-byte cases");
}
