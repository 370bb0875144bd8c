//! The application layer (`duet_core::app`) for the apps: one object, [`DuetApp`], with the code
//! list, adding from any scanned text, push accounts and answering in two steps. Conversion only.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use duet_core::app::{self as core, App, AppEnv};
use duet_core::keys;
use duet_core::push::{self as corepush, SignatureAlgorithm};
use duet_core::vault::{LockedVault, RecordId, Vault};

use crate::account::Account;
use crate::clock::{Clock, unix_now_i64};
use crate::error::DuetError;
use crate::http::{AppTransport, HttpTransport};
use crate::push::{AppSigner, DeviceInfo, DeviceSigner, EnrollmentLink, ManualCode, PendingRequest, PushAnswer, PushProtocol, PushProvider, SignerAlgorithm};
use crate::vault::{StoredAccount, VaultKeyProvider, app_key, env as vault_env};

/// What a new key signs, which decides how the keystore guards it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum KeyPurpose {
    /// Calls signed without the user (polls, push tokens, key rotation, unenrollment): no
    /// per-use authentication. privacyIDEA's one key is of this kind.
    DeviceCalls,
    /// duet approve and deny answers only: the keystore demands the user (biometric or device
    /// credential) for every use.
    Answers,
}

impl From<core::KeyPurpose> for KeyPurpose {
    fn from(p: core::KeyPurpose) -> Self {
        match p {
            core::KeyPurpose::DeviceCalls => KeyPurpose::DeviceCalls,
            core::KeyPurpose::Answers => KeyPurpose::Answers,
        }
    }
}

/// The app's keystore for device keys (Android Keystore, iOS Secure Enclave / Keychain).
#[uniffi::export(with_foreign)]
pub trait PlatformKeystore: Send + Sync {
    /// Creates a key for an account being enrolled (P-256 for duet, RSA for privacyIDEA), guarded
    /// as `purpose` says, and returns the handle (alias) the app finds it by; the handle is
    /// sealed in the vault.
    fn create_key(&self, algorithm: SignerAlgorithm, purpose: KeyPurpose) -> Result<Vec<u8>, DuetError>;
    /// A signer for the key with this handle, for calls signed without a prompt (polls, key
    /// rotation, unenrollment, push tokens) and the registration proof; for an answer key only
    /// its public key is read (signing may fail outside the prompt).
    fn signer(&self, handle: Vec<u8>, algorithm: SignerAlgorithm) -> Result<Arc<dyn DeviceSigner>, DuetError>;
}

fn ffi_alg(a: SignatureAlgorithm) -> SignerAlgorithm {
    match a {
        SignatureAlgorithm::EcdsaP256Sha256 => SignerAlgorithm::EcdsaP256Sha256,
        SignatureAlgorithm::RsaPkcs1Sha256 => SignerAlgorithm::RsaPkcs1Sha256,
    }
}

fn signer_err(e: DuetError) -> corepush::SignerError {
    match e.code() {
        "E_PUSH_SIGNER_CANCELLED" => corepush::SignerError::Cancelled,
        "E_PUSH_SIGNER_UNAVAILABLE" => corepush::SignerError::KeyUnavailable,
        _ => corepush::SignerError::Failed(e.reason().to_string()),
    }
}

struct AppKeys(Arc<dyn PlatformKeystore>);

impl core::PlatformKeys for AppKeys {
    fn create_key(&self, algorithm: SignatureAlgorithm, purpose: core::KeyPurpose) -> Result<core::PlatformKey, corepush::SignerError> {
        let handle = self.0.create_key(ffi_alg(algorithm), purpose.into()).map_err(signer_err)?;
        let signer = self.signer(&handle, algorithm)?;
        Ok(core::PlatformKey { handle, signer })
    }
    fn signer(&self, handle: &[u8], algorithm: SignatureAlgorithm) -> Result<Arc<dyn corepush::DeviceSigner>, corepush::SignerError> {
        let s = self.0.signer(handle.to_vec(), ffi_alg(algorithm)).map_err(signer_err)?;
        Ok(Arc::new(AppSigner(s)))
    }
}

