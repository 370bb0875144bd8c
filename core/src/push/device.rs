//! The phone's side of duet push protocol v1: registration, request verification, answers,
//! signed calls (poll, push token, unenrollment) and key rotation.

use ring::hmac;
use serde::{Deserialize, Serialize};

use crate::push::agreement::AgreementKey;
use crate::push::clock::clock_offset;
use crate::push::link::{EnrollmentLink, EnrollmentTrust};
use crate::push::messages::*;
use crate::push::pending::{Answer, NumberMatching, PendingRequest, PushProtocol};
use crate::push::replay::ReplayStore;
use crate::push::signer::{DeviceSigner, SignatureAlgorithm, normalize_public_key, sign_wire, verify_signature};
use crate::push::wire::{Envelope, HeadError, b64u, b64u_decode, check_head, sha256, time_ok};
use crate::push::PushError;
use crate::push::text;
use crate::secret::Secret;

/// Clock-skew allowance (seconds) for issued-at in the future and for expiry.
pub const CLOCK_SKEW_SECS: i64 = 120;
/// Longest request lifetime (`exp - iat`) a phone accepts, in seconds.
pub const MAX_REQUEST_LIFETIME_SECS: i64 = 600;
/// Shortest challenge id: 16 bytes (128 bits).
pub const MIN_CHALLENGE_ID_BYTES: usize = 16;

/// A registered duet push account as the phone stores it (no secrets: the device key lives in
/// the signer / vault).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushAccount {
    /// Account id the server assigned (the audience of requests).
    pub account_id: String,
    /// Server base URL.
    pub url: String,
    /// The server's current public key (uncompressed SEC1).
    pub server_key: Vec<u8>,
    /// Issuer shown to the user.
    pub issuer: String,
    /// User name.
    pub user: String,
    /// This device's key algorithm (wire name).
    pub device_alg: String,
    /// This device's public key as registered (wire form).
    pub device_key: Vec<u8>,
    /// The answer key's public key as registered (wire form): answers are signed with it. `None`
    /// for accounts registered without one, whose answers the device key signs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_key: Option<Vec<u8>>,
    /// `true` when enrolled with a manual code (server key fetched over TLS).
    pub via_manual_code: bool,
}

/// Describes this phone in the registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Name the user recognises.
    pub name: String,
    /// `android`, `ios`, `cli` or `other`.
    pub platform: String,
    /// `strongbox`, `tee`, `secure_enclave` or `software`.
    pub keystore: String,
}

/// The result of a successful registration.
#[derive(Debug, Clone)]
pub struct Registered {
    /// The account to store.
    pub account: PushAccount,
    /// An `otpauth://` URI (UTF-8) for offline passcodes, when the server sent one, opened from
    /// its HPKE seal.
    pub otp_uri: Option<Secret>,
    /// Server minus phone time seen in the answer.
    pub clock_offset_secs: i64,
}

fn head_err(e: HeadError) -> PushError {
    match e {
        HeadError::Malformed => PushError::Malformed,
        HeadError::Version => PushError::UnknownVersion,
        HeadError::Type => PushError::WrongType,
    }
}

/// Parses an envelope, checks `v`/`typ`, then the signature with `key`; returns the payload bytes.
fn open_signed(
    body: &[u8],
    typ: &str,
    alg: SignatureAlgorithm,
    key: &[u8],
) -> Result<Vec<u8>, PushError> {
    let env = Envelope::parse(body).ok_or(PushError::Malformed)?;
    if env.sig_new.is_some() {
        return Err(PushError::Malformed);
    }
    check_head(&env.payload, typ).map_err(head_err)?;
    match alg {
        SignatureAlgorithm::EcdsaP256Sha256 => verify_server_signature(key, &env.payload, &env.sig)?,
        SignatureAlgorithm::RsaPkcs1Sha256 => return Err(PushError::Algorithm),
    }
    Ok(env.payload)
}

