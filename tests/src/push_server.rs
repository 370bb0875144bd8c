//! A protocol-level test server on the core's verifier: real keys, real signed messages, in
//! memory. End-to-end tests (and the bindings' Kotlin/Swift tests through a Rust shim) drive it
//! with the same request bodies the HTTP endpoints of `docs/protocol.md` carry.

use std::collections::HashMap;
use std::sync::Arc;

use duet_core::ErrorCode;
use duet_core::push::ManualCode;
use duet_core::verifier::{
    AnswerOutcome, DeviceCall, DeviceRecord, Enrollment, MatchMode, ServerKey, SignIn, SignInContext,
    SignInStatus, Verifier, VerifierError, answer_challenge_id, device_message_account_id,
    registration_enrollment_id,
};
use ring::rand::SystemRandom;

/// An in-memory duet push server.
pub struct TestServer {
    verifier: Verifier,
    rng: SystemRandom,
    /// Enrollments by id.
    pub enrollments: HashMap<String, Enrollment>,
    /// Devices by account id.
    pub devices: HashMap<String, DeviceRecord>,
    /// Sign-ins by challenge id.
    pub sign_ins: HashMap<String, SignIn>,
    /// Push tokens by account id.
    pub push_tokens: HashMap<String, (String, String)>,
    /// Pending server key rotation (new key, envelope per account id).
    rotation: Option<(ServerKey, HashMap<String, Vec<u8>>)>,
}

/// What a test asks the server to start.
#[derive(Debug, Clone)]
pub struct StartedSignIn {
    /// Challenge id.
    pub challenge_id: String,
    /// Number shown on the sign-in screen.
    pub number: Option<u32>,
}

impl TestServer {
    /// A server at `url` with a fresh key.
    pub fn new(url: &str, issuer: &str) -> Self {
        let key = ServerKey::generate(Arc::new(SystemRandom::new())).expect("key");
        Self::with_key(key, url, issuer)
    }

    /// A server with a given key.
    pub fn with_key(key: ServerKey, url: &str, issuer: &str) -> Self {
        TestServer {
            verifier: Verifier::new(key, url, issuer).expect("verifier"),
            rng: SystemRandom::new(),
            enrollments: HashMap::new(),
            devices: HashMap::new(),
            sign_ins: HashMap::new(),
            push_tokens: HashMap::new(),
            rotation: None,
        }
    }

    /// The verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// Creates an enrollment; returns (duet:// link, manual code text).
    pub fn enroll(&mut self, user: &str, now: i64) -> (String, String) {
        let e = self.verifier.create_enrollment(user, 600, true, now, &self.rng).expect("enrollment");
        let link = self.verifier.enrollment_link(&e).to_duet_uri();
        let code = self.verifier.manual_code(&e).expect("code").display();
        self.enrollments.insert(e.id.clone(), e);
        (link, code)
    }

    /// `GET /duet/v1/enrollment/{value}`.
    pub fn lookup_code(&self, value: &str, now: i64) -> Result<Vec<u8>, VerifierError> {
        let e = self
            .enrollments
            .values()
            .find(|e| e.code.as_deref() == Some(value))
            .ok_or(VerifierError::EnrollmentUnknown)?;
        self.verifier.enrollment_lookup_response(e, now)
    }

    /// `POST /duet/v1/register`.
    pub fn register(&mut self, body: &[u8], now: i64) -> Result<Vec<u8>, VerifierError> {
        let eid = registration_enrollment_id(body)?;
        let e = self.enrollments.get_mut(&eid).ok_or(VerifierError::EnrollmentUnknown)?;
        let (device, resp) = self.verifier.register(e, body, now, &self.rng, None)?;
        self.devices.insert(device.account_id.clone(), device);
        Ok(resp)
    }

    /// Starts a sign-in for every device of `user`.
    pub fn start_sign_in(&mut self, user: &str, service: &str, mode: MatchMode, now: i64) -> Result<StartedSignIn, VerifierError> {
        let mut devices: Vec<DeviceRecord> = self.devices.values().filter(|d| d.user == user).cloned().collect();
        devices.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        let ctx = SignInContext {
            user: user.into(),
            service: service.into(),
            ip: Some("203.0.113.7".into()),
            location: Some("Berlin, DE".into()),
            client: Some("Firefox on Windows".into()),
        };
        let s = self.verifier.create_sign_in(&devices, &ctx, mode, 120, now, &self.rng)?;
        let started = StartedSignIn { challenge_id: s.challenge_id.clone(), number: s.number };
        self.sign_ins.insert(s.challenge_id.clone(), s);
        Ok(started)
    }

    fn device_for(&self, body: &[u8]) -> Result<DeviceRecord, VerifierError> {
        let aid = device_message_account_id(body)?;
        self.devices.get(&aid).cloned().ok_or(VerifierError::WrongAccount)
    }

