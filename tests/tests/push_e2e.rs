//! End to end over duet push protocol v1: a phone (core `push`) against the server side
//! (core `verifier`, wrapped by `duet_tests::push_server::TestServer`), exchanging the exact
//! bodies of docs/protocol.md. Enrolls, approves with number matching, denies as fraud, and
//! shows every forgery class rejected with its typed error while nothing is accepted.

use std::sync::Arc;

use duet_core::ErrorCode;
use duet_core::push::wire::{Envelope, b64u, b64u_decode};
use duet_core::push::*;
use duet_core::verifier::{AnswerOutcome, MatchMode, ServerKey, SignInStatus, Verifier};
use duet_tests::push_server::TestServer;
use ring::rand::SystemRandom;

const URL: &str = "https://mfa.example.com";
const T0: i64 = 1_790_000_000;

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

fn enroll_with_link(server: &mut TestServer, link_text: &str, now: i64) -> Phone {
    let link = EnrollmentLink::parse(link_text, now).expect("link parses");
    assert_eq!(link.server_key, server.verifier().server_public_key());
    let signer = SoftwareP256Signer::generate(rng()).unwrap();
    let body = build_registration(&link, &signer, &info(), now).unwrap();
    let resp = server.register(&body, now).expect("server accepts registration");
    let reg = finish_registration(&link, &signer, &resp, now).expect("phone accepts answer");
    Phone { signer, account: reg.account, store: MemoryReplayStore::new() }
}

fn poll(server: &mut TestServer, phone: &Phone, now: i64) -> PollOutcome {
    let body = build_poll(&phone.account, &phone.signer, now).unwrap();
    let resp = server.poll(&body, now).expect("poll accepted");
    parse_poll_response(&phone.account, &resp, now, &phone.store).expect("poll response parses")
}

fn setup() -> (TestServer, Phone) {
    let mut server = TestServer::new(URL, "Example Corp");
    let (link, _) = server.enroll("alice", T0);
    let phone = enroll_with_link(&mut server, &link, T0 + 5);
    (server, phone)
}

#[test]
fn enroll_approve_with_number_and_deny_as_fraud() {
    let (mut server, phone) = setup();

    // Sign-in 1: type the number shown on the sign-in screen; approve.
    let s = server.start_sign_in("alice", "VPN", MatchMode::Type { digits: 2 }, T0 + 10).unwrap();
    let shown = s.number.expect("number shown on sign-in screen");
    let out = poll(&mut server, &phone, T0 + 12);
    assert_eq!(out.requests.len(), 1);
    let req = &out.requests[0];
    assert_eq!(req.pending.request_id, s.challenge_id);
    assert_eq!(req.pending.service.as_deref(), Some("VPN"));
    assert_eq!(req.pending.matching, NumberMatching::TypeShown { digits: 2 });
    assert_eq!(req.clock_offset_secs, -2);
    let answer = Answer::Approve { number: Some(shown.to_string()) };
    let body = build_answer(&phone.account, req, &answer, &phone.signer, T0 + 15, &phone.store).unwrap();
    assert_eq!(server.answer(&body, T0 + 16), Ok(AnswerOutcome::Approved));
    assert_eq!(server.status(&s.challenge_id, T0 + 16), Some(SignInStatus::Approved));

    // The same answer again is refused; the phone no longer shows the request.
    assert_eq!(server.answer(&body, T0 + 17).unwrap_err().code(), "E_VERIFIER_ALREADY_ANSWERED");
    let out = poll(&mut server, &phone, T0 + 18);
    assert!(out.requests.is_empty());
    assert_eq!(out.closed, vec![(s.challenge_id.clone(), "approved".to_string())]);

    // Sign-in 2: pick from choices; deny as fraud.
    let s2 = server.start_sign_in("alice", "Mail", MatchMode::Pick { digits: 2, choices: 3 }, T0 + 20).unwrap();
    let out = poll(&mut server, &phone, T0 + 21);
    let req = &out.requests[0];
    let NumberMatching::Pick { choices } = &req.pending.matching else { panic!("pick expected") };
    assert_eq!(choices.len(), 3);
    assert!(choices.contains(&s2.number.unwrap().to_string()));
    let body = build_answer(&phone.account, req, &Answer::Deny { reason: DenyReason::NotMe }, &phone.signer, T0 + 22, &phone.store).unwrap();
    assert_eq!(server.answer(&body, T0 + 23), Ok(AnswerOutcome::Denied(DenyReason::NotMe)));
    assert_eq!(server.status(&s2.challenge_id, T0 + 23), Some(SignInStatus::Denied(DenyReason::NotMe)));
}

