//! `duet`: desktop authenticator, demo and reference server.
//!
//! Each subcommand lives in its own module; `main` only dispatches. Errors are
//! printed as `error CODE: message` on stderr with a non-zero exit status, so
//! scripts can rely on stdout carrying only the requested output.

mod cmd_code;
mod cmd_migration;
mod cmd_serve;
mod cmd_uri;
mod report;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// duet: an open authenticator (OTP codes, push approvals).
#[derive(Parser)]
#[command(name = "duet", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the reference push server and helpdesk page.
    Serve(cmd_serve::ServeArgs),
    /// Print the current one-time code of an account, alone on stdout.
    Code(cmd_code::CodeArgs),
    /// Read otpauth:// URIs.
    #[command(subcommand)]
    Uri(cmd_uri::UriCommand),
    /// Google Authenticator transfer codes (otpauth-migration://).
    #[command(subcommand)]
    Migration(cmd_migration::MigrationCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(a) => cmd_serve::run(a),
        Command::Code(a) => cmd_code::run(a),
        Command::Uri(c) => cmd_uri::run(c),
        Command::Migration(c) => cmd_migration::run(c),
    }
}
