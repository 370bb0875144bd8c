//! The code list of a 1,000-account vault through the application layer, against the same
//! number of raw HMAC codes with the keyed state cached, in one run.
//!
//! `App::codes_at` returns per account the code and the next code, so the baseline computes two
//! codes per account: `hmac` + `sha1` keyed once per account, cloned per code, RFC 4226 dynamic
//! truncation. The ratio `app_codes / raw_hmac` is what `docs/performance.md` records.
//! `cargo bench -p duet-core --bench app_codes` measures.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use duet_core::app::{App, AppEnv};
use duet_core::keys::{Passphrase, ScryptParams};
use duet_core::push::DeviceInfo;
use duet_core::transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};
use duet_core::vault::{Vault, VaultEnv};
use hmac::{Hmac, KeyInit, Mac};

const ACCOUNTS: usize = 1000;
const T: u64 = 1_111_111_109;

struct NoNetwork;

impl HttpTransport for NoNetwork {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        Err(TransportError::Unreachable { host: request.host() })
    }
}

fn secret(i: usize) -> Vec<u8> {
    (0..20).map(|j| (i * 31 + j * 7) as u8).collect()
}

fn raw_code(keyed: &Hmac<sha1::Sha1>, counter: u64) -> u32 {
    let mut mac = keyed.clone();
    mac.update(&counter.to_be_bytes());
    let tag = mac.finalize().into_bytes();
    let off = usize::from(tag[19] & 0x0f);
    (u32::from_be_bytes([tag[off], tag[off + 1], tag[off + 2], tag[off + 3]]) & 0x7fff_ffff) % 1_000_000
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let pass = Passphrase::with_params(zeroize::Zeroizing::new("bench passphrase".into()), ScryptParams { log_n: 10, r: 8, p: 1 });
    let vault = Vault::create(&dir.path().join("v.sqlite"), &[&pass], VaultEnv::system()).unwrap();
    let mut app = App::new(vault, AppEnv {
        clock: Arc::new(|| T as i64),
        rng: Arc::new(ring::rand::SystemRandom::new()),
        transport: Arc::new(NoNetwork),
        platform_keys: None,
        device: DeviceInfo { name: "bench".into(), platform: "other".into(), keystore: "software".into() },
    });
    let accounts: Vec<_> = (0..ACCOUNTS)
        .map(|i| {
            let b32 = base32::encode(base32::Alphabet::Rfc4648 { padding: false }, &secret(i));
            duet_core::uri::parse(&format!("otpauth://totp/Bench:user{i}?secret={b32}&issuer=Bench")).unwrap().account
        })
        .collect();
    app.add_otps(&accounts).unwrap();
    let keyed: Vec<Hmac<sha1::Sha1>> = (0..ACCOUNTS).map(|i| Hmac::new_from_slice(&secret(i)).unwrap()).collect();
    // The list is keyed on first use; the benchmark measures refreshes, as a code screen does.
    let first = app.codes_at(T).unwrap();
    assert_eq!(first.len(), ACCOUNTS);
    assert_eq!(first[0].code.as_str(), format!("{:06}", raw_code(&keyed[0], T / 30)), "the two paths agree");
    drop(first);

    let mut g = c.benchmark_group("codes_1000_accounts");
    g.bench_function("app_codes", |b| {
        b.iter(|| {
            let list = app.codes_at(black_box(T)).unwrap();
            black_box(&list);
            list.len()
        })
    });
    g.bench_function("raw_hmac", |b| {
        b.iter(|| {
            let step = black_box(T) / 30;
            keyed.iter().map(|k| raw_code(k, step) ^ raw_code(k, step + 1)).fold(0u32, |a, x| a ^ x)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
