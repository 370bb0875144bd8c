//! The application layer on a vault file with one altered OTP record and two unusable push
//! records: the code list, account lists and polls show every intact account and each damaged
//! one as a row with its id and code; damaged records are removed by id; export refuses while one
//! is left, naming it.

#[path = "support/damage.rs"]
mod damage;

use std::sync::Arc;

use duet_core::ErrorCode;
use duet_core::app::{App, AppEnv};
use duet_core::keys::{self, Passphrase, ScryptParams};
use duet_core::push::DeviceInfo;
use duet_core::transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};
use duet_core::vault::{LockedVault, RecordId, Vault, VaultEnv};
use zeroize::Zeroizing;

/// No network: any call is a typed error (a damaged record must not reach a server anyway).
struct NoNetwork;

impl HttpTransport for NoNetwork {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        Err(TransportError::Unreachable { host: request.host() })
    }
}

fn pass() -> Passphrase {
    Passphrase::with_params(Zeroizing::new("pw".into()), ScryptParams { log_n: 10, r: 8, p: 1 })
}

fn app(vault: Vault) -> App {
    App::new(
        vault,
        AppEnv {
            clock: Arc::new(|| 59),
            rng: Arc::new(ring::rand::SystemRandom::new()),
            transport: Arc::new(NoNetwork),
            platform_keys: None,
            device: DeviceInfo { name: "test".into(), platform: "other".into(), keystore: "software".into() },
        },
    )
}

const SHA1: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

#[test]
fn damaged_records_are_rows_with_id_and_code_and_never_hide_the_others() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("v.sqlite");
    let (otp, altered_push, unparsable_push) = {
        let mut app = app(Vault::create(&path, &[&pass()], VaultEnv::system()).unwrap());
        let uris: Vec<String> =
            ["a", "b", "c"].iter().map(|n| format!("otpauth://totp/RFC:{n}?secret={SHA1}&digits=8&issuer=RFC")).collect();
        let ids: Vec<RecordId> = app.add_otp_texts(&uris).unwrap().added.into_iter().map(|(id, _)| id).collect();
        // A sealed record of a known kind whose payload does not parse, and one whose bytes get altered.
        let unparsable = app.vault_mut().put_push_account("duet", b"{not json").unwrap();
        let altered = app.vault_mut().put_push_account("duet", b"{}").unwrap();
        (ids, altered, unparsable)
    };
    damage::flip_record_byte(&path, "otp_accounts", &otp[1].0);
    damage::flip_record_byte(&path, "push_accounts", &altered_push.0);
    let vault = keys::unlock(LockedVault::open(&path).unwrap(), &[&pass()], None, VaultEnv::system()).unwrap().vault;
    let mut app = app(vault);

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