#[test]
fn manual_code_enrollment_fetches_link_over_lookup() {
    let mut server = TestServer::new(URL, "Example Corp");
    let (_, code_text) = server.enroll("bob", T0);
    let code = ManualCode::parse(&code_text.to_lowercase().replace('-', " ")).unwrap();
    assert_eq!(code.host, "mfa.example.com");
    assert_eq!(code.lookup_url(), format!("{URL}/duet/v1/enrollment/{}", code.value));
    let (status, body) = server.handle("GET", &format!("/duet/v1/enrollment/{}", code.value), b"", T0 + 1);
    assert_eq!(status, 200);
    let link = parse_enrollment_lookup(&code, &body, T0 + 1).unwrap();
    assert_eq!(link.trust, EnrollmentTrust::ManualCode);
    assert_eq!(link.server_key_fingerprint(), duet_core::push::wire::fingerprint(&server.verifier().server_public_key()));
    let phone = enroll_with_link(&mut server, &link.to_duet_uri(), T0 + 2);
    // The used code cannot be looked up again.
    let (status, body) = server.handle("GET", &format!("/duet/v1/enrollment/{}", code.value), b"", T0 + 3);
    assert_eq!(status, 409);
    assert!(String::from_utf8(body).unwrap().contains("E_VERIFIER_ENROLLMENT_USED"));
    assert!(!phone.account.account_id.is_empty());
}

#[test]
fn several_devices_first_answer_wins() {
    let mut server = TestServer::new(URL, "Example Corp");
    let (l1, _) = server.enroll("alice", T0);
    let (l2, _) = server.enroll("alice", T0);
    let p1 = enroll_with_link(&mut server, &l1, T0);
    let p2 = enroll_with_link(&mut server, &l2, T0);
    let s = server.start_sign_in("alice", "VPN", MatchMode::Type { digits: 2 }, T0 + 1).unwrap();
    let r1 = poll(&mut server, &p1, T0 + 2).requests.remove(0);
    let r2 = poll(&mut server, &p2, T0 + 2).requests.remove(0);
    assert_eq!(r1.payload.cid, r2.payload.cid);
    let n = Answer::Approve { number: Some(s.number.unwrap().to_string()) };
    let a1 = build_answer(&p1.account, &r1, &n, &p1.signer, T0 + 3, &p1.store).unwrap();
    let a2 = build_answer(&p2.account, &r2, &n, &p2.signer, T0 + 3, &p2.store).unwrap();
    assert_eq!(server.answer(&a2, T0 + 4), Ok(AnswerOutcome::Approved));
    assert_eq!(server.answer(&a1, T0 + 4).unwrap_err().code(), "E_VERIFIER_ALREADY_ANSWERED");
    let out = poll(&mut server, &p1, T0 + 5);
    assert_eq!(out.closed, vec![(s.challenge_id, "answered_elsewhere".to_string())]);
    // Device 1's request hash answered with device 2's key: wrong device key.
    let mut forged = Envelope::parse(&a1).unwrap();
    forged.sig = Envelope::parse(&a2).unwrap().sig;
    assert_eq!(server.answer(&forged.to_bytes(), T0 + 6).unwrap_err().code(), "E_VERIFIER_BAD_SIGNATURE");
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
    let (mut server, phone) = setup();
    let s = server.start_sign_in("alice", "VPN", MatchMode::Type { digits: 2 }, T0 + 10).unwrap();
    let genuine = server.request_body(&s.challenge_id, &phone.account.account_id).unwrap();
    let check = |body: &[u8], now: i64| verify_request(&phone.account, body, now, &phone.store).map(|_| ()).map_err(|e| e.code());
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
    let real = server.verifier().key();
    let mut q = p.clone();
    q["aid"] = "AAAAAAAAAAAAAAAAAAAAAA".into();
    assert_eq!(check(&resign(real, &q), T0 + 11), Err("E_PUSH_WRONG_ACCOUNT"));
    // Expired, and issued in the future beyond the allowance.
    assert_eq!(check(&genuine, T0 + 10 + 120 + 121), Err("E_PUSH_EXPIRED"));
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
    let req = verify_request(&phone.account, &genuine, T0 + 11, &phone.store).unwrap();
    let ans = Answer::Approve { number: Some(s.number.unwrap().to_string()) };
    build_answer(&phone.account, &req, &ans, &phone.signer, T0 + 12, &phone.store).unwrap();
    assert_eq!(check(&genuine, T0 + 13), Err("E_PUSH_REPLAYED"));
    assert_eq!(
        build_answer(&phone.account, &req, &ans, &phone.signer, T0 + 13, &phone.store).unwrap_err().code(),
        "E_PUSH_REPLAYED"
    );
}

