//! `duet code`: prints the current one-time code, alone on stdout.
//!
//! The account comes from `--uri URI` (or `--uri -` for stdin), or is the vault
//! account NAME (id, `Issuer:name`, name or issuer). For an HOTP account in the
//! vault the counter is advanced and saved before the code is printed.

use crate::cmd_uri::{parse_arg, warning_line};
use crate::report;
use clap::Args;
use duet_core::{OtpAccount, otp};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

/// Arguments of `duet code`.
#[derive(Args)]
pub struct CodeArgs {
    /// The vault account: id, `Issuer:name`, name or issuer.
    #[arg(required_unless_present = "uri", conflicts_with = "uri")]
    pub name: Option<String>,
    /// The account as an otpauth:// URI, or - to read the URI from standard input.
    #[arg(long, value_name = "URI|-")]
    pub uri: Option<String>,
    /// Compute the code for this Unix time (seconds) instead of now.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub at: Option<u64>,
}

/// Where the account comes from; `Err` carries the exit status after reporting.
fn account_of(args: &CodeArgs) -> Result<OtpAccount, ExitCode> {
    if let Some(name) = &args.name {
        return crate::cmd_vault::account_for_code(name);
    }
    let uri = args.uri.as_deref().unwrap_or("-");
    let parsed = parse_arg(uri)?;
    for w in &parsed.warnings {
        eprintln!("{}", warning_line(w));
    }
    Ok(parsed.account)
}

/// Runs `duet code`.
pub fn run(args: CodeArgs) -> ExitCode {
    let account = match account_of(&args) {
        Ok(a) => a,
        Err(code) => return code,
    };
    // The clock is read here, at the edge; the engine only takes the time.
    let at = args.at.unwrap_or_else(|| {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
    });
    match otp::code(&account.secret, &account.params, at) {
        Ok(code) => {
            println!("{}", code.as_str());
            // Seconds left only for a person at a terminal; scripts get the code alone.
            if std::io::IsTerminal::is_terminal(&std::io::stdout())
                && let Ok(left) = otp::Generator::new(&account.secret, &account.params).and_then(|g| g.seconds_left(at))
            {
                eprintln!("{left} s left");
            }
            ExitCode::SUCCESS
        }
        Err(e) => report::fail(&e),
    }
}
