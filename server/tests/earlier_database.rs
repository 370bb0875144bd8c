//! A server database and key file written by the previous release of `duet serve` (committed in
//! tests/fixtures/server-0.1, schema 1) open with this one: the migration binds every sealed
//! value to its row, its sealed server key unseals, the first admin's password verifies, enrollments and
//! devices of that release keep working, and a new key can be sealed beside the old one.

use duet_server::services::{admin, admin_factor, devices, enrollments};
use duet_server::storage::{db, migrate, seal, server_key};
use duet_server::verifier::DeviceRecord;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use rusqlite::params;
use std::path::{Path, PathBuf};

const NOW: u64 = 1_800_000_000;

fn copy_fixture() -> (tempfile::TempDir, PathBuf, PathBuf) {
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
    let (db, key) = (dir.path().join("duet-server.sqlite"), dir.path().join("server.key"));
    (dir, db, key)
}

/// A value sealed the way schema 1 sealed it: AES-256-GCM under the key file's key with the
/// purpose label alone as associated data (written here with ring directly, not duet's code).
fn sealed_by_schema_1(key_file: &Path, purpose: &str, plain: &[u8]) -> Vec<u8> {
    let key = hex::decode(std::fs::read_to_string(key_file).unwrap().trim()).unwrap();
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &key).unwrap());
    let nonce = [7u8; 12];
    let mut buf = plain.to_vec();
    key.seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(purpose.as_bytes()), &mut buf).unwrap();
    [nonce.to_vec(), buf].concat()
}

#[test]
fn previous_release_database_opens_and_its_key_unseals() {
    let (_dir, db_path, key_path) = copy_fixture();
    let mut conn = db::open(Some(&db_path)).unwrap();
    let key = seal::load_or_create_key_file(&key_path).unwrap();
    migrate::to_current(&mut conn, &key).unwrap();
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, db::SCHEMA_VERSION);
    // Migrating again changes nothing.
    migrate::to_current(&mut conn, &key).unwrap();
    let stored = server_key::load_or_create(&conn, &key, NOW).unwrap();
    assert_eq!(stored.id, 1, "the existing key is used, not a new one");
    assert_eq!(stored.key.public_key().len(), 65);
    // Phones of that database name the key they trust by its public key.
    let (id, again) = server_key::by_public_key(&conn, &key, &stored.key.public_key()).unwrap().unwrap();
    assert_eq!((id, again.public_key()), (stored.id, stored.key.public_key()));
    let phc: String = conn.query_row("SELECT pw_hash FROM admins WHERE name = 'admin'", [], |r| r.get(0)).unwrap();
    assert!(admin::verify_password("fixture admin password", &phc), "the first admin's password still verifies");
    // The admin has no second factor yet (the next login sets one up), and sessions of the
    // earlier release have not passed one.
    let (sealed, enrolled): (Option<Vec<u8>>, i64) =
        conn.query_row("SELECT totp_sealed, totp_enrolled FROM admins WHERE name = 'admin'", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((sealed, enrolled), (None, 0));
    let passed: i64 = conn.query_row("SELECT COUNT(*) FROM sessions WHERE factor_ok = 1", [], |r| r.get(0)).unwrap();
    assert_eq!(passed, 0);
    admin_factor::reset(&conn, "tests", "admin", NOW).unwrap();
    // Schema 3's passkey tables are there (opening creates them), empty.
    for table in ["admin_passkeys", "admin_ceremonies"] {
        let n: i64 = conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0, "{table}");
    }
    let rotated = server_key::rotate(&conn, &key, stored.id, NOW + 1).unwrap();
    assert_ne!(rotated.key.public_key(), stored.key.public_key());
    // A wrong key file opens nothing and says so.
    let wrong = seal::SealKey::new(&[9u8; 32]).unwrap();
    assert!(server_key::by_public_key(&conn, &wrong, &stored.key.public_key()).is_err());
}

