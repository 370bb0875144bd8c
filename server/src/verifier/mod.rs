//! duet push protocol v1, server side: enrollments, device registration, sign-in requests and
//! answer verification (specification: `docs/protocol.md`).
//!
//! Used by the reference server (`duet serve`) and the end-to-end tests; not part of the mobile
//! API. It holds no storage: every state (enrollments, devices, sign-ins) is a plain value the
//! caller stores, and every mutation happens through `&mut` so the caller persists it after.
//! Time (unix seconds) and randomness are arguments.

mod error;

use std::sync::Arc;

use ring::hmac;
use ring::rand::SecureRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair};
use serde::{Deserialize, Serialize};

pub use error::VerifierError;

use duet_core::push::agreement;
use duet_core::push::link::{EnrollmentLink, EnrollmentTrust, check_server_url};
use duet_core::push::messages::*;
use duet_core::push::pending::DenyReason;
use duet_core::push::signer::{SignatureAlgorithm, normalize_public_key, verify_signature};
use duet_core::push::wire::{Envelope, EnvelopeJson, HeadError, b64u, b64u_decode, check_head, sha256, time_ok};
use duet_core::push::{ManualCode, device::digit_range, device::push_token_ok};
use duet_core::secret::Secret;

/// Seals the offline passcode URI to the phone's agreement key `ek` (HPKE base mode, `aad` = the
/// device key as sent); returns base64url `(enc, ciphertext)`.
fn seal_offline_secret(
    ek: &[u8],
    info: &[u8],
    dk_b64: &str,
    uri: &Secret,
    rng: &dyn SecureRandom,
) -> Result<(String, String), VerifierError> {
    let mut seed = zeroize::Zeroizing::new([0u8; agreement::KEY_SEED_LEN]);
    rng.fill(&mut seed[..]).map_err(|_| VerifierError::Random)?;
    let (enc, ct) = agreement::seal(ek, info, dk_b64.as_bytes(), uri.expose(), &seed).map_err(|e| match e {
        agreement::HpkeFailure::Key => VerifierError::KeyInvalid,
        _ => VerifierError::Random,
    })?;
    Ok((b64u(&enc), b64u(&ct)))
}

/// How far (seconds) a device's signed poll / push-token / rotation / unenrollment timestamp
/// may be from server time.
pub const DEVICE_CALL_WINDOW_SECS: i64 = 300;
/// Longest sign-in request lifetime the verifier issues (the phone refuses longer ones).
pub const MAX_SIGN_IN_TTL_SECS: i64 = duet_core::push::device::MAX_REQUEST_LIFETIME_SECS;

/// The server's P-256 signing key.
pub struct ServerKey {
    pkcs8: Secret,
    key: EcdsaKeyPair,
    rng: Arc<dyn SecureRandom + Send + Sync>,
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ServerKey({})", duet_core::push::wire::fingerprint(self.key.public_key().as_ref()))
    }
}

impl ServerKey {
    /// Creates a fresh key.
    pub fn generate(rng: Arc<dyn SecureRandom + Send + Sync>) -> Result<Self, VerifierError> {
        let doc = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &*rng)
            .map_err(|_| VerifierError::Random)?;
        Self::from_pkcs8(Secret::new(doc.as_ref().to_vec()), rng)
    }

    /// Loads a PKCS#8 key (as stored sealed by the server).
    pub fn from_pkcs8(pkcs8: Secret, rng: Arc<dyn SecureRandom + Send + Sync>) -> Result<Self, VerifierError> {
        let key = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.expose(), &*rng)
            .map_err(|_| VerifierError::KeyInvalid)?;
        Ok(ServerKey { pkcs8, key, rng })
    }

    /// The private key as PKCS#8, for sealed storage.
    pub fn export_pkcs8(&self) -> Secret {
        self.pkcs8.clone()
    }

    /// The public key (uncompressed SEC1, 65 bytes).
    pub fn public_key(&self) -> Vec<u8> {
        self.key.public_key().as_ref().to_vec()
    }

    /// Signs `payload` and returns the envelope bytes.
    pub fn sign_envelope(&self, payload: Vec<u8>) -> Result<Vec<u8>, VerifierError> {
        let sig = self.key.sign(&*self.rng, &payload).map_err(|_| VerifierError::Random)?;
        Ok(Envelope { payload, sig: sig.as_ref().to_vec(), sig_new: None }.to_bytes())
    }
}

