//! `duet admin unlock` as the host's operator runs it: the pauses of wrong admin passwords
//! are lifted in the database, audited under the command line; a missing database is a coded
//! error and creates nothing.

use duet_server::services::admin_login::{self, NAME_RULE};
use duet_server::services::throttle;
use duet_server::storage::db;
use std::process::{Command, Output};

fn duet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duet")).args(args).output().expect("run duet")
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

#[test]
fn unlock_lifts_the_name_and_address_pauses() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("duet-server.sqlite");
    let dir = d.path().to_str().unwrap();
    {
        let conn = db::open(Some(&path)).unwrap();
        // Wrong passwords from one address: it is paused after 5, the name after 50.
        for _ in 0..NAME_RULE.max_failures {
            admin_login::wrong_password(&conn, "admin", "198.51.100.1".parse().unwrap(), now()).unwrap();
        }
        assert_eq!(throttle::locked_keys(&conn, "login-", now()).unwrap().len(), 2);
    }
    let out = duet(&["admin", "unlock", "--data-dir", dir, "Admin"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 login pause(s) lifted"));
    let conn = db::open(Some(&path)).unwrap();
    assert!(throttle::locked_keys(&conn, "login-", now()).unwrap().is_empty());
    let lifted: Vec<(String, String)> = conn
        .prepare("SELECT actor, detail FROM audit WHERE action = 'admin_login_lock_lifted' ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(lifted, [("command line".into(), "name Admin".into()), ("command line".into(), "address 198.51.100.1".into())]);

    let missing = d.path().join("nothing-here");
    let out = duet(&["admin", "unlock", "--data-dir", missing.to_str().unwrap(), "admin"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error E_SRV_CONFIG"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!missing.exists());
}
