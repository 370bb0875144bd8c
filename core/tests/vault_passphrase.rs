//! Passphrase slots: the scrypt cost of new slots, re-wrapping slots written at an older cost
//! when they unlock, bounds on the cost a slot may ask for, and the minimum length of new
//! passphrases. Costs are injected low except where the default itself is checked.

use duet_core::ErrorCode;
use duet_core::keys::{self, AppKey, KeyError, KeyProvider, KeySlot, Passphrase, ScryptParams, SlotUpgrade, VaultKey};
use duet_core::vault::seal::SealKey;
use duet_core::vault::{LockedVault, Vault, VaultEnv};
use ring::rand::{SecureRandom, SystemRandom};
use std::path::Path;
use zeroize::Zeroizing;

const OLD: ScryptParams = ScryptParams { log_n: 4, r: 8, p: 1 };
const NEW: ScryptParams = ScryptParams { log_n: 6, r: 8, p: 1 };

fn pass(p: &str, cost: ScryptParams) -> Passphrase {
    Passphrase::with_params(Zeroizing::new(p.to_string()), cost)
}

fn cost_of(slot: &KeySlot) -> ScryptParams {
    let v: serde_json::Value = serde_json::from_str(&slot.params).unwrap();
    let n = |k: &str| v[k].as_u64().unwrap();
    ScryptParams { log_n: n("log_n") as u8, r: n("r") as u32, p: n("p") as u32 }
}

fn open(path: &Path, p: &dyn KeyProvider) -> Result<keys::Unlocked, duet_core::vault::VaultError> {
    keys::unlock(LockedVault::open(path).unwrap(), &[p], None, VaultEnv::system())
}

/// A passphrase slot built the way an earlier release wrote one (no length check then), so
/// a short passphrase can be tested as existing.
fn earlier_slot(vault_id: &str, passphrase: &str, key: &VaultKey) -> KeySlot {
    let salt = [7u8; 16];
    let kek = Passphrase::derive(passphrase.as_bytes(), &salt, OLD).unwrap();
    let aad = format!("duet-vault-key/v1/{vault_id}/passphrase");
    let wrapped = SealKey::new(&kek[..]).unwrap().seal(&SystemRandom::new(), aad.as_bytes(), key.expose()).unwrap();
    let params = serde_json::json!({"kdf": "scrypt", "log_n": OLD.log_n, "r": OLD.r, "p": OLD.p, "salt": hex::encode(salt)});
    KeySlot { kind: "passphrase".into(), params: params.to_string(), wrapped }
}

#[test]
fn new_slots_use_scrypt_n_2_17_r_8_p_1() {
    assert_eq!(ScryptParams::DEFAULT, ScryptParams { log_n: 17, r: 8, p: 1 });
    let key = VaultKey::generate(&SystemRandom::new()).unwrap();
    let slot = Passphrase::new(Zeroizing::new("a default-cost passphrase".into()))
        .enroll("00112233445566778899aabbccddeeff", &key, &SystemRandom::new())
        .unwrap();
    assert_eq!(cost_of(&slot), ScryptParams::DEFAULT);
}

#[test]
fn an_older_cost_slot_opens_and_is_rewrapped_at_the_current_cost() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("v.sqlite");
    let mut v = Vault::create(&path, &[&pass("correct horse battery", OLD)], VaultEnv::system()).unwrap();
    let uri = "otpauth://totp/X:y?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    v.add_otp(&duet_core::uri::parse(uri).unwrap().account).unwrap();
    drop(v);

    let u = open(&path, &pass("correct horse battery", NEW)).unwrap();
    assert!(matches!(u.slot_upgrade, SlotUpgrade::Done), "{:?}", u.slot_upgrade);
    let slots = u.vault.key_slots().unwrap();
    assert_eq!(slots.len(), 1, "the old slot is replaced, not kept beside the new one");
    assert_eq!(cost_of(&slots[0]), NEW);
    drop(u);

    // The new slot opens the same vault with every record, and is current now.
    let u = open(&path, &pass("correct horse battery", NEW)).unwrap();
    assert!(matches!(u.slot_upgrade, SlotUpgrade::NotNeeded));
    assert_eq!(u.vault.otp_accounts().unwrap().len(), 1);
    drop(u);
    // A provider set to a lower cost opens it with the slot's own cost and never downgrades it.
    let u = open(&path, &pass("correct horse battery", OLD)).unwrap();
    assert!(matches!(u.slot_upgrade, SlotUpgrade::NotNeeded));
    assert_eq!(cost_of(&u.vault.key_slots().unwrap()[0]), NEW);
}

/// A passphrase provider whose re-wrap fails, standing in for a failure mid-upgrade.
struct FailingRewrap(Passphrase);

impl KeyProvider for FailingRewrap {
    fn kind(&self) -> &'static str {
        self.0.kind()
    }
    fn describe(&self) -> String {
        self.0.describe()
    }
    fn enroll(&self, id: &str, key: &VaultKey, rng: &dyn SecureRandom) -> Result<KeySlot, KeyError> {
        self.0.enroll(id, key, rng)
    }
    fn unlock(&self, id: &str, slot: &KeySlot) -> Result<VaultKey, KeyError> {
        self.0.unlock(id, slot)
    }
    fn rewrap(&self, _: &str, _: &KeySlot, _: &VaultKey, _: &dyn SecureRandom) -> Result<Option<KeySlot>, KeyError> {
        Err(KeyError::Random)
    }
}

