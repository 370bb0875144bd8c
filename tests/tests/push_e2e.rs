//! End to end over duet push protocol v1: a phone (core `push`) against the real reference
//! server (`duet-server` on 127.0.0.1 with a manual clock, `duet_tests::server`), every phone
//! call a real HTTP request over loopback TCP with the exact bodies of docs/protocol.md.
//! Enrolls, approves with number matching, denies as fraud, and shows every forgery class
//! rejected with its typed error while nothing is accepted.

use std::sync::Arc;

use duet_core::ErrorCode;
use duet_core::push::wire::{Envelope, b64u};
use duet_core::push::*;
use duet_server::verifier::{MatchMode, ServerKey, SignInStatus};
use duet_tests::server::{PUSH_TTL, TestServer, URL};
use ring::rand::SystemRandom;

const T0: u64 = 1_790_000_000;

struct Phone {
    signer: SoftwareP256Signer,
    account: PushAccount,
    store: MemoryReplayStore,
}

fn rng() -> Arc<SystemRandom> {
    Arc::new(SystemRandom::new())
}

fn info() -> DeviceInfo {
    DeviceInfo { name: "Test phone".into(), platform: "cli".into(), keystore: "software".into() }
}

fn t(now: u64) -> i64 {
    now as i64
}

/// Sends a signed body to an endpoint; `Ok(body)` for 200, `Err(code)` for a refusal.
fn post(server: &TestServer, path: &str, body: &[u8], now: u64) -> Result<Vec<u8>, String> {
    let (status, out) = server.http("POST", path, body, now).expect("the server answers");
    if status == 200 {
        return Ok(out);
    }
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap_or_default();
    Err(v["error"].as_str().unwrap_or("not JSON").to_string())
}

/// An answer's outcome as the server reports it (`approved` / `denied`) or its error code.
fn answer(server: &TestServer, body: &[u8], now: u64) -> Result<String, String> {
    let out = post(server, "/duet/v1/answer", body, now)?;
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    Ok(v["status"].as_str().unwrap().to_string())
}

fn enroll_with_link(server: &TestServer, link_text: &str, now: u64) -> Phone {
    let link = EnrollmentLink::parse(link_text, t(now)).expect("link parses");
    assert_eq!(link.server_key, server.verifier().verifier.server_public_key());
    let signer = SoftwareP256Signer::generate(rng()).unwrap();
    let agreement = AgreementKey::generate(&*rng()).unwrap();
    let body = build_registration(&link, &signer, &agreement, &info(), t(now)).unwrap();
    let resp = post(server, "/duet/v1/register", &body, now).expect("server accepts registration");
    let reg = finish_registration(&link, &signer, &agreement, &resp, t(now)).expect("phone accepts answer");
    Phone { signer, account: reg.account, store: MemoryReplayStore::new() }
}

fn poll(server: &TestServer, phone: &Phone, now: u64) -> PollOutcome {
    let body = build_poll(&phone.account, &phone.signer, t(now)).unwrap();
    let resp = post(server, "/duet/v1/poll", &body, now).expect("poll accepted");
    parse_poll_response(&phone.account, &resp, t(now), &phone.store).expect("poll response parses")
}

fn setup() -> (TestServer, Phone) {
    let server = TestServer::start(T0).expect("server starts");
    let e = server.enroll("alice", T0).unwrap();
    let phone = enroll_with_link(&server, &e.link, T0 + 5);
    (server, phone)
}

fn number(s: &duet_server::services::signin_start::SigninView) -> String {
    s.number.clone().expect("number shown on the sign-in screen")
}

