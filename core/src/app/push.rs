//! Push accounts and sign-in requests, one shape for duet and privacyIDEA.
//!
//! Fail safe: a request is answered only after its signature verified in this process, and its
//! id is recorded as answered in the vault before the answer is sent, so it is never answered
//! twice, whatever the network does.

use std::sync::Arc;

use super::accounts::{Added, Notice};
use super::records::{NewKey, PushRecord};
use super::replay::VaultReplay;
use super::signing::{Capture, KeyPurpose, PlatformKey, Supplied};
use super::{App, AppError};
use crate::error::ErrorCode;
use crate::pipush::{self, PiPushRequest};
use crate::push::{
    self, Answer, DeviceSigner, EnrollmentLink, ManualCode, PendingRequest, PushError, PushProvider,
    SignatureAlgorithm, SoftwareP256Signer, VerifiedRequest, endpoints,
};
use crate::transport::{Endpoint, HttpRequest, HttpResponse};
use crate::vault::{ClockOffset, DamagedRecord, Entry, RecordId, VaultError};

/// How long a privacyIDEA nonce is remembered as answered (its requests live minutes).
const PIPUSH_ANSWERED_TTL_SECS: i64 = 3600;

/// A request shown to the user, with what answering it needs.
pub(crate) struct Waiting {
    record: RecordId,
    view: PendingRequest,
    source: Source,
}

enum Source {
    Duet(Box<VerifiedRequest>),
    Pi(Box<PiPushRequest>),
}

/// An answer whose bytes were handed to the app for signing.
pub(crate) struct Prepared {
    request_id: String,
    answer: Answer,
    now: i64,
    message: Vec<u8>,
}

/// A push account as the account list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushAccountView {
    /// Record id.
    pub id: RecordId,
    /// What the user knows it by.
    pub label: String,
    /// The server's name for it: the account id (duet) or the token serial (privacyIDEA), for the
    /// helpdesk.
    pub account_id: String,
    /// duet or privacyIDEA.
    pub protocol: push::PushProtocol,
    /// The server.
    pub url: String,
    /// The device key is held by the platform keystore (not sealed in the vault).
    pub platform_key: bool,
    /// The device key's fingerprint as the helpdesk shows it beside the device (duet accounts).
    pub device_key_fingerprint: Option<String>,
    /// Answers are signed by an answer key of their own, registered beside the device key (duet
    /// accounts enrolled with one).
    pub answer_key: bool,
}

/// A request the server closed meanwhile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosedRequest {
    /// The request id.
    pub request_id: String,
    /// Why: `approved`, `denied`, `failed`, `expired` or `answered_elsewhere`.
    pub status: String,
}

/// One account that could not be polled; the others were.
#[derive(Debug)]
pub struct AccountFailure {
    /// Record id.
    pub id: RecordId,
    /// What the user knows it by.
    pub label: String,
    /// Why.
    pub error: AppError,
}

/// A damaged record is reported by its id; its label cannot be read.
impl From<DamagedRecord> for AccountFailure {
    fn from(d: DamagedRecord) -> Self {
        AccountFailure { error: d.error().into(), id: d.id, label: String::new() }
    }
}

/// What a poll of every push account found.
#[derive(Debug, Default)]
pub struct PollReport {
    /// Verified requests waiting for an answer, in account order.
    pub requests: Vec<PendingRequest>,
    /// Requests the server closed (answered on another device, expired, ...).
    pub closed: Vec<ClosedRequest>,
    /// Accounts that could not be polled.
    pub failures: Vec<AccountFailure>,
    /// Refused requests and TLS warnings, for the log and the "clock is off" hint.
    pub notices: Vec<Notice>,
    /// Server minus device time, seen in the newest signed request.
    pub clock_offset_secs: Option<i64>,
}

/// Where the key that must sign a prepared answer lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyLocation {
    /// A software key in the vault: [`App::answer`] signs by itself.
    Vault,
    /// The platform keystore: sign `message` inside the biometric prompt with this key.
    Platform {
        /// The key's handle as the app created it (empty: find the key by `public_key`).
        handle: Vec<u8>,
        /// The key's public key as registered.
        public_key: Vec<u8>,
    },
}

