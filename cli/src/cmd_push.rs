//! `duet enroll`, `duet pending`, `duet approve`, `duet deny`: one flow for every
//! kind of account.
//!
//! - `enroll` takes any enrollment text: `otpauth://totp|hotp|steam` (stored like
//!   `add`), duet's own `duet://enroll` link or manual activation code (`--code`),
//!   and privacyIDEA's `otpauth://pipush/` / `pia://pipush/` links.
//! - `pending` polls every push account (duet and privacyIDEA) and lists the
//!   verified requests; `approve` / `deny` poll again, find the request and answer it.
//!
//! Fail safe: a request is only answered after its signature verified in this very
//! run, and its id is recorded as answered in the vault before the answer is sent.

use crate::http::UreqTransport;
use crate::report;
use clap::{Args, ValueEnum};
use duet_core::ErrorCode;
use duet_core::pipush::{self, PiPushAccount, PiPushError, PiPushRequest};
use duet_core::push::endpoints;
use duet_core::push::{self, PendingRequest, PushError, ReplayStore, SoftwareP256Signer};
use duet_core::secret::Secret;
use duet_core::transport::{Endpoint, HttpRequest, HttpTransport, TransportError};
use duet_core::vault::{RecordId, StoredPush, Vault, VaultError};
use serde::{Deserialize, Serialize};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

/// Vault kind tag of privacyIDEA push accounts: the core's, so the CLI and the mobile
/// bindings read each other's vaults.
pub const KIND_PRIVACYIDEA: &str = pipush::account::KIND;
/// Vault kind tag of duet push accounts.
pub const KIND_DUET: &str = "duet";

/// Arguments of `duet enroll`.
#[derive(Args)]
pub struct EnrollArgs {
    /// The enrollment QR text (otpauth://, duet://enroll, pia://pipush/), or - for standard input.
    #[arg(value_name = "LINK|-", required_unless_present = "code", conflicts_with = "code")]
    pub link: Option<String>,
    /// A manual activation code from the helpdesk instead of a QR code.
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,
}

