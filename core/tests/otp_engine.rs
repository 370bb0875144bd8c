//! Engine behaviour: Steam vectors from an independent implementation,
//! parameter validation with stable codes, time helpers, redaction.

use duet_core::ErrorCode;
use duet_core::otp::{self, Algorithm, Generator, OtpError, OtpKind, OtpParams};
use duet_core::secret::Secret;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Produced by the npm package `steam-totp` 2.1.2 (`generateAuthCode`, with
/// `time` overridden to return the given Unix time). The oracle stage
/// `tests/stages/20-otp-oracles.sh` checks thousands more against it.
#[test]
fn steam_guard_vectors_from_steam_totp() {
    let vectors = [
        ("3132333435363738393031323334353637383930", 59, "PV9M4"),
        (
            "3132333435363738393031323334353637383930",
            1111111109,
            "PY4YB",
        ),
        (
            "3132333435363738393031323334353637383930",
            1234567890,
            "VHHQY",
        ),
        (
            "3132333435363738393031323334353637383930",
            2000000000,
            "9N776",
        ),
        ("00", 0, "RYH4D"),
        (
            "ffffffffffffffffffffffffffffffffffffffff",
            1700000000,
            "MCX6Y",
        ),
        (
            "0102030405060708090a0b0c0d0e0f1011121314",
            1763856000,
            "63P64",
        ),
        ("deadbeefcafebabe0011223344556677", 4294967295, "WFY4C"),
        ("48656c6c6f21deadbeef", 1600000029, "6K7YN"),
        ("48656c6c6f21deadbeef", 1600000050, "8RCYN"),
    ];
    for (key, time, expected) in vectors {
        let secret = Secret::new(unhex(key));
        assert_eq!(
            otp::code(&secret, &OtpParams::steam(), time).unwrap(),
            expected,
            "{key} at {time}"
        );
    }
}

fn secret() -> Secret {
    Secret::new(b"12345678901234567890".to_vec())
}

fn err(params: OtpParams) -> OtpError {
    Generator::new(&secret(), &params).unwrap_err()
}

#[test]
fn digits_outside_6_to_10_are_refused() {
    for digits in [0, 1, 5, 11, 255] {
        let mut p = OtpParams::totp_default();
        p.digits = digits;
        let e = err(p);
        assert_eq!(e.code(), "E_OTP_DIGITS_RANGE", "{digits}");
        assert_eq!(e, OtpError::DigitsRange { digits });
        let mut h = p;
        h.kind = OtpKind::Hotp { counter: 3 };
        assert_eq!(err(h).code(), "E_OTP_DIGITS_RANGE");
    }
    for digits in 6..=10 {
        let mut p = OtpParams::totp_default();
        p.digits = digits;
        let code = Generator::new(&secret(), &p).unwrap().code_at(59).unwrap();
        assert_eq!(code.len(), usize::from(digits));
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
    }
}

#[test]
fn steam_must_have_five_characters() {
    for digits in [4, 6, 8] {
        let mut p = OtpParams::steam();
        p.digits = digits;
        assert_eq!(err(p).code(), "E_OTP_STEAM_DIGITS");
    }
}

#[test]
fn period_outside_1_to_86400_is_refused() {
    for period in [0, 86_401, u32::MAX] {
        let mut p = OtpParams::totp_default();
        p.kind = OtpKind::Totp { period, t0: 0 };
        assert_eq!(err(p), OtpError::PeriodRange { period });
        assert_eq!(err(p).code(), "E_OTP_PERIOD_RANGE");
        p.kind = OtpKind::Steam { period };
        p.digits = 5;
        assert_eq!(err(p).code(), "E_OTP_PERIOD_RANGE");
    }
    for period in [1, 86_400] {
        let mut p = OtpParams::totp_default();
        p.kind = OtpKind::Totp { period, t0: 0 };
        let g = Generator::new(&secret(), &p).unwrap();
        assert_eq!(g.seconds_left(0).unwrap(), period);
    }
}

#[test]
fn empty_secret_is_refused() {
    let e = Generator::new(&Secret::new(Vec::new()), &OtpParams::totp_default()).unwrap_err();
    assert_eq!(e.code(), "E_OTP_SECRET_EMPTY");
    assert_eq!(
        otp::code(&Secret::new(Vec::new()), &OtpParams::steam(), 0).unwrap_err(),
        e
    );
}

#[test]
fn time_helpers() {
    let p = OtpParams {
        kind: OtpKind::Totp {
            period: 30,
            t0: 100,
        },
        algorithm: Algorithm::Sha1,
        digits: 6,
    };
    let g = Generator::new(&secret(), &p).unwrap();
    assert_eq!(g.code_at(99).unwrap_err().code(), "E_OTP_TIME_BEFORE_T0");
    assert_eq!(
        g.seconds_left(99).unwrap_err().code(),
        "E_OTP_TIME_BEFORE_T0"
    );
    assert_eq!(g.next_code(0).unwrap_err().code(), "E_OTP_TIME_BEFORE_T0");
    assert_eq!(g.seconds_left(100).unwrap(), 30);
    assert_eq!(g.seconds_left(129).unwrap(), 1);
    assert_eq!(g.time_step(129).unwrap(), 0);
    assert_eq!(g.time_step(130).unwrap(), 1);
    // The next code at any time of step n is the code of step n + 1.
    assert_eq!(g.next_code(100).unwrap(), g.code_at(130).unwrap());
    assert_eq!(g.next_code(129).unwrap(), g.code_for_counter(1));
    // Period of a day, latest representable time.
    let day = OtpParams {
        kind: OtpKind::Totp {
            period: 86_400,
            t0: 0,
        },
        ..p
    };
    let g = Generator::new(&secret(), &day).unwrap();
    assert_eq!(
        g.seconds_left(u64::MAX).unwrap(),
        86_400 - (u64::MAX % 86_400) as u32
    );
    assert!(g.next_code(u64::MAX).is_ok());
    // Period of one second at the end of time: the next step does not exist.
    let one = OtpParams {
        kind: OtpKind::Totp { period: 1, t0: 0 },
        ..p
    };
    let g = Generator::new(&secret(), &one).unwrap();
    assert_eq!(
        g.next_code(u64::MAX).unwrap_err().code(),
        "E_OTP_COUNTER_OVERFLOW"
    );
    assert!(g.code_at(u64::MAX).is_ok());
}

#[test]
fn hotp_has_no_time() {
    let p = OtpParams {
        kind: OtpKind::Hotp { counter: u64::MAX },
        algorithm: Algorithm::Sha1,
        digits: 6,
    };
    let g = Generator::new(&secret(), &p).unwrap();
    assert_eq!(
        g.seconds_left(0).unwrap_err().code(),
        "E_OTP_NOT_TIME_BASED"
    );
    assert_eq!(g.time_step(0).unwrap_err().code(), "E_OTP_NOT_TIME_BASED");
    assert!(g.code_at(0).is_ok());
    assert_eq!(g.next_code(0).unwrap_err().code(), "E_OTP_COUNTER_OVERFLOW");
}

#[test]
fn debug_and_errors_never_show_key_or_code() {
    let s = secret();
    let g = Generator::new(&s, &OtpParams::totp_default()).unwrap();
    let shown = format!("{g:?}");
    assert!(shown.contains("redacted"), "{shown}");
    assert!(!shown.contains("1234"), "{shown}");
    let code = g.code_at(59).unwrap();
    assert!(!shown.contains(&code));
}

#[test]
fn every_error_has_a_code_and_a_sentence() {
    let all = [
        OtpError::SecretEmpty,
        OtpError::DigitsRange { digits: 4 },
        OtpError::SteamDigits { digits: 6 },
        OtpError::PeriodRange { period: 0 },
        OtpError::TimeBeforeT0,
        OtpError::NotTimeBased,
        OtpError::CounterOverflow,
        OtpError::WindowRange { steps: 11, max: 10 },
        OtpError::CodeFormat { expected: 6 },
        OtpError::CodeMismatch,
        OtpError::CodeReplayed,
        OtpError::ResyncFailed,
    ];
    let mut codes: Vec<&str> = all.iter().map(|e| e.code()).collect();
    for e in &all {
        assert!(e.code().starts_with("E_OTP_"));
        let msg = e.to_string();
        assert!(msg.ends_with('.') && msg.len() > 20, "{msg}");
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), all.len(), "codes are distinct");
}

