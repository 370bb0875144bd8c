//! Import/export benchmarks. The encrypted formats are dominated by their key derivation
//! (Aegis: scrypt N=2^15, r=8, p=1; 2FAS: PBKDF2-HMAC-SHA256 x 10 000), reported separately
//! from parsing so a slow unlock is attributed correctly.
//!
//! `cargo bench -p duet-core --bench transfer` measures; `cargo test --all-targets` runs each once.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use duet_core::OtpAccount;
use duet_core::otp::OtpParams;
use duet_core::secret::Secret;
use duet_core::transfer::{self, RandomSource, ScryptParams, TransferError};

struct CounterRandom(u8);

impl RandomSource for CounterRandom {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), TransferError> {
        for b in dest {
            self.0 = self.0.wrapping_add(1);
            *b = self.0;
        }
        Ok(())
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/import").join(name)).unwrap()
}

fn accounts(n: usize) -> Vec<OtpAccount> {
    (0..n)
        .map(|i| OtpAccount {
            issuer: Some(format!("Issuer {i}")),
            name: format!("user{i}@example.com"),
            secret: Secret::new(vec![(i % 251) as u8; 20]),
            params: OtpParams::totp_default(),
            extra: vec![],
        })
        .collect()
}

fn kdf(c: &mut Criterion) {
    let mut g = c.benchmark_group("transfer_kdf");
    g.sample_size(10);
    let aegis = fixture("aegis_encrypted.json");
    g.bench_function("aegis_import_scrypt_n15", |b| {
        b.iter(|| transfer::import(black_box(&aegis), Some("pässwörd 🔑 correct horse")).unwrap())
    });
    let twofas = fixture("twofas_encrypted.2fas");
    g.bench_function("twofas_import_pbkdf2_10k", |b| {
        b.iter(|| transfer::import(black_box(&twofas), Some("2fas-Backup-pw!")).unwrap())
    });
    let list = accounts(1000);
    g.bench_function("aegis_export_1000_scrypt_n15", |b| {
        b.iter(|| {
            transfer::export_aegis_encrypted(black_box(&list), "pw", ScryptParams::AEGIS, &mut CounterRandom(0)).unwrap()
        })
    });
    g.finish();
}

fn parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("transfer_parse");
    let list = accounts(1000);
    // A plain Aegis vault and an otpauth list with 1000 accounts: parsing cost without any KDF.
    let cheap = ScryptParams { log_n: 1, r: 1, p: 1 };
    let aegis = transfer::export_aegis_encrypted(&list, "pw", cheap, &mut CounterRandom(0)).unwrap();
    g.bench_function("aegis_import_1000_no_kdf_cost", |b| {
        b.iter(|| transfer::import(black_box(&aegis.data), Some("pw")).unwrap())
    });
    let uris = transfer::export_otpauth_list(&list);
    g.bench_function("otpauth_list_import_1000", |b| b.iter(|| transfer::import(black_box(&uris.data), None).unwrap()));
    g.finish();
}

criterion_group!(benches, kdf, parse);
criterion_main!(benches);
