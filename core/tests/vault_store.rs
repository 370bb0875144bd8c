//! Vault behaviour: accounts, HOTP counters, push payloads, replay store, settings,
//! migration of the committed v1 fixture, and key providers.

use duet_core::keys::{self, AppKey, KeyCache, KeyError, KeyFile, KeyProvider, Passphrase, ScryptParams, VaultKey};
use duet_core::otp::{Algorithm, OtpKind, OtpParams};
use duet_core::secret::Secret;
use duet_core::vault::{ClockOffset, LockedVault, RecordId, Vault, VaultEnv, VaultError};
use duet_core::{ErrorCode, OtpAccount};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use zeroize::Zeroizing;

fn env() -> VaultEnv {
    VaultEnv { clock: Arc::new(|| 1_750_000_000), ..VaultEnv::system() }
}

fn fast_pass(p: &str) -> Passphrase {
    Passphrase::with_params(Zeroizing::new(p.to_string()), ScryptParams { log_n: 10, r: 8, p: 1 })
}

fn totp(issuer: &str, name: &str, secret: &[u8]) -> OtpAccount {
    OtpAccount {
        issuer: Some(issuer.into()),
        name: name.into(),
        secret: Secret::new(secret.to_vec()),
        params: OtpParams { kind: OtpKind::Totp { period: 30, t0: 0 }, algorithm: Algorithm::Sha1, digits: 6 },
        extra: vec![],
    }
}

fn hotp(name: &str, counter: u64) -> OtpAccount {
    OtpAccount {
        params: OtpParams { kind: OtpKind::Hotp { counter }, algorithm: Algorithm::Sha1, digits: 6 },
        ..totp("HOTP Corp", name, b"12345678901234567890")
    }
}

fn new_vault(dir: &Path) -> Vault {
    Vault::create(&dir.join("v.sqlite"), &[&fast_pass("pw for tests")], env()).unwrap()
}

fn reopen(dir: &Path, p: &dyn KeyProvider) -> Vault {
    keys::unlock(LockedVault::open(&dir.join("v.sqlite")).unwrap(), &[p], None, env()).unwrap().vault
}

#[test]
fn accounts_survive_reopen_in_order() {
    let d = tempfile::tempdir().unwrap();
    let mut v = new_vault(d.path());
    let a = totp("Example", "alice@example.com", b"12345678901234567890");
    let b = hotp("bob", 0);
    let ia = v.add_otp(&a).unwrap();
    let ib = v.add_otp(&b).unwrap();
    drop(v);
    let v = reopen(d.path(), &fast_pass("pw for tests"));
    let all = v.otp_accounts().unwrap();
    assert_eq!(all.iter().map(|s| (&s.id, &s.account)).collect::<Vec<_>>(), vec![(&ia, &a), (&ib, &b)]);
    assert_eq!(all[0].created_at, 1_750_000_000);
    assert_eq!(v.find_otp("example:ALICE@example.com").unwrap().id, ia);
    assert_eq!(v.find_otp("bob").unwrap().id, ib);
    assert_eq!(v.find_otp(&ib.0).unwrap().id, ib);
    assert_eq!(v.find_otp("nobody").unwrap_err().code(), "E_VAULT_NOT_FOUND");
}

#[test]
fn ambiguous_name_is_an_error_and_rename_remove_work() {
    let d = tempfile::tempdir().unwrap();
    let mut v = new_vault(d.path());
    let i1 = v.add_otp(&totp("A", "same", b"k1k1k1k1k1")).unwrap();
    v.add_otp(&totp("B", "same", b"k2k2k2k2k2")).unwrap();
    assert_eq!(v.find_otp("same").unwrap_err().code(), "E_VAULT_AMBIGUOUS");
    v.rename_otp(&i1, Some("A".into()), "renamed".into()).unwrap();
    assert_eq!(v.find_otp("renamed").unwrap().account.secret.expose(), b"k1k1k1k1k1");
    v.remove_otp(&i1).unwrap();
    assert_eq!(v.find_otp("renamed").unwrap_err().code(), "E_VAULT_NOT_FOUND");
    assert_eq!(v.remove_otp(&i1).unwrap_err().code(), "E_VAULT_NOT_FOUND");
    assert_eq!(v.otp_accounts().unwrap().len(), 1);
}

