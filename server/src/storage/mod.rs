//! Storage: the SQLite schema and its migrations, the sealing key and the sealed server signing
//! key.

pub mod db;
pub mod files;
pub mod migrate;
pub mod seal;
pub mod server_key;
