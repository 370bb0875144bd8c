//! `duet demo [--yes]`: the whole system on one machine, in a few seconds.
//!
//! Starts the reference server on 127.0.0.1 with a throwaway SQLite database, enrolls
//! a software device with `duet enroll` (a child process running this same binary,
//! on a throwaway vault), and drives sign-ins through the same `duet pending` /
//! `duet approve` / `duet deny` / `duet code` commands a user runs. The application
//! side (starting sign-ins, checking passcodes) calls the server's sign-in API code
//! in-process. Everything is removed at the end; with `--keep` the server, the enrolled
//! device and their data stay until Ctrl-C so the helpdesk page can be explored.

use crate::report;
use clap::Args;
use duet_server::clock::SystemClock;
use duet_server::random::random_token;
use duet_server::run::{Background, Options, wait_for_signal};
use duet_server::services::signin_start::{self, ClientInfo, Method, PUSH_MATCHING, SigninView, StartSignin};
use duet_server::services::signins::{self, Status};
use duet_server::services::{apps, enrollments, users};
use duet_server::{Config, ServerError, State};

use duet_core::ErrorCode;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Options of `duet demo`.
#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Run unattended: approve with the number from the sign-in screen without asking.
    #[arg(long)]
    yes: bool,
    /// Afterwards keep the server, the enrolled device and their data until Ctrl-C, and print
    /// the helpdesk's address and admin login.
    #[arg(long)]
    keep: bool,
}

/// Why the demo stopped.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A `duet` child command failed.
    #[error("The step `duet {command}` failed: {detail}")]
    Command {
        /// The command line.
        command: String,
        /// Its error output.
        detail: String,
    },
    /// A step did not have the effect it should.
    #[error("The demo expected {0}, but the server saw something else.")]
    Unexpected(String),
    /// No terminal to ask on and no `--yes`.
    #[error("The demo asks before approving; run it in a terminal or pass --yes to run unattended.")]
    NotInteractive,
    /// Server or setup problem.
    #[error(transparent)]
    Server(#[from] ServerError),
}

impl ErrorCode for DemoError {
    fn code(&self) -> &'static str {
        match self {
            DemoError::Command { .. } => "E_DEMO_COMMAND",
            DemoError::Unexpected(_) => "E_DEMO_UNEXPECTED",
            DemoError::NotInteractive => "E_DEMO_NOT_INTERACTIVE",
            DemoError::Server(e) => e.code(),
        }
    }
}

/// Runs the demo.
pub fn run(args: DemoArgs) -> ExitCode {
    if !args.yes && !std::io::stdin().is_terminal() {
        return report::fail(&DemoError::NotInteractive);
    }
    let dir = match TempDir::new() {
        Ok(d) => d,
        Err(e) => return report::fail(&DemoError::Server(ServerError::Config(format!("cannot create a temporary directory: {e}")))),
    };
    let started = Instant::now();
    let result = demo(&args, &dir.0);
    match result {
        Ok(()) => {
            println!("\nduet demo: every step passed in {:.1} s; the throwaway server, database and vault are removed.", started.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(e) => report::fail(&e),
    }
    // `dir` is removed on drop, after the server stopped.
}

/// A private temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<Self> {
        let name = format!("duet-demo-{}-{}", std::process::id(), random_token(4));
        let p = std::env::temp_dir().join(name);
        let mut b = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        b.create(&p)?;
        Ok(TempDir(p))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Where the server writes the demo admin's authenticator URI (added to the demo's vault).
const ADMIN_FACTOR_FILE: &str = "admin-factor.uri";

fn start_server(dir: &Path, admin_password: &str) -> Result<Background, DemoError> {
    let pw_file = dir.join("admin-password");
    std::fs::write(&pw_file, admin_password).map_err(|e| ServerError::Config(e.to_string()))?;
    let opts = Options {
        listen: "127.0.0.1:0".parse().expect("literal address"),
        db_path: dir.join("server.sqlite"),
        key_file: dir.join("server.key"),
        admin_name: "admin".into(),
        admin_password_file: Some(pw_file),
        admin_factor_file: Some(dir.join(ADMIN_FACTOR_FILE)),
        tls: None,
        public_url: None,
        rotate_key: false,
    };
    let config = Config { issuer: "duet demo".into(), ..Config::default() };
    Ok(Background::start(opts, config, std::sync::Arc::new(SystemClock), 2)?)
}

/// Runs `duet ARGS` on the throwaway vault; returns stdout.
fn duet(dir: &Path, args: &[&str]) -> Result<String, DemoError> {
    duet_with_input(dir, args, None)
}

/// Runs `duet ARGS` on the throwaway vault with `input` on its standard input (secrets go
/// there, not on the command line, which is printed and visible to other processes).
fn duet_with_input(dir: &Path, args: &[&str], input: Option<&str>) -> Result<String, DemoError> {
    let exe = std::env::current_exe().map_err(|e| ServerError::Config(e.to_string()))?;
    let shown = args.join(" ");
    // Long arguments (the enrollment link) are shortened on screen only.
    let short: Vec<String> = args
        .iter()
        .map(|a| if a.len() > 60 { format!("'{}…'", &a[..48]) } else { a.to_string() })
        .collect();
    println!("  $ duet {}", short.join(" "));
    let mut child = Command::new(exe)
        .args(args)
        .env("DUET_VAULT", dir.join("vault.sqlite"))
        .env("DUET_KEY_STORE", "key-file")
        // The vault refuses a key file beside it: keep it in its own folder.
        .env("DUET_KEY_FILE", dir.join("keys").join("vault.key"))
        .env("DUET_KEY_CACHE", "off")
        .env_remove("DUET_PASSPHRASE")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| DemoError::Command { command: shown.clone(), detail: e.to_string() })?;
    if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(text.as_bytes()).map_err(|e| DemoError::Command { command: shown.clone(), detail: e.to_string() })?;
    }
    let out = child.wait_with_output().map_err(|e| DemoError::Command { command: shown.clone(), detail: e.to_string() })?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    for line in stdout.lines() {
        println!("    {line}");
    }
    if !out.status.success() {
        return Err(DemoError::Command { command: shown, detail: String::from_utf8_lossy(&out.stderr).trim().to_string() });
    }
    Ok(stdout)
}

