//! A server database and key file written by the previous release of `duet serve` (committed in
//! tests/fixtures/server-0.1) open with this one: its sealed server key unseals, the first admin's
//! password verifies, and a new key can be sealed beside the old one.

use duet_server::services::admin;
use duet_server::storage::{db, seal, server_key};
use std::path::Path;

#[test]
fn previous_release_database_opens_and_its_key_unseals() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/server-0.1");
    let dir = tempfile::tempdir().unwrap();
    for f in ["duet-server.sqlite", "server.key"] {
        std::fs::copy(fixture.join(f), dir.path().join(f)).unwrap();
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path().join("server.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let conn = db::open(Some(&dir.path().join("duet-server.sqlite"))).unwrap();
    let key = seal::load_or_create_key_file(&dir.path().join("server.key")).unwrap();
    let stored = server_key::load_or_create(&conn, &key, 1_800_000_000).unwrap();
    assert_eq!(stored.id, 1, "the existing key is used, not a new one");
    assert_eq!(stored.key.public_key().len(), 65);
    // Phones of that database name the key they trust by its public key.
    let (id, again) = server_key::by_public_key(&conn, &key, &stored.key.public_key()).unwrap().unwrap();
    assert_eq!((id, again.public_key()), (stored.id, stored.key.public_key()));
    let phc: String = conn.query_row("SELECT pw_hash FROM admins WHERE name = 'admin'", [], |r| r.get(0)).unwrap();
    assert!(admin::verify_password("fixture admin password", &phc), "the first admin's password still verifies");
    let rotated = server_key::rotate(&conn, &key, stored.id, 1_800_000_001).unwrap();
    assert_ne!(rotated.key.public_key(), stored.key.public_key());
    // A wrong key file opens nothing and says so.
    let wrong = seal::SealKey::new(&[9u8; 32]).unwrap();
    assert!(server_key::by_public_key(&conn, &wrong, &stored.key.public_key()).is_err());
}