/// A one-time enrollment for a user.
#[derive(Debug, Clone)]
pub struct Enrollment {
    /// Enrollment id (base64url of 16 random bytes).
    pub id: String,
    /// The one-time secret (32 random bytes) carried by the link.
    pub secret: Secret,
    /// The user being enrolled.
    pub user: String,
    /// Created at (unix seconds).
    pub created_at: i64,
    /// Expires at (unix seconds).
    pub expires_at: i64,
    /// The manual activation code value, when one was made.
    pub code: Option<String>,
    /// Set once a device registered with it.
    pub used: bool,
}

/// A registered device (one account id per device).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRecord {
    /// Account id (audience of this device's requests).
    pub account_id: String,
    /// Enrollment it came from.
    pub enrollment_id: String,
    /// The user.
    pub user: String,
    /// Device key algorithm (wire name).
    pub alg: String,
    /// Device public key (wire form).
    pub public_key: Vec<u8>,
    /// Answer key (ES256, wire form): the only key answers are taken from. `None` for devices
    /// registered without one, whose answers the device key signs. Never replaced: a device
    /// key rotation keeps it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_key: Option<Vec<u8>>,
    /// Device name.
    pub name: String,
    /// Platform.
    pub platform: String,
    /// Keystore kind.
    pub keystore: String,
    /// Registered at (server unix seconds).
    pub registered_at: i64,
    /// Phone time minus server time at registration, as the phone stated it (seconds).
    pub clock_offset_secs: i64,
}

/// What the application knows about the sign-in, shown on the phone.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignInContext {
    /// Who is signing in.
    pub user: String,
    /// Service or application.
    pub service: String,
    /// Client IP address.
    pub ip: Option<String>,
    /// Approximate location.
    pub location: Option<String>,
    /// Browser / device.
    pub client: Option<String>,
}

/// Number matching mode of a sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    /// The user types the number shown on the sign-in screen (the phone never learns it).
    Type {
        /// Digits (2..=6).
        digits: u8,
    },
    /// The user picks the shown number from `choices` numbers.
    Pick {
        /// Digits (2..=6).
        digits: u8,
        /// Number of choices (2..=9).
        choices: u8,
    },
    /// No number matching (weaker; the phone says so).
    None,
}

/// Where a sign-in stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInStatus {
    /// Waiting for an answer.
    Pending,
    /// Approved with the right number.
    Approved,
    /// Denied; `not_me` reports fraud.
    Denied(DenyReason),
    /// Closed by a wrong or missing number.
    Failed,
    /// Expired unanswered.
    Expired,
}

impl SignInStatus {
    /// The poll-response status string.
    pub fn wire_name(self) -> &'static str {
        match self {
            SignInStatus::Pending => "pending",
            SignInStatus::Approved => "approved",
            SignInStatus::Denied(_) => "denied",
            SignInStatus::Failed => "failed",
            SignInStatus::Expired => "expired",
        }
    }
}

/// The request one device was sent for a sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedRequest {
    /// The device's account id.
    pub account_id: String,
    /// The envelope bytes sent (the same bytes on every delivery).
    pub body: Vec<u8>,
    /// SHA-256 of the payload bytes (what the answer's `rh` must equal).
    pub request_hash: [u8; 32],
}

/// One sign-in: one challenge, sent to every device of the user; first valid answer wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignIn {
    /// Challenge id (base64url of 16 random bytes).
    pub challenge_id: String,
    /// The user.
    pub user: String,
    /// Issued at.
    pub issued_at: i64,
    /// Expires at.
    pub expires_at: i64,
    /// Number matching mode.
    pub mode: MatchMode,
    /// The number to show on the sign-in screen (`None` without number matching).
    pub number: Option<u32>,
    /// The choices sent for `pick`.
    pub choices: Vec<u32>,
    /// Per-device requests.
    pub issued: Vec<IssuedRequest>,
    /// Current status.
    pub status: SignInStatus,
    /// The account id whose answer closed it.
    pub answered_by: Option<String>,
}

impl SignIn {
    /// The request body for the device with `account_id`, if it was sent one.
    pub fn request_for(&self, account_id: &str) -> Option<&IssuedRequest> {
        self.issued.iter().find(|i| i.account_id == account_id)
    }

