//! When the server cannot be reached: the one place the fail mode applies.
//!
//! The fail mode is consulted only when the attempt's *first* call could not connect (name
//! resolution, refused connection, connect timeout, TLS handshake). Once the server has answered
//! anything in this attempt, every later failure denies: cutting the link in the middle of a push
//! must open nothing.

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
}

/// Decides a failed call. `first_call` is true when no earlier call of this attempt was answered.
pub fn on_failure(failure: Failure, first_call: bool, mode: FailMode) -> Verdict {
    match (failure, first_call, mode) {
        (Failure::Connect, true, FailMode::Safe) => Verdict::AllowUnreachable,
        _ => Verdict::Deny,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_first_call_that_cannot_connect_in_safe_mode_allows() {
        for failure in [Failure::Connect, Failure::Exchange] {
            for first_call in [true, false] {
                for mode in [FailMode::Secure, FailMode::Safe] {
                    let want = if failure == Failure::Connect && first_call && mode == FailMode::Safe {
                        Verdict::AllowUnreachable
                    } else {
                        Verdict::Deny
                    };
                    assert_eq!(on_failure(failure, first_call, mode), want, "{failure:?} {first_call} {mode:?}");
                }
            }
        }
    }
}
