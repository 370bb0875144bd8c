//! `duet admin-key` as a deployment script runs it: the key alone on stdout, a listing
//! without keys, revocation, coded errors; the database keeps only the key's SHA-256 and
//! the audit log names the command line.

use duet_server::services::keys::secret_hash;
use duet_server::storage::db;
use std::process::{Command, Output};

fn duet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duet")).args(args).output().expect("run duet")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

#[test]
fn create_list_revoke() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("server");
    let dir = dir.to_str().unwrap();
    let out = duet(&["admin-key", "create", "--data-dir", dir, "--name", "user sync", "--scope", "read-write"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let key = text(&out.stdout);
    let key = key.strip_suffix('\n').expect("one line");
    assert!(key.starts_with("duetadm_") && key.len() == 8 + 64 && !key.contains('\n'), "{key}");
    assert!(!text(&out.stderr).contains(&key[8..]), "the key went to stderr too");

    let out = duet(&["admin-key", "list", "--data-dir", dir]);
    assert_eq!(text(&out.stdout), "1\tread-write\tlive\tuser sync\n");

    let conn = db::open(Some(&d.path().join("server/duet-server.sqlite"))).unwrap();
    let stored: Vec<u8> = conn.query_row("SELECT key_hash FROM admin_keys", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, secret_hash(key));
    let actor: String = conn.query_row("SELECT actor FROM audit WHERE action = 'admin_key_created'", [], |r| r.get(0)).unwrap();
    assert_eq!(actor, "command line");

    let out = duet(&["admin-key", "revoke", "--data-dir", dir, "1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&duet(&["admin-key", "list", "--data-dir", dir]).stdout), "1\tread-write\trevoked\tuser sync\n");
    let out = duet(&["admin-key", "revoke", "--data-dir", dir, "1"]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).starts_with("error E_SRV_ADMIN_KEY_UNKNOWN: "), "{}", text(&out.stderr));
}

#[test]
fn bad_names_and_scopes_are_refused_with_nothing_stored() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().to_str().unwrap();
    let out = duet(&["admin-key", "create", "--data-dir", dir, "--name", "  "]);
    assert!(text(&out.stderr).starts_with("error E_SRV_BAD_REQUEST: "), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let out = duet(&["admin-key", "create", "--data-dir", dir, "--name", "x", "--scope", "admin"]);
    assert!(!out.status.success() && out.stdout.is_empty());
    assert_eq!(text(&duet(&["admin-key", "list", "--data-dir", dir]).stdout), "");
}
