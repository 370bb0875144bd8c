//! duet push protocol, phone side: enrollment links and manual codes, registration, polling,
//! verifying requests, approving and denying, push tokens, key rotation and unenrollment. The
//! core builds and checks every signed body; the app sends each [`PushCall`] through its
//! [`HttpTransport`] with [`push_send`] (or with its own code to `url`) and passes the answer back.

use std::sync::Arc;

use duet_core::push as core;
use duet_core::push::endpoints;
use duet_core::transport::{Endpoint, HttpRequest, HttpTransport as _};

use crate::clock::{Clock, unix_now_i64};
use crate::error::DuetError;
use crate::http::{AppTransport, HttpTransport};

/// The device key's algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum SignerAlgorithm {
    /// ECDSA P-256 with SHA-256. Public key: uncompressed SEC1 (65 bytes) or SPKI DER;
    /// signature: DER (Android Keystore, iOS) or raw `r||s` (64 bytes). duet push keys.
    EcdsaP256Sha256,
    /// RSA PKCS#1 v1.5 with SHA-256 (`SHA256withRSA`). Public key: SPKI DER; signature: the
    /// plain modulus-length value. privacyIDEA push keys only (4096 bits, as privacyIDEA's app).
    RsaPkcs1Sha256,
}

/// A device key the app holds (Android Keystore/StrongBox, iOS Secure Enclave).
///
/// `sign` hashes `message` itself (SHA256withECDSA). To report a cancelled biometric prompt or
/// a lost key, throw `DuetError.Callback` with code `E_PUSH_SIGNER_CANCELLED` or
/// `E_PUSH_SIGNER_UNAVAILABLE`; anything else becomes `E_PUSH_SIGNER_FAILED`.
#[uniffi::export(with_foreign)]
pub trait DeviceSigner: Send + Sync {
    /// The key's algorithm.
    fn algorithm(&self) -> SignerAlgorithm;
    /// The public key (uncompressed SEC1 or SPKI DER).
    fn public_key(&self) -> Vec<u8>;
    /// Signs `message`.
    fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, DuetError>;
}

/// Adapts an app signer to the core's trait.
pub(crate) struct AppSigner(pub(crate) Arc<dyn DeviceSigner>);

impl core::DeviceSigner for AppSigner {
    fn algorithm(&self) -> core::SignatureAlgorithm {
        match self.0.algorithm() {
            SignerAlgorithm::EcdsaP256Sha256 => core::SignatureAlgorithm::EcdsaP256Sha256,
            SignerAlgorithm::RsaPkcs1Sha256 => core::SignatureAlgorithm::RsaPkcs1Sha256,
        }
    }
    fn public_key(&self) -> Vec<u8> {
        self.0.public_key()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, core::SignerError> {
        self.0.sign(msg.to_vec()).map_err(|e| match e.code() {
            "E_PUSH_SIGNER_CANCELLED" => core::SignerError::Cancelled,
            "E_PUSH_SIGNER_UNAVAILABLE" => core::SignerError::KeyUnavailable,
            _ => core::SignerError::Failed(e.reason().to_string()),
        })
    }
}

/// A body to POST (or, with an empty body, a URL to GET) and where.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PushCall {
    /// Full URL: the server base URL plus the endpoint of docs/protocol.md.
    pub url: String,
    /// The exact bytes to send (`application/json`); empty for a GET.
    pub body: Vec<u8>,
}

/// The one call builder: `body` for the core's endpoint `path` on the server at `base`, after
/// the https policy accepted the URL.
fn call(base: &str, path: &str, body: Vec<u8>) -> Result<PushCall, DuetError> {
    let request = endpoints::post(base, path, body)?;
    Ok(PushCall { url: request.url, body: request.body })
}

/// Sends a call through the app's transport and returns the server's answer body (to pass to
/// `finishRegistration`, `pushParsePoll`, ...).
///
/// Errors: `DuetError.Transport` (`E_TRANSPORT_...`: policy or network), `DuetError.Push`
/// `E_PUSH_SERVER` when the server refused the call.
#[uniffi::export]
pub fn push_send(transport: Arc<dyn HttpTransport>, call: PushCall) -> Result<Vec<u8>, DuetError> {
    let endpoint = Endpoint::parse(&call.url, true)?;
    let request = if call.body.is_empty() { HttpRequest::get(&endpoint, &[]) } else { HttpRequest::post_json(&endpoint, call.body) };
    let response = AppTransport(transport).send(&request)?;
    Ok(endpoints::response_body(&response)?)
}