/// Verifies a server signature (raw `r||s`) over `msg` with the server key an account trusts.
/// Every server-signed message the phone accepts goes through here.
pub fn verify_server_signature(server_key: &[u8], msg: &[u8], sig: &[u8]) -> Result<(), PushError> {
    verify_signature(SignatureAlgorithm::EcdsaP256Sha256, server_key, msg, sig)
}

fn device_alg(signer: &dyn DeviceSigner) -> SignatureAlgorithm {
    signer.algorithm()
}

fn signed_envelope(
    signer: &dyn DeviceSigner,
    public_key: &[u8],
    payload: Vec<u8>,
) -> Result<Vec<u8>, PushError> {
    let sig = sign_wire(signer, public_key, &payload)?;
    Ok(Envelope { payload, sig, sig_new: None }.to_bytes())
}

fn to_json<T: Serialize>(v: &T) -> Vec<u8> {
    // Serialising these plain structs cannot fail; an empty body would be refused by the peer.
    serde_json::to_vec(v).unwrap_or_default()
}

impl PushAccount {
    /// The key answers of this account are signed and verified with: the answer key, or the
    /// device key for accounts registered without one.
    pub fn answer_public_key(&self) -> &[u8] {
        self.answer_key.as_deref().unwrap_or(&self.device_key)
    }
}

/// Builds the registration body (`POST {url}/duet/v1/register`) for `link`, signed by `signer`,
/// without an answer key (answers are then signed by the device key). `agreement` is this
/// registration's key agreement key: keep it until [`finish_registration`], then drop it.
pub fn build_registration(
    link: &EnrollmentLink,
    signer: &dyn DeviceSigner,
    agreement: &AgreementKey,
    info: &DeviceInfo,
    now: i64,
) -> Result<Vec<u8>, PushError> {
    registration(link, signer, None, agreement, info, now)
}

/// As [`build_registration`], registering `answer_key` (a P-256 public key, SEC1 or SPKI) as the
/// only key the server takes answers from. It must not be the device key.
pub fn build_registration_with_answer_key(
    link: &EnrollmentLink,
    signer: &dyn DeviceSigner,
    answer_key: &[u8],
    agreement: &AgreementKey,
    info: &DeviceInfo,
    now: i64,
) -> Result<Vec<u8>, PushError> {
    let ak = normalize_public_key(SignatureAlgorithm::EcdsaP256Sha256, answer_key)?;
    registration(link, signer, Some(ak), agreement, info, now)
}

fn registration(
    link: &EnrollmentLink,
    signer: &dyn DeviceSigner,
    ak: Option<Vec<u8>>,
    agreement: &AgreementKey,
    info: &DeviceInfo,
    now: i64,
) -> Result<Vec<u8>, PushError> {
    if link.expires_at <= now {
        return Err(PushError::LinkExpired);
    }
    if !device_description_ok(&info.name, &info.platform, &info.keystore) {
        return Err(PushError::DeviceInfo);
    }
    let alg = device_alg(signer);
    let dk = normalize_public_key(alg, &signer.public_key())?;
    let dk_b64 = b64u(&dk);
    if ak.as_ref() == Some(&dk) {
        // One key for both would leave answers signable without the user.
        return Err(PushError::KeyInvalid);
    }
    let mac_key = hmac::Key::new(hmac::HMAC_SHA256, link.secret.expose());
    let proof = hmac::sign(&mac_key, &registration_proof_input(&link.enrollment_id, &dk_b64));
    let payload = RegisterPayload {
        v: 1,
        typ: TYP_REGISTER.into(),
        eid: link.enrollment_id.clone(),
        dk: dk_b64,
        alg: alg.wire_name().into(),
        ak: ak.as_deref().map(b64u),
        ek: b64u(agreement.public_key()),
        proof: b64u(proof.as_ref()),
        ts: now,
        name: info.name.clone(),
        platform: info.platform.clone(),
        keystore: info.keystore.clone(),
        sk: b64u(&link.server_key),
    };
    signed_envelope(signer, &dk, to_json(&payload))
}

