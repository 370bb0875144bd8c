//! The engine's own HMAC (`otp::hmac`, specialised for the 8-byte counter) against RustCrypto's
//! `hmac` crate, an independent implementation: keys from empty to well past a block (hashed
//! first), messages across every tail length (one or two padding blocks), and counters.

use duet_core::otp::Algorithm;
use duet_core::otp::hmac::{KeyedHmac, dynamic_truncation};
use hmac::{KeyInit, Mac};
use proptest::prelude::*;

fn reference(alg: Algorithm, key: &[u8], message: &[u8]) -> Vec<u8> {
    fn run<M: Mac + KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
        let mut mac = <M as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    }
    match alg {
        Algorithm::Sha1 => run::<hmac::Hmac<sha1::Sha1>>(key, message),
        Algorithm::Sha256 => run::<hmac::Hmac<sha2::Sha256>>(key, message),
        Algorithm::Sha512 => run::<hmac::Hmac<sha2::Sha512>>(key, message),
    }
}

const ALGORITHMS: [Algorithm; 3] = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];

/// Every message length around the block and padding boundaries, with keys of every length
/// around the block size (64 or 128 bytes) where the key starts being hashed.
#[test]
fn every_boundary_length_matches_the_hmac_crate() {
    for alg in ALGORITHMS {
        for key_len in [0, 1, 20, 32, 63, 64, 65, 127, 128, 129, 200] {
            let key: Vec<u8> = (0..key_len).map(|i| (i * 7 + 3) as u8).collect();
            let mac = KeyedHmac::new(alg, &key);
            for msg_len in 0..=300usize {
                let msg: Vec<u8> = (0..msg_len).map(|i| (i * 13 + 1) as u8).collect();
                assert_eq!(
                    mac.tag(&msg).as_bytes(),
                    reference(alg, &key, &msg).as_slice(),
                    "{alg:?} key {key_len} bytes, message {msg_len} bytes"
                );
            }
        }
    }
}

proptest! {
    #[test]
    fn tags_match_the_hmac_crate(
        alg in proptest::sample::select(ALGORITHMS.to_vec()),
        key in proptest::collection::vec(any::<u8>(), 0..300),
        msg in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let tag = KeyedHmac::new(alg, &key).tag(&msg);
        let expected = reference(alg, &key, &msg);
        prop_assert_eq!(tag.as_bytes(), expected.as_slice());
    }

    /// The counter path (constant padding, truncation from the state words) equals RFC 4226
    /// truncation of the reference tag of the counter's 8 big-endian bytes.
    #[test]
    fn hotp_values_match_the_hmac_crate(
        alg in proptest::sample::select(ALGORITHMS.to_vec()),
        key in proptest::collection::vec(any::<u8>(), 0..300),
        counter in any::<u64>(),
    ) {
        let expected = dynamic_truncation(&reference(alg, &key, &counter.to_be_bytes()));
        prop_assert_eq!(KeyedHmac::new(alg, &key).hotp_value(counter), expected);
        prop_assert_eq!(duet_core::otp::hmac::hotp_value_once(alg, &key, counter), expected);
    }
}
