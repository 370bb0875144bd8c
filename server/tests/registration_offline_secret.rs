//! The offline passcode secret at registration (docs/protocol.md §3.3): the server seals it to
//! the phone's agreement key `ek`, the answer never carries it in clear, and the phone refuses
//! an answer whose sealed secret does not open for this registration, with stable codes.

use std::sync::Arc;

use duet_core::ErrorCode;
use duet_core::push::signer::sign_wire;
use duet_core::push::wire::{Envelope, b64u, b64u_decode};
use duet_core::push::*;
use duet_core::secret::Secret;
use duet_server::verifier::{ServerKey, Verifier};
use ring::rand::SystemRandom;
use serde_json::{Value, json};

const NOW: i64 = 1_790_000_000;
const URI: &str = "otpauth://totp/Example:alice?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ&issuer=Example";
const SECRET_B32: &str = "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ";

/// A change to a payload's members.
type Edit = Box<dyn FnOnce(&mut serde_json::Map<String, Value>)>;

struct World {
    verifier: Verifier,
    /// The same server key, to sign answers the verifier would never make.
    forger: ServerKey,
    link: EnrollmentLink,
    enrollment: duet_server::verifier::Enrollment,
    signer: SoftwareP256Signer,
    agreement: AgreementKey,
}

fn world() -> World {
    let rng = Arc::new(SystemRandom::new());
    let key = ServerKey::generate(rng.clone()).unwrap();
    let forger = ServerKey::from_pkcs8(key.export_pkcs8(), rng.clone()).unwrap();
    let verifier = Verifier::new(key, "https://mfa.example.com", "Example").unwrap();
    let enrollment = verifier.create_enrollment("alice", 600, false, NOW, &SystemRandom::new()).unwrap();
    let link = verifier.enrollment_link(&enrollment);
    let signer = SoftwareP256Signer::generate(rng).unwrap();
    let agreement = AgreementKey::generate(&SystemRandom::new()).unwrap();
    World { verifier, forger, link, enrollment, signer, agreement }
}

fn info() -> DeviceInfo {
    DeviceInfo { name: "Phone".into(), platform: "cli".into(), keystore: "software".into() }
}

impl World {
    fn register_body(&self) -> Vec<u8> {
        build_registration(&self.link, &self.signer, &self.agreement, &info(), NOW).unwrap()
    }

    /// Registers with the offline secret; returns the signed answer.
    fn registered(&mut self) -> Vec<u8> {
        let body = self.register_body();
        let uri = Secret::new(URI.into());
        self.verifier.register(&mut self.enrollment, &body, NOW, &SystemRandom::new(), Some(&uri)).unwrap().1
    }

    fn finish(&self, answer: &[u8]) -> Result<Registered, PushError> {
        finish_registration(&self.link, &self.signer, &self.agreement, answer, NOW)
    }

