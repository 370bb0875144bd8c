//! A vault written by the previous release of `duet` (tests/fixtures/vault-0.1.sqlite: the demo's
//! enrolled duet push account with its software key and offline passcode account, then three RFC
//! accounts added with `duet add`, passphrase "fixture passphrase") opens through the application
//! layer with every account readable.

use std::sync::Arc;

use duet_core::ErrorCode;
use duet_core::app::{App, AppEnv};
use duet_core::keys::{self, Passphrase};
use duet_core::push::{DeviceInfo, PushProtocol};
use duet_core::transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};
use duet_core::vault::{LockedVault, VaultEnv};
use zeroize::Zeroizing;

struct NoNetwork;

impl HttpTransport for NoNetwork {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        Err(TransportError::Unreachable { host: request.host() })
    }
}

#[test]
fn previous_release_vault_opens_with_every_account() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vault-0.1.sqlite");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.sqlite");
    std::fs::copy(fixture, &path).unwrap();
    let pass = Passphrase::new(Zeroizing::new("fixture passphrase".into()));
    let vault = keys::unlock(LockedVault::open(&path).unwrap(), &[&pass], None, VaultEnv::system()).unwrap().vault;
    let env = AppEnv {
        clock: Arc::new(|| 59),
        rng: Arc::new(ring::rand::SystemRandom::new()),
        transport: Arc::new(NoNetwork),
        platform_keys: None,
        device: DeviceInfo { name: "test".into(), platform: "other".into(), keystore: "software".into() },
    };
    let mut app = App::new(vault, env);

    let codes = app.codes_at(59).unwrap();
    let by_label = |l: &str| codes.iter().find(|c| c.label == l).unwrap_or_else(|| panic!("{l} in {codes:?}"));
    // RFC 6238 appendix B at T = 59 and RFC 4226 appendix D at counter 3.
    assert_eq!(by_label("RFC6238:sha1").code, "94287082");
    assert_eq!(by_label("RFC6238:sha256").code, "46119246");
    assert_eq!(by_label("RFC4226:hotp").code, "969429");
    // The offline passcode account the demo's enrollment stored.
    assert_eq!(codes.len(), 4);
    assert!(codes.iter().all(|c| c.error.is_none()));

    let push: Vec<_> = app.push_accounts().unwrap().into_iter().map(Result::unwrap).collect();
    assert_eq!(push.len(), 1);
    assert_eq!(push[0].label, "duet demo: alice");
    assert_eq!(push[0].protocol, PushProtocol::Duet);
    assert!(!push[0].platform_key, "the CLI's software key");
    // The stored device key signs a poll: only the network is missing.
    let report = app.poll().unwrap();
    assert_eq!(report.failures.len(), 1);
    assert_eq!(report.failures[0].error.code(), "E_TRANSPORT_UNREACHABLE");
    // The clock offset seen in the demo's signed requests.
    assert!(app.clock_offset().unwrap().is_some());
}
