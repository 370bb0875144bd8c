//! Round trips (export -> import gives back the same accounts), hostile and damaged input, and
//! the promises of the transfer API (no panics, typed errors, secrets kept out of messages).

use duet_core::ErrorCode;
use duet_core::OtpAccount;
use duet_core::otp::{Algorithm, OtpKind, OtpParams};
use duet_core::secret::Secret;
use duet_core::transfer::{self, ExportNotice, Format, RandomSource, ScryptParams, TransferError};
use proptest::prelude::*;

/// Deterministic bytes (SHA-256 in counter mode) so exports are reproducible in tests.
struct TestRandom(u64);

impl RandomSource for TestRandom {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), TransferError> {
        for chunk in dest.chunks_mut(32) {
            self.0 += 1;
            let d = ring::digest::digest(&ring::digest::SHA256, &self.0.to_le_bytes());
            chunk.copy_from_slice(&d.as_ref()[..chunk.len()]);
        }
        Ok(())
    }
}

/// Cheap scrypt for property tests (the file records its parameters, so import follows them).
const FAST: ScryptParams = ScryptParams { log_n: 4, r: 8, p: 1 };

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/import").join(name)).unwrap()
}

fn label() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9@._+ ÄÖüé&-]{0,18}[A-Za-z0-9]".prop_map(|s| s)
}

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![Just(Algorithm::Sha1), Just(Algorithm::Sha256), Just(Algorithm::Sha512)]
}

