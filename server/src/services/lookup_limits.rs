//! Limits on wrong manual-code lookups, which are unauthenticated: per client address, so
//! one guesser cannot block everyone's enrollments, under a much higher ceiling for all
//! addresses together, which keeps distributed guessing of the 60-bit codes far below any
//! useful rate.

use super::throttle::{self, Rule};
use crate::error::ServerError;
use rusqlite::Connection;
use std::net::IpAddr;

/// Wrong lookups from one address per minute.
pub const ADDRESS_RULE: Rule = Rule { max_failures: 30, window_secs: 60, lock_secs: 60 };
/// Wrong lookups from all addresses together per minute.
pub const GLOBAL_RULE: Rule = Rule { max_failures: 1000, window_secs: 60, lock_secs: 60 };

const GLOBAL_KEY: &str = "lookup-all";

fn address_key(addr: IpAddr) -> String {
    format!("lookup-addr:{addr}")
}

/// `E_SRV_LOOKUP_LIMITED` while `client` or everyone is over the limit.
pub fn check(conn: &Connection, client: IpAddr, now: u64) -> Result<(), ServerError> {
    if throttle::locked(conn, &address_key(client), now)? || throttle::locked(conn, GLOBAL_KEY, now)? {
        return Err(ServerError::LookupLimited);
    }
    Ok(())
}

/// Counts a wrong lookup from `client`.
pub fn failed(conn: &Connection, client: IpAddr, now: u64) -> Result<(), ServerError> {
    throttle::fail(conn, &address_key(client), ADDRESS_RULE, now)?;
    throttle::fail(conn, GLOBAL_KEY, GLOBAL_RULE, now)?;
    Ok(())
}
