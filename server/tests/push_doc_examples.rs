//! The examples in docs/protocol.md are real: this test regenerates them deterministically
//! (fixed keys derived from fixed seeds, fixed randomness, fixed times), checks the document
//! still carries exactly these bytes, and verifies every example parsed out of the document
//! with duet's own code. `DUET_UPDATE_PROTOCOL_DOC=1 cargo test -p duet-core --test
//! push_doc_examples` rewrites the blocks after a deliberate protocol change.
//! tests/protocol/verify_examples.py checks the same blocks independently (Python
//! `cryptography`).

#![allow(deprecated)] // ring's fixed test RNGs live in the deprecated `ring::test` module.

use std::collections::BTreeMap;
use std::sync::Arc;

use duet_core::push::wire::{b64u, fingerprint, sha256};
use duet_core::push::*;
use duet_core::secret::Secret;
use duet_server::verifier::{AnswerOutcome, DeviceRecord, Enrollment, MatchMode, ServerKey, SignInContext, Verifier};
use ring::rand::SecureRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use ring::test::rand::{FixedByteRandom, FixedSliceRandom, FixedSliceSequenceRandom};

const T: i64 = 1_790_000_000;
const URL: &str = "https://mfa.example.com";

fn seed(label: &str) -> [u8; 32] {
    sha256(format!("duet protocol.md example: {label}").as_bytes())
}

/// A PKCS#8 P-256 key whose scalar comes from `seed(label)`.
fn fixed_pkcs8(label: &str) -> Secret {
    let s = seed(label);
    let rng = FixedSliceRandom { bytes: &s };
    Secret::new(EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap().as_ref().to_vec())
}

fn nonce_rng() -> Arc<FixedByteRandom> {
    // ring hedges ECDSA nonces with the key and message, so a fixed RNG still gives distinct,
    // safe nonces per message, and deterministic bytes for the document.
    Arc::new(FixedByteRandom { byte: 0x42 })
}

fn payload_of(body: &[u8]) -> String {
    String::from_utf8(wire::Envelope::parse(body).unwrap().payload).unwrap()
}

