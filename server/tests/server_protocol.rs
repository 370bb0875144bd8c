//! HTTP tests of the duet push protocol endpoints with a real phone (the core's device
//! side, a software P-256 key) against the server: enrollment, number-matched approval,
//! fraud deny and mute, push-fatigue limits, offline passcodes (checked against totp-rs),
//! replays, forgeries, key rotation, several devices, revocation.

mod server_support;

use axum::http::StatusCode;
use duet_core::push::wire::Envelope;
use duet_core::push::*;
use ring::rand::SystemRandom;
use server_support::phone::*;
use server_support::*;
use std::sync::Arc;

#[tokio::test]
async fn enroll_and_approve_with_number_matching() {
    let w = world("Alice").await;
    let phone = w.enroll_phone().await;
    assert_eq!(w.h.count("devices"), 1);
    let r = w.push().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let number = r.json()["number"].as_str().unwrap().to_string();
    assert_eq!(number.len(), 3);
    assert_eq!(w.status(&id).await, "pending");
    let out = w.poll(&phone).await;
    assert_eq!(out.requests[0].payload.service, "VPN");
    assert_eq!(out.requests[0].payload.ip.as_deref(), Some("203.0.113.7"));
    let (r, body) = w.answer(&phone, approve(&number)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "approved");
    assert_eq!(w.status(&id).await, "approved");
    // The same answer again: refused, nothing changes.
    let r = w.post_raw("/duet/v1/answer", &body).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert_eq!(r.code(), "E_VERIFIER_ALREADY_ANSWERED");
    assert_eq!(w.status(&id).await, "approved");
    // The helpdesk page shows the device and the outcome.
    let page = w.h.get(&format!("/helpdesk/users/{}", w.uid), Some(&w.cookie)).await;
    assert!(page.body.contains("Test phone") && page.body.contains(">approved<"));
}

#[tokio::test]
async fn wrong_number_fails_without_a_second_try() {
    let w = world("alice").await;
    let phone = w.enroll_phone().await;
    let r = w.push().await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let n: u32 = r.json()["number"].as_str().unwrap().parse().unwrap();
    let wrong = if n == 999 { 100 } else { n + 1 };
    let (r, _) = w.answer(&phone, approve(&wrong.to_string())).await;
    assert_eq!(r.code(), "E_VERIFIER_WRONG_NUMBER");
    assert_eq!(w.status(&id).await, "failed_number");
    // The request is closed: nothing left to answer.
    assert!(w.poll(&phone).await.requests.is_empty());
}

#[tokio::test]
async fn forged_and_garbage_answers_are_refused_and_change_nothing() {
    let w = world("alice").await;
    let phone = w.enroll_phone().await;
    let r = w.push().await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let number = r.json()["number"].as_str().unwrap().to_string();
    let out = w.poll(&phone).await;
    let body = build_answer(&phone.account, &out.requests[0], &approve(&number), &phone.signer, w.now(), &MemoryReplayStore::new()).unwrap();
    // Wrong signature: another key signs the same payload.
    let mut env = Envelope::parse(&body).unwrap();
    let other = SoftwareP256Signer::generate(Arc::new(SystemRandom::new())).unwrap();
    env.sig = duet_core::push::signer::sign_wire(&other, &other.public_key(), &env.payload).unwrap();
    let r = w.post_raw("/duet/v1/answer", &env.to_bytes()).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::UNAUTHORIZED, "E_VERIFIER_BAD_SIGNATURE"));
    // A flipped signature byte.
    let mut env = Envelope::parse(&body).unwrap();
    env.sig[5] ^= 1;
    assert_eq!(w.post_raw("/duet/v1/answer", &env.to_bytes()).await.code(), "E_VERIFIER_BAD_SIGNATURE");
    for garbage in [&b""[..], b"{", b"[]", b"{\"payload\":\"!!\",\"sig\":\"\"}", &[0xff; 40]] {
        let r = w.post_raw("/duet/v1/answer", garbage).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", garbage);
        assert_eq!(r.code(), "E_VERIFIER_MALFORMED");
    }
    let r = w.post_raw("/duet/v1/answer", &vec![b'a'; 100_000]).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "E_SRV_TOO_LARGE"));
    assert_eq!(w.status(&id).await, "pending");
    // The genuine answer still works.
    let r = w.post_raw("/duet/v1/answer", &body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(w.status(&id).await, "approved");
}