/// The exact bytes an answer signs (step one of answering).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedAnswer {
    /// The request.
    pub request_id: String,
    /// Sign exactly these bytes (for duet: ECDSA P-256 with SHA-256, DER or raw `r||s`; for
    /// privacyIDEA: RSA PKCS#1 v1.5 with SHA-256).
    pub message: Vec<u8>,
    /// The algorithm.
    pub algorithm: SignatureAlgorithm,
    /// Which key.
    pub key: KeyLocation,
}

/// What the server said to an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerOutcome {
    /// Taken: this answer decides the sign-in.
    Accepted,
    /// Another device of the user answered first.
    AnsweredElsewhere,
    /// The request expired before the answer arrived.
    Expired,
    /// The number did not match the sign-in screen: the server closed the sign-in as failed
    /// (there is no second try).
    WrongNumber,
}

impl App {
    // ------------------------------------------------------------ accounts

    /// Every push account, in list order. Records of a kind this version does not know are left
    /// out; a damaged one stays in its place as its id and code (never hiding the others), so it
    /// can be removed by that id.
    pub fn push_accounts(&self) -> Result<Vec<Entry<PushAccountView>>, AppError> {
        let mut out = Vec::new();
        for entry in self.vault.push_entries()? {
            let sp = match entry {
                Ok(sp) => sp,
                Err(d) => {
                    out.push(Err(d));
                    continue;
                }
            };
            let rec = match PushRecord::decode(&sp) {
                Ok(Some(rec)) => rec,
                Ok(None) => continue,
                Err(e) => {
                    out.push(Err(DamagedRecord { id: sp.id, position: sp.position, code: e.code() }));
                    continue;
                }
            };
            let platform_key = !matches!(self.key_location(&rec), KeyLocation::Vault);
            let (protocol, url, account_id, device_key_fingerprint, answer_key) = match &rec {
                PushRecord::DuetSoftware { account, .. } | PushRecord::DuetPlatform { account, .. } => (
                    push::PushProtocol::Duet,
                    account.url.clone(),
                    account.account_id.clone(),
                    Some(push::wire::fingerprint(&account.device_key)),
                    account.answer_key.is_some(),
                ),
                PushRecord::PiPush(a) => (push::PushProtocol::PrivacyIdea, a.url.clone(), a.serial.clone(), None, false),
            };
            out.push(Ok(PushAccountView {
                id: sp.id,
                label: rec.label(),
                account_id,
                protocol,
                url,
                platform_key,
                device_key_fingerprint,
                answer_key,
            }));
        }
        Ok(out)
    }

    fn record(&self, id: &RecordId) -> Result<PushRecord, AppError> {
        let sp = self.vault.push_account(id)?;
        PushRecord::decode(&sp)?.ok_or(AppError::NoSuchAccount)
    }

    fn store_new(&mut self, rec: &PushRecord) -> Result<RecordId, AppError> {
        let (kind, payload) = rec.encode()?;
        Ok(self.vault.put_push_account(kind, &payload)?)
    }

    fn store(&mut self, id: &RecordId, rec: &PushRecord) -> Result<(), AppError> {
        let (_, payload) = rec.encode()?;
        Ok(self.vault.update_push_account(id, &payload)?)
    }

    fn platform(&self) -> Result<&Arc<dyn super::PlatformKeys>, AppError> {
        self.env.platform_keys.as_ref().ok_or(AppError::NoPlatformKeys)
    }

    /// A synchronous signer for a stored account's key.
    fn signer(&self, rec: &PushRecord) -> Result<Arc<dyn DeviceSigner>, AppError> {
        Ok(match rec {
            PushRecord::DuetSoftware { key_pkcs8, .. } => {
                Arc::new(SoftwareP256Signer::from_pkcs8(key_pkcs8.clone(), self.env.rng.clone())?)
            }
            PushRecord::DuetPlatform { account, key_handle, .. } => {
                let handle = if key_handle.is_empty() { &account.device_key } else { key_handle };
                self.platform()?.signer(handle, SignatureAlgorithm::EcdsaP256Sha256)?
            }
            PushRecord::PiPush(a) => match a.software_signer(self.env.rng.clone()) {
                Ok(s) => Arc::new(s),
                Err(_) => self.platform()?.signer(a.device_key.expose(), SignatureAlgorithm::RsaPkcs1Sha256)?,
            },
        })
    }

