//! The answer key (docs/protocol.md §3.3, §5, §9) over HTTP: a phone registered with one
//! answers only with it; an answer signed by its device key is refused and changes nothing; a
//! device key rotation keeps the answer key and cannot carry a new one; a registration with a
//! malformed answer key is refused before anything is stored.

mod server_support;

use axum::http::StatusCode;
use duet_core::push::messages::registration_proof_input;
use duet_core::push::signer::sign_wire;
use duet_core::push::wire::{Envelope, b64u};
use duet_core::push::*;
use ring::rand::SystemRandom;
use serde_json::json;
use server_support::phone::*;
use std::sync::Arc;

fn new_key() -> SoftwareP256Signer {
    SoftwareP256Signer::generate(Arc::new(SystemRandom::new())).unwrap()
}

/// The server's stored answer key of the phone's device.
fn stored_answer_key(w: &World, phone: &Phone) -> Option<Vec<u8>> {
    use duet_server::services::devices;
    let conn = w.h.state.db();
    let d = devices::by_account(&conn, &phone.account.account_id).unwrap().unwrap();
    devices::record(&conn, w.h.state.seal(), d.id).unwrap().answer_key
}

#[tokio::test]
async fn an_answer_signed_by_the_device_key_is_refused_and_changes_nothing() {
    let w = world("alice").await;
    let phone = w.register_with_answer_key(&w.enrollment().await.0).await;
    assert_eq!(stored_answer_key(&w, &phone), phone.answer_signer.as_ref().map(|a| a.public_key()));
    let r = w.push().await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let number = r.json()["number"].as_str().unwrap().to_string();
    // Polls are signed by the device key, as before.
    let out = w.poll(&phone).await;
    let by_device_key =
        build_answer(&phone.account, &out.requests[0], &approve(&number), &phone.signer, w.now(), &MemoryReplayStore::new())
            .unwrap();
    let r = w.post_raw("/duet/v1/answer", &by_device_key).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::UNAUTHORIZED, "E_VERIFIER_ANSWER_KEY_REQUIRED"));
    assert_eq!(w.status(&id).await, "pending");
    // A key that is neither is a bad signature.
    let stranger = build_answer(&phone.account, &out.requests[0], &approve(&number), &new_key(), w.now(), &MemoryReplayStore::new())
        .unwrap();
    assert_eq!(w.post_raw("/duet/v1/answer", &stranger).await.code(), "E_VERIFIER_BAD_SIGNATURE");
    assert_eq!(w.status(&id).await, "pending");
    // The answer key's answer decides.
    let (r, _) = w.answer(&phone, approve(&number)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(w.status(&id).await, "approved");
}

#[tokio::test]
async fn a_device_key_rotation_keeps_the_answer_key_and_cannot_replace_it() {
    let w = world("alice").await;
    let mut phone = w.register_with_answer_key(&w.enrollment().await.0).await;
    let answer_key = stored_answer_key(&w, &phone);
    // A rotation naming a new answer key, signed by the old and the new device key: refused.
    let (new, attacker) = (new_key(), new_key());
    let payload = serde_json::to_vec(&json!({
        "v": 1, "typ": "rotate_device_key", "aid": phone.account.account_id, "dk": b64u(&new.public_key()),
        "alg": "ES256", "ts": w.now(), "ak": b64u(&attacker.public_key()),
    }))
    .unwrap();
    let sig = sign_wire(&phone.signer, &phone.account.device_key, &payload).unwrap();
    let sig_new = sign_wire(&new, &new.public_key(), &payload).unwrap();
    let body = Envelope { payload, sig, sig_new: Some(sig_new) }.to_bytes();
    let r = w.post_raw("/duet/v1/rotate-key", &body).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::BAD_REQUEST, "E_VERIFIER_MALFORMED"));
    // A genuine rotation replaces the device key only.
    let body = build_device_key_rotation(&phone.account, &phone.signer, &new, w.now()).unwrap();
    assert_eq!(w.post_raw("/duet/v1/rotate-key", &body).await.status, StatusCode::OK);
    assert_eq!(stored_answer_key(&w, &phone), answer_key);
    phone.account = with_rotated_device_key(&phone.account, &new).unwrap();
    phone.signer = new;
    let r = w.push().await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let number = r.json()["number"].as_str().unwrap().to_string();
    let out = w.poll(&phone).await;
    let by_new_device_key =
        build_answer(&phone.account, &out.requests[0], &approve(&number), &phone.signer, w.now(), &MemoryReplayStore::new())
            .unwrap();
    assert_eq!(w.post_raw("/duet/v1/answer", &by_new_device_key).await.code(), "E_VERIFIER_ANSWER_KEY_REQUIRED");
    let (r, _) = w.answer(&phone, approve(&number)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(w.status(&id).await, "approved");
}

/// A registration body as a phone would send it, with `ak` as given (any JSON value).
fn registration(link: &EnrollmentLink, device: &SoftwareP256Signer, ak: serde_json::Value, now: i64) -> Vec<u8> {
    let dk = b64u(&device.public_key());
    let mac_key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, link.secret.expose());
    let proof = ring::hmac::sign(&mac_key, &registration_proof_input(&link.enrollment_id, &dk));
    let ek = AgreementKey::generate(&SystemRandom::new()).unwrap();
    let payload = serde_json::to_vec(&json!({
        "v": 1, "typ": "register", "eid": link.enrollment_id, "dk": dk, "alg": "ES256", "ak": ak,
        "ek": b64u(ek.public_key()), "proof": b64u(proof.as_ref()), "ts": now, "name": "P",
        "platform": "cli", "keystore": "software", "sk": b64u(&link.server_key),
    }))
    .unwrap();
    let sig = sign_wire(device, &device.public_key(), &payload).unwrap();
    Envelope { payload, sig, sig_new: None }.to_bytes()
}

#[tokio::test]
async fn a_malformed_answer_key_is_refused_before_anything_is_stored() {
    let w = world("alice").await;
    let (link_text, _) = w.enrollment().await;
    let link = EnrollmentLink::parse(&link_text, w.now()).unwrap();
    let device = new_key();
    let sec1 = new_key().public_key();
    let mut off_curve = sec1.clone();
    off_curve[64] ^= 1;
    let compressed = [&[2 + (sec1[64] & 1)][..], &sec1[1..33]].concat();
    let cases = [
        (json!(b64u(&off_curve)), "E_VERIFIER_KEY_INVALID"),
        (json!(b64u(&compressed)), "E_VERIFIER_KEY_INVALID"),
        (json!(b64u(&sec1[..64])), "E_VERIFIER_KEY_INVALID"),
        (json!(b64u(&device.public_key())), "E_VERIFIER_KEY_INVALID"),
        (json!("not base64url!"), "E_VERIFIER_MALFORMED"),
        (json!(null), "E_VERIFIER_MALFORMED"),
        (json!(42), "E_VERIFIER_MALFORMED"),
    ];
    for (ak, code) in cases {
        let r = w.post_raw("/duet/v1/register", &registration(&link, &device, ak.clone(), w.now())).await;
        assert_eq!((r.status, r.code().as_str()), (StatusCode::BAD_REQUEST, code), "ak {ak}: {}", r.body);
        assert_eq!(w.h.count("devices"), 0);
    }
    // The same body with a valid answer key registers: the enrollment was left unused.
    let r = w.post_raw("/duet/v1/register", &registration(&link, &device, json!(b64u(&sec1)), w.now())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(w.h.count("devices"), 1);
}