#[test]
fn hotp_counter_is_persisted_before_the_code_is_returned() {
    let d = tempfile::tempdir().unwrap();
    let mut v = new_vault(d.path());
    let id = v.add_otp(&hotp("bob", 0)).unwrap();
    // RFC 4226 appendix D: counters 0, 1, 2 -> 755224, 287082, 359152.
    let mut codes = vec![];
    for _ in 0..2 {
        let acc = v.next_hotp(&id).unwrap();
        let OtpKind::Hotp { counter } = acc.params.kind else { panic!() };
        codes.push(duet_core::otp::code_for_counter(&acc.secret, &acc.params, counter).unwrap());
    }
    drop(v); // "crash" after showing two codes: the stored counter is already 2
    let mut v = reopen(d.path(), &fast_pass("pw for tests"));
    let OtpKind::Hotp { counter } = v.otp_account(&id).unwrap().account.params.kind else { panic!() };
    assert_eq!(counter, 2);
    let acc = v.next_hotp(&id).unwrap();
    codes.push(duet_core::otp::code_for_counter(&acc.secret, &acc.params, 2).unwrap());
    assert_eq!(codes, ["755224", "287082", "359152"]);
    let t = v.add_otp(&totp("T", "t", b"12345678901234567890")).unwrap();
    assert_eq!(v.next_hotp(&t).unwrap_err().code(), "E_VAULT_NOT_HOTP");
}

#[test]
fn push_payloads_replay_store_and_settings() {
    let d = tempfile::tempdir().unwrap();
    let mut v = new_vault(d.path());
    let p1 = v.put_push_account("duet", b"{\"device_key\":\"ref-1\"}").unwrap();
    let p2 = v.put_push_account("privacyidea", b"\x00\x01binary").unwrap();
    v.update_push_account(&p1, b"{\"device_key\":\"ref-2\"}").unwrap();
    assert!(v.mark_challenge_seen(&p1.0, "chal-1", 100).unwrap());
    assert!(!v.mark_challenge_seen(&p1.0, "chal-1", 101).unwrap());
    assert!(v.mark_challenge_seen(&p2.0, "chal-1", 100).unwrap(), "scopes are separate");
    assert!(v.mark_challenge_seen(&p1.0, "chal-2", 500).unwrap());
    let off = ClockOffset { offset_secs: -42, source: "Date header of https://example.com".into(), observed_at: 99 };
    v.set_clock_offset(&off).unwrap();
    drop(v);
    let mut v = reopen(d.path(), &fast_pass("pw for tests"));
    let push = v.push_accounts().unwrap();
    assert_eq!(push.len(), 2);
    assert_eq!((push[0].kind.as_str(), &push[0].payload[..]), ("duet", &b"{\"device_key\":\"ref-2\"}"[..]));
    assert_eq!((push[1].kind.as_str(), &push[1].payload[..]), ("privacyidea", &b"\x00\x01binary"[..]));
    assert!(v.challenge_seen(&p1.0, "chal-1").unwrap(), "replay state survives a restart");
    assert!(!v.mark_challenge_seen(&p1.0, "chal-1", 102).unwrap());
    assert_eq!(v.prune_challenges(200).unwrap(), 2);
    assert!(v.challenge_seen(&p1.0, "chal-2").unwrap());
    assert_eq!(v.clock_offset().unwrap(), Some(off));
    v.remove_push_account(&p2).unwrap();
    assert_eq!(v.push_accounts().unwrap().len(), 1);
    assert!(!format!("{:?}", v.push_account(&p1).unwrap()).contains("ref-2"), "Debug redacts payloads");
}

/// The committed v1 file was written by make_vault_v1.py (Python sqlite3 + cryptography),
/// not by duet. Opening it migrates it to v2 and every account reads back with RFC codes.
#[test]
fn v1_fixture_migrates_and_reads_back() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("v.sqlite");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vault_v1.sqlite"), &path).unwrap();
    let locked = LockedVault::open(&path).unwrap();
    assert_eq!(locked.schema_version().unwrap(), 1);
    assert_eq!(locked.vault_id(), "00112233445566778899aabbccddeeff");
    // Unlock through the passphrase slot: exercises duet's scrypt against Python's hashlib.scrypt.
    let pass = Passphrase::new(Zeroizing::new("correct horse battery staple".into()));
    let mut v = keys::unlock(locked, &[&pass], None, env()).unwrap().vault;
    let h = v.health().unwrap();
    assert_eq!((h.schema_version_found, h.schema_version, h.integrity.as_str()), (1, 2, "ok"));
    let all = v.otp_accounts().unwrap();
    let labels: Vec<String> = all.iter().map(|a| a.label()).collect();
    assert_eq!(labels, ["Example:alice@example.com", "HOTP Corp:bob", "Acme:carol"]);
    assert_eq!(all[2].account.extra, vec![("image".to_string(), "https://example.com/i.png".to_string())]);
    // RFC 6238 appendix B at T=59: SHA1 94287082 (6 digits: 287082), SHA256 46119246.
    assert_eq!(duet_core::otp::code(&all[0].account.secret, &all[0].account.params, 59).unwrap(), "287082");
    assert_eq!(duet_core::otp::code(&all[2].account.secret, &all[2].account.params, 59).unwrap(), "46119246");
    // RFC 4226: counter 5 -> 254676; the v1 record stored counter 5.
    let acc = v.next_hotp(&all[1].id).unwrap();
    assert_eq!(duet_core::otp::code_for_counter(&acc.secret, &acc.params, 5).unwrap(), "254676");
    // The new v2 tables work on the migrated file.
    v.put_push_account("duet", b"x").unwrap();
    drop(v);
    let app = AppKey(VaultKey::from_bytes(&(0u8..32).collect::<Vec<_>>()).unwrap());
    let v = keys::unlock(LockedVault::open(&path).unwrap(), &[&app], None, env()).unwrap().vault;
    assert_eq!(v.health().unwrap().schema_version_found, 2);
    assert_eq!(v.push_accounts().unwrap().len(), 1);
}