#[test]
fn enrollments_and_devices_of_schema_1_keep_working_and_their_values_are_bound_to_their_rows() {
    let (_dir, db_path, key_path) = copy_fixture();
    // Rows as the previous release wrote them: a pending enrollment with its manual code in
    // clear, a device with its state in clear and its offline secret sealed by purpose alone.
    let record = DeviceRecord {
        account_id: "CquyA9DVXxHtP6Nw6xBsSA".into(),
        enrollment_id: "old-enrollment".into(),
        user: "alice".into(),
        alg: "ES256".into(),
        public_key: vec![4; 65],
        answer_key: None,
        name: "Pixel".into(),
        platform: "android".into(),
        keystore: "tee".into(),
        registered_at: NOW as i64 - 100,
        clock_offset_secs: 0,
    };
    let otp_secret = b"12345678901234567890";
    {
        let conn = rusqlite::Connection::open(&db_path).unwrap();
        conn.execute("INSERT INTO users (id, name, display_name, created_at) VALUES (7, 'alice', 'Alice', 1)", []).unwrap();
        conn.execute(
            "INSERT INTO enrollments (id, user_id, code, secret_sealed, created_at, expires_at) VALUES ('e1', 7, 'MNZ1Q6VC5HM4', ?1, ?2, ?3)",
            params![sealed_by_schema_1(&key_path, "duet-enrollment-secret-v1", &[5; 32]), NOW as i64, NOW as i64 + 900],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO devices (id, user_id, account_id, state, platform, label, server_key_id, otp_secret_sealed, enrolled_at)
             VALUES (3, 7, ?1, ?2, 'android', 'Pixel', 1, ?3, 1)",
            params![record.account_id, serde_json::to_vec(&record).unwrap(), sealed_by_schema_1(&key_path, "duet-device-otp-secret-v1", otp_secret)],
        )
        .unwrap();
    }
    let conn = db::open(Some(&db_path)).unwrap();
    let key = seal::load_or_create_key_file(&key_path).unwrap();
    let clock = std::sync::Arc::new(duet_server::clock::ManualClock::new(NOW));
    let state = duet_server::State::new(conn, key, clock, duet_server::Config::default()).unwrap();
    // The manual code is found by its keyed hash (no longer in clear) and shown again.
    let lookup = enrollments::lookup(&state, "MNZ1Q6VC5HM4", std::net::Ipv4Addr::LOCALHOST.into()).unwrap();
    assert!(String::from_utf8(lookup).unwrap().contains("eid=e1"));
    let shown = enrollments::get(&state, "e1").unwrap().unwrap();
    assert!(shown.manual_code.ends_with("MNZ1-Q6VC-5HM4-6"), "{}", shown.manual_code);
    let columns: Vec<String> = {
        let conn = state.db();
        let mut q = conn.prepare("SELECT name FROM pragma_table_info('enrollments')").unwrap();
        q.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    assert!(!columns.contains(&"code".to_string()), "{columns:?}");
    // The device's state opens and is the same record. Written before answer keys, it has none:
    // its answers stay verified with its device key.
    let stored = devices::record(&state.db(), state.seal(), 3).unwrap();
    assert_eq!(stored, record);
    assert_eq!(stored.answer_key, None);
    // Moving a device to another user (or its state to another device) no longer verifies.
    state.db().execute("INSERT INTO users (id, name, display_name, created_at) VALUES (8, 'mallory', 'Mallory', 1)", []).unwrap();
    state.db().execute("UPDATE devices SET user_id = 8 WHERE id = 3", []).unwrap();
    assert_eq!(duet_core::ErrorCode::code(&devices::record(&state.db(), state.seal(), 3).unwrap_err()), "E_SRV_KEY_UNSEAL");
    state.db().execute("UPDATE devices SET user_id = 7 WHERE id = 3", []).unwrap();
    // The offline secret is bound to the device: the passcode it makes is accepted.
    let code = totp_code(otp_secret, NOW);
    let body: duet_server::services::signin_start::StartSignin =
        serde_json::from_str(&format!(r#"{{"user":"alice","method":"passcode","passcode":"{code}"}}"#)).unwrap();
    let view = duet_server::services::signin_start::start(&state, None, &body, duet_server::services::signin_start::PUSH_MATCHING).unwrap();
    assert_eq!(serde_json::to_value(&view).unwrap()["status"], "approved");
}

/// RFC 6238 TOTP (SHA-1, 6 digits, 30 s) computed with ring's HMAC, independently of duet.
fn totp_code(secret: &[u8], now: u64) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let mac = ring::hmac::sign(&key, &(now / 30).to_be_bytes());
    let m = mac.as_ref();
    let off = (m[19] & 0xf) as usize;
    let v = u32::from_be_bytes([m[off] & 0x7f, m[off + 1], m[off + 2], m[off + 3]]) % 1_000_000;
    format!("{v:06}")
}
