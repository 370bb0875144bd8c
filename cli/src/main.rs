//! `duet`: desktop authenticator, demo and reference server.
//!
//! Each subcommand lives in its own module; `main` only dispatches. Errors are
//! printed as `error CODE: message` on stderr with a non-zero exit status, so
//! scripts can rely on stdout carrying only the requested output.

mod cmd_admin;
mod cmd_admin_key;
mod cmd_code;
mod cmd_demo;
mod cmd_migration;
mod cmd_pam;
mod cmd_push;
mod cmd_serve;
mod cmd_transfer;
mod cmd_uri;
mod cmd_vault;
// The CLI's code documentation: duet-tests renders docs/errors.md from it; the command itself
// prints only the errors' own sentences.
#[cfg(test)]
mod error_catalog;
mod http;
mod passphrase_input;
mod qr_image;
mod report;
mod vault_ctx;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// duet: an open authenticator (OTP codes, push approvals).
#[derive(Parser)]
#[command(name = "duet", version, about)]
struct Cli {
    /// The vault file to use (default: the user's data directory, e.g. ~/.local/share/duet/vault.sqlite).
    #[arg(long, global = true, env = "DUET_VAULT", value_name = "PATH")]
    vault: Option<std::path::PathBuf>,
    /// Read the vault passphrase from this open file descriptor (its first line). Takes
    /// precedence over DUET_PASSPHRASE, which other processes of the same user can read;
    /// with neither, duet asks on the terminal when stdin is one and the vault needs it.
    #[arg(long, global = true, value_name = "N")]
    passphrase_fd: Option<i32>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the reference push server and helpdesk page.
    Serve(Box<cmd_serve::ServeArgs>),
    /// Helpdesk admins on the server's database (lift a login pause, reset a second factor).
    #[command(subcommand)]
    Admin(cmd_admin::AdminCommand),
    /// Create, list or revoke the server's admin API keys (on the server's database).
    #[command(subcommand)]
    AdminKey(cmd_admin_key::AdminKeyCommand),
    /// Show the whole system on this machine: server, enrollment, approvals, passcodes.
    Demo(cmd_demo::DemoArgs),
    /// Print the current one-time code of an account, alone on stdout.
    Code(cmd_code::CodeArgs),
    /// Read otpauth:// URIs.
    #[command(subcommand)]
    Uri(cmd_uri::UriCommand),
    /// Google Authenticator transfer codes (otpauth-migration://).
    #[command(subcommand)]
    Migration(cmd_migration::MigrationCommand),
    /// Add accounts to the vault from otpauth:// URIs (- reads them from stdin) or QR code images.
    Add(cmd_vault::AddArgs),
    /// List the vault's accounts (no secrets).
    List(cmd_vault::ListArgs),
    /// Rename an account.
    Rename(cmd_vault::RenameArgs),
    /// Remove an account from the vault (by name or id; a damaged record by its id).
    Remove(cmd_vault::RemoveArgs),
    /// Check the vault: integrity, damaged records, key provider, clock offset.
    Doctor(cmd_vault::DoctorArgs),
    /// Import accounts from Aegis, 2FAS, Bitwarden, andOTP, FreeOTP+ or an otpauth list.
    Import(cmd_transfer::ImportArgs),
    /// Export accounts (Aegis encrypted JSON, otpauth list, Google transfer links).
    Export(cmd_transfer::ExportArgs),
    /// Backups: check that a backup and its password work.
    #[command(subcommand)]
    Backup(cmd_transfer::BackupCommand),
    /// Enroll from any QR text: otpauth://, duet://enroll, privacyIDEA pipush (- reads stdin); or --code.
    Enroll(cmd_push::EnrollArgs),
    /// Poll every push account and list the sign-in requests waiting.
    Pending(cmd_push::PendingArgs),
    /// Approve a waiting sign-in request.
    Approve(cmd_push::ApproveArgs),
    /// Deny a waiting sign-in request.
    Deny(cmd_push::DenyArgs),
    /// The PAM module's tools (break-glass codes).
    #[command(subcommand)]
    Pam(cmd_pam::PamCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    vault_ctx::set_path(cli.vault);
    passphrase_input::set_fd(cli.passphrase_fd);
    match cli.command {
        Command::Serve(a) => cmd_serve::run(*a),
        Command::Admin(c) => cmd_admin::run(c),
        Command::AdminKey(c) => cmd_admin_key::run(c),
        Command::Demo(a) => cmd_demo::run(a),
        Command::Code(a) => cmd_code::run(a),
        Command::Uri(c) => cmd_uri::run(c),
        Command::Migration(c) => cmd_migration::run(c),
        Command::Add(a) => cmd_vault::add(a),
        Command::List(a) => cmd_vault::list(a),
        Command::Rename(a) => cmd_vault::rename(a),
        Command::Remove(a) => cmd_vault::remove(a),
        Command::Doctor(a) => cmd_vault::doctor(a),
        Command::Import(a) => cmd_transfer::import(a),
        Command::Export(a) => cmd_transfer::export(a),
        Command::Backup(c) => cmd_transfer::backup(c),
        Command::Enroll(a) => cmd_push::run(true, |v| cmd_push::enroll(v, a)),
        Command::Pending(a) => cmd_push::run(false, |v| cmd_push::pending(v, a)),
        Command::Approve(a) => cmd_push::run(false, |v| cmd_push::approve(v, a)),
        Command::Deny(a) => cmd_push::run(false, |v| cmd_push::deny(v, a)),
        Command::Pam(c) => cmd_pam::run(c),
    }
}

#[cfg(test)]
mod error_catalog_tests {
    /// The core's and the server's codes are documented in their own catalogs; listing one here
    /// too would give it two texts.
    #[test]
    fn the_cli_catalog_lists_only_cli_codes() {
        for d in crate::error_catalog::CODES {
            let area = d.code.split('_').nth(1);
            assert!(area == Some("CLI") || area == Some("DEMO"), "{}", d.code);
        }
    }
}