/// What the app supplies when it opens its vault.
#[derive(uniffi::Record)]
pub struct AppServices {
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// HTTP (OkHttp, URLSession).
    pub transport: Arc<dyn HttpTransport>,
    /// Device keys; without it new keys are software keys sealed in the vault.
    pub keystore: Option<Arc<dyn PlatformKeystore>>,
    /// How this phone describes itself when it enrolls.
    pub device: DeviceInfo,
}

fn app_env(s: AppServices) -> AppEnv {
    let clock = s.clock;
    AppEnv {
        // A failing clock callback reads as 0: requests then fail their time checks, visibly.
        clock: Arc::new(move || unix_now_i64(clock.as_ref()).unwrap_or(0)),
        rng: Arc::new(ring::rand::SystemRandom::new()),
        transport: Arc::new(AppTransport(s.transport)),
        platform_keys: s.keystore.map(|k| Arc::new(AppKeys(k)) as Arc<dyn core::PlatformKeys>),
        device: corepush::DeviceInfo { name: s.device.name, platform: s.device.platform, keystore: s.device.keystore },
    }
}

/// The code list at one moment: one `codes()` call per screen refresh.
///
/// It carries only what changes between refreshes: the label, period and kind of each account
/// come from `accounts()`, joined by id. Its records are kept small because every field is read
/// one by one out of the returned buffer on the Kotlin and Swift side, and a 1,000-account list
/// pays that per field a thousand times.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CodeList {
    /// Every account that has a code, in list order.
    pub entries: Vec<CodeEntry>,
    /// The accounts that have none (e.g. the time lies before their `T0`, or the record is
    /// damaged: `E_VAULT_RECORD_CORRUPT`, removed by its id), in list order.
    pub problems: Vec<CodeProblem>,
}

/// One account's codes.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CodeEntry {
    /// Record id (as in `accounts()`).
    pub id: String,
    /// The code to show now (HOTP: the code of the stored counter).
    pub code: String,
    /// TOTP/Steam: the next period's code, for showing near the end of a period. HOTP: empty, its
    /// next code comes from `nextHotp`.
    pub next_code: String,
    /// TOTP/Steam: seconds until `code` changes. HOTP: 0.
    pub seconds_left: u32,
}

/// An account of the code list that has no code.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CodeProblem {
    /// Record id.
    pub id: String,
    /// Stable code of the problem.
    pub error_code: String,
}

/// A warning or a left-out entry.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Notice {
    /// Stable code.
    pub code: String,
    /// What to tell the user.
    pub message: String,
}

fn notices(n: Vec<core::accounts::Notice>) -> Vec<Notice> {
    n.into_iter().map(|n| Notice { code: n.code.to_string(), message: n.message }).collect()
}

/// What adding a scanned text did.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum AddResult {
    /// One OTP account stored.
    Otp {
        /// Record id.
        id: String,
        /// `Issuer:name`.
        label: String,
        /// Warnings.
        warnings: Vec<Notice>,
    },
    /// One part of a multi-QR transfer read; scan the `missing` parts (numbered from 1).
    TransferPart {
        /// Parts still to scan.
        missing: Vec<u32>,
        /// Parts in all.
        total: u32,
    },
    /// A whole transfer stored.
    Transfer {
        /// Record ids.
        ids: Vec<String>,
        /// Accounts left out.
        skipped: Vec<Notice>,
    },
    /// A push account enrolled and stored.
    Push {
        /// Record id.
        id: String,
        /// What the user knows it by.
        label: String,
        /// Warnings.
        notices: Vec<Notice>,
    },
}

impl From<core::accounts::Added> for AddResult {
    fn from(a: core::accounts::Added) -> Self {
        use core::accounts::Added;
        match a {
            Added::Otp { id, label, warnings } => AddResult::Otp { id: id.0, label, warnings: notices(warnings) },
            Added::TransferPart { missing, total } => AddResult::TransferPart { missing, total },
            Added::Transfer { ids, skipped } => AddResult::Transfer {
                ids: ids.into_iter().map(|i| i.0).collect(),
                skipped: notices(skipped),
            },
            Added::Push { id, label, notices: n } => AddResult::Push { id: id.0, label, notices: notices(n) },
        }
    }
}

