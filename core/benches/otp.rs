//! OTP benchmarks: one TOTP code per algorithm, duet against its baselines in the same run.
//!
//! Groups (ids are parsed by `scripts/bench_ratios.py`):
//! - `totp_sha1`, `totp_sha256`, `totp_sha512`, each with functions
//!   - `duet_loaded`: `Generator::current` on an account already loaded (keyed state
//!     cached; the code is returned inline, no allocation);
//!   - `duet_loaded_string`: the same through `Generator::code_at`, which returns a `String`;
//!   - `duet_scratch`: `otp::current` (validation, key setup, code; inline, no allocation);
//!   - `duet_scratch_string`: `otp::code`, the same returning a `String`;
//!   - `baseline_rustcrypto_cached`: raw `hmac` + `sha1`/`sha2` with the keyed state cached,
//!     plus dynamic truncation: the lower limit any implementation on these crates can reach;
//!   - `totp_rs`: totp-rs 6 `generate(t)` (keys HMAC on every call; returns its inline `Token`);
//!   - `totp_rs_string`: `generate(t).to_string()`, the code as a `String`;
//!   - `ring_cached`, `ring_scratch`: ring's HMAC with the key cached / set up per code.
//!
//! `cargo test --all-targets` runs this once per benchmark in test mode (fast);
//! `cargo bench -p duet-core --bench otp` measures.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use duet_core::otp::{self, Algorithm, Generator};
use duet_core::secret::Secret;
use hmac::KeyInit;

#[path = "support/otp_baseline.rs"]
mod otp_baseline;
use otp_baseline::{cached_code, params, seed, totp_rs_account, truncate6};

const T: u64 = 1_111_111_109;

fn bench_alg(c: &mut Criterion, alg: Algorithm) {
    let key = seed(alg);
    let secret = Secret::new(key.clone());
    let params = params(alg);
    let generator = Generator::new(&secret, &params).expect("valid params");
    let name = format!("totp_{}", alg.name().to_ascii_lowercase());
    let mut g = c.benchmark_group(&name);

    g.bench_function("duet_loaded", |b| {
        b.iter(|| generator.current(black_box(T)).expect("after T0"))
    });
    g.bench_function("duet_loaded_string", |b| {
        b.iter(|| generator.code_at(black_box(T)).expect("after T0"))
    });
    g.bench_function("duet_scratch", |b| {
        b.iter(|| otp::current(black_box(&secret), &params, black_box(T)).expect("valid"))
    });
    g.bench_function("duet_scratch_string", |b| {
        b.iter(|| otp::code(black_box(&secret), &params, black_box(T)).expect("valid"))
    });

    match alg {
        Algorithm::Sha1 => {
            let keyed = hmac::Hmac::<sha1::Sha1>::new_from_slice(&key).expect("any key length");
            g.bench_function("baseline_rustcrypto_cached", |b| {
                b.iter(|| cached_code(&keyed, black_box(T)))
            });
        }
        Algorithm::Sha256 => {
            let keyed = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).expect("any key length");
            g.bench_function("baseline_rustcrypto_cached", |b| {
                b.iter(|| cached_code(&keyed, black_box(T)))
            });
        }
        Algorithm::Sha512 => {
            let keyed = hmac::Hmac::<sha2::Sha512>::new_from_slice(&key).expect("any key length");
            g.bench_function("baseline_rustcrypto_cached", |b| {
                b.iter(|| cached_code(&keyed, black_box(T)))
            });
        }
    }

    let totp = totp_rs_account(alg, &key);
    g.bench_function("totp_rs", |b| b.iter(|| totp.generate(black_box(T))));
    g.bench_function("totp_rs_string", |b| {
        b.iter(|| totp.generate(black_box(T)).to_string())
    });

    let ring_alg = match alg {
        Algorithm::Sha1 => ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
        Algorithm::Sha256 => ring::hmac::HMAC_SHA256,
        Algorithm::Sha512 => ring::hmac::HMAC_SHA512,
    };
    let ring_key = ring::hmac::Key::new(ring_alg, &key);
    g.bench_function("ring_cached", |b| {
        b.iter(|| {
            let t = black_box(T) / 30;
            truncate6(ring::hmac::sign(&ring_key, &t.to_be_bytes()).as_ref())
        })
    });
    g.bench_function("ring_scratch", |b| {
        b.iter(|| {
            let k = ring::hmac::Key::new(ring_alg, black_box(&key));
            let t = black_box(T) / 30;
            truncate6(ring::hmac::sign(&k, &t.to_be_bytes()).as_ref())
        })
    });
    g.finish();
}

fn totp(c: &mut Criterion) {
    for alg in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
        bench_alg(c, alg);
    }
}

criterion_group!(benches, totp);
criterion_main!(benches);
