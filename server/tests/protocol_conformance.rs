//! The server as docs/protocol.md and docs/server.md describe it, at the edges an implementer
//! written from the documents alone tripped over: `null` members, user-name limits, JSON on
//! every error, the order of checks on answers, the replay memory's retention, manual codes of a
//! server under a path prefix, hidden characters, registration values.

mod server_support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use duet_core::ErrorCode;
use duet_core::push::signer::sign_wire;
use duet_core::push::wire::Envelope;
use duet_core::push::*;
use ring::rand::SystemRandom;
use server_support::phone::*;
use server_support::*;
use std::sync::Arc;

/// `body` with its payload rewritten by `f` and signed again by the phone's key.
fn resigned(phone: &Phone, body: &[u8], f: impl FnOnce(String) -> String) -> Vec<u8> {
    let mut env = Envelope::parse(body).unwrap();
    env.payload = f(String::from_utf8(env.payload).unwrap()).into_bytes();
    env.sig = sign_wire(&phone.signer, &phone.account.device_key, &env.payload).unwrap();
    env.to_bytes()
}

async fn pending_push(w: &World, phone: &Phone) -> (String, String, VerifiedRequest) {
    let r = w.push().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let number = r.json()["number"].as_str().unwrap().to_string();
    let mut out = w.poll(phone).await;
    (id, number, out.requests.remove(0))
}