    /// A synchronous signer for the key a stored account's answers are signed with: its answer
    /// key, or the device key for accounts registered without one (and privacyIDEA's).
    fn answer_signer(&self, rec: &PushRecord) -> Result<Arc<dyn DeviceSigner>, AppError> {
        match rec {
            PushRecord::DuetSoftware { answer_pkcs8: Some(key), .. } => {
                Ok(Arc::new(SoftwareP256Signer::from_pkcs8(key.clone(), self.env.rng.clone())?))
            }
            PushRecord::DuetPlatform { answer_handle: Some(handle), .. } => {
                Ok(self.platform()?.signer(handle, SignatureAlgorithm::EcdsaP256Sha256)?)
            }
            _ => self.signer(rec),
        }
    }

    /// Where the key that signs a stored account's answers lives.
    fn key_location(&self, rec: &PushRecord) -> KeyLocation {
        match rec {
            PushRecord::DuetSoftware { .. } => KeyLocation::Vault,
            PushRecord::DuetPlatform { account, key_handle, answer_handle } => KeyLocation::Platform {
                handle: answer_handle.as_ref().unwrap_or(key_handle).clone(),
                public_key: account.answer_public_key().to_vec(),
            },
            PushRecord::PiPush(a) => match a.software_signer(self.env.rng.clone()) {
                Ok(_) => KeyLocation::Vault,
                Err(_) => KeyLocation::Platform { handle: a.device_key.expose().to_vec(), public_key: Vec::new() },
            },
        }
    }

    /// A new duet key for `purpose`, in the platform keystore or as a software key for the
    /// vault, and how the record keeps it once the server accepted it.
    fn new_duet_key(&self, on_platform: bool, purpose: KeyPurpose) -> Result<(Arc<dyn DeviceSigner>, NewKey), AppError> {
        if on_platform {
            let PlatformKey { handle, signer } = self.platform()?.create_key(SignatureAlgorithm::EcdsaP256Sha256, purpose)?;
            return Ok((signer, NewKey::Platform(handle)));
        }
        let key = SoftwareP256Signer::generate(self.env.rng.clone())?;
        let pkcs8 = key.export_pkcs8();
        Ok((Arc::new(key), NewKey::Software(pkcs8)))
    }

    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, AppError> {
        Ok(self.env.transport.send(request)?)
    }

    fn post_duet(&self, url: &str, path: &str, body: Vec<u8>) -> Result<Vec<u8>, AppError> {
        let resp = self.send(&endpoints::post(url, path, body)?)?;
        Ok(endpoints::response_body(&resp)?)
    }

    // ------------------------------------------------------------ enrollment

    /// What a manual activation code enrolls (the server's link, its host checked against the
    /// code's): show the server key's fingerprint before [`App::enroll_duet`].
    pub fn lookup_manual_code(&self, code: &ManualCode) -> Result<EnrollmentLink, AppError> {
        let endpoint = Endpoint::parse(&code.lookup_url(), true)?;
        let resp = self.send(&HttpRequest::get(&endpoint, &[]))?;
        let body = endpoints::response_body(&resp)?;
        Ok(push::parse_enrollment_lookup(code, &body, self.now())?)
    }

    /// Registers a new device key and answer key with a duet server and stores the account (and
    /// the OTP account the server may hand out for offline passcodes).
    pub fn enroll_duet(&mut self, link: &EnrollmentLink) -> Result<Added, AppError> {
        let on_platform = self.env.platform_keys.is_some();
        let (signer, device) = self.new_duet_key(on_platform, KeyPurpose::DeviceCalls)?;
        let (answer_signer, answer_key_store) = self.new_duet_key(on_platform, KeyPurpose::Answers)?;
        let answer_key = push::normalize_public_key(SignatureAlgorithm::EcdsaP256Sha256, &answer_signer.public_key())?;
        // Used only to open this answer's offline passcode secret: never stored, wiped on return.
        let agreement = push::AgreementKey::generate(self.env.rng.as_ref())?;
        let body = push::build_registration_with_answer_key(
            link,
            signer.as_ref(),
            &answer_key,
            &agreement,
            &self.env.device,
            self.now(),
        )?;
        let answer = self.post_duet(&link.url, endpoints::REGISTER, body)?;
        let registered = push::finish_registration(link, signer.as_ref(), &agreement, &answer, self.now())?;
        let account = push::PushAccount { answer_key: Some(answer_key), ..registered.account };
        let rec = PushRecord::new_duet(account, device, answer_key_store)?;
        let id = self.store_new(&rec)?;
        let mut notices = Vec::new();
        if let Some(uri) = registered.otp_uri {
            // finish_registration returns only UTF-8 URIs.
            match crate::uri::parse(std::str::from_utf8(uri.expose()).unwrap_or_default()) {
                Ok(parsed) => {
                    self.vault.add_otp(&parsed.account)?;
                    self.codes.invalidate();
                }
                Err(e) => notices.push(Notice { code: e.code(), message: e.to_string() }),
            }
        }
        Ok(Added::Push { id, label: rec.label(), notices })
    }