#[tokio::test]
async fn an_answer_for_another_sign_in_is_refused() {
    let w = world("alice").await;
    let phone = w.enroll_phone().await;
    let r = w.push().await;
    let first = r.json()["id"].as_str().unwrap().to_string();
    let n1 = r.json()["number"].as_str().unwrap().to_string();
    let (r, old_body) = w.answer(&phone, approve(&n1)).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = w.push().await;
    let second = r.json()["id"].as_str().unwrap().to_string();
    // Re-point the old (validly signed) answer at the new sign-in: the signature no longer covers it.
    let mut env = Envelope::parse(&old_body).unwrap();
    let text = String::from_utf8(env.payload.clone()).unwrap().replace(&first, &second);
    env.payload = text.into_bytes();
    let r = w.post_raw("/duet/v1/answer", &env.to_bytes()).await;
    assert!(r.status.is_client_error());
    assert_eq!(w.status(&second).await, "pending");
}

#[tokio::test]
async fn fraud_deny_mutes_pushes_until_the_helpdesk_lifts_it() {
    let w = world("alice").await;
    let phone = w.enroll_phone().await;
    let r = w.push().await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let (r, _) = w.answer(&phone, Answer::Deny { reason: DenyReason::NotMe }).await;
    assert_eq!(r.json()["status"], "denied");
    assert_eq!(w.status(&id).await, "fraud");
    let r = w.push().await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::TOO_MANY_REQUESTS, "E_SRV_PUSH_MUTED"));
    let page = w.h.get(&format!("/helpdesk/users/{}", w.uid), Some(&w.cookie)).await;
    assert!(page.body.contains("pushes muted until"));
    assert!(page.body.contains("denied as fraud"));
    // Still muted after 19 minutes; lifted by the helpdesk.
    w.h.clock.advance(19 * 60);
    assert_eq!(w.push().await.code(), "E_SRV_PUSH_MUTED");
    let r = w.h.post_form(&format!("/helpdesk/users/{}/unmute", w.uid), Some(&w.cookie), &[("csrf", &w.csrf)]).await;
    assert!(r.status.is_redirection());
    assert_eq!(w.push().await.status, StatusCode::OK);
}

#[tokio::test]
async fn mute_ends_after_twenty_minutes() {
    let w = world("alice").await;
    let phone = w.enroll_phone().await;
    w.push().await;
    w.answer(&phone, Answer::Deny { reason: DenyReason::NotMe }).await;
    w.h.clock.advance(20 * 60 + 1);
    assert_eq!(w.push().await.status, StatusCode::OK);
}

#[tokio::test]
async fn one_pending_push_and_a_rate_limit_per_user() {
    let w = world("alice").await;
    let phone = w.enroll_phone().await;
    let r = w.push().await;
    assert_eq!(r.status, StatusCode::OK);
    let r = w.push().await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::CONFLICT, "E_SRV_PUSH_PENDING"));
    // A mistaken deny closes it without muting; four more pushes fit the window, the sixth not.
    w.answer(&phone, Answer::Deny { reason: DenyReason::Mistake }).await;
    for _ in 0..4 {
        let r = w.push().await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        w.h.clock.advance(61); // let it expire
    }
    let r = w.push().await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::TOO_MANY_REQUESTS, "E_SRV_RATE_LIMITED"));
    w.h.clock.advance(600);
    assert_eq!(w.push().await.status, StatusCode::OK);
    let expired: i64 = w.h.state.db().query_row("SELECT COUNT(*) FROM signins WHERE status = 'expired'", [], |r| r.get(0)).unwrap();
    assert_eq!(expired, 4);
}

#[tokio::test]
async fn offline_passcode_is_accepted_once() {
    let w = world("alice").await;
    let phone = w.enroll_phone().await;
    let uri = phone.otp_uri.clone().expect("server sent an offline passcode secret");
    // An independent TOTP implementation computes the code from the URI.
    let totp = totp_rs::Totp::from_url(&uri).unwrap();
    let code = totp.generate(w.now() as u64).to_string();
    let body = format!(r#"{{"user":"alice","method":"passcode","passcode":"{code}"}}"#);
    let r = w.h.post_json("/api/v1/signins", Some(&w.key), &body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "approved");
    let r = w.h.post_json("/api/v1/signins", Some(&w.key), &body).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::UNAUTHORIZED, "E_SRV_PASSCODE_REUSED"));
    // The next time step's code works.
    w.h.clock.advance(30);
    let code = totp.generate(w.now() as u64).to_string();
    let body = format!(r#"{{"user":"alice","method":"passcode","passcode":"{code}"}}"#);
    assert_eq!(w.h.post_json("/api/v1/signins", Some(&w.key), &body).await.json()["status"], "approved");
}

