//! Body extractors that turn every rejection into a coded 4xx (never a bare text answer).

use crate::error::ServerError;
use axum::body::Bytes;
use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use duet_core::push::wire::MAX_ENVELOPE_LEN;
use serde::de::DeserializeOwned;

/// JSON body; malformed -> `E_SRV_BAD_REQUEST`, too large -> `E_SRV_TOO_LARGE`.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ServerError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(json_rejection(e)),
        }
    }
}

fn json_rejection(e: JsonRejection) -> ServerError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ServerError::TooLarge;
    }
    match e {
        JsonRejection::MissingJsonContentType(_) => {
            ServerError::BadRequest("send it with Content-Type: application/json".into())
        }
        JsonRejection::JsonDataError(d) => ServerError::BadRequest(d.body_text()),
        JsonRejection::JsonSyntaxError(_) => ServerError::BadRequest("it is not valid JSON".into()),
        other => ServerError::BadRequest(other.body_text()),
    }
}

/// Query string; malformed -> `E_SRV_BAD_REQUEST` naming what the endpoint takes (the input is
/// not echoed back).
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ServerError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|_| ServerError::BadRequest("the query string is malformed; `wait` takes a whole number of seconds (at most 30 are waited)".into()))
    }
}

/// URL-encoded form body with the same error mapping.
pub struct PageForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for PageForm<T> {
    type Rejection = ServerError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(PageForm(v)),
            Err(e) => Err(form_rejection(e)),
        }
    }
}

fn form_rejection(e: FormRejection) -> ServerError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ServerError::TooLarge
    } else {
        ServerError::BadRequest("the form fields are missing or malformed".into())
    }
}

/// A raw protocol body: coded 413 when larger than a protocol envelope may be.
pub struct Body(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ServerError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let b = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE { ServerError::TooLarge } else { ServerError::BadRequest(e.body_text()) }
        })?;
        if b.len() > MAX_ENVELOPE_LEN {
            return Err(ServerError::TooLarge);
        }
        Ok(Body(b))
    }
}