    /// Enrolls a privacyIDEA push token (`otpauth://pipush/…`) and stores it.
    pub(crate) fn enroll_pipush(&mut self, text: &str) -> Result<Added, AppError> {
        let enrollment = pipush::parse_enrollment_uri(text)?;
        let mut notices = Vec::new();
        if let Some(w) = pipush::client::tls_warning(&enrollment.url, enrollment.sslverify) {
            notices.push(Notice { code: "W_PIPUSH_TLS_UNVERIFIED", message: w });
        }
        // The URL policy is checked before seconds are spent on an RSA key.
        Endpoint::parse(&enrollment.url, enrollment.sslverify)?;
        let (signer, stored_key): (Arc<dyn DeviceSigner>, crate::secret::Secret) = match &self.env.platform_keys {
            Some(keys) => {
                let PlatformKey { handle, signer } = keys.create_key(SignatureAlgorithm::RsaPkcs1Sha256, KeyPurpose::DeviceCalls)?;
                (signer, crate::secret::Secret::new(handle))
            }
            None => {
                let key = pipush::DeviceKey::generate(&mut pipush::keys::OsRng)?;
                let pkcs8 = key.pkcs8().clone();
                (Arc::new(pipush::RsaSoftwareSigner::new(key, self.env.rng.clone())?), pkcs8)
            }
        };
        let account = pipush::client::enroll(self.env.transport.as_ref(), &enrollment, signer.as_ref(), stored_key)?;
        let rec = PushRecord::PiPush(account);
        let id = self.store_new(&rec)?;
        Ok(Added::Push { id, label: rec.label(), notices })
    }

    /// Tells the server this device is gone, then forgets the account. privacyIDEA has no such
    /// call: its token is only forgotten here (the administrator removes it on the server). A
    /// damaged record cannot name its server or sign: it is only forgotten here, by its id.
    pub fn unenroll(&mut self, id: &RecordId) -> Result<(), AppError> {
        let rec = match self.record(id) {
            Ok(rec) => Some(rec),
            Err(AppError::AccountDamaged | AppError::Vault(VaultError::RecordCorrupt { .. })) => None,
            Err(e) => return Err(e),
        };
        if let Some((rec, account)) = rec.as_ref().and_then(|r| Some((r, r.duet_account()?))) {
            let signer = self.signer(rec)?;
            let body = push::build_unenroll(account, signer.as_ref(), self.now())?;
            self.post_duet(&account.url, endpoints::UNENROLL, body)?;
        }
        self.vault.remove_push_account(id)?;
        self.waiting.retain(|w| &w.record != id);
        Ok(())
    }

    /// Replaces a duet account's device key: the server accepts the new key (signed by the old
    /// and the new one) before it is stored. The answer key stays: a device key cannot replace it.
    pub fn rotate_device_key(&mut self, id: &RecordId) -> Result<(), AppError> {
        let rec = self.record(id)?;
        let account = rec.duet_account().ok_or(AppError::NoSuchAccount)?.clone();
        let old = self.signer(&rec)?;
        // The new key is held where the old one was.
        let (new, key) = self.new_duet_key(matches!(rec, PushRecord::DuetPlatform { .. }), KeyPurpose::DeviceCalls)?;
        let body = push::build_device_key_rotation(&account, old.as_ref(), new.as_ref(), self.now())?;
        self.post_duet(&account.url, endpoints::ROTATE_KEY, body)?;
        let rotated = push::with_rotated_device_key(&account, new.as_ref())?;
        self.store(id, &rec.with_device_key(rotated, key)?)
    }

