//! Helpers shared by duet's end-to-end tests (`tests/tests/*.rs`) and the Kotlin/Swift suites'
//! helper binary (`src/bin/duet-test-helper.rs`).

#![warn(missing_docs)]

pub mod server;
