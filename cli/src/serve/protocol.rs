//! duet push protocol v1 endpoints (docs/protocol.md), on the core's `verifier`.

use super::api::ClientInfo;
use super::error::ServerError;
use super::keys::ServerKey;
use super::users::User;
use super::State;
use axum::Router;
use duet_core::otp::OtpParams;
use rusqlite::OptionalExtension;
use std::sync::Arc;

/// An enrollment as the helpdesk page shows it.
pub struct Enrollment {
    /// Enrollment id.
    pub id: String,
    /// Owner.
    pub user_id: i64,
    /// Enrollment link (QR content).
    pub link: String,
    /// Manual activation code.
    pub manual_code: String,
    /// Deadline.
    pub expires_at: u64,
    /// Already used.
    pub used: bool,
}

/// Loads an enrollment.
pub fn enrollment(st: &State, id: &str) -> Result<Option<Enrollment>, ServerError> {
    Ok(st
        .db()
        .query_row(
            "SELECT id, user_id, link, manual_code, expires_at, used_at FROM enrollments WHERE id = ?1",
            [id],
            |r| {
                Ok(Enrollment {
                    id: r.get(0)?,
                    user_id: r.get(1)?,
                    link: r.get(2)?,
                    manual_code: r.get(3)?,
                    expires_at: r.get::<_, i64>(4)? as u64,
                    used: r.get::<_, Option<i64>>(5)?.is_some(),
                })
            },
        )
        .optional()?)
}

/// The QR code of `text` as an SVG element.
pub fn qr_svg(text: &str) -> Result<String, ServerError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| ServerError::BadRequest(format!("the enrollment link does not fit a QR code: {e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(320, 320)
        .quiet_zone(true)
        .build())
}

/// A key's fingerprint as people compare it.
pub fn fingerprint(public_key: &[u8]) -> String {
    let h = super::crypto::sha256(public_key);
    let hex: String = h[..10].iter().map(|b| format!("{b:02X}")).collect();
    hex.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// Parameters of the offline passcodes the server issues at registration.
pub fn offline_otp_params() -> OtpParams {
    OtpParams::totp_default()
}

/// Creates an enrollment for `user`.
pub fn new_enrollment(_st: &State, _user: &User) -> Result<Enrollment, ServerError> {
    Err(ServerError::Config("protocol not yet wired".into()))
}

/// Creates a signed sign-in request for all of `user`'s devices; returns (state, number).
pub fn new_request(_st: &State, _id: &str, _user: &User, _client: &ClientInfo, _now: u64, _exp: u64) -> Result<(Vec<u8>, String), ServerError> {
    Err(ServerError::Config("protocol not yet wired".into()))
}

/// The server key rotation message, signed by the old key.
pub fn rotation_message(_old: &ServerKey, _new: &ServerKey, _now: u64) -> Vec<u8> {
    Vec::new()
}

/// Device-facing routes.
pub fn routes() -> Router<Arc<State>> {
    Router::new()
}
