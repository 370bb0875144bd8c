//! The application layer (`duet_core::app`) against the real reference server on 127.0.0.1:
//! enrollment by link and by manual code, polling, one-step answers with the vault's software
//! key, two-step answers signed by a platform keystore, answered elsewhere, expiry on the phone
//! and on the server, key rotation, unenrollment. Every phone call is real HTTP over loopback.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use duet_core::ErrorCode;
use duet_core::app::accounts::Added;
use duet_core::app::push::{AnswerOutcome, KeyLocation};
use duet_core::app::{App, AppEnv, PlatformKey, PlatformKeys};
use duet_core::keys::{Passphrase, ScryptParams};
use duet_core::push::{
    Answer, DenyReason, DeviceInfo, DeviceSigner, ManualCode, NumberMatching, SignatureAlgorithm, SignerError,
    SoftwareP256Signer,
};
use duet_core::transport::{HttpRequest, HttpResponse, HttpTransport, Method, TransportError};
use duet_core::vault::{RecordId, Vault, VaultEnv};
use duet_server::verifier::{MatchMode, SignInStatus};
use duet_tests::server::{PUSH_TTL, TestServer, URL};
use zeroize::Zeroizing;

const T0: i64 = 1_790_000_000;

/// The phone's network: requests to the public URL reach the test server at the shared time.
struct Loopback {
    server: Arc<TestServer>,
    now: Arc<AtomicI64>,
}

impl HttpTransport for Loopback {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let path = request.url.strip_prefix(URL).ok_or(TransportError::Unreachable { host: request.host() })?;
        let method = if request.method == Method::Get { "GET" } else { "POST" };
        let now = self.now.load(Ordering::SeqCst) as u64;
        let (status, body) = self.server.http(method, path, &request.body, now).map_err(|_| TransportError::Other { host: request.host() })?;
        Ok(HttpResponse { status, body })
    }
}

/// A platform keystore stand-in: P-256 keys by alias, each signing with ring.
#[derive(Default)]
struct Keystore(Mutex<HashMap<Vec<u8>, Arc<SoftwareP256Signer>>>);

impl PlatformKeys for Keystore {
    fn create_key(&self, algorithm: SignatureAlgorithm) -> Result<PlatformKey, SignerError> {
        assert_eq!(algorithm, SignatureAlgorithm::EcdsaP256Sha256);
        let mut keys = self.0.lock().unwrap();
        let handle = format!("alias-{}", keys.len() + 1).into_bytes();
        let key = Arc::new(SoftwareP256Signer::generate(Arc::new(ring::rand::SystemRandom::new())).unwrap());
        keys.insert(handle.clone(), key.clone());
        Ok(PlatformKey { handle, signer: key })
    }
    fn signer(&self, handle: &[u8], _: SignatureAlgorithm) -> Result<Arc<dyn DeviceSigner>, SignerError> {
        let key = self.0.lock().unwrap().get(handle).cloned().ok_or(SignerError::KeyUnavailable)?;
        Ok(key)
    }
}

struct World {
    server: Arc<TestServer>,
    now: Arc<AtomicI64>,
    _dir: tempfile::TempDir,
}

impl World {
    fn new() -> Self {
        World {
            server: Arc::new(TestServer::start(T0 as u64).unwrap()),
            now: Arc::new(AtomicI64::new(T0)),
            _dir: tempfile::tempdir().unwrap(),
        }
    }

    fn at(&self, t: i64) {
        self.now.store(t, Ordering::SeqCst);
        self.server.set_now(t as u64);
    }

    fn app(&self, name: &str, keys: Option<Arc<Keystore>>) -> App {
        let pass = Passphrase::with_params(Zeroizing::new("pw for tests".into()), ScryptParams { log_n: 10, r: 8, p: 1 });
        let vault = Vault::create(&self._dir.path().join(name), &[&pass], VaultEnv::system()).unwrap();
        let now = self.now.clone();
        App::new(vault, AppEnv {
            clock: Arc::new(move || now.load(Ordering::SeqCst)),
            rng: Arc::new(ring::rand::SystemRandom::new()),
            transport: Arc::new(Loopback { server: self.server.clone(), now: self.now.clone() }),
            platform_keys: keys.map(|k| k as Arc<dyn PlatformKeys>),
            device: DeviceInfo { name: format!("{name} phone"), platform: "other".into(), keystore: "software".into() },
        })
    }

