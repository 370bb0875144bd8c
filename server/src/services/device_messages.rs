//! Signed messages of enrolled devices: polls, answers, push tokens, unenrollment and device
//! key rotation (docs/protocol.md).
//!
//! The device named by a body's account id is only the key to verify against; nothing is
//! stored before the verifier accepted the message.

use super::signins::{self, Status};
use super::{audit, devices, push_backoff};
use crate::error::ServerError;
use crate::state::State;
use crate::storage::server_key;
use crate::verifier::{self, AnswerOutcome, DeviceCall, DeviceRecord, SignIn, SignInStatus, Verifier, VerifierError};
use duet_core::push::DenyReason;
use duet_core::push::wire::Envelope;
use rusqlite::{OptionalExtension, params};

/// How long closed sign-ins stay in poll responses (so other devices learn "answered elsewhere").
const CLOSED_VISIBLE_SECS: u64 = 600;

/// The active device a device message names, with its verifier record.
fn device_for(st: &State, body: &[u8]) -> Result<(devices::Device, DeviceRecord), ServerError> {
    let aid = verifier::device_message_account_id(body)?;
    let conn = st.db();
    let d = devices::by_account(&conn, &aid)?.ok_or(VerifierError::WrongAccount)?;
    let rec = devices::record(&conn, st.seal(), d.id)?;
    Ok((d, rec))
}

/// Phone time minus server time, from a verified message's `ts`.
fn clock_offset(body: &[u8], now: u64) -> Option<i64> {
    let env = Envelope::parse(body)?;
    let v: serde_json::Value = serde_json::from_slice(&env.payload).ok()?;
    v.get("ts")?.as_i64().map(|ts| ts.saturating_sub(now as i64))
}

