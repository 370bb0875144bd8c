//! privacyIDEA push tokens, phone side: the enrollment QR code (`otpauth://pipush/...`), the
//! registration call, polling, and approve / decline / presence answers. Requests appear as the
//! same [`PendingRequest`] as duet push and are answered with the same [`PushAnswer`]
//! (the core maps them: `duet_core::pipush::view`). Every HTTP exchange goes through the app's
//! [`HttpTransport`]; the core builds and signs the requests and checks the answers.

use std::sync::Arc;

use duet_core::ErrorCode;
use duet_core::pipush::{self as core, client};
use duet_core::secret::Secret;

use crate::clock::{Clock, unix_now_i64};
use crate::error::DuetError;
use crate::http::{AppTransport, HttpTransport};
use crate::push::{AppSigner, DeviceSigner, PendingRequest, PushAnswer};

/// True when `text` is a privacyIDEA push enrollment link (`otpauth://pipush/` or `pia://pipush/`),
/// so a QR scanner can route it here rather than to `Account.fromUri` or `EnrollmentLink.parse`.
#[uniffi::export]
pub fn is_pipush_uri(text: String) -> bool {
    core::is_pipush_uri(&text)
}

/// A scanned privacyIDEA push enrollment QR code.
#[derive(uniffi::Object)]
pub struct PiPushEnrollment {
    inner: core::PiPushEnrollment,
}

#[uniffi::export]
impl PiPushEnrollment {
    /// Parses the QR code's text.
    ///
    /// Errors: `DuetError.Push` (`E_PIPUSH_URI`, `E_PIPUSH_URI_MISSING`, `E_PIPUSH_URI_INVALID`,
    /// `E_PIPUSH_VERSION`).
    #[uniffi::constructor]
    pub fn parse(text: String) -> Result<Arc<Self>, DuetError> {
        Ok(Arc::new(PiPushEnrollment { inner: core::parse_enrollment_uri(&text)? }))
    }

    /// Display label (the token serial unless the admin set one).
    pub fn label(&self) -> String {
        self.inner.label.clone()
    }

    /// Issuer.
    pub fn issuer(&self) -> String {
        self.inner.issuer.clone()
    }

    /// The server's `/ttype/push` URL.
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// Token serial (`PIPU...`).
    pub fn serial(&self) -> String {
        self.inner.serial.clone()
    }

    /// Minutes the server waits for the registration.
    pub fn ttl_minutes(&self) -> u32 {
        self.inner.ttl_minutes
    }

    /// TLS certificates are checked (false: `sslverify=0`, show [`Self::tls_warning`]).
    pub fn sslverify(&self) -> bool {
        self.inner.sslverify
    }

    /// The server delivers requests by polling only.
    pub fn poll_only(&self) -> bool {
        self.inner.poll_only
    }

    /// The server asks that the app be unlocked before answering.
    pub fn require_unlock(&self) -> bool {
        self.inner.require_unlock
    }

    /// Image URL for the account, if any.
    pub fn image(&self) -> Option<String> {
        self.inner.image.clone()
    }

    /// The sentence to show when certificate checks are off; `None` normally.
    pub fn tls_warning(&self) -> Option<String> {
        client::tls_warning(&self.inner.url, self.inner.sslverify)
    }

    /// Registers with a device key the app holds (algorithm `RsaPkcs1Sha256`, e.g. an Android
    /// Keystore RSA-4096 key). `key_handle` is what the app needs to find that key again (its
    /// alias); it is sealed in the vault with the account. Nothing is stored on failure.
    ///
    /// Errors: `DuetError.Transport`, `DuetError.Push` (`E_PIPUSH_ENROLL_REJECTED`,
    /// `E_PIPUSH_SERVER_KEY`, `E_PIPUSH_DEVICE_KEY` for a non-RSA signer, ...).
    pub fn enroll(
        &self,
        transport: Arc<dyn HttpTransport>,
        signer: Arc<dyn DeviceSigner>,
        key_handle: Vec<u8>,
    ) -> Result<Arc<PiPushAccount>, DuetError> {
        let account = client::enroll(&AppTransport(transport), &self.inner, &AppSigner(signer), Secret::new(key_handle))?;
        Ok(Arc::new(PiPushAccount { inner: account }))
    }

    /// Registers with a new RSA-4096 software key made by the core (iOS: the Secure Enclave has
    /// no RSA). The private key is kept in the account and sealed by the vault; takes a second
    /// or two on a phone.
    pub fn enroll_with_software_key(&self, transport: Arc<dyn HttpTransport>) -> Result<Arc<PiPushAccount>, DuetError> {
        // Check the URL policy before spending time on the key.
        duet_core::transport::Endpoint::parse(&self.inner.url, self.inner.sslverify)?;
        let key = core::DeviceKey::generate(&mut core::keys::OsRng)?;
        let pkcs8 = key.pkcs8().clone();
        let signer = core::RsaSoftwareSigner::new(key, system_rng())?;
        let account = client::enroll(&AppTransport(transport), &self.inner, &signer, pkcs8)?;
        Ok(Arc::new(PiPushAccount { inner: account }))
    }
}

fn system_rng() -> Arc<dyn ring::rand::SecureRandom + Send + Sync> {
    Arc::new(ring::rand::SystemRandom::new())
}

/// An enrolled privacyIDEA push token. Immutable: answering gives the account to store next.
#[derive(uniffi::Object)]
pub struct PiPushAccount {
    pub(crate) inner: core::PiPushAccount,
}

