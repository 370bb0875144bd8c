//! The HPKE layer that seals the offline passcode secret, against RFC 9180's test vectors for
//! exactly the suite duet uses (base mode, DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM;
//! fixture: tests/fixtures/hpke-rfc9180-a3-1.json, with its source), and against bad input:
//! every refusal is a typed error with a stable code, never a panic.

use duet_core::ErrorCode;
use duet_core::push::PushError;
use duet_core::push::agreement::{AgreementKey, ENC_LEN, HpkeFailure, KEY_SEED_LEN, check_public_key, seal};
use proptest::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    mode: u8,
    kem_id: u16,
    kdf_id: u16,
    aead_id: u16,
    info: String,
    #[serde(rename = "ikmE")]
    ikm_e: String,
    #[serde(rename = "pkEm")]
    pk_em: String,
    #[serde(rename = "ikmR")]
    ikm_r: String,
    #[serde(rename = "pkRm")]
    pk_rm: String,
    enc: String,
    encryptions: Vec<Encryption>,
}

#[derive(Deserialize)]
struct Encryption {
    sequence_number: u64,
    pt: String,
    aad: String,
    ct: String,
}

fn vector() -> Vector {
    serde_json::from_str(include_str!("fixtures/hpke-rfc9180-a3-1.json")).unwrap()
}

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn seed32(s: &str) -> [u8; KEY_SEED_LEN] {
    h(s).try_into().unwrap()
}

#[test]
fn fixture_is_the_suite_duet_uses() {
    let v = vector();
    assert_eq!((v.mode, v.kem_id, v.kdf_id, v.aead_id), (0, 0x0010, 0x0001, 0x0001));
    assert_eq!(v.encryptions[0].sequence_number, 0);
}

#[test]
fn derive_key_pair_matches_rfc9180() {
    let v = vector();
    assert_eq!(AgreementKey::derive(&h(&v.ikm_r)).public_key(), &h(&v.pk_rm)[..]);
    assert_eq!(AgreementKey::derive(&h(&v.ikm_e)).public_key(), &h(&v.pk_em)[..]);
}

#[test]
fn single_shot_seal_matches_rfc9180() {
    // Single-shot sealing is the context's first encryption (sequence number 0).
    let v = vector();
    let e = &v.encryptions[0];
    let (enc, ct) = seal(&h(&v.pk_rm), &h(&v.info), &h(&e.aad), &h(&e.pt), &seed32(&v.ikm_e)).unwrap();
    assert_eq!(enc, h(&v.enc));
    assert_eq!(ct, h(&e.ct));
}

#[test]
fn single_shot_open_matches_rfc9180() {
    let v = vector();
    let e = &v.encryptions[0];
    let key = AgreementKey::derive(&h(&v.ikm_r));
    let pt = key.open(&h(&v.enc), &h(&e.ct), &h(&v.info), &h(&e.aad)).unwrap();
    assert_eq!(pt.expose(), &h(&e.pt)[..]);
    // A later sequence number's ciphertext is not a single-shot one: it does not open.
    let later = &v.encryptions[1];
    assert_eq!(key.open(&h(&v.enc), &h(&later.ct), &h(&v.info), &h(&later.aad)).unwrap_err(), HpkeFailure::Open);
}