#[test]
fn a_failed_upgrade_still_unlocks_and_keeps_the_old_slot() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("v.sqlite");
    drop(Vault::create(&path, &[&pass("correct horse battery", OLD)], VaultEnv::system()).unwrap());
    let before = LockedVault::open(&path).unwrap().key_slots().to_vec();

    let u = open(&path, &FailingRewrap(pass("correct horse battery", NEW))).unwrap();
    assert!(matches!(&u.slot_upgrade, SlotUpgrade::Failed(e) if e.code() == "E_KEY_RANDOM"), "{:?}", u.slot_upgrade);
    drop(u);
    assert_eq!(LockedVault::open(&path).unwrap().key_slots(), &before[..]);
    assert!(matches!(open(&path, &pass("correct horse battery", NEW)).unwrap().slot_upgrade, SlotUpgrade::Done));
}

#[test]
fn the_earlier_release_fixture_is_upgraded_to_the_current_cost() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vault-0.1.sqlite");
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("vault.sqlite");
    std::fs::copy(fixture, &path).unwrap();
    let old = LockedVault::open(&path).unwrap().key_slots().to_vec();
    assert_eq!(cost_of(&old[0]), ScryptParams { log_n: 15, r: 8, p: 1 });

    let u = open(&path, &Passphrase::new(Zeroizing::new("fixture passphrase".into()))).unwrap();
    assert!(matches!(u.slot_upgrade, SlotUpgrade::Done), "{:?}", u.slot_upgrade);
    let accounts = u.vault.otp_accounts().unwrap().len();
    drop(u);
    let slots = LockedVault::open(&path).unwrap().key_slots().to_vec();
    assert_eq!((slots.len(), cost_of(&slots[0])), (old.len(), ScryptParams::DEFAULT));
    let u = open(&path, &Passphrase::new(Zeroizing::new("fixture passphrase".into()))).unwrap();
    assert!(matches!(u.slot_upgrade, SlotUpgrade::NotNeeded));
    assert_eq!(u.vault.otp_accounts().unwrap().len(), accounts);
}

#[test]
fn slots_asking_for_too_much_memory_or_work_are_refused_with_a_code() {
    for cost in [
        ScryptParams { log_n: 21, r: 8, p: 1 },
        ScryptParams { log_n: 63, r: 8, p: 1 },
        ScryptParams { log_n: 20, r: 9, p: 1 },
        ScryptParams { log_n: 10, r: 33, p: 1 },
        ScryptParams { log_n: 10, r: 8, p: 17 },
    ] {
        let e = Passphrase::derive(b"correct horse battery", &[0; 16], cost).unwrap_err();
        assert_eq!(e.code(), "E_KEY_SLOT_KDF_LIMITS", "{cost:?}");
    }
    // Through a doctored slot in a vault file.
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("v.sqlite");
    let key = VaultKey::generate(&SystemRandom::new()).unwrap();
    let mut v = Vault::create_with_key(&path, &key, &[&AppKey(key.clone())], VaultEnv::system()).unwrap();
    let mut slot = earlier_slot(v.vault_id(), "correct horse battery", &key);
    slot.params = slot.params.replace("\"log_n\":4", "\"log_n\":40");
    v.add_key_slot(&slot).unwrap();
    drop(v);
    let e = open(&path, &pass("correct horse battery", NEW)).unwrap_err();
    assert_eq!(e.code(), "E_KEY_SLOT_KDF_LIMITS");
    assert!(e.to_string().contains("2^40"), "{e}");
}

#[test]
fn new_passphrases_need_ten_characters_and_short_existing_ones_still_open() {
    let key = VaultKey::generate(&SystemRandom::new()).unwrap();
    let id = "00112233445566778899aabbccddeeff";
    // Nine characters in 17 bytes: characters are counted, not bytes.
    for short in ["123456789", "ключ ключ", ""] {
        let e = pass(short, OLD).enroll(id, &key, &SystemRandom::new()).unwrap_err();
        assert_eq!(e.code(), "E_KEY_PASSPHRASE_TOO_SHORT");
        assert!(short.is_empty() || !e.to_string().contains(short), "the message never shows the passphrase");
        assert!(e.to_string().contains("10 characters"), "{e}");
    }
    pass("ключ ключ!", OLD).enroll(id, &key, &SystemRandom::new()).unwrap();
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("v.sqlite");
    let e = Vault::create(&path, &[&pass("short", OLD)], VaultEnv::system()).unwrap_err();
    assert_eq!(e.code(), "E_KEY_PASSPHRASE_TOO_SHORT");
    assert!(!path.exists(), "nothing is written for a refused passphrase");

    // A vault an earlier release made with a short passphrase opens, and its slot is upgraded.
    let mut v = Vault::create_with_key(&path, &key, &[&AppKey(key.clone())], VaultEnv::system()).unwrap();
    v.add_key_slot(&earlier_slot(v.vault_id(), "short", &key)).unwrap();
    drop(v);
    let u = keys::unlock(LockedVault::open(&path).unwrap(), &[&pass("short", NEW)], None, VaultEnv::system()).unwrap();
    assert_eq!(u.unlocked_by, "passphrase");
    assert!(matches!(u.slot_upgrade, SlotUpgrade::Done));
}