    /// Marks an unanswered sign-in expired once `now` passed its expiry; returns the status.
    pub fn refresh(&mut self, now: i64) -> SignInStatus {
        if self.status == SignInStatus::Pending && now > self.expires_at {
            self.status = SignInStatus::Expired;
        }
        self.status
    }
}

/// An accepted answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerOutcome {
    /// Approved (with the right number when number matching was on).
    Approved,
    /// Denied with this reason.
    Denied(DenyReason),
}

/// A verified signed device call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceCall {
    /// Signed poll: answer with [`Verifier::poll_response`].
    Poll {
        /// The server public key the phone trusts (a rotation is repeated until it is the
        /// current one).
        trusted_key: Vec<u8>,
    },
    /// Push token registration.
    PushToken {
        /// `fcm` or `apns`.
        provider: String,
        /// The token.
        token: String,
    },
    /// The device asks to be removed.
    Unenroll,
}

fn head_err(e: HeadError) -> VerifierError {
    match e {
        HeadError::Malformed => VerifierError::Malformed,
        HeadError::Version => VerifierError::UnknownVersion,
        HeadError::Type => VerifierError::WrongType,
    }
}

fn push_sig_err(_: duet_core::push::PushError) -> VerifierError {
    VerifierError::BadSignature
}

fn device_alg(device: &DeviceRecord) -> Result<SignatureAlgorithm, VerifierError> {
    SignatureAlgorithm::from_wire_name(&device.alg).ok_or(VerifierError::Algorithm)
}

/// Verifies a device signature (wire form) over `msg` with `device`'s registered key. Every
/// device-signed message the verifier accepts goes through here.
pub fn verify_device_signature(device: &DeviceRecord, msg: &[u8], sig: &[u8]) -> Result<(), VerifierError> {
    verify_signature(device_alg(device)?, &device.public_key, msg, sig).map_err(push_sig_err)
}

/// Opens an envelope from a device: shape, head, signature by the device key.
fn open_device(body: &[u8], typ: &str, device: &DeviceRecord) -> Result<Envelope, VerifierError> {
    let env = Envelope::parse(body).ok_or(VerifierError::Malformed)?;
    check_head(&env.payload, typ).map_err(head_err)?;
    verify_device_signature(device, &env.payload, &env.sig)?;
    Ok(env)
}

/// Opens an answer: shape, head, signature by the device's answer key (its device key when it
/// registered none). A device key's signature on the answer of a device with an answer key is
/// told apart, so an app that signs with the wrong key learns which one is wanted.
fn open_answer(body: &[u8], device: &DeviceRecord) -> Result<Envelope, VerifierError> {
    let Some(answer_key) = &device.answer_key else { return open_device(body, TYP_ANSWER, device) };
    let env = Envelope::parse(body).ok_or(VerifierError::Malformed)?;
    check_head(&env.payload, TYP_ANSWER).map_err(head_err)?;
    if verify_signature(SignatureAlgorithm::EcdsaP256Sha256, answer_key, &env.payload, &env.sig).is_ok() {
        return Ok(env);
    }
    Err(match verify_device_signature(device, &env.payload, &env.sig) {
        Ok(()) => VerifierError::AnswerKeyRequired,
        Err(e) => e,
    })
}

fn random_id(rng: &dyn SecureRandom, n: usize) -> Result<String, VerifierError> {
    let mut b = vec![0u8; n];
    rng.fill(&mut b).map_err(|_| VerifierError::Random)?;
    Ok(b64u(&b))
}

/// A uniform number in `lo..=hi` (rejection sampling, no modulo bias).
fn random_in(rng: &dyn SecureRandom, lo: u32, hi: u32) -> Result<u32, VerifierError> {
    let span = hi - lo + 1;
    let zone = u32::MAX - (u32::MAX % span);
    loop {
        let mut b = [0u8; 4];
        rng.fill(&mut b).map_err(|_| VerifierError::Random)?;
        let v = u32::from_le_bytes(b);
        if v < zone {
            return Ok(lo + v % span);
        }
    }
}

fn text_ok(s: &str) -> bool {
    duet_core::push::text::is_display_text(s)
}

fn to_json<T: Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

/// The server side of the protocol for one server key, URL and issuer.
#[derive(Debug)]
pub struct Verifier {
    key: ServerKey,
    url: String,
    issuer: String,
}

