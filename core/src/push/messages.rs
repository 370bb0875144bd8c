//! The payloads of duet push protocol v1 (docs/protocol.md, "Messages").
//!
//! Both sides parse with `deny_unknown_fields`: a v1 message with an unknown field is refused,
//! new fields come with a new version. Optional members are omitted, never `null`: a `null`
//! is a member of the wrong JSON type and refused like one.

use serde::{Deserialize, Serialize};

/// `typ` of the device's registration.
pub const TYP_REGISTER: &str = "register";
/// `typ` of the server's registration answer.
pub const TYP_REGISTERED: &str = "registered";
/// `typ` of a sign-in request.
pub const TYP_REQUEST: &str = "request";
/// `typ` of an answer.
pub const TYP_ANSWER: &str = "answer";
/// `typ` of a signed poll.
pub const TYP_POLL: &str = "poll";
/// `typ` of a push-token registration.
pub const TYP_PUSH_TOKEN: &str = "push_token";
/// `typ` of an unenrollment.
pub const TYP_UNENROLL: &str = "unenroll";
/// `typ` of a device key rotation.
pub const TYP_ROTATE_DEVICE_KEY: &str = "rotate_device_key";
/// `typ` of a server key rotation.
pub const TYP_ROTATE_SERVER_KEY: &str = "rotate_server_key";

/// Allowed `platform` values of a registration.
pub const PLATFORMS: [&str; 4] = ["android", "ios", "cli", "other"];
/// Allowed `keystore` values of a registration.
pub const KEYSTORES: [&str; 4] = ["strongbox", "tee", "secure_enclave", "software"];
/// Longest device `name` of a registration (UTF-8 bytes).
pub const MAX_DEVICE_NAME_BYTES: usize = 100;

/// Whether a registration's device description is one the protocol allows: a non-empty
/// displayable name of at most [`MAX_DEVICE_NAME_BYTES`], a known platform and keystore.
pub fn device_description_ok(name: &str, platform: &str, keystore: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_DEVICE_NAME_BYTES
        && super::text::is_display_text(name)
        && PLATFORMS.contains(&platform)
        && KEYSTORES.contains(&keystore)
}

/// Device → server: registration, signed by the new device key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterPayload {
    /// Protocol version, 1.
    pub v: u64,
    /// `"register"`.
    pub typ: String,
    /// Enrollment id from the link.
    pub eid: String,
    /// Device public key (base64url, uncompressed SEC1 for ES256).
    pub dk: String,
    /// Device key algorithm (`"ES256"`).
    pub alg: String,
    /// The answer key (base64url, same form as `dk`): the only key the server takes approve and
    /// deny answers from. Phones make it so that every use needs the user; absent in
    /// registrations of phones that sign answers with the device key.
    #[serde(default, deserialize_with = "super::wire::present", skip_serializing_if = "Option::is_none")]
    pub ak: Option<String>,
    /// This registration's key agreement public key (base64url, uncompressed SEC1 P-256): the
    /// server seals the offline passcode secret to it.
    pub ek: String,
    /// base64url HMAC-SHA256(enrollment secret, `"duet/v1/register|" + eid + "|" + dk`).
    pub proof: String,
    /// Phone time, unix seconds.
    pub ts: i64,
    /// Device name the user recognises ("Pixel 8").
    pub name: String,
    /// `android`, `ios`, `cli` or `other`.
    pub platform: String,
    /// Where the key lives: `strongbox`, `tee`, `secure_enclave` or `software`.
    pub keystore: String,
    /// The server public key the phone got with the enrollment (base64url): the server answers
    /// signed with that key, even if it rotated its key since.
    pub sk: String,
}

/// Server → device: registration accepted, signed by the server key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisteredPayload {
    /// Protocol version, 1.
    pub v: u64,
    /// `"registered"`.
    pub typ: String,
    /// The enrollment id this answers.
    pub eid: String,
    /// The account id the server assigned (audience of later requests).
    pub aid: String,
    /// The device key the server registered (must equal the one sent).
    pub dk: String,
    /// Server time, unix seconds.
    pub iat: i64,
    /// Offline passcodes, with `otp_ct`: the HPKE encapsulated key (base64url, 65 bytes).
    #[serde(default, deserialize_with = "super::wire::present", skip_serializing_if = "Option::is_none")]
    pub otp_enc: Option<String>,
    /// Offline passcodes, with `otp_enc`: the `otpauth://` URI sealed to the registration's
    /// `ek` (base64url HPKE ciphertext, [`offline_secret_info`], `aad` = `dk` as sent).
    #[serde(default, deserialize_with = "super::wire::present", skip_serializing_if = "Option::is_none")]
    pub otp_ct: Option<String>,
}

