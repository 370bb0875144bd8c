//! Rotating the server's signing key.

use super::audit;
use crate::error::ServerError;
use crate::state::State;
use crate::storage::server_key;

/// Rotates the server key; returns the new public key. Devices get a rotation message
/// signed by the key they trust with their next poll (`device_messages::poll`).
pub fn rotate(st: &State) -> Result<Vec<u8>, ServerError> {
    let now = st.now();
    let conn = st.db();
    let old = st.verifier();
    let new = server_key::rotate(&conn, st.seal(), old.key_id, now)?;
    let public = st.use_key(new)?.verifier.server_public_key();
    audit::record(&conn, now, "server", "server_key_rotated", None, &duet_core::push::wire::fingerprint(&public))?;
    Ok(public)
}

/// Rotates the server key on behalf of `actor` and records who asked.
pub fn rotate_for(st: &State, actor: &str) -> Result<Vec<u8>, ServerError> {
    let public = rotate(st)?;
    audit::record(&st.db(), st.now(), actor, "server_key_rotation_requested", None, "")?;
    Ok(public)
}

/// The current server key's fingerprint (what phones show at enrollment).
pub fn fingerprint(st: &State) -> String {
    duet_core::push::wire::fingerprint(&st.verifier().verifier.server_public_key())
}