impl Verifier {
    /// `url` is the base URL phones call (`https://mfa.example.com`, no trailing slash);
    /// `issuer` the organisation name shown on phones.
    pub fn new(key: ServerKey, url: &str, issuer: &str) -> Result<Self, VerifierError> {
        check_server_url(url).map_err(|_| VerifierError::Input("url"))?;
        if issuer.is_empty() || !text_ok(issuer) {
            return Err(VerifierError::Input("issuer"));
        }
        Ok(Verifier { key, url: url.to_string(), issuer: issuer.to_string() })
    }

    /// The server key.
    pub fn key(&self) -> &ServerKey {
        &self.key
    }

    /// The server's public key (uncompressed SEC1).
    pub fn server_public_key(&self) -> Vec<u8> {
        self.key.public_key()
    }

    /// Creates a one-time enrollment for `user`, valid `ttl_secs`, optionally with a manual code.
    pub fn create_enrollment(
        &self,
        user: &str,
        ttl_secs: i64,
        with_code: bool,
        now: i64,
        rng: &dyn SecureRandom,
    ) -> Result<Enrollment, VerifierError> {
        if user.is_empty() || !text_ok(user) {
            return Err(VerifierError::Input("user"));
        }
        if !(60..=7 * 86400).contains(&ttl_secs) {
            return Err(VerifierError::Input("ttl"));
        }
        let mut secret = vec![0u8; 32];
        rng.fill(&mut secret).map_err(|_| VerifierError::Random)?;
        let code = if with_code {
            Some(ManualCode::generate(&self.url, rng).map_err(|_| VerifierError::Random)?.value)
        } else {
            None
        };
        Ok(Enrollment {
            id: random_id(rng, 16)?,
            secret: Secret::new(secret),
            user: user.to_string(),
            created_at: now,
            expires_at: now + ttl_secs,
            code,
            used: false,
        })
    }

    /// The enrollment link for `e` (`to_duet_uri` for the QR code, `to_https_uri` to tap).
    pub fn enrollment_link(&self, e: &Enrollment) -> EnrollmentLink {
        EnrollmentLink {
            url: self.url.clone(),
            enrollment_id: e.id.clone(),
            secret: e.secret.clone(),
            server_key: self.server_public_key(),
            issuer: self.issuer.clone(),
            user: e.user.clone(),
            expires_at: e.expires_at,
            trust: EnrollmentTrust::Link,
        }
    }

    /// The manual activation code for `e`, if it has one.
    pub fn manual_code(&self, e: &Enrollment) -> Option<ManualCode> {
        e.code.as_ref().map(|v| ManualCode { server: duet_core::push::code::server_of(&self.url), value: v.clone() })
    }

    /// The body of `GET /duet/v1/enrollment/{code}`: `{"link":"duet://enroll?…"}`. The caller
    /// looks `e` up by code (constant-time compare, rate-limited) and checks it is unused and
    /// unexpired first.
    pub fn enrollment_lookup_response(&self, e: &Enrollment, now: i64) -> Result<Vec<u8>, VerifierError> {
        if e.used {
            return Err(VerifierError::EnrollmentUsed);
        }
        if now >= e.expires_at {
            return Err(VerifierError::EnrollmentExpired);
        }
        Ok(to_json(&serde_json::json!({ "link": self.enrollment_link(e).to_duet_uri() })))
    }

