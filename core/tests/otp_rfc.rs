//! RFC 4226 Appendix D and RFC 6238 Appendix B test vectors, through the public API.

use duet_core::otp::{self, Algorithm, Generator, OtpKind, OtpParams};
use duet_core::secret::Secret;

const RFC4226_SECRET: &[u8] = b"12345678901234567890";

fn hotp(digits: u8, counter: u64) -> OtpParams {
    OtpParams {
        kind: OtpKind::Hotp { counter },
        algorithm: Algorithm::Sha1,
        digits,
    }
}

/// RFC 4226 Appendix D: HOTP values for counters 0..=9 (6 digits) and the
/// 31-bit truncated values (shown whole with 10 digits).
#[test]
fn rfc4226_appendix_d() {
    let six = [
        "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
        "520489",
    ];
    let truncated: [u32; 10] = [
        1284755224, 1094287082, 137359152, 1726969429, 1640338314, 868254676, 1918287922, 82162583,
        673399871, 645520489,
    ];
    let secret = Secret::new(RFC4226_SECRET.to_vec());
    let gen6 = Generator::new(&secret, &hotp(6, 0)).unwrap();
    let gen10 = Generator::new(&secret, &hotp(10, 0)).unwrap();
    for counter in 0..10u64 {
        let i = counter as usize;
        assert_eq!(gen6.code_for_counter(counter), six[i], "counter {counter}");
        assert_eq!(
            gen10.code_for_counter(counter),
            format!("{:010}", truncated[i])
        );
        // The one-shot API and `code_at` use the stored HOTP counter, whatever the time.
        assert_eq!(
            otp::code(&secret, &hotp(6, counter), 1_700_000_000).unwrap(),
            six[i]
        );
        let stored = Generator::new(&secret, &hotp(6, counter)).unwrap();
        assert_eq!(stored.code_at(0).unwrap(), six[i]);
        if counter < 9 {
            assert_eq!(stored.next_code(0).unwrap(), six[i + 1]);
        }
    }
}

/// RFC 6238 Appendix B: all 18 vectors, 8 digits, 30 s, T0 = 0, with the
/// seed lengths of the reference implementation (20, 32 and 64 bytes).
#[test]
fn rfc6238_appendix_b() {
    let seeds: [(Algorithm, &[u8]); 3] = [
        (Algorithm::Sha1, b"12345678901234567890"),
        (Algorithm::Sha256, b"12345678901234567890123456789012"),
        (
            Algorithm::Sha512,
            b"1234567890123456789012345678901234567890123456789012345678901234",
        ),
    ];
    let table: [(u64, [&str; 3]); 6] = [
        (59, ["94287082", "46119246", "90693936"]),
        (1111111109, ["07081804", "68084774", "25091201"]),
        (1111111111, ["14050471", "67062674", "99943326"]),
        (1234567890, ["89005924", "91819424", "93441116"]),
        (2000000000, ["69279037", "90698825", "38618901"]),
        (20000000000, ["65353130", "77737706", "47863826"]),
    ];
    let mut checked = 0;
    for (col, (alg, seed)) in seeds.iter().enumerate() {
        let params = OtpParams {
            kind: OtpKind::Totp { period: 30, t0: 0 },
            algorithm: *alg,
            digits: 8,
        };
        let secret = Secret::new(seed.to_vec());
        let generator = Generator::new(&secret, &params).unwrap();
        for (time, expected) in &table {
            assert_eq!(
                generator.code_at(*time).unwrap(),
                expected[col],
                "{alg:?} at {time}"
            );
            assert_eq!(otp::code(&secret, &params, *time).unwrap(), expected[col]);
            checked += 1;
        }
    }
    assert_eq!(checked, 18);
}

/// T0 shifts the steps: with T0 = 1000, time 1000 + 59 is step 1 (RFC 6238 §4.2).
#[test]
fn t0_shifts_the_steps() {
    let secret = Secret::new(RFC4226_SECRET.to_vec());
    let params = OtpParams {
        kind: OtpKind::Totp {
            period: 30,
            t0: 1000,
        },
        algorithm: Algorithm::Sha1,
        digits: 8,
    };
    let generator = Generator::new(&secret, &params).unwrap();
    assert_eq!(generator.time_step(1059).unwrap(), 1);
    // Step 1 with SHA-1 and this seed is RFC 6238's first vector (time 59, T0 0).
    assert_eq!(generator.code_at(1059).unwrap(), "94287082");
    assert_eq!(generator.seconds_left(1059).unwrap(), 1);
    assert_eq!(generator.seconds_left(1060).unwrap(), 30);
    assert_eq!(generator.next_code(1029).unwrap(), "94287082");
}
