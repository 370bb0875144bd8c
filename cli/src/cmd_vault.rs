//! Vault commands: `duet add`, `list`, `rename`, `remove`, `doctor`.
//! Listing commands take `--json`; nothing here prints a secret.

use crate::cmd_uri::arg_or_stdin;
use crate::qr_image;
use crate::report;
use crate::vault_ctx;
use clap::Args;
use duet_core::otp::OtpKind;
use duet_core::vault::{Entry, StoredOtp, Vault, VaultError, entry_id};
use duet_core::ErrorCode;
use std::process::ExitCode;

/// `duet add URI|-|IMAGE...`
#[derive(Args)]
pub struct AddArgs {
    /// otpauth:// URIs, - to read URIs (one per line) from standard input, or PNG/JPEG
    /// files showing a QR code. Google Authenticator transfer codes (otpauth-migration://)
    /// add all their accounts; give every part of a multi-QR transfer.
    #[arg(required = true, value_name = "URI|-|IMAGE")]
    pub uris: Vec<String>,
}

/// `duet list`
#[derive(Args)]
pub struct ListArgs {
    /// Print JSON (id, issuer, name, type, algorithm, digits, period or counter) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `duet rename NAME NEW`
#[derive(Args)]
pub struct RenameArgs {
    /// The account: id, `Issuer:name`, name or issuer.
    pub account: String,
    /// The new label: `Issuer:name`, or just a name (the issuer stays).
    pub new_label: String,
}

/// `duet remove NAME`
#[derive(Args)]
pub struct RemoveArgs {
    /// The account: id, `Issuer:name`, name or issuer.
    pub account: String,
}

/// `duet doctor`
#[derive(Args)]
pub struct DoctorArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `duet add`.
pub fn add(args: AddArgs) -> ExitCode {
    let mut lines = Vec::new();
    for arg in &args.uris {
        match add_input(arg) {
            Ok(t) => lines.extend(t.lines().map(|l| zeroize::Zeroizing::new(l.trim().to_string()))),
            Err(code) => return code,
        }
    }
    lines.retain(|l| !l.is_empty());
    if lines.is_empty() {
        return report::fail(&NothingToAdd);
    }
    let mut app = match vault_ctx::open_app(true) {
        Ok(a) => a,
        Err(c) => return c,
    };
    // All or nothing: a bad line, image or transfer part adds nothing.
    let added = match app.add_otp_texts(&lines) {
        Ok(a) => a,
        Err(e) => return report::fail(&e),
    };
    for n in added.warnings.iter().chain(&added.skipped) {
        eprintln!("{} {}: {}", if n.code.starts_with("W_") { "warning" } else { "skipped" }, n.code, n.message);
    }
    if added.added.is_empty() {
        return report::fail(&NothingToAdd);
    }
    for (id, label) in &added.added {
        eprintln!("added {label} ({})", &id.0[..8]);
    }
    ExitCode::SUCCESS
}

/// The text one `duet add` argument stands for: itself (a URI), stdin (`-`), or
/// the QR code in an image file.
fn add_input(arg: &str) -> Result<zeroize::Zeroizing<String>, ExitCode> {
    let looks_like_uri = arg.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("otpauth")) || arg.contains("://");
    // A name that is neither `-` nor a URI is taken as a file even when it does not
    // exist, so a mistyped path says "cannot read the file", not "bad URI".
    if arg == "-" || (looks_like_uri && !std::path::Path::new(arg).is_file()) {
        return arg_or_stdin(arg).map_err(|e| report::fail(&e));
    }
    qr_image::read_qr_file(std::path::Path::new(arg)).map_err(|e| report::fail(&e))
}

/// `duet add` got no URI.
#[derive(Debug, thiserror::Error)]
#[error("No otpauth:// URI was given; pass one as an argument or pipe it in with `duet add -`.")]
pub struct NothingToAdd;

