//! Server-side verifier: TOTP look-around window, replay refusal (RFC 6238
//! §5.2), HOTP look-ahead and resynchronisation (RFC 4226 §7.2, §7.4).
//! Expected codes are RFC 4226 Appendix D / RFC 6238 Appendix B values, not
//! the engine's own output.

use duet_core::ErrorCode;
use duet_core::otp::verify::{
    HotpAccepted, TotpAccepted, TotpWindow, resync_hotp, verify_hotp, verify_totp,
};
use duet_core::otp::{Algorithm, Generator, OtpKind, OtpParams};
use duet_core::secret::Secret;

/// RFC 4226 Appendix D, counters 0..=9.
const HOTP: [&str; 10] = [
    "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
    "520489",
];

fn generator(kind: OtpKind, digits: u8) -> Generator {
    let secret = Secret::new(b"12345678901234567890".to_vec());
    Generator::new(
        &secret,
        &OtpParams {
            kind,
            algorithm: Algorithm::Sha1,
            digits,
        },
    )
    .unwrap()
}

/// TOTP with period 30 and T0 0 makes step n's code HOTP(n): times 30n..30n+29.
fn totp6() -> Generator {
    generator(OtpKind::Totp { period: 30, t0: 0 }, 6)
}

#[test]
fn totp_current_step_is_accepted() {
    let g = totp6();
    let ok = verify_totp(&g, HOTP[3], 95, TotpWindow::default(), None).unwrap();
    assert_eq!(ok, TotpAccepted { step: 3, offset: 0 });
    // Spaces people type are ignored.
    let ok = verify_totp(&g, "969 429", 95, TotpWindow::default(), Some(2)).unwrap();
    assert_eq!(ok.step, 3);
}

#[test]
fn totp_window_before_and_after() {
    let g = totp6();
    let w = TotpWindow {
        before: 1,
        after: 0,
    };
    // At step 3 (t = 90..119): step 2 allowed, step 4 and step 1 not.
    assert_eq!(
        verify_totp(&g, HOTP[2], 100, w, None).unwrap(),
        TotpAccepted {
            step: 2,
            offset: -1
        }
    );
    assert_eq!(
        verify_totp(&g, HOTP[4], 100, w, None).unwrap_err().code(),
        "E_OTP_CODE_MISMATCH"
    );
    assert_eq!(
        verify_totp(&g, HOTP[1], 100, w, None).unwrap_err().code(),
        "E_OTP_CODE_MISMATCH"
    );
    let w = TotpWindow {
        before: 2,
        after: 2,
    };
    assert_eq!(verify_totp(&g, HOTP[5], 100, w, None).unwrap().offset, 2);
    assert_eq!(verify_totp(&g, HOTP[1], 100, w, None).unwrap().offset, -2);
    assert_eq!(
        verify_totp(&g, HOTP[6], 100, w, None).unwrap_err().code(),
        "E_OTP_CODE_MISMATCH"
    );
    // Near time zero the window is clipped, not wrapped.
    assert_eq!(verify_totp(&g, HOTP[0], 5, w, None).unwrap().step, 0);
}

#[test]
fn totp_replay_is_refused() {
    let g = totp6();
    let w = TotpWindow {
        before: 1,
        after: 1,
    };
    let first = verify_totp(&g, HOTP[3], 95, w, None).unwrap();
    // Same code again, same step: refused even though it is inside the window.
    let again = verify_totp(&g, HOTP[3], 100, w, Some(first.step)).unwrap_err();
    assert_eq!(again.code(), "E_OTP_CODE_REPLAYED");
    // An older step's code after a newer one was accepted: refused too.
    assert_eq!(
        verify_totp(&g, HOTP[2], 95, w, Some(3)).unwrap_err().code(),
        "E_OTP_CODE_REPLAYED"
    );
    // The next step is fine.
    assert_eq!(verify_totp(&g, HOTP[4], 125, w, Some(3)).unwrap().step, 4);
}

#[test]
fn totp_bad_input() {
    let g = totp6();
    let w = TotpWindow::default();
    for bad in ["", "12345", "1234567", "12a456", "１２３４５６"] {
        assert_eq!(
            verify_totp(&g, bad, 95, w, None).unwrap_err().code(),
            "E_OTP_CODE_FORMAT",
            "{bad:?}"
        );
    }
    let wide = TotpWindow {
        before: 11,
        after: 0,
    };
    assert_eq!(
        verify_totp(&g, HOTP[3], 95, wide, None).unwrap_err().code(),
        "E_OTP_WINDOW_RANGE"
    );
    let hotp = generator(OtpKind::Hotp { counter: 0 }, 6);
    assert_eq!(
        verify_totp(&hotp, HOTP[0], 0, w, None).unwrap_err().code(),
        "E_OTP_NOT_TIME_BASED"
    );
    let late = generator(
        OtpKind::Totp {
            period: 30,
            t0: 1000,
        },
        6,
    );
    assert_eq!(
        verify_totp(&late, HOTP[0], 999, w, None)
            .unwrap_err()
            .code(),
        "E_OTP_TIME_BEFORE_T0"
    );
}

