//! duet push protocol v1, device side (specification: `docs/protocol.md`).
//!
//! - [`link`] and [`code`]: enrollment by QR code / link and by manual activation code;
//! - [`signer`]: device keys behind [`DeviceSigner`] (software P-256 here, platform keys via FFI);
//! - [`device`]: registration, request verification, answers, polling, rotation, unenrollment;
//! - [`agreement`]: HPKE sealing of the offline passcode secret to the registering phone;
//! - [`replay`] and [`clock`]: answered-request memory and the clock-offset report;
//! - [`pending`]: the protocol-neutral request/answer view shared with privacyIDEA push;
//! - [`wire`] and [`messages`]: the byte-exact encoding both sides use;
//! - [`text`]: which text may be shown to the user.
//!
//! Every function takes the time (unix seconds) and, where needed, the randomness as arguments.

pub mod agreement;
pub mod clock;
pub mod code;
pub mod device;
pub mod endpoints;
mod error;
pub mod link;
pub mod messages;
pub mod pending;
pub mod replay;
pub mod signer;
pub mod text;
pub mod wire;

pub use agreement::AgreementKey;
pub use clock::{ClockReport, clock_offset};
pub use code::ManualCode;
pub use device::{
    DeviceInfo, PollOutcome, PushAccount, PushProvider, Registered, VerifiedRequest,
    apply_server_key_rotation, build_answer, verify_server_signature, build_device_key_rotation, build_poll,
    build_push_token, build_registration, build_registration_with_answer_key, build_unenroll, finish_registration,
    parse_enrollment_lookup, parse_poll_response, verify_request, with_rotated_device_key,
};
pub use error::PushError;
pub use link::{EnrollmentLink, EnrollmentTrust};
pub use pending::{Answer, DenyReason, NumberMatching, PendingRequest, PushProtocol};
pub use replay::{MemoryReplayStore, ReplayStore};
pub use signer::{
    DeviceSigner, SignatureAlgorithm, SignerError, SoftwareP256Signer, normalize_public_key,
    normalize_signature, verify_signature,
};
