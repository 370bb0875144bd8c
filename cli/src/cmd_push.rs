//! `duet enroll`, `duet pending`, `duet approve`, `duet deny`: argument parsing and printing over
//! the application layer (`duet_core::app`), which holds every decision.

use crate::report;
use clap::{Args, ValueEnum};
use duet_core::ErrorCode;
use duet_core::app::accounts::{Added, Notice};
use duet_core::app::push::{AnswerOutcome, PollReport};
use duet_core::app::{App, AppError};
use duet_core::push::{self, PendingRequest};
use std::process::ExitCode;

/// Arguments of `duet enroll`.
#[derive(Args)]
pub struct EnrollArgs {
    /// The enrollment QR text (otpauth://, duet://enroll, pia://pipush/), or - for standard input.
    #[arg(value_name = "LINK|-", required_unless_present = "code", conflicts_with = "code")]
    pub link: Option<String>,
    /// A manual activation code from the helpdesk instead of a QR code.
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,
    /// With --code: the server key fingerprint the helpdesk read out (required without a
    /// terminal; on a terminal duet shows the fingerprint and asks).
    #[arg(long, value_name = "FP", requires = "code")]
    pub fingerprint: Option<String>,
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

/// Errors of choosing a request on the command line.
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
    /// Standard input could not be read.
    #[error("Could not read the enrollment link from standard input.")]
    Stdin,
    /// `--code` without a terminal to ask on and without `--fingerprint`.
    #[error("Enrolling with a code needs the server key fingerprint the helpdesk reads out: pass it with --fingerprint, or run duet enroll in a terminal to be asked.")]
    FingerprintRequired,
    /// The user did not confirm the fingerprint.
    #[error("Not enrolled: the fingerprint was not confirmed. Compare it with the helpdesk; if it differs, enroll by QR code instead.")]
    FingerprintNotConfirmed,
    /// Another device answered the request first.
    #[error("This sign-in was already answered on another device; nothing changed here.")]
    AnsweredElsewhere,
    /// The request expired before the answer arrived.
    #[error("This sign-in request expired before the answer arrived; start the sign-in again.")]
    Expired,
    /// The number did not match the sign-in screen.
    #[error("The number did not match the sign-in screen, so the sign-in failed; if you did not start it, someone else did. Otherwise start it again.")]
    WrongNumber,
    /// The application layer.
    #[error(transparent)]
    App(#[from] AppError),
}

impl ErrorCode for PushCliError {
    fn code(&self) -> &'static str {
        match self {
            PushCliError::QrImage(e) => e.code(),
            PushCliError::NonePending => "E_CLI_PUSH_NONE_PENDING",
            PushCliError::Ambiguous(_) => "E_CLI_PUSH_AMBIGUOUS",
            PushCliError::NotFound(_) => "E_CLI_PUSH_NOT_FOUND",
            PushCliError::Stdin => "E_CLI_ENROLL_STDIN",
            PushCliError::FingerprintRequired => "E_CLI_ENROLL_FINGERPRINT_REQUIRED",
            PushCliError::FingerprintNotConfirmed => "E_CLI_ENROLL_FINGERPRINT_NOT_CONFIRMED",
            PushCliError::AnsweredElsewhere => "E_CLI_PUSH_ANSWERED_ELSEWHERE",
            PushCliError::Expired => "E_CLI_PUSH_EXPIRED",
            PushCliError::WrongNumber => "E_CLI_PUSH_WRONG_NUMBER",
            PushCliError::App(e) => e.code(),
        }
    }
}

type Result<T> = std::result::Result<T, PushCliError>;

/// Opens the application (creating the vault on first use when `create`) and runs `f` on it.
pub fn run(create: bool, f: impl FnOnce(&mut App) -> ExitCode) -> ExitCode {
    match crate::vault_ctx::open_app(create) {
        Ok(mut app) => f(&mut app),
        Err(code) => code,
    }
}

fn warn(n: &Notice) {
    eprintln!("warning {}: {}", n.code, n.message);
}

// ---------------------------------------------------------------- enroll

/// Runs `duet enroll`.
pub fn enroll(app: &mut App, args: EnrollArgs) -> ExitCode {
    let added = match (&args.code, &args.fingerprint) {
        (Some(code), Some(fp)) => app.add_manual_code(code, fp).map_err(PushCliError::from),
        (Some(code), None) => enroll_code_asking(app, code),
        (None, _) => read_link(args.link.as_deref().unwrap_or("-")).and_then(|t| Ok(app.add_scanned(&t)?)),
    };
    match added {
        Ok(Added::Otp { label, warnings, .. }) => {
            warnings.iter().for_each(warn);
            println!("{label}");
            ExitCode::SUCCESS
        }
        Ok(Added::Push { label, notices, .. }) => {
            notices.iter().for_each(warn);
            println!("{label}");
            ExitCode::SUCCESS
        }
        Ok(Added::TransferPart { missing, total }) => {
            eprintln!("part of a {total}-part transfer; use duet migration decode with every part (missing: {missing:?})");
            ExitCode::FAILURE
        }
        Ok(Added::Transfer { ids, .. }) => {
            println!("{} accounts added", ids.len());
            ExitCode::SUCCESS
        }
        Err(e) => report::fail(&e),
    }
}