/// A poll: pending requests, recently closed ones, and any server key rotation.
pub fn poll(st: &State, body: &[u8]) -> Result<Vec<u8>, ServerError> {
    let now = st.now();
    let (dev, rec) = device_for(st, body)?;
    let kv = st.verifier();
    let trusted_key = match kv.verifier.verify_device_call(&rec, body, now as i64)? {
        DeviceCall::Poll { trusted_key } => trusted_key,
        _ => return Err(VerifierError::WrongType.into()),
    };
    let conn = st.db();
    devices::touch(&conn, dev.id, now, clock_offset(body, now))?;
    signins::expire(&conn, now)?;
    let states: Vec<Vec<u8>> = {
        let mut q = conn.prepare(
            "SELECT request_state FROM signins WHERE user_id = ?1 AND kind = 'push' AND request_state IS NOT NULL
             AND (status = 'pending' OR answered_at > ?2 OR expires_at > ?2) ORDER BY created_at",
        )?;
        q.query_map(params![dev.user_id, now.saturating_sub(CLOSED_VISIBLE_SECS) as i64], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    };
    let sign_ins: Vec<SignIn> = states.iter().filter_map(|s| serde_json::from_slice(s).ok()).collect();
    // The signed poll names the key the phone trusts. Until that is the current key, every
    // poll carries the rotation signed by the trusted key, so a response lost on the way is
    // made up by the next poll and no phone has to enroll again.
    let current = kv.verifier.server_public_key();
    let rotation = if trusted_key != current {
        let (old_id, old) = server_key::by_public_key(&conn, st.seal(), &trusted_key)?.ok_or(VerifierError::ServerKeyUnknown)?;
        if dev.server_key_id != old_id {
            devices::set_server_key_id(&conn, dev.id, old_id)?;
        }
        let old_v = Verifier::new(old, &st.config.public_url, &st.config.issuer)?;
        Some(old_v.server_key_rotation(&rec, &current, now as i64)?)
    } else {
        if dev.server_key_id != kv.key_id {
            devices::set_server_key_id(&conn, dev.id, kv.key_id)?;
            audit::record(&conn, now, "device", "server_key_rotation_applied", None, &dev.account_id)?;
        }
        None
    };
    Ok(Verifier::poll_response(&rec, sign_ins.iter(), rotation.as_deref(), now as i64))
}

fn status_of(s: SignInStatus) -> Status {
    match s {
        SignInStatus::Pending => Status::Pending,
        SignInStatus::Approved => Status::Approved,
        SignInStatus::Denied(DenyReason::NotMe) => Status::Fraud,
        SignInStatus::Denied(_) => Status::Denied,
        SignInStatus::Failed => Status::FailedNumber,
        SignInStatus::Expired => Status::Expired,
    }
}

/// An answer: approve or deny; the first valid answer wins. A `not_me` denial mutes pushes.
///
/// The signature is checked without the database lock; the new state is then written only
/// if the stored state is still the one checked against. An answer that lost that race is
/// checked again against the winner's state, which refuses it as already answered, so the
/// stored status, the mute and both phones' views agree.
pub fn answer(st: &State, body: &[u8]) -> Result<AnswerOutcome, ServerError> {
    let now = st.now();
    let (dev, rec) = device_for(st, body)?;
    let cid = verifier::answer_challenge_id(body)?;
    loop {
        let row: Option<(i64, Option<Vec<u8>>)> = st
            .db()
            .query_row("SELECT user_id, request_state FROM signins WHERE id = ?1 AND kind = 'push'", [&cid], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        // A sign-in of another user is refused by the verifier after the signature check, as
        // `E_VERIFIER_WRONG_ACCOUNT` (it was not sent to this device).
        let (uid, state) = row.ok_or(VerifierError::WrongRequest)?;
        let state = state.ok_or_else(|| ServerError::Storage("sign-in state is missing".into()))?;
        let mut sign_in: SignIn =
            serde_json::from_slice(&state).map_err(|_| ServerError::Storage("sign-in state is unreadable".into()))?;
        let before = sign_in.clone();
        let result = st.verifier().verifier.verify_answer(&mut sign_in, &rec, body, now as i64);
        let mut conn = st.db();
        let tx = conn.transaction()?;
        devices::touch(&tx, dev.id, now, clock_offset(body, now))?;
        if sign_in != before {
            let json = serde_json::to_vec(&sign_in).map_err(|e| ServerError::Storage(e.to_string()))?;
            let won = tx.execute(
                "UPDATE signins SET request_state = ?1 WHERE id = ?2 AND request_state = ?3",
                params![json, cid, state],
            )? == 1;
            if !won {
                continue;
            }
            let status = status_of(sign_in.status);
            if status != Status::Pending && signins::close(&tx, &cid, status, Some(dev.id), now)? {
                let uname = || -> Result<String, ServerError> {
                    Ok(tx.query_row("SELECT name FROM users WHERE id = ?1", [uid], |r| r.get(0))?)
                };
                match status {
                    Status::Fraud => {
                        signins::mute(&tx, uid, now + st.config.limits.mute_secs)?;
                        audit::record(&tx, now, "device", "fraud_reported_pushes_muted", Some(&uname()?), &cid)?;
                    }
                    Status::FailedNumber => {
                        let until = push_backoff::record_wrong_number(&tx, uid, &st.config.limits, now)?;
                        audit::record(&tx, now, "device", "wrong_number_pushes_slowed", Some(&uname()?), &format!("{cid} until {until}"))?;
                    }
                    Status::Approved => push_backoff::clear(&tx, uid)?,
                    _ => {}
                }
            }
        }
        tx.commit()?;
        drop(conn);
        st.changed.notify_waiters();
        return Ok(result?);
    }
}

/// A push-token registration or an unenrollment.
pub fn device_call(st: &State, body: &[u8]) -> Result<(), ServerError> {
    let now = st.now();
    let (dev, rec) = device_for(st, body)?;
    let call = st.verifier().verifier.verify_device_call(&rec, body, now as i64)?;
    let conn = st.db();
    devices::touch(&conn, dev.id, now, clock_offset(body, now))?;
    match call {
        DeviceCall::PushToken { provider, token } => devices::set_push_token(&conn, dev.id, &provider, &token)?,
        DeviceCall::Unenroll => {
            devices::revoke(&conn, dev.user_id, dev.id, now)?;
            audit::record(&conn, now, "device", "device_unenrolled", None, &dev.account_id)?;
        }
        DeviceCall::Poll { .. } => return Err(VerifierError::WrongType.into()),
    }
    Ok(())
}

/// A device key rotation (signed by the old and the new key).
pub fn rotate_device_key(st: &State, body: &[u8]) -> Result<(), ServerError> {
    let now = st.now();
    let (dev, rec) = device_for(st, body)?;
    let updated = st.verifier().verifier.verify_device_key_rotation(&rec, body, now as i64)?;
    let conn = st.db();
    devices::set_record(&conn, st.seal(), dev.id, dev.user_id, &updated)?;
    devices::touch(&conn, dev.id, now, clock_offset(body, now))?;
    audit::record(&conn, now, "device", "device_key_rotated", None, &dev.account_id)?;
    Ok(())
}