fn s(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

/// Generates every example; the flow itself asserts each step is accepted.
fn generate() -> BTreeMap<&'static str, String> {
    let mut ex = BTreeMap::new();
    let server_pkcs8 = fixed_pkcs8("server key");
    let device_pkcs8 = fixed_pkcs8("device key");
    let answer_pkcs8 = fixed_pkcs8("answer key");
    let new_device_pkcs8 = fixed_pkcs8("new device key");
    let new_server_pkcs8 = fixed_pkcs8("new server key");
    let server_key = ServerKey::from_pkcs8(server_pkcs8.clone(), nonce_rng()).unwrap();
    let signer = SoftwareP256Signer::from_pkcs8(device_pkcs8.clone(), nonce_rng()).unwrap();
    let answer_signer = SoftwareP256Signer::from_pkcs8(answer_pkcs8.clone(), nonce_rng()).unwrap();
    let new_signer = SoftwareP256Signer::from_pkcs8(new_device_pkcs8.clone(), nonce_rng()).unwrap();
    let new_server = ServerKey::from_pkcs8(new_server_pkcs8.clone(), nonce_rng()).unwrap();
    ex.insert("server_private_key_pkcs8", b64u(server_pkcs8.expose()));
    ex.insert("server_public_key", b64u(&server_key.public_key()));
    ex.insert("server_key_fingerprint", fingerprint(&server_key.public_key()));
    ex.insert("device_private_key_pkcs8", b64u(device_pkcs8.expose()));
    ex.insert("device_public_key", b64u(&signer.public_key()));
    ex.insert("answer_private_key_pkcs8", b64u(answer_pkcs8.expose()));
    ex.insert("answer_public_key", b64u(&answer_signer.public_key()));
    ex.insert("new_device_private_key_pkcs8", b64u(new_device_pkcs8.expose()));
    ex.insert("new_device_public_key", b64u(&new_signer.public_key()));
    ex.insert("new_server_private_key_pkcs8", b64u(new_server_pkcs8.expose()));
    ex.insert("new_server_public_key", b64u(&new_server.public_key()));
    let verifier = Verifier::new(server_key, URL, "Example Corp").unwrap();

    // Enrollment with a manual code.
    let code_bytes = &seed("manual code")[..12];
    let code = ManualCode::generate("mfa.example.com", &FixedSliceRandom { bytes: code_bytes }).unwrap();
    let mut enrollment = Enrollment {
        id: b64u(&seed("enrollment id")[..16]),
        secret: Secret::new(seed("enrollment secret").to_vec()),
        user: "alice@example.com".into(),
        created_at: T,
        expires_at: T + 600,
        code: Some(code.value.clone()),
        used: false,
    };
    let link = verifier.enrollment_link(&enrollment);
    ex.insert("enrollment_link", link.to_duet_uri());
    ex.insert("enrollment_link_https", link.to_https_uri());
    ex.insert("manual_code", verifier.manual_code(&enrollment).unwrap().display());
    ex.insert("enrollment_lookup_response", s(&verifier.enrollment_lookup_response(&enrollment, T + 20).unwrap()));
    let looked_up = parse_enrollment_lookup(&code, ex["enrollment_lookup_response"].as_bytes(), T + 20).unwrap();
    assert_eq!(looked_up.server_key, link.server_key);

    // Registration.
    let info = DeviceInfo { name: "Pixel 8".into(), platform: "android".into(), keystore: "strongbox".into() };
    let agreement_ikm = seed("agreement key");
    let agreement = AgreementKey::derive(&agreement_ikm);
    ex.insert("agreement_key_ikm", b64u(&agreement_ikm));
    let reg_body =
        build_registration_with_answer_key(&link, &signer, &answer_signer.public_key(), &agreement, &info, T + 30).unwrap();
    let aid_bytes = &seed("account id")[..16];
    let ephemeral_ikm = seed("offline secret seal");
    let otp = "otpauth://totp/Example%20Corp:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Corp";
    let register_rng = FixedSliceSequenceRandom { bytes: &[aid_bytes, &ephemeral_ikm], current: Default::default() };
    let (device, reg_resp) = verifier
        .register(&mut enrollment, &reg_body, T + 31, &register_rng, Some(&Secret::new(otp.into())))
        .unwrap();
    drop(register_rng);
    let registered = finish_registration(&link, &signer, &agreement, &reg_resp, T + 32).unwrap();
    assert_eq!(registered.otp_uri.as_ref().map(Secret::expose), Some(otp.as_bytes()));
    assert_eq!(device.answer_key, Some(answer_signer.public_key()));
    let account = PushAccount { answer_key: Some(answer_signer.public_key()), ..registered.account };
    ex.insert("register_body", s(&reg_body));
    ex.insert("register_payload", payload_of(&reg_body));
    ex.insert("registered_body", s(&reg_resp));
    ex.insert("registered_payload", payload_of(&reg_resp));
    ex.insert("registered_otp_uri", otp.to_string());

    let ctx = SignInContext {
        user: "alice@example.com".into(),
        service: "Example VPN".into(),
        ip: Some("203.0.113.7".into()),
        location: Some("Berlin, DE".into()),
        client: Some("Firefox 133 on Windows".into()),
    };
    let cid1 = seed("challenge 1");
    let number_bytes = 0x0000_1234u32.to_le_bytes();
    let seq = FixedSliceSequenceRandom { bytes: &[&number_bytes, &cid1[..16]], current: Default::default() };
    let mut s1 = verifier.create_sign_in(std::slice::from_ref(&device), &ctx, MatchMode::Type { digits: 2 }, 120, T + 100, &seq).unwrap();
    drop(seq);
    let req1 = s1.issued[0].body.clone();
    ex.insert("shown_number", s1.number.unwrap().to_string());
    ex.insert("request_type_body", s(&req1));
    ex.insert("request_type_payload", payload_of(&req1));

    // Signed poll, and the poll response carrying the pending request.
    let poll = build_poll(&account, &signer, T + 101).unwrap();
    assert!(matches!(verifier.verify_device_call(&device, &poll, T + 101), Ok(duet_server::verifier::DeviceCall::Poll { .. })));
    ex.insert("poll_body", s(&poll));
    ex.insert("poll_response", s(&Verifier::poll_response(&device, [&s1], None, T + 101)));

    let store = MemoryReplayStore::new();
    let v1 = verify_request(&account, &req1, T + 102, &store).unwrap();
    let ans1 = build_answer(&account, &v1, &Answer::Approve { number: Some(ex["shown_number"].clone()) }, &answer_signer, T + 107, &store).unwrap();
    assert_eq!(verifier.verify_answer(&mut s1, &device, &ans1, T + 107), Ok(AnswerOutcome::Approved));
    ex.insert("answer_approve_body", s(&ans1));
    ex.insert("answer_approve_payload", payload_of(&ans1));

    // Pick mode, denied as fraud.
    let cid2 = seed("challenge 2");
    let (n, c2, c3, pos) = (7u32.to_le_bytes(), 30u32.to_le_bytes(), 61u32.to_le_bytes(), 1u32.to_le_bytes());
    let seq = FixedSliceSequenceRandom { bytes: &[&n, &c2, &c3, &pos, &cid2[..16]], current: Default::default() };
    let ctx2 = SignInContext { service: "Example Mail".into(), client: Some("Safari on macOS".into()), location: Some("Lagos, NG".into()), ip: Some("198.51.100.23".into()), ..ctx };
    let mut s2 = verifier.create_sign_in(std::slice::from_ref(&device), &ctx2, MatchMode::Pick { digits: 2, choices: 3 }, 120, T + 200, &seq).unwrap();
    drop(seq);
    let req2 = s2.issued[0].body.clone();
    let v2 = verify_request(&account, &req2, T + 201, &store).unwrap();
    let ans2 = build_answer(&account, &v2, &Answer::Deny { reason: DenyReason::NotMe }, &answer_signer, T + 204, &store).unwrap();
    assert_eq!(verifier.verify_answer(&mut s2, &device, &ans2, T + 204), Ok(AnswerOutcome::Denied(DenyReason::NotMe)));
    ex.insert("request_pick_body", s(&req2));
    ex.insert("request_pick_payload", payload_of(&req2));
    ex.insert("answer_deny_body", s(&ans2));
    ex.insert("answer_deny_payload", payload_of(&ans2));

    // Push token, device key rotation, server key rotation, unenrollment.
    let tok = build_push_token(&account, &signer, PushProvider::Fcm, "fcm-registration-token-example", T + 300).unwrap();
    assert!(verifier.verify_device_call(&device, &tok, T + 300).is_ok());
    ex.insert("push_token_body", s(&tok));
    let rot = build_device_key_rotation(&account, &signer, &new_signer, T + 400).unwrap();
    let device2: DeviceRecord = verifier.verify_device_key_rotation(&device, &rot, T + 400).unwrap();
    ex.insert("rotate_device_key_body", s(&rot));
    ex.insert("rotate_device_key_payload", payload_of(&rot));
    let srot = verifier.server_key_rotation(&device2, &new_server.public_key(), T + 500).unwrap();
    let rotated = apply_server_key_rotation(&account, &srot).unwrap();
    assert_eq!(rotated.server_key, new_server.public_key());
    ex.insert("rotate_server_key_body", s(&srot));
    ex.insert("rotate_server_key_payload", payload_of(&srot));
    let account2 = PushAccount { device_key: new_signer.public_key(), ..rotated };
    let un = build_unenroll(&account2, &new_signer, T + 600).unwrap();
    assert!(verifier.verify_device_call(&device2, &un, T + 600).is_ok());
    ex.insert("unenroll_body", s(&un));
    let _ = SecureRandom::fill(&FixedByteRandom { byte: 0 }, &mut [0u8; 1]);
    ex
}

