//! Property tests of the OTP engine and verifier: invariants over random
//! keys, algorithms, digits, periods, T0 and times, and arbitrary submitted
//! codes (the verifier's outside input) never panicking.

use duet_core::ErrorCode;
use duet_core::otp::verify::{TotpWindow, resync_hotp, verify_hotp, verify_totp};
use duet_core::otp::{Algorithm, Generator, OtpKind, OtpParams};
use duet_core::secret::Secret;
use proptest::prelude::*;

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![
        Just(Algorithm::Sha1),
        Just(Algorithm::Sha256),
        Just(Algorithm::Sha512)
    ]
}

fn key() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 1..150)
}

fn totp_params() -> impl Strategy<Value = OtpParams> {
    (
        algorithm(),
        6u8..=10,
        1u32..=86_400,
        0u64..=4_000_000_000,
        any::<bool>(),
    )
        .prop_map(|(algorithm, digits, period, t0, steam)| {
            if steam {
                OtpParams {
                    kind: OtpKind::Steam { period },
                    algorithm,
                    digits: 5,
                }
            } else {
                OtpParams {
                    kind: OtpKind::Totp { period, t0 },
                    algorithm,
                    digits,
                }
            }
        })
}

proptest! {
    #[test]
    fn codes_have_the_right_shape_and_time_helpers_agree(
        key in key(), params in totp_params(), offset in 0u64..=u64::MAX / 2
    ) {
        let g = Generator::new(&Secret::new(key), &params).unwrap();
        let t0 = params.t0().unwrap();
        let t = t0.saturating_add(offset);
        let code = g.current(t).unwrap();
        prop_assert_eq!(code.len(), usize::from(params.digits));
        match params.kind {
            OtpKind::Steam { .. } => prop_assert!(code.bytes().all(|b| duet_core::otp::STEAM_ALPHABET.contains(&b))),
            _ => prop_assert!(code.bytes().all(|b| b.is_ascii_digit())),
        }
        let step = g.time_step(t).unwrap();
        prop_assert_eq!(&code, &g.at_counter(step));
        prop_assert_eq!(g.code_at(t).unwrap(), String::from(code));
        let left = g.seconds_left(t).unwrap();
        let period = params.period().unwrap();
        prop_assert!((1..=period).contains(&left));
        // The code changes exactly `left` seconds later, to the upcoming one.
        if let Some(later) = t.checked_add(u64::from(left)) {
            prop_assert_eq!(g.time_step(later).unwrap(), step + 1);
            prop_assert_eq!(g.current(later).unwrap(), g.upcoming(t).unwrap());
            prop_assert_eq!(g.time_step(later - 1).unwrap(), step);
        }
        if t0 > 0 {
            prop_assert_eq!(g.current(t0 - 1).unwrap_err().code(), "E_OTP_TIME_BEFORE_T0");
        }
    }

    #[test]
    fn a_fresh_code_is_accepted_once(
        key in key(), params in totp_params(), offset in 0u64..=1_000_000_000_000,
        before in 0u32..=3, after in 0u32..=3, skew in -3i64..=3
    ) {
        let g = Generator::new(&Secret::new(key), &params).unwrap();
        let t = params.t0().unwrap() + offset;
        let now = g.time_step(t).unwrap();
        let Some(device_step) = now.checked_add_signed(skew) else { return Ok(()) };
        let code = g.at_counter(device_step);
        let window = TotpWindow { before, after };
        let in_window = (-(i64::from(before))..=i64::from(after)).contains(&skew);
        match verify_totp(&g, &code, t, window, None) {
            Ok(ok) => {
                // The accepted step's code is the submitted one and lies in the window.
                prop_assert_eq!(g.at_counter(ok.step), code.clone());
                prop_assert!(ok.offset >= -i64::from(before) && ok.offset <= i64::from(after));
                prop_assert_eq!(ok.offset, ok.step as i64 - now as i64);
                match verify_totp(&g, &code, t, window, Some(ok.step)) {
                    Err(again) => prop_assert_eq!(again.code(), "E_OTP_CODE_REPLAYED"),
                    // Only a chance collision with a later step in the window may pass.
                    Ok(later) => {
                        prop_assert!(later.step > ok.step);
                        prop_assert_eq!(g.at_counter(later.step), code.clone());
                    }
                }
            }
            Err(e) => {
                prop_assert!(!in_window, "in-window code refused: {}", e.code());
                prop_assert_eq!(e.code(), "E_OTP_CODE_MISMATCH");
            }
        }
    }

    #[test]
    fn hotp_look_ahead_and_resync_find_the_token(
        key in key(), alg in algorithm(), digits in 6u8..=10,
        next in 0u64..=u64::MAX - 1_000, ahead in 0u32..=20
    ) {
        let params = OtpParams { kind: OtpKind::Hotp { counter: next }, algorithm: alg, digits };
        let g = Generator::new(&Secret::new(key), &params).unwrap();
        let token = next + u64::from(ahead);
        let ok = verify_hotp(&g, &g.at_counter(token), next, 20).unwrap();
        // A chance collision may match an earlier counter, never a later one.
        prop_assert!(ok.counter >= next && ok.counter <= token);
        prop_assert_eq!(g.at_counter(ok.counter), g.at_counter(token));
        prop_assert_eq!(ok.next_counter, ok.counter + 1);
        let ok = resync_hotp(&g, &g.at_counter(token), &g.at_counter(token + 1), next, 20).unwrap();
        prop_assert!(ok.counter > next && ok.counter <= token + 1);
        prop_assert_eq!(g.at_counter(ok.counter), g.at_counter(token + 1));
        prop_assert_eq!(ok.next_counter, ok.counter + 1);
    }

    #[test]
    fn arbitrary_submissions_never_panic(
        key in key(), params in totp_params(), submitted in ".{0,40}", t in any::<u64>(),
        last in proptest::option::of(any::<u64>()), next in any::<u64>()
    ) {
        let g = Generator::new(&Secret::new(key.clone()), &params).unwrap();
        let _ = verify_totp(&g, &submitted, t, TotpWindow { before: 10, after: 10 }, last);
        let hotp = OtpParams { kind: OtpKind::Hotp { counter: next }, algorithm: params.algorithm, digits: 6 };
        let h = Generator::new(&Secret::new(key), &hotp).unwrap();
        let _ = verify_hotp(&h, &submitted, next, 100);
        let _ = resync_hotp(&h, &submitted, &submitted, next, 50);
        let _ = h.next_code(t);
    }

    #[test]
    fn any_params_give_a_generator_or_a_typed_error(
        digits in any::<u8>(), period in any::<u32>(), kind in 0u8..3, empty in any::<bool>()
    ) {
        let kind = match kind {
            0 => OtpKind::Hotp { counter: 0 },
            1 => OtpKind::Totp { period, t0: 0 },
            _ => OtpKind::Steam { period },
        };
        let params = OtpParams { kind, algorithm: Algorithm::Sha1, digits };
        let secret = Secret::new(if empty { Vec::new() } else { vec![1, 2, 3] });
        match Generator::new(&secret, &params) {
            Ok(g) => {
                prop_assert!(!empty);
                prop_assert_eq!(g.current(0).unwrap().len(), usize::from(digits));
                prop_assert_eq!(duet_core::otp::code(&secret, &params, 0).unwrap(), g.code_at(0).unwrap());
            }
            Err(e) => {
                prop_assert!(e.code().starts_with("E_OTP_"));
                // The one-shot helpers refuse the same way, before any arithmetic.
                prop_assert_eq!(duet_core::otp::code(&secret, &params, 0).unwrap_err(), e.clone());
                prop_assert_eq!(duet_core::otp::code_for_counter(&secret, &params, 0).unwrap_err(), e);
            }
        }
    }
}