    /// Sends the platform push token (FCM or APNs) to every duet server; returns the accounts
    /// that failed.
    pub fn register_push_token(&mut self, provider: PushProvider, token: &str) -> Result<Vec<AccountFailure>, AppError> {
        let mut failures = Vec::new();
        for entry in self.vault.push_entries()? {
            let sp = match entry {
                Ok(sp) => sp,
                Err(d) => {
                    failures.push(d.into());
                    continue;
                }
            };
            let Some(rec) = PushRecord::decode(&sp)? else { continue };
            let Some(account) = rec.duet_account() else { continue };
            let sent = self.signer(&rec).and_then(|s| {
                let body = push::build_push_token(account, s.as_ref(), provider, token, self.now())?;
                self.post_duet(&account.url, endpoints::PUSH_TOKEN, body).map(|_| ())
            });
            if let Err(error) = sent {
                failures.push(AccountFailure { id: sp.id.clone(), label: rec.label(), error });
            }
        }
        Ok(failures)
    }

    /// The newest clock offset seen in a signed request.
    pub fn clock_offset(&self) -> Result<Option<ClockOffset>, AppError> {
        Ok(self.vault.clock_offset()?)
    }

    // ------------------------------------------------------------ requests

    /// Polls every push account. One unreachable server does not hide the others: its failure
    /// is reported beside the requests.
    pub fn poll(&mut self) -> Result<PollReport, AppError> {
        // Answered ids no copy of a request can use any more are forgotten here, so the replay
        // memory stays the size of the requests still in flight.
        self.vault.prune_challenges(self.now())?;
        let mut report = PollReport::default();
        let mut waiting = Vec::new();
        for entry in self.vault.push_entries()? {
            let sp = match entry {
                Ok(sp) => sp,
                Err(d) => {
                    report.failures.push(d.into());
                    continue;
                }
            };
            let rec = match PushRecord::decode(&sp) {
                Ok(Some(rec)) => rec,
                Ok(None) => continue,
                Err(error) => {
                    report.failures.push(AccountFailure { id: sp.id.clone(), label: sp.kind.clone(), error });
                    continue;
                }
            };
            let label = rec.label();
            let polled = match rec {
                PushRecord::PiPush(_) => self.poll_pipush(&sp.id, &rec, &mut report),
                _ => self.poll_duet(&sp.id, rec, &mut report),
            };
            match polled {
                Ok(mut w) => waiting.append(&mut w),
                Err(error) => report.failures.push(AccountFailure { id: sp.id.clone(), label, error }),
            }
        }
        report.requests = waiting.iter().map(|w: &Waiting| w.view.clone()).collect();
        // An answer being signed in a prompt survives a poll while its request still waits.
        self.prepared.retain(|p| waiting.iter().any(|w| w.view.request_id == p.request_id));
        self.waiting = waiting;
        Ok(report)
    }

    /// The requests found by the last poll and not answered since.
    pub fn pending(&self) -> Vec<PendingRequest> {
        self.waiting.iter().map(|w| w.view.clone()).collect()
    }

    fn poll_duet(&mut self, id: &RecordId, mut rec: PushRecord, report: &mut PollReport) -> Result<Vec<Waiting>, AppError> {
        let account = rec.duet_account().ok_or(AppError::AccountDamaged)?.clone();
        let signer = self.signer(&rec)?;
        let body = push::build_poll(&account, signer.as_ref(), self.now())?;
        let body = self.post_duet(&account.url, endpoints::POLL, body)?;
        let now = self.now();
        let out = push::parse_poll_response(&account, &body, now, &VaultReplay::new(&mut self.vault))?;
        for e in &out.rejected {
            report.notices.push(Notice { code: e.code(), message: e.to_string() });
        }
        report.closed.extend(out.closed.into_iter().map(|(request_id, status)| ClosedRequest { request_id, status }));
        // A signed request is the only trusted clock a phone sees.
        if let Some(r) = out.requests.last() {
            report.clock_offset_secs = Some(r.clock_offset_secs);
            self.vault.set_clock_offset(&ClockOffset {
                offset_secs: r.clock_offset_secs,
                source: format!("signed request from {}", account.url),
                observed_at: u64::try_from(now).unwrap_or(0),
            })?;
        }
        if let Some(rotated) = out.rotated {
            match &mut rec {
                PushRecord::DuetSoftware { account, .. } | PushRecord::DuetPlatform { account, .. } => *account = rotated,
                PushRecord::PiPush(_) => {}
            }
            self.store(id, &rec)?;
        }
        Ok(out
            .requests
            .into_iter()
            .map(|r| Waiting { record: id.clone(), view: r.pending.clone(), source: Source::Duet(Box::new(r)) })
            .collect())
    }