/// Arguments of `duet pending`.
#[derive(Args)]
pub struct PendingArgs {
    /// Print JSON (an array of requests) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `duet approve`.
#[derive(Args)]
pub struct ApproveArgs {
    /// The request id (or a unique prefix) from `duet pending`; optional when one request waits.
    #[arg(value_name = "REQUEST")]
    pub request: Option<String>,
    /// The number shown on the sign-in screen (number matching).
    #[arg(long, value_name = "N", conflicts_with = "answer")]
    pub number: Option<String>,
    /// The answer shown on the sign-in screen (privacyIDEA presence check).
    #[arg(long, value_name = "TEXT")]
    pub answer: Option<String>,
}

/// Why the user denies.
#[derive(Clone, Copy, ValueEnum)]
pub enum ReasonArg {
    /// "This was not me": someone else is trying to sign in.
    #[value(name = "not_me", alias = "not-me")]
    NotMe,
    /// Tapped by mistake / changed my mind (the default).
    Mistake,
}

/// Arguments of `duet deny`.
#[derive(Args)]
pub struct DenyArgs {
    /// The request id (or a unique prefix) from `duet pending`; optional when one request waits.
    #[arg(value_name = "REQUEST")]
    pub request: Option<String>,
    /// Why: not_me reports a sign-in you did not start; mistake (default) just cancels.
    #[arg(long, value_enum)]
    pub reason: Option<ReasonArg>,
}

/// Errors of the push commands themselves.
#[derive(Debug, thiserror::Error)]
pub enum PushCliError {
    /// The enrollment QR image could not be read.
    #[error(transparent)]
    QrImage(#[from] crate::qr_image::QrImageError),
    /// Nothing waits.
    #[error("No sign-in request is waiting.")]
    NonePending,
    /// Several wait and none was named.
    #[error("{0} sign-in requests are waiting; name one (see duet pending).")]
    Ambiguous(usize),
    /// The named request is not waiting (or the prefix matches several).
    #[error("No single waiting sign-in request matches '{0}'; run duet pending to see the waiting ones.")]
    NotFound(String),
    /// `enroll` got text it does not recognise.
    #[error("This is not an enrollment link duet knows (otpauth://, duet://enroll or privacyIDEA pipush); scan the QR code again.")]
    UnknownLink,
    /// Standard input could not be read.
    #[error("Could not read the enrollment link from standard input.")]
    Stdin,
    /// A stored push account cannot be read.
    #[error("A stored push account is damaged; remove it and enroll again.")]
    AccountDamaged,
    /// privacyIDEA push.
    #[error(transparent)]
    PiPush(#[from] PiPushError),
    /// duet push.
    #[error(transparent)]
    Push(#[from] PushError),
    /// The vault.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// HTTP.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// otpauth:// parsing.
    #[error(transparent)]
    Uri(#[from] duet_core::uri::UriError),
}

impl ErrorCode for PushCliError {
    fn code(&self) -> &'static str {
        match self {
            PushCliError::QrImage(e) => e.code(),
            PushCliError::NonePending => "E_CLI_PUSH_NONE_PENDING",
            PushCliError::Ambiguous(_) => "E_CLI_PUSH_AMBIGUOUS",
            PushCliError::NotFound(_) => "E_CLI_PUSH_NOT_FOUND",
            PushCliError::UnknownLink => "E_CLI_ENROLL_UNKNOWN_LINK",
            PushCliError::Stdin => "E_CLI_ENROLL_STDIN",
            PushCliError::AccountDamaged => "E_CLI_PUSH_ACCOUNT_DAMAGED",
            PushCliError::PiPush(e) => e.code(),
            PushCliError::Push(e) => e.code(),
            PushCliError::Vault(e) => e.code(),
            PushCliError::Transport(e) => e.code(),
            PushCliError::Uri(e) => e.code(),
        }
    }
}

type Result<T> = std::result::Result<T, PushCliError>;

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn rng() -> Arc<ring::rand::SystemRandom> {
    Arc::new(ring::rand::SystemRandom::new())
}

fn warn(line: &str) {
    eprintln!("{line}");
}

/// Opens the vault (creating it on first use when `create`) and runs `f` on it.
pub fn run(create: bool, f: impl FnOnce(&mut Vault) -> ExitCode) -> ExitCode {
    match crate::vault_ctx::open(create) {
        Ok(mut opened) => f(&mut opened.vault),
        Err(code) => code,
    }
}

// ---------------------------------------------------------------- stored accounts

/// What duet stores for a duet push account: the account and its software device key.
#[derive(Serialize, Deserialize)]
struct DuetStored {
    account: push::PushAccount,
    #[serde(with = "serde_bytes_secret")]
    device_key_pkcs8: Secret,
}

mod serde_bytes_secret {
    use duet_core::secret::Secret;
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(s: &Secret, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_bytes(s.expose())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<Secret, D::Error> {
        Ok(Secret::new(Vec::<u8>::deserialize(de)?))
    }
}

enum Stored {
    Pi(PiPushAccount),
    Duet(Box<DuetStored>),
}

fn decode(sp: &StoredPush) -> Option<Stored> {
    match sp.kind.as_str() {
        KIND_PRIVACYIDEA => serde_json::from_slice(&sp.payload).ok().map(Stored::Pi),
        KIND_DUET => serde_json::from_slice(&sp.payload).ok().map(|d| Stored::Duet(Box::new(d))),
        _ => None,
    }
}

// ---------------------------------------------------------------- enroll

/// Runs `duet enroll` on an open vault.
pub fn enroll(vault: &mut Vault, args: EnrollArgs) -> ExitCode {
    match enroll_inner(vault, &args, &UreqTransport) {
        Ok(name) => {
            println!("{name}");
            ExitCode::SUCCESS
        }
        Err(e) => report::fail(&e),
    }
}

fn read_link(arg: &str) -> Result<zeroize::Zeroizing<String>> {
    // A photo or screenshot of the enrollment QR code works as well as its text.
    let path = std::path::Path::new(arg);
    if arg != "-" && !arg.contains("://") && path.is_file() {
        return Ok(crate::qr_image::read_qr_file(path)?);
    }
    if arg != "-" {
        return Ok(zeroize::Zeroizing::new(arg.trim().to_string()));
    }
    let mut text = zeroize::Zeroizing::new(String::new());
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|_| PushCliError::Stdin)?;
    Ok(zeroize::Zeroizing::new(text.trim().to_string()))
}

fn enroll_inner(vault: &mut Vault, args: &EnrollArgs, t: &dyn HttpTransport) -> Result<String> {
    if let Some(code) = &args.code {
        let code = push::ManualCode::parse(code)?;
        let endpoint = Endpoint::parse(&code.lookup_url(), true)?;
        let resp = t.send(&HttpRequest::get(&endpoint, &[]))?;
        let body = endpoints::response_body(&resp)?;
        let link = push::parse_enrollment_lookup(&code, &body, now())?;
        return enroll_duet(vault, &link, t);
    }
    let text = read_link(args.link.as_deref().unwrap_or("-"))?;
    let lower = text.get(..16).unwrap_or(&text).to_ascii_lowercase();
    if pipush::is_pipush_uri(&text) {
        enroll_privacyidea(vault, &text, t)
    } else if lower.starts_with("duet://") || lower.starts_with("https://") {
        let link = push::EnrollmentLink::parse(&text, now())?;
        enroll_duet(vault, &link, t)
    } else if lower.starts_with("otpauth://") {
        let parsed = duet_core::uri::parse(&text)?;
        for w in &parsed.warnings {
            warn(&format!("warning {}: {}", w.code(), w));
        }
        vault.add_otp(&parsed.account)?;
        Ok(match &parsed.account.issuer {
            Some(i) if !i.is_empty() => format!("{i}:{}", parsed.account.name),
            _ => parsed.account.name.clone(),
        })
    } else {
        Err(PushCliError::UnknownLink)
    }
}

fn enroll_privacyidea(vault: &mut Vault, text: &str, t: &dyn HttpTransport) -> Result<String> {
    let enrollment = pipush::parse_enrollment_uri(text)?;
    if let Some(w) = pipush::client::tls_warning(&enrollment.url, enrollment.sslverify) {
        warn(&w);
    }
    // Check the URL policy before spending seconds on an RSA-4096 key.
    Endpoint::parse(&enrollment.url, enrollment.sslverify)?;
    let device = pipush::DeviceKey::generate(&mut rsa_rng())?;
    let pkcs8 = device.pkcs8().clone();
    let signer = pipush::RsaSoftwareSigner::new(device, rng())?;
    let account = pipush::client::enroll(t, &enrollment, &signer, pkcs8)?;
    let payload = zeroize::Zeroizing::new(serde_json::to_vec(&account).map_err(|_| PushCliError::AccountDamaged)?);
    vault.put_push_account(KIND_PRIVACYIDEA, &payload)?;
    Ok(account.display_name())
}

// The OS generator for the one-time RSA key generation.
fn rsa_rng() -> pipush::keys::OsRng {
    pipush::keys::OsRng
}

fn enroll_duet(vault: &mut Vault, link: &push::EnrollmentLink, t: &dyn HttpTransport) -> Result<String> {
    let signer = SoftwareP256Signer::generate(rng())?;
    let info = push::DeviceInfo {
        name: hostname(),
        platform: "cli".into(),
        keystore: "software".into(),
    };
    let body = push::build_registration(link, &signer, &info, now())?;
    let resp = t.send(&endpoints::post(&link.url, endpoints::REGISTER, body)?)?;
    let registered = push::finish_registration(link, &signer, &endpoints::response_body(&resp)?, now())?;
    let name = format!("{}: {}", registered.account.issuer, registered.account.user);
    let stored = DuetStored { account: registered.account, device_key_pkcs8: signer.export_pkcs8() };
    let payload = zeroize::Zeroizing::new(serde_json::to_vec(&stored).map_err(|_| PushCliError::AccountDamaged)?);
    vault.put_push_account(KIND_DUET, &payload)?;
    if let Some(uri) = registered.otp_uri {
        if let Ok(parsed) = duet_core::uri::parse(&uri) {
            vault.add_otp(&parsed.account)?;
        }
    }
    Ok(name)
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().chars().filter(|c| !c.is_control()).take(64).collect::<String>())
        .filter(|s| !s.is_empty())
        .map(|h| format!("duet CLI on {h}"))
        .unwrap_or_else(|| "duet CLI".into())
}

// ---------------------------------------------------------------- polling

/// One waiting request with what is needed to answer it.
struct Waiting {
    record: RecordId,
    view: PendingRequest,
    source: Source,
}

enum Source {
    Pi { account: PiPushAccount, request: PiPushRequest },
    Duet { stored: Box<DuetStored>, request: Box<push::VerifiedRequest> },
}

/// The replay store on the vault (answered ids survive restarts).
struct VaultReplay<'a>(Mutex<&'a mut Vault>);

impl ReplayStore for VaultReplay<'_> {
    fn is_answered(&self, account_id: &str, challenge_id: &str) -> std::result::Result<bool, PushError> {
        let v = self.0.lock().map_err(|_| PushError::ReplayStore("lock".into()))?;
        v.challenge_seen(account_id, challenge_id).map_err(|e| PushError::ReplayStore(e.code().into()))
    }
    fn mark_answered(&self, account_id: &str, challenge_id: &str, expires_at: i64) -> std::result::Result<bool, PushError> {
        let mut v = self.0.lock().map_err(|_| PushError::ReplayStore("lock".into()))?;
        v.mark_challenge_seen(account_id, challenge_id, expires_at).map_err(|e| PushError::ReplayStore(e.code().into()))
    }
    fn prune(&self, before: i64) -> std::result::Result<usize, PushError> {
        let mut v = self.0.lock().map_err(|_| PushError::ReplayStore("lock".into()))?;
        v.prune_challenges(before).map_err(|e| PushError::ReplayStore(e.code().into()))
    }
}

/// Polls every push account. Per-account failures are returned beside the requests
/// so one unreachable server does not hide the others.
fn poll_all(vault: &mut Vault, t: &dyn HttpTransport) -> Result<(Vec<Waiting>, Vec<PushCliError>)> {
    let mut waiting = Vec::new();
    let mut failures = Vec::new();
    for sp in vault.push_accounts()? {
        match decode(&sp) {
            None => failures.push(PushCliError::AccountDamaged),
            Some(Stored::Pi(account)) => match poll_privacyidea(vault, &sp.id, account, t) {
                Ok(mut w) => waiting.append(&mut w),
                Err(e) => failures.push(e),
            },
            Some(Stored::Duet(stored)) => match poll_duet(vault, &sp.id, *stored, t) {
                Ok(mut w) => waiting.append(&mut w),
                Err(e) => failures.push(e),
            },
        }
    }
    Ok((waiting, failures))
}

fn poll_privacyidea(vault: &mut Vault, id: &RecordId, account: PiPushAccount, t: &dyn HttpTransport) -> Result<Vec<Waiting>> {
    if let Some(w) = pipush::client::tls_warning(&account.url, account.sslverify) {
        warn(&w);
    }
    let signer = account.software_signer(rng())?;
    let out = pipush::client::poll(t, &account, &signer, now())?;
    for refused in &out.refused {
        warn(&format!("warning {}: {}", refused.code(), refused));
    }
    let mut list = Vec::new();
    for request in out.requests {
        if vault.challenge_seen(&id.0, &request.nonce)? {
            warn(&format!("warning {}: {}", PiPushError::AlreadyAnswered.code(), PiPushError::AlreadyAnswered));
            continue;
        }
        let view = pipush::view::pending(&id.0, &account, &request);
        list.push(Waiting { record: id.clone(), view, source: Source::Pi { account: account.clone(), request } });
    }
    Ok(list)
}

fn duet_signer(stored: &DuetStored) -> Result<SoftwareP256Signer> {
    Ok(SoftwareP256Signer::from_pkcs8(stored.device_key_pkcs8.clone(), rng())?)
}

fn poll_duet(vault: &mut Vault, id: &RecordId, mut stored: DuetStored, t: &dyn HttpTransport) -> Result<Vec<Waiting>> {
    let signer = duet_signer(&stored)?;
    let body = push::build_poll(&stored.account, &signer, now())?;
    let resp = t.send(&endpoints::post(&stored.account.url, endpoints::POLL, body)?)?;
    let body = endpoints::response_body(&resp)?;
    let out = {
        let store = VaultReplay(Mutex::new(&mut *vault));
        push::parse_poll_response(&stored.account, &body, now(), &store)?
    };
    for rejected in &out.rejected {
        warn(&format!("warning {}: {}", rejected.code(), rejected));
    }
    // A signed request is the only trusted clock a phone sees: keep its offset for `duet doctor`.
    if let Some(r) = out.requests.last() {
        let offset = r.clock_offset_secs;
        if offset.abs() > 30 {
            warn(&format!("warning: this computer's clock is {} s {} the server's; codes and sign-ins may fail until it is corrected", offset.abs(), if offset > 0 { "behind" } else { "ahead of" }));
        }
        let seen = duet_core::vault::ClockOffset { offset_secs: offset, source: format!("signed request from {}", stored.account.url), observed_at: now().max(0) as u64 };
        vault.set_clock_offset(&seen)?;
    }
    if let Some(rotated) = out.rotated {
        stored.account = rotated;
        let payload = zeroize::Zeroizing::new(serde_json::to_vec(&stored).map_err(|_| PushCliError::AccountDamaged)?);
        vault.update_push_account(id, &payload)?;
    }
    let stored = Box::new(stored);
    Ok(out
        .requests
        .into_iter()
        .map(|r| Waiting {
            record: id.clone(),
            view: r.pending.clone(),
            source: Source::Duet { stored: stored.clone(), request: Box::new(r) },
        })
        .collect())
}

impl Clone for DuetStored {
    fn clone(&self) -> Self {
        DuetStored { account: self.account.clone(), device_key_pkcs8: self.device_key_pkcs8.clone() }
    }
}

// ---------------------------------------------------------------- pending

/// Runs `duet pending`.
pub fn pending(vault: &mut Vault, args: PendingArgs) -> ExitCode {
    let (waiting, failures) = match poll_all(vault, &UreqTransport) {
        Ok(x) => x,
        Err(e) => return report::fail(&e),
    };
    if args.json {
        let list: Vec<serde_json::Value> = waiting.iter().map(|w| view_json(&w.view)).collect();
        println!("{}", serde_json::Value::Array(list));
    } else {
        for w in &waiting {
            println!("{}", view_line(&w.view));
        }
    }
    // Every account that could not be polled is reported; the first decides the exit status.
    let mut status = ExitCode::SUCCESS;
    for (i, f) in failures.iter().enumerate() {
        if i == 0 {
            status = report::fail(f);
        } else {
            eprintln!("error {}: {}", f.code(), f);
        }
    }
    status
}

fn protocol_name(p: push::PushProtocol) -> &'static str {
    match p {
        push::PushProtocol::Duet => "duet",
        push::PushProtocol::PrivacyIdea => "privacyidea",
    }
}

