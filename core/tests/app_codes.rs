//! The application layer's OTP side: the code list in one call checked against the RFC 6238 and
//! RFC 4226 vectors, list edits, adding scanned text of every kind that needs no server, and
//! records damaged in the file: the code list, account lists and polls show each as a row with
//! its id and code beside the intact accounts; it is removed by id; export refuses while one is
//! left, naming it.

#[path = "support/damage.rs"]
mod damage;

use std::sync::Arc;

use duet_core::ErrorCode;
use duet_core::app::accounts::Added;
use duet_core::app::{App, AppEnv};
use duet_core::keys::{self, Passphrase, ScryptParams};
use duet_core::push::DeviceInfo;
use duet_core::transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};
use duet_core::vault::{LockedVault, RecordId, Vault, VaultEnv};
use zeroize::Zeroizing;

/// No network in these tests: any call is a test failure made visible as a typed error.
struct NoNetwork;

impl HttpTransport for NoNetwork {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        Err(TransportError::Unreachable { host: request.host() })
    }
}

fn pass() -> Passphrase {
    Passphrase::with_params(Zeroizing::new("pw for tests".into()), ScryptParams { log_n: 10, r: 8, p: 1 })
}

fn app(dir: &std::path::Path) -> App {
    let vault = Vault::create(&dir.join("v.sqlite"), &[&pass()], VaultEnv::system()).unwrap();
    App::new(vault, env())
}

fn env() -> AppEnv {
    AppEnv {
        clock: Arc::new(|| 1_111_111_109),
        rng: Arc::new(ring::rand::SystemRandom::new()),
        transport: Arc::new(NoNetwork),
        platform_keys: None,
        device: DeviceInfo { name: "test".into(), platform: "other".into(), keystore: "software".into() },
    }
}

// RFC 6238 appendix B: the seeds are "12345678901234567890" repeated to the hash's block size.
const SHA1: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const SHA256: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";
const SHA512: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA";

fn add(app: &mut App, uri: &str) -> String {
    match app.add_scanned(uri).unwrap() {
        Added::Otp { id, .. } => id.0,
        other => panic!("{other:?}"),
    }
}

#[test]
fn one_call_gives_every_code_with_next_code_and_countdown_per_rfc_6238() {
    let d = tempfile::tempdir().unwrap();
    let mut app = app(d.path());
    for (name, secret, alg) in [("sha1", SHA1, "SHA1"), ("sha256", SHA256, "SHA256"), ("sha512", SHA512, "SHA512")] {
        add(&mut app, &format!("otpauth://totp/RFC:{name}?secret={secret}&digits=8&algorithm={alg}&issuer=RFC"));
    }
    // (time, SHA-1, SHA-256, SHA-512) from RFC 6238 appendix B.
    let vectors = [
        (59u64, ["94287082", "46119246", "90693936"]),
        (1_111_111_109, ["07081804", "68084774", "25091201"]),
        (1_111_111_111, ["14050471", "67062674", "99943326"]),
        (1_234_567_890, ["89005924", "91819424", "93441116"]),
        (2_000_000_000, ["69279037", "90698825", "38618901"]),
        (20_000_000_000, ["65353130", "77737706", "47863826"]),
    ];
    for (t, expected) in vectors {
        let codes = app.codes_at(t).unwrap();
        assert_eq!(codes.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(), expected, "t={t}");
        for c in &codes {
            assert_eq!(c.period, Some(30));
            assert_eq!(c.seconds_left, Some(30 - (t % 30) as u32));
            assert!(!c.counter_based && c.error.is_none());
        }
    }
    // 1111111109 and 1111111111 lie in consecutive periods: the first's next code is the second's.
    let next: Vec<_> = app.codes_at(1_111_111_109).unwrap().into_iter().map(|c| c.next_code.unwrap()).collect();
    assert_eq!(next, ["14050471", "67062674", "99943326"]);
    assert_eq!(app.codes().unwrap()[0].code, "07081804", "codes() reads the injected clock");
}

#[test]
fn hotp_advances_only_when_asked_per_rfc_4226() {
    let d = tempfile::tempdir().unwrap();
    let mut app = app(d.path());
    let id = add(&mut app, &format!("otpauth://hotp/RFC4226:hotp?secret={SHA1}&counter=3&issuer=RFC4226"));
    // RFC 4226 appendix D, counters 3, 4, 5.
    for _ in 0..3 {
        let c = &app.codes_at(1_000).unwrap()[0];
        assert_eq!((c.code.as_str(), c.counter_based, c.next_code.clone(), c.seconds_left), ("969429", true, None, None));
    }
    let rid = duet_core::vault::RecordId(id);
    assert_eq!(app.next_hotp(&rid).unwrap(), "969429", "the code of the counter just reserved");
    assert_eq!(app.codes_at(1_000).unwrap()[0].code, "338314");
    assert_eq!(app.next_hotp(&rid).unwrap(), "338314");
    assert_eq!(app.codes_at(1_000).unwrap()[0].code, "254676");
}