/// This phone as the registration describes it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct DeviceInfo {
    /// Name the user recognises ("Alice's Pixel").
    pub name: String,
    /// `android`, `ios`, `cli` or `other`.
    pub platform: String,
    /// `strongbox`, `tee`, `secure_enclave` or `software`.
    pub keystore: String,
}

/// A registered push account as the app stores it (no secrets).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PushAccount {
    /// Account id the server assigned.
    pub account_id: String,
    /// Server base URL.
    pub url: String,
    /// The server's public key (uncompressed SEC1).
    pub server_key: Vec<u8>,
    /// Issuer shown to the user.
    pub issuer: String,
    /// User name.
    pub user: String,
    /// Device key algorithm (wire name, `ES256`).
    pub device_alg: String,
    /// Device public key as registered.
    pub device_key: Vec<u8>,
    /// Enrolled with a manual code (server key fetched over TLS) rather than a QR code.
    pub via_manual_code: bool,
}

impl From<core::PushAccount> for PushAccount {
    fn from(a: core::PushAccount) -> Self {
        PushAccount {
            account_id: a.account_id,
            url: a.url,
            server_key: a.server_key,
            issuer: a.issuer,
            user: a.user,
            device_alg: a.device_alg,
            device_key: a.device_key,
            via_manual_code: a.via_manual_code,
        }
    }
}

impl From<PushAccount> for core::PushAccount {
    fn from(a: PushAccount) -> Self {
        core::PushAccount {
            account_id: a.account_id,
            url: a.url,
            server_key: a.server_key,
            issuer: a.issuer,
            user: a.user,
            device_alg: a.device_alg,
            device_key: a.device_key,
            via_manual_code: a.via_manual_code,
        }
    }
}

/// A scanned or typed enrollment link (`duet://enroll?...` or its https form).
#[derive(uniffi::Object)]
pub struct EnrollmentLink {
    inner: core::EnrollmentLink,
}

/// An activation code typed by the user (`mfa.example.com-ABCD...`), for phones that cannot scan.
#[derive(uniffi::Object)]
pub struct ManualCode {
    inner: core::ManualCode,
}

#[uniffi::export]
impl ManualCode {
    /// Checks the code's form and check character.
    ///
    /// Errors: `E_PUSH_CODE_FORMAT`, `E_PUSH_CODE_CHECK`.
    #[uniffi::constructor]
    pub fn parse(text: String) -> Result<Arc<Self>, DuetError> {
        Ok(Arc::new(ManualCode { inner: core::ManualCode::parse(&text)? }))
    }

    /// The code as shown to the user (grouped).
    pub fn display(&self) -> String {
        self.inner.display()
    }

    /// The lookup to GET (empty body); its answer goes to [`EnrollmentLink::from_lookup`].
    pub fn lookup(&self) -> PushCall {
        PushCall { url: self.inner.lookup_url(), body: Vec::new() }
    }
}

#[uniffi::export]
impl EnrollmentLink {
    /// The enrollment a manual code's lookup returned (server host must match the code's).
    #[uniffi::constructor]
    pub fn from_lookup(code: Arc<ManualCode>, response: Vec<u8>, clock: Arc<dyn Clock>) -> Result<Arc<Self>, DuetError> {
        let now = unix_now_i64(clock.as_ref())?;
        Ok(Arc::new(EnrollmentLink { inner: core::parse_enrollment_lookup(&code.inner, &response, now)? }))
    }

    /// Enrolled by a typed activation code rather than a scanned QR code.
    pub fn via_manual_code(&self) -> bool {
        self.inner.trust == core::EnrollmentTrust::ManualCode
    }

