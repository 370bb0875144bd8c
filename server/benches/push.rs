//! Push benchmarks: the phone's hot path (verify a signed request, sign an approval) against
//! raw ring P-256 verify + sign of the same bytes in the same run.
//!
//! Groups (ids are parsed by `scripts/bench_ratios.py`):
//! - `push_verify_sign`:
//!   - `baseline_ring_raw`: ring `UnparsedPublicKey::verify` over the request payload + `EcdsaKeyPair::sign`
//!     over an answer payload: the lower limit (target: duet at most 1.15x this);
//!   - `duet_memory_store`: `push::verify_request` + `push::build_answer` with an in-memory
//!     replay store (envelope and JSON parsing, audience/time/replay checks, answer JSON,
//!     request hash, signature normalisation).
//! - `push_sqlite_store`:
//!   - `duet_vault_store`: the same with the vault's SQLite replay store (a real file; each
//!     answer is one insert), measured separately from the in-memory store.
//!
//! `cargo test --all-targets` runs each once in test mode; `cargo bench -p duet-core --bench push`
//! measures.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use duet_core::push::*;
use duet_server::verifier::{DeviceRecord, MatchMode, ServerKey, SignInContext, Verifier};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair};

const NOW: i64 = 1_790_000_000;

struct Setup {
    verifier: Verifier,
    device: DeviceRecord,
    account: PushAccount,
    signer: SoftwareP256Signer,
    rng: SystemRandom,
}

fn setup() -> Setup {
    let rng = SystemRandom::new();
    let verifier = Verifier::new(ServerKey::generate(Arc::new(SystemRandom::new())).unwrap(), "https://mfa.example.com", "Example Corp").unwrap();
    let signer = SoftwareP256Signer::generate(Arc::new(SystemRandom::new())).unwrap();
    let agreement = AgreementKey::generate(&rng).unwrap();
    let mut e = verifier.create_enrollment("alice", 600, false, NOW, &rng).unwrap();
    let link = verifier.enrollment_link(&e);
    let info = DeviceInfo { name: "bench".into(), platform: "cli".into(), keystore: "software".into() };
    let body = build_registration(&link, &signer, &agreement, &info, NOW).unwrap();
    let (device, resp) = verifier.register(&mut e, &body, NOW, &rng, None).unwrap();
    let account = finish_registration(&link, &signer, &agreement, &resp, NOW).unwrap().account;
    Setup { verifier, device, account, signer, rng }
}

fn new_request(s: &Setup) -> (Vec<u8>, String) {
    let ctx = SignInContext {
        user: "alice@example.com".into(),
        service: "Example VPN".into(),
        ip: Some("203.0.113.7".into()),
        location: Some("Berlin, DE".into()),
        client: Some("Firefox 133 on Windows".into()),
    };
    let sign_in = s.verifier.create_sign_in(std::slice::from_ref(&s.device), &ctx, MatchMode::Type { digits: 2 }, 120, NOW, &s.rng).unwrap();
    (sign_in.issued[0].body.clone(), sign_in.number.unwrap().to_string())
}

fn duet_once(s: &Setup, body: &[u8], number: &str, store: &dyn ReplayStore) -> Vec<u8> {
    let req = verify_request(&s.account, body, NOW + 1, store).unwrap();
    build_answer(&s.account, &req, &Answer::Approve { number: Some(number.into()) }, &s.signer, NOW + 2, store).unwrap()
}

fn bench_verify_sign(c: &mut Criterion) {
    let s = setup();
    let (body, number) = new_request(&s);
    // Baseline inputs: the same request payload and signature, an answer-sized message.
    let env = wire::Envelope::parse(&body).unwrap();
    let answer = duet_once(&s, &body, &number, &MemoryReplayStore::new());
    let answer_payload = wire::Envelope::parse(&answer).unwrap().payload;
    let server_pk = s.account.server_key.clone();
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let key = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let _ = key.public_key();

    let mut g = c.benchmark_group("push_verify_sign");
    g.bench_function("baseline_ring_raw", |b| {
        b.iter(|| {
            signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &server_pk)
                .verify(black_box(&env.payload), black_box(&env.sig))
                .unwrap();
            black_box(key.sign(&rng, black_box(&answer_payload)).unwrap())
        })
    });
    g.bench_function("duet_memory_store", |b| {
        b.iter_batched(MemoryReplayStore::new, |store| black_box(duet_once(&s, black_box(&body), &number, &store)), BatchSize::SmallInput)
    });
    g.finish();
}

fn bench_sqlite_store(c: &mut Criterion) {
    use duet_core::keys::{Passphrase, ScryptParams};
    use duet_core::app::replay::VaultReplay;
    use duet_core::vault::{Vault, VaultEnv};
    let s = setup();
    let dir = tempfile::tempdir().unwrap();
    let pass = Passphrase::with_params(zeroize::Zeroizing::new("bench passphrase".into()), ScryptParams { log_n: 10, r: 8, p: 1 });
    let mut vault = Vault::create(&dir.path().join("v.sqlite"), &[&pass], VaultEnv::system()).unwrap();
    let store = VaultReplay::new(&mut vault);
    let mut g = c.benchmark_group("push_sqlite_store");
    // Every answer needs a fresh challenge (the store refuses replays); requests are signed in
    // the untimed setup.
    g.bench_function("duet_vault_store", |b| {
        b.iter_batched(|| new_request(&s), |(body, number)| black_box(duet_once(&s, &body, &number, &store)), BatchSize::SmallInput)
    });
    g.finish();
}

criterion_group!(benches, bench_verify_sign, bench_sqlite_store);
criterion_main!(benches);
