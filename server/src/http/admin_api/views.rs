//! The admin API's JSON shapes (docs/admin-api.json describes each as a schema). Shapes that
//! carry a secret shown once derive no `Debug`, so it cannot reach a log by formatting.

use crate::services::{apps, devices, enrollments, users};
use axum::Json;
use axum::http::{StatusCode, header};
use serde::Serialize;

/// A created resource that holds a secret: 201 and never cached.
pub type ShownOnce<T> = (StatusCode, [(header::HeaderName, &'static str); 1], Json<T>);

/// Answers `v`, which holds a secret shown once.
pub fn shown_once<T>(v: T) -> ShownOnce<T> {
    (StatusCode::CREATED, [(header::CACHE_CONTROL, "no-store")], Json(v))
}

/// A user with the flags the helpdesk page shows.
#[derive(Debug, Serialize)]
pub struct User {
    id: i64,
    name: String,
    display_name: String,
    service_account: bool,
    push_muted: bool,
    muted_until: u64,
    push_slowed_until: u64,
    passcodes_locked: bool,
    locked_until: u64,
    active_devices: usize,
}

impl User {
    /// The view of `u` at time `now`, with its count of active devices.
    pub fn new(u: users::User, now: u64, active_devices: usize) -> Self {
        User {
            id: u.id,
            push_muted: u.muted_until > now,
            muted_until: u.muted_until,
            push_slowed_until: u.slowed_until,
            passcodes_locked: u.locked_until > now,
            locked_until: u.locked_until,
            name: u.name,
            display_name: u.display_name,
            service_account: u.service_account,
            active_devices,
        }
    }
}

/// A device, revoked or not.
#[derive(Debug, Serialize)]
pub struct Device {
    id: i64,
    platform: String,
    label: String,
    enrolled_at: u64,
    last_seen: Option<u64>,
    clock_offset: Option<i64>,
    revoked_at: Option<u64>,
}

impl From<devices::Device> for Device {
    fn from(d: devices::Device) -> Self {
        Device {
            id: d.id,
            platform: d.platform,
            label: d.label,
            enrolled_at: d.enrolled_at,
            last_seen: d.last_seen,
            clock_offset: d.clock_offset,
            revoked_at: d.revoked_at,
        }
    }
}

/// An enrollment: what the helpdesk page shows as QR code, link and manual code.
#[derive(Debug, Serialize)]
pub struct Enrollment {
    id: String,
    user_id: i64,
    link: String,
    https_link: String,
    manual_code: String,
    expires_at: u64,
    expired: bool,
    used: bool,
}

impl Enrollment {
    /// The view of `e` at time `now`.
    pub fn new(e: enrollments::Enrollment, now: u64) -> Self {
        Enrollment {
            expired: !e.used && e.expires_at <= now,
            id: e.id,
            user_id: e.user_id,
            link: e.link,
            https_link: e.https_link,
            manual_code: e.manual_code,
            expires_at: e.expires_at,
            used: e.used,
        }
    }
}

/// A bypass code, shown once.
#[derive(Serialize)]
pub struct BypassCode {
    /// The code to read to the user.
    pub code: String,
    /// Deadline.
    pub expires_at: u64,
    /// Wrong tries before it is void.
    pub attempts: i64,
}

/// A new application and its API key, shown once.
#[derive(Serialize)]
pub struct NewApplication {
    /// The application.
    pub application: apps::App,
    /// Its API key.
    pub api_key: String,
}

/// A new admin API key: its listing and the key, shown once.
#[derive(Serialize)]
pub struct NewAdminKey {
    /// The listing.
    pub admin_key: crate::services::admin_keys::AdminKey,
    /// The bearer secret.
    pub key: String,
}

/// The server key as devices see it.
#[derive(Debug, Serialize)]
pub struct ServerKey {
    /// SHA-256 fingerprint of the public key, as phones show it at enrollment.
    pub fingerprint: String,
}