    /// Parses and checks a link (signature-free parts, expiry against `clock`).
    ///
    /// Errors: `DuetError.Push` (`E_PUSH_...`).
    #[uniffi::constructor]
    pub fn parse(text: String, clock: Arc<dyn Clock>) -> Result<Arc<Self>, DuetError> {
        let now = unix_now_i64(clock.as_ref())?;
        Ok(Arc::new(EnrollmentLink { inner: core::EnrollmentLink::parse(&text, now)? }))
    }

    /// Organisation shown to the user.
    pub fn issuer(&self) -> String {
        self.inner.issuer.clone()
    }

    /// User being enrolled.
    pub fn user(&self) -> String {
        self.inner.user.clone()
    }

    /// Server base URL.
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// Expiry (server unix seconds).
    pub fn expires_at(&self) -> i64 {
        self.inner.expires_at
    }

    /// Fingerprint of the server key, for the user to compare with the enrollment page.
    pub fn server_key_fingerprint(&self) -> String {
        self.inner.server_key_fingerprint()
    }

    /// The registration to POST, signed by `signer`.
    pub fn registration(
        &self,
        signer: Arc<dyn DeviceSigner>,
        device: DeviceInfo,
        clock: Arc<dyn Clock>,
    ) -> Result<PushCall, DuetError> {
        let now = unix_now_i64(clock.as_ref())?;
        let info = core::DeviceInfo { name: device.name, platform: device.platform, keystore: device.keystore };
        let body = core::build_registration(&self.inner, &AppSigner(signer), &info, now)?;
        call(&self.inner.url, endpoints::REGISTER, body)
    }

    /// Checks the server's answer to the registration; gives the account to store.
    pub fn finish_registration(
        &self,
        signer: Arc<dyn DeviceSigner>,
        response: Vec<u8>,
        clock: Arc<dyn Clock>,
    ) -> Result<PushRegistration, DuetError> {
        let now = unix_now_i64(clock.as_ref())?;
        let r = core::finish_registration(&self.inner, &AppSigner(signer), &response, now)?;
        Ok(PushRegistration { account: r.account.into(), otp_uri: r.otp_uri, clock_offset_secs: r.clock_offset_secs })
    }
}

/// A finished registration.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PushRegistration {
    /// The account to store.
    pub account: PushAccount,
    /// An `otpauth://` URI for offline passcodes, when the server sent one.
    pub otp_uri: Option<String>,
    /// Server minus phone time (seconds).
    pub clock_offset_secs: i64,
}

/// How the user proves they see the sign-in screen.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum NumberMatching {
    /// Type the number shown on the sign-in screen.
    TypeShown {
        /// Digits to ask for.
        digits: u8,
    },
    /// Pick the number shown from these choices.
    Pick {
        /// Choices in display order.
        choices: Vec<String>,
    },
    /// No number matching (weaker; the app labels it).
    None,
}

/// Which push protocol a request came by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum PushProtocol {
    /// duet push (`docs/protocol.md`).
    Duet,
    /// privacyIDEA push tokens.
    PrivacyIdea,
}

/// A sign-in request to show, after every check passed. The same record for both protocols, so
/// the app has one list and one approve/deny screen.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PendingRequest {
    /// Protocol it came by.
    pub protocol: PushProtocol,
    /// Account it belongs to.
    pub account_id: String,
    /// Request (challenge) id.
    pub request_id: String,
    /// Issuer.
    pub issuer: Option<String>,
    /// Who is signing in.
    pub user: Option<String>,
    /// Service signed in to.
    pub service: Option<String>,
    /// Client IP.
    pub ip: Option<String>,
    /// Approximate location.
    pub location: Option<String>,
    /// Browser or device of the sign-in.
    pub client: Option<String>,
    /// Title to show (privacyIDEA's `title`).
    pub title: Option<String>,
    /// Text to show (privacyIDEA's `question`).
    pub message: Option<String>,
    /// Number matching mode (privacyIDEA presence mode: `Pick`).
    pub matching: NumberMatching,
    /// Issued at (server unix seconds).
    pub issued_at: Option<i64>,
    /// Expires at (server unix seconds).
    pub expires_at: Option<i64>,
}

