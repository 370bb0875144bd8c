//! duet imports every independent fixture (tests/fixtures/import/, made by
//! tests/fixtures/make_fixtures.py without duet) with the accounts, codes and skip reports the
//! script computed.

use std::path::PathBuf;

use duet_core::ErrorCode;
use duet_core::otp::{Algorithm, OtpKind};
use duet_core::transfer::{self, Format, TransferError};
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/import")
}

fn expected() -> Value {
    serde_json::from_slice(&std::fs::read(dir().join("expected.json")).unwrap()).unwrap()
}

fn algorithm(a: Algorithm) -> &'static str {
    a.name()
}

fn check_fixture(name: &str, want: &Value, time: u64) {
    let bytes = std::fs::read(dir().join(name)).unwrap();
    let password = want["password"].as_str();
    let detected = transfer::detect(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(detected.format, Format::from_id(want["format"].as_str().unwrap()).unwrap(), "{name}");
    assert_eq!(detected.encrypted, want["encrypted"].as_bool().unwrap(), "{name}");

    let report = transfer::import(&bytes, password).unwrap_or_else(|e| panic!("{name}: {} {e}", e.code()));
    let accounts = want["accounts"].as_array().unwrap();
    assert_eq!(report.accounts.len(), accounts.len(), "{name}: account count");
    for (got, want) in report.accounts.iter().zip(accounts) {
        let ctx = format!("{name}: {}", want["name"]);
        assert_eq!(got.issuer.as_deref(), want["issuer"].as_str(), "{ctx} issuer");
        assert_eq!(got.name, want["name"].as_str().unwrap(), "{ctx} name");
        assert_eq!(hex::encode(got.secret.expose()), want["secret_hex"].as_str().unwrap(), "{ctx} secret");
        assert_eq!(algorithm(got.params.algorithm), want["algorithm"].as_str().unwrap(), "{ctx} algorithm");
        assert_eq!(u64::from(got.params.digits), want["digits"].as_u64().unwrap(), "{ctx} digits");
        match (got.params.kind, want["kind"].as_str().unwrap()) {
            (OtpKind::Totp { period, t0 }, "totp") => {
                assert_eq!(u64::from(period), want["period"].as_u64().unwrap(), "{ctx} period");
                assert_eq!(t0, 0, "{ctx} t0");
            }
            (OtpKind::Hotp { counter }, "hotp") => assert_eq!(counter, want["counter"].as_u64().unwrap(), "{ctx} counter"),
            (OtpKind::Steam { period }, "steam") => assert_eq!(u64::from(period), want["period"].as_u64().unwrap()),
            (kind, w) => panic!("{ctx}: kind {kind:?}, expected {w}"),
        }
        // The code duet shows at the fixed time (or for the stored counter) is the script's.
        let code = match got.params.kind {
            OtpKind::Hotp { counter } => duet_core::otp::code_for_counter(&got.secret, &got.params, counter),
            _ => duet_core::otp::code(&got.secret, &got.params, time),
        }
        .unwrap();
        assert_eq!(code, want["code"].as_str().unwrap(), "{ctx} code");
    }
    let skipped: Vec<(u64, &str)> =
        want["skipped"].as_array().unwrap().iter().map(|s| (s["index"].as_u64().unwrap(), s["code"].as_str().unwrap())).collect();
    let got: Vec<(u64, &str)> = report.skipped.iter().map(|s| (s.index as u64, s.code)).collect();
    assert_eq!(got, skipped, "{name}: skipped entries");
    for s in &report.skipped {
        assert!(!s.reason.is_empty() && !s.label.is_empty(), "{name}: {s:?}");
    }
}

#[test]
fn every_fixture_imports_with_the_scripts_codes() {
    let exp = expected();
    let time = exp["time"].as_u64().unwrap();
    let fixtures = exp["fixtures"].as_object().unwrap();
    assert!(fixtures.len() >= 9, "expected.json lists {} fixtures", fixtures.len());
    for (name, want) in fixtures {
        check_fixture(name, want, time);
    }
}

#[test]
fn encrypted_fixtures_need_the_right_password() {
    let exp = expected();
    for (name, want) in exp["fixtures"].as_object().unwrap() {
        let Some(password) = want["password"].as_str() else { continue };
        let bytes = std::fs::read(dir().join(name)).unwrap();
        assert_eq!(transfer::import(&bytes, None).unwrap_err(), TransferError::PasswordRequired, "{name}");
        let wrong = format!("{password}x");
        let err = transfer::import(&bytes, Some(&wrong)).unwrap_err();
        assert_eq!(err.code(), "E_TRANSFER_WRONG_PASSWORD", "{name}");
        assert!(err.to_string().contains("password is wrong"), "{name}: {err}");
        // verify_backup counts what the import would restore.
        let summary = transfer::verify_backup(&bytes, Some(password)).unwrap();
        assert_eq!(summary.restorable(), want["accounts"].as_array().unwrap().len(), "{name}");
        assert_eq!(summary.skipped.len(), want["skipped"].as_array().unwrap().len(), "{name}");
        assert!(summary.encrypted);
    }
}

#[test]
fn damaged_fixtures_give_clear_errors_never_empty_results() {
    let exp = expected();
    for (name, want) in exp["fixtures"].as_object().unwrap() {
        let bytes = std::fs::read(dir().join(name)).unwrap();
        let password = want["password"].as_str();
        for cut in [bytes.len() / 2, bytes.len() * 9 / 10] {
            match transfer::import(&bytes[..cut], password) {
                Err(e) => assert!(e.code().starts_with("E_TRANSFER_"), "{name}[..{cut}]: {e:?}"),
                // Line-based text may still hold whole lines: then it must not invent accounts.
                Ok(r) => {
                    assert_eq!(r.format, Format::OtpauthList, "{name}[..{cut}] imported");
                    assert!(r.accounts.len() <= want["accounts"].as_array().unwrap().len());
                }
            }
        }
    }
}
