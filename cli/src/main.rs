//! `duet`: desktop authenticator, demo and reference server.
//!
//! Each subcommand lives in its own module; `main` only dispatches. Errors are
//! printed as `error CODE: message` on stderr with a non-zero exit status, so
//! scripts can rely on stdout carrying only the requested output.

mod cmd_serve;
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(a) => cmd_serve::run(a),
    }
}
