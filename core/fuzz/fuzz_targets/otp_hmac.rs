//! Differential: the engine's own HMAC (`otp::hmac`, padding written by duet around RustCrypto's
//! compression functions) against the `hmac` crate, for any key and message, and its counter
//! path against RFC 4226 truncation of the reference tag.
//! Input: byte 0 picks the hash, byte 1 the key length; the key follows, then the message.
#![no_main]

use duet_core::otp::Algorithm;
use duet_core::otp::hmac::{KeyedHmac, dynamic_truncation, hotp_value_once};
use hmac::{KeyInit, Mac};
use libfuzzer_sys::fuzz_target;

fn reference<M: Mac + KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = <M as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fuzz_target!(|data: &[u8]| {
    let [selector, key_len, rest @ ..] = data else {
        return;
    };
    let (key, message) = rest.split_at(usize::from(*key_len).min(rest.len()));
    let (alg, expected) = match selector % 3 {
        0 => (
            Algorithm::Sha1,
            reference::<hmac::Hmac<sha1::Sha1>>(key, message),
        ),
        1 => (
            Algorithm::Sha256,
            reference::<hmac::Hmac<sha2::Sha256>>(key, message),
        ),
        _ => (
            Algorithm::Sha512,
            reference::<hmac::Hmac<sha2::Sha512>>(key, message),
        ),
    };
    let mac = KeyedHmac::new(alg, key);
    assert_eq!(mac.tag(message).as_bytes(), expected.as_slice());
    if let Ok(counter) = <[u8; 8]>::try_from(message) {
        let value = dynamic_truncation(&expected);
        assert_eq!(mac.hotp_value(u64::from_be_bytes(counter)), value);
        assert_eq!(
            hotp_value_once(alg, key, u64::from_be_bytes(counter)),
            value
        );
    }
});
