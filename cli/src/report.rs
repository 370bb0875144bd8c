//! How the CLI reports errors: `error CODE: sentence` on stderr, exit status 1 when the
//! command fails.

use duet_core::ErrorCode;
use std::process::ExitCode;

/// Prints a coded error on stderr and returns the failure exit status.
#[allow(dead_code)]
pub fn fail(err: &dyn ErrorCode) -> ExitCode {
    eprintln!("error {}: {}", err.code(), err);
    ExitCode::FAILURE
}

/// Prints a coded problem on stderr that does not stop the command.
pub fn warn(err: &dyn ErrorCode) {
    eprintln!("error {}: {}", err.code(), err);
}
