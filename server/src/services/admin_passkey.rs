//! Passkeys and security keys (WebAuthn) as a helpdesk admin's second factor, the alternative to
//! the authenticator app (`admin_factor`).
//!
//! The ceremonies are webauthn-rs's passkey flows (user verification required). Each runs in two
//! requests of the half-signed-in session: [`start`] makes the challenge and keeps its state in
//! the database, sealed to the session; [`finish`] takes that state out (so an answer works once,
//! and not after [`CEREMONY_SECS`]) and checks the browser's answer against it. A passkey can only
//! be registered by an admin with no second factor yet, so a password alone cannot add one.
//! Failed sign-in answers count toward the same pauses as wrong passwords and codes.
//!
//! The relying party is the host of the public URL and the origin checked is that URL's origin.
//! WebAuthn needs a host name: with an IP address (the default `127.0.0.1`) passkeys are not
//! offered ([`relying_party`] says why) and the authenticator app is the factor.

use super::admin_login::{self, count_failure};
use super::audit;
use super::keys::secret_hash;
use crate::config::Config;
use crate::error::ServerError;
use crate::state::State;
use crate::storage::seal::{SealKey, Sealed};
use rusqlite::{Connection, OptionalExtension, params};
use std::net::IpAddr;
use webauthn_rs::prelude::{
    Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, Url, Uuid,
    Webauthn, WebauthnBuilder,
};

/// How long a started ceremony can be answered.
pub const CEREMONY_SECS: u64 = 5 * 60;

const REGISTER: &str = "register";
const AUTHENTICATE: &str = "authenticate";

/// The WebAuthn relying party of this server: id = the public URL's host, origin = its origin.
/// `E_SRV_PASSKEY_UNAVAILABLE` when the host is an IP address (or the URL has none).
pub fn relying_party(config: &Config) -> Result<Webauthn, ServerError> {
    let origin = Url::parse(&config.public_url).map_err(|_| ServerError::PasskeyUnavailable)?;
    let Some(url::Host::Domain(host)) = origin.host() else { return Err(ServerError::PasskeyUnavailable) };
    let host = host.to_string();
    WebauthnBuilder::new(&host, &origin)
        .and_then(|b| b.rp_name(&config.issuer).timeout(std::time::Duration::from_secs(CEREMONY_SECS)).build())
        .map_err(|_| ServerError::PasskeyUnavailable)
}

/// Whether admin `admin_id` has a passkey.
pub fn registered(conn: &Connection, admin_id: i64) -> Result<bool, ServerError> {
    Ok(conn.query_row("SELECT COUNT(*) FROM admin_passkeys WHERE admin_id = ?1", [admin_id], |r| r.get::<_, i64>(0))? > 0)
}