/// Checks the server's registration answer and returns the account to store, with the offline
/// passcode secret opened with the registration's `agreement` key.
pub fn finish_registration(
    link: &EnrollmentLink,
    signer: &dyn DeviceSigner,
    agreement: &AgreementKey,
    response: &[u8],
    now: i64,
) -> Result<Registered, PushError> {
    let payload = open_signed(
        response,
        TYP_REGISTERED,
        SignatureAlgorithm::EcdsaP256Sha256,
        &link.server_key,
    )?;
    let r: RegisteredPayload = serde_json::from_slice(&payload).map_err(|_| PushError::Malformed)?;
    let alg = device_alg(signer);
    let dk = normalize_public_key(alg, &signer.public_key())?;
    if r.eid != link.enrollment_id || b64u_decode(&r.dk).as_deref() != Some(&dk[..]) {
        return Err(PushError::RegistrationMismatch);
    }
    if r.aid.is_empty() || r.aid.len() > 128 {
        return Err(PushError::Malformed);
    }
    let otp_uri = open_offline_secret(&r, agreement)?;
    Ok(Registered {
        account: PushAccount {
            account_id: r.aid,
            url: link.url.clone(),
            server_key: link.server_key.clone(),
            issuer: link.issuer.clone(),
            user: link.user.clone(),
            device_alg: alg.wire_name().into(),
            device_key: dk,
            answer_key: None,
            via_manual_code: link.trust == EnrollmentTrust::ManualCode,
        },
        otp_uri,
        clock_offset_secs: clock_offset(r.iat, now),
    })
}

/// The offline passcode URI sealed in a registration answer (`otp_enc` + `otp_ct`), if any.
fn open_offline_secret(r: &RegisteredPayload, agreement: &AgreementKey) -> Result<Option<Secret>, PushError> {
    let (enc, ct) = match (&r.otp_enc, &r.otp_ct) {
        (None, None) => return Ok(None),
        (Some(enc), Some(ct)) => (enc, ct),
        _ => return Err(PushError::Malformed),
    };
    let enc = b64u_decode(enc).ok_or(PushError::Malformed)?;
    let ct = b64u_decode(ct).ok_or(PushError::Malformed)?;
    let uri = agreement.open(&enc, &ct, &offline_secret_info(&r.eid, &r.aid), r.dk.as_bytes())?;
    if std::str::from_utf8(uri.expose()).is_err() {
        return Err(PushError::Malformed);
    }
    Ok(Some(uri))
}

/// A request whose signature, audience, time window and replay status have been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedRequest {
    /// The protocol-neutral view to display.
    pub pending: PendingRequest,
    /// The signed payload as parsed.
    pub payload: RequestPayload,
    /// SHA-256 of the exact payload bytes (bound into the answer).
    pub request_hash: [u8; 32],
    /// Server minus phone time seen in this request.
    pub clock_offset_secs: i64,
}

fn matching_of(p: &RequestPayload) -> Result<NumberMatching, PushError> {
    let digits_ok = |d: Option<u8>| d.filter(|d| (2..=6).contains(d)).ok_or(PushError::Malformed);
    match p.match_mode.as_str() {
        "type" => {
            if p.choices.is_some() {
                return Err(PushError::Malformed);
            }
            Ok(NumberMatching::TypeShown { digits: digits_ok(p.digits)? })
        }
        "pick" => {
            let d = digits_ok(p.digits)?;
            let choices = p.choices.as_ref().ok_or(PushError::Malformed)?;
            let (lo, hi) = digit_range(d);
            let mut sorted = choices.clone();
            sorted.sort_unstable();
            sorted.dedup();
            if !(2..=9).contains(&choices.len())
                || sorted.len() != choices.len()
                || choices.iter().any(|c| !(lo..=hi).contains(c))
            {
                return Err(PushError::Malformed);
            }
            Ok(NumberMatching::Pick { choices: choices.iter().map(|c| c.to_string()).collect() })
        }
        "none" => {
            if p.choices.is_some() || p.digits.is_some() {
                return Err(PushError::Malformed);
            }
            Ok(NumberMatching::None)
        }
        _ => Err(PushError::Malformed),
    }
}

