//! duet-server: the duet reference server — push protocol endpoints for phones, the sign-in
//! API for applications and the helpdesk page, on axum/tokio with SQLite storage.
//!
//! Layers, each only calling the ones below it:
//! - [`http`]: routes, extractors and handlers (device API, application API, helpdesk);
//! - [`services`]: what the server does (enrollments, sign-ins, devices, bypass codes,
//!   audit, users, applications, admins), on a [`State`];
//! - [`storage`]: the SQLite schema, the sealing key and the sealed server signing key;
//! - [`verifier`]: the push protocol's server side, pure and without storage.
//!
//! Time comes from an injected [`clock::Clock`] so tests control expiry, rate limits and mutes.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod clock;
pub mod config;
pub mod error;
pub mod error_catalog;
pub mod http;
pub mod random;
pub mod run;
pub mod services;
pub mod state;
pub mod storage;
pub mod verifier;

pub use config::Config;
pub use error::ServerError;
pub use http::router::build;
pub use state::State;