#[test]
fn every_forgery_class_is_rejected_by_the_verifier() {
    let (mut server, phone) = setup();
    let s1 = server.start_sign_in("alice", "VPN", MatchMode::Type { digits: 2 }, T0 + 10).unwrap();
    let s2 = server.start_sign_in("alice", "Mail", MatchMode::Type { digits: 2 }, T0 + 10).unwrap();
    let aid = phone.account.account_id.clone();
    let r1 = verify_request(&phone.account, &server.request_body(&s1.challenge_id, &aid).unwrap(), T0 + 11, &phone.store).unwrap();
    let r2 = verify_request(&phone.account, &server.request_body(&s2.challenge_id, &aid).unwrap(), T0 + 11, &phone.store).unwrap();
    let n1 = s1.number.unwrap();
    let approve1 = build_answer(&phone.account, &r1, &Answer::Approve { number: Some(n1.to_string()) }, &phone.signer, T0 + 12, &MemoryReplayStore::new()).unwrap();

    // Answer replayed for another request: same signed answer, other challenge.
    let s2_before = server.sign_ins[&s2.challenge_id].clone();
    let code = {
        let sign_in = server.sign_ins.get_mut(&s2.challenge_id).unwrap();
        let device = server.devices[&aid].clone();
        let v = Verifier::new(ServerKey::generate(rng()).unwrap(), URL, "x").unwrap();
        v.verify_answer(sign_in, &device, &approve1, T0 + 12).unwrap_err().code()
    };
    assert_eq!(code, "E_VERIFIER_WRONG_REQUEST");
    assert_eq!(server.sign_ins[&s2.challenge_id], s2_before, "nothing changed");

    // An answer whose cid/rh were rewritten to sign-in 2 but keeps sign-in 1's signature.
    let mut env = Envelope::parse(&approve1).unwrap();
    let mut p: serde_json::Value = serde_json::from_slice(&env.payload).unwrap();
    p["cid"] = s2.challenge_id.clone().into();
    p["rh"] = b64u(&r2.request_hash).into();
    env.payload = serde_json::to_vec(&p).unwrap();
    assert_eq!(server.answer(&env.to_bytes(), T0 + 12).unwrap_err().code(), "E_VERIFIER_BAD_SIGNATURE");

    // Wrong device key.
    let stranger = SoftwareP256Signer::generate(rng()).unwrap();
    let forged = build_answer(&phone.account, &r1, &Answer::Approve { number: Some(n1.to_string()) }, &stranger, T0 + 12, &MemoryReplayStore::new()).unwrap();
    assert_eq!(server.answer(&forged, T0 + 12).unwrap_err().code(), "E_VERIFIER_BAD_SIGNATURE");

    // Truncated and garbage answers.
    for n in 0..approve1.len() {
        assert!(server.answer(&approve1[..n], T0 + 12).is_err());
    }
    assert_eq!(server.status(&s1.challenge_id, T0 + 12), Some(SignInStatus::Pending), "forgeries changed nothing");

    // Expired: after the request's expiry the genuine answer is refused.
    let mut late = server.sign_ins[&s1.challenge_id].clone();
    let device = server.devices[&aid].clone();
    assert_eq!(server.verifier().verify_answer(&mut late, &device, &approve1, T0 + 10 + 121).unwrap_err().code(), "E_VERIFIER_EXPIRED");

    // Wrong number: closes the request as failed, no second try.
    let wrong = if n1 == 99 { 98 } else { n1 + 1 };
    let bad = build_answer(&phone.account, &r2, &Answer::Approve { number: Some(wrong.to_string()) }, &phone.signer, T0 + 12, &MemoryReplayStore::new()).unwrap();
    assert_eq!(server.answer(&bad, T0 + 12).unwrap_err().code(), "E_VERIFIER_WRONG_NUMBER");
    assert_eq!(server.status(&s2.challenge_id, T0 + 12), Some(SignInStatus::Failed));
    let right = build_answer(&phone.account, &r2, &Answer::Approve { number: Some(s2.number.unwrap().to_string()) }, &phone.signer, T0 + 12, &MemoryReplayStore::new()).unwrap();
    assert_eq!(server.answer(&right, T0 + 12).unwrap_err().code(), "E_VERIFIER_ALREADY_ANSWERED");

    // Unknown version of an answer (signed by the real device key).
    let mut env = Envelope::parse(&approve1).unwrap();
    let mut p: serde_json::Value = serde_json::from_slice(&env.payload).unwrap();
    p["v"] = 2.into();
    env.payload = serde_json::to_vec(&p).unwrap();
    env.sig = duet_core::push::signer::normalize_signature(SignatureAlgorithm::EcdsaP256Sha256, &phone.account.device_key, &env.payload, &phone.signer.sign(&env.payload).unwrap()).unwrap();
    assert_eq!(server.answer(&env.to_bytes(), T0 + 12).unwrap_err().code(), "E_VERIFIER_VERSION");

    // The genuine answer finally succeeds, once.
    assert_eq!(server.answer(&approve1, T0 + 13), Ok(AnswerOutcome::Approved));
    assert_eq!(server.answer(&approve1, T0 + 14).unwrap_err().code(), "E_VERIFIER_ALREADY_ANSWERED");
}

