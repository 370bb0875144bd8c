//! Enrolled devices (phones, CLI software devices) of each user.

use crate::error::ServerError;
use crate::storage::seal::{SealKey, Sealed};
use crate::verifier::DeviceRecord;
use rusqlite::{Connection, OptionalExtension, params};

/// A device row.
#[derive(Clone, Debug)]
pub struct Device {
    /// Row id.
    pub id: i64,
    /// Owner.
    pub user_id: i64,
    /// Protocol account id (the audience of its requests).
    pub account_id: String,
    /// Platform the device reported (android, ios, cli, ...).
    pub platform: String,
    /// Label the device reported.
    pub label: String,
    /// Enrolled at.
    pub enrolled_at: u64,
    /// Last signed poll or answer.
    pub last_seen: Option<u64>,
    /// Device clock minus server clock, seconds, as last reported.
    pub clock_offset: Option<i64>,
    /// Revoked at.
    pub revoked_at: Option<u64>,
    /// Row id of the server key this device trusts.
    pub server_key_id: i64,
}

const COLS: &str = "id, user_id, account_id, platform, label, enrolled_at, last_seen, clock_offset, revoked_at, server_key_id";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Device> {
    Ok(Device {
        id: r.get(0)?,
        user_id: r.get(1)?,
        account_id: r.get(2)?,
        platform: r.get(3)?,
        label: r.get(4)?,
        enrolled_at: r.get::<_, i64>(5)? as u64,
        last_seen: r.get::<_, Option<i64>>(6)?.map(|v| v as u64),
        clock_offset: r.get(7)?,
        revoked_at: r.get::<_, Option<i64>>(8)?.map(|v| v as u64),
        server_key_id: r.get(9)?,
    })
}

/// All devices of a user (revoked ones too, for the history).
pub fn for_user(conn: &Connection, user_id: i64) -> Result<Vec<Device>, ServerError> {
    let mut st = conn.prepare(&format!("SELECT {COLS} FROM devices WHERE user_id = ?1 ORDER BY id"))?;
    let v = st.query_map([user_id], row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(v)
}

/// Active devices of a user.
pub fn active_for_user(conn: &Connection, user_id: i64) -> Result<Vec<Device>, ServerError> {
    Ok(for_user(conn, user_id)?.into_iter().filter(|d| d.revoked_at.is_none()).collect())
}

/// An active device by its protocol account id.
pub fn by_account(conn: &Connection, account_id: &str) -> Result<Option<Device>, ServerError> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLS} FROM devices WHERE account_id = ?1 AND revoked_at IS NULL"),
            [account_id],
            row,
        )
        .optional()?)
}

/// A device by row id.
pub fn by_id(conn: &Connection, id: i64) -> Result<Option<Device>, ServerError> {
    Ok(conn.query_row(&format!("SELECT {COLS} FROM devices WHERE id = ?1"), [id], row).optional()?)
}

/// A device's verifier record (its registered public key etc.), sealed to the device's row so
/// a key written into the database by anyone without the key file does not verify.
pub fn record(conn: &Connection, seal: &SealKey, id: i64) -> Result<DeviceRecord, ServerError> {
    let (sealed, account_id, user_id): (Vec<u8>, String, i64) = conn.query_row(
        "SELECT state, account_id, user_id FROM devices WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let state = seal.open(&Sealed::DeviceState { account_id: &account_id, user_id }, &sealed)?;
    serde_json::from_slice(&state).map_err(|e| ServerError::Storage(format!("device {id} state is unreadable: {e}")))
}

/// What the helpdesk shows of a device's keys.
pub struct KeySummary {
    /// The device key's fingerprint, as the phone's settings show it.
    pub fingerprint: String,
    /// Where the phone said it keeps the key (`strongbox`, `tee`, `secure_enclave`, `software`).
    pub keystore: String,
    /// Answers are signed by an answer key of their own.
    pub answer_key: bool,
}

/// The key summary of device `id`, from its sealed record.
pub fn key_summary(conn: &Connection, seal: &SealKey, id: i64) -> Result<KeySummary, ServerError> {
    let r = record(conn, seal, id)?;
    Ok(KeySummary {
        fingerprint: duet_core::push::wire::fingerprint(&r.public_key),
        keystore: r.keystore,
        answer_key: r.answer_key.is_some(),
    })
}

/// `record` sealed for device `account_id` of user `user_id`.
pub fn seal_record(seal: &SealKey, record: &DeviceRecord, user_id: i64) -> Result<Vec<u8>, ServerError> {
    let json = serde_json::to_vec(record).map_err(|e| ServerError::Storage(e.to_string()))?;
    seal.seal(&Sealed::DeviceState { account_id: &record.account_id, user_id }, &json)
}

/// Replaces a device's verifier state (after a device key rotation).
pub fn set_record(conn: &Connection, seal: &SealKey, id: i64, user_id: i64, record: &DeviceRecord) -> Result<(), ServerError> {
    conn.execute("UPDATE devices SET state = ?1 WHERE id = ?2", params![seal_record(seal, record, user_id)?, id])?;
    Ok(())
}

/// Data of a newly registered device.
pub struct NewDevice<'a> {
    /// Owner.
    pub user_id: i64,
    /// Protocol account id.
    pub account_id: &'a str,
    /// Verifier state, sealed ([`seal_record`]).
    pub state: &'a [u8],
    /// Platform.
    pub platform: &'a str,
    /// Label.
    pub label: &'a str,
    /// Sealed offline passcode secret, if the server issued one.
    pub otp_secret_sealed: Option<&'a [u8]>,
    /// The server key the device registered under.
    pub server_key_id: i64,
}

