//! `duet admin-key`: creates, lists and revokes the server's admin API keys from the server's
//! own machine (docs/server.md "Admin API"), so a deployment script can get its first key
//! without a browser. Works on the database directly, whether or not the server runs.

use crate::cmd_serve::StorageArgs;
use crate::report;
use clap::{Args, Subcommand, ValueEnum};
use duet_server::ServerError;
use duet_server::services::admin_keys::{self, Scope};
use duet_server::storage::db;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Who the audit log names for changes made here.
const ACTOR: &str = "command line";

/// `duet admin-key` subcommands.
#[derive(Subcommand, Debug)]
pub enum AdminKeyCommand {
    /// Create a key; prints only the key on stdout (it is not shown again).
    Create(CreateArgs),
    /// List the keys (never the keys themselves).
    List(StorageOnly),
    /// Revoke a key by id.
    Revoke(RevokeArgs),
}

/// What a new key may do.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ScopeArg {
    /// Reads only.
    ReadOnly,
    /// Reads and changes.
    ReadWrite,
}

/// Options of `duet admin-key create`.
#[derive(Args, Debug)]
pub struct CreateArgs {
    #[command(flatten)]
    storage: StorageArgs,
    /// What the key is for (shown in the audit log).
    #[arg(long)]
    name: String,
    /// What the key may do.
    #[arg(long, value_enum, default_value = "read-only")]
    scope: ScopeArg,
}

/// Options of `duet admin-key list`.
#[derive(Args, Debug)]
pub struct StorageOnly {
    #[command(flatten)]
    storage: StorageArgs,
}

/// Options of `duet admin-key revoke`.
#[derive(Args, Debug)]
pub struct RevokeArgs {
    #[command(flatten)]
    storage: StorageArgs,
    /// The key's id (see `duet admin-key list`).
    id: i64,
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// The database file, its directory created if needed (a key can be made before the first start).
fn db_file(storage: &StorageArgs) -> Result<PathBuf, ServerError> {
    let path = storage.db_path();
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        duet_server::storage::files::private_dir(dir)?;
    }
    Ok(path)
}

fn run_cmd(cmd: AdminKeyCommand) -> Result<(), ServerError> {
    match cmd {
        AdminKeyCommand::Create(a) => {
            let scope = match a.scope {
                ScopeArg::ReadOnly => Scope::ReadOnly,
                ScopeArg::ReadWrite => Scope::ReadWrite,
            };
            let new = admin_keys::create(&db::open(Some(&db_file(&a.storage)?))?, ACTOR, &a.name, scope, now())?;
            eprintln!("duet admin-key: created #{} {} ({}); the key is not shown again", new.key.id, new.key.name, scope.as_str());
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", new.secret.as_str()).map_err(|e| ServerError::Config(format!("cannot write the key: {e}")))?;
        }
        AdminKeyCommand::List(a) => {
            for k in admin_keys::list(&db::open(Some(&db_file(&a.storage)?))?)? {
                let state = if k.revoked_at.is_some() { "revoked" } else { "live" };
                println!("{}\t{}\t{}\t{}", k.id, k.scope.as_str(), state, k.name);
            }
        }
        AdminKeyCommand::Revoke(a) => {
            let k = admin_keys::revoke(&db::open(Some(&db_file(&a.storage)?))?, ACTOR, a.id, None, now())?;
            eprintln!("duet admin-key: revoked #{} {}", k.id, k.name);
        }
    }
    Ok(())
}

/// Runs a `duet admin-key` subcommand.
pub fn run(cmd: AdminKeyCommand) -> ExitCode {
    match run_cmd(cmd) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report::fail(&e),
    }
}
