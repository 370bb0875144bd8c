//! kill -9 a writer in the middle of 1,000 writes, reopen, and check that every write
//! it reported as committed is intact and that no HOTP counter it handed out is ever
//! handed out again.
//!
//! The writer is this test binary re-run with `DUET_CRASH_CHILD` set (so the test needs
//! no outside tools); it prints one line per committed write, and the parent kills it
//! with SIGKILL after reading a given number of lines while it keeps writing.

use duet_core::keys::{self, AppKey, VaultKey};
use duet_core::otp::{Algorithm, OtpKind, OtpParams};
use duet_core::secret::Secret;
use duet_core::vault::{LockedVault, RecordId, Vault, VaultEnv};
use duet_core::OtpAccount;
use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

const KEY: [u8; 32] = [0x42; 32];
const WRITES: usize = 1000;

fn key() -> AppKey {
    AppKey(VaultKey::from_bytes(&KEY).unwrap())
}

fn account(i: usize) -> OtpAccount {
    OtpAccount {
        issuer: Some(format!("Crash{i}")),
        name: format!("user{i}"),
        secret: Secret::new(format!("secret-{i}-0123456789").into_bytes()),
        params: OtpParams { kind: OtpKind::Totp { period: 30, t0: 0 }, algorithm: Algorithm::Sha1, digits: 6 },
        extra: vec![("n".into(), i.to_string())],
    }
}

fn open(path: &Path) -> Vault {
    keys::unlock(LockedVault::open(path).unwrap(), &[&key()], None, VaultEnv::system()).unwrap().vault
}

/// The writer: alternates adding an account and reserving an HOTP counter, printing
/// each only after it is committed.
#[test]
fn crash_child() {
    let Ok(path) = std::env::var("DUET_CRASH_CHILD") else { return };
    let start: usize = std::env::var("DUET_CRASH_START").unwrap().parse().unwrap();
    let mut v = open(Path::new(&path));
    let hotp = v.find_otp("HOTP:counter").unwrap().id;
    let out = std::io::stdout();
    for i in start..start + WRITES {
        if i % 2 == 0 {
            let id = v.add_otp(&account(i)).unwrap();
            writeln!(out.lock(), "add {} {i}", id.0).unwrap();
        } else {
            let acc = v.next_hotp(&hotp).unwrap();
            let OtpKind::Hotp { counter } = acc.params.kind else { unreachable!() };
            writeln!(out.lock(), "hotp {counter}").unwrap();
        }
        out.lock().flush().unwrap();
    }
}

#[test]
fn kill_9_during_writes_loses_nothing_committed_and_reuses_no_counter() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("vault.sqlite");
    let mut v = Vault::create_with_key(&path, &VaultKey::from_bytes(&KEY).unwrap(), &[&key()], VaultEnv::system()).unwrap();
    let hotp = OtpAccount {
        issuer: Some("HOTP".into()),
        name: "counter".into(),
        params: OtpParams { kind: OtpKind::Hotp { counter: 0 }, algorithm: Algorithm::Sha1, digits: 6 },
        ..account(0)
    };
    let hotp_id = v.add_otp(&hotp).unwrap();
    drop(v);

    let mut committed: HashMap<RecordId, usize> = HashMap::new();
    let mut shown: BTreeSet<u64> = BTreeSet::new();
    for (round, kill_after) in [137usize, 512, 901].into_iter().enumerate() {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
            .env("DUET_CRASH_CHILD", &path)
            .env("DUET_CRASH_START", (round * 10_000).to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = 0;
        while seen < kill_after {
            let line = lines.next().expect("writer ended early").unwrap();
            let mut parts = line.split_whitespace();
            match parts.next() {
                Some("add") => {
                    let id = RecordId(parts.next().unwrap().to_string());
                    committed.insert(id, parts.next().unwrap().parse().unwrap());
                }
                Some("hotp") => {
                    let c: u64 = parts.next().unwrap().parse().unwrap();
                    assert!(shown.insert(c), "counter {c} handed out twice");
                }
                _ => continue, // test harness chatter
            }
            seen += 1;
        }
        child.kill().unwrap(); // SIGKILL on Unix: no destructors, no checkpoint
        child.wait().unwrap();

        let v = open(&path);
        assert_eq!(v.health().unwrap().integrity, "ok");
        let all = v.otp_accounts().unwrap();
        let by_id: HashMap<&RecordId, &OtpAccount> = all.iter().map(|s| (&s.id, &s.account)).collect();
        for (id, i) in &committed {
            assert_eq!(by_id.get(id).copied(), Some(&account(*i)), "round {round}: committed account {i} lost or changed");
        }
        let OtpKind::Hotp { counter } = v.otp_account(&hotp_id).unwrap().account.params.kind else { panic!() };
        let max_shown = *shown.iter().next_back().unwrap();
        assert!(counter > max_shown, "round {round}: stored counter {counter} would reuse shown {max_shown}");
    }
    // Afterwards the next counter is fresh.
    let mut v = open(&path);
    let acc = v.next_hotp(&hotp_id).unwrap();
    let OtpKind::Hotp { counter } = acc.params.kind else { panic!() };
    assert!(!shown.contains(&counter));
    assert!(committed.len() > 700, "{} committed adds checked", committed.len());
}
