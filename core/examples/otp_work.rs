//! Computes N TOTP codes with one of the functions the OTP benchmark compares, for
//! instruction counting under valgrind (`scripts/otp_instructions.py`): unlike wall time,
//! the count does not move with the load other processes put on the machine.
//!
//! Usage: `otp_work FUNCTION sha1|sha256|sha512 N`, FUNCTION one of `duet_loaded`,
//! `duet_scratch`, `duet_scratch_string`, `baseline_rustcrypto_cached`, `totp_rs`,
//! `totp_rs_string` (the same meaning as in `core/benches/otp.rs`).

use std::hint::black_box;
use std::process::ExitCode;

use duet_core::otp::{self, Algorithm, Generator};
use duet_core::secret::Secret;
use hmac::KeyInit;

#[path = "../benches/support/otp_baseline.rs"]
mod otp_baseline;
use otp_baseline::{cached_code, params, seed, totp_rs_account};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [function, alg, n] = args.as_slice() else {
        eprintln!("usage: otp_work FUNCTION sha1|sha256|sha512 N");
        return ExitCode::FAILURE;
    };
    let alg = match alg.as_str() {
        "sha1" => Algorithm::Sha1,
        "sha256" => Algorithm::Sha256,
        "sha512" => Algorithm::Sha512,
        other => {
            eprintln!("unknown algorithm {other}");
            return ExitCode::FAILURE;
        }
    };
    let Ok(n) = n.parse::<u64>() else {
        eprintln!("N must be a number");
        return ExitCode::FAILURE;
    };
    let key = seed(alg);
    let secret = Secret::new(key.clone());
    let params = params(alg);
    let generator = Generator::new(&secret, &params).expect("valid parameters");
    let totp = totp_rs_account(alg, &key);
    let sha1 = hmac::Hmac::<sha1::Sha1>::new_from_slice(&key).expect("any key length");
    let sha256 = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).expect("any key length");
    let sha512 = hmac::Hmac::<sha2::Sha512>::new_from_slice(&key).expect("any key length");

    for i in 0..n {
        let t = black_box(1_111_111_109 + 30 * i);
        match function.as_str() {
            "duet_loaded" => drop(black_box(generator.current(t))),
            "duet_scratch" => drop(black_box(otp::current(black_box(&secret), &params, t))),
            "duet_scratch_string" => drop(black_box(otp::code(black_box(&secret), &params, t))),
            "totp_rs" => drop(black_box(totp.generate(t))),
            "totp_rs_string" => drop(black_box(totp.generate(t).to_string())),
            "baseline_rustcrypto_cached" => drop(black_box(match alg {
                Algorithm::Sha1 => cached_code(&sha1, t),
                Algorithm::Sha256 => cached_code(&sha256, t),
                Algorithm::Sha512 => cached_code(&sha512, t),
            })),
            other => {
                eprintln!("unknown function {other}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
