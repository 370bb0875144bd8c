//! Building privacyIDEA push requests and checking their answers.
//!
//! Each exchange is a pair of pure functions: one builds the [`HttpRequest`],
//! one reads the [`HttpResponse`]. [`super::client`] strings them together over
//! a transport.

use super::account::PiPushAccount;
use super::error::PiPushError;
use super::keys::{decode_signature, encode_signature, public_key_b64url, sign_rsa, ServerKey};
use crate::push::DeviceSigner;
use super::message;
use super::qr::PiPushEnrollment;
use super::response::{self, Exchange};
use crate::transport::{Endpoint, HttpRequest, HttpResponse};
use serde_json::Value;

/// What duet sends as `fbtoken`: duet never registers with Firebase and polls instead.
pub const NO_FIREBASE_TOKEN: &str = "no_firebase_token";

/// Second enrollment step: POST `enrollment_credential`, `serial`, `fbtoken`, `pubkey`.
pub fn enroll_request(enrollment: &PiPushEnrollment, device: &dyn DeviceSigner) -> Result<HttpRequest, PiPushError> {
    let endpoint = Endpoint::parse(&enrollment.url, enrollment.sslverify)?;
    let credential =
        std::str::from_utf8(enrollment.enrollment_credential.expose()).map_err(|_| PiPushError::UriInvalid("enrollment_credential"))?;
    let pubkey = public_key_b64url(device)?;
    Ok(HttpRequest::post_form(
        &endpoint,
        &[
            ("enrollment_credential", credential),
            ("serial", &enrollment.serial),
            ("fbtoken", NO_FIREBASE_TOKEN),
            ("pubkey", &pubkey),
        ],
    ))
}

/// Reads the server's public key out of the enrollment answer (`detail.public_key`).
pub fn parse_enroll_response(resp: &HttpResponse, serial: &str) -> Result<ServerKey, PiPushError> {
    let env = response::parse(resp, Exchange::Enroll)?;
    if env.detail.get("rollout_state").and_then(Value::as_str).is_some_and(|s| s != "enrolled") {
        return Err(PiPushError::EnrollRejected);
    }
    if env.detail.get("serial").and_then(Value::as_str).is_some_and(|s| s != serial) {
        return Err(PiPushError::Response);
    }
    let key = env.detail.get("public_key").and_then(Value::as_str).ok_or(PiPushError::ServerKey)?;
    ServerKey::from_privacyidea(key)
}

/// Poll: GET `serial`, `timestamp` (now, RFC 3339) and the signature over `serial|timestamp`.
pub fn poll_request(
    account: &PiPushAccount,
    device: &dyn DeviceSigner,
    now_unix: i64,
) -> Result<HttpRequest, PiPushError> {
    let endpoint = Endpoint::parse(&account.url, account.sslverify)?;
    let ts = message::timestamp(now_unix).ok_or(PiPushError::Clock)?;
    let sig = sign_rsa(device, message::poll(&account.serial, &ts).as_bytes())?;
    let sig = encode_signature(&sig);
    Ok(HttpRequest::get(&endpoint, &[("serial", &account.serial), ("timestamp", &ts), ("signature", &sig)]))
}

/// A push request whose server signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiPushRequest {
    /// The challenge nonce (also the request's id).
    pub nonce: String,
    /// Token serial.
    pub serial: String,
    /// Where the answer goes.
    pub url: String,
    /// TLS verification for the answer.
    pub sslverify: bool,
    /// The question to show.
    pub question: String,
    /// The title to show.
    pub title: String,
    /// Presence mode: the answers to pick from (one is shown on the sign-in screen).
    pub presence_options: Option<Vec<String>>,
    /// The server advertised (with a valid signature) that it reads `decline_reason`.
    pub decline_reason_supported: bool,
}

/// The outcome of one poll: the requests that verified, and what was refused.
#[derive(Debug, Default)]
pub struct PollOutcome {
    /// Verified, not yet answered requests.
    pub requests: Vec<PiPushRequest>,
    /// Requests dropped, each with the reason (bad signature, wrong serial, already answered).
    pub refused: Vec<PiPushError>,
}

/// Reads and verifies the poll answer: a list of signed requests.
pub fn parse_poll_response(resp: &HttpResponse, account: &PiPushAccount, server: &ServerKey) -> Result<PollOutcome, PiPushError> {
    let env = response::parse(resp, Exchange::Poll)?;
    let list = env.value.as_array().ok_or(PiPushError::Response)?;
    let mut out = PollOutcome::default();
    for item in list {
        match verify_request(item, account, server) {
            Ok(r) => out.requests.push(r),
            Err(e) => out.refused.push(e),
        }
    }
    Ok(out)
}