    fn poll_pipush(&mut self, id: &RecordId, rec: &PushRecord, report: &mut PollReport) -> Result<Vec<Waiting>, AppError> {
        let PushRecord::PiPush(account) = rec else { return Err(AppError::AccountDamaged) };
        if let Some(w) = pipush::client::tls_warning(&account.url, account.sslverify) {
            report.notices.push(Notice { code: "W_PIPUSH_TLS_UNVERIFIED", message: w });
        }
        let signer = self.signer(rec)?;
        let out = pipush::client::poll(self.env.transport.as_ref(), account, signer.as_ref(), self.now())?;
        for e in &out.refused {
            report.notices.push(Notice { code: e.code(), message: e.to_string() });
        }
        let mut list = Vec::new();
        for request in out.requests {
            if self.vault.challenge_seen(&id.0, &request.nonce)? || account.was_answered(&request.nonce) {
                let e = pipush::PiPushError::AlreadyAnswered;
                report.notices.push(Notice { code: e.code(), message: e.to_string() });
                continue;
            }
            let view = pipush::view::pending(&id.0, account, &request);
            list.push(Waiting { record: id.clone(), view, source: Source::Pi(Box::new(request)) });
        }
        Ok(list)
    }

    fn waiting(&self, request_id: &str) -> Result<&Waiting, AppError> {
        self.waiting.iter().find(|w| w.view.request_id == request_id).ok_or(AppError::RequestNotWaiting)
    }

    /// Step one of answering: checks the answer (expiry, number) and returns the exact bytes to
    /// sign. Nothing is recorded yet, so a cancelled prompt leaves the request answerable.
    pub fn prepare_answer(&mut self, request_id: &str, answer: Answer) -> Result<PreparedAnswer, AppError> {
        let now = self.now();
        let w = self.waiting(request_id)?;
        let rec = self.record(&w.record)?;
        if self.vault.challenge_seen(&w.record.0, request_id)? {
            return Err(PushError::Replayed.into());
        }
        let key = self.key_location(&rec);
        let (algorithm, public_key) = answer_key(&rec);
        let capture = Capture::new(algorithm, public_key);
        // The builder stops at signing; any failure before that (expired, wrong number) is real.
        let built = build(&rec, w, &answer, &capture, now, &mut None);
        let message = match (capture.take(), built) {
            (Some(m), _) => m,
            (None, Err(e)) => return Err(e),
            (None, Ok(_)) => return Err(AppError::NotPrepared),
        };
        self.prepared.retain(|p| p.request_id != request_id);
        self.prepared.push(Prepared { request_id: request_id.to_string(), answer, now, message: message.clone() });
        Ok(PreparedAnswer { request_id: request_id.to_string(), message, algorithm, key })
    }