    /// Verifies a registration (`POST /duet/v1/register`) for enrollment `e` (looked up by the
    /// body's `eid`, see [`registration_lookup`]), marks `e` used, and returns the new
    /// device and the signed answer. `otp_uri` optionally hands the phone an offline passcode,
    /// sealed (HPKE) to the registration's agreement key `ek`.
    pub fn register(
        &self,
        e: &mut Enrollment,
        body: &[u8],
        now: i64,
        rng: &dyn SecureRandom,
        otp_uri: Option<&Secret>,
    ) -> Result<(DeviceRecord, Vec<u8>), VerifierError> {
        let env = Envelope::parse(body).ok_or(VerifierError::Malformed)?;
        if env.sig_new.is_some() {
            return Err(VerifierError::Malformed);
        }
        check_head(&env.payload, TYP_REGISTER).map_err(head_err)?;
        let p: RegisterPayload = serde_json::from_slice(&env.payload).map_err(|_| VerifierError::Malformed)?;
        let alg = SignatureAlgorithm::from_wire_name(&p.alg).ok_or(VerifierError::Algorithm)?;
        let dk = b64u_decode(&p.dk).ok_or(VerifierError::Malformed)?;
        let norm = normalize_public_key(alg, &dk).map_err(|_| VerifierError::KeyInvalid)?;
        if norm != dk {
            return Err(VerifierError::KeyInvalid);
        }
        let answer_key = p.ak.as_deref().map(|ak| answer_key_of(ak, &dk)).transpose()?;
        let ek = b64u_decode(&p.ek).ok_or(VerifierError::Malformed)?;
        agreement::check_public_key(&ek).map_err(|_| VerifierError::KeyInvalid)?;
        verify_signature(alg, &dk, &env.payload, &env.sig).map_err(push_sig_err)?;
        if p.eid != e.id {
            return Err(VerifierError::EnrollmentUnknown);
        }
        // The answer is signed by the key the phone trusts: the caller picks this verifier by
        // the registration's `sk` ([`registration_lookup`]).
        if b64u_decode(&p.sk).as_deref() != Some(&self.server_public_key()[..]) {
            return Err(VerifierError::ServerKeyUnknown);
        }
        let proof = b64u_decode(&p.proof).ok_or(VerifierError::Malformed)?;
        let mac_key = hmac::Key::new(hmac::HMAC_SHA256, e.secret.expose());
        hmac::verify(&mac_key, &registration_proof_input(&p.eid, &p.dk), &proof)
            .map_err(|_| VerifierError::EnrollmentProof)?;
        if e.used {
            return Err(VerifierError::EnrollmentUsed);
        }
        if now >= e.expires_at {
            return Err(VerifierError::EnrollmentExpired);
        }
        if !device_description_ok(&p.name, &p.platform, &p.keystore) || !time_ok(p.ts) {
            return Err(VerifierError::Malformed);
        }
        let aid = random_id(rng, 16)?;
        let (otp_enc, otp_ct) = match otp_uri {
            Some(uri) => {
                let (enc, ct) = seal_offline_secret(&ek, &offline_secret_info(&e.id, &aid), &p.dk, uri, rng)?;
                (Some(enc), Some(ct))
            }
            None => (None, None),
        };
        let answer = RegisteredPayload {
            v: 1,
            typ: TYP_REGISTERED.into(),
            eid: e.id.clone(),
            aid: aid.clone(),
            dk: p.dk.clone(),
            iat: now,
            otp_enc,
            otp_ct,
        };
        let response = self.key.sign_envelope(to_json(&answer))?;
        e.used = true;
        Ok((
            DeviceRecord {
                account_id: aid,
                enrollment_id: e.id.clone(),
                user: e.user.clone(),
                alg: p.alg,
                public_key: dk,
                answer_key,
                name: p.name,
                platform: p.platform,
                keystore: p.keystore,
                registered_at: now,
                clock_offset_secs: p.ts.saturating_sub(now),
            },
            response,
        ))
    }