/// Stores a newly registered device.
pub fn insert(conn: &Connection, d: &NewDevice<'_>, now: u64) -> Result<i64, ServerError> {
    conn.execute(
        "INSERT INTO devices (user_id, account_id, state, platform, label, otp_secret_sealed, enrolled_at, last_seen, server_key_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
        params![d.user_id, d.account_id, d.state, d.platform, d.label, d.otp_secret_sealed, now as i64, d.server_key_id],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Records that a device was seen, with the clock offset it showed.
pub fn touch(conn: &Connection, id: i64, now: u64, clock_offset: Option<i64>) -> Result<(), ServerError> {
    conn.execute(
        "UPDATE devices SET last_seen = ?1, clock_offset = COALESCE(?2, clock_offset) WHERE id = ?3",
        params![now as i64, clock_offset, id],
    )?;
    Ok(())
}

/// Revokes a device; returns false if it was unknown or already revoked.
pub fn revoke(conn: &Connection, user_id: i64, id: i64, now: u64) -> Result<bool, ServerError> {
    let n = conn.execute(
        "UPDATE devices SET revoked_at = ?1 WHERE id = ?2 AND user_id = ?3 AND revoked_at IS NULL",
        params![now as i64, id, user_id],
    )?;
    Ok(n == 1)
}

/// Revokes device `id` of user `user_id` for `actor` (a lost phone) and records it;
/// `E_SRV_DEVICE_UNKNOWN` if the user has no such active device.
pub fn revoke_for(conn: &Connection, actor: &str, user_id: i64, id: i64, now: u64) -> Result<Device, ServerError> {
    let u = super::users::get(conn, user_id)?;
    if !revoke(conn, u.id, id, now)? {
        return Err(ServerError::DeviceUnknown);
    }
    super::audit::record(conn, now, actor, "device_revoked", Some(&u.name), &id.to_string())?;
    by_id(conn, id)?.ok_or(ServerError::DeviceUnknown)
}

/// A device's sealed offline-passcode secret: (device id, account id, sealed, last step).
pub type OtpSecretRow = (i64, String, Vec<u8>, i64);

/// Sealed offline-passcode secrets of a user's active devices.
pub fn otp_secrets(conn: &Connection, user_id: i64) -> Result<Vec<OtpSecretRow>, ServerError> {
    let mut st = conn.prepare(
        "SELECT id, account_id, otp_secret_sealed, last_otp_step FROM devices
         WHERE user_id = ?1 AND revoked_at IS NULL AND otp_secret_sealed IS NOT NULL",
    )?;
    let v = st
        .query_map([user_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(v)
}

/// Stores the last accepted TOTP step of a device (a code is accepted once).
pub fn set_last_otp_step(conn: &Connection, id: i64, step: u64) -> Result<(), ServerError> {
    conn.execute("UPDATE devices SET last_otp_step = ?1 WHERE id = ?2", params![step as i64, id])?;
    Ok(())
}

/// Records that a device now trusts server key `key_id` (its rotation message was sent).
pub fn set_server_key_id(conn: &Connection, id: i64, key_id: i64) -> Result<(), ServerError> {
    conn.execute("UPDATE devices SET server_key_id = ?1 WHERE id = ?2", params![key_id, id])?;
    Ok(())
}

/// Stores a device's push token (FCM or APNs) for wake-ups.
pub fn set_push_token(conn: &Connection, id: i64, provider: &str, token: &str) -> Result<(), ServerError> {
    conn.execute(
        "UPDATE devices SET push_provider = ?1, push_token = ?2 WHERE id = ?3",
        params![provider, token, id],
    )?;
    Ok(())
}

/// The push token (provider, token) stored for an active device, if any.
pub fn push_token(conn: &Connection, account_id: &str) -> Result<Option<(String, String)>, ServerError> {
    Ok(conn
        .query_row(
            "SELECT push_provider, push_token FROM devices WHERE account_id = ?1 AND revoked_at IS NULL AND push_token IS NOT NULL",
            [account_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}