/// Smallest and largest number with `digits` digits (no leading zero, so it reads unambiguously).
pub fn digit_range(digits: u8) -> (u32, u32) {
    let lo = 10u32.pow(u32::from(digits) - 1);
    (lo, lo * 10 - 1)
}


/// A request's text as the phone shows it: hidden characters replaced (the signed bytes stay
/// as they are; `request_hash` covers them).
fn shown(s: &str) -> String {
    text::neutralise(s).into_owned()
}

/// Verifies a sign-in request body (one envelope) for `account` at phone time `now`.
///
/// Order of checks: envelope shape, version and type, signature with the server key, payload
/// fields, audience, time window, replay. Only a request passing all of them is shown.
pub fn verify_request(
    account: &PushAccount,
    body: &[u8],
    now: i64,
    store: &dyn ReplayStore,
) -> Result<VerifiedRequest, PushError> {
    let payload =
        open_signed(body, TYP_REQUEST, SignatureAlgorithm::EcdsaP256Sha256, &account.server_key)?;
    verify_request_payload(account, payload, now, store)
}

fn verify_request_payload(
    account: &PushAccount,
    payload: Vec<u8>,
    now: i64,
    store: &dyn ReplayStore,
) -> Result<VerifiedRequest, PushError> {
    let p: RequestPayload = serde_json::from_slice(&payload).map_err(|_| PushError::Malformed)?;
    let cid_ok = b64u_decode(&p.cid).is_some_and(|c| (MIN_CHALLENGE_ID_BYTES..=64).contains(&c.len()));
    let texts = [Some(&p.user), Some(&p.service), p.ip.as_ref(), p.loc.as_ref(), p.client.as_ref()];
    if !cid_ok || !texts.iter().flatten().all(|s| s.len() <= text::MAX_TEXT_BYTES) {
        return Err(PushError::Malformed);
    }
    if !time_ok(p.iat) || !time_ok(p.exp) {
        return Err(PushError::Malformed);
    }
    let matching = matching_of(&p)?;
    if p.aid != account.account_id {
        return Err(PushError::WrongAccount);
    }
    let offset = clock_offset(p.iat, now);
    if p.exp <= p.iat {
        return Err(PushError::Malformed);
    }
    if p.exp - p.iat > MAX_REQUEST_LIFETIME_SECS {
        return Err(PushError::LifetimeTooLong);
    }
    if p.iat > now.saturating_add(CLOCK_SKEW_SECS) {
        return Err(PushError::NotYetValid { offset_secs: offset });
    }
    if p.exp.saturating_add(CLOCK_SKEW_SECS) <= now {
        return Err(PushError::Expired { offset_secs: offset });
    }
    if store.is_answered(&p.aid, &p.cid)? {
        return Err(PushError::Replayed);
    }
    let pending = PendingRequest {
        protocol: PushProtocol::Duet,
        account_id: p.aid.clone(),
        request_id: p.cid.clone(),
        issuer: Some(account.issuer.clone()),
        user: Some(shown(&p.user)),
        service: Some(shown(&p.service)),
        ip: p.ip.as_deref().map(shown),
        location: p.loc.as_deref().map(shown),
        client: p.client.as_deref().map(shown),
        title: None,
        message: None,
        matching,
        issued_at: Some(p.iat),
        expires_at: Some(p.exp),
    };
    Ok(VerifiedRequest { pending, request_hash: sha256(&payload), payload: p, clock_offset_secs: offset })
}

