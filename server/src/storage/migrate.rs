//! Bringing a database written by an earlier duet up to the current schema, once, when the
//! server starts: in one transaction, so a failed migration leaves the database as it was.
//!
//! Schema 1 → 2: sealed values are bound to their rows (`seal::Sealed`), device states are
//! sealed, manual codes are kept as a keyed hash and a sealed copy instead of in clear, and
//! admins get a second factor (sessions made before it must pass it too).
//!
//! Schema 2 → 3: admins' passkeys. Only new tables (`admin_passkeys`, `admin_ceremonies`),
//! which opening the database creates (`db::open`); the version marks that admins may rely on
//! them, so older duets refuse the database.

use super::db::SCHEMA_VERSION;
use super::seal::{SealKey, Sealed};
use crate::error::ServerError;
use rusqlite::{Connection, params};

/// Migrates `conn` to [`SCHEMA_VERSION`]; nothing to do for a current database.
pub fn to_current(conn: &mut Connection, seal: &SealKey) -> Result<(), ServerError> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version >= SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction()?;
    if version < 2 {
        bind_sealed_values(&tx, seal)?;
        add_admin_factor(&tx)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

fn add_admin_factor(tx: &Connection) -> Result<(), ServerError> {
    tx.execute_batch(
        "ALTER TABLE admins ADD COLUMN totp_sealed BLOB;
         ALTER TABLE admins ADD COLUMN totp_enrolled INTEGER NOT NULL DEFAULT 0;
         ALTER TABLE admins ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT -1;
         ALTER TABLE sessions ADD COLUMN factor_ok INTEGER NOT NULL DEFAULT 0;",
    )?;
    Ok(())
}

/// A blob sealed for `what` by purpose alone, sealed again bound to its row.
fn reseal(seal: &SealKey, what: &Sealed<'_>, old: &[u8]) -> Result<Vec<u8>, ServerError> {
    seal.seal(what, &seal.open_unbound(what, old)?)
}

fn bind_sealed_values(tx: &Connection, seal: &SealKey) -> Result<(), ServerError> {
    tx.execute_batch(
        "ALTER TABLE enrollments ADD COLUMN code_hash BLOB;
         ALTER TABLE enrollments ADD COLUMN code_sealed BLOB;
         ALTER TABLE enrollments ADD COLUMN lookups_left INTEGER NOT NULL DEFAULT 0;
         ALTER TABLE enrollments ADD COLUMN device_id INTEGER;",
    )?;
    let rows: Vec<(String, i64, Vec<u8>, Option<String>)> = {
        let mut q = tx.prepare("SELECT id, user_id, secret_sealed, code FROM enrollments")?;
        q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect::<Result<_, _>>()?
    };
    for (id, user_id, secret, code) in rows {
        let secret = reseal(seal, &Sealed::EnrollmentSecret { id: &id, user_id }, &secret)?;
        let (hash, sealed, lookups) = match code {
            Some(c) => (
                Some(seal.tag(crate::services::enrollments::CODE_TAG, c.as_bytes())),
                Some(seal.seal(&Sealed::EnrollmentCode { id: &id, user_id }, c.as_bytes())?),
                crate::services::enrollments::CODE_LOOKUPS,
            ),
            None => (None, None, 0),
        };
        tx.execute(
            "UPDATE enrollments SET secret_sealed = ?1, code_hash = ?2, code_sealed = ?3, lookups_left = ?4 WHERE id = ?5",
            params![secret, hash, sealed, lookups, id],
        )?;
    }
    tx.execute_batch("ALTER TABLE enrollments DROP COLUMN code;")?;
    // (id, account id, user id, state, sealed offline secret)
    type DeviceRow = (i64, String, i64, Vec<u8>, Option<Vec<u8>>);
    let devices: Vec<DeviceRow> = {
        let mut q = tx.prepare("SELECT id, account_id, user_id, state, otp_secret_sealed FROM devices")?;
        q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?.collect::<Result<_, _>>()?
    };
    for (id, account_id, user_id, state, otp) in devices {
        let state = seal.seal(&Sealed::DeviceState { account_id: &account_id, user_id }, &state)?;
        let otp = otp.map(|o| reseal(seal, &Sealed::DeviceOtpSecret { account_id: &account_id, user_id }, &o)).transpose()?;
        tx.execute("UPDATE devices SET state = ?1, otp_secret_sealed = ?2 WHERE id = ?3", params![state, otp, id])?;
    }
    let keys: Vec<(i64, Vec<u8>, Vec<u8>)> = {
        let mut q = tx.prepare("SELECT id, public_key, sealed_private FROM server_keys")?;
        q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?
    };
    for (id, public_key, sealed) in keys {
        let sealed = reseal(seal, &Sealed::ServerKey { public_key: &public_key }, &sealed)?;
        tx.execute("UPDATE server_keys SET sealed_private = ?1 WHERE id = ?2", params![sealed, id])?;
    }
    Ok(())
}
