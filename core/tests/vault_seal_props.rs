//! Properties of the record seal: round trip, and any single-bit change of the blob or
//! any other record id makes opening fail (never a wrong plaintext).

use duet_core::vault::seal::SealKey;
use proptest::prelude::*;
use ring::rand::SystemRandom;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn seal_open_round_trip_and_tamper(
        key in prop::array::uniform32(any::<u8>()),
        plain in prop::collection::vec(any::<u8>(), 0..300),
        aad in "[a-f0-9]{32}",
        other_aad in "[a-f0-9]{32}",
        flip in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let k = SealKey::new(&key).unwrap();
        let blob = k.seal(&SystemRandom::new(), aad.as_bytes(), &plain).unwrap();
        prop_assert_eq!(&k.open(aad.as_bytes(), &blob).unwrap()[..], &plain[..]);
        if other_aad != aad {
            prop_assert!(k.open(other_aad.as_bytes(), &blob).is_err());
        }
        let mut bad = blob.clone();
        let i = flip.index(bad.len());
        bad[i] ^= 1 << bit;
        prop_assert!(k.open(aad.as_bytes(), &bad).is_err());
        prop_assert!(k.open(aad.as_bytes(), &blob[..blob.len() - 1]).is_err());
    }
}
