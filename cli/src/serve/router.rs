//! Paths to handlers.

use super::{State, api, helpdesk, protocol};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::Redirect;
use axum::routing::{get, post};
use std::sync::Arc;

/// The whole application: protocol endpoints, sign-in API and helpdesk pages.
pub fn build(state: Arc<State>) -> Router {
    let limit = state.config.max_body;
    Router::new()
        .route("/", get(|| async { Redirect::to("/helpdesk") }))
        .route("/helpdesk", get(helpdesk::home))
        .route("/helpdesk/login", get(helpdesk::login_form).post(helpdesk::login))
        .route("/helpdesk/logout", post(helpdesk::logout))
        .route("/helpdesk/users", post(helpdesk::create_user))
        .route("/helpdesk/users/{id}", get(helpdesk::user_page))
        .route("/helpdesk/users/{id}/enroll", post(helpdesk::enroll))
        .route("/helpdesk/users/{id}/test-push", post(helpdesk::test_push))
        .route("/helpdesk/users/{id}/bypass", post(helpdesk::issue_bypass))
        .route("/helpdesk/users/{id}/unmute", post(helpdesk::unmute))
        .route("/helpdesk/users/{id}/service", post(helpdesk::set_service))
        .route("/helpdesk/users/{id}/devices/{device}/revoke", post(helpdesk::revoke_device))
        .route("/helpdesk/enrollments/{id}", get(helpdesk::enrollment_page))
        .route("/helpdesk/signins/{id}", get(helpdesk::signin_page))
        .route("/helpdesk/apps", post(helpdesk::create_app))
        .route("/helpdesk/server-key/rotate", post(helpdesk::rotate_key))
        .route("/helpdesk/audit", get(helpdesk::audit))
        .route("/api/v1/signins", post(api::start))
        .route("/api/v1/signins/{id}", get(api::status))
        .merge(protocol::routes())
        .fallback(helpdesk::not_found)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}