#[tokio::test]
async fn registration_is_one_time_and_checked() {
    let w = world("alice").await;
    let (link_text, code) = w.enrollment().await;
    let now = w.now();
    let link = EnrollmentLink::parse(&link_text, now).unwrap();
    let signer = SoftwareP256Signer::generate(Arc::new(SystemRandom::new())).unwrap();
    let agreement = AgreementKey::generate(&SystemRandom::new()).unwrap();
    let info = DeviceInfo { name: "P".into(), platform: "cli".into(), keystore: "software".into() };
    // A wrong enrollment secret (proof) is refused.
    let mut forged = link.clone();
    forged.secret = duet_core::secret::Secret::new(vec![1; 32]);
    let body = build_registration(&forged, &signer, &agreement, &info, now).unwrap();
    let r = w.post_raw("/duet/v1/register", &body).await;
    assert!(r.status.is_client_error());
    assert_eq!(r.code(), "E_VERIFIER_ENROLLMENT_PROOF");
    assert_eq!(w.h.count("devices"), 0);
    // The manual code finds the same enrollment.
    let value = ManualCode::parse(&code).unwrap().value;
    let r = w.h.get(&format!("/duet/v1/enrollment/{value}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["link"].as_str().unwrap(), link_text);
    let r = w.h.get("/duet/v1/enrollment/0000000000000", None).await;
    assert_eq!(r.code(), "E_VERIFIER_ENROLLMENT_UNKNOWN");
    // Genuine registration, then the same body again.
    let body = build_registration(&link, &signer, &agreement, &info, now).unwrap();
    assert_eq!(w.post_raw("/duet/v1/register", &body).await.status, StatusCode::OK);
    let r = w.post_raw("/duet/v1/register", &body).await;
    assert_eq!(r.code(), "E_VERIFIER_ENROLLMENT_USED");
    assert_eq!(w.h.count("devices"), 1);
    // A used enrollment is no longer found by its code.
    assert_eq!(w.h.get(&format!("/duet/v1/enrollment/{value}"), None).await.code(), "E_VERIFIER_ENROLLMENT_UNKNOWN");
    // Expired enrollments are refused.
    let (link_text, _) = w.enrollment().await;
    let link = EnrollmentLink::parse(&link_text, w.now()).unwrap();
    let body = build_registration(&link, &signer, &agreement, &info, w.now()).unwrap();
    w.h.clock.advance(16 * 60);
    assert_eq!(w.post_raw("/duet/v1/register", &body).await.code(), "E_VERIFIER_ENROLLMENT_EXPIRED");
    assert_eq!(w.h.count("devices"), 1);
    for garbage in [&b"{}"[..], b"nonsense", b""] {
        let r = w.post_raw("/duet/v1/register", garbage).await;
        assert_eq!((r.status, r.code().as_str()), (StatusCode::BAD_REQUEST, "E_VERIFIER_MALFORMED"));
    }
}

#[tokio::test]
async fn several_devices_first_answer_wins() {
    let w = world("alice").await;
    let a = w.enroll_phone().await;
    let b = w.enroll_phone().await;
    let r = w.push().await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let n = r.json()["number"].as_str().unwrap().to_string();
    let out_b = w.poll(&b).await;
    assert_eq!(out_b.requests.len(), 1);
    let (r, _) = w.answer(&a, approve(&n)).await;
    assert_eq!(r.status, StatusCode::OK);
    let late = build_answer(&b.account, &out_b.requests[0], &approve(&n), &b.signer, w.now(), &b.store).unwrap();
    let r = w.post_raw("/duet/v1/answer", &late).await;
    assert_eq!(r.code(), "E_VERIFIER_ALREADY_ANSWERED");
    let out_b = w.poll(&b).await;
    assert!(out_b.requests.is_empty());
    assert!(out_b.closed.iter().any(|(cid, st)| cid == &id && st == "answered_elsewhere"));
    assert_eq!(w.status(&id).await, "approved");
}

#[tokio::test]
async fn revoked_and_unenrolled_devices_are_shut_out() {
    let w = world("alice").await;
    let a = w.enroll_phone().await;
    let b = w.enroll_phone().await;
    let dev_a: i64 = w.h.state.db().query_row("SELECT id FROM devices WHERE account_id = ?1", [&a.account.account_id], |r| r.get(0)).unwrap();
    let r = w.h.post_form(&format!("/helpdesk/users/{}/devices/{dev_a}/revoke", w.uid), Some(&w.cookie), &[("csrf", &w.csrf)]).await;
    assert!(r.status.is_redirection());
    let body = build_poll(&a.account, &a.signer, w.now()).unwrap();
    let r = w.post_raw("/duet/v1/poll", &body).await;
    assert_eq!(r.code(), "E_VERIFIER_WRONG_ACCOUNT");
    // Phone b unenrolls itself.
    let body = build_unenroll(&b.account, &b.signer, w.now()).unwrap();
    assert_eq!(w.post_raw("/duet/v1/unenroll", &body).await.status, StatusCode::OK);
    let r = w.push().await;
    assert_eq!(r.code(), "E_SRV_NO_DEVICE");
    // A stale signed poll (phone clock 10 minutes off) is refused.
    let c = w.enroll_phone().await;
    let body = build_poll(&c.account, &c.signer, w.now() - 600).unwrap();
    assert_eq!(w.post_raw("/duet/v1/poll", &body).await.code(), "E_VERIFIER_STALE");
}

#[tokio::test]
async fn server_key_rotation_reaches_the_phone() {
    let w = world("alice").await;
    let mut phone = w.enroll_phone().await;
    let old_key = phone.account.server_key.clone();
    let r = w.h.post_form("/helpdesk/server-key/rotate", Some(&w.cookie), &[("csrf", &w.csrf)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = w.push().await;
    let n = r.json()["number"].as_str().unwrap().to_string();
    let out = w.poll(&phone).await;
    let rotated = out.rotated.clone().expect("rotation message in the poll");
    assert_ne!(rotated.server_key, old_key);
    assert_eq!(rotated.server_key, w.h.state.verifier().verifier.server_public_key());
    assert_eq!(out.requests.len(), 1, "request verified with the new key");
    phone.account = rotated;
    // Acknowledged by the next poll (it names the new key): no rotation any more.
    let out2 = w.poll(&phone).await;
    assert!(out2.rotated.is_none());
    let body = build_answer(&phone.account, &out.requests[0], &approve(&n), &phone.signer, w.now(), &phone.store).unwrap();
    assert_eq!(w.post_raw("/duet/v1/answer", &body).await.status, StatusCode::OK);
    // Devices enrolled after the rotation get the new key directly.
    let fresh = w.enroll_phone().await;
    assert_eq!(fresh.account.server_key, phone.account.server_key);
}

#[tokio::test]
async fn device_key_rotation_and_push_token() {
    let w = world("alice").await;
    let mut phone = w.enroll_phone().await;
    let body = build_push_token(&phone.account, &phone.signer, duet_core::push::device::PushProvider::Fcm, "tok-123", w.now()).unwrap();
    assert_eq!(w.post_raw("/duet/v1/push-token", &body).await.status, StatusCode::OK);
    let tok: String = w.h.state.db().query_row("SELECT push_token FROM devices", [], |r| r.get(0)).unwrap();
    assert_eq!(tok, "tok-123");
    let new = SoftwareP256Signer::generate(Arc::new(SystemRandom::new())).unwrap();
    let body = build_device_key_rotation(&phone.account, &phone.signer, &new, w.now()).unwrap();
    assert_eq!(w.post_raw("/duet/v1/rotate-key", &body).await.status, StatusCode::OK);
    // Old key no longer accepted; new one is.
    let r = w.post_raw("/duet/v1/poll", &build_poll(&phone.account, &phone.signer, w.now()).unwrap()).await;
    assert_eq!(r.code(), "E_VERIFIER_BAD_SIGNATURE");
    phone.account.device_key = new.public_key();
    phone.signer = new;
    w.poll(&phone).await;
}

#[tokio::test]
async fn long_poll_returns_when_the_phone_answers() {
    let w = world("alice").await;
    let phone = w.enroll_phone().await;
    let r = w.push().await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let n = r.json()["number"].as_str().unwrap().to_string();
    let h2 = w.h.app.clone();
    let key = w.key.clone();
    let waiter = tokio::spawn(async move {
        use tower::ServiceExt;
        let req = axum::http::Request::get(format!("/api/v1/signins/{id}?wait=10"))
            .header("authorization", format!("Bearer {key}"))
            .body(axum::body::Body::empty())
            .unwrap();
        let start = std::time::Instant::now();
        let resp = h2.oneshot(req).await.unwrap();
        let bytes = http_body_util::BodyExt::collect(resp.into_body()).await.unwrap().to_bytes();
        (start.elapsed(), serde_json::from_slice::<serde_json::Value>(&bytes).unwrap())
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    w.answer(&phone, approve(&n)).await;
    let (took, v) = waiter.await.unwrap();
    assert_eq!(v["status"], "approved");
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
}

#[tokio::test]
async fn helpdesk_test_push_shows_the_number_and_outcome() {
    let w = world("alice").await;
    let phone = w.enroll_phone().await;
    let r = w.h.post_form(&format!("/helpdesk/users/{}/test-push", w.uid), Some(&w.cookie), &[("csrf", &w.csrf)]).await;
    assert!(r.status.is_redirection(), "{}", r.body);
    let path = r.location();
    let page = w.h.get(&path, Some(&w.cookie)).await;
    let n = extract_between(&page.body, "id=\"number\">", "<").unwrap();
    assert!(page.body.contains("id=\"outcome\">pending"));
    let (r, _) = w.answer(&phone, approve(&n)).await;
    assert_eq!(r.status, StatusCode::OK);
    let page = w.h.get(&path, Some(&w.cookie)).await;
    assert!(page.body.contains("id=\"outcome\">approved"), "{}", page.body);
}