    fn enroll(&self, app: &mut App, user: &str) -> RecordId {
        let e = self.server.enroll(user, self.now.load(Ordering::SeqCst) as u64).unwrap();
        match app.add_scanned(&e.link).unwrap() {
            Added::Push { id, label, .. } => {
                assert_eq!(label, format!("Example Corp: {user}"));
                id
            }
            other => panic!("{other:?}"),
        }
    }

    fn sign_in(&self, user: &str, mode: MatchMode) -> (String, Option<String>) {
        let v = self.server.start_sign_in(user, "VPN", mode, self.now.load(Ordering::SeqCst) as u64).unwrap();
        (v.id, v.number)
    }

    fn status(&self, cid: &str) -> SignInStatus {
        self.server.status(cid, self.now.load(Ordering::SeqCst) as u64).unwrap()
    }
}

#[test]
fn software_key_enrolls_polls_and_approves_with_the_number() {
    let w = World::new();
    let mut app = w.app("desktop", None);
    w.enroll(&mut app, "alice");
    assert_eq!(app.codes().unwrap().len(), 1, "the offline passcode account came with the enrollment");
    w.at(T0 + 10);
    let (cid, number) = w.sign_in("alice", MatchMode::Type { digits: 2 });
    w.at(T0 + 12);
    let report = app.poll().unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let req = &report.requests[0];
    assert_eq!((req.request_id.as_str(), req.user.as_deref(), req.service.as_deref()), (cid.as_str(), Some("alice"), Some("VPN")));
    assert_eq!(req.matching, NumberMatching::TypeShown { digits: 2 });
    assert_eq!(app.prepare_answer(&cid, Answer::Approve { number: None }).unwrap_err().code(), "E_PUSH_NUMBER_REQUIRED");
    assert_eq!(app.answer(&cid, Answer::Approve { number }).unwrap(), AnswerOutcome::Accepted);
    assert_eq!(w.status(&cid), SignInStatus::Approved);
    assert!(app.poll().unwrap().requests.is_empty(), "answered ids are remembered");
    assert_eq!(app.answer(&cid, Answer::Deny { reason: DenyReason::NotMe }).unwrap_err().code(), "E_APP_REQUEST_NOT_WAITING");
}

#[test]
fn platform_key_answers_in_two_steps_and_a_cancelled_prompt_changes_nothing() {
    let w = World::new();
    let keys = Arc::new(Keystore::default());
    let mut app = w.app("phone", Some(keys.clone()));
    w.enroll(&mut app, "alice");
    assert!(app.push_accounts().unwrap()[0].as_ref().unwrap().platform_key);
    w.at(T0 + 10);
    let (cid, _) = w.sign_in("alice", MatchMode::None);
    w.at(T0 + 11);
    app.poll().unwrap();
    // Step one, then the user cancels the prompt: nothing recorded, nothing sent.
    let first = app.prepare_answer(&cid, Answer::Deny { reason: DenyReason::NotMe }).unwrap();
    assert_eq!(first.key, KeyLocation::Platform { handle: b"alias-1".to_vec(), public_key: app_device_key(&app) });
    assert_eq!(w.status(&cid), SignInStatus::Pending);
    // The user tries again and approves; the app signs the exact bytes inside its prompt.
    let prepared = app.prepare_answer(&cid, Answer::Approve { number: None }).unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&prepared.message).unwrap()["decision"] == "approve");
    let signature = keys.signer(b"alias-1", SignatureAlgorithm::EcdsaP256Sha256).unwrap().sign(&prepared.message).unwrap();
    // A signature over other bytes is refused on the phone.
    let wrong = keys.signer(b"alias-1", SignatureAlgorithm::EcdsaP256Sha256).unwrap().sign(&first.message).unwrap();
    assert_eq!(app.submit_answer(&cid, &wrong).unwrap_err().code(), "E_PUSH_SIGNER_FAILED");
    assert_eq!(w.status(&cid), SignInStatus::Pending);
    let prepared = app.prepare_answer(&cid, Answer::Approve { number: None }).unwrap();
    let signature2 = keys.signer(b"alias-1", SignatureAlgorithm::EcdsaP256Sha256).unwrap().sign(&prepared.message).unwrap();
    assert_ne!(signature, signature2, "ECDSA signatures are randomised; both are valid");
    assert_eq!(app.submit_answer(&cid, &signature2).unwrap(), AnswerOutcome::Accepted);
    assert_eq!(w.status(&cid), SignInStatus::Approved);
}

