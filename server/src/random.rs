//! Randomness from the operating system's CSPRNG (ring): tokens, key bytes, digits.

use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

/// `n` bytes from the operating system's CSPRNG.
pub fn random_bytes(n: usize) -> Zeroizing<Vec<u8>> {
    let mut v = Zeroizing::new(vec![0u8; n]);
    // Without an OS random source no key, token or code can be made safely: stop.
    SystemRandom::new().fill(&mut v).expect("the OS random generator failed");
    v
}

/// A random token as lowercase hex (`n` bytes of entropy).
pub fn random_token(n: usize) -> String {
    hex::encode(&*random_bytes(n))
}

/// A uniformly random integer in `0..bound` (rejection sampling, no modulo bias).
pub fn random_below(bound: u32) -> u32 {
    assert!(bound > 0);
    let zone = u32::MAX - (u32::MAX % bound);
    loop {
        let b = random_bytes(4);
        let v = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        if v < zone {
            return v % bound;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_below_in_range() {
        for _ in 0..200 {
            assert!(random_below(10) < 10);
        }
    }
}
