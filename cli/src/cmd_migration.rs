//! `duet migration decode|encode`: Google Authenticator transfer codes.
//!
//! `decode URI...|-` prints one `otpauth://` URI per account on stdout (a
//! multi-QR transfer: give every part, in any order); accounts duet cannot use
//! are reported on stderr as `skipped CODE: ISSUER:NAME: sentence`.
//! `encode` reads `otpauth://` URIs from stdin, one per line, and prints the
//! transfer URIs (each fits a QR code of version 20 at level M); accounts the
//! format cannot carry are reported on stderr the same way and left out.

use crate::cmd_uri::{InputError, arg_or_stdin};
use crate::report;
use clap::{Args, Subcommand};
use duet_core::ErrorCode;
use duet_core::migration::{self, Batch, Skipped};
use duet_core::uri;
use std::io::Read;
use std::process::ExitCode;

/// `duet migration ...`
#[derive(Subcommand)]
pub enum MigrationCommand {
    /// Print the accounts of a Google Authenticator transfer code as otpauth:// URIs.
    Decode(DecodeArgs),
    /// Read otpauth:// URIs on stdin (one per line) and print Google Authenticator transfer URIs.
    Encode(EncodeArgs),
}

/// Arguments of `duet migration decode`.
#[derive(Args)]
pub struct DecodeArgs {
    /// The otpauth-migration:// URIs (all parts of a multi-QR transfer), or - to read
    /// them from standard input, one per line.
    #[arg(required = true, value_name = "URI|-")]
    pub uris: Vec<String>,
}

/// Arguments of `duet migration encode`.
#[derive(Args)]
pub struct EncodeArgs {
    /// Batch id shared by the parts (default: random). Fixed only for tests.
    #[arg(long)]
    pub batch_id: Option<i32>,
}

/// Runs `duet migration ...`.
pub fn run(cmd: MigrationCommand) -> ExitCode {
    match cmd {
        MigrationCommand::Decode(args) => decode(&args),
        MigrationCommand::Encode(args) => encode(&args),
    }
}

/// Prints one skipped account as `skipped CODE: ISSUER:NAME: sentence` on stderr.
pub(crate) fn report_skipped(s: &Skipped) {
    let n = duet_core::app::accounts::Notice::from(s);
    eprintln!("skipped {}: {}", n.code, n.message);
}

fn decode(args: &DecodeArgs) -> ExitCode {
    let mut batch = Batch::new();
    for arg in &args.uris {
        let text = match arg_or_stdin(arg) {
            Ok(t) => t,
            Err(e) => return report::fail(&e),
        };
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let Err(e) = batch.add_uri(line) {
                return report::fail(&e);
            }
        }
    }
    let imported = match batch.finish() {
        Ok(i) => i,
        Err(e) => return report::fail(&e),
    };
    for account in &imported.accounts {
        println!("{}", zeroize::Zeroizing::new(uri::write(account)).as_str());
    }
    imported.skipped.iter().for_each(report_skipped);
    ExitCode::SUCCESS
}

fn encode(args: &EncodeArgs) -> ExitCode {
    let mut text = zeroize::Zeroizing::new(String::new());
    if std::io::stdin().read_to_string(&mut text).is_err() {
        return report::fail(&InputError::Stdin);
    }
    let mut accounts = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match uri::parse(line) {
            Ok(p) => accounts.push(p.account),
            Err(e) => {
                // Nothing is exported when any line is bad: a partial transfer
                // would silently lose that account.
                eprintln!("error {}: line {}: {}", e.code(), n + 1, e);
                return ExitCode::FAILURE;
            }
        }
    }
    let batch_id = args.batch_id.unwrap_or_else(random_batch_id);
    let out = migration::export(&accounts, batch_id);
    for u in &out.uris {
        println!("{u}");
    }
    out.skipped.iter().for_each(report_skipped);
    ExitCode::SUCCESS
}

/// Google Authenticator uses a random batch id; so do we (randomness from the OS, at the edge).
fn random_batch_id() -> i32 {
    use ring::rand::{SecureRandom, SystemRandom};
    let mut b = [0u8; 4];
    if SystemRandom::new().fill(&mut b).is_err() {
        return 1;
    }
    i32::from_le_bytes(b)
}