/// A push account in the account list, or a damaged record in its place.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PushAccountEntry {
    /// Record id; a damaged record is removed by it.
    pub id: String,
    /// What the user knows it by; empty when `error_code` is set (as are `account_id` and `url`).
    pub label: String,
    /// The server's name for it (duet account id, privacyIDEA serial), for the helpdesk.
    pub account_id: String,
    /// Protocol; `None` when `error_code` is set.
    pub protocol: Option<PushProtocol>,
    /// Server URL.
    pub url: String,
    /// The key is in the platform keystore.
    pub platform_key: bool,
    /// The device key's fingerprint as the helpdesk shows it beside the device (duet accounts).
    pub device_key_fingerprint: Option<String>,
    /// Answers are signed by an answer key of their own (duet accounts enrolled with one).
    pub answer_key: bool,
    /// Stable code when the record cannot be read (`E_VAULT_RECORD_CORRUPT`,
    /// `E_APP_ACCOUNT_DAMAGED`): show the row as damaged and offer to remove it.
    pub error_code: Option<String>,
}

/// An account that could not be polled (or reached).
#[derive(Debug, uniffi::Record)]
pub struct AccountProblem {
    /// Record id.
    pub id: String,
    /// What the user knows it by.
    pub label: String,
    /// The error.
    pub error: DuetError,
}

fn problems(f: Vec<core::push::AccountFailure>) -> Vec<AccountProblem> {
    f.into_iter().map(|f| AccountProblem { id: f.id.0, label: f.label, error: f.error.into() }).collect()
}

/// A request the server closed meanwhile.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ClosedSignIn {
    /// Request id.
    pub request_id: String,
    /// `approved`, `denied`, `failed`, `expired` or `answered_elsewhere`.
    pub status: String,
}

/// What a poll of every push account found.
#[derive(Debug, uniffi::Record)]
pub struct PollSummary {
    /// Requests to show.
    pub requests: Vec<PendingRequest>,
    /// Requests closed on the server.
    pub closed: Vec<ClosedSignIn>,
    /// Accounts that could not be polled.
    pub failures: Vec<AccountProblem>,
    /// Refused requests and warnings (for the log and the clock hint).
    pub notices: Vec<Notice>,
    /// Server minus phone time in the newest signed request.
    pub clock_offset_secs: Option<i64>,
}

/// The bytes to sign inside the biometric prompt.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct AnswerToSign {
    /// The request.
    pub request_id: String,
    /// Sign exactly these bytes (the signer hashes them: SHA256withECDSA / SHA256withRSA).
    pub message: Vec<u8>,
    /// Algorithm.
    pub algorithm: SignerAlgorithm,
    /// The handle of the platform key that must sign (the answer key, or the device key of accounts
    /// registered without one); `None` when the key is a software key in the vault (then call
    /// `answer` instead, or sign with nothing: the core does it).
    pub key_handle: Option<Vec<u8>>,
    /// The platform key's public key as registered (duet), to find keys stored without a handle.
    pub public_key: Vec<u8>,
}

/// What the server said to an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum AnswerOutcome {
    /// Taken.
    Accepted,
    /// Another device answered first.
    AnsweredElsewhere,
    /// The request expired first.
    Expired,
    /// The number did not match the sign-in screen; the sign-in failed (no second try).
    WrongNumber,
}

impl From<core::push::AnswerOutcome> for AnswerOutcome {
    fn from(o: core::push::AnswerOutcome) -> Self {
        match o {
            core::push::AnswerOutcome::Accepted => AnswerOutcome::Accepted,
            core::push::AnswerOutcome::AnsweredElsewhere => AnswerOutcome::AnsweredElsewhere,
            core::push::AnswerOutcome::Expired => AnswerOutcome::Expired,
            core::push::AnswerOutcome::WrongNumber => AnswerOutcome::WrongNumber,
        }
    }
}