#[test]
fn registration_forgeries_are_rejected() {
    let mut server = TestServer::new(URL, "Example Corp");
    let (link_text, _) = server.enroll("carol", T0);
    let link = EnrollmentLink::parse(&link_text, T0).unwrap();
    let signer = SoftwareP256Signer::generate(rng()).unwrap();
    // Wrong enrollment secret: proof fails.
    let mut wrong = link.clone();
    wrong.secret = duet_core::secret::Secret::new(vec![1u8; 32]);
    let body = build_registration(&wrong, &signer, &info(), T0).unwrap();
    assert_eq!(server.register(&body, T0).unwrap_err().code(), "E_VERIFIER_ENROLLMENT_PROOF");
    // Expired enrollment.
    let body = build_registration(&link, &signer, &info(), T0).unwrap();
    assert_eq!(server.register(&body, T0 + 601).unwrap_err().code(), "E_VERIFIER_ENROLLMENT_EXPIRED");
    // Genuine, then the phone refuses an answer signed by another server key.
    let resp = server.register(&body, T0 + 1).unwrap();
    let mut fake_link = link.clone();
    fake_link.server_key = ServerKey::generate(rng()).unwrap().public_key();
    assert_eq!(finish_registration(&fake_link, &signer, &resp, T0 + 1).unwrap_err().code(), "E_PUSH_BAD_SIGNATURE");
    // An answer naming another device key.
    let other = SoftwareP256Signer::generate(rng()).unwrap();
    assert_eq!(finish_registration(&link, &other, &resp, T0 + 1).unwrap_err().code(), "E_PUSH_REGISTRATION_MISMATCH");
    assert!(finish_registration(&link, &signer, &resp, T0 + 1).is_ok());
    // One-time: a second registration with the same link is refused.
    let body2 = build_registration(&link, &other, &info(), T0 + 2).unwrap();
    assert_eq!(server.register(&body2, T0 + 2).unwrap_err().code(), "E_VERIFIER_ENROLLMENT_USED");
}

