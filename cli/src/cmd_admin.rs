//! `duet admin unlock`: lifts a paused helpdesk login from the server's own machine, for the
//! host's operator when wrong passwords paused the admins (docs/server.md "Helpdesk page").
//! Works on the database directly, whether or not the server runs; audited.

use crate::cmd_serve::StorageArgs;
use crate::report;
use clap::{Args, Subcommand};
use duet_server::ServerError;
use duet_server::services::admin_login;
use duet_server::storage::db;
use std::process::ExitCode;

/// `duet admin` subcommands.
#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Lift the login pause of an admin name and of every paused client address.
    Unlock(UnlockArgs),
}

/// Options of `duet admin unlock`.
#[derive(Args, Debug)]
pub struct UnlockArgs {
    #[command(flatten)]
    storage: StorageArgs,
    /// The admin's name.
    name: String,
}

fn run_cmd(cmd: AdminCommand) -> Result<(), ServerError> {
    let AdminCommand::Unlock(a) = cmd;
    let path = a.storage.db_path();
    if !path.is_file() {
        return Err(ServerError::Config(format!("there is no server database at {}", path.display())));
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let lifted = admin_login::unlock(&db::open(Some(&path))?, "command line", &a.name, now)?;
    eprintln!("duet admin: {lifted} login pause(s) lifted");
    Ok(())
}

/// Runs a `duet admin` subcommand.
pub fn run(cmd: AdminCommand) -> ExitCode {
    match run_cmd(cmd) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report::fail(&e),
    }
}