fn step(n: u32, text: &str) {
    println!("\n[{n}/7] {text}");
}

fn push(state: &State, app_id: i64) -> Result<SigninView, ServerError> {
    signin_start::start(state, Some(app_id), &StartSignin {
        user: "alice".into(),
        method: Method::Push,
        passcode: None,
        client: ClientInfo {
            app: Some("demo intranet".into()),
            ip: Some("127.0.0.1".into()),
            browser: Some("duet demo".into()),
            location: None,
        },
    }, PUSH_MATCHING)
}

fn status_of(state: &State, id: &str) -> Result<Status, DemoError> {
    let conn = state.db();
    signins::expire(&conn, state.now())?;
    Ok(signins::get(&conn, id)?.map(|s| s.status).unwrap_or(Status::Expired))
}

fn expect(cond: bool, what: &str) -> Result<(), DemoError> {
    if cond { Ok(()) } else { Err(DemoError::Unexpected(what.to_string())) }
}

fn demo(args: &DemoArgs, dir: &Path) -> Result<(), DemoError> {
    let admin_password = random_token(8);
    std::fs::create_dir_all(dir.join("keys")).map_err(|e| ServerError::Config(e.to_string()))?;
    step(1, "Start the reference server on 127.0.0.1 with a throwaway SQLite database");
    let server = start_server(dir, &admin_password)?;
    let st = server.state.clone();
    println!("  server:   {}", server.url);
    println!("  helpdesk: {}/helpdesk  (while the demo runs; with --keep the demo prints the admin login)", server.url);

    step(2, "Helpdesk: add user alice, an application and an enrollment");
    let (app_id, link, code) = {
        let now = st.now();
        let conn = st.db();
        users::create(&conn, "alice", false, st.config.name_rules, now)?;
        let (app, _key) = apps::create(&conn, "demo intranet", now)?;
        drop(conn);
        let user = users::find(&st.db(), "alice", st.config.name_rules)?.ok_or(ServerError::UserUnknown)?;
        let e = enrollments::create(&st, &user)?;
        (app.id, e.link, e.manual_code)
    };
    println!("  enrollment link (the QR code's text): {}…", &link[..link.len().min(60)]);
    println!("  manual activation code: {code}");

    step(3, "Device: enroll a software device from the enrollment link");
    duet(dir, &["enroll", &link])?;

    step(4, "Sign-in 1: push with number matching, approved through duet pending / duet approve");
    let s1 = push(&st, app_id)?;
    let number = s1.number.clone().unwrap_or_default();
    println!("  the sign-in screen shows: {number}");
    duet(dir, &["pending"])?;
    let typed = if args.yes {
        println!("  --yes: typing {number} on the device");
        number.clone()
    } else {
        print!("  Type the number shown on the sign-in screen to approve (empty to deny): ");
        std::io::stdout().flush().ok();
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|_| DemoError::NotInteractive)?;
        line.trim().to_string()
    };
    if typed.is_empty() {
        duet(dir, &["deny", "--reason", "mistake"])?;
    } else {
        // A wrong number is sent as typed: the server closes the sign-in as failed.
        let _ = duet(dir, &["approve", "--number", &typed]);
    }
    let s = status_of(&st, &s1.id)?;
    println!("  server: sign-in 1 is {}", s.label());
    expect(s == Status::Approved, "sign-in 1 to be approved")?;

    step(5, "Offline passcode: accepted once, refused the second time");
    // The enrollment also stored the offline passcode account (TOTP) in the vault.
    let otp_id = totp_account(dir, |name| name != "admin")?
        .ok_or_else(|| DemoError::Unexpected("an offline passcode account in the vault".into()))?;
    let passcode = duet(dir, &["code", &otp_id])?;
    let passcode = passcode.lines().next().unwrap_or("").trim().to_string();
    let check = |code: &str| {
        signin_start::start(&st, Some(app_id), &StartSignin {
            user: "ALICE".into(),
            method: Method::Passcode,
            passcode: Some(code.to_string()),
            client: ClientInfo::default(),
        }, PUSH_MATCHING)
    };
    let first = check(&passcode)?;
    println!("  server: passcode {passcode} -> {}", first.status.label());
    expect(first.status == Status::Approved, "the passcode to be accepted")?;
    match check(&passcode) {
        Err(e) => println!("  server: passcode {passcode} again -> refused, error {}: {e}", e.code()),
        Ok(_) => return Err(DemoError::Unexpected("the reused passcode to be refused".into())),
    }

    step(6, "Sign-in 2: denied as fraud (not me); further pushes are muted");
    let s2 = push(&st, app_id)?;
    println!("  the sign-in screen shows: {}", s2.number.as_deref().unwrap_or(""));
    duet(dir, &["deny", "--reason", "not_me"])?;
    let s = status_of(&st, &s2.id)?;
    println!("  server: sign-in 2 is {}", s.label());
    expect(s == Status::Fraud, "sign-in 2 to be denied as fraud")?;
    match push(&st, app_id) {
        Err(e @ ServerError::PushMuted) => println!("  server: sign-in 3 -> refused, error {}: {e}", e.code()),
        Err(e) => return Err(DemoError::Unexpected(format!("a mute, not {}", e.code()))),
        Ok(_) => return Err(DemoError::Unexpected("sign-in 3 to be muted".into())),
    }
    let user = users::find(&st.db(), "alice", st.config.name_rules)?.ok_or(ServerError::UserUnknown)?;
    println!("  helpdesk shows: pushes muted until {}", duet_server::http::helpdesk::layout::when(user.muted_until));

    if args.keep {
        step(7, "Keep the server running: explore the helpdesk page");
        keep(&server.url, &admin_password, dir)?;
    } else {
        step(7, "Clean up: stop the server, remove the database and the vault");
    }
    drop(server);
    Ok(())
}