/// The newest offset between the phone's clock and a server's, from a signed request.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ClockOffsetInfo {
    /// Server time minus phone time, in seconds (positive: the phone is behind).
    pub offset_secs: i64,
    /// Where it was seen.
    pub source: String,
    /// Phone time (Unix seconds) of the observation.
    pub observed_at: u64,
    /// The offset is large enough to tell the user their clock is off.
    pub warn: bool,
}

/// What an import stored.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ImportSummary {
    /// Record ids stored.
    pub ids: Vec<String>,
    /// Entries left out.
    pub skipped: Vec<Notice>,
}

/// The application on the phone's vault. Safe to share between threads (calls are serialised).
#[derive(uniffi::Object)]
pub struct DuetApp {
    inner: Mutex<App>,
}

impl DuetApp {
    fn lock(&self) -> MutexGuard<'_, App> {
        // SQLite transactions keep the vault whole whatever panicked; the lock stays usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn wrap(vault: Vault, services: AppServices) -> Arc<Self> {
        Arc::new(DuetApp { inner: Mutex::new(App::new(vault, app_env(services))) })
    }
}

fn id(s: String) -> RecordId {
    RecordId(s)
}

#[uniffi::export]
impl DuetApp {
    /// Creates the vault file at `path` (refused if a file is there), keyed by `provider`.
    #[uniffi::constructor]
    pub fn create(path: String, provider: Arc<dyn VaultKeyProvider>, services: AppServices) -> Result<Arc<Self>, DuetError> {
        let key = app_key(provider.as_ref(), &path)?;
        let vault = Vault::create_with_key(Path::new(&path), &key.0, &[&key], vault_env(services.clock.clone()))?;
        Ok(Self::wrap(vault, services))
    }

    /// Opens the vault at `path`, asking `provider` for its key.
    #[uniffi::constructor]
    pub fn open(path: String, provider: Arc<dyn VaultKeyProvider>, services: AppServices) -> Result<Arc<Self>, DuetError> {
        let locked = LockedVault::open(Path::new(&path))?;
        let key = app_key(provider.as_ref(), &path)?;
        let unlocked = keys::unlock(locked, &[&key], None, vault_env(services.clock.clone()))?;
        Ok(Self::wrap(unlocked.vault, services))
    }

    /// Every account's code now, in list order: one call per screen refresh.
    pub fn codes(&self) -> Result<CodeList, DuetError> {
        let mut app = self.lock();
        let views = app.codes()?;
        let mut list = CodeList { entries: Vec::with_capacity(views.len()), problems: Vec::new() };
        for c in views {
            match c.error {
                Some(e) => list.problems.push(CodeProblem { id: c.id.0.clone(), error_code: e.to_string() }),
                None => list.entries.push(CodeEntry {
                    id: c.id.0.clone(),
                    code: c.code.as_str().to_string(),
                    next_code: c.next_code.as_ref().map(|n| n.as_str().to_string()).unwrap_or_default(),
                    seconds_left: c.seconds_left.unwrap_or(0),
                }),
            }
        }
        Ok(list)
    }

    /// HOTP: reserves the next counter (stored first) and returns its code.
    pub fn next_hotp(&self, id: String) -> Result<String, DuetError> {
        Ok(self.lock().next_hotp(&RecordId(id))?)
    }

    /// Every OTP account (no secrets), in list order; a damaged record in its place with its
    /// error code, never hiding the others.
    pub fn accounts(&self) -> Result<Vec<StoredAccount>, DuetError> {
        Ok(self
            .lock()
            .accounts()?
            .into_iter()
            .map(|e| match e {
                Ok(s) => StoredAccount {
                    label: s.label(),
                    id: s.id.0,
                    issuer: s.account.issuer,
                    name: s.account.name,
                    parameters: Some(s.account.params.into()),
                    error_code: None,
                },
                Err(d) => StoredAccount {
                    label: String::new(),
                    id: d.id.0,
                    issuer: None,
                    name: String::new(),
                    parameters: None,
                    error_code: Some(d.code.to_string()),
                },
            })
            .collect())
    }

