//! privacyIDEA push: RSA-4096 signing (ring, per poll and per answer), server signature
//! verification, and verifying a poll answer with three signed requests.

use criterion::{Criterion, criterion_group, criterion_main};
use duet_core::pipush::{protocol, RsaSoftwareSigner};
use duet_core::push::DeviceSigner;
use duet_core::transport::HttpResponse;
use std::hint::black_box;
use std::sync::Arc;

#[path = "../tests/support/pipush_fixture.rs"]
mod pipush_fixture;

fn bench(c: &mut Criterion) {
    let f = pipush_fixture::fixture();
    let signer = RsaSoftwareSigner::new(pipush_fixture::device_key(&f), Arc::new(ring::rand::SystemRandom::new())).unwrap();
    let server = pipush_fixture::server_key(&f, "server_public_key");
    let account = pipush_fixture::account(&f, "bench", "server_public_key");
    let resp = HttpResponse { status: 200, body: serde_json::to_vec(&f["poll_response"]).unwrap() };

    let mut g = c.benchmark_group("pipush");
    g.bench_function("rsa4096_sign_ring", |b| b.iter(|| signer.sign(black_box(b"NONCE|PIPU0001")).unwrap()));
    g.bench_function("poll_request_signed", |b| {
        b.iter(|| protocol::poll_request(&account, &signer, black_box(1_795_383_686)).unwrap())
    });
    g.bench_function("parse_poll_3_requests", |b| {
        b.iter(|| protocol::parse_poll_response(black_box(&resp), &account, &server).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
