//! Paths to handlers. The admin API builds its own routes from one table (`admin_api::routes`).

use super::{admin_api, app_api, assets, connections, device_api, headers, helpdesk};
use crate::state::State;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::Redirect;
use axum::routing::{get, post};
use std::sync::Arc;

/// The whole application: protocol endpoints, sign-in API, helpdesk pages and admin API.
pub fn build(state: Arc<State>) -> Router {
    let limit = state.config.max_body;
    Router::new()
        .route("/", get(|| async { Redirect::to("/helpdesk") }))
        .route("/helpdesk", get(helpdesk::pages::home))
        .route("/helpdesk/login", get(helpdesk::session::login_form).post(helpdesk::session::login))
        .route(helpdesk::factor::PATH, get(helpdesk::factor::form).post(helpdesk::factor::check))
        .route(helpdesk::factor::PASSKEY_OPTIONS_PATH, post(helpdesk::factor::passkey_options))
        .route(helpdesk::factor::PASSKEY_PATH, post(helpdesk::factor::passkey_finish))
        .route("/helpdesk/logout", post(helpdesk::session::logout))
        .route("/helpdesk/users", post(helpdesk::pages::create_user))
        .route("/helpdesk/users/{id}", get(helpdesk::pages::user_page))
        .route("/helpdesk/users/{id}/enroll", post(helpdesk::pages::enroll))
        .route("/helpdesk/users/{id}/test-push", post(helpdesk::pages::test_push))
        .route("/helpdesk/users/{id}/bypass", post(helpdesk::pages::issue_bypass))
        .route("/helpdesk/users/{id}/unmute", post(helpdesk::pages::unmute))
        .route("/helpdesk/users/{id}/unlock", post(helpdesk::pages::unlock))
        .route("/helpdesk/users/{id}/service", post(helpdesk::pages::set_service))
        .route("/helpdesk/users/{id}/devices/{device}/revoke", post(helpdesk::pages::revoke_device))
        .route("/helpdesk/enrollments/{id}", get(helpdesk::pages::enrollment_page))
        .route("/helpdesk/signins/{id}", get(helpdesk::pages::signin_page))
        .route("/helpdesk/apps", post(helpdesk::pages::create_app))
        .route("/helpdesk/apps/{id}/revoke", post(helpdesk::pages::revoke_app))
        .route("/helpdesk/admin-keys", post(helpdesk::admin_keys::create))
        .route("/helpdesk/admin-keys/{id}/revoke", post(helpdesk::admin_keys::revoke))
        .route("/helpdesk/enrollments/{id}/cancel", post(helpdesk::pages::cancel_enrollment))
        .route("/helpdesk/server-key/rotate", post(helpdesk::pages::rotate_key))
        .route("/helpdesk/audit", get(helpdesk::pages::audit))
        .route("/api/v1/preauth", post(app_api::preauth))
        .route("/api/v1/signins", post(app_api::start))
        .route("/api/v1/signins/{id}", get(app_api::status))
        .merge(device_api::routes())
        .merge(assets::routes())
        .nest(admin_api::PREFIX, admin_api::router())
        .fallback(helpdesk::layout::not_found)
        .method_not_allowed_fallback(|| async { crate::error::ServerError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(state.clone(), connections::deadline))
        .layer(axum::middleware::map_response_with_state(state.clone(), headers::add))
        .with_state(state)
}
