//! The Rust side of the bindings benchmark: one TOTP code through the core directly and through
//! the bindings' Rust API (what the Kotlin and Swift wrappers call, minus the FFI crossing).
//! Kotlin and Swift numbers come from tests/bench/bindings.sh; all are in docs/benchmarks.md.

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

criterion_group!(benches, code);
criterion_main!(benches);