#[test]
fn steam_codes_verify_case_insensitively() {
    let g = generator(OtpKind::Steam { period: 30 }, 5);
    // RFC 6238 time 59 with this seed, as computed by npm steam-totp: "PV9M4".
    assert_eq!(
        verify_totp(&g, "pv9m4", 59, TotpWindow::default(), None)
            .unwrap()
            .step,
        1
    );
    assert_eq!(
        verify_totp(&g, "PV9M5", 59, TotpWindow::default(), None)
            .unwrap_err()
            .code(),
        "E_OTP_CODE_MISMATCH"
    );
    assert_eq!(
        verify_totp(&g, "PV9M", 59, TotpWindow::default(), None)
            .unwrap_err()
            .code(),
        "E_OTP_CODE_FORMAT"
    );
}

#[test]
fn hotp_look_ahead() {
    let g = generator(OtpKind::Hotp { counter: 0 }, 6);
    assert_eq!(
        verify_hotp(&g, HOTP[0], 0, 0).unwrap(),
        HotpAccepted {
            counter: 0,
            next_counter: 1
        }
    );
    // Token pressed 3 times without logging in: counter 4 found with look-ahead 5.
    assert_eq!(
        verify_hotp(&g, HOTP[4], 1, 5).unwrap(),
        HotpAccepted {
            counter: 4,
            next_counter: 5
        }
    );
    // Outside the look-ahead.
    assert_eq!(
        verify_hotp(&g, HOTP[9], 1, 5).unwrap_err().code(),
        "E_OTP_CODE_MISMATCH"
    );
    // The last accepted code again.
    assert_eq!(
        verify_hotp(&g, HOTP[4], 5, 5).unwrap_err().code(),
        "E_OTP_CODE_REPLAYED"
    );
    // Older codes simply do not match any more.
    assert_eq!(
        verify_hotp(&g, HOTP[2], 5, 3).unwrap_err().code(),
        "E_OTP_CODE_MISMATCH"
    );
    assert_eq!(
        verify_hotp(&g, HOTP[0], 0, 101).unwrap_err().code(),
        "E_OTP_WINDOW_RANGE"
    );
    assert_eq!(
        verify_hotp(&g, "00000", 0, 1).unwrap_err().code(),
        "E_OTP_CODE_FORMAT"
    );
}

#[test]
fn hotp_at_the_end_of_the_counter_space() {
    let g = generator(OtpKind::Hotp { counter: 0 }, 6);
    let last = g.code_for_counter(u64::MAX);
    assert_eq!(
        verify_hotp(&g, &last, u64::MAX, 10).unwrap_err().code(),
        "E_OTP_COUNTER_OVERFLOW"
    );
    let before = g.code_for_counter(u64::MAX - 1);
    assert_eq!(
        verify_hotp(&g, &before, u64::MAX - 1, 10).unwrap(),
        HotpAccepted {
            counter: u64::MAX - 1,
            next_counter: u64::MAX
        }
    );
}

#[test]
fn hotp_resynchronisation() {
    let g = generator(OtpKind::Hotp { counter: 0 }, 6);
    // Token at counters 7 and 8 while the server expects 1.
    assert_eq!(
        resync_hotp(&g, HOTP[7], HOTP[8], 1, 20).unwrap(),
        HotpAccepted {
            counter: 8,
            next_counter: 9
        }
    );
    // Not consecutive.
    assert_eq!(
        resync_hotp(&g, HOTP[7], HOTP[9], 1, 20).unwrap_err().code(),
        "E_OTP_RESYNC_FAILED"
    );
    // Wrong order.
    assert_eq!(
        resync_hotp(&g, HOTP[8], HOTP[7], 1, 20).unwrap_err().code(),
        "E_OTP_RESYNC_FAILED"
    );
    // First code just at the window's end: its successor is still checked.
    assert_eq!(resync_hotp(&g, HOTP[6], HOTP[7], 1, 5).unwrap().counter, 7);
    // First code beyond the window.
    assert_eq!(
        resync_hotp(&g, HOTP[7], HOTP[8], 1, 5).unwrap_err().code(),
        "E_OTP_RESYNC_FAILED"
    );
    // Already-used counters cannot be replayed through resync.
    assert_eq!(
        resync_hotp(&g, HOTP[2], HOTP[3], 4, 20).unwrap_err().code(),
        "E_OTP_RESYNC_FAILED"
    );
    assert_eq!(
        resync_hotp(&g, HOTP[2], HOTP[3], 0, 10_001)
            .unwrap_err()
            .code(),
        "E_OTP_WINDOW_RANGE"
    );
    assert_eq!(
        resync_hotp(&g, HOTP[2], "3", 0, 10).unwrap_err().code(),
        "E_OTP_CODE_FORMAT"
    );
}