    /// Step two: the signature the app made over the prepared bytes. Records the answer in the
    /// vault, then sends it.
    pub fn submit_answer(&mut self, request_id: &str, signature: &[u8]) -> Result<AnswerOutcome, AppError> {
        let pos = self.prepared.iter().position(|p| p.request_id == request_id).ok_or(AppError::NotPrepared)?;
        let prepared = self.prepared.remove(pos);
        let wpos = self.waiting.iter().position(|w| w.view.request_id == request_id).ok_or(AppError::RequestNotWaiting)?;
        let w = self.waiting.remove(wpos);
        let mut rec = self.record(&w.record)?;
        let (algorithm, public_key) = answer_key(&rec);
        let supplied = Supplied::new(algorithm, public_key, prepared.message, signature.to_vec());
        let mut vault = Some(&mut self.vault);
        let request = match build(&rec, &w, &prepared.answer, &supplied, prepared.now, &mut vault) {
            Ok(r) => r,
            Err(e) => {
                // Not recorded: the request stays answerable.
                self.waiting.insert(wpos, w);
                return Err(e);
            }
        };
        if let (PushRecord::PiPush(account), Source::Pi(req)) = (&mut rec, &w.source) {
            let expires = prepared.now.saturating_add(PIPUSH_ANSWERED_TTL_SECS);
            if !self.vault.mark_challenge_seen(&w.record.0, &req.nonce, expires)? {
                return Err(pipush::PiPushError::AlreadyAnswered.into());
            }
            account.record_answered(&req.nonce);
            self.store(&w.record, &rec)?;
        }
        let resp = self.send(&request)?;
        match &rec {
            PushRecord::PiPush(_) => {
                pipush::protocol::parse_answer_response(&resp)?;
                Ok(AnswerOutcome::Accepted)
            }
            _ => duet_outcome(&resp),
        }
    }

    /// Answers in one step with a synchronous signer: the vault's software key, or the platform
    /// keystore's signer for keys that need no prompt.
    pub fn answer(&mut self, request_id: &str, answer: Answer) -> Result<AnswerOutcome, AppError> {
        let prepared = self.prepare_answer(request_id, answer)?;
        let record = self.waiting(request_id)?.record.clone();
        let signer = self.answer_signer(&self.record(&record)?)?;
        let signature = signer.sign(&prepared.message)?;
        self.submit_answer(request_id, &signature)
    }
}

/// The algorithm and registered public key an answer of `rec` is signed with: the answer key, or
/// the device key of accounts registered without one (privacyIDEA's RSA keys are checked by the
/// server, so their public key is not needed here).
fn answer_key(rec: &PushRecord) -> (SignatureAlgorithm, Vec<u8>) {
    match rec.duet_account() {
        Some(account) => (SignatureAlgorithm::EcdsaP256Sha256, account.answer_public_key().to_vec()),
        None => (SignatureAlgorithm::RsaPkcs1Sha256, Vec::new()),
    }
}

/// Builds the answer's HTTP request with `signer`. With the vault given, a duet answer is recorded
/// as answered there (atomically, after signing); privacyIDEA answers are recorded by the caller.
fn build(
    rec: &PushRecord,
    w: &Waiting,
    answer: &Answer,
    signer: &dyn DeviceSigner,
    now: i64,
    vault: &mut Option<&mut crate::vault::Vault>,
) -> Result<HttpRequest, AppError> {
    match (&w.source, rec) {
        (Source::Duet(request), rec) => {
            let account = rec.duet_account().ok_or(AppError::AccountDamaged)?;
            let body = match vault.as_deref_mut() {
                Some(v) => push::build_answer(account, request, answer, signer, now, &VaultReplay::new(v))?,
                None => push::build_answer(account, request, answer, signer, now, &push::MemoryReplayStore::new())?,
            };
            Ok(endpoints::post(&account.url, endpoints::ANSWER, body)?)
        }
        (Source::Pi(request), PushRecord::PiPush(account)) => {
            Ok(pipush::protocol::answer_request(account, signer, request, &pipush::view::answer(answer))?)
        }
        (Source::Pi(_), _) => Err(AppError::AccountDamaged),
    }
}

/// The server's word on a duet answer: another device's earlier answer, expiry and a wrong
/// number closed the sign-in; they are outcomes the user is shown, not failures.
fn duet_outcome(resp: &HttpResponse) -> Result<AnswerOutcome, AppError> {
    match endpoints::response_body(resp) {
        Ok(_) => Ok(AnswerOutcome::Accepted),
        Err(PushError::Server { reason }) => match reason.as_str() {
            "E_VERIFIER_ALREADY_ANSWERED" => Ok(AnswerOutcome::AnsweredElsewhere),
            "E_VERIFIER_EXPIRED" => Ok(AnswerOutcome::Expired),
            "E_VERIFIER_WRONG_NUMBER" => Ok(AnswerOutcome::WrongNumber),
            _ => Err(PushError::Server { reason }.into()),
        },
        Err(e) => Err(e.into()),
    }
}
