//! Runs slow synchronous service calls (Argon2 hashing) off the async workers.

use crate::error::ServerError;
use crate::state::State;
use std::sync::Arc;

/// Runs `f` on the blocking pool; a panicked task is a coded 500, not a dropped connection.
pub async fn off_worker<T, F>(st: &Arc<State>, f: F) -> Result<T, ServerError>
where
    T: Send + 'static,
    F: FnOnce(&State) -> Result<T, ServerError> + Send + 'static,
{
    let st = st.clone();
    tokio::task::spawn_blocking(move || f(&st))
        .await
        .map_err(|_| ServerError::Storage("a background task failed".into()))?
}
