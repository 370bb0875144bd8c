//! Library half of the `duet` command: the parts integration tests drive directly.
//!
//! The reference server lives here (not only in the binary) so `cli/tests/server_*.rs`
//! can run it in-process with an injected clock.

pub mod serve;