    /// Adds what a QR code or the clipboard held (otpauth, transfer parts, duet and privacyIDEA
    /// enrollments).
    pub fn add_scanned(&self, text: String) -> Result<AddResult, DuetError> {
        let text = zeroize::Zeroizing::new(text);
        Ok(self.lock().add_scanned(&text)?.into())
    }

    /// Enrolls with a manual activation code (`SERVER CODE`) once the server key's fingerprint
    /// equals `fingerprint` (the one the helpdesk read out).
    pub fn add_manual_code(&self, code: String, fingerprint: String) -> Result<AddResult, DuetError> {
        Ok(self.lock().add_manual_code(&code, &fingerprint)?.into())
    }

    /// What a manual activation code (`HOST CODE`) enrolls: show its fingerprint and ask before
    /// [`Self::enroll`].
    pub fn lookup_manual_code(&self, code: Arc<ManualCode>) -> Result<Arc<EnrollmentLink>, DuetError> {
        Ok(Arc::new(EnrollmentLink { inner: self.lock().lookup_manual_code(&code.inner)? }))
    }

    /// Enrolls a parsed duet link (from [`EnrollmentLink::parse`] or [`Self::lookup_manual_code`]).
    pub fn enroll(&self, link: Arc<EnrollmentLink>) -> Result<AddResult, DuetError> {
        Ok(self.lock().enroll_duet(&link.inner)?.into())
    }

    /// Stores accounts made in the app (a typed setup key), in one transaction.
    pub fn add_accounts(&self, accounts: Vec<Arc<Account>>) -> Result<Vec<String>, DuetError> {
        let accounts: Vec<duet_core::OtpAccount> = accounts.iter().map(|a| a.core().clone()).collect();
        Ok(self.lock().add_otps(&accounts)?.into_iter().map(|i| i.0).collect())
    }

    /// Parts still missing of a transfer being scanned.
    pub fn transfer_missing(&self) -> Vec<u32> {
        self.lock().transfer_missing()
    }

    /// Abandons a transfer scan under way.
    pub fn cancel_transfer(&self) {
        self.lock().cancel_transfer()
    }

    /// Renames an account.
    pub fn rename(&self, id: String, issuer: Option<String>, name: String) -> Result<(), DuetError> {
        Ok(self.lock().rename(&RecordId(id), issuer, name)?)
    }

    /// Puts the accounts in this order (every account exactly once).
    pub fn reorder(&self, ids: Vec<String>) -> Result<(), DuetError> {
        let ids: Vec<RecordId> = ids.into_iter().map(id).collect();
        Ok(self.lock().reorder(&ids)?)
    }

    /// Deletes an OTP account by id, damaged or not.
    pub fn remove(&self, id: String) -> Result<(), DuetError> {
        Ok(self.lock().remove(&RecordId(id))?)
    }

    /// Imports a backup file and stores its accounts.
    pub fn import_backup(&self, data: Vec<u8>, password: Option<String>) -> Result<ImportSummary, DuetError> {
        let password = password.map(zeroize::Zeroizing::new);
        let r = self.lock().import_backup(&data, password.as_deref().map(String::as_str))?;
        Ok(ImportSummary {
            ids: r.ids.into_iter().map(|i| i.0).collect(),
            skipped: r.skipped.into_iter().map(|s| Notice { code: s.code.to_string(), message: s.reason }).collect(),
        })
    }

    /// Every account as an Aegis-compatible encrypted backup; refused while a record is damaged
    /// (remove it by its id first).
    pub fn export_encrypted(&self, password: String) -> Result<Vec<u8>, DuetError> {
        let password = zeroize::Zeroizing::new(password);
        Ok(self.lock().export_encrypted(&password)?.data.to_vec())
    }

