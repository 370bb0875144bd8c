//! Slowing pushes after a wrong number.
//!
//! A user who types a number without reading the sign-in screen gives a push-bombing attacker a
//! fresh guess with every push. So each wrong number pauses the user's pushes, doubling from
//! `Limits::wrong_number_pause` up to `Limits::wrong_number_pause_cap` (shorter than the mute
//! after a fraud report: a wrong number may be a typo). An approved push starts the count anew;
//! the helpdesk can lift the pause. The passcode keeps working throughout.

use crate::config::Limits;
use crate::error::ServerError;
use rusqlite::{Connection, params};

/// Records a wrong number for `user_id`; returns the end of the pause it starts.
pub fn record_wrong_number(conn: &Connection, user_id: i64, limits: &Limits, now: u64) -> Result<u64, ServerError> {
    let wrong: u32 = conn.query_row(
        "INSERT INTO push_backoff (user_id, wrong_numbers, until) VALUES (?1, 1, 0)
         ON CONFLICT(user_id) DO UPDATE SET wrong_numbers = wrong_numbers + 1
         RETURNING wrong_numbers",
        [user_id],
        |r| r.get(0),
    )?;
    let until = now + pause_secs(limits, wrong);
    conn.execute("UPDATE push_backoff SET until = ?1 WHERE user_id = ?2", params![until as i64, user_id])?;
    Ok(until)
}

/// The pause after the `wrong`-th wrong number in a row (1-based).
pub fn pause_secs(limits: &Limits, wrong: u32) -> u64 {
    let doubled = limits.wrong_number_pause.saturating_mul(1u64 << wrong.saturating_sub(1).min(32));
    doubled.min(limits.wrong_number_pause_cap)
}

/// Ends the pause and the count (an approved push, or the helpdesk lifting it).
pub fn clear(conn: &Connection, user_id: i64) -> Result<(), ServerError> {
    conn.execute("DELETE FROM push_backoff WHERE user_id = ?1", [user_id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_doubles_up_to_its_cap() {
        let l = Limits::default();
        let pauses: Vec<u64> = (1..=5).map(|n| pause_secs(&l, n)).collect();
        assert_eq!(pauses, [300, 600, 900, 900, 900]);
        assert!(l.wrong_number_pause_cap < l.mute_secs);
        assert_eq!(pause_secs(&l, u32::MAX), 900);
    }
}