/// A code cannot carry the server key, so its fingerprint is the user's only check that the key
/// came from the server: shown, and enrolled only after the user says it matches.
fn enroll_code_asking(app: &mut App, code: &str) -> Result<Added> {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return Err(PushCliError::FingerprintRequired);
    }
    let link = app.lookup_manual_code(&push::ManualCode::parse(code).map_err(AppError::from)?)?;
    eprintln!("Server: {}  (user {}, {})", link.url, link.user, link.issuer);
    eprintln!("Server key fingerprint: {}", link.server_key_fingerprint());
    eprint!("Is this the fingerprint the helpdesk reads out to you? [y/N] ");
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).map_err(|_| PushCliError::Stdin)?;
    if !matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
        return Err(PushCliError::FingerprintNotConfirmed);
    }
    Ok(app.enroll_duet(&link)?)
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

// ---------------------------------------------------------------- pending

fn clock_warning(report: &PollReport) {
    if let Some(offset) = report.clock_offset_secs.filter(|o| o.abs() > 30) {
        eprintln!(
            "warning: this computer's clock is {} s {} the server's; codes and sign-ins may fail until it is corrected",
            offset.abs(),
            if offset > 0 { "behind" } else { "ahead of" }
        );
    }
}

/// Runs `duet pending`.
pub fn pending(app: &mut App, args: PendingArgs) -> ExitCode {
    let report = match app.poll() {
        Ok(r) => r,
        Err(e) => return report::fail(&e),
    };
    report.notices.iter().for_each(warn);
    clock_warning(&report);
    if args.json {
        let list: Vec<serde_json::Value> = report.requests.iter().map(view_json).collect();
        println!("{}", serde_json::Value::Array(list));
    } else {
        for r in &report.requests {
            println!("{}", view_line(r));
        }
    }
    // Every account that could not be polled is reported; the first decides the exit status.
    let mut status = ExitCode::SUCCESS;
    for (i, f) in report.failures.iter().enumerate() {
        if i == 0 {
            status = report::fail(&f.error);
        } else {
            eprintln!("error {}: {}", f.error.code(), f.error);
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
    if v.ip.is_some() || v.location.is_some() || v.client.is_some() {
        // The server passes on what the device signing in claimed about itself.
        parts.push("(ip, location and client as reported by the device signing in)".into());
    }
    match &v.matching {
        push::NumberMatching::TypeShown { digits } => parts.push(format!("type the {digits}-digit number shown")),
        push::NumberMatching::Pick { choices } => parts.push(format!("pick one of: {}", choices.join(" "))),
        push::NumberMatching::None => {}
    }
    parts.join("  ")
}

// ---------------------------------------------------------------- approve / deny

/// The request the user named: an exact id, a unique prefix of at least 4 characters, or the only
/// one waiting.
fn select(waiting: &[PendingRequest], wanted: Option<&str>) -> Result<String> {
    match wanted {
        None => match waiting {
            [] => Err(PushCliError::NonePending),
            [one] => Ok(one.request_id.clone()),
            many => Err(PushCliError::Ambiguous(many.len())),
        },
        Some(id) => {
            let id = id.trim();
            if waiting.iter().any(|w| w.request_id == id) {
                return Ok(id.to_string());
            }
            let matches: Vec<&PendingRequest> =
                waiting.iter().filter(|w| id.len() >= 4 && w.request_id.starts_with(id)).collect();
            match matches.as_slice() {
                [one] => Ok(one.request_id.clone()),
                _ => Err(PushCliError::NotFound(id.chars().take(64).collect())),
            }
        }
    }
}

/// Runs `duet approve`.
pub fn approve(app: &mut App, args: ApproveArgs) -> ExitCode {
    let number = args.answer.clone().or(args.number.clone());
    answer_cmd(app, args.request.as_deref(), push::Answer::Approve { number }, "approved")
}

/// Runs `duet deny`.
pub fn deny(app: &mut App, args: DenyArgs) -> ExitCode {
    let reason = match args.reason {
        Some(ReasonArg::NotMe) => push::DenyReason::NotMe,
        // No reason given means "mistake" (the milder one).
        Some(ReasonArg::Mistake) | None => push::DenyReason::Mistake,
    };
    answer_cmd(app, args.request.as_deref(), push::Answer::Deny { reason }, "denied")
}

fn answer_cmd(app: &mut App, wanted: Option<&str>, answer: push::Answer, done: &str) -> ExitCode {
    let result = (|| -> Result<(String, AnswerOutcome)> {
        let report = app.poll()?;
        report.notices.iter().for_each(warn);
        let mut failures = report.failures.into_iter();
        if report.requests.is_empty()
            && let Some(f) = failures.next()
        {
            return Err(f.error.into());
        }
        for f in failures {
            eprintln!("warning {}: {}", f.error.code(), f.error);
        }
        let id = select(&report.requests, wanted)?;
        let outcome = app.answer(&id, answer)?;
        Ok((id, outcome))
    })();
    match result {
        Ok((id, AnswerOutcome::Accepted)) => {
            println!("{done} {id}");
            ExitCode::SUCCESS
        }
        Ok((_, AnswerOutcome::AnsweredElsewhere)) => report::fail(&PushCliError::AnsweredElsewhere),
        Ok((_, AnswerOutcome::Expired)) => report::fail(&PushCliError::Expired),
        Ok((_, AnswerOutcome::WrongNumber)) => report::fail(&PushCliError::WrongNumber),
        Err(e) => report::fail(&e),
    }
}