#[test]
fn push_token_rotation_and_unenrollment() {
    let (mut server, mut phone) = setup();
    let aid = phone.account.account_id.clone();
    // Push token.
    let body = build_push_token(&phone.account, &phone.signer, PushProvider::Fcm, "tok-123", T0 + 20).unwrap();
    assert_eq!(server.handle("POST", "/duet/v1/push-token", &body, T0 + 20).0, 200);
    assert_eq!(server.push_tokens[&aid], ("fcm".to_string(), "tok-123".to_string()));
    // A stale signed call is refused.
    let stale = build_poll(&phone.account, &phone.signer, T0 - 400).unwrap();
    let (st, b) = server.handle("POST", "/duet/v1/poll", &stale, T0 + 20);
    assert_eq!(st, 401);
    assert!(String::from_utf8(b).unwrap().contains("E_VERIFIER_STALE"));

    // Device key rotation: signed by old and new key.
    let new_signer = SoftwareP256Signer::generate(rng()).unwrap();
    let body = build_device_key_rotation(&phone.account, &phone.signer, &new_signer, T0 + 21).unwrap();
    // Without the new key's signature it is refused.
    let mut half = Envelope::parse(&body).unwrap();
    half.sig_new = Some(half.sig.clone());
    assert_eq!(server.handle("POST", "/duet/v1/rotate-key", &half.to_bytes(), T0 + 21).0, 401);
    assert_eq!(server.handle("POST", "/duet/v1/rotate-key", &body, T0 + 21).0, 200);
    phone.account.device_key = new_signer.public_key();
    phone.signer = new_signer;

    // Server key rotation: delivered in a poll, signed by the old key.
    server.start_server_key_rotation(T0 + 30);
    let out = poll(&mut server, &phone, T0 + 31);
    let rotated = out.rotated.expect("rotation applied");
    assert_ne!(rotated.server_key, phone.account.server_key);
    server.finish_server_key_rotation(URL, "Example Corp");
    assert_eq!(rotated.server_key, server.verifier().server_public_key());
    phone.account = rotated;
    let s = server.start_sign_in("alice", "VPN", MatchMode::None, T0 + 40).unwrap();
    let out = poll(&mut server, &phone, T0 + 41);
    assert_eq!(out.requests.len(), 1, "new key's requests verify: {:?}", out.rejected);
    assert_eq!(out.requests[0].pending.matching, NumberMatching::None);
    let ans = build_answer(&phone.account, &out.requests[0], &Answer::Approve { number: None }, &phone.signer, T0 + 42, &phone.store).unwrap();
    assert_eq!(server.answer(&ans, T0 + 42), Ok(AnswerOutcome::Approved));
    let _ = s;

    // Unenrollment.
    let body = build_unenroll(&phone.account, &phone.signer, T0 + 50).unwrap();
    assert_eq!(server.handle("POST", "/duet/v1/unenroll", &body, T0 + 50).0, 200);
    assert!(!server.devices.contains_key(&aid));
    let body = build_poll(&phone.account, &phone.signer, T0 + 51).unwrap();
    assert_eq!(server.handle("POST", "/duet/v1/poll", &body, T0 + 51).0, 403);
    let _ = b64u_decode("");
}