impl ErrorCode for NothingToAdd {
    fn code(&self) -> &'static str {
        "E_CLI_NOTHING_TO_ADD"
    }
}


fn kind_name(k: &OtpKind) -> &'static str {
    match k {
        OtpKind::Totp { .. } => "totp",
        OtpKind::Hotp { .. } => "hotp",
        OtpKind::Steam { .. } => "steam",
    }
}

fn json_of(s: &StoredOtp) -> serde_json::Value {
    let p = &s.account.params;
    let mut v = serde_json::json!({
        "id": s.id.0,
        "issuer": s.account.issuer,
        "name": s.account.name,
        "type": kind_name(&p.kind),
        "algorithm": p.algorithm.name(),
        "digits": p.digits,
        "created_at": s.created_at,
    });
    match p.kind {
        OtpKind::Totp { period, .. } | OtpKind::Steam { period } => v["period"] = period.into(),
        OtpKind::Hotp { counter } => v["counter"] = counter.into(),
    }
    v
}

/// A damaged record as `list --json` shows it: its id, code and what to do.
fn json_of_damaged(d: &duet_core::vault::DamagedRecord) -> serde_json::Value {
    serde_json::json!({ "id": d.id.0, "error": d.code, "message": d.error().to_string() })
}

/// Runs `duet list`. A damaged record is listed by its id in its place, with what to do on
/// stderr; the other accounts are listed as always.
pub fn list(args: ListArgs) -> ExitCode {
    let opened = match vault_ctx::open(true) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let all = match opened.vault.otp_entries() {
        Ok(a) => a,
        Err(e) => return report::fail(&e),
    };
    if args.json {
        let items: Vec<_> = all.iter().map(|e| e.as_ref().map_or_else(json_of_damaged, json_of)).collect();
        println!("{}", serde_json::Value::Array(items));
    } else {
        for e in &all {
            match e {
                Ok(s) => println!("{}  {:<5}  {}", &s.id.0[..8], kind_name(&s.account.params.kind), s.label()),
                Err(d) => println!("{}  ?      (damaged: {})", &d.id.0[..8], d.code),
            }
        }
        if all.is_empty() {
            eprintln!("no accounts yet; add one with `duet add URI`");
        }
    }
    for d in all.iter().filter_map(|e| e.as_ref().err()) {
        report::warn(&d.error());
    }
    ExitCode::SUCCESS
}

/// Finds an account by id prefix (8+ hex digits, as `list` shows) or by name; an id also finds a
/// damaged record.
pub fn find(vault: &Vault, query: &str) -> Result<Entry<StoredOtp>, VaultError> {
    if query.len() >= 8 && query.len() < 32 && query.bytes().all(|b| b.is_ascii_hexdigit()) {
        let all = vault.otp_entries()?;
        let q = query.to_lowercase();
        let hits: Vec<_> = all.iter().filter(|e| entry_id(e).0.starts_with(&q)).collect();
        if hits.len() == 1 {
            return Ok(hits[0].clone());
        }
    }
    vault.find_otp_entry(query)
}

/// Like [`find`] for commands that need the account itself.
fn find_intact(vault: &Vault, query: &str) -> Result<StoredOtp, VaultError> {
    find(vault, query)?.map_err(|d| d.error())
}

/// Runs `duet rename`.
pub fn rename(args: RenameArgs) -> ExitCode {
    let mut opened = match vault_ctx::open(false) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let r = find_intact(&opened.vault, &args.account).and_then(|s| {
        let (issuer, name) = match args.new_label.split_once(':') {
            Some((i, n)) => (Some(i.trim().to_string()).filter(|i| !i.is_empty()), n.trim().to_string()),
            None => (s.account.issuer.clone(), args.new_label.trim().to_string()),
        };
        opened.vault.rename_otp(&s.id, issuer, name)
    });
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report::fail(&e),
    }
}