    /// Every push account; a damaged record in its place with its error code.
    pub fn push_accounts(&self) -> Result<Vec<PushAccountEntry>, DuetError> {
        Ok(self
            .lock()
            .push_accounts()?
            .into_iter()
            .map(|e| match e {
                Ok(a) => PushAccountEntry {
                    id: a.id.0,
                    label: a.label,
                    account_id: a.account_id,
                    protocol: Some(match a.protocol {
                        corepush::PushProtocol::Duet => PushProtocol::Duet,
                        corepush::PushProtocol::PrivacyIdea => PushProtocol::PrivacyIdea,
                    }),
                    url: a.url,
                    platform_key: a.platform_key,
                    device_key_fingerprint: a.device_key_fingerprint,
                    answer_key: a.answer_key,
                    error_code: None,
                },
                Err(d) => PushAccountEntry {
                    id: d.id.0,
                    label: String::new(),
                    account_id: String::new(),
                    protocol: None,
                    url: String::new(),
                    platform_key: false,
                    device_key_fingerprint: None,
                    answer_key: false,
                    error_code: Some(d.code.to_string()),
                },
            })
            .collect())
    }

    /// The newest clock offset seen in a signed request; `None` before the first.
    pub fn clock_offset(&self) -> Result<Option<ClockOffsetInfo>, DuetError> {
        Ok(self.lock().clock_offset()?.map(|c| ClockOffsetInfo {
            warn: c.offset_secs.unsigned_abs() > corepush::clock::CLOCK_WARNING_SECS.unsigned_abs(),
            offset_secs: c.offset_secs,
            source: c.source,
            observed_at: c.observed_at,
        }))
    }

    /// Polls every push account.
    pub fn poll(&self) -> Result<PollSummary, DuetError> {
        let r = self.lock().poll()?;
        Ok(PollSummary {
            requests: r.requests.iter().map(PendingRequest::from).collect(),
            closed: r.closed.into_iter().map(|c| ClosedSignIn { request_id: c.request_id, status: c.status }).collect(),
            failures: problems(r.failures),
            notices: notices(r.notices),
            clock_offset_secs: r.clock_offset_secs,
        })
    }

    /// The requests of the last poll not answered since.
    pub fn pending(&self) -> Vec<PendingRequest> {
        self.lock().pending().iter().map(PendingRequest::from).collect()
    }

    /// Step one of answering: the exact bytes to sign inside the biometric prompt.
    pub fn prepare_answer(&self, request_id: String, answer: PushAnswer) -> Result<AnswerToSign, DuetError> {
        let p = self.lock().prepare_answer(&request_id, answer.into())?;
        let (key_handle, public_key) = match p.key {
            core::push::KeyLocation::Vault => (None, Vec::new()),
            core::push::KeyLocation::Platform { handle, public_key } => (Some(handle), public_key),
        };
        Ok(AnswerToSign { request_id: p.request_id, message: p.message, algorithm: ffi_alg(p.algorithm), key_handle, public_key })
    }

    /// Step two: the signature over the prepared bytes (DER or raw). Records, then sends.
    pub fn submit_answer(&self, request_id: String, signature: Vec<u8>) -> Result<AnswerOutcome, DuetError> {
        Ok(self.lock().submit_answer(&request_id, &signature)?.into())
    }

    /// Answers in one step with the key's synchronous signer (software keys, keys without a
    /// prompt).
    pub fn answer(&self, request_id: String, answer: PushAnswer) -> Result<AnswerOutcome, DuetError> {
        Ok(self.lock().answer(&request_id, answer.into())?.into())
    }

    /// Tells the server this device is gone (duet), then forgets the account.
    pub fn unenroll(&self, id: String) -> Result<(), DuetError> {
        Ok(self.lock().unenroll(&RecordId(id))?)
    }

    /// Replaces a duet account's device key (the server accepts it first).
    pub fn rotate_device_key(&self, id: String) -> Result<(), DuetError> {
        Ok(self.lock().rotate_device_key(&RecordId(id))?)
    }

    /// Sends the FCM/APNs token to every duet server; returns the accounts that failed.
    pub fn register_push_token(&self, provider: PushProvider, token: String) -> Result<Vec<AccountProblem>, DuetError> {
        Ok(problems(self.lock().register_push_token(provider.into(), &token)?))
    }
}