#[test]
fn enroll_approve_with_number_and_deny_as_fraud() {
    let (server, phone) = setup();

    // Sign-in 1: type the number shown on the sign-in screen; approve.
    let s = server.start_sign_in("alice", "VPN", MatchMode::Type { digits: 2 }, T0 + 10).unwrap();
    let out = poll(&server, &phone, T0 + 12);
    assert_eq!(out.requests.len(), 1);
    let req = &out.requests[0];
    assert_eq!(req.pending.request_id, s.id);
    assert_eq!(req.pending.service.as_deref(), Some("VPN"));
    assert_eq!(req.pending.matching, NumberMatching::TypeShown { digits: 2 });
    assert_eq!(req.clock_offset_secs, -2);
    let ans = Answer::Approve { number: Some(number(&s)) };
    let body = build_answer(&phone.account, req, &ans, &phone.signer, t(T0 + 15), &phone.store).unwrap();
    assert_eq!(answer(&server, &body, T0 + 16), Ok("approved".into()));
    assert_eq!(server.status(&s.id, T0 + 16), Some(SignInStatus::Approved));

    // The same answer again is refused; the phone no longer shows the request.
    assert_eq!(answer(&server, &body, T0 + 17), Err("E_VERIFIER_ALREADY_ANSWERED".into()));
    let out = poll(&server, &phone, T0 + 18);
    assert!(out.requests.is_empty());
    assert_eq!(out.closed, vec![(s.id.clone(), "approved".to_string())]);

    // Sign-in 2: pick from choices; deny as fraud.
    let s2 = server.start_sign_in("alice", "Mail", MatchMode::Pick { digits: 2, choices: 3 }, T0 + 20).unwrap();
    let out = poll(&server, &phone, T0 + 21);
    let req = &out.requests[0];
    let NumberMatching::Pick { choices } = &req.pending.matching else { panic!("pick expected") };
    assert_eq!(choices.len(), 3);
    assert!(choices.contains(&number(&s2)));
    let body = build_answer(&phone.account, req, &Answer::Deny { reason: DenyReason::NotMe }, &phone.signer, t(T0 + 22), &phone.store).unwrap();
    assert_eq!(answer(&server, &body, T0 + 23), Ok("denied".into()));
    assert_eq!(server.status(&s2.id, T0 + 23), Some(SignInStatus::Denied(DenyReason::NotMe)));
    // The fraud report mutes further pushes for this user.
    assert_eq!(server.start_sign_in("alice", "VPN", MatchMode::None, T0 + 24).unwrap_err().code(), "E_SRV_PUSH_MUTED");
}

#[test]
fn unanswered_push_expires_without_waiting() {
    let (server, phone) = setup();
    let s = server.start_sign_in("alice", "VPN", MatchMode::Type { digits: 2 }, T0 + 10).unwrap();
    let req = poll(&server, &phone, T0 + 11).requests.remove(0);
    server.advance(PUSH_TTL + 1);
    let now = T0 + 11 + PUSH_TTL + 1;
    assert_eq!(server.status(&s.id, now), Some(SignInStatus::Expired));
    let late = build_answer(&phone.account, &req, &Answer::Approve { number: Some(number(&s)) }, &phone.signer, t(now), &MemoryReplayStore::new()).unwrap();
    assert_eq!(answer(&server, &late, now), Err("E_VERIFIER_EXPIRED".into()));
    assert_eq!(server.status(&s.id, now), Some(SignInStatus::Expired));
    assert!(poll(&server, &phone, now).requests.is_empty());
}