/// Runs `duet remove`. A damaged record (OTP or push) is removed by its id without being
/// decrypted.
pub fn remove(args: RemoveArgs) -> ExitCode {
    let mut opened = match vault_ctx::open(false) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let vault = &mut opened.vault;
    let removed = match find(vault, &args.account) {
        Ok(Ok(s)) => vault.remove_otp(&s.id).map(|_| s.label()),
        Ok(Err(d)) => vault.remove_otp(&d.id).map(|_| format!("damaged record {}", d.id)),
        Err(e @ VaultError::NotFound { .. }) => match damaged_push(vault, &args.account) {
            Some(id) => vault.remove_push_account(&id).map(|_| format!("damaged push record {id}")),
            None => Err(e),
        },
        Err(e) => Err(e),
    };
    match removed {
        Ok(what) => {
            eprintln!("removed {what}");
            ExitCode::SUCCESS
        }
        Err(e) => report::fail(&e),
    }
}

/// The damaged push record whose id is `query` or starts with it (8+ digits, as `doctor` shows).
fn damaged_push(vault: &Vault, query: &str) -> Option<duet_core::vault::RecordId> {
    let q = query.to_lowercase();
    let hits: Vec<_> = vault
        .push_entries()
        .ok()?
        .into_iter()
        .filter_map(Result::err)
        .filter(|d| q.len() >= 8 && d.id.0.starts_with(&q))
        .collect();
    match hits.as_slice() {
        [one] => Some(one.id.clone()),
        _ => None,
    }
}

/// Runs `duet doctor`: integrity, every record, key provider, clock offset; each problem with
/// its code, the record it concerns and what to do. Fails when there is a problem.
pub fn doctor(args: DoctorArgs) -> ExitCode {
    let opened = match vault_ctx::open(false) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let health = match opened.vault.health() {
        Ok(h) => h,
        Err(e) => return report::fail(&e),
    };
    let offset = opened.vault.clock_offset().ok().flatten();
    let ok = health.problems.is_empty();
    if args.json {
        let v = serde_json::json!({
            "vault": opened.vault.path(),
            "ok": ok,
            "health": health,
            "unlocked_by": opened.unlocked_by,
            "key_file": opened.key_file,
            "key_cache": vault_ctx::cache_description(),
            "clock_offset": offset,
        });
        println!("{v}");
    } else {
        println!("vault:        {}", opened.vault.path().display());
        println!("schema:       v{} (file was v{})", health.schema_version, health.schema_version_found);
        println!("integrity:    {}", health.integrity);
        println!("accounts:     {} OTP, {} push ({} unreadable)", health.otp_accounts, health.push_accounts, health.unreadable_records);
        println!("key slots:    {}", health.key_slots.join(", "));
        println!("unlocked by:  {}", opened.unlocked_by);
        if let Some(k) = &opened.key_file {
            println!("key file:     {}", k.display());
        }
        println!("key cache:    {}", vault_ctx::cache_description());
        match &offset {
            Some(o) => println!("clock offset: {:+} s (seen {} via {})", o.offset_secs, o.observed_at, o.source),
            None => println!("clock offset: never measured (no signed request or server Date header seen yet)"),
        }
        for p in &health.problems {
            let record = p.record.as_deref().map(|r| format!(" record {r}")).unwrap_or_default();
            println!("problem:      {}{record}: {}", p.code, p.message);
        }
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// The account `duet code NAME` shows. For HOTP the next counter is reserved and saved
/// (fsync'd) first, and the returned account carries the counter to use.
pub fn account_for_code(name: &str) -> Result<duet_core::OtpAccount, ExitCode> {
    let mut opened = vault_ctx::open(false)?;
    let found = find_intact(&opened.vault, name).map_err(|e| report::fail(&e))?;
    match found.account.params.kind {
        OtpKind::Hotp { .. } => opened.vault.next_hotp(&found.id).map_err(|e| report::fail(&e)),
        _ => Ok(found.account),
    }
}