/// The id of the vault's first TOTP account whose name passes `pick`.
fn totp_account(dir: &Path, pick: impl Fn(&str) -> bool) -> Result<Option<String>, DemoError> {
    let listed = duet(dir, &["list", "--json"])?;
    Ok(serde_json::from_str::<serde_json::Value>(&listed).ok().and_then(|v| {
        let list = v.as_array()?.clone();
        list.into_iter().find(|a| a["type"] == "totp" && pick(a["name"].as_str().unwrap_or(""))).map(|a| match &a["id"] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }))
}

/// Adds the demo admin's authenticator (the URI the server wrote) to the demo's vault; returns
/// its account id there.
fn add_admin_factor(dir: &Path) -> Result<String, DemoError> {
    let uri = zeroize::Zeroizing::new(
        std::fs::read_to_string(dir.join(ADMIN_FACTOR_FILE)).map_err(|e| ServerError::Config(e.to_string()))?,
    );
    duet_with_input(dir, &["add", "-"], Some(&uri))?;
    totp_account(dir, |name| name == "admin")?.ok_or_else(|| DemoError::Unexpected("the admin's authenticator in the vault".into()))
}

/// Prints how to reach the kept server and its enrolled device, then waits for Ctrl-C.
fn keep(url: &str, admin_password: &str, dir: &Path) -> Result<(), DemoError> {
    let exe = std::env::current_exe().map_err(|e| ServerError::Config(e.to_string()))?;
    println!("  the admin's authenticator (TOTP) goes into the demo's vault, beside alice's device:");
    let factor_id = add_admin_factor(dir)?;
    println!("  helpdesk:   {url}/helpdesk");
    println!("  in another terminal, use the demo's vault:");
    println!(
        "    export DUET_VAULT='{}' DUET_KEY_STORE=key-file DUET_KEY_FILE='{}' DUET_KEY_CACHE=off",
        dir.join("vault.sqlite").display(),
        dir.join("keys").join("vault.key").display()
    );
    println!("  sign in as: admin / {admin_password}, then the authenticator code from:");
    println!("    '{}' code {factor_id}", exe.display());
    println!("  alice's pushes are paused after the fraud report: open alice, \"Lift the pause\", then \"Send a test push\".");
    println!("  answer it with the enrolled device:");
    println!("    '{}' pending", exe.display());
    println!("    '{}' approve --number NUMBER", exe.display());
    println!("  Press Ctrl-C to stop the server and remove its data.");
    std::io::stdout().flush().ok();
    wait_for_signal()?;
    Ok(())
}
