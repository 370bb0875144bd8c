//! The inputs and the baseline of the OTP comparisons, shared by the criterion benchmark
//! (`core/benches/otp.rs`) and the instruction counter (`core/examples/otp_work.rs`)
//! through `#[path]` includes, so both measure the same thing.
#![allow(dead_code)]

use duet_core::otp::{Algorithm, OtpKind, OtpParams};
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

/// The account every comparison computes codes for: TOTP, 6 digits, 30 s, T0 = 0.
pub fn params(alg: Algorithm) -> OtpParams {
    OtpParams {
        kind: OtpKind::Totp { period: 30, t0: 0 },
        algorithm: alg,
        digits: 6,
    }
}

/// The same account in totp-rs, the from-scratch comparator.
pub fn totp_rs_account(alg: Algorithm, key: &[u8]) -> totp_rs::Totp {
    let totp_alg = match alg {
        Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
        Algorithm::Sha256 => totp_rs::Algorithm::SHA256,
        Algorithm::Sha512 => totp_rs::Algorithm::SHA512,
    };
    totp_rs::Builder::new()
        .with_algorithm(totp_alg)
        .with_digits(6)
        .with_step_duration(30)
        .with_secret(key.to_vec())
        .build()
        .expect("totp-rs accepts the RFC seeds")
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
