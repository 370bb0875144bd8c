//! The privacyIDEA push flows over an [`HttpTransport`]: enroll, poll, answer.

use super::account::PiPushAccount;
use super::error::PiPushError;
use crate::push::DeviceSigner;
use crate::secret::Secret;
use super::protocol::{self, PiAnswer, PiPushRequest, PollOutcome};
use super::qr::PiPushEnrollment;
use crate::transport::{Endpoint, HttpTransport};

/// The warning to show when the account's server turned certificate checks off.
pub fn tls_warning(url: &str, sslverify: bool) -> Option<String> {
    Endpoint::parse(url, sslverify).ok().and_then(|e| e.warning())
}

/// Second enrollment step: sends the device key, receives and checks the server key.
/// Returns the account to store (with `stored_key`: the software key's PKCS#8, or what
/// the app needs to find its platform key); nothing is stored on failure.
pub fn enroll(
    transport: &dyn HttpTransport,
    enrollment: &PiPushEnrollment,
    device: &dyn DeviceSigner,
    stored_key: Secret,
) -> Result<PiPushAccount, PiPushError> {
    let request = protocol::enroll_request(enrollment, device)?;
    let response = transport.send(&request)?;
    let server = protocol::parse_enroll_response(&response, &enrollment.serial)?;
    Ok(PiPushAccount {
        label: enrollment.label.clone(),
        issuer: enrollment.issuer.clone(),
        serial: enrollment.serial.clone(),
        url: enrollment.url.clone(),
        sslverify: enrollment.sslverify,
        poll_only: enrollment.poll_only,
        require_unlock: enrollment.require_unlock,
        server_public_key: server.pkcs1_der().to_vec(),
        device_key: stored_key,
        answered: Vec::new(),
    })
}

/// Polls the server for open requests and verifies each.
pub fn poll(
    transport: &dyn HttpTransport,
    account: &PiPushAccount,
    device: &dyn DeviceSigner,
    now_unix: i64,
) -> Result<PollOutcome, PiPushError> {
    let server = account.server_key()?;
    let request = protocol::poll_request(account, device, now_unix)?;
    let response = transport.send(&request)?;
    protocol::parse_poll_response(&response, account, &server)
}

/// Signs and sends an answer. The caller must already have recorded the nonce as
/// answered and stored that ([`PiPushAccount::record_answered`]), so that whatever
/// happens on the network the same request is never answered twice.
pub fn send_answer(
    transport: &dyn HttpTransport,
    account_before_recording: &PiPushAccount,
    device: &dyn DeviceSigner,
    request: &PiPushRequest,
    answer: &PiAnswer,
) -> Result<(), PiPushError> {
    let http = protocol::answer_request(account_before_recording, device, request, answer)?;
    let response = transport.send(&http)?;
    protocol::parse_answer_response(&response)
}