/// Server → device: a sign-in request, signed by the server key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestPayload {
    /// Protocol version, 1.
    pub v: u64,
    /// `"request"`.
    pub typ: String,
    /// Challenge id: base64url of at least 16 random bytes.
    pub cid: String,
    /// Account id (audience).
    pub aid: String,
    /// Issued at, server unix seconds.
    pub iat: i64,
    /// Expires at, server unix seconds.
    pub exp: i64,
    /// Who is signing in.
    pub user: String,
    /// The service or application.
    pub service: String,
    /// Client IP address, if known.
    #[serde(default, deserialize_with = "super::wire::present", skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// Approximate location, if known.
    #[serde(default, deserialize_with = "super::wire::present", skip_serializing_if = "Option::is_none")]
    pub loc: Option<String>,
    /// Browser / device description, if known.
    #[serde(default, deserialize_with = "super::wire::present", skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// Number matching mode: `"type"`, `"pick"` or `"none"`.
    #[serde(rename = "match")]
    pub match_mode: String,
    /// Digits of the number (2..=6) for `type` and `pick`.
    #[serde(default, deserialize_with = "super::wire::present", skip_serializing_if = "Option::is_none")]
    pub digits: Option<u8>,
    /// The choices for `pick` (one is shown on the sign-in screen).
    #[serde(default, deserialize_with = "super::wire::present", skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<u32>>,
}

/// Device → server: approve or deny, signed by the answer key (the device key for devices
/// registered without one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerPayload {
    /// Protocol version, 1.
    pub v: u64,
    /// `"answer"`.
    pub typ: String,
    /// Account id.
    pub aid: String,
    /// Challenge id answered.
    pub cid: String,
    /// base64url SHA-256 of the request payload bytes answered.
    pub rh: String,
    /// `"approve"` or `"deny"`.
    pub decision: String,
    /// Deny only: `"not_me"` or `"mistake"`.
    #[serde(default, deserialize_with = "super::wire::present", skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Approve with number matching: the typed or picked number.
    #[serde(default, deserialize_with = "super::wire::present", skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    /// Phone time, unix seconds.
    pub ts: i64,
}

/// Device → server: a signed poll, push-token registration or unenrollment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceCallPayload {
    /// Protocol version, 1.
    pub v: u64,
    /// `"poll"`, `"push_token"` or `"unenroll"`.
    pub typ: String,
    /// Account id.
    pub aid: String,
    /// Phone time, unix seconds.
    pub ts: i64,
    /// Push token only: `"fcm"` or `"apns"`.
    #[serde(default, deserialize_with = "super::wire::present", skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Push token only: the token.
    #[serde(default, deserialize_with = "super::wire::present", skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Poll only: the server public key the phone trusts (acknowledges a key rotation).
    #[serde(default, deserialize_with = "super::wire::present", skip_serializing_if = "Option::is_none")]
    pub sk: Option<String>,
}

/// Device → server: a new device key, signed by the old key (`sig`) and the new key (`sig_new`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotateDeviceKeyPayload {
    /// Protocol version, 1.
    pub v: u64,
    /// `"rotate_device_key"`.
    pub typ: String,
    /// Account id.
    pub aid: String,
    /// The new device public key.
    pub dk: String,
    /// The new key's algorithm.
    pub alg: String,
    /// Phone time, unix seconds.
    pub ts: i64,
}

/// Server → device: a new server key, signed by the old server key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotateServerKeyPayload {
    /// Protocol version, 1.
    pub v: u64,
    /// `"rotate_server_key"`.
    pub typ: String,
    /// Account id.
    pub aid: String,
    /// The new server public key.
    pub sk: String,
    /// Server time, unix seconds.
    pub iat: i64,
}

/// Server → device: what a signed poll returns (the container is not signed; every request and
/// rotation inside is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PollResponse {
    /// Pending sign-in requests for this account.
    #[serde(default)]
    pub requests: Vec<super::wire::EnvelopeJson>,
    /// Requests closed since they were delivered (e.g. answered on another device).
    #[serde(default)]
    pub closed: Vec<ClosedRequest>,
    /// A server key rotation the device has not yet applied.
    #[serde(default, deserialize_with = "super::wire::present", skip_serializing_if = "Option::is_none")]
    pub rotation: Option<super::wire::EnvelopeJson>,
}

/// A request that is no longer pending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosedRequest {
    /// Challenge id.
    pub cid: String,
    /// `approved`, `denied`, `failed`, `expired` or `answered_elsewhere`.
    pub status: String,
}

/// HPKE `info` of the sealed offline passcode secret: binds it to one enrollment and account.
pub fn offline_secret_info(eid: &str, aid: &str) -> Vec<u8> {
    format!("duet/v1/registered/otp|{eid}|{aid}").into_bytes()
}

/// The HMAC input proving the device saw the enrollment secret.
pub fn registration_proof_input(eid: &str, dk_b64u: &str) -> Vec<u8> {
    format!("duet/v1/register|{eid}|{dk_b64u}").into_bytes()
}
