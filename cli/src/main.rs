//! `duet`: desktop authenticator, demo and reference server.

use clap::{Parser, Subcommand};

/// duet: an open authenticator (OTP codes, push approvals).
#[derive(Parser)]
#[command(name = "duet", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli.command {}
}
