//! `duet admin unlock`: lifts a paused helpdesk login from the server's own machine, for the
//! host's operator when wrong passwords paused the admins; `duet admin reset-factor`: removes
//! an admin's second factor (authenticator app and passkeys) after it was lost, so their next
//! login sets up a new one
//! (docs/server.md "Helpdesk page"). Both work on the database directly, whether or not the
//! server runs; audited.

use crate::cmd_serve::StorageArgs;
use crate::report;
use clap::{Args, Subcommand};
use duet_server::ServerError;
use duet_server::services::{admin_factor, admin_login};
use duet_server::storage::db;
use std::process::ExitCode;

/// `duet admin` subcommands.
#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Lift the login pause of an admin name and of every paused client address.
    Unlock(UnlockArgs),
    /// Remove an admin's second factor (authenticator app and passkeys) and end their sessions;
    /// their next login sets up a new one.
    ResetFactor(UnlockArgs),
}

/// Options of `duet admin unlock` and `duet admin reset-factor`.
#[derive(Args, Debug)]
pub struct UnlockArgs {
    #[command(flatten)]
    storage: StorageArgs,
    /// The admin's name.
    name: String,
}

fn run_cmd(cmd: AdminCommand) -> Result<(), ServerError> {
    let a = match &cmd {
        AdminCommand::Unlock(a) | AdminCommand::ResetFactor(a) => a,
    };
    let path = a.storage.db_path();
    if !path.is_file() {
        return Err(ServerError::Config(format!("there is no server database at {}", path.display())));
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let conn = db::open(Some(&path))?;
    match cmd {
        AdminCommand::Unlock(_) => {
            let lifted = admin_login::unlock(&conn, "command line", &a.name, now)?;
            eprintln!("duet admin: {lifted} login pause(s) lifted");
        }
        AdminCommand::ResetFactor(_) => {
            admin_factor::reset(&conn, "command line", &a.name, now)?;
            eprintln!("duet admin: the second factor of {} is removed; their next login sets up a new one", a.name.trim());
        }
    }
    Ok(())
}

/// Runs a `duet admin` subcommand.
pub fn run(cmd: AdminCommand) -> ExitCode {
    match run_cmd(cmd) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report::fail(&e),
    }
}
