//! `duet import FILE`, `duet export`, `duet backup verify FILE`: moving accounts in and
//! out of the vault with the formats of `duet_core::transfer`.
//!
//! Passwords come from an environment variable (default `DUET_BACKUP_PASSWORD`), never
//! from the command line, so they stay out of the process list and shell history.

use crate::report;
use crate::vault_ctx;
use clap::{Args, Subcommand, ValueEnum};
use duet_core::transfer::{self, Format, ScryptParams, Skipped, SystemRandomSource};
use duet_core::ErrorCode;
use std::io::{Read, Write};
use std::process::ExitCode;
use zeroize::Zeroizing;

/// `duet import FILE`
#[derive(Args)]
pub struct ImportArgs {
    /// The backup or export file, or - for standard input.
    pub file: String,
    /// The format, when detection should be skipped: aegis, 2fas, bitwarden, andotp, freeotp-plus, otpauth.
    #[arg(long)]
    pub format: Option<String>,
    /// Environment variable holding the file's password.
    #[arg(long, default_value = "DUET_BACKUP_PASSWORD", value_name = "VAR")]
    pub password_env: String,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Export formats.
#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// Aegis-compatible encrypted JSON (password from --password-env).
    Aegis,
    /// One otpauth:// URI per line (NOT encrypted).
    Otpauth,
    /// Google Authenticator transfer links, one per line (NOT encrypted).
    Google,
}

/// `duet export`
#[derive(Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "aegis")]
    pub format: ExportFormat,
    /// Output file (created with mode 0600), or - for standard output.
    #[arg(long, short, default_value = "-")]
    pub output: String,
    /// Environment variable holding the export password (Aegis format).
    #[arg(long, default_value = "DUET_BACKUP_PASSWORD", value_name = "VAR")]
    pub password_env: String,
}

/// `duet backup ...`
#[derive(Subcommand)]
pub enum BackupCommand {
    /// Decrypt a backup and count what it would restore (checks the password now, not when the phone is lost).
    Verify(VerifyArgs),
}

/// `duet backup verify FILE`
#[derive(Args)]
pub struct VerifyArgs {
    /// The backup file, or - for standard input.
    pub file: String,
    /// Environment variable holding the backup's password.
    #[arg(long, default_value = "DUET_BACKUP_PASSWORD", value_name = "VAR")]
    pub password_env: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// CLI-level transfer problems.
#[derive(Debug, thiserror::Error)]
pub enum TransferCliError {
    /// The input file could not be read.
    #[error("Could not read {0}; check the path and permissions.")]
    Read(String),
    /// The output file could not be written.
    #[error("Could not write {0} (it must not exist yet); choose another path.")]
    Write(String),
    /// Unknown `--format` name.
    #[error("Unknown format {0:?}; use aegis, 2fas, bitwarden, andotp, freeotp-plus or otpauth.")]
    Format(String),
    /// The Aegis export needs a password.
    #[error("An encrypted export needs a password in the environment variable {0}.")]
    NoPassword(String),
}

impl ErrorCode for TransferCliError {
    fn code(&self) -> &'static str {
        match self {
            TransferCliError::Read(_) => "E_CLI_READ",
            TransferCliError::Write(_) => "E_CLI_WRITE",
            TransferCliError::Format(_) => "E_CLI_FORMAT",
            TransferCliError::NoPassword(_) => "E_CLI_NO_PASSWORD",
        }
    }
}

fn read_input(file: &str) -> Result<Zeroizing<Vec<u8>>, TransferCliError> {
    let mut buf = Zeroizing::new(Vec::new());
    let r = if file == "-" {
        std::io::stdin().read_to_end(&mut buf).map(|_| ())
    } else {
        std::fs::File::open(file).and_then(|mut f| f.read_to_end(&mut buf).map(|_| ()))
    };
    r.map_err(|_| TransferCliError::Read(file.to_string()))?;
    Ok(buf)
}

fn password(var: &str) -> Option<Zeroizing<String>> {
    std::env::var(var).ok().filter(|p| !p.is_empty()).map(Zeroizing::new)
}

fn skipped_json(s: &[Skipped]) -> serde_json::Value {
    s.iter()
        .map(|k| serde_json::json!({"index": k.index, "label": k.label, "code": k.code, "reason": k.reason}))
        .collect()
}

fn print_skipped(s: &[Skipped]) {
    for k in s {
        eprintln!("skipped entry {} ({}): {} {}", k.index + 1, k.label, k.code, k.reason);
    }
}

