//! The HTTP layer: paths, extractors and handlers. Handlers parse and render; the work
//! happens in `services`.
//!
//! - `device_api`: push protocol endpoints for phones (docs/protocol.md);
//! - `app_api`: the sign-in API for applications, authenticated by API key;
//! - `helpdesk`: the server-rendered pages behind an admin login;
//! - `admin_api`: the same administration as JSON, authenticated by admin API key;
//! - `assets`: the pages' style sheet and scripts; `headers`: security headers on every answer;
//! - `router`: ties them to paths.

pub mod admin_api;
pub mod app_api;
pub mod assets;
pub mod blocking;
pub mod client_addr;
pub mod connections;
pub mod device_api;
pub mod extract;
pub mod headers;
pub mod helpdesk;
pub mod router;

/// Paths whose clients are programs (the sign-in API, the device endpoints, the admin API):
/// their errors are always the JSON `{"error": "E_…", "message": …}`, never a page.
pub fn is_machine_path(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/duet/") || admin_api::owns(path)
}