    /// Starts a sign-in for the user's `devices`: one challenge id, one signed request per
    /// device. Show `number` on the sign-in screen.
    pub fn create_sign_in(
        &self,
        devices: &[DeviceRecord],
        ctx: &SignInContext,
        mode: MatchMode,
        ttl_secs: i64,
        now: i64,
        rng: &dyn SecureRandom,
    ) -> Result<SignIn, VerifierError> {
        if devices.is_empty() {
            return Err(VerifierError::Input("no devices"));
        }
        if ctx.user.is_empty() || ctx.service.is_empty() {
            return Err(VerifierError::Input("user and service"));
        }
        let texts = [Some(&ctx.user), Some(&ctx.service), ctx.ip.as_ref(), ctx.location.as_ref(), ctx.client.as_ref()];
        if !texts.iter().flatten().all(|t| text_ok(t)) {
            return Err(VerifierError::Input("context text"));
        }
        if !(10..=MAX_SIGN_IN_TTL_SECS).contains(&ttl_secs) {
            return Err(VerifierError::Input("ttl"));
        }
        let (number, choices, digits, match_mode) = match mode {
            MatchMode::None => (None, vec![], None, "none"),
            MatchMode::Type { digits } | MatchMode::Pick { digits, .. } => {
                if !(2..=6).contains(&digits) {
                    return Err(VerifierError::Input("digits"));
                }
                let (lo, hi) = digit_range(digits);
                let n = random_in(rng, lo, hi)?;
                match mode {
                    MatchMode::Pick { choices: k, .. } => {
                        if !(2..=9).contains(&k) {
                            return Err(VerifierError::Input("choices"));
                        }
                        let mut cs = vec![n];
                        while cs.len() < usize::from(k) {
                            let c = random_in(rng, lo, hi)?;
                            if !cs.contains(&c) {
                                cs.push(c);
                            }
                        }
                        // Put the right number at a random position.
                        let pos = random_in(rng, 0, u32::from(k) - 1)? as usize;
                        cs.swap(0, pos);
                        (Some(n), cs, Some(digits), "pick")
                    }
                    _ => (Some(n), vec![], Some(digits), "type"),
                }
            }
        };
        let cid = random_id(rng, 16)?;
        let expires_at = now + ttl_secs;
        let mut issued = Vec::with_capacity(devices.len());
        for d in devices {
            let payload = to_json(&RequestPayload {
                v: 1,
                typ: TYP_REQUEST.into(),
                cid: cid.clone(),
                aid: d.account_id.clone(),
                iat: now,
                exp: expires_at,
                user: ctx.user.clone(),
                service: ctx.service.clone(),
                ip: ctx.ip.clone(),
                loc: ctx.location.clone(),
                client: ctx.client.clone(),
                match_mode: match_mode.into(),
                digits,
                choices: if choices.is_empty() { None } else { Some(choices.clone()) },
            });
            let request_hash = sha256(&payload);
            issued.push(IssuedRequest { account_id: d.account_id.clone(), body: self.key.sign_envelope(payload)?, request_hash });
        }
        Ok(SignIn {
            challenge_id: cid,
            user: ctx.user.clone(),
            issued_at: now,
            expires_at,
            mode,
            number,
            choices,
            issued,
            status: SignInStatus::Pending,
            answered_by: None,
        })
    }

    /// Verifies an answer (`POST /duet/v1/answer`) from `device` to `sign_in` and updates its
    /// status. Accepted once, before expiry, bound to the exact request bytes this device was
    /// sent; a wrong or missing number closes the sign-in as failed (no second try).
    pub fn verify_answer(
        &self,
        sign_in: &mut SignIn,
        device: &DeviceRecord,
        body: &[u8],
        now: i64,
    ) -> Result<AnswerOutcome, VerifierError> {
        let env = open_answer(body, device)?;
        if env.sig_new.is_some() {
            return Err(VerifierError::Malformed);
        }
        let a: AnswerPayload = serde_json::from_slice(&env.payload).map_err(|_| VerifierError::Malformed)?;
        if a.aid != device.account_id {
            return Err(VerifierError::WrongAccount);
        }
        let issued = sign_in.request_for(&device.account_id).ok_or(VerifierError::WrongAccount)?;
        if a.cid != sign_in.challenge_id || b64u_decode(&a.rh).as_deref() != Some(&issued.request_hash[..]) {
            return Err(VerifierError::WrongRequest);
        }
        let decision = match (a.decision.as_str(), a.reason.as_deref()) {
            ("deny", Some(r)) => Some(DenyReason::from_wire_name(r).ok_or(VerifierError::Malformed)?),
            ("approve", None) => None,
            _ => return Err(VerifierError::Malformed),
        };
        if sign_in.refresh(now) == SignInStatus::Expired {
            return Err(VerifierError::Expired);
        }
        if sign_in.status != SignInStatus::Pending {
            return Err(VerifierError::AlreadyAnswered);
        }
        sign_in.answered_by = Some(device.account_id.clone());
        if let Some(reason) = decision {
            // A deny needs no number: the user must be able to refuse without reading the screen.
            if a.number.is_some() {
                sign_in.status = SignInStatus::Failed;
                return Err(VerifierError::Malformed);
            }
            sign_in.status = SignInStatus::Denied(reason);
            return Ok(AnswerOutcome::Denied(reason));
        }
        match (sign_in.number, a.number) {
            (None, None) => {}
            (Some(want), Some(got)) if want == got => {}
            (Some(_), Some(_)) => {
                sign_in.status = SignInStatus::Failed;
                return Err(VerifierError::WrongNumber);
            }
            _ => {
                sign_in.status = SignInStatus::Failed;
                return Err(VerifierError::NumberMissing);
            }
        }
        sign_in.status = SignInStatus::Approved;
        Ok(AnswerOutcome::Approved)
    }

