//! Helpers shared by duet's end-to-end tests (`tests/tests/*.rs`).

#![warn(missing_docs)]

pub mod push_server;
