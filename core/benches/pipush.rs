//! privacyIDEA push: RSA-4096 signing (ring, per poll and per answer), server signature
//! verification, and verifying a poll answer with three signed requests.

use base64::Engine as _;
use criterion::{Criterion, criterion_group, criterion_main};
use duet_core::pipush::{protocol, DeviceKey, PiPushAccount, RsaSoftwareSigner, ServerKey};
use duet_core::push::DeviceSigner;
use duet_core::secret::Secret;
use duet_core::transport::HttpResponse;
use std::hint::black_box;
use std::sync::Arc;

fn fixture() -> serde_json::Value {
    serde_json::from_str(include_str!("../tests/data/pipush_fixture.json")).unwrap()
}

fn bench(c: &mut Criterion) {
    let f = fixture();
    let pkcs8 = base64::engine::general_purpose::STANDARD.decode(f["device_pkcs8_b64"].as_str().unwrap()).unwrap();
    let key = DeviceKey::from_pkcs8(Secret::new(pkcs8.clone())).unwrap();
    let signer = RsaSoftwareSigner::new(key, Arc::new(ring::rand::SystemRandom::new())).unwrap();
    let server = ServerKey::from_privacyidea(f["server_public_key"].as_str().unwrap()).unwrap();
    let account = PiPushAccount {
        label: "bench".into(),
        issuer: "bench".into(),
        serial: f["serial"].as_str().unwrap().into(),
        url: f["url"].as_str().unwrap().into(),
        sslverify: true,
        poll_only: true,
        require_unlock: false,
        server_public_key: server.pkcs1_der().to_vec(),
        device_key: Secret::new(pkcs8),
        answered: vec![],
    };
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
