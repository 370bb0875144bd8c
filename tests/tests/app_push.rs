//! The application layer (`duet_core::app`) against the real reference server on 127.0.0.1:
//! enrollment by link and by manual code, polling, one-step answers with the vault's software
//! keys, two-step answers signed by a platform keystore's answer key inside the prompt, wrong
//! numbers, answered elsewhere, expiry on the phone and on the server, key rotation,
//! unenrollment. Every phone call is real HTTP over loopback.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use duet_core::ErrorCode;
use duet_core::app::accounts::Added;
use duet_core::app::push::{AnswerOutcome, KeyLocation};
use duet_core::app::{App, AppEnv, KeyPurpose, PlatformKey, PlatformKeys};
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

/// A platform keystore stand-in: P-256 keys by alias, each signing with ring. Like a keystore
/// whose answer keys need the user for every use, an answer key signs only in [`Keystore::prompt`].
#[derive(Default)]
struct Keystore(Mutex<HashMap<Vec<u8>, (KeyPurpose, Arc<SoftwareP256Signer>)>>);

/// An answer key outside the prompt: its public key reads, signing is refused.
struct NeedsUser(Arc<SoftwareP256Signer>);

impl DeviceSigner for NeedsUser {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.0.algorithm()
    }
    fn public_key(&self) -> Vec<u8> {
        self.0.public_key()
    }
    fn sign(&self, _: &[u8]) -> Result<Vec<u8>, SignerError> {
        Err(SignerError::Cancelled)
    }
}

impl Keystore {
    /// Signs `msg` with the key `handle` names, as inside a biometric prompt the user confirmed.
    fn prompt(&self, handle: &[u8], msg: &[u8]) -> Vec<u8> {
        self.0.lock().unwrap()[handle].1.sign(msg).unwrap()
    }

    fn public_key(&self, handle: &[u8]) -> Vec<u8> {
        self.0.lock().unwrap()[handle].1.public_key()
    }

    fn purpose(&self, handle: &[u8]) -> KeyPurpose {
        self.0.lock().unwrap()[handle].0
    }
}

impl PlatformKeys for Keystore {
    fn create_key(&self, algorithm: SignatureAlgorithm, purpose: KeyPurpose) -> Result<PlatformKey, SignerError> {
        assert_eq!(algorithm, SignatureAlgorithm::EcdsaP256Sha256);
        let handle = {
            let mut keys = self.0.lock().unwrap();
            let handle = format!("alias-{}", keys.len() + 1).into_bytes();
            let key = Arc::new(SoftwareP256Signer::generate(Arc::new(ring::rand::SystemRandom::new())).unwrap());
            keys.insert(handle.clone(), (purpose, key));
            handle
        };
        Ok(PlatformKey { signer: self.signer(&handle, algorithm)?, handle })
    }
    fn signer(&self, handle: &[u8], _: SignatureAlgorithm) -> Result<Arc<dyn DeviceSigner>, SignerError> {
        let (purpose, key) = self.0.lock().unwrap().get(handle).cloned().ok_or(SignerError::KeyUnavailable)?;
        Ok(match purpose {
            KeyPurpose::DeviceCalls => key,
            KeyPurpose::Answers => Arc::new(NeedsUser(key)),
        })
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
fn the_phone_shows_the_device_key_fingerprint_the_helpdesk_shows() {
    let w = World::new();
    let keys = Arc::new(Keystore::default());
    let mut app = w.app("phone", Some(keys.clone()));
    w.enroll(&mut app, "alice");
    let view = app.push_accounts().unwrap().remove(0).unwrap();
    let record = w.server.device(&view.account_id).unwrap();
    // The first 10 bytes of SHA-256 over the key the server registered, in groups of 4 hex digits
    // (computed here with ring, not with the project's helper).
    let digest = ring::digest::digest(&ring::digest::SHA256, &record.public_key);
    let hex: String = digest.as_ref()[..10].iter().map(|b| format!("{b:02X}")).collect();
    let expected = hex.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join("-");
    assert_eq!(view.device_key_fingerprint.as_deref(), Some(expected.as_str()));
    assert!(view.answer_key && view.platform_key);
    let summary = {
        use duet_server::services::devices;
        let conn = w.server.state().db();
        let id = devices::by_account(&conn, &view.account_id).unwrap().unwrap().id;
        devices::key_summary(&conn, w.server.state().seal(), id).unwrap()
    };
    assert_eq!((summary.fingerprint.as_str(), summary.answer_key), (expected.as_str(), true));
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
    // Two keys: the device key signs the poll without the user, the answer key only in the prompt.
    assert_eq!((keys.purpose(b"alias-1"), keys.purpose(b"alias-2")), (KeyPurpose::DeviceCalls, KeyPurpose::Answers));
    assert_eq!(first.key, KeyLocation::Platform { handle: b"alias-2".to_vec(), public_key: app_answer_key(&app) });
    assert_eq!(app_answer_key(&app), keys.public_key(b"alias-2"));
    assert_eq!(w.server.device(&app.push_accounts().unwrap()[0].as_ref().unwrap().account_id).unwrap().answer_key, Some(keys.public_key(b"alias-2")));
    assert_eq!(w.status(&cid), SignInStatus::Pending);
    // Without the prompt the answer key signs nothing: a one-step answer is refused on the phone.
    assert_eq!(app.answer(&cid, Answer::Approve { number: None }).unwrap_err().code(), "E_PUSH_SIGNER_CANCELLED");
    app.poll().unwrap();
    // The user tries again and approves; the app signs the exact bytes inside its prompt.
    let prepared = app.prepare_answer(&cid, Answer::Approve { number: None }).unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&prepared.message).unwrap()["decision"] == "approve");
    let signature = keys.prompt(b"alias-2", &prepared.message);
    // A signature over other bytes, or by the device key, is refused on the phone.
    let wrong = keys.prompt(b"alias-2", &first.message);
    assert_eq!(app.submit_answer(&cid, &wrong).unwrap_err().code(), "E_PUSH_SIGNER_FAILED");
    let prepared = app.prepare_answer(&cid, Answer::Approve { number: None }).unwrap();
    let by_device_key = keys.prompt(b"alias-1", &prepared.message);
    assert_eq!(app.submit_answer(&cid, &by_device_key).unwrap_err().code(), "E_PUSH_SIGNER_FAILED");
    assert_eq!(w.status(&cid), SignInStatus::Pending);
    let prepared = app.prepare_answer(&cid, Answer::Approve { number: None }).unwrap();
    let signature2 = keys.prompt(b"alias-2", &prepared.message);
    assert_ne!(signature, signature2, "ECDSA signatures are randomised; both are valid");
    assert_eq!(app.submit_answer(&cid, &signature2).unwrap(), AnswerOutcome::Accepted);
    assert_eq!(w.status(&cid), SignInStatus::Approved);
}