/// (row id, passkey) of each of the admin's passkeys.
fn passkeys(conn: &Connection, seal: &SealKey, admin_id: i64) -> Result<Vec<(i64, Passkey)>, ServerError> {
    let rows: Vec<(i64, Vec<u8>, Vec<u8>)> = {
        let mut q = conn.prepare("SELECT id, credential_id, passkey_sealed FROM admin_passkeys WHERE admin_id = ?1 ORDER BY id")?;
        q.query_map([admin_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?
    };
    rows.into_iter()
        .map(|(id, credential_id, sealed)| {
            let plain = seal.open(&Sealed::AdminPasskey { admin_id, credential_id: &credential_id }, &sealed)?;
            let key = serde_json::from_slice(&plain).map_err(|e| ServerError::Storage(format!("a stored passkey is unreadable: {e}")))?;
            Ok((id, key))
        })
        .collect()
}

fn seal_passkey(seal: &SealKey, admin_id: i64, key: &Passkey) -> Result<Vec<u8>, ServerError> {
    let json = zeroize::Zeroizing::new(serde_json::to_vec(key).map_err(|e| ServerError::Storage(e.to_string()))?);
    seal.seal(&Sealed::AdminPasskey { admin_id, credential_id: key.cred_id().as_ref() }, &json)
}

/// The user handle the authenticator keeps for an admin: derived from the row id under the
/// server's key, so it names no admin and is stable across resets.
fn user_handle(seal: &SealKey, admin_id: i64) -> Uuid {
    let tag = seal.tag("duet-admin-webauthn-user-v1", admin_id.to_string().as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&tag[..16]);
    Uuid::from_bytes(bytes)
}

fn totp_enrolled(conn: &Connection, admin_id: i64) -> Result<bool, ServerError> {
    conn.query_row("SELECT totp_enrolled FROM admins WHERE id = ?1", [admin_id], |r| r.get::<_, i64>(0))
        .optional()?
        .map(|v| v != 0)
        .ok_or(ServerError::LoginRequired)
}

fn keep_ceremony<T: serde::Serialize>(st: &State, conn: &Connection, token: &str, kind: &str, state: &T) -> Result<(), ServerError> {
    let session_hash = secret_hash(token);
    let json = zeroize::Zeroizing::new(serde_json::to_vec(state).map_err(|e| ServerError::Storage(e.to_string()))?);
    let sealed = st.seal().seal(&Sealed::AdminCeremony { session_hash: &session_hash, kind }, &json)?;
    conn.execute(
        "INSERT OR REPLACE INTO admin_ceremonies (session_hash, kind, state_sealed, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![session_hash, kind, sealed, (st.now() + CEREMONY_SECS) as i64],
    )?;
    Ok(())
}

/// A live ceremony taken out of the database.
struct Ceremony {
    /// [`REGISTER`] or [`AUTHENTICATE`].
    kind: String,
    /// The webauthn-rs state as JSON.
    state: zeroize::Zeroizing<Vec<u8>>,
}

/// Takes the session's ceremony out of the database, if one is live.
fn take_ceremony(st: &State, conn: &Connection, token: &str) -> Result<Option<Ceremony>, ServerError> {
    let session_hash = secret_hash(token);
    let row: Option<(String, Vec<u8>, i64)> = conn
        .query_row(
            "DELETE FROM admin_ceremonies WHERE session_hash = ?1 RETURNING kind, state_sealed, expires_at",
            [&session_hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((kind, sealed, expires_at)) = row else { return Ok(None) };
    if u64::try_from(expires_at).unwrap_or(0) <= st.now() {
        return Ok(None);
    }
    let state = st.seal().open(&Sealed::AdminCeremony { session_hash: &session_hash, kind: &kind }, &sealed)?;
    Ok(Some(Ceremony { kind, state }))
}

/// Starts the ceremony the admin's factor calls for, for the half-signed-in session `token`:
/// signing in with their passkeys when they have one, registering one when they have no second
/// factor at all. Returns the browser's options as JSON:
/// `{"ceremony": "register" | "authenticate", "options": {"publicKey": ...}}`.
pub fn start(st: &State, token: &str, admin_id: i64, admin_name: &str) -> Result<serde_json::Value, ServerError> {
    let rp = relying_party(&st.config)?;
    let conn = st.db();
    let keys: Vec<Passkey> = passkeys(&conn, st.seal(), admin_id)?.into_iter().map(|(_, k)| k).collect();
    if !keys.is_empty() {
        let (options, state) = rp.start_passkey_authentication(&keys).map_err(|_| ServerError::PasskeyRefused)?;
        keep_ceremony(st, &conn, token, AUTHENTICATE, &state)?;
        return Ok(serde_json::json!({ "ceremony": AUTHENTICATE, "options": to_json(&options)? }));
    }
    if totp_enrolled(&conn, admin_id)? {
        return Err(ServerError::PasskeySetupClosed);
    }
    let (options, state) = rp
        .start_passkey_registration(user_handle(st.seal(), admin_id), admin_name, admin_name, None)
        .map_err(|_| ServerError::PasskeyRefused)?;
    keep_ceremony(st, &conn, token, REGISTER, &state)?;
    Ok(serde_json::json!({ "ceremony": REGISTER, "options": to_json(&options)? }))
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, ServerError> {
    serde_json::to_value(v).map_err(|e| ServerError::Storage(e.to_string()))
}

/// Checks the browser's answer `credential` (the JSON of the `PublicKeyCredential`) to the
/// session's ceremony. On success the session may use the helpdesk (and a registered passkey is
/// stored); a failed sign-in answer is audited and counted like a wrong code.
pub fn finish(st: &State, token: &str, admin_id: i64, admin_name: &str, credential: &str, client: IpAddr) -> Result<(), ServerError> {
    let rp = relying_party(&st.config)?;
    let conn = st.db();
    let now = st.now();
    if admin_login::paused(&conn, admin_name, client, now)? {
        return Err(ServerError::LoginLocked);
    }
    let signing_in = registered(&conn, admin_id)?;
    let refuse = |e: ServerError, why: &str| -> Result<(), ServerError> {
        let action = if signing_in { "admin_passkey_failed" } else { "admin_passkey_register_failed" };
        audit::record(&conn, now, admin_name, action, None, &format!("from {client}: {why}"))?;
        // Registration answers guess nothing (there is no key yet); sign-in answers are counted.
        if signing_in && count_failure(&conn, admin_name, client, now)? {
            return Err(ServerError::LoginLocked);
        }
        Err(e)
    };
    let Some(Ceremony { kind, state }) = take_ceremony(st, &conn, token)? else {
        return refuse(ServerError::PasskeyExpired, "no live request");
    };
    match kind.as_str() {
        AUTHENTICATE if signing_in => {
            let state: PasskeyAuthentication = parse(&state)?;
            let Ok(answer) = serde_json::from_str::<PublicKeyCredential>(credential) else {
                return refuse(ServerError::PasskeyRefused, "malformed answer");
            };
            let result = match rp.finish_passkey_authentication(&answer, &state) {
                Ok(r) => r,
                Err(e) => return refuse(ServerError::PasskeyRefused, &reason(&e)),
            };
            let keys = passkeys(&conn, st.seal(), admin_id)?;
            let Some((row, mut key)) = keys.into_iter().find(|(_, k)| k.cred_id() == result.cred_id()) else {
                return refuse(ServerError::PasskeyRefused, "unknown credential");
            };
            // The counter and backup state move on with every use (a counter that went back
            // was already refused above as a possible clone).
            if key.update_credential(&result) == Some(true) {
                conn.execute("UPDATE admin_passkeys SET passkey_sealed = ?1 WHERE id = ?2", params![seal_passkey(st.seal(), admin_id, &key)?, row])?;
            }
            conn.execute("UPDATE admin_passkeys SET last_used_at = ?1 WHERE id = ?2", params![now as i64, row])?;
            pass(&conn, token, admin_name, client, now)
        }
        REGISTER if !signing_in => {
            if totp_enrolled(&conn, admin_id)? {
                return Err(ServerError::PasskeySetupClosed);
            }
            let state: PasskeyRegistration = parse(&state)?;
            let Ok(answer) = serde_json::from_str::<RegisterPublicKeyCredential>(credential) else {
                return refuse(ServerError::PasskeyRefused, "malformed answer");
            };
            let key = match rp.finish_passkey_registration(&answer, &state) {
                Ok(k) => k,
                Err(e) => return refuse(ServerError::PasskeyRefused, &reason(&e)),
            };
            let taken: bool = conn.query_row(
                "SELECT COUNT(*) FROM admin_passkeys WHERE credential_id = ?1",
                [key.cred_id().as_ref()],
                |r| r.get::<_, i64>(0),
            )? > 0;
            if taken {
                return refuse(ServerError::PasskeyRefused, "credential already registered");
            }
            conn.execute(
                "INSERT INTO admin_passkeys (admin_id, credential_id, passkey_sealed, created_at, last_used_at) VALUES (?1, ?2, ?3, ?4, ?4)",
                params![admin_id, key.cred_id().as_ref(), seal_passkey(st.seal(), admin_id, &key)?, now as i64],
            )?;
            // An authenticator-app secret shown but never confirmed must not become a second way in.
            conn.execute("UPDATE admins SET totp_sealed = NULL, totp_last_step = -1 WHERE id = ?1 AND totp_enrolled = 0", [admin_id])?;
            audit::record(&conn, now, admin_name, "admin_passkey_registered", None, &format!("from {client}"))?;
            pass(&conn, token, admin_name, client, now)
        }
        // The admin's factor changed since the ceremony started (registered or reset elsewhere).
        _ => refuse(ServerError::PasskeyExpired, "the request no longer fits the admin's factor"),
    }
}

/// What the audit log keeps of why webauthn-rs refused an answer: the error's name, short.
fn reason(e: &webauthn_rs::prelude::WebauthnError) -> String {
    format!("{e:?}").chars().take(80).collect()
}

fn parse<T: serde::de::DeserializeOwned>(state: &[u8]) -> Result<T, ServerError> {
    serde_json::from_slice(state).map_err(|e| ServerError::Storage(format!("a stored ceremony is unreadable: {e}")))
}

fn pass(conn: &Connection, token: &str, admin_name: &str, client: IpAddr, now: u64) -> Result<(), ServerError> {
    conn.execute("UPDATE sessions SET factor_ok = 1 WHERE token_hash = ?1", [secret_hash(token)])?;
    admin_login::passed(conn, client, now)?;
    audit::record(conn, now, admin_name, "admin_passkey_passed", None, &format!("from {client}"))?;
    Ok(())
}

/// Removes admin `admin_id`'s passkeys (the operator's reset); returns how many.
pub fn remove_all(conn: &Connection, admin_id: i64) -> Result<usize, ServerError> {
    Ok(conn.execute("DELETE FROM admin_passkeys WHERE admin_id = ?1", [admin_id])?)
}
