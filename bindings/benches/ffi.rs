//! The Rust side of the bindings benchmark: one TOTP code through the core directly and through
//! the bindings' Rust API (what the Kotlin and Swift wrappers call, minus the FFI crossing).
//! Kotlin and Swift numbers come from tests/bench/bindings.sh; all are in docs/performance.md.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use duet_bindings::otp::{OtpAlgorithm, OtpGenerator, OtpKind, OtpParameters};
use duet_core::otp::{Generator, OtpParams};
use duet_core::secret::Secret;

fn code(c: &mut Criterion) {
    let key = b"12345678901234567890".to_vec();
    let core = Generator::new(&Secret::new(key.clone()), &OtpParams::totp_default()).unwrap();
    let params = OtpParameters { kind: OtpKind::Totp { period: 30, t0: 0 }, algorithm: OtpAlgorithm::Sha1, digits: 6 };
    let wrapped = OtpGenerator::new(key, params).unwrap();
    let mut t = 59u64;
    c.bench_function("core code_at", |b| {
        b.iter(|| {
            t += 30;
            black_box(core.code_at(black_box(t)).unwrap())
        })
    });
    c.bench_function("bindings code_at (no FFI)", |b| {
        b.iter(|| {
            t += 30;
            black_box(wrapped.code_at(black_box(t)).unwrap())
        })
    });
}

struct FixedClock;

impl duet_bindings::clock::Clock for FixedClock {
    fn now_unix_seconds(&self) -> Result<i64, duet_bindings::DuetError> {
        Ok(1_111_111_109)
    }
}

struct Key;

impl duet_bindings::vault::VaultKeyProvider for Key {
    fn vault_key(&self, _: String) -> Result<Vec<u8>, duet_bindings::DuetError> {
        Ok(vec![7; 32])
    }
}

struct NoNetwork;

impl duet_bindings::http::HttpTransport for NoNetwork {
    fn send(&self, _: duet_bindings::http::HttpRequest) -> Result<duet_bindings::http::HttpResponse, duet_bindings::DuetError> {
        Err(duet_bindings::DuetError::Transport { code: "E_TRANSPORT_UNREACHABLE".into(), reason: "no network".into() })
    }
}

/// The code list of a 1,000-account vault through `DuetApp::codes`: the Rust figure the Kotlin and
/// Swift `codes()` calls (tests/bench/bindings.sh) are compared with.
fn codes_1000(c: &mut Criterion) {
    use duet_bindings::account::Account;
    use duet_bindings::app::{AppServices, DuetApp};
    let dir = tempfile::tempdir().unwrap();
    let services = AppServices {
        clock: std::sync::Arc::new(FixedClock),
        transport: std::sync::Arc::new(NoNetwork),
        keystore: None,
        device: duet_bindings::push::DeviceInfo { name: "bench".into(), platform: "other".into(), keystore: "software".into() },
    };
    let app = DuetApp::create(dir.path().join("v.sqlite").display().to_string(), std::sync::Arc::new(Key), services).unwrap();
    const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let accounts: Vec<_> = (0..1000)
        .map(|i| {
            let (a, b) = (B32[i / 32] as char, B32[i % 32] as char);
            Account::from_uri(format!("otpauth://totp/Bench:user{i}?secret=JBSWY3DPEHPK3P{a}{b}&issuer=Bench")).unwrap()
        })
        .collect();
    app.add_accounts(accounts).unwrap();
    assert_eq!(app.codes().unwrap().entries.len(), 1000);
    c.bench_function("bindings codes 1000 accounts (no FFI)", |b| b.iter(|| black_box(app.codes().unwrap())));
}

criterion_group!(benches, code, codes_1000);
criterion_main!(benches);