/// Builds the answer body (`POST {url}/duet/v1/answer`), signed by `signer`, which holds the
/// account's answer key ([`PushAccount::answer_public_key`]), and records the challenge id as
/// answered in `store` (so the same request is never answered twice, even after a restart).
///
/// Checks before signing: the request has not expired (phone clock plus allowance) and the
/// number fits the request's number-matching mode. The number is not checked against the
/// sign-in screen here (the phone never learns it in `type` mode): the server does that.
pub fn build_answer(
    account: &PushAccount,
    request: &VerifiedRequest,
    answer: &Answer,
    signer: &dyn DeviceSigner,
    now: i64,
    store: &dyn ReplayStore,
) -> Result<Vec<u8>, PushError> {
    let p = &request.payload;
    if p.aid != account.account_id {
        return Err(PushError::WrongAccount);
    }
    if p.exp.saturating_add(CLOCK_SKEW_SECS) <= now {
        return Err(PushError::Expired { offset_secs: request.clock_offset_secs });
    }
    let (decision, reason, number) = match answer {
        Answer::Deny { reason } => ("deny", Some(reason.wire_name().to_string()), None),
        Answer::Approve { number } => ("approve", None, check_number(&request.pending.matching, number.as_deref())?),
    };
    let payload = AnswerPayload {
        v: 1,
        typ: TYP_ANSWER.into(),
        aid: p.aid.clone(),
        cid: p.cid.clone(),
        rh: b64u(&request.request_hash),
        decision: decision.into(),
        reason,
        number,
        ts: now,
    };
    let body = signed_envelope(signer, account.answer_public_key(), to_json(&payload))?;
    // Recorded only once signing succeeded (a cancelled biometric prompt leaves it answerable),
    // and atomically: a second answer racing this one loses.
    // Kept as long as any copy of the request could still be accepted: its expiry plus the
    // clock-skew allowance the check above grants.
    if !store.mark_answered(&p.aid, &p.cid, p.exp.saturating_add(CLOCK_SKEW_SECS))? {
        return Err(PushError::Replayed);
    }
    Ok(body)
}

fn check_number(matching: &NumberMatching, number: Option<&str>) -> Result<Option<u32>, PushError> {
    match (matching, number) {
        (NumberMatching::None, None) => Ok(None),
        (NumberMatching::None, Some(_)) => Err(PushError::NumberInvalid),
        (_, None) => Err(PushError::NumberRequired),
        (NumberMatching::TypeShown { digits }, Some(n)) => {
            let n = n.trim();
            if n.len() != usize::from(*digits) || !n.chars().all(|c| c.is_ascii_digit()) {
                return Err(PushError::NumberInvalid);
            }
            let v: u32 = n.parse().map_err(|_| PushError::NumberInvalid)?;
            let (lo, hi) = digit_range(*digits);
            if !(lo..=hi).contains(&v) {
                return Err(PushError::NumberInvalid);
            }
            Ok(Some(v))
        }
        (NumberMatching::Pick { choices }, Some(n)) => {
            let n = n.trim();
            if !choices.iter().any(|c| c == n) {
                return Err(PushError::NumberInvalid);
            }
            n.parse().map(Some).map_err(|_| PushError::NumberInvalid)
        }
    }
}

fn device_call(
    account: &PushAccount,
    signer: &dyn DeviceSigner,
    typ: &str,
    now: i64,
    push_token: Option<(String, String)>,
) -> Result<Vec<u8>, PushError> {
    let (provider, token) = push_token.unzip();
    // A poll names the server key the phone trusts: the server repeats a key rotation until
    // this shows the phone applied it.
    let sk = (typ == TYP_POLL).then(|| b64u(&account.server_key));
    let payload = DeviceCallPayload { v: 1, typ: typ.into(), aid: account.account_id.clone(), ts: now, provider, token, sk };
    signed_envelope(signer, &account.device_key, to_json(&payload))
}