#[test]
fn inline_codes_match_string_codes() {
    let p = OtpParams {
        kind: OtpKind::Totp { period: 30, t0: 0 },
        algorithm: Algorithm::Sha1,
        digits: 8,
    };
    let g = Generator::new(&secret(), &p).unwrap();
    // RFC 6238 Appendix B, SHA-1, time 59 and the following step.
    let now = g.current(59).unwrap();
    assert_eq!(now, "94287082");
    assert_eq!(now.as_str(), "94287082");
    assert_eq!(now.to_string(), "94287082");
    assert_eq!(String::from(now.clone()), g.code_at(59).unwrap());
    assert_eq!(&*now, "94287082");
    assert_eq!(g.upcoming(59).unwrap(), g.at_counter(2));
    assert_eq!(g.next_code(59).unwrap(), g.code_for_counter(2));
    assert!(!format!("{now:?}").contains("9428"));
}

#[test]
fn one_shot_helpers_agree_with_the_generator() {
    // RFC 6238 Appendix B, SHA-1, 8 digits, time 1111111109.
    let p = OtpParams {
        kind: OtpKind::Totp { period: 30, t0: 0 },
        algorithm: Algorithm::Sha1,
        digits: 8,
    };
    assert_eq!(otp::current(&secret(), &p, 1111111109).unwrap(), "07081804");
    assert_eq!(otp::code(&secret(), &p, 1111111109).unwrap(), "07081804");
    assert_eq!(
        otp::code_for_counter(&secret(), &p, 37037036).unwrap(),
        "07081804"
    );
    assert_eq!(
        otp::current(&secret(), &p, 0).unwrap(),
        Generator::new(&secret(), &p).unwrap().current(0).unwrap()
    );
}
