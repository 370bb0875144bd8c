//! Storage: the SQLite schema, the sealing key and the sealed server signing key.

pub mod db;
pub mod files;
pub mod seal;
pub mod server_key;
