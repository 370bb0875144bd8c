//! The admin API: everything the helpdesk page does, as JSON under [`PREFIX`], for scripts.
//!
//! Callers send `Authorization: Bearer <admin key>` (created on the helpdesk page or with
//! `duet admin-key create`); read-only keys may call every `GET`, read-write keys everything.
//! Handlers call the same service functions as the helpdesk page, so the two front ends
//! enforce the same rules and write the same audit records. Every error is
//! `{"error":"E_...","message":"..."}`. `docs/admin-api.json` describes the API; a test keeps
//! its operations equal to [`routes`].

mod auth;
mod system;
mod users;
mod views;

use crate::error::ServerError;
use crate::state::State;
use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on};
use std::sync::Arc;

/// Where the admin API lives.
pub const PREFIX: &str = "/admin/api/v1";

/// One operation: method and path (relative to [`PREFIX`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Route {
    /// HTTP method.
    pub method: Method,
    /// Path with `{param}` placeholders, as in the OpenAPI document.
    pub path: &'static str,
}

struct Entry {
    route: Route,
    handler: MethodRouter<Arc<State>>,
}

fn entry<H, T>(method: Method, path: &'static str, handler: H) -> Entry
where
    H: Handler<T, Arc<State>>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("a standard HTTP method");
    Entry { route: Route { method, path }, handler: on(filter, handler) }
}

// The one list of operations: the router is built from it and the OpenAPI test reads it.
fn table() -> Vec<Entry> {
    use Method as M;
    vec![
        entry(M::GET, "/users", users::list),
        entry(M::POST, "/users", users::create),
        entry(M::GET, "/users/{id}", users::get),
        entry(M::PATCH, "/users/{id}", users::update),
        entry(M::POST, "/users/{id}/unmute", users::unmute),
        entry(M::POST, "/users/{id}/unlock-passcodes", users::unlock_passcodes),
        entry(M::GET, "/users/{id}/devices", users::devices),
        entry(M::POST, "/users/{id}/devices/{device}/revoke", users::revoke_device),
        entry(M::POST, "/users/{id}/enrollments", users::enroll),
        entry(M::POST, "/users/{id}/bypass-codes", users::bypass),
        entry(M::POST, "/users/{id}/test-push", users::test_push),
        entry(M::GET, "/users/{id}/signins", users::signin_history),
        entry(M::GET, "/enrollments/{id}", users::enrollment),
        entry(M::POST, "/enrollments/{id}/cancel", users::cancel_enrollment),
        entry(M::GET, "/signins/{id}", users::signin),
        entry(M::GET, "/applications", system::applications),
        entry(M::POST, "/applications", system::create_application),
        entry(M::POST, "/applications/{id}/revoke", system::revoke_application),
        entry(M::GET, "/admin-keys", system::admin_keys),
        entry(M::POST, "/admin-keys", system::create_admin_key),
        entry(M::POST, "/admin-keys/{id}/revoke", system::revoke_admin_key),
        entry(M::GET, "/server-key", system::server_key),
        entry(M::POST, "/server-key/rotate", system::rotate_server_key),
        entry(M::GET, "/audit", system::audit_log),
    ]
}

/// The operations the router serves.
pub fn routes() -> Vec<Route> {
    table().into_iter().map(|e| e.route).collect()
}

/// Whether `path` lies in the admin API's namespace (its errors are JSON even where the
/// nested router does not see the request, such as the prefix itself).
pub fn owns(path: &str) -> bool {
    path.strip_prefix(PREFIX).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The admin API's router, to be nested under [`PREFIX`]. Wrong methods get a JSON error
/// like everything else here (unknown paths: the outer router's fallback, through [`owns`]).
pub fn router() -> Router<Arc<State>> {
    table()
        .into_iter()
        .fold(Router::new(), |r, e| r.route(e.route.path, e.handler))
        .method_not_allowed_fallback(|| async { ServerError::MethodNotAllowed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_namespace_is_the_prefix_and_below() {
        assert!(owns("/admin/api/v1") && owns("/admin/api/v1/") && owns("/admin/api/v1/users/x"));
        assert!(!owns("/admin/api/v10") && !owns("/admin/api") && !owns("/helpdesk"));
    }
}