fn app_device_key(app: &App) -> Vec<u8> {
    let id = app.push_accounts().unwrap()[0].as_ref().unwrap().id.clone();
    let stored = app.vault().push_account(&id).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&stored.payload).unwrap();
    v["device_key"].as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as u8).collect()
}

#[test]
fn the_second_device_is_told_it_was_answered_elsewhere() {
    let w = World::new();
    let mut phone = w.app("phone", None);
    let mut tablet = w.app("tablet", Some(Arc::new(Keystore::default())));
    w.enroll(&mut phone, "alice");
    w.enroll(&mut tablet, "alice");
    w.at(T0 + 10);
    let (cid, _) = w.sign_in("alice", MatchMode::None);
    w.at(T0 + 11);
    assert_eq!(phone.poll().unwrap().requests[0].request_id, cid);
    assert_eq!(tablet.poll().unwrap().requests[0].request_id, cid);
    assert_eq!(tablet.answer(&cid, Answer::Deny { reason: DenyReason::Mistake }).unwrap(), AnswerOutcome::Accepted);
    assert_eq!(phone.answer(&cid, Answer::Approve { number: None }).unwrap(), AnswerOutcome::AnsweredElsewhere);
    assert_eq!(w.status(&cid), SignInStatus::Denied(DenyReason::Mistake));
    w.at(T0 + 12);
    let closed = phone.poll().unwrap().closed;
    assert!(closed.iter().any(|c| c.request_id == cid), "{closed:?}");
}

#[test]
fn expiry_is_checked_on_the_phone_and_reported_from_the_server() {
    let w = World::new();
    let mut app = w.app("phone", None);
    w.enroll(&mut app, "alice");
    w.at(T0 + 10);
    let (late, _) = w.sign_in("alice", MatchMode::None);
    w.at(T0 + 11);
    app.poll().unwrap();
    // Past the server's deadline but inside the phone's clock allowance: the server says expired.
    w.at(T0 + 10 + PUSH_TTL as i64 + 5);
    assert_eq!(app.answer(&late, Answer::Approve { number: None }).unwrap(), AnswerOutcome::Expired);
    // Past the allowance too: refused on the phone, nothing sent.
    w.at(T0 + 1000);
    let (cid, _) = w.sign_in("alice", MatchMode::None);
    w.at(T0 + 1001);
    app.poll().unwrap();
    w.at(T0 + 1000 + PUSH_TTL as i64 + 200);
    assert_eq!(app.answer(&cid, Answer::Approve { number: None }).unwrap_err().code(), "E_PUSH_EXPIRED");
}

#[test]
fn manual_code_rotation_and_unenrollment() {
    let w = World::new();
    let keys = Arc::new(Keystore::default());
    let mut app = w.app("phone", Some(keys.clone()));
    let e = w.server.enroll("bob", T0 as u64).unwrap();
    let code = ManualCode::parse(&e.manual_code).unwrap();
    let link = app.lookup_manual_code(&code).unwrap();
    let from_qr = duet_core::push::EnrollmentLink::parse(&e.link, T0).unwrap();
    assert_eq!(link.server_key_fingerprint(), from_qr.server_key_fingerprint());
    let Added::Push { id, .. } = app.enroll_duet(&link).unwrap() else { panic!() };
    let aid = app.push_accounts().unwrap()[0].as_ref().unwrap().account_id.clone();
    let before = w.server.device(&aid).unwrap().public_key;
    w.at(T0 + 5);
    app.rotate_device_key(&id).unwrap();
    let after = w.server.device(&aid).unwrap().public_key;
    assert_ne!(before, after);
    assert_eq!(after, keys.signer(b"alias-2", SignatureAlgorithm::EcdsaP256Sha256).unwrap().public_key());
    w.at(T0 + 10);
    let (cid, _) = w.sign_in("bob", MatchMode::None);
    w.at(T0 + 11);
    app.poll().unwrap();
    assert_eq!(app.answer(&cid, Answer::Approve { number: None }).unwrap(), AnswerOutcome::Accepted);
    app.unenroll(&id).unwrap();
    assert!(app.push_accounts().unwrap().is_empty());
    assert!(w.server.device(&aid).is_none(), "the server forgot the device");
}