fn view_json(v: &PendingRequest) -> serde_json::Value {
    let (matching, choices, digits) = match &v.matching {
        push::NumberMatching::TypeShown { digits } => ("type", None, Some(*digits)),
        push::NumberMatching::Pick { choices } => ("pick", Some(choices.clone()), None),
        push::NumberMatching::None => ("none", None, None),
    };
    serde_json::json!({
        "id": v.request_id,
        "protocol": protocol_name(v.protocol),
        "account": v.account_id,
        "issuer": v.issuer,
        "user": v.user,
        "service": v.service,
        "ip": v.ip,
        "location": v.location,
        "client": v.client,
        "title": v.title,
        "message": v.message,
        "matching": matching,
        "choices": choices,
        "digits": digits,
        "issued_at": v.issued_at,
        "expires_at": v.expires_at,
    })
}

fn view_line(v: &PendingRequest) -> String {
    let mut parts = vec![v.request_id.clone(), format!("[{}]", protocol_name(v.protocol))];
    for (label, value) in [
        ("issuer", &v.issuer),
        ("user", &v.user),
        ("service", &v.service),
        ("title", &v.title),
        ("message", &v.message),
        ("ip", &v.ip),
        ("location", &v.location),
        ("client", &v.client),
    ] {
        if let Some(x) = value {
            parts.push(format!("{label}={x:?}"));
        }
    }
    match &v.matching {
        push::NumberMatching::TypeShown { digits } => parts.push(format!("type the {digits}-digit number shown")),
        push::NumberMatching::Pick { choices } => parts.push(format!("pick one of: {}", choices.join(" "))),
        push::NumberMatching::None => {}
    }
    parts.join("  ")
}

