//! The `duet` desktop-authenticator workflow as a new user types it, on a headless
//! machine: first command creates the vault (key file in the config dir), codes match
//! RFC 6238 / RFC 4226, HOTP never repeats across invocations, export/verify/import.

mod desktop_support;
use desktop_support::{duet, ok};

const RFC_SECRET_B32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

#[test]
fn desktop_authenticator_workflow() {
    let d = tempfile::tempdir().unwrap();
    let h = d.path();
    let uri = format!("otpauth://totp/Example:alice@example.com?secret={RFC_SECRET_B32}&issuer=Example");
    ok(&duet(h, &["add", &uri], None, &[]));
    assert!(h.join("data/duet/vault.sqlite").exists());
    let keys: Vec<_> = std::fs::read_dir(h.join("config/duet/keys")).unwrap().collect();
    assert_eq!(keys.len(), 1, "one key file, outside the data dir");
    let hotp = format!("otpauth://hotp/HOTP%20Corp:bob?secret={RFC_SECRET_B32}&counter=0\n");
    ok(&duet(h, &["add", "-"], Some(&hotp), &[]));

    let list = ok(&duet(h, &["list", "--json"], None, &[]));
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert!(!list.contains(RFC_SECRET_B32) && !list.to_lowercase().contains("3132333435"), "list leaks a secret");

    // RFC 6238 T=59 SHA1: 94287082 -> 6 digits 287082. Only the code on stdout.
    assert_eq!(ok(&duet(h, &["code", "alice", "--at", "59"], None, &[])), "287082\n");
    // RFC 4226 counters 0,1,2, one per invocation: the counter is saved each time.
    let codes: Vec<String> = (0..3).map(|_| ok(&duet(h, &["code", "bob"], None, &[]))).collect();
    assert_eq!(codes, ["755224\n", "287082\n", "359152\n"]);

    ok(&duet(h, &["rename", "bob", "HOTP Corp:robert"], None, &[]));
    let e = duet(h, &["code", "bob"], None, &[]);
    assert!(!e.status.success());
    assert!(String::from_utf8_lossy(&e.stderr).starts_with("error E_VAULT_NOT_FOUND:"));
    assert!(e.stdout.is_empty());

    let doc = ok(&duet(h, &["doctor", "--json"], None, &[]));
    let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["health"]["integrity"], "ok");
    assert_eq!(doc["unlocked_by"], "key-file");

    // Encrypted export, verify, import into a second vault (--vault), same codes.
    let exp = h.join("backup.json");
    let pw = [("DUET_BACKUP_PASSWORD", "correct horse")];
    ok(&duet(h, &["export", "-o", exp.to_str().unwrap()], None, &pw));
    let verify = ok(&duet(h, &["backup", "verify", "--json", exp.to_str().unwrap()], None, &pw));
    let verify: serde_json::Value = serde_json::from_str(&verify).unwrap();
    assert_eq!((verify["restorable"].as_u64(), verify["hotp"].as_u64()), (Some(2), Some(1)));
    let wrong = duet(h, &["backup", "verify", exp.to_str().unwrap()], None, &[("DUET_BACKUP_PASSWORD", "nope")]);
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("E_TRANSFER_WRONG_PASSWORD"));
    let second = h.join("second.sqlite");
    let sv = second.to_str().unwrap();
    ok(&duet(h, &["--vault", sv, "import", exp.to_str().unwrap()], None, &pw));
    assert_eq!(ok(&duet(h, &["--vault", sv, "code", "alice", "--at", "59"], None, &[])), "287082\n");
    // The HOTP counter travelled with the export: the next code is counter 3's.
    assert_eq!(ok(&duet(h, &["code", "robert"], None, &[("DUET_VAULT", sv)])), "969429\n");

    ok(&duet(h, &["remove", "alice"], None, &[]));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&ok(&duet(h, &["list", "--json"], None, &[]))).unwrap().as_array().unwrap().len(), 1);
}

#[test]
fn passphrase_vault_and_wrong_passphrase() {
    let d = tempfile::tempdir().unwrap();
    let h = d.path();
    let uri = format!("otpauth://totp/X:y?secret={RFC_SECRET_B32}");
    let pass = [("DUET_PASSPHRASE", "long passphrase here"), ("DUET_KEY_STORE", "auto")];
    ok(&duet(h, &["add", &uri], None, &pass));
    assert!(!h.join("config/duet/keys").exists(), "no key file for a passphrase vault");
    assert_eq!(ok(&duet(h, &["code", "y", "--at", "59"], None, &pass)), "287082\n");
    let e = duet(h, &["list"], None, &[("DUET_PASSPHRASE", "wrong")]);
    assert!(String::from_utf8_lossy(&e.stderr).starts_with("error E_KEY_WRONG_PASSPHRASE:"));
    let e = duet(h, &["list"], None, &[]);
    assert!(String::from_utf8_lossy(&e.stderr).starts_with("error E_KEY_NO_PROVIDER:"));
}
