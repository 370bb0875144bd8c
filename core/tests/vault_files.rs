//! What is on disk: no secret or name in the main file, `-wal`, `-shm` or any journal
//! (also after remove); a wrong key changes nothing; damaged and truncated files give
//! a clear error, never an empty vault.

use duet_core::keys::{self, Passphrase, ScryptParams};
use duet_core::otp::{Algorithm, OtpKind, OtpParams};
use duet_core::secret::Secret;
use duet_core::vault::{LockedVault, Vault, VaultEnv};
use duet_core::{ErrorCode, OtpAccount};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

fn pass(p: &str) -> Passphrase {
    Passphrase::with_params(Zeroizing::new(p.to_string()), ScryptParams { log_n: 10, r: 8, p: 1 })
}

fn account(i: usize) -> OtpAccount {
    // Distinctive secrets and names, so a hit cannot be a coincidence.
    let secret: Vec<u8> = format!("S3cr3t-{i:04}-QZXJVWKY").into_bytes();
    OtpAccount {
        issuer: Some(format!("Issuerzz{i:04}")),
        name: format!("user{i:04}@victim.example"),
        secret: Secret::new(secret),
        params: OtpParams { kind: OtpKind::Totp { period: 30, t0: 0 }, algorithm: Algorithm::Sha1, digits: 6 },
        extra: vec![],
    }
}

fn base32(b: &[u8]) -> String {
    base32::encode(base32::Alphabet::Rfc4648 { padding: false }, b)
}

/// Every file SQLite may have written next to the vault.
fn files_of(path: &Path) -> Vec<PathBuf> {
    let dir = path.parent().unwrap();
    let stem = path.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(&stem))
        .collect()
}

fn needles(a: &OtpAccount) -> Vec<Vec<u8>> {
    let s = a.secret.expose();
    vec![
        s.to_vec(),
        base32(s).into_bytes(),
        base32(s).to_lowercase().into_bytes(),
        hex::encode(s).into_bytes(),
        hex::encode_upper(s).into_bytes(),
        a.name.clone().into_bytes(),
        a.issuer.clone().unwrap().into_bytes(),
        // UTF-16 forms too, in case anything stored text that way.
        a.name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect(),
    ]
}

fn assert_absent(path: &Path, accounts: &[OtpAccount], when: &str) -> usize {
    let files = files_of(path);
    let mut searched = 0;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        searched += bytes.len();
        for a in accounts {
            for n in needles(a) {
                assert!(
                    memchr::memmem::find(&bytes, &n).is_none(),
                    "{when}: {} contains a secret or name of {}",
                    f.display(),
                    a.name
                );
            }
        }
    }
    searched
}

#[test]
fn no_secret_or_name_on_disk_in_any_file_also_after_remove() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("vault.sqlite");
    let mut v = Vault::create(&path, &[&pass("pw for tests")], VaultEnv::system()).unwrap();
    let accounts: Vec<OtpAccount> = (0..60).map(account).collect();
    let mut ids = vec![];
    for a in &accounts {
        ids.push(v.add_otp(a).unwrap());
    }
    for id in &ids[..10] {
        v.rename_otp(id, Some("Renamedzz".into()), "renamed-victim".into()).unwrap();
    }
    v.put_push_account("duet", b"PUSHSTATE-victim-device-key-ref").unwrap();
    v.mark_challenge_seen("scope", "challenge-id-victim-77", 1).unwrap();
    // While the connection is open the WAL and shm files exist and hold the latest pages.
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    assert!(wal.exists(), "WAL mode in use");
    let mut all = accounts.clone();
    all.push(OtpAccount { issuer: Some("Renamedzz".into()), name: "renamed-victim".into(), ..account(99) });
    let searched = assert_absent(&path, &all, "while open");
    assert!(searched > 50_000, "searched {searched} bytes");
    for extra in [&b"PUSHSTATE-victim"[..], b"challenge-id-victim-77"] {
        for f in files_of(&path) {
            let bytes = std::fs::read(&f).unwrap();
            assert!(memchr::memmem::find(&bytes, extra).is_none(), "{} leaks push state", f.display());
        }
    }
    // Remove half, then search again while open and after close (checkpointed).
    for id in &ids[..30] {
        v.remove_otp(id).unwrap();
    }
    assert_absent(&path, &all, "after remove, open");
    drop(v);
    assert_absent(&path, &all, "after remove, closed");
    // The remaining accounts are still readable.
    let v = keys::unlock(LockedVault::open(&path).unwrap(), &[&pass("pw for tests")], None, VaultEnv::system()).unwrap().vault;
    assert_eq!(v.otp_accounts().unwrap().len(), 30);
}

fn made_vault(dir: &Path) -> PathBuf {
    let path = dir.join("vault.sqlite");
    let mut v = Vault::create(&path, &[&pass("pw for tests")], VaultEnv::system()).unwrap();
    for i in 0..200 {
        v.add_otp(&account(i)).unwrap();
    }
    path
}