/// Builds a signed poll (`POST {url}/duet/v1/poll`).
pub fn build_poll(account: &PushAccount, signer: &dyn DeviceSigner, now: i64) -> Result<Vec<u8>, PushError> {
    device_call(account, signer, TYP_POLL, now, None)
}

/// Builds an unenrollment (`POST {url}/duet/v1/unenroll`).
pub fn build_unenroll(account: &PushAccount, signer: &dyn DeviceSigner, now: i64) -> Result<Vec<u8>, PushError> {
    device_call(account, signer, TYP_UNENROLL, now, None)
}

/// A push token as the protocol carries it: 1 to 4096 printable ASCII characters (FCM tokens
/// and hex APNs device tokens both are).
pub fn push_token_ok(token: &str) -> bool {
    (1..=4096).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_graphic())
}

/// Push delivery services a phone can register a token for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushProvider {
    /// Firebase Cloud Messaging (Android).
    Fcm,
    /// Apple Push Notification service.
    Apns,
}

/// Builds a push-token registration (`POST {url}/duet/v1/push-token`).
pub fn build_push_token(
    account: &PushAccount,
    signer: &dyn DeviceSigner,
    provider: PushProvider,
    token: &str,
    now: i64,
) -> Result<Vec<u8>, PushError> {
    if !push_token_ok(token) {
        return Err(PushError::Malformed);
    }
    let provider = match provider {
        PushProvider::Fcm => "fcm",
        PushProvider::Apns => "apns",
    };
    device_call(account, signer, TYP_PUSH_TOKEN, now, Some((provider.into(), token.into())))
}

/// Builds a device key rotation (`POST {url}/duet/v1/rotate-key`), signed by the old key and by
/// the new one (proving the phone holds it). Store the new key only after the server accepts.
pub fn build_device_key_rotation(
    account: &PushAccount,
    old: &dyn DeviceSigner,
    new: &dyn DeviceSigner,
    now: i64,
) -> Result<Vec<u8>, PushError> {
    let new_alg = new.algorithm();
    let new_key = normalize_public_key(new_alg, &new.public_key())?;
    let payload = to_json(&RotateDeviceKeyPayload {
        v: 1,
        typ: TYP_ROTATE_DEVICE_KEY.into(),
        aid: account.account_id.clone(),
        dk: b64u(&new_key),
        alg: new_alg.wire_name().into(),
        ts: now,
    });
    let sig = sign_wire(old, &account.device_key, &payload)?;
    let sig_new = sign_wire(new, &new_key, &payload)?;
    Ok(Envelope { payload, sig, sig_new: Some(sig_new) }.to_bytes())
}

/// The account as it is after the server accepted a device key rotation to `new`
/// ([`build_device_key_rotation`]): same account, the new key and algorithm.
pub fn with_rotated_device_key(account: &PushAccount, new: &dyn DeviceSigner) -> Result<PushAccount, PushError> {
    let alg = new.algorithm();
    let key = normalize_public_key(alg, &new.public_key())?;
    Ok(PushAccount { device_alg: alg.wire_name().into(), device_key: key, ..account.clone() })
}

/// Verifies a server key rotation (signed by the current server key) and returns the account
/// with the new key.
pub fn apply_server_key_rotation(account: &PushAccount, body: &[u8]) -> Result<PushAccount, PushError> {
    let payload = open_signed(body, TYP_ROTATE_SERVER_KEY, SignatureAlgorithm::EcdsaP256Sha256, &account.server_key)?;
    let r: RotateServerKeyPayload = serde_json::from_slice(&payload).map_err(|_| PushError::Malformed)?;
    if r.aid != account.account_id {
        return Err(PushError::WrongAccount);
    }
    let sk = b64u_decode(&r.sk).ok_or(PushError::Malformed)?;
    let sk = normalize_public_key(SignatureAlgorithm::EcdsaP256Sha256, &sk)?;
    Ok(PushAccount { server_key: sk, ..account.clone() })
}