impl From<&core::PendingRequest> for PendingRequest {
    fn from(p: &core::PendingRequest) -> Self {
        let matching = match &p.matching {
            core::NumberMatching::TypeShown { digits } => NumberMatching::TypeShown { digits: *digits },
            core::NumberMatching::Pick { choices } => NumberMatching::Pick { choices: choices.clone() },
            core::NumberMatching::None => NumberMatching::None,
        };
        PendingRequest {
            protocol: match p.protocol {
                core::PushProtocol::Duet => PushProtocol::Duet,
                core::PushProtocol::PrivacyIdea => PushProtocol::PrivacyIdea,
            },
            account_id: p.account_id.clone(),
            request_id: p.request_id.clone(),
            issuer: p.issuer.clone(),
            user: p.user.clone(),
            service: p.service.clone(),
            ip: p.ip.clone(),
            location: p.location.clone(),
            client: p.client.clone(),
            title: p.title.clone(),
            message: p.message.clone(),
            matching,
            issued_at: p.issued_at,
            expires_at: p.expires_at,
        }
    }
}

/// A verified request (keeps the exact signed bytes the answer binds to).
#[derive(uniffi::Object)]
pub struct PushRequest {
    inner: core::VerifiedRequest,
}

#[uniffi::export]
impl PushRequest {
    /// What to show.
    pub fn pending(&self) -> PendingRequest {
        (&self.inner.pending).into()
    }

    /// Server minus phone time seen in this request (seconds).
    pub fn clock_offset_secs(&self) -> i64 {
        self.inner.clock_offset_secs
    }
}

/// The user's decision.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum PushAnswer {
    /// Approve; `number` is the typed or picked number when number matching is on.
    Approve {
        /// Typed or picked value.
        number: Option<String>,
    },
    /// "This was not me": reports fraud.
    DenyNotMe,
    /// Tapped by mistake.
    DenyMistake,
}

impl From<PushAnswer> for core::Answer {
    fn from(a: PushAnswer) -> Self {
        match a {
            PushAnswer::Approve { number } => core::Answer::Approve { number },
            PushAnswer::DenyNotMe => core::Answer::Deny { reason: core::DenyReason::NotMe },
            PushAnswer::DenyMistake => core::Answer::Deny { reason: core::DenyReason::Mistake },
        }
    }
}

/// Which requests were answered (so none is answered twice). In memory; one per app process.
#[derive(uniffi::Object)]
pub struct AnsweredRequests {
    inner: core::MemoryReplayStore,
}

#[uniffi::export]
impl AnsweredRequests {
    /// An empty memory.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(AnsweredRequests { inner: core::MemoryReplayStore::new() })
    }
}

/// What a poll brought.
#[derive(uniffi::Record)]
pub struct PollResult {
    /// Requests to show.
    pub requests: Vec<Arc<PushRequest>>,
    /// Codes of requests refused (forged, expired, replayed): for logs and the clock warning.
    pub rejected_codes: Vec<String>,
    /// Requests closed meanwhile: challenge id and status.
    pub closed: Vec<ClosedRequest>,
    /// The account with a rotated server key: store it instead of the old one.
    pub rotated: Option<PushAccount>,
}

/// A request closed on the server.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ClosedRequest {
    /// Challenge id.
    pub request_id: String,
    /// `approved`, `denied`, `expired`, `answered_elsewhere`, ...
    pub status: String,
}

/// A call signed by the account's device key: `build` makes the body from the core account.
fn signed_call(
    account: PushAccount,
    path: &str,
    clock: Arc<dyn Clock>,
    build: impl FnOnce(&core::PushAccount, i64) -> Result<Vec<u8>, core::PushError>,
) -> Result<PushCall, DuetError> {
    let now = unix_now_i64(clock.as_ref())?;
    let account: core::PushAccount = account.into();
    let body = build(&account, now)?;
    call(&account.url, path, body)
}

/// The signed poll to POST.
#[uniffi::export]
pub fn push_poll(account: PushAccount, signer: Arc<dyn DeviceSigner>, clock: Arc<dyn Clock>) -> Result<PushCall, DuetError> {
    signed_call(account, endpoints::POLL, clock, |a, now| core::build_poll(a, &AppSigner(signer), now))
}

/// A push delivery service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum PushProvider {
    /// Firebase Cloud Messaging (Android).
    Fcm,
    /// Apple Push Notification service (iOS).
    Apns,
}

