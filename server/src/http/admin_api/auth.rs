//! The admin API's authentication: `Authorization: Bearer <admin key>` on every call, and a
//! read-write scope on every change. Both run before the body is read, so an unauthorised
//! caller learns nothing about the body's validity.

use crate::error::ServerError;
use crate::services::admin_keys::{self, AdminKey};
use crate::state::State;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use std::sync::Arc;

/// A caller with a live admin key of any scope.
pub struct ReadKey(pub AdminKey);

impl FromRequestParts<Arc<State>> for ReadKey {
    type Rejection = ServerError;
    async fn from_request_parts(parts: &mut Parts, st: &Arc<State>) -> Result<Self, ServerError> {
        let auth = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        Ok(ReadKey(admin_keys::authenticate(&st.db(), auth, st.now())?))
    }
}

/// A caller with a live read-write admin key; read-only keys get `E_SRV_ADMIN_KEY_READ_ONLY`.
pub struct WriteKey(pub AdminKey);

impl WriteKey {
    /// The audit log's name for this caller.
    pub fn actor(&self) -> String {
        self.0.actor()
    }
}

impl FromRequestParts<Arc<State>> for WriteKey {
    type Rejection = ServerError;
    async fn from_request_parts(parts: &mut Parts, st: &Arc<State>) -> Result<Self, ServerError> {
        let ReadKey(key) = ReadKey::from_request_parts(parts, st).await?;
        key.require_write()?;
        Ok(WriteKey(key))
    }
}