#[test]
fn edits_reach_the_list_and_a_stale_order_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let mut app = app(d.path());
    let a = add(&mut app, &format!("otpauth://totp/A:a?secret={SHA1}&issuer=A"));
    let b = add(&mut app, &format!("otpauth://totp/B:b?secret={SHA1}&issuer=B"));
    let c = add(&mut app, &format!("otpauth://totp/C:c?secret={SHA1}&issuer=C"));
    let labels = |app: &mut App| app.codes_at(59).unwrap().into_iter().map(|c| c.label.to_string()).collect::<Vec<_>>();
    assert_eq!(labels(&mut app), ["A:a", "B:b", "C:c"]);
    let ids = |v: &[&String]| v.iter().map(|s| duet_core::vault::RecordId((*s).clone())).collect::<Vec<_>>();
    app.reorder(&ids(&[&c, &a, &b])).unwrap();
    assert_eq!(labels(&mut app), ["C:c", "A:a", "B:b"]);
    // A list missing an account, naming one twice or naming a stranger moves nothing.
    for bad in [ids(&[&c, &a]), ids(&[&c, &a, &a]), ids(&[&c, &a, &"0".repeat(32)])] {
        assert_eq!(app.reorder(&bad).unwrap_err().code(), "E_VAULT_NOT_FOUND");
        assert_eq!(labels(&mut app), ["C:c", "A:a", "B:b"]);
    }
    app.rename(&duet_core::vault::RecordId(a.clone()), Some("Work".into()), "alice".into()).unwrap();
    app.remove(&duet_core::vault::RecordId(b)).unwrap();
    assert_eq!(labels(&mut app), ["C:c", "Work:alice"]);
    // Every code of the list is still the RFC one after the edits.
    assert!(app.codes_at(59).unwrap().iter().all(|c| c.code == "287082"));
}

#[test]
fn scanned_text_of_unknown_kinds_and_damaged_accounts_give_typed_errors() {
    let d = tempfile::tempdir().unwrap();
    let mut app = app(d.path());
    for bad in ["", "hello", "mailto:a@example.com", "otpauth-migration:/x"] {
        assert_eq!(app.add_scanned(bad).unwrap_err().code(), "E_APP_UNKNOWN_TEXT", "{bad}");
    }
    assert_eq!(app.add_scanned("otpauth://totp/x?secret=0189").unwrap_err().code(), "E_URI_SECRET_BASE32");
    assert_eq!(app.add_scanned("duet://enroll?v=1").unwrap_err().code().get(..7), Some("E_PUSH_"));
    // An enrollment needs the server: without a network it fails typed and stores nothing.
    let pipush = "otpauth://pipush/PIPU0001?url=https%3A//pi.example.com/ttype/push&ttl=10&issuer=PI&enrollment_credential=abc&v=1&serial=PIPU0001&sslverify=1";
    assert!(app.add_scanned(pipush).is_err());
    assert!(app.push_accounts().unwrap().is_empty());
    assert!(app.codes_at(59).unwrap().is_empty());
}

#[test]
fn a_google_transfer_in_several_codes_is_stored_once_complete() {
    let d = tempfile::tempdir().unwrap();
    let mut app = app(d.path());
    let accounts: Vec<_> = (0..40)
        .map(|i| {
            duet_core::uri::parse(&format!("otpauth://totp/Bulk:user{i:02}?secret={SHA1}&issuer=Bulk")).unwrap().account
        })
        .collect();
    let parts = duet_core::migration::export(&accounts, 7).uris;
    assert!(parts.len() >= 2, "{} parts", parts.len());
    let total = parts.len() as u32;
    // Scanned last part first, one part twice: only the complete set is stored.
    for (i, uri) in parts.iter().enumerate().rev() {
        let added = app.add_scanned(uri).unwrap();
        if i > 0 {
            let Added::TransferPart { missing, total: t } = added else { panic!("{added:?}") };
            assert_eq!(t, total);
            assert_eq!(missing, (1..=i as u32).collect::<Vec<_>>());
            assert!(app.codes_at(59).unwrap().is_empty(), "nothing stored before the last part");
            if i == 1 {
                // The same code again is harmless.
                assert!(matches!(app.add_scanned(uri).unwrap(), Added::TransferPart { .. }));
            }
        } else {
            let Added::Transfer { ids, skipped } = added else { panic!("{added:?}") };
            assert_eq!((ids.len(), skipped.len()), (40, 0));
        }
    }
    let codes = app.codes_at(59).unwrap();
    assert_eq!(codes.len(), 40);
    assert!(codes.iter().all(|c| c.code == "287082"));
    // A code of another transfer in the middle of a scan is refused; the scan goes on.
    let other = duet_core::migration::export(&accounts, 8).uris;
    assert!(matches!(app.add_scanned(&parts[0]).unwrap(), Added::TransferPart { .. }));
    assert_eq!(app.add_scanned(&other[1]).unwrap_err().code(), "E_MIGRATION_BATCH_MISMATCH");
    assert_eq!(app.transfer_missing(), (2..=total).collect::<Vec<_>>());
    app.cancel_transfer();
    assert!(app.transfer_missing().is_empty());
    assert!(app.transfer_missing().is_empty());
}