// ---------------------------------------------------------------- approve / deny

fn select(waiting: Vec<Waiting>, wanted: Option<&str>) -> Result<Waiting> {
    match wanted {
        None => match waiting.len() {
            0 => Err(PushCliError::NonePending),
            1 => Ok(waiting.into_iter().next().expect("one")),
            n => Err(PushCliError::Ambiguous(n)),
        },
        Some(id) => {
            let id = id.trim();
            if let Some(pos) = waiting.iter().position(|w| w.view.request_id == id) {
                return Ok(waiting.into_iter().nth(pos).expect("found"));
            }
            let mut matches: Vec<Waiting> =
                waiting.into_iter().filter(|w| id.len() >= 4 && w.view.request_id.starts_with(id)).collect();
            if matches.len() == 1 { Ok(matches.remove(0)) } else { Err(PushCliError::NotFound(id.chars().take(64).collect())) }
        }
    }
}

/// Runs `duet approve`.
pub fn approve(vault: &mut Vault, args: ApproveArgs) -> ExitCode {
    let value = args.answer.clone().or(args.number.clone());
    let answer = push::Answer::Approve { number: value };
    answer_cmd(vault, args.request.as_deref(), answer, "approved")
}

/// Runs `duet deny`.
pub fn deny(vault: &mut Vault, args: DenyArgs) -> ExitCode {
    let reason = match args.reason {
        Some(ReasonArg::NotMe) => push::DenyReason::NotMe,
        // No reason given means "mistake" (the milder one).
        Some(ReasonArg::Mistake) | None => push::DenyReason::Mistake,
    };
    answer_cmd(vault, args.request.as_deref(), push::Answer::Deny { reason }, "denied")
}

