//! Server-wide administration: applications and their API keys, admin API keys, the server
//! key and the audit log.

use super::auth::{ReadKey, WriteKey};
use super::users::Limit;
use super::views;
use crate::error::ServerError;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::services::admin_keys::{self, AdminKey, Scope};
use crate::services::{apps, audit, server_key};
use crate::state::State;
use axum::Json;
use axum::extract::State as AxState;
use serde::Deserialize;
use std::sync::Arc;

/// `GET /applications`: live applications.
pub async fn applications(AxState(st): AxState<Arc<State>>, _k: ReadKey) -> Result<Json<Vec<apps::App>>, ServerError> {
    Ok(Json(apps::list(&st.db())?))
}

/// Body of `POST /applications`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    name: String,
}

/// `POST /applications`: the API key is in this answer only.
pub async fn create_application(
    AxState(st): AxState<Arc<State>>,
    k: WriteKey,
    ApiJson(b): ApiJson<NewApplication>,
) -> Result<views::ShownOnce<views::NewApplication>, ServerError> {
    let (application, api_key) = apps::add(&st.db(), &k.actor(), &b.name, st.now())?;
    Ok(views::shown_once(views::NewApplication { application, api_key }))
}

/// `POST /applications/{id}/revoke`.
pub async fn revoke_application(AxState(st): AxState<Arc<State>>, k: WriteKey, ApiPath(id): ApiPath<i64>) -> Result<Json<apps::App>, ServerError> {
    Ok(Json(apps::revoke(&st.db(), &k.actor(), id, st.now())?))
}

/// `GET /admin-keys`: every admin key, revoked ones too (never the keys themselves).
pub async fn admin_keys(AxState(st): AxState<Arc<State>>, _k: ReadKey) -> Result<Json<Vec<AdminKey>>, ServerError> {
    Ok(Json(admin_keys::list(&st.db())?))
}

/// Body of `POST /admin-keys`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAdminKey {
    name: String,
    scope: Scope,
}

/// `POST /admin-keys`: the key is in this answer only.
pub async fn create_admin_key(
    AxState(st): AxState<Arc<State>>,
    k: WriteKey,
    ApiJson(b): ApiJson<NewAdminKey>,
) -> Result<views::ShownOnce<views::NewAdminKey>, ServerError> {
    let new = admin_keys::create(&st.db(), &k.actor(), &b.name, b.scope, st.now())?;
    Ok(views::shown_once(views::NewAdminKey { key: new.secret.to_string(), admin_key: new.key }))
}

/// `POST /admin-keys/{id}/revoke`: any key but the caller's own.
pub async fn revoke_admin_key(AxState(st): AxState<Arc<State>>, k: WriteKey, ApiPath(id): ApiPath<i64>) -> Result<Json<AdminKey>, ServerError> {
    Ok(Json(admin_keys::revoke(&st.db(), &k.actor(), id, Some(k.0.id), st.now())?))
}

/// `GET /server-key`.
pub async fn server_key(AxState(st): AxState<Arc<State>>, _k: ReadKey) -> Json<views::ServerKey> {
    Json(views::ServerKey { fingerprint: server_key::fingerprint(&st) })
}

/// `POST /server-key/rotate`: devices learn the new key at their next poll.
pub async fn rotate_server_key(AxState(st): AxState<Arc<State>>, k: WriteKey) -> Result<Json<views::ServerKey>, ServerError> {
    let public = server_key::rotate_for(&st, &k.actor())?;
    Ok(Json(views::ServerKey { fingerprint: duet_core::push::wire::fingerprint(&public) }))
}

/// `GET /audit`: the newest records, newest first.
pub async fn audit_log(AxState(st): AxState<Arc<State>>, _k: ReadKey, ApiQuery(q): ApiQuery<Limit>) -> Result<Json<Vec<audit::Record>>, ServerError> {
    Ok(Json(audit::recent(&st.db(), q.get(100)?)?))
}