#[test]
fn damaged_records_in_the_file_are_rows_with_id_and_code_and_never_hide_the_others() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("v.sqlite");
    let (otp, altered_push, unparsable_push) = {
        let mut app = app(d.path());
        let ids = three_rfc_accounts(&mut app);
        // A sealed record of a known kind whose payload does not parse, and one whose bytes get altered.
        let unparsable = app.vault_mut().put_push_account("duet", b"{not json").unwrap();
        let altered = app.vault_mut().put_push_account("duet", b"{}").unwrap();
        (ids, altered, unparsable)
    };
    damage::flip_record_byte(&path, "otp_accounts", &otp[1].0);
    damage::flip_record_byte(&path, "push_accounts", &altered_push.0);
    let mut app = reopen(&path);

    let codes = app.codes_at(59).unwrap();
    let rows: Vec<(&str, &str, Option<&str>)> = codes.iter().map(|c| (c.id.0.as_str(), c.code.as_str(), c.error)).collect();
    assert_eq!(
        rows,
        [
            (otp[0].0.as_str(), "94287082", None),
            (otp[1].0.as_str(), "", Some("E_VAULT_RECORD_CORRUPT")),
            (otp[2].0.as_str(), "94287082", None),
        ]
    );
    let accounts = app.accounts().unwrap();
    assert_eq!(accounts.len(), 3);
    assert_eq!(accounts[1].as_ref().unwrap_err().id, otp[1]);

    let push: Vec<_> = app.push_accounts().unwrap().into_iter().map(|e| e.map(|v| v.id).map_err(|d| (d.id, d.code))).collect();
    assert_eq!(
        push,
        [Err((unparsable_push.clone(), "E_APP_ACCOUNT_DAMAGED")), Err((altered_push.clone(), "E_VAULT_RECORD_CORRUPT"))]
    );
    let report = app.poll().unwrap();
    let failures: Vec<_> = report.failures.iter().map(|f| (&f.id, f.error.code())).collect();
    assert_eq!(failures, [(&unparsable_push, "E_APP_ACCOUNT_DAMAGED"), (&altered_push, "E_VAULT_RECORD_CORRUPT")]);

    // A backup silently missing an account would be found out only when needed: export refuses.
    let e = app.export_encrypted("backup password").unwrap_err();
    assert_eq!(e.code(), "E_VAULT_RECORD_CORRUPT");
    assert!(e.to_string().contains(&otp[1].0), "{e}");

    // Damaged records go by id, without decryption and without the network.
    app.remove(&otp[1]).unwrap();
    app.unenroll(&altered_push).unwrap();
    app.unenroll(&unparsable_push).unwrap();
    assert!(app.push_accounts().unwrap().is_empty());
    assert!(app.codes_at(59).unwrap().iter().all(|c| c.error.is_none() && c.code == "94287082"));
    let backup = app.export_encrypted("backup password").unwrap();
    let summary = App::verify_backup(&backup.data, Some("backup password")).unwrap();
    assert_eq!(summary.totp, 2);
}

#[test]
fn a_record_with_columns_of_the_wrong_type_is_one_damaged_row_and_hides_nothing() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("v.sqlite");
    let ids: Vec<RecordId> = {
        three_rfc_accounts(&mut app(d.path()))
    };
    damage::retype_record(&path, "otp_accounts", &ids[1].0);
    let mut app = reopen(&path);

    // RFC 6238's SHA-1 vector at T = 59 for the two intact accounts; the retyped one sorts last
    // (its position is no longer a number) and is named by its id.
    let codes = app.codes_at(59).unwrap();
    let rows: Vec<(&str, &str, Option<&str>)> = codes.iter().map(|c| (c.id.0.as_str(), c.code.as_str(), c.error)).collect();
    assert_eq!(
        rows,
        [
            (ids[0].0.as_str(), "94287082", None),
            (ids[2].0.as_str(), "94287082", None),
            (ids[1].0.as_str(), "", Some("E_VAULT_RECORD_CORRUPT")),
        ]
    );
    assert_eq!(app.accounts().unwrap().len(), 3);
    app.remove(&ids[1]).unwrap();
    assert!(app.codes_at(59).unwrap().iter().all(|c| c.error.is_none()));
}

/// Three TOTP accounts of RFC 6238's SHA-1 key (8 digits), in list order.
fn three_rfc_accounts(app: &mut App) -> Vec<RecordId> {
    let uris: Vec<String> =
        ["a", "b", "c"].iter().map(|n| format!("otpauth://totp/RFC:{n}?secret={SHA1}&digits=8&issuer=RFC")).collect();
    app.add_otp_texts(&uris).unwrap().added.into_iter().map(|(id, _)| id).collect()
}

/// The vault file opened again, as the next start of the app does.
fn reopen(path: &std::path::Path) -> App {
    let vault = keys::unlock(LockedVault::open(path).unwrap(), &[&pass()], None, VaultEnv::system()).unwrap().vault;
    App::new(vault, env())
}
