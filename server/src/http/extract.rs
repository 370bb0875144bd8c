//! Body extractors that turn every rejection into a coded 4xx (never a bare text answer).

use crate::error::ServerError;
use axum::body::Bytes;
use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
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

/// Path parameters; a value of the wrong type (a non-numeric id) -> `E_SRV_BAD_REQUEST`.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ServerError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| ApiPath(v))
            // The rejection's text quotes the input; the answer never does.
            .map_err(|_| ServerError::BadRequest("a path parameter is not valid (ids are whole numbers)".into()))
    }
}

/// Query parameters with the same mapping; the input is not echoed back.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ServerError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| ApiQuery(v))
            .map_err(|_| ServerError::BadRequest("the query string is malformed (`wait` and `limit` take whole numbers; no other parameters)".into()))
    }
}
