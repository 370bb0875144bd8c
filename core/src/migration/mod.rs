//! Google Authenticator transfer codes (`otpauth-migration://offline?data=...`).
//!
//! The data is a protobuf `MigrationPayload` (see [`proto`]). Import reads
//! one code or a multi-QR batch (batch size, index and id; missing, duplicate
//! and foreign parts are detected). Export splits accounts into codes that
//! each render as a QR code of version 20 or smaller at error correction M.
//! The format has no period, T0, Steam type, or 7/9/10 digits: such accounts
//! are reported in `skipped` and left out, never exported wrong. Parameters
//! duet keeps but does not use (image, color, ...) are not carried either.

mod error;
mod export;
mod import;
pub mod proto;

pub use error::{MigrationError, SkipReason, Skipped};
pub use export::{Exported, MAX_QR_VERSION, export, qr_version};
pub use import::{Batch, BatchInfo, Imported, MAX_MIGRATION_URI_LEN, Part, decode_payload, decode_uri, import};
