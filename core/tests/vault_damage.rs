//! Damage in a real vault file: one altered record is reported by its id and never hides the
//! others, and a table that fails its check refuses writes exactly as it refuses reads.

#[path = "support/damage.rs"]
mod damage;

use duet_core::keys::{self, Passphrase, ScryptParams};
use duet_core::otp::{Algorithm, OtpKind, OtpParams};
use duet_core::secret::Secret;
use duet_core::vault::{LockedVault, RecordId, Vault, VaultEnv, entry_id};
use duet_core::{ErrorCode, OtpAccount};
use std::path::Path;
use zeroize::Zeroizing;

fn pass() -> Passphrase {
    Passphrase::with_params(Zeroizing::new("pw for tests".to_string()), ScryptParams { log_n: 10, r: 8, p: 1 })
}

/// RFC 6238's SHA-1 seed, so intact accounts can be checked against its vectors.
fn account(name: &str, kind: OtpKind) -> OtpAccount {
    OtpAccount {
        issuer: Some("RFC".into()),
        name: name.into(),
        secret: Secret::new(b"12345678901234567890".to_vec()),
        params: OtpParams { kind, algorithm: Algorithm::Sha1, digits: 8 },
        extra: vec![],
    }
}

const TOTP: OtpKind = OtpKind::Totp { period: 30, t0: 0 };

fn open(path: &Path) -> Vault {
    keys::unlock(LockedVault::open(path).unwrap(), &[&pass()], None, VaultEnv::system()).unwrap().vault
}

/// A closed vault with accounts a, b, c and one push account; returns b's id.
fn vault_with_three(path: &Path) -> RecordId {
    let mut v = Vault::create(path, &[&pass()], VaultEnv::system()).unwrap();
    let ids = v.add_otps(&[account("a", TOTP), account("b", TOTP), account("c", OtpKind::Hotp { counter: 0 })]).unwrap();
    v.put_push_account("duet", b"{}").unwrap();
    ids[1].clone()
}

#[test]
fn one_altered_record_is_reported_by_id_beside_the_usable_others_and_removed_by_it() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("v.sqlite");
    let b = vault_with_three(&path);
    damage::flip_record_byte(&path, "otp_accounts", &b.0);
    let mut v = open(&path);

    let entries = v.otp_entries().unwrap();
    assert_eq!(entry_id(&entries[1]), &b, "the damaged record keeps its place");
    let damaged = entries[1].as_ref().unwrap_err();
    assert_eq!((&damaged.id, damaged.code), (&b, "E_VAULT_RECORD_CORRUPT"));
    assert_eq!(entries.iter().filter_map(|e| e.as_ref().ok()).map(|s| s.account.name.as_str()).collect::<Vec<_>>(), ["a", "c"]);

    // The intact accounts are found and used; the damaged one is named by its id, never guessed.
    let a = v.find_otp("RFC:a").unwrap();
    assert_eq!(duet_core::otp::code(&a.account.secret, &a.account.params, 59).unwrap().as_str(), "94287082");
    let c = v.find_otp("c").unwrap().id;
    assert_eq!(v.next_hotp(&c).unwrap().params.kind, OtpKind::Hotp { counter: 0 });
    let e = v.find_otp(&b.0).unwrap_err();
    assert_eq!(e.code(), "E_VAULT_RECORD_CORRUPT");
    assert!(e.to_string().contains(&b.0) && e.to_string().contains("duet remove"), "{e}");
    assert_eq!(v.find_otp("b").unwrap_err().code(), "E_VAULT_NOT_FOUND");
    // Whole-set reads (export) refuse, naming the record.
    let e = v.otp_accounts().unwrap_err();
    assert_eq!(e.code(), "E_VAULT_RECORD_CORRUPT");
    assert!(e.to_string().contains(&b.0));
    assert_eq!(v.rename_otp(&b, None, "x".into()).unwrap_err().code(), "E_VAULT_RECORD_CORRUPT");

    let health = v.health().unwrap();
    assert_eq!(health.integrity, "ok");
    assert_eq!((health.otp_accounts, health.unreadable_records), (3, 1));
    assert_eq!(health.problems.len(), 1);
    assert_eq!((health.problems[0].code, health.problems[0].record.as_deref()), ("E_VAULT_RECORD_CORRUPT", Some(&b.0[..])));

    v.remove_otp(&b).unwrap();
    assert_eq!(v.otp_accounts().unwrap().len(), 2);
    assert!(v.health().unwrap().problems.is_empty());
}

#[test]
fn an_altered_push_record_is_listed_by_id_and_removed_by_it() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("v.sqlite");
    vault_with_three(&path);
    let push_id = open(&path).push_entries().unwrap()[0].as_ref().unwrap().id.clone();
    damage::flip_record_byte(&path, "push_accounts", &push_id.0);
    let mut v = open(&path);
    let entries = v.push_entries().unwrap();
    assert_eq!(entries[0].as_ref().unwrap_err().id, push_id);
    assert_eq!(v.push_account(&push_id).unwrap_err().code(), "E_VAULT_RECORD_CORRUPT");
    assert_eq!(v.otp_accounts().unwrap().len(), 3, "OTP accounts are untouched");
    v.remove_push_account(&push_id).unwrap();
    assert!(v.push_entries().unwrap().is_empty());
}

#[test]
fn writes_into_a_table_that_fails_its_check_are_refused_with_the_read_code_and_change_nothing() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("v.sqlite");
    let b = vault_with_three(&path);
    let hotp = open(&path).find_otp("c").unwrap().id;
    let order: Vec<RecordId> = open(&path).otp_accounts().unwrap().into_iter().map(|s| s.id).collect();
    damage::damage_root_page(&path, "otp_accounts");
    let before = std::fs::read(&path).unwrap();

    let mut v = open(&path);
    let read = v.otp_entries().unwrap_err().code();
    assert_eq!(read, "E_VAULT_CORRUPT");
    let writes = [
        ("add", v.add_otp(&account("new", TOTP)).err()),
        ("add several", v.add_otps(&[account("n1", TOTP), account("n2", TOTP)]).err()),
        ("update", v.update_otp(&b, &account("renamed", TOTP)).err()),
        ("rename", v.rename_otp(&b, None, "renamed".into()).err()),
        ("reorder", v.reorder_otps(&order).err()),
        ("remove", v.remove_otp(&b).err()),
        ("next HOTP", v.next_hotp(&hotp).err()),
    ];
    for (what, e) in writes {
        let e = e.unwrap_or_else(|| panic!("{what} wrote into a vault reads refuse"));
        assert_eq!(e.code(), read, "{what}: {e}");
    }
    let health = v.health().unwrap();
    assert_ne!(health.integrity, "ok");
    assert!(health.problems.iter().any(|p| p.code == "E_VAULT_CORRUPT" && p.record.is_none()), "{:?}", health.problems);
    drop(v);
    assert!(std::fs::read(&path).unwrap() == before, "a refused write changed the file");
    // The undamaged push table stays usable: the check is per table.
    assert_eq!(open(&path).push_entries().unwrap().len(), 1);
}
