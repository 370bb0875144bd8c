//! `duet pam break-glass --generate N [--file F]`: one-time emergency codes for the PAM module,
//! accepted only while the server cannot be reached (docs/pam.md, "Break-glass codes"). The
//! logic is the module's own (duet-pam-core), which links no libpam.

use crate::report;
use clap::{Args, Subcommand};
use duet_core::ErrorCode;
use std::path::PathBuf;
use std::process::ExitCode;

/// `duet pam` subcommands.
#[derive(Subcommand, Debug)]
pub enum PamCommand {
    /// Generate break-glass codes: prints them once, stores only their Argon2id hashes.
    BreakGlass(BreakGlassArgs),
}

/// Options of `duet pam break-glass`.
#[derive(Args, Debug)]
pub struct BreakGlassArgs {
    /// How many codes (1 to 100).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=100))]
    generate: u16,
    /// The new file of hashes (root-only, mode 0600); it must not exist yet.
    #[arg(long, value_name = "F", default_value = "/etc/duet/break-glass")]
    file: PathBuf,
}

#[derive(Debug, thiserror::Error)]
#[error("Cannot write the break-glass codes: {0}")]
struct BreakGlassError(String);

impl ErrorCode for BreakGlassError {
    fn code(&self) -> &'static str {
        "E_CLI_BREAK_GLASS"
    }
}

pub fn run(cmd: PamCommand) -> ExitCode {
    match cmd {
        PamCommand::BreakGlass(a) => match duet_pam_core::breakglass::create_file(&a.file, a.generate.into()) {
            Ok(codes) => {
                for c in codes {
                    println!("{c}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => report::fail(&BreakGlassError(e)),
        },
    }
}