/// Whether a rotation message names the key the account already trusts: a repeat of one the
/// phone applied (the server repeats it until a poll acknowledges the new key), which changes
/// nothing and is skipped unverified.
fn names_trusted_key(account: &PushAccount, rotation: &crate::push::wire::EnvelopeJson) -> bool {
    #[derive(Deserialize)]
    struct Sk {
        sk: String,
    }
    Envelope::from_json(rotation)
        .and_then(|e| serde_json::from_slice::<Sk>(&e.payload).ok())
        .and_then(|p| b64u_decode(&p.sk))
        .is_some_and(|sk| sk == account.server_key)
}

/// What a poll returned, after checking every signed part.
#[derive(Debug, Clone, PartialEq)]
pub struct PollOutcome {
    /// Requests that passed every check, to show.
    pub requests: Vec<VerifiedRequest>,
    /// Requests refused, with why (for logs and the "clock is off" warning); never shown as genuine.
    pub rejected: Vec<PushError>,
    /// Requests closed meanwhile: `(challenge id, status)`, e.g. `answered_elsewhere`.
    pub closed: Vec<(String, String)>,
    /// The account with a rotated server key, when the poll carried a valid rotation.
    pub rotated: Option<PushAccount>,
}

/// Checks a poll response. Requests are verified with the rotated key when a valid rotation
/// came along (the server signs new requests with its new key).
pub fn parse_poll_response(
    account: &PushAccount,
    body: &[u8],
    now: i64,
    store: &dyn ReplayStore,
) -> Result<PollOutcome, PushError> {
    if body.len() > 64 * crate::push::wire::MAX_ENVELOPE_LEN {
        return Err(PushError::Malformed);
    }
    let resp: PollResponse = serde_json::from_slice(body).map_err(|_| PushError::Malformed)?;
    let rotated = match &resp.rotation {
        Some(r) if !names_trusted_key(account, r) => {
            Some(apply_server_key_rotation(account, &serde_json::to_vec(r).map_err(|_| PushError::Malformed)?)?)
        }
        _ => None,
    };
    let current = rotated.as_ref().unwrap_or(account);
    let mut out = PollOutcome { requests: vec![], rejected: vec![], closed: vec![], rotated: rotated.clone() };
    for env in &resp.requests {
        let checked = Envelope::from_json(env)
            .ok_or(PushError::Malformed)
            .and_then(|e| {
                if e.sig_new.is_some() {
                    return Err(PushError::Malformed);
                }
                check_head(&e.payload, TYP_REQUEST).map_err(head_err)?;
                verify_server_signature(&current.server_key, &e.payload, &e.sig)?;
                verify_request_payload(current, e.payload, now, store)
            });
        match checked {
            Ok(r) => out.requests.push(r),
            Err(e) => out.rejected.push(e),
        }
    }
    out.closed = resp.closed.into_iter().map(|c| (c.cid, c.status)).collect();
    Ok(out)
}

/// Parses the JSON a manual code lookup returns (`{"link":"duet://enroll?…"}`) into an
/// enrollment whose server must be the one the code names; marks its trust as manual.
pub fn parse_enrollment_lookup(
    code: &crate::push::ManualCode,
    body: &[u8],
    now: i64,
) -> Result<EnrollmentLink, PushError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Lookup {
        link: String,
    }
    if body.len() > crate::push::link::MAX_LINK_LEN + 64 {
        return Err(PushError::Malformed);
    }
    let l: Lookup = serde_json::from_slice(body).map_err(|_| PushError::Malformed)?;
    let mut link = EnrollmentLink::parse(&l.link, now)?;
    if !code.names_server(&link.url) {
        return Err(PushError::LinkParam("url"));
    }
    link.trust = EnrollmentTrust::ManualCode;
    Ok(link)
}
