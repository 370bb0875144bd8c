//! One line per event to the system log (`LOG_AUTHPRIV`), as other PAM modules do.

use std::ffi::CString;

#[derive(Clone, Copy)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// Logs `msg` under `pam_duet(SERVICE)`. Control characters are escaped so a user-supplied
/// value cannot forge a second line.
pub fn log(level: Level, service: &str, msg: &str) {
    let prio = match level {
        Level::Info => libc::LOG_INFO,
        Level::Warning => libc::LOG_WARNING,
        Level::Error => libc::LOG_ERR,
    };
    let line = format!("pam_duet({}): {}", clean(service), clean(msg));
    if let Ok(c) = CString::new(line) {
        // SAFETY: a constant "%s" format with one NUL-terminated argument.
        unsafe { libc::syslog(libc::LOG_AUTHPRIV | prio, c"%s".as_ptr(), c.as_ptr()) };
    }
}

/// Escapes control characters (and NUL) so the text stays on one line.
pub fn clean(s: &str) -> String {
    s.chars().flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] }).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_cannot_forge_lines() {
        assert_eq!(super::clean("a\nb\0c"), "a\\nb\\u{0}c");
    }
}