#[tokio::test]
async fn null_members_are_refused_and_change_nothing() {
    let w = world("alice").await;
    let phone = w.enroll_phone().await;
    let (id, number, req) = pending_push(&w, &phone).await;
    let approve_body = build_answer(&phone.account, &req, &approve(&number), &phone.signer, w.now(), &MemoryReplayStore::new()).unwrap();
    let deny = Answer::Deny { reason: DenyReason::Mistake };
    let deny_body = build_answer(&phone.account, &req, &deny, &phone.signer, w.now(), &MemoryReplayStore::new()).unwrap();
    let with_null = |body: &[u8], member: &str| resigned(&phone, body, |p| p.replace(",\"ts\":", &format!(",\"{member}\":null,\"ts\":")));
    for body in [with_null(&approve_body, "reason"), with_null(&deny_body, "number")] {
        let r = w.post_raw("/duet/v1/answer", &body).await;
        assert_eq!((r.status, r.code().as_str()), (StatusCode::BAD_REQUEST, "E_VERIFIER_MALFORMED"), "{}", r.body);
    }
    assert_eq!(w.status(&id).await, "pending");
    // A null in a poll or in an envelope member is refused the same way.
    let poll = build_poll(&phone.account, &phone.signer, w.now()).unwrap();
    let r = w.post_raw("/duet/v1/poll", &resigned(&phone, &poll, |p| p.replace("}", ",\"token\":null}"))).await;
    assert_eq!(r.code(), "E_VERIFIER_MALFORMED");
    let env = String::from_utf8(approve_body.clone()).unwrap().replace("}", ",\"sig_new\":null}");
    assert_eq!(w.post_raw("/duet/v1/answer", env.as_bytes()).await.code(), "E_VERIFIER_MALFORMED");
    assert_eq!(w.status(&id).await, "pending");
    let r = w.post_raw("/duet/v1/answer", &approve_body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn a_user_named_with_128_two_byte_characters_enrolls_and_signs_in() {
    let name = "é".repeat(128);
    let w = world(&name).await;
    let phone = w.enroll_phone().await;
    assert_eq!(phone.account.user, name);
    let r = w.h.post_json("/api/v1/signins", Some(&w.key), &format!(r#"{{"user":"{name}","method":"push"}}"#)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(w.poll(&phone).await.requests[0].payload.user, name);
    // One more character, or a name that is short in characters but too long in bytes, is
    // refused when the user is created, with the user-name code (never a 500 later).
    for bad in ["é".repeat(129), "🙂".repeat(65), "pay\u{202E}lapyap".into(), "a\u{200B}b".into()] {
        let r = w.h.post_form("/helpdesk/users", Some(&w.cookie), &[("csrf", &w.csrf), ("name", &bad)]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad:?}: {}", r.body);
        assert!(r.body.contains("E_SRV_USER_NAME_INVALID"), "{}", r.body);
    }
}

#[tokio::test]
async fn every_error_of_the_api_and_the_device_endpoints_is_the_documented_json() {
    let w = world("alice").await;
    let r = w.push().await;
    let id = r.json()["id"].as_str().unwrap_or("x").to_string();
    let get = |uri: &str| Request::get(uri).header(header::AUTHORIZATION, format!("Bearer {}", w.key)).body(Body::empty()).unwrap();
    let cases = [
        (get(&format!("/api/v1/signins/{id}?wait=abc%3Cscript%3E")), StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        (get(&format!("/api/v1/signins/{id}?wait=-1")), StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        (get(&format!("/api/v1/signins/{id}?other=1")), StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        (get("/duet/v1/poll"), StatusCode::METHOD_NOT_ALLOWED, "E_SRV_METHOD_NOT_ALLOWED"),
        (Request::delete("/api/v1/signins").body(Body::empty()).unwrap(), StatusCode::METHOD_NOT_ALLOWED, "E_SRV_METHOD_NOT_ALLOWED"),
        (Request::post(format!("/api/v1/signins/{id}")).body(Body::empty()).unwrap(), StatusCode::METHOD_NOT_ALLOWED, "E_SRV_METHOD_NOT_ALLOWED"),
        (get("/api/v1/nothing-here"), StatusCode::NOT_FOUND, "E_SRV_NOT_FOUND"),
        (get("/duet/v1/nothing-here"), StatusCode::NOT_FOUND, "E_SRV_NOT_FOUND"),
        (Request::post("/duet/v1/poll").body(Body::from(vec![b'{'; 17 * 1024])).unwrap(), StatusCode::PAYLOAD_TOO_LARGE, "E_SRV_TOO_LARGE"),
        (Request::post("/api/v1/signins").header(header::AUTHORIZATION, format!("Bearer {}", w.key)).body(Body::from("{}")).unwrap(), StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
    ];
    for (req, status, code) in cases {
        let what = format!("{} {}", req.method(), req.uri());
        let r = w.h.send(req).await;
        assert_eq!(r.status, status, "{what}: {}", r.body);
        let ct = r.headers.get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        assert_eq!(ct, "application/json", "{what}");
        assert_eq!(r.code(), code, "{what}");
        assert!(!r.json()["message"].as_str().unwrap().is_empty(), "{what}");
        assert!(!r.body.contains("script"), "{what}: input echoed: {}", r.body);
    }
    // People still get a page.
    let page = w.h.get("/helpdesk/nothing-here", Some(&w.cookie)).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("<html") || page.body.contains("<!DOCTYPE"), "{}", page.body);
}

#[tokio::test]
async fn an_answer_to_another_users_sign_in_is_checked_for_its_signature_then_refused_as_wrong_account() {
    let w = world("alice").await;
    let alice = w.enroll_phone().await;
    let bob_id = w.h.create_user(&w.cookie, &w.csrf, "bob", false).await;
    let r = w.h.post_form(&format!("/helpdesk/users/{bob_id}/enroll"), Some(&w.cookie), &[("csrf", &w.csrf)]).await;
    let eid = r.location().rsplit('/').next().unwrap().to_string();
    let e = duet_server::services::enrollments::get(&w.h.state, &eid).unwrap().unwrap();
    let bob = w.register(&e.link).await;
    let (id, number, req) = pending_push(&w, &alice).await;
    let alices = build_answer(&alice.account, &req, &approve(&number), &alice.signer, w.now(), &MemoryReplayStore::new()).unwrap();
    // Bob's phone answers Alice's request: the same payload under Bob's account id.
    let from_bob = |sign: &Phone| {
        let mut env = Envelope::parse(&alices).unwrap();
        env.payload = String::from_utf8(env.payload).unwrap().replace(&alice.account.account_id, &bob.account.account_id).into_bytes();
        env.sig = sign_wire(&sign.signer, &sign.account.device_key, &env.payload).unwrap();
        env.to_bytes()
    };
    let r = w.post_raw("/duet/v1/answer", &from_bob(&alice)).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::UNAUTHORIZED, "E_VERIFIER_BAD_SIGNATURE"), "signature first");
    let r = w.post_raw("/duet/v1/answer", &from_bob(&bob)).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::FORBIDDEN, "E_VERIFIER_WRONG_ACCOUNT"), "{}", r.body);
    assert_eq!(w.status(&id).await, "pending");
    assert_eq!(w.post_raw("/duet/v1/answer", &alices).await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_answered_request_stays_refused_for_the_whole_clock_skew_allowance() {
    let w = world("alice").await;
    let phone = w.enroll_phone().await;
    let r = w.push().await;
    let number = r.json()["number"].as_str().unwrap().to_string();
    let poll = build_poll(&phone.account, &phone.signer, w.now()).unwrap();
    let response = w.post_raw("/duet/v1/poll", &poll).await.body;
    let out = parse_poll_response(&phone.account, response.as_bytes(), w.now(), &phone.store).unwrap();
    let req = &out.requests[0];
    build_answer(&phone.account, req, &approve(&number), &phone.signer, w.now(), &phone.store).unwrap();
    let exp = req.payload.exp;
    // A phone whose clock runs 100 s behind prunes and then sees the same request again: it is
    // still inside `exp + 120`, so only the replay memory stands between it and a second answer.
    let late = exp + 100;
    phone.store.prune(late).unwrap();
    let again = parse_poll_response(&phone.account, response.as_bytes(), late, &phone.store).unwrap();
    assert!(again.requests.is_empty());
    assert_eq!(again.rejected.iter().map(|e| e.code()).collect::<Vec<_>>(), ["E_PUSH_REPLAYED"]);
    // Past the allowance the request is refused by its expiry, and the entry may go.
    assert_eq!(phone.store.prune(exp + 121).unwrap(), 1);
    let gone = parse_poll_response(&phone.account, response.as_bytes(), exp + 121, &phone.store).unwrap();
    assert_eq!(gone.rejected.iter().map(|e| e.code()).collect::<Vec<_>>(), ["E_PUSH_EXPIRED"]);
}

#[tokio::test]
async fn a_manual_code_of_a_server_under_a_path_prefix_finds_its_enrollment() {
    let config = duet_server::Config { public_url: "http://127.0.0.1:8440/mfa".into(), ..Default::default() };
    let h = Harness::with_config(config);
    let (cookie, csrf) = h.login().await;
    let uid = h.create_user(&cookie, &csrf, "alice", false).await;
    let r = h.post_form(&format!("/helpdesk/users/{uid}/enroll"), Some(&cookie), &[("csrf", &csrf)]).await;
    let page = h.get(&r.location(), Some(&cookie)).await;
    let shown = extract_between(&page.body, "id=\"manual-code\">", "<").unwrap();
    assert!(shown.starts_with("127.0.0.1:8440/mfa "), "{shown}");
    let code = ManualCode::parse(&shown).unwrap();
    let url = code.lookup_url();
    // A reverse proxy serves the server under /mfa and strips the prefix.
    let path = url.strip_prefix("http://127.0.0.1:8440/mfa").expect("the lookup goes under the prefix");
    let r = h.get(path, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let link = parse_enrollment_lookup(&code, r.body.as_bytes(), T0 as i64).unwrap();
    assert_eq!(link.url, "http://127.0.0.1:8440/mfa");
    assert_eq!(link.to_https_uri().split('#').next().unwrap(), "http://127.0.0.1:8440/mfa/duet/enroll");
}

#[tokio::test]
async fn hidden_characters_never_reach_a_signed_request() {
    let w = world("alice").await;
    let _phone = w.enroll_phone().await;
    for field in ["app", "location", "browser", "ip"] {
        for text in ["pay\u{202E}moc.knab", "VPN\u{2066}", "a\u{200B}b", "x\u{0007}"] {
            let body = serde_json::json!({"user": "alice", "method": "push", "client": {field: text}}).to_string();
            let r = w.h.post_json("/api/v1/signins", Some(&w.key), &body).await;
            assert_eq!((r.status, r.code().as_str()), (StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"), "{field} {text:?}");
        }
    }
    let long = serde_json::json!({"user": "alice", "method": "push", "client": {"app": "é".repeat(129)}}).to_string();
    assert_eq!(w.h.post_json("/api/v1/signins", Some(&w.key), &long).await.status, StatusCode::BAD_REQUEST);
    let fits = serde_json::json!({"user": "alice", "method": "push", "client": {"app": "é".repeat(128)}}).to_string();
    assert_eq!(w.h.post_json("/api/v1/signins", Some(&w.key), &fits).await.status, StatusCode::OK);
}

#[tokio::test]
async fn registration_takes_only_the_documented_device_values() {
    let w = world("alice").await;
    let signer = SoftwareP256Signer::generate(Arc::new(SystemRandom::new())).unwrap();
    let (link, _) = w.enrollment().await;
    let link = EnrollmentLink::parse(&link, w.now()).unwrap();
    let info = DeviceInfo { name: "Pixel".into(), platform: "android".into(), keystore: "tee".into() };
    let agreement = AgreementKey::generate(&SystemRandom::new()).unwrap();
    let body = build_registration(&link, &signer, &agreement, &info, w.now()).unwrap();
    for (from, to) in [("\"android\"", "\"windows-phone\""), ("\"tee\"", "\"tpm\""), ("\"Pixel\"", "\"\""), ("\"Pixel\"", "\"Pi\\u202exel\"")] {
        let mut env = Envelope::parse(&body).unwrap();
        env.payload = String::from_utf8(env.payload).unwrap().replace(from, to).into_bytes();
        env.sig = sign_wire(&signer, &signer.public_key(), &env.payload).unwrap();
        let r = w.post_raw("/duet/v1/register", &env.to_bytes()).await;
        assert_eq!((r.status, r.code().as_str()), (StatusCode::BAD_REQUEST, "E_VERIFIER_MALFORMED"), "{to}");
    }
    // The phone side refuses to build such a registration in the first place.
    let bad = DeviceInfo { platform: "windows-phone".into(), ..info.clone() };
    assert_eq!(build_registration(&link, &signer, &agreement, &bad, w.now()).unwrap_err().code(), "E_PUSH_DEVICE_INFO");
    // The enrollment is still unused: the genuine registration goes through.
    assert_eq!(w.post_raw("/duet/v1/register", &body).await.status, StatusCode::OK);
}

#[tokio::test]
async fn push_tokens_are_printable_ascii() {
    let w = world("alice").await;
    let phone = w.enroll_phone().await;
    let ok = build_push_token(&phone.account, &phone.signer, PushProvider::Fcm, "fcm:APA91b-token_1", w.now()).unwrap();
    assert_eq!(w.post_raw("/duet/v1/push-token", &ok).await.status, StatusCode::OK);
    for bad in ["tök", "a b", ""] {
        assert_eq!(build_push_token(&phone.account, &phone.signer, PushProvider::Fcm, bad, w.now()).unwrap_err().code(), "E_PUSH_MALFORMED");
        let forged = resigned(&phone, &ok, |p| p.replace("fcm:APA91b-token_1", bad));
        assert_eq!(w.post_raw("/duet/v1/push-token", &forged).await.code(), "E_VERIFIER_MALFORMED", "{bad:?}");
    }
}

#[test]
fn the_enrollment_lifetime_is_the_one_docs_server_md_states() {
    let ttl_minutes = duet_server::Config::default().enrollment_ttl / 60;
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/server.md")).unwrap();
    let doc = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(doc.contains(&format!("Enrollments are valid for {ttl_minutes} minutes")), "server.md states another lifetime");
    let protocol = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md")).unwrap();
    assert!(!protocol.contains("reference server uses 10 minutes") && !protocol.contains("(the reference server: 10)"));
}

#[tokio::test]
async fn a_server_key_rotation_is_repeated_until_a_poll_acknowledges_it() {
    let w = world("alice").await;
    let mut phone = w.enroll_phone().await;
    let first = phone.account.server_key.clone();
    let form = [("csrf", w.csrf.as_str())];
    let rotate = || w.h.post_form("/helpdesk/server-key/rotate", Some(&w.cookie), &form);
    assert_eq!(rotate().await.status, StatusCode::OK);
    // The response carrying the rotation is lost: the next poll brings it again.
    let lost = w.poll(&phone).await;
    assert!(lost.rotated.is_some());
    // Rotated once more while the phone was away: the phone still trusts the first key, and the
    // rotation it gets is signed by that key and names the newest one.
    assert_eq!(rotate().await.status, StatusCode::OK);
    let newest = w.h.state.verifier().verifier.server_public_key();
    let out = w.poll(&phone).await;
    let rotated = out.rotated.expect("rotation repeated");
    assert_eq!(rotated.server_key, newest);
    assert_ne!(first, newest);
    phone.account = rotated;
    // The phone's next poll names the new key: acknowledged, no rotation any more, on record.
    assert!(w.poll(&phone).await.rotated.is_none());
    assert!(w.poll(&phone).await.rotated.is_none());
    let applied: i64 = w.h.state.db().query_row(
        "SELECT COUNT(*) FROM audit WHERE action = 'server_key_rotation_applied'", [], |r| r.get(0)).unwrap();
    assert_eq!(applied, 1);
    // A phone that trusts a key this server never had is told to enroll again.
    let mut stranger = phone.account.clone();
    stranger.server_key = SoftwareP256Signer::generate(Arc::new(SystemRandom::new())).unwrap().public_key();
    let body = build_poll(&stranger, &phone.signer, w.now()).unwrap();
    let r = w.post_raw("/duet/v1/poll", &body).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::CONFLICT, "E_VERIFIER_SERVER_KEY_UNKNOWN"));
}

#[tokio::test]
async fn times_out_of_range_are_malformed_and_never_overflow() {
    let w = world("alice").await;
    let phone = w.enroll_phone().await;
    let poll = build_poll(&phone.account, &phone.signer, w.now()).unwrap();
    for ts in [i64::MIN, -1, i64::MAX, 253_402_300_800] {
        let body = resigned(&phone, &poll, |p| p.replace(&format!("\"ts\":{}", w.now()), &format!("\"ts\":{ts}")));
        let r = w.post_raw("/duet/v1/poll", &body).await;
        assert!(r.status.is_client_error(), "{ts}: {}", r.body);
        assert_eq!(r.code(), "E_VERIFIER_STALE", "{ts}");
    }
    // A request whose times are out of range is refused by the phone as malformed (the
    // lifetime check would otherwise subtract them).
    let r = w.push().await;
    assert_eq!(r.status, StatusCode::OK);
    let mut out = w.poll(&phone).await;
    let req = out.requests.remove(0);
    for (iat, exp) in [(i64::MIN, req.payload.exp), (req.payload.iat, i64::MAX), (-5, 10)] {
        let payload = duet_core::push::messages::RequestPayload { iat, exp, ..req.payload.clone() };
        let body = w.h.state.verifier().verifier.key().sign_envelope(serde_json::to_vec(&payload).unwrap()).unwrap();
        let e = verify_request(&phone.account, &body, w.now(), &MemoryReplayStore::new()).unwrap_err();
        assert_eq!(e.code(), "E_PUSH_MALFORMED", "{iat} {exp}");
    }
}

#[tokio::test]
async fn a_server_key_rotation_between_showing_an_enrollment_and_the_registration_is_carried_through() {
    let w = world("alice").await;
    let form = [("csrf", w.csrf.as_str())];
    // By QR code: the link carries the key of the moment it was shown.
    let (qr_link, _) = w.enrollment().await;
    let old_key = EnrollmentLink::parse(&qr_link, w.now()).unwrap().server_key;
    // By manual code: the phone looked the code up before the rotation.
    let (_, shown) = w.enrollment().await;
    let code = ManualCode::parse(&shown).unwrap();
    let lookup = w.h.get(&format!("/duet/v1/enrollment/{}", code.value), None).await;
    assert_eq!(lookup.status, StatusCode::OK);
    let code_link = lookup.json()["link"].as_str().unwrap().to_string();
    assert_eq!(w.h.post_form("/helpdesk/server-key/rotate", Some(&w.cookie), &form).await.status, StatusCode::OK);
    let new_key = w.h.state.verifier().verifier.server_public_key();
    assert_ne!(old_key, new_key);
    for link in [qr_link, code_link] {
        // `register` asserts the answer verifies with the key the link carried.
        let phone = w.register(&link).await;
        assert_eq!(phone.account.server_key, old_key);
        let out = w.poll(&phone).await;
        assert_eq!(out.rotated.expect("rotation on the first poll").server_key, new_key);
    }
    assert_eq!(w.h.count("devices"), 2);
}

#[tokio::test]
async fn a_registration_naming_a_key_the_server_never_had_stores_nothing() {
    let w = world("alice").await;
    let (link, _) = w.enrollment().await;
    let mut link = EnrollmentLink::parse(&link, w.now()).unwrap();
    link.server_key = SoftwareP256Signer::generate(Arc::new(SystemRandom::new())).unwrap().public_key();
    let signer = SoftwareP256Signer::generate(Arc::new(SystemRandom::new())).unwrap();
    let agreement = AgreementKey::generate(&SystemRandom::new()).unwrap();
    let info = DeviceInfo { name: "Pixel".into(), platform: "android".into(), keystore: "tee".into() };
    let body = build_registration(&link, &signer, &agreement, &info, w.now()).unwrap();
    let r = w.post_raw("/duet/v1/register", &body).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::CONFLICT, "E_VERIFIER_SERVER_KEY_UNKNOWN"));
    assert_eq!(w.h.count("devices"), 0);
}
