//! Cost of reading and writing `otpauth://` URIs (criterion).
//!
//! `cargo bench -p duet-core --bench uri`; numbers in docs/performance.md.

use criterion::{Criterion, criterion_group, criterion_main};
use duet_core::uri::{parse, write};
use std::hint::black_box;

/// Google's Key URI Format example: the common case.
const SIMPLE: &str = "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";
/// A messy real-world shape: lower-case spaced secret, `%3A`, UTF-8, image, SHA-256.
const MESSY: &str = "otpauth://totp/B%C3%BCcher.de%3A%20j%C3%BCrgen%40example.com?secret=gezd%20gnbv%20gy3t%20qojq%20gezd%20gnbv%20gy3t%20qojq&issuer=B%C3%BCcher.de&algorithm=SHA256&digits=8&period=60&image=https%3A%2F%2Fexample.com%2Flogo.png";

fn bench(c: &mut Criterion) {
    c.bench_function("uri_parse_simple", |b| b.iter(|| parse(black_box(SIMPLE)).unwrap()));
    c.bench_function("uri_parse_messy", |b| b.iter(|| parse(black_box(MESSY)).unwrap()));
    let account = parse(MESSY).unwrap().account;
    c.bench_function("uri_write", |b| b.iter(|| write(black_box(&account))));
}

criterion_group!(benches, bench);
criterion_main!(benches);
