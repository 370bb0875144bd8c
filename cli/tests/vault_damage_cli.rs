//! `duet` on a damaged vault file: one altered record is listed by its id beside the intact
//! accounts, which keep giving codes; `doctor` names it (and an altered push record) and says
//! what to do; `remove` takes either out by id; export refuses while it is there. A table that fails its check refuses `add` with
//! the code reads give, changing nothing.

mod desktop_support;
#[path = "../../core/tests/support/damage.rs"]
mod damage;

use desktop_support::{duet, ok};
use std::path::Path;

const RFC_SECRET_B32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A vault with alice, bob and carol (RFC 6238's SHA-1 seed); returns its path and bob's id.
fn vault_of_three(h: &Path) -> (std::path::PathBuf, String) {
    for name in ["alice", "bob", "carol"] {
        ok(&duet(h, &["add", &format!("otpauth://totp/Example:{name}?secret={RFC_SECRET_B32}&issuer=Example")], None, &[]));
    }
    let list: serde_json::Value = serde_json::from_str(&ok(&duet(h, &["list", "--json"], None, &[]))).unwrap();
    let bob = list.as_array().unwrap().iter().find(|a| a["name"] == "bob").unwrap()["id"].as_str().unwrap().to_string();
    (h.join("data/duet/vault.sqlite"), bob)
}

/// Stores a push record straight through the vault (as an enrollment would, without a server),
/// unlocked with the key file the CLI made; returns its id.
fn put_push_record(h: &Path, vault: &Path) -> String {
    use duet_core::keys::{self, KeyFile};
    use duet_core::vault::{LockedVault, VaultEnv};
    let locked = LockedVault::open(vault).unwrap();
    let key_file = KeyFile::for_vault(h.join(format!("config/duet/keys/{}.key", locked.vault_id())), vault).unwrap();
    let mut v = keys::unlock(locked, &[&key_file], None, VaultEnv::system()).unwrap().vault;
    v.put_push_account("duet", b"{}").unwrap().0
}

#[test]
fn an_altered_record_is_listed_by_id_reported_by_doctor_and_removed_without_locking_out_the_rest() {
    let d = tempfile::tempdir().unwrap();
    let h = d.path();
    let (path, bob) = vault_of_three(h);
    let push = put_push_record(h, &path);
    damage::flip_record_byte(&path, "otp_accounts", &bob);
    damage::flip_record_byte(&path, "push_accounts", &push);

    let list = duet(h, &["list"], None, &[]);
    let out = ok(&list);
    assert!(out.contains("Example:alice") && out.contains("Example:carol"), "{out}");
    assert!(out.contains(&format!("{}  ?      (damaged: E_VAULT_RECORD_CORRUPT)", &bob[..8])), "{out}");
    assert!(stderr(&list).contains(&format!("error E_VAULT_RECORD_CORRUPT: The vault record {bob} is damaged")));
    let json: serde_json::Value = serde_json::from_str(&ok(&duet(h, &["list", "--json"], None, &[]))).unwrap();
    let items = json.as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!((items[1]["id"].as_str(), items[1]["error"].as_str()), (Some(&bob[..]), Some("E_VAULT_RECORD_CORRUPT")));

    assert_eq!(ok(&duet(h, &["code", "alice", "--at", "59"], None, &[])), "287082\n");
    let code = duet(h, &["code", &bob[..8]], None, &[]);
    assert!(!code.status.success() && code.stdout.is_empty());
    assert!(stderr(&code).starts_with("error E_VAULT_RECORD_CORRUPT:"), "{}", stderr(&code));

    let backup = h.join("backup.json");
    let export = duet(h, &["export", "-o", backup.to_str().unwrap()], None, &[("DUET_BACKUP_PASSWORD", "pw")]);
    assert!(!export.status.success() && stderr(&export).contains(&bob), "{}", stderr(&export));
    assert!(!backup.exists(), "no partial backup is written");

    let doctor = duet(h, &["doctor"], None, &[]);
    assert!(!doctor.status.success(), "doctor fails while a record is damaged");
    let report = String::from_utf8_lossy(&doctor.stdout);
    assert!(report.contains(&format!("problem:      E_VAULT_RECORD_CORRUPT record {bob}: ")), "{report}");
    assert!(report.contains(&format!("`duet remove {bob}`")), "{report}");
    assert!(report.contains(&format!("problem:      E_VAULT_RECORD_CORRUPT record {push}: ")), "{report}");
    let json: serde_json::Value = serde_json::from_slice(&duet(h, &["doctor", "--json"], None, &[]).stdout).unwrap();
    assert_eq!((json["ok"].as_bool(), json["health"]["problems"][0]["record"].as_str()), (Some(false), Some(&bob[..])));

    let removed = duet(h, &["remove", &bob[..8]], None, &[]);
    ok(&removed);
    assert!(stderr(&removed).contains(&format!("removed damaged record {bob}")));
    let removed = duet(h, &["remove", &push[..8]], None, &[]);
    ok(&removed);
    assert!(stderr(&removed).contains(&format!("removed damaged push record {push}")));
    ok(&duet(h, &["doctor"], None, &[]));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&ok(&duet(h, &["list", "--json"], None, &[]))).unwrap().as_array().unwrap().len(), 2);
    ok(&duet(h, &["export", "-o", backup.to_str().unwrap()], None, &[("DUET_BACKUP_PASSWORD", "pw")]));
}

#[test]
fn add_into_a_table_that_fails_its_check_is_refused_like_a_read_and_changes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let h = d.path();
    let (path, _) = vault_of_three(h);
    damage::damage_root_page(&path, "otp_accounts");
    let before = std::fs::read(&path).unwrap();

    let list = duet(h, &["list"], None, &[]);
    assert!(stderr(&list).starts_with("error E_VAULT_CORRUPT:"), "{}", stderr(&list));
    let add = duet(h, &["add", &format!("otpauth://totp/Example:dave?secret={RFC_SECRET_B32}")], None, &[]);
    assert!(!add.status.success());
    assert!(stderr(&add).starts_with("error E_VAULT_CORRUPT:"), "{}", stderr(&add));
    let remove = duet(h, &["remove", "alice"], None, &[]);
    assert!(stderr(&remove).starts_with("error E_VAULT_CORRUPT:"), "{}", stderr(&remove));
    assert!(std::fs::read(&path).unwrap() == before, "a refused write changed the vault");

    let doctor = duet(h, &["doctor"], None, &[]);
    assert!(!doctor.status.success());
    assert!(String::from_utf8_lossy(&doctor.stdout).contains("problem:      E_VAULT_CORRUPT: "));
}