fn account() -> impl Strategy<Value = OtpAccount> {
    let kind = prop_oneof![
        (1u32..=86_400).prop_map(|period| OtpKind::Totp { period, t0: 0 }),
        Just(OtpKind::Totp { period: 30, t0: 0 }),
        any::<u64>().prop_map(|counter| OtpKind::Hotp { counter }),
        Just(OtpKind::Steam { period: 30 }),
    ];
    (proptest::option::of(label()), label(), proptest::collection::vec(any::<u8>(), 10..=64), kind, algorithm(), 6u8..=10)
        .prop_map(|(issuer, name, secret, kind, algorithm, digits)| {
            let params = match kind {
                OtpKind::Steam { .. } => OtpParams { kind, algorithm: Algorithm::Sha1, digits: 5 },
                _ => OtpParams { kind, algorithm, digits },
            };
            OtpAccount { issuer, name, secret: Secret::new(secret), params, extra: vec![] }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn aegis_export_imports_back(accounts in proptest::collection::vec(account(), 0..6), seed: u64) {
        let export = transfer::export_aegis_encrypted(&accounts, "pw ü", FAST, &mut TestRandom(seed)).unwrap();
        prop_assert_eq!(export.exported, accounts.len());
        prop_assert!(export.skipped.is_empty());
        let report = transfer::import(&export.data, Some("pw ü")).unwrap();
        prop_assert_eq!(report.format, Format::Aegis);
        prop_assert!(report.encrypted);
        prop_assert!(report.skipped.is_empty());
        prop_assert_eq!(report.accounts, accounts);
    }

    #[test]
    fn otpauth_list_imports_back(accounts in proptest::collection::vec(account(), 1..8)) {
        let export = transfer::export_otpauth_list(&accounts);
        let report = transfer::import(&export.data, None).unwrap();
        prop_assert_eq!(report.format, Format::OtpauthList);
        prop_assert!(report.skipped.is_empty(), "{:?}", report.skipped);
        prop_assert_eq!(report.accounts, accounts);
    }

    #[test]
    fn google_export_imports_back_and_names_what_it_left_out(accounts in proptest::collection::vec(account(), 1..10), batch: i32) {
        let export = transfer::export_google(&accounts, batch);
        let fits = |a: &OtpAccount| match a.params.kind {
            OtpKind::Steam { .. } => false,
            OtpKind::Totp { period, .. } => period == 30 && matches!(a.params.digits, 6 | 8),
            OtpKind::Hotp { counter } => counter <= i64::MAX as u64 && matches!(a.params.digits, 6 | 8),
        };
        let want: Vec<&OtpAccount> = accounts.iter().filter(|a| fits(a)).collect();
        let left_out: Vec<usize> = (0..accounts.len()).filter(|&i| !fits(&accounts[i])).collect();
        let mut skipped: Vec<usize> = export.skipped.iter().map(|s| s.index).collect();
        skipped.sort();
        prop_assert_eq!(skipped, left_out);
        prop_assert_eq!(export.exported, want.len());
        if want.is_empty() {
            prop_assert!(export.uris.is_empty());
        } else {
            let text: String = export.uris.iter().map(|u| format!("{}\n", u.as_str())).collect();
            let report = transfer::import(text.as_bytes(), None).unwrap();
            prop_assert!(report.skipped.is_empty(), "{:?}", report.skipped);
            let got: Vec<&OtpAccount> = report.accounts.iter().collect();
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn mutated_fixtures_never_panic(which in 0usize..9, edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let names = ["aegis_plain.json", "aegis_encrypted.json", "twofas_plain.2fas", "twofas_encrypted.2fas",
            "bitwarden.json", "andotp.json", "freeotp_plus.json", "otpauth_list.txt", "google_transfer.txt"];
        let mut bytes = fixture(names[which]);
        for (at, b) in edits {
            let at = at % bytes.len();
            bytes[at] = b;
        }
        // No password: mutated encrypted files must not make the test run scrypt hundreds of times.
        match transfer::import(&bytes, None) {
            Ok(r) => for s in &r.skipped { prop_assert!(s.code.starts_with("E_")) },
            Err(e) => prop_assert!(e.code().starts_with("E_TRANSFER_")),
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for format in Format::ALL {
            if let Err(e) = transfer::import_as(format, &bytes, Some("x")) {
                prop_assert!(e.code().starts_with("E_TRANSFER_"));
            }
        }
    }
}

#[test]
fn aegis_export_uses_aegis_scrypt_cost_and_fresh_randomness() {
    let accounts = vec![OtpAccount {
        issuer: Some("Example".into()),
        name: "alice".into(),
        secret: Secret::new(b"12345678901234567890".to_vec()),
        params: OtpParams::totp_default(),
        extra: vec![],
    }];
    let a = transfer::export_aegis_encrypted(&accounts, "pw", ScryptParams::AEGIS, &mut TestRandom(1)).unwrap();
    let b = transfer::export_aegis_encrypted(&accounts, "pw", ScryptParams::AEGIS, &mut TestRandom(2)).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&a.data).unwrap();
    let slot = &v["header"]["slots"][0];
    assert_eq!((slot["type"].as_u64(), slot["n"].as_u64(), slot["r"].as_u64(), slot["p"].as_u64()), (Some(1), Some(32768), Some(8), Some(1)));
    assert_eq!(slot["salt"].as_str().unwrap().len(), 64, "256-bit salt");
    assert_eq!(v["header"]["params"]["nonce"].as_str().unwrap().len(), 24, "96-bit nonce");
    assert_ne!(a.data.as_slice(), b.data.as_slice(), "different randomness, different file");
    // The secret (raw, Base32) is nowhere in the encrypted file.
    let text = String::from_utf8(a.data.to_vec()).unwrap();
    assert!(!text.contains("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
    assert_eq!(transfer::import(&a.data, Some("pw")).unwrap().accounts, accounts);
    assert_eq!(transfer::import(&a.data, Some("pW")).unwrap_err(), TransferError::WrongPassword);
    assert_eq!(
        transfer::export_aegis_encrypted(&accounts, "", ScryptParams::AEGIS, &mut TestRandom(1)).unwrap_err().code(),
        "E_TRANSFER_EMPTY_PASSWORD"
    );
}

#[test]
fn aegis_export_reports_what_it_cannot_store() {
    let a = OtpAccount {
        issuer: None,
        name: "t0".into(),
        secret: Secret::new(vec![1; 20]),
        params: OtpParams { kind: OtpKind::Totp { period: 30, t0: 100 }, algorithm: Algorithm::Sha1, digits: 6 },
        extra: vec![],
    };
    let ok = OtpAccount { name: "ok".into(), params: OtpParams::totp_default(), ..a.clone() };
    let export = transfer::export_aegis_encrypted(&[ok.clone(), a.clone()], "pw", FAST, &mut TestRandom(3)).unwrap();
    assert_eq!(export.exported, 1);
    assert_eq!(export.skipped.len(), 1);
    assert_eq!((export.skipped[0].index, export.skipped[0].code), (1, "E_TRANSFER_EXPORT_UNREPRESENTABLE"));
    assert_eq!(transfer::import(&export.data, Some("pw")).unwrap().accounts, vec![ok]);
}

fn edit_json(name: &str, f: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut v: serde_json::Value = serde_json::from_slice(&fixture(name)).unwrap();
    f(&mut v);
    serde_json::to_vec(&v).unwrap()
}

fn code(r: Result<transfer::ImportReport, TransferError>) -> &'static str {
    r.map(|_| "ok").unwrap_or_else(|e| e.code())
}

#[test]
fn damaged_and_hostile_files_give_typed_errors() {
    let pw = Some("pässwörd 🔑 correct horse");
    // Contents altered after encryption: the password still opens the slot, the contents fail.
    let altered = edit_json("aegis_encrypted.json", |v| {
        let db = v["db"].as_str().unwrap().to_string();
        let flipped = if db.starts_with('A') { db.replacen('A', "B", 1) } else { format!("A{}", &db[1..]) };
        v["db"] = flipped.into();
    });
    assert_eq!(code(transfer::import(&altered, pw)), "E_TRANSFER_CORRUPT");
    // A slot asking for 2^30 iterations of scrypt (128 GiB) is refused before any work.
    let hostile = edit_json("aegis_encrypted.json", |v| v["header"]["slots"][1]["n"] = (1u64 << 30).into());
    let started = std::time::Instant::now();
    assert_eq!(code(transfer::import(&hostile, pw)), "E_TRANSFER_KDF_LIMITS");
    assert!(started.elapsed().as_secs() < 5);
    // Only a fingerprint slot left: says how to export instead.
    let bio_only = edit_json("aegis_encrypted.json", |v| {
        v["header"]["slots"].as_array_mut().unwrap().truncate(1);
    });
    assert_eq!(code(transfer::import(&bio_only, pw)), "E_TRANSFER_UNSUPPORTED_ENCRYPTION");
    let v2 = edit_json("aegis_plain.json", |v| v["version"] = 2.into());
    assert_eq!(code(transfer::import(&v2, None)), "E_TRANSFER_UNSUPPORTED_VERSION");
    let content_v9 = edit_json("aegis_plain.json", |v| v["db"]["version"] = 9.into());
    assert_eq!(code(transfer::import(&content_v9, None)), "E_TRANSFER_UNSUPPORTED_VERSION");
    let twofas_v9 = edit_json("twofas_plain.2fas", |v| v["schemaVersion"] = 9.into());
    assert_eq!(code(transfer::import(&twofas_v9, None)), "E_TRANSFER_UNSUPPORTED_VERSION");
    // 2FAS: altered ciphertext cannot be told from a wrong password (GCM tag over both).
    let twofas = edit_json("twofas_encrypted.2fas", |v| {
        let s = v["servicesEncrypted"].as_str().unwrap().to_string();
        let flipped = if s.starts_with('A') { s.replacen('A', "B", 1) } else { format!("A{}", &s[1..]) };
        v["servicesEncrypted"] = flipped.into();
    });
    assert_eq!(code(transfer::import(&twofas, Some("2fas-Backup-pw!"))), "E_TRANSFER_WRONG_PASSWORD");
    let twofas_parts = edit_json("twofas_encrypted.2fas", |v| v["servicesEncrypted"] = "abc".into());
    assert_eq!(code(transfer::import(&twofas_parts, Some("x"))), "E_TRANSFER_CORRUPT");
    let bw = br#"{"encrypted": true, "passwordProtected": true, "salt": "x", "data": "y"}"#;
    assert_eq!(code(transfer::import(bw, None)), "E_TRANSFER_UNSUPPORTED_ENCRYPTION");
    assert_eq!(code(transfer::import(br#"{"hello": "world"}"#, None)), "E_TRANSFER_UNKNOWN_FORMAT");
    assert_eq!(code(transfer::import(b"", None)), "E_TRANSFER_UNKNOWN_FORMAT");
    assert_eq!(code(transfer::import(b"\x00\x01binary", None)), "E_TRANSFER_UNKNOWN_FORMAT");
    assert_eq!(code(transfer::import(&vec![b' '; transfer::MAX_INPUT_BYTES + 1], None)), "E_TRANSFER_TOO_LARGE");
    // The wrong format named explicitly is a damaged file of that format, not an empty import.
    assert_eq!(code(transfer::import_as(Format::Aegis, &fixture("andotp.json"), None)), "E_TRANSFER_CORRUPT");
    // A UTF-8 byte-order mark (Windows editors add one) is accepted.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(fixture("andotp.json"));
    assert_eq!(transfer::import(&bom, None).unwrap().format, Format::AndOtp);
}

#[test]
fn reports_and_errors_never_show_secrets() {
    let bytes = fixture("aegis_plain.json");
    let report = transfer::import(&bytes, None).unwrap();
    let shown = format!("{report:?}");
    for a in &report.accounts {
        let b32 = duet_core::uri::encode_secret(&a.secret);
        assert!(!shown.contains(&b32) && !shown.contains(&hex::encode(a.secret.expose())));
    }
    for s in &report.skipped {
        assert!(!s.reason.contains("NOT-BASE32") && !s.reason.contains("JBSWY3DP"), "{s:?}");
    }
    let export = transfer::export_otpauth_list(&report.accounts);
    assert!(format!("{export:?}").contains("redacted"));
    let google = transfer::export_google(&report.accounts, 7);
    assert!(!format!("{google:?}").contains("otpauth-migration"));
}

#[test]
fn verify_backup_counts_by_kind() {
    let s = transfer::verify_backup(&fixture("aegis_plain.json"), None).unwrap();
    assert_eq!((s.totp, s.hotp, s.steam, s.skipped.len()), (4, 2, 1, 4));
    assert_eq!(s.restorable(), 7);
    assert!(!s.encrypted);
}

#[test]
fn export_notice_says_push_accounts_stay() {
    assert!(ExportNotice::new(0).to_string().contains("never leave this device"));
    assert!(ExportNotice::new(1).to_string().starts_with("1 push account and its device key stay"));
    assert!(ExportNotice::new(3).to_string().starts_with("3 push accounts and their device keys stay"));
}

#[test]
fn transfer_links_of_a_multi_part_export_report_missing_parts() {
    let accounts: Vec<OtpAccount> = (0..40)
        .map(|i| OtpAccount {
            issuer: Some(format!("Issuer number {i} with a fairly long name")),
            name: format!("someone.with.a.long.address.{i}@example.com"),
            secret: Secret::new(vec![i as u8; 32]),
            params: OtpParams::totp_default(),
            extra: vec![],
        })
        .collect();
    let export = transfer::export_google(&accounts, 99);
    assert!(export.uris.len() >= 2, "needs several QR codes");
    let all: String = export.uris.iter().map(|u| format!("{}\n", u.as_str())).collect();
    assert_eq!(transfer::import(all.as_bytes(), None).unwrap().accounts, accounts);
    // Leave out the first part: the rest imports, and the gap is reported.
    let partial: String = export.uris[1..].iter().map(|u| format!("{}\n", u.as_str())).collect();
    let report = transfer::import(partial.as_bytes(), None).unwrap();
    assert!(report.accounts.len() < accounts.len());
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].code, "E_MIGRATION_BATCH_MISSING");
    // The same code twice counts once.
    let twice = format!("{}\n{all}", export.uris[0].as_str());
    assert_eq!(transfer::import(twice.as_bytes(), None).unwrap().accounts, accounts);
}