    /// Verifies a signed poll, push-token registration or unenrollment from `device`.
    /// Replays inside the time window are harmless (idempotent calls), so no nonce is kept.
    pub fn verify_device_call(&self, device: &DeviceRecord, body: &[u8], now: i64) -> Result<DeviceCall, VerifierError> {
        #[derive(Deserialize)]
        struct Typ {
            typ: String,
        }
        let env = Envelope::parse(body).ok_or(VerifierError::Malformed)?;
        // Which of the three calls it is decides only which head to check; nothing is trusted
        // before the signature.
        let typ = serde_json::from_slice::<Typ>(&env.payload).map(|t| t.typ).unwrap_or_default();
        let typ = [TYP_POLL, TYP_PUSH_TOKEN, TYP_UNENROLL].into_iter().find(|t| *t == typ).unwrap_or(TYP_POLL);
        let env = open_device(body, typ, device)?;
        if env.sig_new.is_some() {
            return Err(VerifierError::Malformed);
        }
        let head: DeviceCallPayload = serde_json::from_slice(&env.payload).map_err(|_| VerifierError::Malformed)?;
        if head.aid != device.account_id {
            return Err(VerifierError::WrongAccount);
        }
        if !time_ok(head.ts) || head.ts.abs_diff(now) > DEVICE_CALL_WINDOW_SECS.unsigned_abs() {
            return Err(VerifierError::Stale);
        }
        match (typ, head.provider, head.token, head.sk) {
            (TYP_POLL, None, None, Some(sk)) => {
                let key = b64u_decode(&sk).ok_or(VerifierError::Malformed)?;
                let trusted_key = normalize_public_key(SignatureAlgorithm::EcdsaP256Sha256, &key)
                    .map_err(|_| VerifierError::KeyInvalid)?;
                Ok(DeviceCall::Poll { trusted_key })
            }
            (TYP_UNENROLL, None, None, None) => Ok(DeviceCall::Unenroll),
            (TYP_PUSH_TOKEN, Some(p), Some(t), None) if (p == "fcm" || p == "apns") && push_token_ok(&t) =>
            {
                Ok(DeviceCall::PushToken { provider: p, token: t })
            }
            _ => Err(VerifierError::Malformed),
        }
    }

    /// Verifies a device key rotation (`POST /duet/v1/rotate-key`): signed by the registered key
    /// and by the new key. Returns the device record with the new key, for the caller to store.
    pub fn verify_device_key_rotation(&self, device: &DeviceRecord, body: &[u8], now: i64) -> Result<DeviceRecord, VerifierError> {
        let env = open_device(body, TYP_ROTATE_DEVICE_KEY, device)?;
        let sig_new = env.sig_new.as_ref().ok_or(VerifierError::Malformed)?;
        let p: RotateDeviceKeyPayload = serde_json::from_slice(&env.payload).map_err(|_| VerifierError::Malformed)?;
        if p.aid != device.account_id {
            return Err(VerifierError::WrongAccount);
        }
        let alg = SignatureAlgorithm::from_wire_name(&p.alg).ok_or(VerifierError::Algorithm)?;
        let dk = b64u_decode(&p.dk).ok_or(VerifierError::Malformed)?;
        if normalize_public_key(alg, &dk).map_err(|_| VerifierError::KeyInvalid)? != dk {
            return Err(VerifierError::KeyInvalid);
        }
        verify_signature(alg, &dk, &env.payload, sig_new).map_err(push_sig_err)?;
        if !time_ok(p.ts) || p.ts.abs_diff(now) > DEVICE_CALL_WINDOW_SECS.unsigned_abs() {
            return Err(VerifierError::Stale);
        }
        Ok(DeviceRecord { alg: p.alg, public_key: dk, ..device.clone() })
    }

    /// The rotation message telling `device` about `new_public_key`, signed by this (old) key.
    /// Include it in poll responses until the device's next poll is verified... after which the
    /// server signs with the new key (build a new [`Verifier`] with it).
    pub fn server_key_rotation(&self, device: &DeviceRecord, new_public_key: &[u8], now: i64) -> Result<Vec<u8>, VerifierError> {
        let sk = normalize_public_key(SignatureAlgorithm::EcdsaP256Sha256, new_public_key)
            .map_err(|_| VerifierError::KeyInvalid)?;
        self.key.sign_envelope(to_json(&RotateServerKeyPayload {
            v: 1,
            typ: TYP_ROTATE_SERVER_KEY.into(),
            aid: device.account_id.clone(),
            sk: b64u(&sk),
            iat: now,
        }))
    }