    /// `POST /duet/v1/poll`.
    pub fn poll(&mut self, body: &[u8], now: i64) -> Result<Vec<u8>, VerifierError> {
        let device = self.device_for(body)?;
        match self.verifier.verify_device_call(&device, body, now)? {
            DeviceCall::Poll => {}
            _ => return Err(VerifierError::WrongType),
        }
        let rotation = self.rotation.as_ref().and_then(|(_, m)| m.get(&device.account_id)).cloned();
        let mut list: Vec<&SignIn> = self.sign_ins.values().collect();
        list.sort_by_key(|s| s.issued_at);
        Ok(Verifier::poll_response(&device, list, rotation.as_deref(), now))
    }

    /// `POST /duet/v1/answer`.
    pub fn answer(&mut self, body: &[u8], now: i64) -> Result<AnswerOutcome, VerifierError> {
        let device = self.device_for(body)?;
        let cid = answer_challenge_id(body)?;
        let s = self.sign_ins.get_mut(&cid).ok_or(VerifierError::WrongRequest)?;
        self.verifier.verify_answer(s, &device, body, now)
    }

    /// `POST /duet/v1/push-token` or `/unenroll`.
    pub fn device_call(&mut self, body: &[u8], now: i64) -> Result<DeviceCall, VerifierError> {
        let device = self.device_for(body)?;
        let call = self.verifier.verify_device_call(&device, body, now)?;
        match &call {
            DeviceCall::PushToken { provider, token } => {
                self.push_tokens.insert(device.account_id.clone(), (provider.clone(), token.clone()));
            }
            DeviceCall::Unenroll => {
                self.devices.remove(&device.account_id);
            }
            DeviceCall::Poll => {}
        }
        Ok(call)
    }

    /// `POST /duet/v1/rotate-key`.
    pub fn rotate_device_key(&mut self, body: &[u8], now: i64) -> Result<(), VerifierError> {
        let device = self.device_for(body)?;
        let updated = self.verifier.verify_device_key_rotation(&device, body, now)?;
        self.devices.insert(updated.account_id.clone(), updated);
        Ok(())
    }

    /// Starts a server key rotation: every device gets a message signed by the old key in its
    /// next poll; call [`Self::finish_server_key_rotation`] after they polled.
    pub fn start_server_key_rotation(&mut self, now: i64) {
        let new = ServerKey::generate(Arc::new(SystemRandom::new())).expect("key");
        let mut m = HashMap::new();
        for d in self.devices.values() {
            m.insert(d.account_id.clone(), self.verifier.server_key_rotation(d, &new.public_key(), now).expect("rotation"));
        }
        self.rotation = Some((new, m));
    }

    /// Switches to the new server key.
    pub fn finish_server_key_rotation(&mut self, url: &str, issuer: &str) {
        if let Some((key, _)) = self.rotation.take() {
            self.verifier = Verifier::new(key, url, issuer).expect("verifier");
        }
    }

    /// The status of a sign-in.
    pub fn status(&mut self, cid: &str, now: i64) -> Option<SignInStatus> {
        self.sign_ins.get_mut(cid).map(|s| s.refresh(now))
    }

    /// The exact request body sent to device `aid` for sign-in `cid`.
    pub fn request_body(&self, cid: &str, aid: &str) -> Option<Vec<u8>> {
        self.sign_ins.get(cid)?.request_for(aid).map(|i| i.body.clone())
    }

    /// An HTTP-shaped dispatcher over the endpoints of `docs/protocol.md`: returns
    /// (status, body); errors as `{"error":"E_…","message":"…"}`.
    pub fn handle(&mut self, method: &str, path: &str, body: &[u8], now: i64) -> (u16, Vec<u8>) {
        let result: Result<Vec<u8>, VerifierError> = match (method, path) {
            ("GET", p) if p.starts_with("/duet/v1/enrollment/") => {
                self.lookup_code(&p["/duet/v1/enrollment/".len()..], now)
            }
            ("POST", "/duet/v1/register") => self.register(body, now),
            ("POST", "/duet/v1/poll") => self.poll(body, now),
            ("POST", "/duet/v1/answer") => self.answer(body, now).map(|o| {
                let s = match o {
                    AnswerOutcome::Approved => "approved",
                    AnswerOutcome::Denied(_) => "denied",
                };
                format!("{{\"status\":\"{s}\"}}").into_bytes()
            }),
            ("POST", "/duet/v1/push-token") | ("POST", "/duet/v1/unenroll") => {
                self.device_call(body, now).map(|_| b"{\"status\":\"ok\"}".to_vec())
            }
            ("POST", "/duet/v1/rotate-key") => {
                self.rotate_device_key(body, now).map(|_| b"{\"status\":\"ok\"}".to_vec())
            }
            _ => return (404, b"{\"error\":\"not found\"}".to_vec()),
        };
        match result {
            Ok(b) => (200, b),
            Err(e) => {
                let _ = e.code();
                (e.http_status(), e.to_json().into_bytes())
            }
        }
    }

    /// Parses a manual code text and returns its value (for lookups).
    pub fn code_value(code: &str) -> String {
        ManualCode::parse(code).expect("code").value
    }
}
