//! Users and what hangs off them: flags, devices, enrollments, bypass codes, test pushes
//! and sign-in history.

use super::auth::{ReadKey, WriteKey};
use super::views;
use crate::error::ServerError;
use crate::http::blocking::off_worker;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::services::signins::{self, Signin};
use crate::services::{bypass, devices, enrollments, signin_start, users};
use crate::state::State;
use axum::Json;
use axum::extract::State as AxState;
use axum::http::StatusCode;
use serde::Deserialize;
use std::sync::Arc;

type Created<T> = (StatusCode, Json<T>);

fn user_view(st: &State, u: users::User) -> Result<views::User, ServerError> {
    let n = devices::active_for_user(&st.db(), u.id)?.len();
    Ok(views::User::new(u, st.now(), n))
}

/// `GET /users`.
pub async fn list(AxState(st): AxState<Arc<State>>, _k: ReadKey) -> Result<Json<Vec<views::User>>, ServerError> {
    let all = users::list(&st.db())?;
    Ok(Json(all.into_iter().map(|u| user_view(&st, u)).collect::<Result<_, _>>()?))
}

/// Body of `POST /users`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    name: String,
    #[serde(default)]
    service_account: bool,
}

/// `POST /users`.
pub async fn create(
    AxState(st): AxState<Arc<State>>,
    k: WriteKey,
    ApiJson(b): ApiJson<NewUser>,
) -> Result<Created<views::User>, ServerError> {
    let u = users::add(&st.db(), &k.actor(), &b.name, b.service_account, st.config.name_rules, st.now())?;
    Ok((StatusCode::CREATED, Json(user_view(&st, u)?)))
}

/// `GET /users/{id}`.
pub async fn get(AxState(st): AxState<Arc<State>>, _k: ReadKey, ApiPath(id): ApiPath<i64>) -> Result<Json<views::User>, ServerError> {
    let u = users::get(&st.db(), id)?;
    Ok(Json(user_view(&st, u)?))
}

/// Body of `PATCH /users/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    service_account: bool,
}

/// `PATCH /users/{id}`: marks or unmarks a service account.
pub async fn update(
    AxState(st): AxState<Arc<State>>,
    k: WriteKey,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<UserChange>,
) -> Result<Json<views::User>, ServerError> {
    let u = users::set_service(&st.db(), &k.actor(), id, b.service_account, st.now())?;
    Ok(Json(user_view(&st, u)?))
}

/// `POST /users/{id}/unmute`: lifts the push pause after a fraud report or wrong numbers.
pub async fn unmute(AxState(st): AxState<Arc<State>>, k: WriteKey, ApiPath(id): ApiPath<i64>) -> Result<Json<views::User>, ServerError> {
    let u = users::unmute(&st.db(), &k.actor(), id, st.now())?;
    Ok(Json(user_view(&st, u)?))
}

/// `POST /users/{id}/unlock-passcodes`: lifts the passcode lockout after wrong passcodes.
pub async fn unlock_passcodes(AxState(st): AxState<Arc<State>>, k: WriteKey, ApiPath(id): ApiPath<i64>) -> Result<Json<views::User>, ServerError> {
    let u = users::unlock_passcodes(&st.db(), &k.actor(), id, st.now())?;
    Ok(Json(user_view(&st, u)?))
}

/// `GET /users/{id}/devices`: every device, revoked ones too.
pub async fn devices(AxState(st): AxState<Arc<State>>, _k: ReadKey, ApiPath(id): ApiPath<i64>) -> Result<Json<Vec<views::Device>>, ServerError> {
    let conn = st.db();
    let u = users::get(&conn, id)?;
    Ok(Json(devices::for_user(&conn, u.id)?.into_iter().map(Into::into).collect()))
}