fn answer_cmd(vault: &mut Vault, wanted: Option<&str>, answer: push::Answer, done: &str) -> ExitCode {
    let t = UreqTransport;
    let result = (|| -> Result<String> {
        let (waiting, failures) = poll_all(vault, &t)?;
        if waiting.is_empty() {
            if let Some(f) = failures.into_iter().next() {
                return Err(f);
            }
        } else {
            for f in &failures {
                warn(&format!("warning {}: {}", f.code(), f));
            }
        }
        let w = select(waiting, wanted)?;
        let id = w.view.request_id.clone();
        match w.source {
            Source::Pi { account, request } => answer_privacyidea(vault, &w.record, account, &request, &answer, &t)?,
            Source::Duet { stored, request } => answer_duet(vault, &stored, &request, &answer, &t)?,
        }
        Ok(id)
    })();
    match result {
        Ok(id) => {
            println!("{done} {id}");
            ExitCode::SUCCESS
        }
        Err(e) => report::fail(&e),
    }
}

fn answer_privacyidea(
    vault: &mut Vault,
    record: &RecordId,
    mut account: PiPushAccount,
    request: &PiPushRequest,
    answer: &push::Answer,
    t: &dyn HttpTransport,
) -> Result<()> {
    let pi_answer = pipush::view::answer(answer);
    let signer = account.software_signer(rng())?;
    // Built (and so checked: presence answer, replay) before anything is recorded.
    let http = pipush::protocol::answer_request(&account, &signer, request, &pi_answer)?;
    if !vault.mark_challenge_seen(&record.0, &request.nonce, now() + 3600)? {
        return Err(PiPushError::AlreadyAnswered.into());
    }
    account.record_answered(&request.nonce);
    let payload = zeroize::Zeroizing::new(serde_json::to_vec(&account).map_err(|_| PushCliError::AccountDamaged)?);
    vault.update_push_account(record, &payload)?;
    if let Some(w) = pipush::client::tls_warning(&request.url, request.sslverify) {
        warn(&w);
    }
    let resp = t.send(&http)?;
    pipush::protocol::parse_answer_response(&resp)?;
    Ok(())
}

fn answer_duet(
    vault: &mut Vault,
    stored: &DuetStored,
    request: &push::VerifiedRequest,
    answer: &push::Answer,
    t: &dyn HttpTransport,
) -> Result<()> {
    let signer = duet_signer(stored)?;
    let body = {
        let store = VaultReplay(Mutex::new(&mut *vault));
        push::build_answer(&stored.account, request, answer, &signer, now(), &store)?
    };
    let resp = t.send(&endpoints::post(&stored.account.url, endpoints::ANSWER, body)?)?;
    endpoints::response_body(&resp)?;
    Ok(())
}