/// Checks one request from a poll: shape, serial, server signature, replay.
pub fn verify_request(item: &Value, account: &PiPushAccount, server: &ServerKey) -> Result<PiPushRequest, PiPushError> {
    let field = |k: &str| item.get(k).and_then(Value::as_str).ok_or(PiPushError::Response);
    let nonce = field("nonce")?;
    let url = field("url")?;
    let serial = field("serial")?;
    let question = field("question")?;
    let title = field("title")?;
    let sslverify = field("sslverify")?;
    let require_presence = item.get("require_presence").and_then(Value::as_str);
    let signature = decode_signature(field("signature")?).ok_or(PiPushError::Signature)?;

    let signed = message::request(&message::SignedRequestFields {
        nonce,
        url,
        serial,
        question,
        title,
        sslverify,
        require_presence,
    });
    if !server.verify(signed.as_bytes(), &signature) {
        return Err(PiPushError::Signature);
    }
    // Only after the signature: an unsigned claim about the serial proves nothing.
    if serial != account.serial {
        return Err(PiPushError::WrongSerial);
    }
    if nonce.is_empty() {
        return Err(PiPushError::Response);
    }
    if account.was_answered(nonce) {
        return Err(PiPushError::AlreadyAnswered);
    }
    let sslverify = match sslverify {
        "1" => true,
        "0" => false,
        _ => return Err(PiPushError::Response),
    };
    let presence_options = match require_presence {
        None => None,
        Some(p) => {
            let opts: Vec<String> = p.split(',').map(str::to_string).collect();
            if opts.len() < 2 || opts.iter().any(String::is_empty) {
                return Err(PiPushError::Response);
            }
            Some(opts)
        }
    };
    Ok(PiPushRequest {
        nonce: nonce.to_string(),
        serial: serial.to_string(),
        url: url.to_string(),
        sslverify,
        question: question.to_string(),
        title: title.to_string(),
        presence_options,
        decline_reason_supported: decline_reason_advertised(item, nonce, server),
    })
}

// The detached capabilities signature (RFC 8785 JSON over capabilities and nonce).
// Anything missing or not verifying means "legacy server": no decline_reason.
fn decline_reason_advertised(item: &Value, nonce: &str, server: &ServerKey) -> bool {
    let Some(caps_text) = item.get("capabilities").and_then(Value::as_str) else { return false };
    let Some(sig) = item.get("capabilities_signature").and_then(Value::as_str).and_then(decode_signature) else {
        return false;
    };
    let Ok(caps) = serde_json::from_str::<Value>(caps_text) else { return false };
    let Some(signed) = message::capabilities(&caps, nonce) else { return false };
    server.verify(&signed, &sig) && caps.get("decline_reason") == Some(&Value::Bool(true))
}

/// Why the user refused, in duet's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DenyReason {
    /// "This wasn't me": someone else is trying to sign in.
    NotMe,
    /// "I changed my mind / pressed by mistake": the default.
    #[default]
    Mistake,
}

impl DenyReason {
    /// privacyIDEA's `decline_reason` value.
    pub fn privacyidea_value(self) -> &'static str {
        match self {
            DenyReason::NotMe => "unknown_trigger",
            DenyReason::Mistake => "cancelled",
        }
    }
}

/// The user's decision on one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PiAnswer {
    /// Approve; in presence mode with the picked answer.
    Approve {
        /// The answer picked from the offered ones (presence mode only).
        presence: Option<String>,
    },
    /// Decline, with a reason.
    Deny(DenyReason),
}

/// Builds the signed answer POST. Refuses a nonce answered before, and a
/// presence-mode approval without a valid pick.
pub fn answer_request(
    account: &PiPushAccount,
    device: &dyn DeviceSigner,
    request: &PiPushRequest,
    answer: &PiAnswer,
) -> Result<HttpRequest, PiPushError> {
    if account.was_answered(&request.nonce) {
        return Err(PiPushError::AlreadyAnswered);
    }
    if request.serial != account.serial {
        return Err(PiPushError::WrongSerial);
    }
    let endpoint = Endpoint::parse(&request.url, request.sslverify)?;
    let (decline, reason, presence) = match answer {
        PiAnswer::Approve { presence } => {
            let presence = match (&request.presence_options, presence) {
                (None, _) => None,
                (Some(_), None) => return Err(PiPushError::PresenceRequired),
                (Some(opts), Some(p)) => Some(
                    opts.iter().find(|o| o.eq_ignore_ascii_case(p.trim())).cloned().ok_or(PiPushError::PresenceAnswer)?,
                ),
            };
            (false, None, presence)
        }
        PiAnswer::Deny(r) => (true, request.decline_reason_supported.then(|| r.privacyidea_value()), None),
    };
    let signed = message::answer(&request.nonce, &request.serial, decline, reason, presence.as_deref());
    let sig = encode_signature(&sign_rsa(device, signed.as_bytes())?);
    let mut form: Vec<(&str, &str)> = vec![("serial", &request.serial), ("nonce", &request.nonce), ("signature", &sig)];
    if decline {
        form.push(("decline", "1"));
    }
    if let Some(r) = reason {
        form.push(("decline_reason", r));
    }
    if let Some(p) = presence.as_deref() {
        form.push(("presence_answer", p));
    }
    Ok(HttpRequest::post_form(&endpoint, &form))
}

/// Reads the answer's result: `value: true` means the server took it.
pub fn parse_answer_response(resp: &HttpResponse) -> Result<(), PiPushError> {
    let env = response::parse(resp, Exchange::Answer)?;
    match env.value {
        Value::Bool(true) => Ok(()),
        Value::Bool(false) => Err(PiPushError::AnswerRejected),
        _ => Err(PiPushError::Response),
    }
}
