//! Batch driver for the OTP oracle stage (`tests/stages/20-otp-oracles.sh`).
//!
//! Reads one JSON case per line on stdin and prints one line per case: the code
//! duet computes, or `ERR <code>` for a typed error. One process serves
//! thousands of cases, so the comparison is not dominated by start-up time.
//!
//! Case fields: `kind` ("hotp" | "totp" | "steam"), `alg` ("SHA1" | "SHA256" |
//! "SHA512"), `digits`, `period`, `t0`, `time` (TOTP/Steam), `counter` (HOTP),
//! `key` (hex).

use std::io::{BufRead, Write};

use duet_core::ErrorCode;
use duet_core::otp::{Algorithm, Generator, OtpKind, OtpParams};
use duet_core::secret::Secret;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    kind: String,
    alg: String,
    digits: u8,
    #[serde(default)]
    period: u32,
    #[serde(default)]
    t0: u64,
    #[serde(default)]
    time: u64,
    #[serde(default)]
    counter: u64,
    key: String,
}

fn unhex(s: &str) -> Result<Vec<u8>, String> {
    if !s.len().is_multiple_of(2) {
        return Err("odd hex".into());
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| e.to_string()))
        .collect()
}

fn run(case: &Case) -> Result<String, String> {
    let algorithm = match case.alg.as_str() {
        "SHA1" => Algorithm::Sha1,
        "SHA256" => Algorithm::Sha256,
        "SHA512" => Algorithm::Sha512,
        other => return Err(format!("BADCASE alg {other}")),
    };
    let kind = match case.kind.as_str() {
        "hotp" => OtpKind::Hotp {
            counter: case.counter,
        },
        "totp" => OtpKind::Totp {
            period: case.period,
            t0: case.t0,
        },
        "steam" => OtpKind::Steam {
            period: case.period,
        },
        other => return Err(format!("BADCASE kind {other}")),
    };
    let secret = Secret::new(unhex(&case.key).map_err(|e| format!("BADCASE key {e}"))?);
    let params = OtpParams {
        kind,
        algorithm,
        digits: case.digits,
    };
    let generator = Generator::new(&secret, &params).map_err(|e| format!("ERR {}", e.code()))?;
    generator
        .code_at(case.time)
        .map_err(|e| format!("ERR {}", e.code()))
}

fn main() {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let line = line.expect("stdin is readable");
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Case>(&line) {
            Ok(case) => run(&case).unwrap_or_else(|e| e),
            Err(e) => format!("BADCASE json {e}"),
        };
        writeln!(out, "{answer}").expect("stdout is writable");
    }
}