    /// The body answering a verified poll from `device`: its pending requests (exact bytes as
    /// issued), the sign-ins closed since (`answered_elsewhere` when another device answered),
    /// and an optional key rotation envelope.
    pub fn poll_response<'a>(
        device: &DeviceRecord,
        sign_ins: impl IntoIterator<Item = &'a SignIn>,
        rotation: Option<&[u8]>,
        now: i64,
    ) -> Vec<u8> {
        let mut resp = PollResponse::default();
        for s in sign_ins {
            let Some(issued) = s.request_for(&device.account_id) else { continue };
            let status = if s.status == SignInStatus::Pending && now > s.expires_at { SignInStatus::Expired } else { s.status };
            if status == SignInStatus::Pending {
                if let Some(env) = Envelope::parse(&issued.body) {
                    resp.requests.push(env.to_json());
                }
            } else {
                let elsewhere = s.answered_by.as_deref().is_some_and(|a| a != device.account_id);
                let st = if elsewhere { "answered_elsewhere" } else { status.wire_name() };
                resp.closed.push(ClosedRequest { cid: s.challenge_id.clone(), status: st.into() });
            }
        }
        resp.rotation = rotation.and_then(|r| serde_json::from_slice::<EnvelopeJson>(r).ok());
        to_json(&resp)
    }
}

/// A registration's answer key `ak`: an ES256 public key in the form of §2, not the device key
/// `dk` (one key for both would let a background call sign answers).
fn answer_key_of(ak: &str, dk: &[u8]) -> Result<Vec<u8>, VerifierError> {
    let ak = b64u_decode(ak).ok_or(VerifierError::Malformed)?;
    let norm = normalize_public_key(SignatureAlgorithm::EcdsaP256Sha256, &ak).map_err(|_| VerifierError::KeyInvalid)?;
    if norm != ak || ak == dk {
        return Err(VerifierError::KeyInvalid);
    }
    Ok(ak)
}

/// The enrollment id and the trusted server key a registration body names, so the server can
/// look the enrollment and its signing key up before calling [`Verifier::register`].
/// Unverified: use them only as lookup keys.
pub fn registration_lookup(body: &[u8]) -> Result<RegistrationLookup, VerifierError> {
    let env = Envelope::parse(body).ok_or(VerifierError::Malformed)?;
    check_head(&env.payload, TYP_REGISTER).map_err(head_err)?;
    let p: RegisterPayload = serde_json::from_slice(&env.payload).map_err(|_| VerifierError::Malformed)?;
    let server_key = b64u_decode(&p.sk).ok_or(VerifierError::Malformed)?;
    Ok(RegistrationLookup { enrollment_id: p.eid, server_key })
}

/// What a registration names to look up before it is verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationLookup {
    /// The enrollment.
    pub enrollment_id: String,
    /// The server public key the phone trusts (the answer is signed with it).
    pub server_key: Vec<u8>,
}

/// The account id a device message names (answer, poll, push token, unenroll, rotation), so the
/// server can look the device up before verifying. Unverified: use it only as a lookup key.
pub fn device_message_account_id(body: &[u8]) -> Result<String, VerifierError> {
    #[derive(Deserialize)]
    struct Aid {
        aid: String,
    }
    let env = Envelope::parse(body).ok_or(VerifierError::Malformed)?;
    let a: Aid = serde_json::from_slice(&env.payload).map_err(|_| VerifierError::Malformed)?;
    Ok(a.aid)
}

/// The challenge id an answer names (lookup key, unverified: the answer is checked in full,
/// signature first, by [`Verifier::verify_answer`]).
pub fn answer_challenge_id(body: &[u8]) -> Result<String, VerifierError> {
    #[derive(Deserialize)]
    struct Cid {
        cid: String,
    }
    let env = Envelope::parse(body).ok_or(VerifierError::Malformed)?;
    let c: Cid = serde_json::from_slice(&env.payload).map_err(|_| VerifierError::Malformed)?;
    Ok(c.cid)
}