/// The signed registration of this phone's FCM/APNs token (send again whenever it changes).
///
/// Errors: `E_PUSH_MALFORMED` for an empty, overlong or non-printable token.
#[uniffi::export]
pub fn push_register_token(
    account: PushAccount,
    signer: Arc<dyn DeviceSigner>,
    provider: PushProvider,
    token: String,
    clock: Arc<dyn Clock>,
) -> Result<PushCall, DuetError> {
    let provider = match provider {
        PushProvider::Fcm => core::PushProvider::Fcm,
        PushProvider::Apns => core::PushProvider::Apns,
    };
    signed_call(account, endpoints::PUSH_TOKEN, clock, |a, now| {
        core::build_push_token(a, &AppSigner(signer), provider, &token, now)
    })
}

/// The device key rotation to POST, signed by the current key and by `new_signer` (proving the
/// phone holds the new key). After the server accepted it, store
/// [`push_account_with_rotated_key`] and delete the old key.
#[uniffi::export]
pub fn push_rotate_device_key(
    account: PushAccount,
    old_signer: Arc<dyn DeviceSigner>,
    new_signer: Arc<dyn DeviceSigner>,
    clock: Arc<dyn Clock>,
) -> Result<PushCall, DuetError> {
    signed_call(account, endpoints::ROTATE_KEY, clock, |a, now| {
        core::build_device_key_rotation(a, &AppSigner(old_signer), &AppSigner(new_signer), now)
    })
}

/// The account after an accepted device key rotation (new key and algorithm).
#[uniffi::export]
pub fn push_account_with_rotated_key(account: PushAccount, new_signer: Arc<dyn DeviceSigner>) -> Result<PushAccount, DuetError> {
    Ok(core::with_rotated_device_key(&account.into(), &AppSigner(new_signer))?.into())
}

/// Checks a poll response: every request's signature, audience, time and replay.
#[uniffi::export]
pub fn push_parse_poll(
    account: PushAccount,
    response: Vec<u8>,
    clock: Arc<dyn Clock>,
    answered: Arc<AnsweredRequests>,
) -> Result<PollResult, DuetError> {
    let now = unix_now_i64(clock.as_ref())?;
    let out = core::parse_poll_response(&account.into(), &response, now, &answered.inner)?;
    Ok(PollResult {
        requests: out.requests.into_iter().map(|inner| Arc::new(PushRequest { inner })).collect(),
        rejected_codes: out.rejected.iter().map(|e| duet_core::ErrorCode::code(e).to_string()).collect(),
        closed: out.closed.into_iter().map(|(request_id, status)| ClosedRequest { request_id, status }).collect(),
        rotated: out.rotated.map(Into::into),
    })
}

/// Verifies one request body (from a push message).
#[uniffi::export]
pub fn push_verify_request(
    account: PushAccount,
    body: Vec<u8>,
    clock: Arc<dyn Clock>,
    answered: Arc<AnsweredRequests>,
) -> Result<Arc<PushRequest>, DuetError> {
    let now = unix_now_i64(clock.as_ref())?;
    let inner = core::verify_request(&account.into(), &body, now, &answered.inner)?;
    Ok(Arc::new(PushRequest { inner }))
}

/// The signed answer to POST; remembers the request as answered.
#[uniffi::export]
pub fn push_answer(
    account: PushAccount,
    request: Arc<PushRequest>,
    answer: PushAnswer,
    signer: Arc<dyn DeviceSigner>,
    clock: Arc<dyn Clock>,
    answered: Arc<AnsweredRequests>,
) -> Result<PushCall, DuetError> {
    let answer: core::Answer = answer.into();
    signed_call(account, endpoints::ANSWER, clock, |a, now| {
        core::build_answer(a, &request.inner, &answer, &AppSigner(signer), now, &answered.inner)
    })
}

/// The signed unenrollment to POST.
#[uniffi::export]
pub fn push_unenroll(account: PushAccount, signer: Arc<dyn DeviceSigner>, clock: Arc<dyn Clock>) -> Result<PushCall, DuetError> {
    signed_call(account, endpoints::UNENROLL, clock, |a, now| core::build_unenroll(a, &AppSigner(signer), now))
}