    /// The answer's payload as JSON, edited by `f` and signed again by the server key.
    fn edited_answer(&self, answer: &[u8], f: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Vec<u8> {
        let mut p: Value = serde_json::from_slice(&Envelope::parse(answer).unwrap().payload).unwrap();
        f(p.as_object_mut().unwrap());
        self.forger.sign_envelope(serde_json::to_vec(&p).unwrap()).unwrap()
    }

    /// The registration payload edited by `f`, signed again by the device key.
    fn edited_register(&self, f: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Vec<u8> {
        let mut p: Value = serde_json::from_slice(&Envelope::parse(&self.register_body()).unwrap().payload).unwrap();
        f(p.as_object_mut().unwrap());
        let payload = serde_json::to_vec(&p).unwrap();
        let sig = sign_wire(&self.signer, &self.signer.public_key(), &payload).unwrap();
        Envelope { payload, sig, sig_new: None }.to_bytes()
    }
}

#[test]
fn the_secret_reaches_the_phone_sealed_and_opens_there() {
    let mut w = world();
    let answer = w.registered();
    let payload = Envelope::parse(&answer).unwrap().payload;
    let p: Value = serde_json::from_slice(&payload).unwrap();
    assert!(p.get("otp").is_none());
    assert_eq!(b64u_decode(p["otp_enc"].as_str().unwrap()).unwrap().len(), 65);
    assert_eq!(b64u_decode(p["otp_ct"].as_str().unwrap()).unwrap().len(), URI.len() + 16);
    // Whoever reads the answer (a TLS terminator) does not see the secret.
    assert!(!String::from_utf8_lossy(&payload).contains(SECRET_B32));
    assert!(!String::from_utf8_lossy(&answer).contains(SECRET_B32));
    let reg = w.finish(&answer).unwrap();
    assert_eq!(reg.otp_uri.unwrap().expose(), URI.as_bytes());
    // The secret is never printed with the registration.
    assert!(!format!("{:?}", w.finish(&answer).unwrap()).contains(SECRET_B32));
}

#[test]
fn another_agreement_key_cannot_open_it() {
    let mut w = world();
    let answer = w.registered();
    let other = AgreementKey::generate(&SystemRandom::new()).unwrap();
    let e = finish_registration(&w.link, &w.signer, &other, &answer, NOW).unwrap_err();
    assert_eq!(e.code(), "E_PUSH_OFFLINE_SECRET");
    assert!(!e.to_string().contains(SECRET_B32));
}

#[test]
fn a_sealed_secret_moved_to_another_account_does_not_open() {
    let mut w = world();
    let answer = w.registered();
    // Same ciphertext, another account id (info binds eid and aid).
    let moved = w.edited_answer(&answer, |p| {
        p.insert("aid".into(), json!(b64u(&[7; 16])));
    });
    assert_eq!(w.finish(&moved).unwrap_err().code(), "E_PUSH_OFFLINE_SECRET");
}

#[test]
fn malformed_sealed_members_are_refused() {
    let mut w = world();
    let answer = w.registered();
    let cases: [(&str, Edit, &str); 5] = [
        ("enc without ct", Box::new(|p| drop(p.remove("otp_ct"))), "E_PUSH_MALFORMED"),
        ("ct without enc", Box::new(|p| drop(p.remove("otp_enc"))), "E_PUSH_MALFORMED"),
        ("the clear member of earlier builds", Box::new(|p| drop(p.insert("otp".into(), json!(URI)))), "E_PUSH_MALFORMED"),
        ("enc not base64url", Box::new(|p| drop(p.insert("otp_enc".into(), json!("a=b")))), "E_PUSH_MALFORMED"),
        ("enc not a point", Box::new(|p| drop(p.insert("otp_enc".into(), json!(b64u(&[4; 65]))))), "E_PUSH_KEY_INVALID"),
    ];
    for (what, edit, code) in cases {
        let forged = w.edited_answer(&answer, edit);
        assert_eq!(w.finish(&forged).unwrap_err().code(), code, "{what}");
    }
    // Without both members the phone stores the account without offline passcodes.
    let none = w.edited_answer(&answer, |p| {
        p.remove("otp_enc");
        p.remove("otp_ct");
    });
    assert!(w.finish(&none).unwrap().otp_uri.is_none());
}

#[test]
fn the_server_requires_a_valid_agreement_key() {
    let w = world();
    let rng = SystemRandom::new();
    let uri = Secret::new(URI.into());
    let pk = w.agreement.public_key().to_vec();
    let cases: [(&str, Option<String>, &str); 4] = [
        ("missing", None, "E_VERIFIER_MALFORMED"),
        ("compressed", Some(b64u(&pk[..33])), "E_VERIFIER_KEY_INVALID"),
        ("off the curve", Some(b64u(&[4; 65])), "E_VERIFIER_KEY_INVALID"),
        ("not base64url", Some("a=b".into()), "E_VERIFIER_MALFORMED"),
    ];
    for (what, ek, code) in cases {
        let body = w.edited_register(|p| match ek {
            Some(ek) => drop(p.insert("ek".into(), json!(ek))),
            None => drop(p.remove("ek")),
        });
        let mut e = w.enrollment.clone();
        let err = w.verifier.register(&mut e, &body, NOW, &rng, Some(&uri)).unwrap_err();
        assert_eq!(err.code(), code, "{what}");
        assert!(!e.used, "{what}: the enrollment stays unused");
    }
}