fn app_answer_key(app: &App) -> Vec<u8> {
    let id = app.push_accounts().unwrap()[0].as_ref().unwrap().id.clone();
    let stored = app.vault().push_account(&id).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&stored.payload).unwrap();
    v["answer_key"].as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as u8).collect()
}

#[test]
fn a_wrong_number_is_an_outcome_and_fails_the_sign_in() {
    let w = World::new();
    let mut app = w.app("desktop", None);
    w.enroll(&mut app, "alice");
    w.at(T0 + 10);
    let (cid, number) = w.sign_in("alice", MatchMode::Type { digits: 2 });
    let n: u32 = number.unwrap().parse().unwrap();
    let wrong = if n == 99 { 10 } else { n + 1 };
    w.at(T0 + 11);
    app.poll().unwrap();
    assert_eq!(app.answer(&cid, Answer::Approve { number: Some(wrong.to_string()) }).unwrap(), AnswerOutcome::WrongNumber);
    assert_eq!(w.status(&cid), SignInStatus::Failed);
}

#[test]
fn the_second_device_is_told_it_was_answered_elsewhere() {
    let w = World::new();
    let mut phone = w.app("phone", None);
    let tablet_keys = Arc::new(Keystore::default());
    let mut tablet = w.app("tablet", Some(tablet_keys.clone()));
    w.enroll(&mut phone, "alice");
    w.enroll(&mut tablet, "alice");
    w.at(T0 + 10);
    let (cid, _) = w.sign_in("alice", MatchMode::None);
    w.at(T0 + 11);
    assert_eq!(phone.poll().unwrap().requests[0].request_id, cid);
    assert_eq!(tablet.poll().unwrap().requests[0].request_id, cid);
    let p = tablet.prepare_answer(&cid, Answer::Deny { reason: DenyReason::Mistake }).unwrap();
    let KeyLocation::Platform { handle, .. } = &p.key else { panic!("{:?}", p.key) };
    let signature = tablet_keys.prompt(handle, &p.message);
    assert_eq!(tablet.submit_answer(&cid, &signature).unwrap(), AnswerOutcome::Accepted);
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
    let after = w.server.device(&aid).unwrap();
    assert_ne!(before, after.public_key);
    assert_eq!(after.public_key, keys.public_key(b"alias-3"));
    assert_eq!(keys.purpose(b"alias-3"), KeyPurpose::DeviceCalls);
    // The answer key is not rotated with the device key.
    assert_eq!(after.answer_key, Some(keys.public_key(b"alias-2")));
    w.at(T0 + 10);
    let (cid, _) = w.sign_in("bob", MatchMode::None);
    w.at(T0 + 11);
    app.poll().unwrap();
    let p = app.prepare_answer(&cid, Answer::Approve { number: None }).unwrap();
    assert_eq!(app.submit_answer(&cid, &keys.prompt(b"alias-2", &p.message)).unwrap(), AnswerOutcome::Accepted);
    app.unenroll(&id).unwrap();
    assert!(app.push_accounts().unwrap().is_empty());
    assert!(w.server.device(&aid).is_none(), "the server forgot the device");
}