#[test]
fn application_api_reports_the_phone_answer() {
    let (server, phone) = setup();
    let base = server.base_url();
    let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
    let auth = format!("Bearer {}", server.api_key);
    server.set_now(T0 + 10);
    let mut r = agent
        .post(&format!("{base}/api/v1/signins"))
        .header("authorization", &auth)
        .header("content-type", "application/json")
        .send(r#"{"user":"Alice","method":"push","client":{"app":"VPN"}}"#)
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let started: serde_json::Value = serde_json::from_slice(&r.body_mut().read_to_vec().unwrap()).unwrap();
    let id = started["id"].as_str().unwrap().to_string();
    let req = poll(&server, &phone, T0 + 11).requests.remove(0);
    let ans = Answer::Approve { number: Some(started["number"].as_str().unwrap().to_string()) };
    let body = build_answer(&phone.account, &req, &ans, &phone.signer, t(T0 + 12), &phone.store).unwrap();
    assert_eq!(answer(&server, &body, T0 + 12), Ok("approved".into()));
    let mut r = agent.get(&format!("{base}/api/v1/signins/{id}")).header("authorization", &auth).call().unwrap();
    let status: serde_json::Value = serde_json::from_slice(&r.body_mut().read_to_vec().unwrap()).unwrap();
    assert_eq!(status["status"], "approved");
}

#[test]
fn manual_code_enrollment_fetches_link_over_lookup() {
    let server = TestServer::start(T0).unwrap();
    let e = server.enroll("bob", T0).unwrap();
    let code = ManualCode::parse(&e.manual_code.to_lowercase().replace('-', " ")).unwrap();
    assert_eq!(code.server, "mfa.example.com");
    assert_eq!(code.lookup_url(), format!("{URL}/duet/v1/enrollment/{}", code.value));
    let (status, body) = server.http("GET", &format!("/duet/v1/enrollment/{}", code.value), b"", T0 + 1).unwrap();
    assert_eq!(status, 200);
    let link = parse_enrollment_lookup(&code, &body, t(T0 + 1)).unwrap();
    assert_eq!(link.trust, EnrollmentTrust::ManualCode);
    assert_eq!(link.server_key_fingerprint(), duet_core::push::wire::fingerprint(&server.verifier().verifier.server_public_key()));
    let phone = enroll_with_link(&server, &link.to_duet_uri(), T0 + 2);
    // The used code cannot be looked up again.
    let (status, body) = server.http("GET", &format!("/duet/v1/enrollment/{}", code.value), b"", T0 + 3).unwrap();
    assert_ne!(status, 200);
    assert!(String::from_utf8(body).unwrap().contains("E_VERIFIER_ENROLLMENT_"));
    assert!(!phone.account.account_id.is_empty());
}

#[test]
fn several_devices_first_answer_wins() {
    let server = TestServer::start(T0).unwrap();
    let l1 = server.enroll("alice", T0).unwrap().link;
    let l2 = server.enroll("alice", T0).unwrap().link;
    let p1 = enroll_with_link(&server, &l1, T0);
    let p2 = enroll_with_link(&server, &l2, T0);
    let s = server.start_sign_in("alice", "VPN", MatchMode::Type { digits: 2 }, T0 + 1).unwrap();
    let r1 = poll(&server, &p1, T0 + 2).requests.remove(0);
    let r2 = poll(&server, &p2, T0 + 2).requests.remove(0);
    assert_eq!(r1.payload.cid, r2.payload.cid);
    let n = Answer::Approve { number: Some(number(&s)) };
    let a1 = build_answer(&p1.account, &r1, &n, &p1.signer, t(T0 + 3), &p1.store).unwrap();
    let a2 = build_answer(&p2.account, &r2, &n, &p2.signer, t(T0 + 3), &p2.store).unwrap();
    assert_eq!(answer(&server, &a2, T0 + 4), Ok("approved".into()));
    assert_eq!(answer(&server, &a1, T0 + 4), Err("E_VERIFIER_ALREADY_ANSWERED".into()));
    let out = poll(&server, &p1, T0 + 5);
    assert_eq!(out.closed, vec![(s.id, "answered_elsewhere".to_string())]);
    // Device 1's request hash answered with device 2's key: wrong device key.
    let mut forged = Envelope::parse(&a1).unwrap();
    forged.sig = Envelope::parse(&a2).unwrap().sig;
    assert_eq!(answer(&server, &forged.to_bytes(), T0 + 6), Err("E_VERIFIER_BAD_SIGNATURE".into()));
}

/// Re-signs a modified request payload with `key` (a forger holding some key).
fn resign(key: &ServerKey, payload: &serde_json::Value) -> Vec<u8> {
    key.sign_envelope(serde_json::to_vec(payload).unwrap()).unwrap()
}

fn payload_of(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(&Envelope::parse(body).unwrap().payload).unwrap()
}

#[test]
fn every_forgery_class_is_rejected_on_the_phone() {
    let (server, phone) = setup();
    let s = server.start_sign_in("alice", "VPN", MatchMode::Type { digits: 2 }, T0 + 10).unwrap();
    let genuine = server.request_body(&s.id, &phone.account.account_id).unwrap();
    let check = |body: &[u8], now: u64| verify_request(&phone.account, body, t(now), &phone.store).map(|_| ()).map_err(|e| e.code());
    assert_eq!(check(&genuine, T0 + 11), Ok(()));

    // Tampered field (signature kept).
    let mut env = Envelope::parse(&genuine).unwrap();
    let text = String::from_utf8(env.payload.clone()).unwrap().replace("VPN", "VPX");
    env.payload = text.into_bytes();
    assert_eq!(check(&env.to_bytes(), T0 + 11), Err("E_PUSH_BAD_SIGNATURE"));
    // Every single bit flipped in the payload or signature.
    let env = Envelope::parse(&genuine).unwrap();
    for i in 0..env.payload.len() * 8 {
        let mut e = env.clone();
        e.payload[i / 8] ^= 1 << (i % 8);
        assert!(check(&e.to_bytes(), T0 + 11).is_err(), "payload bit {i} flip accepted");
    }
    for i in 0..env.sig.len() * 8 {
        let mut e = env.clone();
        e.sig[i / 8] ^= 1 << (i % 8);
        assert_eq!(check(&e.to_bytes(), T0 + 11), Err("E_PUSH_BAD_SIGNATURE"), "sig bit {i}");
    }
    // Wrong server key: a forger signs a well-formed request with its own key.
    let forger = ServerKey::generate(rng()).unwrap();
    let p = payload_of(&genuine);
    assert_eq!(check(&resign(&forger, &p), T0 + 11), Err("E_PUSH_BAD_SIGNATURE"));
    // Wrong audience, correctly signed by the real server (e.g. meant for another device).
    let kv = server.verifier();
    let real = kv.verifier.key();
    let mut q = p.clone();
    q["aid"] = "AAAAAAAAAAAAAAAAAAAAAA".into();
    assert_eq!(check(&resign(real, &q), T0 + 11), Err("E_PUSH_WRONG_ACCOUNT"));
    // Expired, and issued in the future beyond the allowance.
    assert_eq!(check(&genuine, T0 + 10 + PUSH_TTL + 121), Err("E_PUSH_EXPIRED"));
    assert_eq!(check(&genuine, T0 + 10 - 121), Err("E_PUSH_NOT_YET_VALID"));
    assert_eq!(check(&genuine, T0 + 10 - 119), Ok(()));
    // Unknown version and another type (signed correctly).
    let mut q = p.clone();
    q["v"] = 2.into();
    assert_eq!(check(&resign(real, &q), T0 + 11), Err("E_PUSH_VERSION"));
    let mut q = p.clone();
    q["typ"] = "registered".into();
    assert_eq!(check(&resign(real, &q), T0 + 11), Err("E_PUSH_WRONG_TYPE"));
    // Unknown field, lifetime too long, short challenge id, missing number-matching mode.
    let mut q = p.clone();
    q["extra"] = 1.into();
    assert_eq!(check(&resign(real, &q), T0 + 11), Err("E_PUSH_MALFORMED"));
    let mut q = p.clone();
    q["exp"] = (T0 + 10 + 601).into();
    assert_eq!(check(&resign(real, &q), T0 + 11), Err("E_PUSH_LIFETIME"));
    let mut q = p.clone();
    q["cid"] = b64u(&[7u8; 15]).into();
    assert_eq!(check(&resign(real, &q), T0 + 11), Err("E_PUSH_MALFORMED"));
    let mut q = p.clone();
    q.as_object_mut().unwrap().remove("match");
    assert_eq!(check(&resign(real, &q), T0 + 11), Err("E_PUSH_MALFORMED"));
    // Truncated and garbage input.
    for n in 0..genuine.len() {
        assert!(check(&genuine[..n], T0 + 11).is_err(), "truncation at {n} accepted");
    }
    for junk in [&b""[..], b"null", b"{}", b"[]", b"\xff\xfe", b"{\"payload\":\"\",\"sig\":\"\"}"] {
        assert_eq!(check(junk, T0 + 11), Err("E_PUSH_MALFORMED"));
    }
    // Replayed request: once answered, the same bytes are refused, and a store that survives a
    // restart (here: the same store handed to a new phone object) keeps refusing them.
    let req = verify_request(&phone.account, &genuine, t(T0 + 11), &phone.store).unwrap();
    let ans = Answer::Approve { number: Some(number(&s)) };
    build_answer(&phone.account, &req, &ans, &phone.signer, t(T0 + 12), &phone.store).unwrap();
    assert_eq!(check(&genuine, T0 + 13), Err("E_PUSH_REPLAYED"));
    assert_eq!(
        build_answer(&phone.account, &req, &ans, &phone.signer, t(T0 + 13), &phone.store).unwrap_err().code(),
        "E_PUSH_REPLAYED"
    );
}

#[test]
fn every_forgery_class_is_rejected_by_the_server() {
    let (server, phone) = setup();
    let aid = phone.account.account_id.clone();
    let s1 = server.start_sign_in("alice", "VPN", MatchMode::Type { digits: 2 }, T0 + 10).unwrap();
    let r1 = verify_request(&phone.account, &server.request_body(&s1.id, &aid).unwrap(), t(T0 + 11), &phone.store).unwrap();
    let n1: u32 = number(&s1).parse().unwrap();
    let approve1 = build_answer(&phone.account, &r1, &Answer::Approve { number: Some(n1.to_string()) }, &phone.signer, t(T0 + 12), &MemoryReplayStore::new()).unwrap();

    // Wrong device key.
    let stranger = SoftwareP256Signer::generate(rng()).unwrap();
    let forged = build_answer(&phone.account, &r1, &Answer::Approve { number: Some(n1.to_string()) }, &stranger, t(T0 + 12), &MemoryReplayStore::new()).unwrap();
    assert_eq!(answer(&server, &forged, T0 + 12), Err("E_VERIFIER_BAD_SIGNATURE".into()));
    // Truncated and garbage answers.
    for n in 0..approve1.len() {
        assert!(answer(&server, &approve1[..n], T0 + 12).is_err());
    }
    // Unknown version of an answer (signed by the real device key).
    let mut env = Envelope::parse(&approve1).unwrap();
    let mut p: serde_json::Value = serde_json::from_slice(&env.payload).unwrap();
    p["v"] = 2.into();
    env.payload = serde_json::to_vec(&p).unwrap();
    env.sig = duet_core::push::signer::normalize_signature(SignatureAlgorithm::EcdsaP256Sha256, &phone.account.device_key, &env.payload, &phone.signer.sign(&env.payload).unwrap()).unwrap();
    assert_eq!(answer(&server, &env.to_bytes(), T0 + 12), Err("E_VERIFIER_VERSION".into()));
    assert_eq!(server.status(&s1.id, T0 + 12), Some(SignInStatus::Pending), "forgeries changed nothing");

    // Expired: after the request's expiry the genuine answer is refused (checked on a copy of
    // the stored sign-in, so the real one stays open).
    let mut late = server.sign_in(&s1.id).unwrap();
    let device = server.device(&aid).unwrap();
    let kv = server.verifier();
    assert_eq!(kv.verifier.verify_answer(&mut late, &device, &approve1, t(T0 + 10 + PUSH_TTL + 1)).unwrap_err().code(), "E_VERIFIER_EXPIRED");

    // The genuine answer succeeds, once.
    assert_eq!(answer(&server, &approve1, T0 + 13), Ok("approved".into()));
    assert_eq!(answer(&server, &approve1, T0 + 14), Err("E_VERIFIER_ALREADY_ANSWERED".into()));

    // Sign-in 2: an answer to sign-in 1 does not answer it, neither as sent nor with its
    // cid/rh rewritten to sign-in 2 (the signature no longer matches).
    let s2 = server.start_sign_in("alice", "Mail", MatchMode::Type { digits: 2 }, T0 + 20).unwrap();
    let r2 = verify_request(&phone.account, &server.request_body(&s2.id, &aid).unwrap(), t(T0 + 21), &phone.store).unwrap();
    let mut s2_state = server.sign_in(&s2.id).unwrap();
    assert_eq!(kv.verifier.verify_answer(&mut s2_state, &device, &approve1, t(T0 + 21)).unwrap_err().code(), "E_VERIFIER_WRONG_REQUEST");
    let mut env = Envelope::parse(&approve1).unwrap();
    let mut p: serde_json::Value = serde_json::from_slice(&env.payload).unwrap();
    p["cid"] = s2.id.clone().into();
    p["rh"] = b64u(&r2.request_hash).into();
    env.payload = serde_json::to_vec(&p).unwrap();
    assert_eq!(answer(&server, &env.to_bytes(), T0 + 21), Err("E_VERIFIER_BAD_SIGNATURE".into()));
    assert_eq!(server.status(&s2.id, T0 + 21), Some(SignInStatus::Pending));

    // Wrong number: closes the request as failed, no second try.
    let n2: u32 = number(&s2).parse().unwrap();
    let wrong = if n2 == 99 { 98 } else { n2 + 1 };
    let bad = build_answer(&phone.account, &r2, &Answer::Approve { number: Some(wrong.to_string()) }, &phone.signer, t(T0 + 22), &MemoryReplayStore::new()).unwrap();
    assert_eq!(answer(&server, &bad, T0 + 22), Err("E_VERIFIER_WRONG_NUMBER".into()));
    assert_eq!(server.status(&s2.id, T0 + 22), Some(SignInStatus::Failed));
    let right = build_answer(&phone.account, &r2, &Answer::Approve { number: Some(n2.to_string()) }, &phone.signer, t(T0 + 22), &MemoryReplayStore::new()).unwrap();
    assert_eq!(answer(&server, &right, T0 + 22), Err("E_VERIFIER_ALREADY_ANSWERED".into()));
}

#[test]
fn registration_forgeries_are_rejected() {
    let server = TestServer::start(T0).unwrap();
    let link_text = server.enroll("carol", T0).unwrap().link;
    let link = EnrollmentLink::parse(&link_text, t(T0)).unwrap();
    let signer = SoftwareP256Signer::generate(rng()).unwrap();
    let agreement = AgreementKey::generate(&*rng()).unwrap();
    let register = |body: &[u8], now: u64| post(&server, "/duet/v1/register", body, now);
    // Wrong enrollment secret: proof fails.
    let mut wrong = link.clone();
    wrong.secret = duet_core::secret::Secret::new(vec![1u8; 32]);
    let body = build_registration(&wrong, &signer, &agreement, &info(), t(T0)).unwrap();
    assert_eq!(register(&body, T0).unwrap_err(), "E_VERIFIER_ENROLLMENT_PROOF");
    // Expired enrollment.
    let body = build_registration(&link, &signer, &agreement, &info(), t(T0)).unwrap();
    assert_eq!(register(&body, T0 + 601).unwrap_err(), "E_VERIFIER_ENROLLMENT_EXPIRED");
    // Genuine, then the phone refuses an answer signed by another server key.
    let resp = register(&body, T0 + 1).unwrap();
    let mut fake_link = link.clone();
    fake_link.server_key = ServerKey::generate(rng()).unwrap().public_key();
    assert_eq!(finish_registration(&fake_link, &signer, &agreement, &resp, t(T0 + 1)).unwrap_err().code(), "E_PUSH_BAD_SIGNATURE");
    // An answer naming another device key.
    let other = SoftwareP256Signer::generate(rng()).unwrap();
    assert_eq!(finish_registration(&link, &other, &agreement, &resp, t(T0 + 1)).unwrap_err().code(), "E_PUSH_REGISTRATION_MISMATCH");
    assert!(finish_registration(&link, &signer, &agreement, &resp, t(T0 + 1)).is_ok());
    // One-time: a second registration with the same link is refused.
    let body2 = build_registration(&link, &other, &agreement, &info(), t(T0 + 2)).unwrap();
    assert_eq!(register(&body2, T0 + 2).unwrap_err(), "E_VERIFIER_ENROLLMENT_USED");
}

#[test]
fn push_token_rotation_and_unenrollment() {
    let (server, mut phone) = setup();
    let aid = phone.account.account_id.clone();
    // Push token.
    let body = build_push_token(&phone.account, &phone.signer, PushProvider::Fcm, "tok-123", t(T0 + 20)).unwrap();
    assert!(post(&server, "/duet/v1/push-token", &body, T0 + 20).is_ok());
    assert_eq!(server.push_token(&aid), Some(("fcm".to_string(), "tok-123".to_string())));
    // A stale signed call is refused.
    let stale = build_poll(&phone.account, &phone.signer, t(T0) - 400).unwrap();
    let (st, b) = server.http("POST", "/duet/v1/poll", &stale, T0 + 20).unwrap();
    assert_eq!(st, 401);
    assert!(String::from_utf8(b).unwrap().contains("E_VERIFIER_STALE"));

    // Device key rotation: signed by old and new key.
    let new_signer = SoftwareP256Signer::generate(rng()).unwrap();
    let body = build_device_key_rotation(&phone.account, &phone.signer, &new_signer, t(T0 + 21)).unwrap();
    // Without the new key's signature it is refused.
    let mut half = Envelope::parse(&body).unwrap();
    half.sig_new = Some(half.sig.clone());
    assert_eq!(server.http("POST", "/duet/v1/rotate-key", &half.to_bytes(), T0 + 21).unwrap().0, 401);
    assert_eq!(server.http("POST", "/duet/v1/rotate-key", &body, T0 + 21).unwrap().0, 200);
    phone.account.device_key = new_signer.public_key();
    phone.signer = new_signer;

    // Server key rotation: delivered in the next poll, signed by the old key.
    server.set_now(T0 + 30);
    let new_key = duet_server::services::server_key::rotate(server.state()).unwrap();
    let out = poll(&server, &phone, T0 + 31);
    let rotated = out.rotated.expect("rotation applied");
    assert_ne!(rotated.server_key, phone.account.server_key);
    assert_eq!(rotated.server_key, new_key);
    phone.account = rotated;
    server.start_sign_in("alice", "VPN", MatchMode::None, T0 + 40).unwrap();
    let out = poll(&server, &phone, T0 + 41);
    assert_eq!(out.requests.len(), 1, "new key's requests verify: {:?}", out.rejected);
    assert_eq!(out.requests[0].pending.matching, NumberMatching::None);
    let ans = build_answer(&phone.account, &out.requests[0], &Answer::Approve { number: None }, &phone.signer, t(T0 + 42), &phone.store).unwrap();
    assert_eq!(answer(&server, &ans, T0 + 42), Ok("approved".into()));

    // Unenrollment.
    let body = build_unenroll(&phone.account, &phone.signer, t(T0 + 50)).unwrap();
    assert_eq!(server.http("POST", "/duet/v1/unenroll", &body, T0 + 50).unwrap().0, 200);
    assert!(server.device(&aid).is_none());
    let body = build_poll(&phone.account, &phone.signer, t(T0 + 51)).unwrap();
    assert_eq!(server.http("POST", "/duet/v1/poll", &body, T0 + 51).unwrap().0, 403);
}