/// Runs `duet import`.
pub fn import(args: ImportArgs) -> ExitCode {
    let bytes = match read_input(&args.file) {
        Ok(b) => b,
        Err(e) => return report::fail(&e),
    };
    let pw = password(&args.password_env);
    let report = match &args.format {
        Some(f) => match Format::from_id(f) {
            Some(fmt) => transfer::import_as(fmt, &bytes, pw.as_deref().map(|s| s.as_str())),
            None => return report::fail(&TransferCliError::Format(f.clone())),
        },
        None => transfer::import(&bytes, pw.as_deref().map(|s| s.as_str())),
    };
    let report = match report {
        Ok(r) => r,
        Err(e) => return report::fail(&e),
    };
    let mut opened = match vault_ctx::open(true) {
        Ok(o) => o,
        Err(c) => return c,
    };
    // One transaction: an import that fails half-way adds nothing.
    let added = match opened.vault.add_otps(&report.accounts) {
        Ok(ids) => ids.len(),
        Err(e) => return report::fail(&e),
    };
    if args.json {
        println!(
            "{}",
            serde_json::json!({"format": report.format.id(), "encrypted": report.encrypted, "imported": added, "skipped": skipped_json(&report.skipped)})
        );
    } else {
        print_skipped(&report.skipped);
        eprintln!(
            "imported {added} account(s) from {}; skipped {}",
            report.format.display_name(),
            report.skipped.len()
        );
    }
    ExitCode::SUCCESS
}

fn write_output(path: &str, data: &[u8]) -> Result<(), TransferCliError> {
    if path == "-" {
        let mut out = std::io::stdout().lock();
        return out.write_all(data).and_then(|_| out.flush()).map_err(|_| TransferCliError::Write("stdout".into()));
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)
        .and_then(|mut f| f.write_all(data).and_then(|_| f.sync_all()))
        .map_err(|_| TransferCliError::Write(path.to_string()))
}

/// Runs `duet export`.
pub fn export(args: ExportArgs) -> ExitCode {
    let opened = match vault_ctx::open(false) {
        Ok(o) => o,
        Err(c) => return c,
    };
    // A damaged record refuses the export (the error names it): a backup silently missing an
    // account would only be found out when it is needed.
    let accounts: Vec<_> = match opened.vault.otp_accounts() {
        Ok(a) => a.into_iter().map(|s| s.account).collect(),
        Err(e) => return report::fail(&e),
    };
    let push = opened.vault.push_entries().map(|p| p.len()).unwrap_or(0);
    let (data, exported, skipped) = match args.format {
        ExportFormat::Aegis => {
            let Some(pw) = password(&args.password_env) else {
                return report::fail(&TransferCliError::NoPassword(args.password_env));
            };
            match transfer::export_aegis_encrypted(&accounts, &pw, ScryptParams::AEGIS, &mut SystemRandomSource::new()) {
                Ok(e) => (e.data, e.exported, e.skipped),
                Err(e) => return report::fail(&e),
            }
        }
        ExportFormat::Otpauth => {
            let e = transfer::export_otpauth_list(&accounts);
            (e.data, e.exported, e.skipped)
        }
        ExportFormat::Google => {
            let mut id = [0u8; 4];
            let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut id);
            let g = transfer::export_google(&accounts, i32::from_be_bytes(id) & 0x7fff_ffff);
            let mut text = Zeroizing::new(String::new());
            for u in &g.uris {
                text.push_str(u);
                text.push('\n');
            }
            (Zeroizing::new(text.as_bytes().to_vec()), g.exported, g.skipped)
        }
    };
    if let Err(e) = write_output(&args.output, &data) {
        return report::fail(&e);
    }
    print_skipped(&skipped);
    eprintln!("exported {exported} account(s)");
    if push > 0 {
        eprintln!(
            "note: {push} push account(s) were not exported: their device keys cannot leave this device; re-enroll them on a new device"
        );
    }
    ExitCode::SUCCESS
}

/// Runs `duet backup ...`.
pub fn backup(cmd: BackupCommand) -> ExitCode {
    let BackupCommand::Verify(args) = cmd;
    let bytes = match read_input(&args.file) {
        Ok(b) => b,
        Err(e) => return report::fail(&e),
    };
    let pw = password(&args.password_env);
    let s = match transfer::verify_backup(&bytes, pw.as_deref().map(|s| s.as_str())) {
        Ok(s) => s,
        Err(e) => return report::fail(&e),
    };
    if args.json {
        println!(
            "{}",
            serde_json::json!({"format": s.format.id(), "encrypted": s.encrypted, "restorable": s.restorable(),
                "totp": s.totp, "hotp": s.hotp, "steam": s.steam, "skipped": skipped_json(&s.skipped)})
        );
    } else {
        println!(
            "{} backup{}: {} account(s) would be restored ({} TOTP, {} HOTP, {} Steam), {} skipped",
            s.format.display_name(),
            if s.encrypted { ", password OK" } else { " (not encrypted)" },
            s.restorable(),
            s.totp,
            s.hotp,
            s.steam,
            s.skipped.len()
        );
        print_skipped(&s.skipped);
    }
    ExitCode::SUCCESS
}
