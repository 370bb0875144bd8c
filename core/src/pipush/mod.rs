//! privacyIDEA push tokens, device side.
//!
//! privacyIDEA (the open-source MFA server) has its own push protocol; duet
//! speaks it so an organisation can adopt duet without changing its server.
//! The protocol as implemented by privacyIDEA 3.14 (`lib/tokens/pushtoken.py`):
//!
//! 1. The QR code carries an `otpauth://pipush/` link ([`qr`]).
//! 2. The device makes an RSA-4096 key and POSTs it (base64url SPKI) with the
//!    enrollment credential; the server answers with its own RSA key (PKCS#1)
//!    ([`protocol::enroll_request`]).
//! 3. The device polls (`GET`, signed `serial|timestamp`), receives requests
//!    signed by the server over `nonce|url|serial|question|title|sslverify`
//!    (`|require_presence` in presence mode), verifies them ([`protocol::verify_request`]),
//!    and answers with a signature over `nonce|serial` (`|decline|reason` when
//!    declining, `|answer` in presence mode).
//!
//! All signatures are RSA PKCS#1 v1.5 with SHA-256, sent as upper-case padded
//! Base32 ([`keys`]). Nothing is approved unless every check passed.

pub mod account;
pub mod client;
pub mod error;
pub mod keys;
pub mod message;
pub mod protocol;
pub mod qr;
pub mod response;
pub mod view;

pub use account::PiPushAccount;
pub use error::PiPushError;
pub use keys::{DeviceKey, RsaSoftwareSigner, ServerKey};
pub use protocol::{DenyReason, PiAnswer, PiPushRequest, PollOutcome};
pub use qr::{is_pipush_uri, parse_enrollment_uri, PiPushEnrollment};