fn open_all(path: &Path) -> Result<usize, duet_core::vault::VaultError> {
    let locked = LockedVault::open(path)?;
    let v = keys::unlock(locked, &[&pass("pw for tests")], None, VaultEnv::system())?.vault;
    Ok(v.otp_accounts()?.len())
}

#[test]
fn wrong_key_is_clear_and_changes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let path = made_vault(d.path());
    let before = std::fs::read(&path).unwrap();
    let e = keys::unlock(LockedVault::open(&path).unwrap(), &[&pass("wrong")], None, VaultEnv::system()).unwrap_err();
    assert_eq!(e.code(), "E_KEY_WRONG_PASSPHRASE");
    assert_eq!(std::fs::read(&path).unwrap(), before, "a failed unlock wrote to the vault");
    assert_eq!(open_all(&path).unwrap(), 200);
}

#[test]
fn truncated_files_give_a_clear_error_never_an_empty_vault() {
    let d = tempfile::tempdir().unwrap();
    let path = made_vault(d.path());
    let full = std::fs::read(&path).unwrap();
    assert!(full.len() > 40_000);
    for cut in [0, 50, 100, 4096, full.len() / 2, full.len() - 4096, full.len() - 1] {
        let p = d.path().join(format!("cut{cut}.sqlite"));
        std::fs::write(&p, &full[..cut]).unwrap();
        match open_all(&p) {
            Ok(n) => panic!("cut at {cut}: opened with {n} accounts"),
            Err(e) => assert!(
                ["E_VAULT_CORRUPT", "E_VAULT_NOT_A_VAULT"].contains(&e.code()),
                "cut at {cut}: {} {e}",
                e.code()
            ),
        }
    }
}

#[test]
fn corrupted_bytes_give_a_clear_error_never_silent_loss() {
    let d = tempfile::tempdir().unwrap();
    let path = made_vault(d.path());
    let full = std::fs::read(&path).unwrap();
    let page = 4096;
    // Flip bytes at many places: the header, b-tree page headers, the middle of records.
    let mut offsets: Vec<usize> = vec![0, 16, 28, 100, page, page + 1, page + 8];
    offsets.extend((2..full.len() / page).flat_map(|p| [p * page, p * page + 3, p * page + page / 2, p * page + page - 40]));
    let mut errors = std::collections::BTreeMap::new();
    for off in offsets {
        let mut bad = full.clone();
        bad[off] ^= 0x5A;
        let p = d.path().join("bad.sqlite");
        std::fs::write(&p, &bad).unwrap();
        match open_all(&p) {
            // A flip in slack space (free bytes of a page) changes nothing that is read.
            Ok(n) => assert_eq!(n, 200, "offset {off}: vault opened with {n} of 200 accounts"),
            Err(e) => *errors.entry(e.code()).or_insert(0) += 1,
        }
    }
    for code in errors.keys() {
        assert!(
            ["E_VAULT_CORRUPT", "E_VAULT_NOT_A_VAULT", "E_VAULT_RECORD_CORRUPT", "E_VAULT_TOO_NEW", "E_VAULT_WRONG_KEY", "E_KEY_WRONG_PASSPHRASE", "E_KEY_SLOT_INVALID"]
                .contains(code),
            "unexpected error {code}"
        );
    }
    assert!(errors.contains_key("E_VAULT_RECORD_CORRUPT"), "record tampering detected: {errors:?}");
}

#[test]
fn other_files_are_not_vaults() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("x.sqlite");
    assert_eq!(LockedVault::open(&p).unwrap_err().code(), "E_VAULT_MISSING");
    std::fs::write(&p, b"hello, not a database at all, but long enough to have a header ............................................................").unwrap();
    assert_eq!(LockedVault::open(&p).unwrap_err().code(), "E_VAULT_NOT_A_VAULT");
    let other = d.path().join("other.sqlite");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t(x); PRAGMA user_version=7;").unwrap();
    assert!(["E_VAULT_TOO_NEW", "E_VAULT_NOT_A_VAULT"].contains(&LockedVault::open(&other).unwrap_err().code()));
    let plain = d.path().join("plain.sqlite");
    rusqlite::Connection::open(&plain).unwrap().execute_batch("CREATE TABLE t(x);").unwrap();
    assert_eq!(LockedVault::open(&plain).unwrap_err().code(), "E_VAULT_NOT_A_VAULT");
    let v1ish = d.path().join("v1ish.sqlite");
    rusqlite::Connection::open(&v1ish).unwrap().execute_batch("CREATE TABLE t(x); PRAGMA user_version=1;").unwrap();
    assert_eq!(LockedVault::open(&v1ish).unwrap_err().code(), "E_VAULT_NOT_A_VAULT");
}
