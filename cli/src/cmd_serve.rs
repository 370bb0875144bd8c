//! `duet serve`: runs the reference push server and helpdesk page (docs/server.md).

use crate::report;
use clap::Args;
use duet_server::config::NameRules;
use duet_server::run::{Options, serve_until_signal};
use duet_server::Config;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// Where the server keeps its database (shared by `duet serve` and `duet admin-key`).
#[derive(Args, Debug)]
pub struct StorageArgs {
    /// Directory for the database and key file.
    #[arg(long, default_value = "duet-server")]
    pub data_dir: PathBuf,
    /// SQLite database (default: DATA_DIR/duet-server.sqlite).
    #[arg(long)]
    pub db: Option<PathBuf>,
}

impl StorageArgs {
    /// The database file.
    pub fn db_path(&self) -> PathBuf {
        self.db.clone().unwrap_or_else(|| self.data_dir.join("duet-server.sqlite"))
    }
}

/// Options of `duet serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default; put a TLS reverse proxy in front or
    /// pass --tls-cert/--tls-key before listening on a public address.
    #[arg(long, default_value = "127.0.0.1:8440")]
    listen: SocketAddr,
    #[command(flatten)]
    storage: StorageArgs,
    /// Sealing key file, created with mode 0600 (default: DATA_DIR/server.key).
    #[arg(long)]
    key_file: Option<PathBuf>,
    /// Name of the first admin.
    #[arg(long, default_value = "admin")]
    admin_name: String,
    /// File holding the first admin's password (needed on first start only).
    #[arg(long)]
    admin_password_file: Option<PathBuf>,
    /// When the first admin is created: give them their authenticator (TOTP) at once and write
    /// its otpauth:// URI to this file (mode 0600), to add to an authenticator before the first
    /// login. Without it, the first login sets the authenticator up on the page.
    #[arg(long, value_name = "FILE")]
    admin_factor_file: Option<PathBuf>,
    /// TLS certificate chain (PEM).
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Base URL devices and browsers use (set it when behind a reverse proxy).
    #[arg(long)]
    public_url: Option<String>,
    /// Organisation name shown on phones.
    #[arg(long, default_value = "duet")]
    issuer: String,
    /// Match `name@domain` (Windows UPN) user names on the part before `@`.
    #[arg(long)]
    strip_upn_domain: bool,
    /// A reverse proxy whose X-Forwarded-For header names the client (repeatable); per-address
    /// limits use the forwarded address only for connections from these.
    #[arg(long, value_name = "ADDR")]
    trusted_proxy: Vec<std::net::IpAddr>,
    /// Rotate the server signing key at start (devices learn the new key at their next poll).
    #[arg(long)]
    rotate_server_key: bool,
}

impl ServeArgs {
    fn options(&self) -> Options {
        Options {
            listen: self.listen,
            db_path: self.storage.db_path(),
            key_file: self.key_file.clone().unwrap_or_else(|| self.storage.data_dir.join("server.key")),
            admin_name: self.admin_name.clone(),
            admin_password_file: self.admin_password_file.clone(),
            admin_factor_file: self.admin_factor_file.clone(),
            tls: self.tls_cert.clone().zip(self.tls_key.clone()),
            public_url: self.public_url.clone(),
            rotate_key: self.rotate_server_key,
        }
    }
}

/// Runs the server until Ctrl-C or SIGTERM.
pub fn run(args: ServeArgs) -> ExitCode {
    let config = Config {
        issuer: args.issuer.clone(),
        name_rules: NameRules { strip_upn_domain: args.strip_upn_domain },
        trusted_proxies: args.trusted_proxy.clone(),
        ..Config::default()
    };
    let dir = &args.storage.data_dir;
    if let Err(e) = duet_server::storage::files::private_dir(dir) {
        return report::fail(&e);
    }
    let res = serve_until_signal(args.options(), config, |url, _, _| {
        println!("duet serve: listening on {url}");
        println!("duet serve: helpdesk page {url}/helpdesk");
    });
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report::fail(&e),
    }
}
