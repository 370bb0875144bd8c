//! `duet uri inspect URI|-`: shows what duet understood from an `otpauth://`
//! URI (secret masked) and any warnings. Also the shared input helper: `-`
//! reads standard input, so secrets stay out of the process list and history.

use crate::report;
use clap::{Args, Subcommand};
use duet_core::otp::OtpKind;
use duet_core::uri::{self, Parsed, UriWarning};
use duet_core::ErrorCode;
use std::io::Read;
use std::process::ExitCode;

/// `duet uri ...`
#[derive(Subcommand)]
pub enum UriCommand {
    /// Show what an otpauth:// URI contains (the secret stays hidden) and any warnings.
    Inspect(InspectArgs),
}

/// Arguments of `duet uri inspect`.
#[derive(Args)]
pub struct InspectArgs {
    /// The otpauth:// URI, or - to read it from standard input.
    pub uri: String,
}

/// Reading the command's input failed.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Standard input could not be read as text.
    #[error("Could not read standard input as text; pipe the URI in as plain text.")]
    Stdin,
}

impl ErrorCode for InputError {
    fn code(&self) -> &'static str {
        match self {
            InputError::Stdin => "E_CLI_STDIN",
        }
    }
}

/// The argument itself, or all of standard input for `-`.
pub fn arg_or_stdin(arg: &str) -> Result<zeroize::Zeroizing<String>, InputError> {
    if arg != "-" {
        return Ok(zeroize::Zeroizing::new(arg.to_string()));
    }
    let mut text = zeroize::Zeroizing::new(String::new());
    std::io::stdin().read_to_string(&mut text).map_err(|_| InputError::Stdin)?;
    Ok(text)
}

/// Parses a URI argument (or stdin), printing a coded error on failure.
pub fn parse_arg(arg: &str) -> Result<Parsed, ExitCode> {
    let text = arg_or_stdin(arg).map_err(|e| report::fail(&e))?;
    uri::parse(text.trim()).map_err(|e| report::fail(&e))
}

/// `warning CODE: sentence`, the shape of `error CODE: sentence`.
pub fn warning_line(w: &UriWarning) -> String {
    format!("warning {}: {}", w.code(), w)
}

/// Runs `duet uri ...`.
pub fn run(cmd: UriCommand) -> ExitCode {
    match cmd {
        UriCommand::Inspect(args) => inspect(&args),
    }
}

fn inspect(args: &InspectArgs) -> ExitCode {
    let parsed = match parse_arg(&args.uri) {
        Ok(p) => p,
        Err(code) => return code,
    };
    print!("{}", describe(&parsed));
    ExitCode::SUCCESS
}

/// The human-readable description printed by `inspect` (no secret bytes).
pub fn describe(parsed: &Parsed) -> String {
    let a = &parsed.account;
    let p = &a.params;
    let mut out = String::new();
    let mut line = |k: &str, v: String| out.push_str(&format!("{k:<10} {v}\n"));
    let kind = match p.kind {
        OtpKind::Totp { .. } => "totp (time-based)",
        OtpKind::Hotp { .. } => "hotp (counter-based)",
        OtpKind::Steam { .. } => "steam (Steam Guard)",
    };
    line("type:", kind.to_string());
    line("issuer:", a.issuer.clone().unwrap_or_else(|| "(none)".into()));
    line("account:", a.name.clone());
    line("secret:", format!("hidden, {} bytes ({} bits)", a.secret.len(), a.secret.len() * 8));
    line("algorithm:", p.algorithm.name().to_string());
    line("digits:", p.digits.to_string());
    match p.kind {
        OtpKind::Totp { period, t0 } => {
            line("period:", format!("{period} s"));
            line("t0:", t0.to_string());
        }
        OtpKind::Steam { period } => line("period:", format!("{period} s")),
        OtpKind::Hotp { counter } => line("counter:", counter.to_string()),
    }
    for (k, v) in &a.extra {
        line("extra:", format!("{k}={v}"));
    }
    for w in &parsed.warnings {
        out.push_str(&warning_line(w));
        out.push('\n');
    }
    out
}
