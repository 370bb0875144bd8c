//! The shape of `DuetApp::codes`: rows carry no optionals, HOTP rows say so with empty/zero values,
//! and an account without a code goes to `problems` instead of a row.

use std::sync::Arc;

use duet_bindings::DuetError;
use duet_bindings::account::Account;
use duet_bindings::app::{AppServices, DuetApp};
use duet_bindings::otp::{OtpAlgorithm, OtpKind, OtpParameters};

struct FixedClock;

impl duet_bindings::clock::Clock for FixedClock {
    fn now_unix_seconds(&self) -> Result<i64, DuetError> {
        Ok(1_111_111_109)
    }
}

struct Key;

impl duet_bindings::vault::VaultKeyProvider for Key {
    fn vault_key(&self, _: String) -> Result<Vec<u8>, DuetError> {
        Ok(vec![7; 32])
    }
}

struct NoNetwork;

impl duet_bindings::http::HttpTransport for NoNetwork {
    fn send(&self, _: duet_bindings::http::HttpRequest) -> Result<duet_bindings::http::HttpResponse, DuetError> {
        Err(DuetError::Transport { code: "E_TRANSPORT_UNREACHABLE".into(), reason: "no network".into() })
    }
}

fn account(name: &str, kind: OtpKind) -> Arc<Account> {
    let params = OtpParameters { kind, algorithm: OtpAlgorithm::Sha1, digits: 8 };
    // RFC 6238's SHA-1 key.
    Account::from_setup_key(Some("Test".into()), name.into(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(), params).unwrap()
}

#[test]
fn rows_problems_and_labels() {
    let dir = tempfile::tempdir().unwrap();
    let services = AppServices {
        clock: Arc::new(FixedClock),
        transport: Arc::new(NoNetwork),
        keystore: None,
        device: duet_bindings::push::DeviceInfo { name: "test".into(), platform: "other".into(), keystore: "software".into() },
    };
    let app = DuetApp::create(dir.path().join("v.sqlite").display().to_string(), Arc::new(Key), services).unwrap();
    let ids = app
        .add_accounts(vec![
            account("totp", OtpKind::Totp { period: 30, t0: 0 }),
            account("later", OtpKind::Totp { period: 30, t0: 2_000_000_000 }),
            account("hotp", OtpKind::Hotp { counter: 0 }),
        ])
        .unwrap();
    let list = app.codes().unwrap();
    // RFC 6238 appendix B, SHA-1 at 1111111109 and the step after it.
    assert_eq!(list.entries[0].id, ids[0]);
    assert_eq!(list.entries[0].code, "07081804");
    assert_eq!(list.entries[0].seconds_left, 1);
    assert_eq!(list.entries[0].next_code.len(), 8);
    assert_ne!(list.entries[0].next_code, list.entries[0].code);
    assert_eq!(list.entries[1].id, ids[2]);
    assert_eq!(list.entries[1].code, "84755224", "RFC 4226 counter 0");
    assert_eq!((list.entries[1].next_code.as_str(), list.entries[1].seconds_left), ("", 0));
    assert_eq!(list.entries.len(), 2);
    assert_eq!(list.problems.len(), 1);
    assert_eq!(list.problems[0].id, ids[1]);
    assert!(list.problems[0].error_code.starts_with("E_OTP_"), "{:?}", list.problems);
    let labels: Vec<_> = app.accounts().unwrap().into_iter().map(|a| a.label).collect();
    assert_eq!(labels, ["Test:totp", "Test:later", "Test:hotp"]);
}
