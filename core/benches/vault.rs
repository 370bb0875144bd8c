//! Vault benchmarks (docs/performance.md, "Vault"): with the key already unlocked,
//! open a 10,000-account vault and compute every current code; add one account;
//! and, separately, the key-derivation cost of unlocking with a passphrase.

use criterion::{Criterion, criterion_group, criterion_main};
use duet_core::keys::{AppKey, Passphrase, ScryptParams, VaultKey};
use duet_core::otp::{self, Algorithm, OtpKind, OtpParams};
use duet_core::secret::Secret;
use duet_core::vault::{LockedVault, Vault, VaultEnv};
use duet_core::OtpAccount;
use std::hint::black_box;

const ACCOUNTS: usize = 10_000;

fn account(i: usize) -> OtpAccount {
    let kind = if i.is_multiple_of(10) { OtpKind::Hotp { counter: i as u64 } } else { OtpKind::Totp { period: 30, t0: 0 } };
    OtpAccount {
        issuer: Some(format!("Issuer {}", i % 97)),
        name: format!("user{i}@example.com"),
        secret: Secret::new(format!("secret-{i:06}-abcdefghij").into_bytes()),
        params: OtpParams { kind, algorithm: Algorithm::Sha1, digits: 6 },
        extra: vec![],
    }
}

fn vault_benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.sqlite");
    let key = VaultKey::from_bytes(&[7u8; 32]).unwrap();
    {
        let mut v = Vault::create_with_key(&path, &key, &[&AppKey(key.clone())], VaultEnv::system()).unwrap();
        let all: Vec<OtpAccount> = (0..ACCOUNTS).map(account).collect();
        v.add_otps(&all).unwrap();
    }
    let now = 1_750_000_000u64;

    c.bench_function("vault/open_10k_and_compute_all_codes", |b| {
        b.iter(|| {
            let v = LockedVault::open(&path).unwrap().unlock(&key, VaultEnv::system()).unwrap();
            let mut n = 0usize;
            for s in v.otp_accounts().unwrap() {
                n += otp::code(&s.account.secret, &s.account.params, now).unwrap().len();
            }
            assert_eq!(n, ACCOUNTS * 6);
            black_box(n)
        })
    });

    let mut v = LockedVault::open(&path).unwrap().unlock(&key, VaultEnv::system()).unwrap();
    let one = account(ACCOUNTS + 1);
    let mut added = Vec::new();
    c.bench_function("vault/add_one_account_to_10k", |b| b.iter(|| added.push(v.add_otp(black_box(&one)).unwrap())));
    for id in added {
        v.remove_otp(&id).unwrap();
    }

    let mut g = c.benchmark_group("vault/kdf");
    g.sample_size(10);
    g.bench_function("scrypt_n17_r8_p1", |b| {
        b.iter(|| Passphrase::derive(black_box(b"correct horse battery staple"), &[0xA5; 16], ScryptParams::DEFAULT).unwrap())
    });
    g.finish();
}

criterion_group!(benches, vault_benches);
criterion_main!(benches);