fn doc_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/protocol.md")
}

const MARK: &str = "<!-- example:";

/// Parses `<!-- example:NAME -->` followed by a fenced block; returns name → content.
fn parse_doc(doc: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = doc;
    while let Some(i) = rest.find(MARK) {
        rest = &rest[i + MARK.len()..];
        let end = rest.find(" -->").unwrap();
        let name = rest[..end].to_string();
        let open = rest.find("```").unwrap();
        let body_start = open + rest[open..].find('\n').unwrap() + 1;
        let close = body_start + rest[body_start..].find("\n```").unwrap();
        out.insert(name, rest[body_start..close].to_string());
        rest = &rest[close..];
    }
    out
}

/// Replaces every example block's content with the generated one.
fn rewrite_doc(doc: &str, ex: &BTreeMap<&'static str, String>) -> String {
    let mut out = String::new();
    let mut rest = doc;
    while let Some(i) = rest.find(MARK) {
        let after = &rest[i + MARK.len()..];
        let name = &after[..after.find(" -->").unwrap()];
        let open = i + MARK.len() + after.find("```").unwrap();
        let body_start = open + rest[open..].find('\n').unwrap() + 1;
        let close = body_start + rest[body_start..].find("\n```").unwrap();
        out.push_str(&rest[..body_start]);
        out.push_str(ex.get(name).unwrap_or_else(|| panic!("unknown example {name}")));
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

#[test]
fn protocol_doc_examples_are_current_and_verify() {
    let ex = generate();
    let path = doc_path();
    let doc = std::fs::read_to_string(&path).expect("docs/protocol.md");
    if std::env::var_os("DUET_UPDATE_PROTOCOL_DOC").is_some() {
        std::fs::write(&path, rewrite_doc(&doc, &ex)).unwrap();
    }
    let doc = std::fs::read_to_string(&path).unwrap();
    let found = parse_doc(&doc);
    for (name, value) in &ex {
        assert_eq!(found.get(*name), Some(value), "docs/protocol.md example `{name}` is stale; rerun with DUET_UPDATE_PROTOCOL_DOC=1");
    }
    assert_eq!(found.len(), ex.len(), "docs/protocol.md has examples the generator does not make");

    // Verify the bytes as parsed out of the document, with duet's code.
    let d = |k: &str| found[k].as_bytes().to_vec();
    let key = |k: &str| wire::b64u_decode(&found[k]).unwrap();
    let link = EnrollmentLink::parse(&found["enrollment_link"], T).unwrap();
    assert_eq!(EnrollmentLink::parse(&found["enrollment_link_https"], T).unwrap(), link);
    assert_eq!(link.server_key, key("server_public_key"));
    assert_eq!(link.server_key_fingerprint(), found["server_key_fingerprint"]);
    let code = ManualCode::parse(&found["manual_code"]).unwrap();
    assert_eq!(parse_enrollment_lookup(&code, &d("enrollment_lookup_response"), T).unwrap().server_key, link.server_key);
    let signer = SoftwareP256Signer::from_pkcs8(Secret::new(key("device_private_key_pkcs8")), nonce_rng()).unwrap();
    assert_eq!(signer.public_key(), key("device_public_key"));
    let agreement = AgreementKey::derive(&key("agreement_key_ikm"));
    let registered = finish_registration(&link, &signer, &agreement, &d("registered_body"), T + 32).unwrap();
    assert_eq!(registered.otp_uri.as_ref().map(Secret::expose), Some(found["registered_otp_uri"].as_bytes()));
    let account = PushAccount { answer_key: Some(key("answer_public_key")), ..registered.account };
    let answer_signer = SoftwareP256Signer::from_pkcs8(Secret::new(key("answer_private_key_pkcs8")), nonce_rng()).unwrap();
    assert_eq!(answer_signer.public_key(), key("answer_public_key"));
    let reg: serde_json::Value = serde_json::from_str(&found["register_payload"]).unwrap();
    assert_eq!(reg["ak"], found["answer_public_key"]);
    let device = DeviceRecord {
        account_id: account.account_id.clone(),
        enrollment_id: link.enrollment_id.clone(),
        user: link.user.clone(),
        alg: "ES256".into(),
        public_key: key("device_public_key"),
        answer_key: Some(key("answer_public_key")),
        name: "Pixel 8".into(),
        platform: "android".into(),
        keystore: "strongbox".into(),
        registered_at: T,
        clock_offset_secs: 0,
    };
    let store = MemoryReplayStore::new();
    let r1 = verify_request(&account, &d("request_type_body"), T + 102, &store).unwrap();
    let r2 = verify_request(&account, &d("request_pick_body"), T + 201, &store).unwrap();
    let server = Verifier::new(ServerKey::from_pkcs8(Secret::new(key("server_private_key_pkcs8")), nonce_rng()).unwrap(), URL, "Example Corp").unwrap();
    assert_eq!(server.server_public_key(), key("server_public_key"));
    for (k, typ) in [("poll_body", "poll"), ("push_token_body", "push_token")] {
        assert!(server.verify_device_call(&device, &d(k), T + 300).is_ok(), "{k} ({typ})");
    }
    let poll = parse_poll_response(&account, &d("poll_response"), T + 101, &store).unwrap();
    assert_eq!(poll.requests.len(), 1);
    assert_eq!(poll.requests[0].request_hash, r1.request_hash);
    // The answers bind the request hashes and verify with the answer key, not the device key.
    for (k, r) in [("answer_approve_payload", &r1), ("answer_deny_payload", &r2)] {
        let a: serde_json::Value = serde_json::from_str(&found[k]).unwrap();
        assert_eq!(a["rh"], b64u(&r.request_hash));
    }
    for k in ["answer_approve_body", "answer_deny_body"] {
        let env = wire::Envelope::parse(&d(k)).unwrap();
        verify_signature(SignatureAlgorithm::EcdsaP256Sha256, &key("answer_public_key"), &env.payload, &env.sig).unwrap();
        assert!(duet_server::verifier::verify_device_signature(&device, &env.payload, &env.sig).is_err(), "{k}");
    }
    let device2 = server.verify_device_key_rotation(&device, &d("rotate_device_key_body"), T + 400).unwrap();
    assert_eq!(device2.public_key, key("new_device_public_key"));
    assert_eq!(device2.answer_key, device.answer_key, "the answer key stays");
    assert!(server.verify_device_call(&device2, &d("unenroll_body"), T + 600).is_ok());
    assert_eq!(apply_server_key_rotation(&account, &d("rotate_server_key_body")).unwrap().server_key, key("new_server_public_key"));
}