impl PiPushAccount {
    /// The app's signer, or the stored software key when the app passes none.
    fn with_signer<T>(
        &self,
        signer: Option<Arc<dyn DeviceSigner>>,
        f: impl FnOnce(&dyn duet_core::push::DeviceSigner) -> Result<T, DuetError>,
    ) -> Result<T, DuetError> {
        match signer {
            Some(s) => f(&AppSigner(s)),
            None => f(&self.inner.software_signer(system_rng())?),
        }
    }
}

#[uniffi::export]
impl PiPushAccount {
    /// Display label.
    pub fn label(&self) -> String {
        self.inner.label.clone()
    }

    /// Issuer.
    pub fn issuer(&self) -> String {
        self.inner.issuer.clone()
    }

    /// Token serial (also the `accountId` of its pending requests).
    pub fn serial(&self) -> String {
        self.inner.serial.clone()
    }

    /// The server's `/ttype/push` URL.
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// `issuer: label`, as shown in the account list.
    pub fn display_name(&self) -> String {
        self.inner.display_name()
    }

    /// The server delivers requests by polling only.
    pub fn poll_only(&self) -> bool {
        self.inner.poll_only
    }

    /// The server asks that the app be unlocked before answering.
    pub fn require_unlock(&self) -> bool {
        self.inner.require_unlock
    }

    /// The sentence to show on every exchange when certificate checks are off; `None` normally.
    pub fn tls_warning(&self) -> Option<String> {
        client::tls_warning(&self.inner.url, self.inner.sslverify)
    }

    /// True when the request with this nonce was already answered on this device.
    pub fn was_answered(&self, nonce: String) -> bool {
        self.inner.was_answered(&nonce)
    }

    /// The account with `request` recorded as answered. Store it (`DuetVault.updatePiPushAccount`)
    /// BEFORE sending the answer, so the same request is never answered twice whatever happens on
    /// the network; then call [`pipush_send_answer`] with the account as it was before.
    pub fn recording_answer(&self, request: Arc<PiPushRequest>) -> Arc<PiPushAccount> {
        let mut inner = self.inner.clone();
        inner.record_answered(&request.inner.nonce);
        Arc::new(PiPushAccount { inner })
    }
}

/// A privacyIDEA request whose server signature, serial and freshness were checked.
#[derive(uniffi::Object)]
pub struct PiPushRequest {
    inner: core::PiPushRequest,
    pending: duet_core::push::PendingRequest,
}

#[uniffi::export]
impl PiPushRequest {
    /// What to show: the same record as duet push (`protocol` is `PrivacyIdea`, the title and
    /// question are `title` and `message`, presence mode is `NumberMatching.Pick`).
    pub fn pending(&self) -> PendingRequest {
        (&self.pending).into()
    }

    /// The challenge nonce (the request id).
    pub fn nonce(&self) -> String {
        self.inner.nonce.clone()
    }
}

/// What a privacyIDEA poll brought.
#[derive(uniffi::Record)]
pub struct PiPollResult {
    /// Verified requests not yet answered here.
    pub requests: Vec<Arc<PiPushRequest>>,
    /// Codes of requests refused (`E_PIPUSH_SIGNATURE`, `E_PIPUSH_WRONG_SERIAL`,
    /// `E_PIPUSH_ALREADY_ANSWERED`, ...): for logs, never shown as genuine.
    pub rejected_codes: Vec<String>,
}

/// Polls the server (signed `serial|timestamp`) and verifies every request it returns. Pass
/// `signer` for an app-held key, `null`/`nil` for an account enrolled with a software key.
///
/// Errors: `DuetError.Transport`, `DuetError.Push` (`E_PIPUSH_CLOCK`, `E_PIPUSH_DEVICE_REJECTED`,
/// `E_PIPUSH_SERVER`, `E_PIPUSH_RESPONSE`, ...).
#[uniffi::export]
pub fn pipush_poll(
    transport: Arc<dyn HttpTransport>,
    account: Arc<PiPushAccount>,
    signer: Option<Arc<dyn DeviceSigner>>,
    clock: Arc<dyn Clock>,
) -> Result<PiPollResult, DuetError> {
    let now = unix_now_i64(clock.as_ref())?;
    let out = account.with_signer(signer, |s| Ok(client::poll(&AppTransport(transport), &account.inner, s, now)?))?;
    Ok(PiPollResult {
        requests: out
            .requests
            .into_iter()
            .map(|inner| {
                let pending = core::view::pending(&account.inner.serial, &account.inner, &inner);
                Arc::new(PiPushRequest { inner, pending })
            })
            .collect(),
        rejected_codes: out.refused.iter().map(|e| e.code().to_string()).collect(),
    })
}

/// Signs and sends the answer: approve (in presence mode with the picked choice as `number`),
/// or decline ("not me" is privacyIDEA's `unknown_trigger`, "mistake" its `cancelled`).
/// `account` is the account as it was before [`PiPushAccount::recording_answer`].
///
/// Errors: `E_PIPUSH_ALREADY_ANSWERED`, `E_PIPUSH_PRESENCE_REQUIRED`, `E_PIPUSH_PRESENCE_ANSWER`,
/// `E_PIPUSH_ANSWER_REJECTED`, `DuetError.Transport`, ...
#[uniffi::export]
pub fn pipush_send_answer(
    transport: Arc<dyn HttpTransport>,
    account: Arc<PiPushAccount>,
    request: Arc<PiPushRequest>,
    answer: PushAnswer,
    signer: Option<Arc<dyn DeviceSigner>>,
) -> Result<(), DuetError> {
    let answer = core::view::answer(&answer.into());
    account.with_signer(signer, |s| {
        Ok(client::send_answer(&AppTransport(transport), &account.inner, s, &request.inner, &answer)?)
    })
}