#[test]
fn refusals_of_the_rfc9180_ciphertext_are_typed() {
    let v = vector();
    let e = &v.encryptions[0];
    let (enc, ct, info, aad) = (h(&v.enc), h(&e.ct), h(&v.info), h(&e.aad));
    let key = AgreementKey::derive(&h(&v.ikm_r));
    let other = AgreementKey::derive(&h(&v.ikm_e));
    assert_eq!(other.open(&enc, &ct, &info, &aad).unwrap_err(), HpkeFailure::Open, "wrong key");
    assert_eq!(key.open(&enc, &ct, b"other info", &aad).unwrap_err(), HpkeFailure::Open, "wrong info");
    assert_eq!(key.open(&enc, &ct, &info, b"other aad").unwrap_err(), HpkeFailure::Open, "wrong aad");
    assert_eq!(key.open(&enc, &ct[..ct.len() - 1], &info, &aad).unwrap_err(), HpkeFailure::Open, "truncated");
    assert_eq!(key.open(&enc, &[], &info, &aad).unwrap_err(), HpkeFailure::Open, "empty");
    assert_eq!(key.open(&enc[..33], &ct, &info, &aad).unwrap_err(), HpkeFailure::Key, "compressed enc");
    assert_eq!(key.open(&[4; ENC_LEN], &ct, &info, &aad).unwrap_err(), HpkeFailure::Key, "enc off the curve");
    let other_point = AgreementKey::derive(&[3; KEY_SEED_LEN]).public_key().to_vec();
    assert_eq!(key.open(&other_point, &ct, &info, &aad).unwrap_err(), HpkeFailure::Open, "another enc");
    // The phone reports them with stable codes.
    assert_eq!(PushError::from(HpkeFailure::Open).code(), "E_PUSH_OFFLINE_SECRET");
    assert_eq!(PushError::from(HpkeFailure::Key).code(), "E_PUSH_KEY_INVALID");
}

#[test]
fn recipient_keys_must_be_uncompressed_points() {
    let v = vector();
    let pk = h(&v.pk_rm);
    assert_eq!(check_public_key(&pk), Ok(()));
    for bad in [&pk[..33], &pk[..64], &[][..], &[4; ENC_LEN][..], &[0; ENC_LEN][..]] {
        assert_eq!(check_public_key(bad), Err(HpkeFailure::Key));
        assert_eq!(seal(bad, b"i", b"a", b"p", &[1; KEY_SEED_LEN]).unwrap_err(), HpkeFailure::Key);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn seal_open_round_trips(
        pt in proptest::collection::vec(any::<u8>(), 0..200),
        info in proptest::collection::vec(any::<u8>(), 0..80),
        aad in proptest::collection::vec(any::<u8>(), 0..80),
        ikm_r in any::<[u8; KEY_SEED_LEN]>(),
        ikm_e in any::<[u8; KEY_SEED_LEN]>(),
    ) {
        let key = AgreementKey::derive(&ikm_r);
        let (enc, ct) = seal(key.public_key(), &info, &aad, &pt, &ikm_e).unwrap();
        prop_assert_eq!(enc.len(), ENC_LEN);
        prop_assert_eq!(ct.len(), pt.len() + 16);
        let opened = key.open(&enc, &ct, &info, &aad).unwrap();
        prop_assert_eq!(opened.expose(), &pt[..]);
    }

    #[test]
    fn any_flipped_bit_is_refused(
        pt in proptest::collection::vec(any::<u8>(), 1..64),
        ikm_r in any::<[u8; KEY_SEED_LEN]>(),
        ikm_e in any::<[u8; KEY_SEED_LEN]>(),
        pos in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let key = AgreementKey::derive(&ikm_r);
        let (enc, ct) = seal(key.public_key(), b"info", b"aad", &pt, &ikm_e).unwrap();
        let mut bad_ct = ct.clone();
        let i = pos.index(bad_ct.len());
        bad_ct[i] ^= 1 << bit;
        prop_assert_eq!(key.open(&enc, &bad_ct, b"info", b"aad").unwrap_err(), HpkeFailure::Open);
        let mut bad_enc = enc.clone();
        let i = pos.index(bad_enc.len());
        bad_enc[i] ^= 1 << bit;
        // A flipped bit leaves the curve (Key) or lands on another point (Open): refused either way.
        prop_assert!(key.open(&bad_enc, &ct, b"info", b"aad").is_err());
    }

    #[test]
    fn open_never_panics_on_arbitrary_bytes(
        enc in proptest::collection::vec(any::<u8>(), 0..100),
        ct in proptest::collection::vec(any::<u8>(), 0..100),
    ) {
        let key = AgreementKey::derive(&[9; KEY_SEED_LEN]);
        prop_assert!(key.open(&enc, &ct, b"", b"").is_err());
    }
}
