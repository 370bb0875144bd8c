//! When the server cannot be reached: the one place the fail mode applies.
//!
//! The fail mode is consulted only when the attempt's *first* call could not connect (name
//! resolution, refused connection, connect timeout, TLS handshake). Once the server has answered
//! anything in this attempt, every later failure denies: cutting the link in the middle of a push
//! must open nothing. The same holds for break-glass codes: they are checked only while the
//! server cannot be reached, and only in `failmode = secure` (in `safe` the door is open anyway
//! and a code would be spent for nothing).

use crate::config::FailMode;

/// How a call to the server failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No connection was made (resolve, refuse, connect timeout, TLS handshake).
    Connect,
    /// A connection was made but the exchange failed (read timeout, reset, malformed or oversized
    /// answer, unexpected status).
    Exchange,
}

/// The outcome of a failed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Deny,
    /// Allowed by `failmode = safe`; the caller logs it as such.
    AllowUnreachable,
    /// Allowed by a valid, now spent, break-glass code; the caller logs it loudly.
    AllowBreakGlass,
}

/// Whether a typed code should be checked against the break-glass file (which spends it).
pub fn check_break_glass(failure: Failure, first_call: bool, mode: FailMode) -> bool {
    failure == Failure::Connect && first_call && mode == FailMode::Secure
}

/// Decides a failed call. `first_call` is true when no earlier call of this attempt was answered;
/// `break_glass_ok` is whether a break-glass code was checked and valid.
pub fn on_failure(failure: Failure, first_call: bool, mode: FailMode, break_glass_ok: bool) -> Verdict {
    if failure != Failure::Connect || !first_call {
        return Verdict::Deny;
    }
    match mode {
        FailMode::Safe => Verdict::AllowUnreachable,
        FailMode::Secure if break_glass_ok => Verdict::AllowBreakGlass,
        FailMode::Secure => Verdict::Deny,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every combination, against a table written out by hand.
    #[test]
    fn only_a_first_call_that_cannot_connect_opens() {
        use FailMode::{Safe, Secure};
        use Failure::{Connect, Exchange};
        use Verdict::{AllowBreakGlass as Glass, AllowUnreachable as Open, Deny};
        let table = [
            (Connect, true, Safe, false, Open, false),
            (Connect, true, Safe, true, Open, false),
            (Connect, true, Secure, false, Deny, true),
            (Connect, true, Secure, true, Glass, true),
            (Connect, false, Safe, false, Deny, false),
            (Connect, false, Safe, true, Deny, false),
            (Connect, false, Secure, false, Deny, false),
            (Connect, false, Secure, true, Deny, false),
            (Exchange, true, Safe, false, Deny, false),
            (Exchange, true, Safe, true, Deny, false),
            (Exchange, true, Secure, false, Deny, false),
            (Exchange, true, Secure, true, Deny, false),
            (Exchange, false, Safe, false, Deny, false),
            (Exchange, false, Safe, true, Deny, false),
            (Exchange, false, Secure, false, Deny, false),
            (Exchange, false, Secure, true, Deny, false),
        ];
        for (failure, first, mode, glass, want, check) in table {
            assert_eq!(on_failure(failure, first, mode, glass), want, "{failure:?} {first} {mode:?} {glass}");
            assert_eq!(check_break_glass(failure, first, mode), check, "{failure:?} {first} {mode:?}");
        }
    }
}
