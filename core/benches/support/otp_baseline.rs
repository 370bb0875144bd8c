//! The inputs and the baseline of the OTP comparisons, shared by the criterion benchmark
//! (`core/benches/otp.rs`) and the instruction counter (`core/examples/otp_work.rs`)
//! through `#[path]` includes, so both measure the same thing.
#![allow(dead_code)]

use duet_core::otp::Algorithm;
use hmac::Mac;

/// RFC 6238 Appendix B seeds: 20, 32 and 64 bytes for SHA-1, SHA-256, SHA-512.
pub fn seed(alg: Algorithm) -> Vec<u8> {
    let len = match alg {
        Algorithm::Sha1 => 20,
        Algorithm::Sha256 => 32,
        Algorithm::Sha512 => 64,
    };
    b"1234567890".iter().cycle().take(len).copied().collect()
}

/// Dynamic truncation + 6-digit reduction, as every baseline must do to produce a code.
pub fn truncate6(tag: &[u8]) -> u32 {
    let o = usize::from(tag[tag.len() - 1] & 0x0f);
    (u32::from_be_bytes([tag[o], tag[o + 1], tag[o + 2], tag[o + 3]]) & 0x7fff_ffff) % 1_000_000
}

/// The baseline: raw `hmac` with the keyed state cached, one 30 s TOTP code as a number.
pub fn cached_code<M: Mac + Clone>(keyed: &M, t: u64) -> u32 {
    let mut mac = keyed.clone();
    mac.update(&(t / 30).to_be_bytes());
    truncate6(&mac.finalize().into_bytes())
}
