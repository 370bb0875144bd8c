//! The codes of the OTP engine (`crate::otp`): what each means and what to tell the user.

use super::{CodeDoc, Section};

const OTP: Section = Section {
    heading: "OTP engine (`otp`)",
    level: 2,
    lead: "",
};

/// The codes, in the order `docs/errors.md` lists them.
pub(super) static CODES: &[CodeDoc] = &[
    CodeDoc {
        code: "E_OTP_SECRET_EMPTY",
        section: &OTP,
        when: "the account has an empty secret key",
        tell: "The account's secret key is empty; re-add the account from the site's QR code or setup key.",
    },
    CodeDoc {
        code: "E_OTP_DIGITS_RANGE",
        section: &OTP,
        when: "a HOTP/TOTP account asks for fewer than 6 or more than 10 digits",
        tell: "duet supports codes of 6 to 10 digits; ask the site for a standard setup QR code.",
    },
    CodeDoc {
        code: "E_OTP_STEAM_DIGITS",
        section: &OTP,
        when: "a Steam Guard account asks for a length other than 5",
        tell: "Steam Guard codes have 5 characters; re-add the account from Steam.",
    },
    CodeDoc {
        code: "E_OTP_PERIOD_RANGE",
        section: &OTP,
        when: "the time step is below 1 s or above 86,400 s (one day)",
        tell: "duet supports code periods of 1 to 86400 seconds; ask the site for a standard setup QR code.",
    },
    CodeDoc {
        code: "E_OTP_TIME_BEFORE_T0",
        section: &OTP,
        when: "the time given lies before the account's start time T0",
        tell: "Check the device's date and time settings.",
    },
    CodeDoc {
        code: "E_OTP_NOT_TIME_BASED",
        section: &OTP,
        when: "a time-only question (seconds left, time step) about a counter-based (HOTP) account",
        tell: "This account is counter-based; its code changes when you request a new one, not over time.",
    },
    CodeDoc {
        code: "E_OTP_COUNTER_OVERFLOW",
        section: &OTP,
        when: "the HOTP counter or time step would pass 2^64 − 1",
        tell: "The account's counter has reached its limit; re-enrol the account with the site.",
    },
    CodeDoc {
        code: "E_OTP_WINDOW_RANGE",
        section: &OTP,
        when: "(server) the verifier was configured with a look-around, look-ahead or resynchronisation window wider than allowed",
        tell: "The server's verification window is misconfigured; an administrator must narrow it.",
    },
    CodeDoc {
        code: "E_OTP_CODE_FORMAT",
        section: &OTP,
        when: "(server) the submitted code has the wrong length or characters (spaces are ignored)",
        tell: "Enter the whole code the authenticator shows, digits only (letters and digits for Steam).",
    },
    CodeDoc {
        code: "E_OTP_CODE_MISMATCH",
        section: &OTP,
        when: "(server) the code matches no time step or counter in the window",
        tell: "The code is not correct; enter the current code and check the device's clock is set automatically.",
    },
    CodeDoc {
        code: "E_OTP_CODE_REPLAYED",
        section: &OTP,
        when: "(server) the code belongs to a time step or counter that was already accepted (RFC 6238 §5.2)",
        tell: "This code was already used; wait for the next code and enter that one.",
    },
    CodeDoc {
        code: "E_OTP_RESYNC_FAILED",
        section: &OTP,
        when: "(server) HOTP resynchronisation found no two consecutive counters matching the two codes",
        tell: "Press the token's button twice and enter the two new codes in order.",
    },
];
