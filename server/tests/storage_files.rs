//! The server's files on disk: private modes whatever the umask, and no new key file beside
//! a database that was sealed with another one.

use duet_server::clock::ManualClock;
use duet_server::run::{Options, open_state};
use duet_server::Config;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

fn options(dir: &Path) -> Options {
    let pw = dir.with_extension("pw");
    std::fs::write(&pw, "storage files test").unwrap();
    Options {
        listen: "127.0.0.1:0".parse().unwrap(),
        db_path: dir.join("duet-server.sqlite"),
        key_file: dir.join("server.key"),
        admin_name: "admin".into(),
        admin_password_file: Some(pw),
        admin_factor_file: None,
        tls: None,
        public_url: None,
        rotate_key: false,
    }
}

fn open(dir: &Path) -> Result<Arc<duet_server::State>, duet_server::ServerError> {
    open_state(&options(dir), Config::default(), Arc::new(ManualClock::new(1_800_000_000)), "127.0.0.1:8440".parse().unwrap())
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn directory_database_and_key_are_private_under_umask_022() {
    // SAFETY: umask only changes this process's creation mask; this test binary's only test.
    unsafe { libc::umask(0o022) };
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    let st = open(&dir).unwrap();
    // A write makes SQLite create its -wal and -shm files.
    duet_server::services::users::create(&st.db(), "alice", false, st.config.name_rules, 1_800_000_000).unwrap();
    assert_eq!(mode(&dir), 0o700);
    for f in ["duet-server.sqlite", "duet-server.sqlite-wal", "duet-server.sqlite-shm", "server.key"] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
    drop(st);
    // A database left readable by an older version is tightened at the next start.
    std::fs::set_permissions(dir.join("duet-server.sqlite"), std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(open(&dir).unwrap());
    assert_eq!(mode(&dir.join("duet-server.sqlite")), 0o600);

    // A copied database without its key file: refused, and no key file is made.
    let copy = root.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    std::fs::copy(dir.join("duet-server.sqlite"), copy.join("duet-server.sqlite")).unwrap();
    let err = open(&copy).err().expect("refused without its key file");
    assert_eq!(duet_core::ErrorCode::code(&err), "E_SRV_KEY_FILE");
    assert!(!copy.join("server.key").exists());
}
