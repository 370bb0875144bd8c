use duet_core::keys::{self, Passphrase, ScryptParams};
use duet_core::vault::{LockedVault, Vault, VaultEnv};
use duet_core::{ErrorCode, OtpAccount};
use duet_core::otp::{Algorithm, OtpKind, OtpParams};
use duet_core::secret::Secret;
use std::path::Path;
use zeroize::Zeroizing;

fn pass() -> Passphrase {
    Passphrase::with_params(Zeroizing::new("pw".to_string()), ScryptParams { log_n: 10, r: 8, p: 1 })
}
fn account(i: usize) -> OtpAccount {
    OtpAccount {
        issuer: Some(format!("Issuer{i}")),
        name: format!("user{i}"),
        secret: Secret::new(format!("12345678901234567890-{i}").into_bytes()),
        params: OtpParams { kind: OtpKind::Totp { period: 30, t0: 0 }, algorithm: Algorithm::Sha1, digits: 6 },
        extra: vec![],
    }
}
fn open(path: &Path) -> Vault {
    keys::unlock(LockedVault::open(path).unwrap(), &[&pass()], None, VaultEnv::system()).unwrap().vault
}

#[test]
fn experiment() {
    for fill in [0u8, 0xff, 0x0d, 0x5a] {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("v.sqlite");
    let mut v = Vault::create(&path, &[&pass()], VaultEnv::system()).unwrap();
    for i in 0..8 { v.add_otp(&account(i)).unwrap(); }
    drop(v);
    let raw = rusqlite::Connection::open(&path).unwrap();
    let root: i64 = raw.query_row("SELECT rootpage FROM sqlite_schema WHERE name='otp_accounts'", [], |r| r.get(0)).unwrap();
    let ps: i64 = raw.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    drop(raw);
    let mut bytes = std::fs::read(&path).unwrap();
    let off = ((root - 1) * ps) as usize;
    if fill == 0 { bytes[off+8] = 0xff; bytes[off+9] = 0xff; } else { bytes[off+8] ^= fill; }
    std::fs::write(&path, &bytes).unwrap();
    let mut v = open(&path);
    let r = v.otp_accounts().map(|a| a.len());
    eprintln!("fill {fill:#x} root {root}: read {:?}", r.as_ref().map_err(|e| e.code()));
    let a = v.add_otp(&account(9));
    eprintln!("  add {:?}", a.as_ref().map_err(|e| e.code()));
    let qc: Result<Vec<String>,_> = { let raw = rusqlite::Connection::open(&path).unwrap(); let mut st = raw.prepare("PRAGMA quick_check(otp_accounts)").unwrap(); let x = st.query_map([], |r| r.get(0)).unwrap().collect::<Result<_,_>>(); x };
    eprintln!("  qc {qc:?}");
    }
}
