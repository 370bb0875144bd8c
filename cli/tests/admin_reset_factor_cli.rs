//! `duet admin reset-factor` as the host's operator runs it: the admin's authenticator and passkeys are
//! removed and their sessions end, audited under the command line; an unknown name is a coded
//! error that changes nothing.

use duet_server::services::admin;
use duet_server::storage::{db, seal::SealKey};
use std::process::{Command, Output};

fn duet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duet")).args(args).output().expect("run duet")
}

#[test]
fn reset_factor_removes_the_authenticator_and_is_audited() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("duet-server.sqlite");
    let dir = d.path().to_str().unwrap();
    {
        let conn = db::open(Some(&path)).unwrap();
        admin::ensure_first_admin(&conn, "admin", "fixture password", 1_800_000_000).unwrap();
        let seal = SealKey::new(&[3; 32]).unwrap();
        duet_server::services::admin_factor::enroll_with_secret(&conn, &seal, "duet", "admin", &[1; 20], 1_800_000_000).unwrap();
        conn.execute("INSERT INTO sessions (token_hash, admin_id, csrf, expires_at, factor_ok) VALUES (x'00', 1, 'c', 4000000000, 1)", [])
            .unwrap();
    }
    let out = duet(&["admin", "reset-factor", "--data-dir", dir, "nobody"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error E_SRV_CONFIG"), "{}", String::from_utf8_lossy(&out.stderr));

    let out = duet(&["admin", "reset-factor", "--data-dir", dir, "Admin"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let conn = db::open(Some(&path)).unwrap();
    let (sealed, enrolled): (Option<Vec<u8>>, i64) =
        conn.query_row("SELECT totp_sealed, totp_enrolled FROM admins", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((sealed, enrolled), (None, 0));
    assert_eq!(conn.query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get::<_, i64>(0)).unwrap(), 0);
    let audited: (String, String) = conn
        .query_row("SELECT actor, detail FROM audit WHERE action = 'admin_factor_reset'", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(audited, ("command line".into(), "admin Admin".into()));
}

#[test]
fn reset_factor_removes_the_passkeys_and_their_pending_requests() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("duet-server.sqlite");
    let dir = d.path().to_str().unwrap();
    {
        let conn = db::open(Some(&path)).unwrap();
        admin::ensure_first_admin(&conn, "admin", "fixture password", 1_800_000_000).unwrap();
        // A passkey-only admin with a half-signed-in session in the middle of a sign-in. The
        // reset never opens the sealed values, so opaque bytes stand in for them.
        conn.execute_batch(
            "INSERT INTO admin_passkeys (admin_id, credential_id, passkey_sealed, created_at) VALUES (1, x'0102', x'00', 1800000000);
             INSERT INTO sessions (token_hash, admin_id, csrf, expires_at, factor_ok) VALUES (x'01', 1, 'c', 4000000000, 0);
             INSERT INTO admin_ceremonies (session_hash, kind, state_sealed, expires_at) VALUES (x'01', 'authenticate', x'00', 4000000000);",
        )
        .unwrap();
    }
    let out = duet(&["admin", "reset-factor", "--data-dir", dir, "admin"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let conn = db::open(Some(&path)).unwrap();
    for table in ["admin_passkeys", "admin_ceremonies", "sessions"] {
        let n: i64 = conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0, "{table}");
    }
    let detail: String =
        conn.query_row("SELECT detail FROM audit WHERE action = 'admin_factor_reset'", [], |r| r.get(0)).unwrap();
    assert_eq!(detail, "admin admin, 1 passkey removed");
}
