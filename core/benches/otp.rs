//! OTP benchmark: one TOTP code (SHA-1, 6 digits, 30 s) of a loaded account against the raw
//! `hmac` + `sha1` computation it is made of, in the same run.
//!
//! Group `totp_sha1` (`scripts/bench_ratios.py` divides by the `baseline_*` function):
//! - `duet_loaded`: `Generator::current` on an account already loaded (keyed state cached);
//! - `baseline_rustcrypto_cached`: `Hmac<Sha1>` keyed once and cloned per code, plus the time
//!   step and RFC 4226 truncation to six digits: the lower limit of any code built on these
//!   crates. The difference is what duet adds: parameter dispatch and formatting the code.
//!
//! `cargo test --all-targets` runs each once in test mode; `cargo bench -p duet-core --bench otp`
//! measures.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use duet_core::otp::{Generator, OtpParams};
use duet_core::secret::Secret;
use hmac::{Hmac, KeyInit, Mac};

const T: u64 = 1_111_111_109;
/// RFC 6238 Appendix B's SHA-1 seed.
const SEED: &[u8] = b"12345678901234567890";

fn baseline(keyed: &Hmac<sha1::Sha1>, t: u64) -> u32 {
    let mut mac = keyed.clone();
    mac.update(&(t / 30).to_be_bytes());
    let tag = mac.finalize().into_bytes();
    let o = usize::from(tag[19] & 0x0f);
    (u32::from_be_bytes([tag[o], tag[o + 1], tag[o + 2], tag[o + 3]]) & 0x7fff_ffff) % 1_000_000
}

fn totp(c: &mut Criterion) {
    let generator = Generator::new(&Secret::new(SEED.to_vec()), &OtpParams::totp_default())
        .expect("valid params");
    let keyed = Hmac::<sha1::Sha1>::new_from_slice(SEED).expect("any key length");
    // RFC 6238 Appendix B: 07081804 (SHA-1) at T = 1111111109, so six digits are 081804.
    assert_eq!(generator.current(T).expect("after T0"), "081804");
    assert_eq!(baseline(&keyed, T), 81_804);

    let mut g = c.benchmark_group("totp_sha1");
    g.bench_function("duet_loaded", |b| {
        b.iter(|| generator.current(black_box(T)).expect("after T0"))
    });
    g.bench_function("baseline_rustcrypto_cached", |b| {
        b.iter(|| baseline(&keyed, black_box(T)))
    });
    g.finish();
}

criterion_group!(benches, totp);
criterion_main!(benches);