#[test]
fn key_file_provider_round_trip_and_refusals() {
    let d = tempfile::tempdir().unwrap();
    let vault_dir = d.path().join("data");
    let key_dir = d.path().join("config");
    let vpath = vault_dir.join("v.sqlite");
    assert_eq!(KeyFile::for_vault(vault_dir.join("k.key"), &vpath).err().unwrap().code(), "E_KEY_FILE_BESIDE_VAULT");
    let kf = KeyFile::for_vault(key_dir.join("k.key"), &vpath).unwrap();
    let mut v = Vault::create(&vpath, &[&kf], env()).unwrap();
    v.add_otp(&totp("E", "e", b"abcdefghij")).unwrap();
    drop(v);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(kf.path()).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(&vpath).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let v = keys::unlock(LockedVault::open(&vpath).unwrap(), &[&kf], None, env()).unwrap();
    assert_eq!((v.unlocked_by.as_str(), v.vault.otp_accounts().unwrap().len()), ("key-file", 1));
    drop(v);
    // A different key file: clear error.
    let other = KeyFile::for_vault(key_dir.join("other.key"), &vpath).unwrap();
    Vault::create(&d.path().join("data2/x.sqlite"), &[&other], env()).unwrap();
    let e = keys::unlock(LockedVault::open(&vpath).unwrap(), &[&other], None, env()).unwrap_err();
    assert_eq!(e.code(), "E_KEY_FILE_WRONG");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(kf.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = keys::unlock(LockedVault::open(&vpath).unwrap(), &[&kf], None, env()).unwrap_err();
        assert_eq!(e.code(), "E_KEY_FILE_PERMISSIONS");
        std::fs::set_permissions(kf.path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    std::fs::remove_file(kf.path()).unwrap();
    let e = keys::unlock(LockedVault::open(&vpath).unwrap(), &[&kf], None, env()).unwrap_err();
    assert_eq!(e.code(), "E_KEY_FILE_MISSING");
}

#[test]
fn wrong_passphrase_and_missing_provider_are_clear_errors() {
    let d = tempfile::tempdir().unwrap();
    drop(new_vault(d.path()));
    let p = d.path().join("v.sqlite");
    let e = keys::unlock(LockedVault::open(&p).unwrap(), &[&fast_pass("nope")], None, env()).unwrap_err();
    assert_eq!(e.code(), "E_KEY_WRONG_PASSPHRASE");
    assert!(!e.to_string().contains("nope"));
    let e = keys::unlock(LockedVault::open(&p).unwrap(), &[], None, env()).unwrap_err();
    assert_eq!(e.code(), "E_KEY_NO_PROVIDER");
    assert!(e.to_string().contains("passphrase"));
    // An app key that is not this vault's key.
    let wrong = AppKey(VaultKey::from_bytes(&[9u8; 32]).unwrap());
    let mut v = reopen(d.path(), &fast_pass("pw for tests"));
    v.add_key_slot(&wrong.enroll(v.vault_id(), &VaultKey::from_bytes(&[9u8; 32]).unwrap(), &ring::rand::SystemRandom::new()).unwrap()).unwrap();
    drop(v);
    let e = keys::unlock(LockedVault::open(&p).unwrap(), &[&wrong], None, env()).unwrap_err();
    assert_eq!(e.code(), "E_VAULT_WRONG_KEY");
}

/// A cache that lives in memory, standing in for the kernel keyring in this test.
#[derive(Default)]
struct MemCache(RefCell<HashMap<String, VaultKey>>);

impl KeyCache for MemCache {
    fn describe(&self) -> String {
        "memory".into()
    }
    fn get(&self, id: &str) -> Option<VaultKey> {
        self.0.borrow().get(id).cloned()
    }
    fn put(&self, id: &str, key: &VaultKey) -> Result<(), KeyError> {
        self.0.borrow_mut().insert(id.into(), key.clone());
        Ok(())
    }
    fn forget(&self, id: &str) {
        self.0.borrow_mut().remove(id);
    }
}

fn cache_drop_and_reopen(cache: &dyn KeyCache) {
    let d = tempfile::tempdir().unwrap();
    let mut v = new_vault(d.path());
    let id = v.add_otp(&totp("E", "e", b"abcdefghij")).unwrap();
    drop(v);
    let p = d.path().join("v.sqlite");
    let pass = fast_pass("pw for tests");
    let u = keys::unlock(LockedVault::open(&p).unwrap(), &[&pass], Some(cache), env()).unwrap();
    assert_eq!(u.unlocked_by, "passphrase");
    drop(u);
    // Second open: from the cache, no passphrase needed.
    let u = keys::unlock(LockedVault::open(&p).unwrap(), &[], Some(cache), env()).unwrap();
    assert_eq!(u.unlocked_by, "cache");
    drop(u);
    // Reboot: the cache forgets the key. Without the passphrase the vault stays locked...
    let vid = LockedVault::open(&p).unwrap().vault_id().to_string();
    cache.forget(&vid);
    let e = keys::unlock(LockedVault::open(&p).unwrap(), &[], Some(cache), env()).unwrap_err();
    assert_eq!(e.code(), "E_KEY_NO_PROVIDER");
    // ...and the wrapped key in the vault brings it back.
    let u = keys::unlock(LockedVault::open(&p).unwrap(), &[&pass], Some(cache), env()).unwrap();
    assert_eq!(u.unlocked_by, "passphrase");
    assert_eq!(u.vault.otp_account(&id).unwrap().account.name, "e");
    cache.forget(&vid);
}

#[test]
fn dropping_the_cached_key_and_reopening() {
    cache_drop_and_reopen(&MemCache::default());
}

/// The same against the real kernel keyring when this machine offers one.
#[cfg(all(feature = "os-keyring", target_os = "linux"))]
#[test]
fn dropping_the_kernel_cached_key_and_reopening() {
    if !duet_core::keys::KernelKeyCache::available() {
        eprintln!("kernel keyring not available here; skipped (the memory cache test covers the logic)");
        return;
    }
    cache_drop_and_reopen(&duet_core::keys::KernelKeyCache::new(60));
}

#[test]
fn debug_output_never_shows_keys_or_ids_of_records() {
    let k = VaultKey::from_bytes(&[0xAB; 32]).unwrap();
    assert_eq!(format!("{k:?}"), "VaultKey(redacted)");
    let _ = RecordId("x".into());
    let e = VaultError::WrongKey;
    assert_eq!(e.code(), "E_VAULT_WRONG_KEY");
}

#[test]
fn vault_is_the_push_replay_store_across_restarts() {
    use duet_core::push::ReplayStore;
    use duet_core::app::replay::VaultReplay;
    let d = tempfile::tempdir().unwrap();
    let mut vault = new_vault(d.path());
    let store = VaultReplay::new(&mut vault);
    assert!(store.mark_answered("acct", "c1", 1000).unwrap());
    assert!(!store.mark_answered("acct", "c1", 1000).unwrap());
    assert!(store.is_answered("acct", "c1").unwrap());
    assert!(!store.is_answered("other", "c1").unwrap());
    drop(vault);
    let mut vault = reopen(d.path(), &fast_pass("pw for tests"));
    let store = VaultReplay::new(&mut vault);
    assert!(store.is_answered("acct", "c1").unwrap(), "remembered after restart");
    assert!(!store.mark_answered("acct", "c1", 1000).unwrap());
    assert_eq!(store.prune(999).unwrap(), 0);
    assert_eq!(store.prune(1001).unwrap(), 1);
    assert!(!store.is_answered("acct", "c1").unwrap());
}

#[test]
fn batch_add_keeps_order_after_existing_accounts() {
    let d = tempfile::tempdir().unwrap();
    let mut v = new_vault(d.path());
    v.add_otp(&totp("First", "f", b"0000000000")).unwrap();
    let batch: Vec<OtpAccount> = (0..5).map(|i| totp("Batch", &format!("b{i}"), format!("secret{i}xx").as_bytes())).collect();
    let ids = v.add_otps(&batch).unwrap();
    let all = v.otp_accounts().unwrap();
    assert_eq!(all.len(), 6);
    assert_eq!(all[1..].iter().map(|s| s.id.clone()).collect::<Vec<_>>(), ids);
    assert_eq!(all[1..].iter().map(|s| s.account.clone()).collect::<Vec<_>>(), batch);
}