/// `POST /users/{id}/devices/{device}/revoke`: a lost phone.
pub async fn revoke_device(
    AxState(st): AxState<Arc<State>>,
    k: WriteKey,
    ApiPath((id, device)): ApiPath<(i64, i64)>,
) -> Result<Json<views::Device>, ServerError> {
    let d = devices::revoke_for(&st.db(), &k.actor(), id, device, st.now())?;
    Ok(Json(d.into()))
}

/// `POST /users/{id}/enrollments`.
pub async fn enroll(AxState(st): AxState<Arc<State>>, k: WriteKey, ApiPath(id): ApiPath<i64>) -> Result<Created<views::Enrollment>, ServerError> {
    let e = enrollments::start(&st, &k.actor(), id)?;
    Ok((StatusCode::CREATED, Json(views::Enrollment::new(e, st.now()))))
}

/// `GET /enrollments/{id}`: link and manual code to read out.
pub async fn enrollment(AxState(st): AxState<Arc<State>>, _k: ReadKey, ApiPath(id): ApiPath<String>) -> Result<Json<views::Enrollment>, ServerError> {
    let e = enrollments::get(&st, &id)?.ok_or(ServerError::EnrollmentUnknown)?;
    Ok(Json(views::Enrollment::new(e, st.now())))
}

/// `POST /enrollments/{id}/cancel`: the link and code stop working.
pub async fn cancel_enrollment(AxState(st): AxState<Arc<State>>, k: WriteKey, ApiPath(id): ApiPath<String>) -> Result<Json<views::Enrollment>, ServerError> {
    let e = enrollments::cancel(&st, &k.actor(), &id)?;
    Ok(Json(views::Enrollment::new(e, st.now())))
}

/// `POST /users/{id}/bypass-codes`: a one-time code, shown only in this answer.
pub async fn bypass(AxState(st): AxState<Arc<State>>, k: WriteKey, ApiPath(id): ApiPath<i64>) -> Result<views::ShownOnce<views::BypassCode>, ServerError> {
    let actor = k.actor();
    let issued = off_worker(&st, move |st| bypass::issue_for(st, &actor, id)).await?;
    let view = views::BypassCode { code: issued.code.to_string(), expires_at: issued.expires_at, attempts: issued.attempts };
    Ok(views::shown_once(view))
}

/// `POST /users/{id}/test-push`.
pub async fn test_push(AxState(st): AxState<Arc<State>>, k: WriteKey, ApiPath(id): ApiPath<i64>) -> Result<Created<Signin>, ServerError> {
    let view = signin_start::test_push(&st, &k.actor(), id)?;
    st.changed.notify_waiters();
    Ok((StatusCode::CREATED, Json(signins::current(&st.db(), &view.id, st.now())?)))
}

/// Query of the list endpoints: how many of the newest entries.
#[derive(Debug, Deserialize)]
pub struct Limit {
    limit: Option<u32>,
}

impl Limit {
    /// The requested count, `default` if none; 1 to 1000.
    pub fn get(&self, default: u32) -> Result<u32, ServerError> {
        match self.limit.unwrap_or(default) {
            n @ 1..=1000 => Ok(n),
            _ => Err(ServerError::BadRequest("limit must be 1 to 1000".into())),
        }
    }
}

/// `GET /users/{id}/signins`: sign-in history, newest first.
pub async fn signin_history(
    AxState(st): AxState<Arc<State>>,
    _k: ReadKey,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<Limit>,
) -> Result<Json<Vec<Signin>>, ServerError> {
    let limit = q.get(20)?;
    let conn = st.db();
    let u = users::get(&conn, id)?;
    signins::expire(&conn, st.now())?;
    Ok(Json(signins::recent_for_user(&conn, u.id, limit)?))
}

/// `GET /signins/{id}`: one sign-in as it stands now.
pub async fn signin(AxState(st): AxState<Arc<State>>, _k: ReadKey, ApiPath(id): ApiPath<String>) -> Result<Json<Signin>, ServerError> {
    Ok(Json(signins::current(&st.db(), &id, st.now())?))
}
