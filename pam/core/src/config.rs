//! The module's configuration file: `key = value` lines, `#` comments.
//!
//! Parsing is pure (text in, typed value or error out) so every rule is unit-tested; the file
//! checks that need the file system (owner, mode) live in [`crate::system`].

use std::path::PathBuf;
use std::time::Duration;

/// Default configuration file, overridden by the PAM argument `conf=PATH`.
pub const DEFAULT_PATH: &str = "/etc/duet/pam.conf";

/// What to do when the attempt's first call cannot reach the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailMode {
    /// Deny (the default).
    Secure,
    /// Allow, and log it.
    Safe,
}

/// One entry of `groups`: a glob over group names, possibly negated with `!`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupPattern {
    pub negated: bool,
    pub glob: String,
}

/// A parsed configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Base URL of the duet server, without a trailing slash.
    pub url: String,
    pub api_key_file: PathBuf,
    pub cafile: Option<PathBuf>,
    pub http_proxy: Option<String>,
    /// Per HTTP call.
    pub timeout: Duration,
    pub failmode: FailMode,
    pub autopush: bool,
    pub prompts: u32,
    pub pushinfo: bool,
    /// Empty: every user needs the second factor.
    pub groups: Vec<GroupPattern>,
    /// Emergency codes' hashes, accepted only while the server cannot be reached.
    pub break_glass_file: Option<PathBuf>,
}

/// Why a configuration is refused. The message names the line and key, never a value that
/// could be a secret (the file holds none, but a misplaced key could be pasted into it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("line {line}: not of the form `key = value`")]
    Syntax { line: usize },
    #[error("line {line}: unknown key `{key}`")]
    UnknownKey { line: usize, key: String },
    #[error("line {line}: `{key}` is given twice")]
    Duplicate { line: usize, key: String },
    #[error("line {line}: bad value for `{key}`: {why}")]
    BadValue { line: usize, key: &'static str, why: &'static str },
    #[error("`{0}` is required")]
    Missing(&'static str),
}

/// Keys the file may hold.
const KEYS: &[&str] = &[
    "url", "api_key_file", "cafile", "http_proxy", "timeout", "failmode", "autopush", "prompts", "pushinfo", "groups",
    "break_glass_file",
];

/// Parses the file's text.
pub fn parse(text: &str) -> Result<Config, ConfigError> {
    let mut seen: Vec<(&'static str, usize, &str)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let (k, v) = l.split_once('=').ok_or(ConfigError::Syntax { line })?;
        let (k, v) = (k.trim(), v.trim());
        let key = *KEYS
            .iter()
            .find(|known| **known == k)
            .ok_or_else(|| ConfigError::UnknownKey { line, key: printable(k) })?;
        if seen.iter().any(|(s, _, _)| *s == key) {
            return Err(ConfigError::Duplicate { line, key: key.to_string() });
        }
        seen.push((key, line, v));
    }
    let get = |key: &str| seen.iter().find(|(k, _, _)| *k == key).map(|(k, l, v)| (*k, *l, *v));
    let bad = |key: &'static str, line: usize, why: &'static str| ConfigError::BadValue { line, key, why };

    let (_, l, url) = get("url").ok_or(ConfigError::Missing("url"))?;
    let url = check_url(url).map_err(|why| bad("url", l, why))?;
    let (_, l, akf) = get("api_key_file").ok_or(ConfigError::Missing("api_key_file"))?;
    let api_key_file = abs_path(akf).ok_or(bad("api_key_file", l, "an absolute path is required"))?;
    let cafile = match get("cafile") {
        Some((_, l, v)) => Some(abs_path(v).ok_or(bad("cafile", l, "an absolute path is required"))?),
        None => None,
    };
    let http_proxy = match get("http_proxy") {
        Some((_, l, v)) => {
            let ok = (v.starts_with("http://") || v.starts_with("https://")) && v.len() > 8 && !has_control(v);
            if !ok {
                return Err(bad("http_proxy", l, "expected http://host:port"));
            }
            Some(v.to_string())
        }
        None => None,
    };
    let timeout = match get("timeout") {
        Some((_, l, v)) => match v.parse::<u64>() {
            Ok(s) if (5..=120).contains(&s) => Duration::from_secs(s),
            _ => return Err(bad("timeout", l, "whole seconds from 5 to 120 expected")),
        },
        None => Duration::from_secs(15),
    };
    let failmode = match get("failmode") {
        Some((_, _, "secure")) | None => FailMode::Secure,
        Some((_, _, "safe")) => FailMode::Safe,
        Some((_, l, _)) => return Err(bad("failmode", l, "expected `secure` or `safe`")),
    };
    let yes_no = |key: &'static str, default: bool| match get(key) {
        None => Ok(default),
        Some((_, _, "yes")) => Ok(true),
        Some((_, _, "no")) => Ok(false),
        Some((_, l, _)) => Err(bad(key, l, "expected `yes` or `no`")),
    };
    let autopush = yes_no("autopush", false)?;
    let pushinfo = yes_no("pushinfo", false)?;
    let prompts = match get("prompts") {
        Some((_, l, v)) => match v.parse::<u32>() {
            Ok(n) if (1..=10).contains(&n) => n,
            _ => return Err(bad("prompts", l, "a number from 1 to 10 expected")),
        },
        None => 3,
    };
    let groups = match get("groups") {
        Some((_, l, v)) => parse_groups(v).ok_or(bad("groups", l, "expected comma-separated group patterns, `!` to negate"))?,
        None => Vec::new(),
    };
    let break_glass_file = match get("break_glass_file") {
        Some((_, l, v)) => Some(abs_path(v).ok_or(bad("break_glass_file", l, "an absolute path is required"))?),
        None => None,
    };
    Ok(Config { url, api_key_file, cafile, http_proxy, timeout, failmode, autopush, prompts, pushinfo, groups, break_glass_file })
}

/// `https://` anywhere; `http://` only to the loopback host, where no network sees the key.
fn check_url(v: &str) -> Result<String, &'static str> {
    if has_control(v) || v.contains(char::is_whitespace) {
        return Err("no spaces or control characters allowed");
    }
    let rest = if let Some(r) = v.strip_prefix("https://") {
        r
    } else if let Some(r) = v.strip_prefix("http://") {
        let host = host_of(r);
        let loopback_v4 = host.parse::<std::net::Ipv4Addr>().is_ok_and(|a| a.is_loopback());
        if !(loopback_v4 || host == "[::1]" || host == "localhost") {
            return Err("https:// is required except on the loopback host");
        }
        r
    } else {
        return Err("https:// URL expected");
    };
    if host_of(rest).is_empty() || rest.contains(['?', '#', '@']) {
        return Err("expected https://host[:port][/path]");
    }
    Ok(v.trim_end_matches('/').to_string())
}

/// The host part of `host[:port][/path]` (keeps an IPv6 literal's brackets).
fn host_of(rest: &str) -> &str {
    let authority = rest.split('/').next().unwrap_or("");
    if authority.starts_with('[') {
        return authority.find(']').map_or("", |e| &authority[..=e]);
    }
    authority.split(':').next().unwrap_or("")
}

fn abs_path(v: &str) -> Option<PathBuf> {
    (v.starts_with('/') && !has_control(v)).then(|| PathBuf::from(v))
}

fn parse_groups(v: &str) -> Option<Vec<GroupPattern>> {
    let mut out = Vec::new();
    for item in v.split(',') {
        let item = item.trim();
        let (negated, glob) = match item.strip_prefix('!') {
            Some(g) => (true, g.trim()),
            None => (false, item),
        };
        if glob.is_empty() || has_control(glob) || glob.contains(char::is_whitespace) {
            return None;
        }
        out.push(GroupPattern { negated, glob: glob.to_string() });
    }
    Some(out)
}

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// A key as it may be logged: control characters escaped, at most 40 characters.
fn printable(s: &str) -> String {
    s.chars().take(40).flat_map(char::escape_debug).collect()
}

/// Parses the PAM line's arguments: only `conf=PATH` is known; anything else is refused.
pub fn conf_path(args: &[&str]) -> Result<PathBuf, String> {
    let mut path = PathBuf::from(DEFAULT_PATH);
    for a in args {
        match a.strip_prefix("conf=") {
            Some(p) if p.starts_with('/') => path = PathBuf::from(p),
            _ => return Err(format!("unknown module argument `{}` (only conf=/absolute/path)", printable(a))),
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MIN: &str = "url = https://mfa.example.com\napi_key_file = /etc/duet/pam.key\n";

    #[test]
    fn minimal_file_gets_the_defaults() {
        let c = parse(MIN).unwrap();
        assert_eq!(c.url, "https://mfa.example.com");
        assert_eq!(c.timeout, Duration::from_secs(15));
        assert_eq!(c.failmode, FailMode::Secure);
        assert_eq!((c.autopush, c.pushinfo, c.prompts), (false, false, 3));
        assert!(c.groups.is_empty());
        assert!(c.cafile.is_none() && c.http_proxy.is_none());
    }

    #[test]
    fn every_key_is_read() {
        let text = format!(
            "# comment\n{MIN}cafile = /etc/ssl/ca.pem\nhttp_proxy = http://proxy:3128\ntimeout = 7\n\
             failmode = safe\nautopush = yes\nprompts = 1\npushinfo = yes\ngroups = admins, !guests ,dev*\n\
             break_glass_file = /etc/duet/break-glass\n"
        );
        let c = parse(&text).unwrap();
        assert_eq!(c.cafile.as_deref(), Some(std::path::Path::new("/etc/ssl/ca.pem")));
        assert_eq!(c.http_proxy.as_deref(), Some("http://proxy:3128"));
        assert_eq!(c.timeout, Duration::from_secs(7));
        assert_eq!(c.failmode, FailMode::Safe);
        assert_eq!((c.autopush, c.pushinfo, c.prompts), (true, true, 1));
        let g: Vec<_> = c.groups.iter().map(|g| (g.negated, g.glob.as_str())).collect();
        assert_eq!(g, [(false, "admins"), (true, "guests"), (false, "dev*")]);
        assert_eq!(c.break_glass_file.as_deref(), Some(std::path::Path::new("/etc/duet/break-glass")));
    }

    #[test]
    fn plain_http_only_on_loopback() {
        for ok in ["http://127.0.0.1:8440", "http://localhost/mfa/", "http://[::1]:9", "https://h"] {
            assert!(parse(&MIN.replace("https://mfa.example.com", ok)).is_ok(), "{ok}");
        }
        for bad in ["http://mfa.example.com", "http://127.0.0.1.evil.com", "ftp://x", "https://", "https://u@h", "mfa"] {
            let e = parse(&MIN.replace("https://mfa.example.com", bad)).unwrap_err();
            assert!(matches!(e, ConfigError::BadValue { key: "url", line: 1, .. }), "{bad}: {e}");
        }
    }

    #[test]
    fn refusals_name_line_and_key() {
        let cases: &[(&str, &str)] = &[
            ("colour = blue\n", "line 3: unknown key `colour`"),
            ("failmode = open\n", "line 3: bad value for `failmode`: expected `secure` or `safe`"),
            ("timeout = 0\n", "line 3: bad value for `timeout`: whole seconds from 5 to 120 expected"),
            ("autopush = true\n", "line 3: bad value for `autopush`: expected `yes` or `no`"),
            ("prompts = 0\n", "line 3: bad value for `prompts`: a number from 1 to 10 expected"),
            ("groups = a,,b\n", "line 3: bad value for `groups`: expected comma-separated group patterns, `!` to negate"),
            ("url = https://other\n", "line 3: `url` is given twice"),
            ("just words\n", "line 3: not of the form `key = value`"),
            ("cafile = ca.pem\n", "line 3: bad value for `cafile`: an absolute path is required"),
        ];
        for (extra, want) in cases {
            assert_eq!(parse(&format!("{MIN}{extra}")).unwrap_err().to_string(), *want);
        }
        assert_eq!(parse("api_key_file = /k\n").unwrap_err(), ConfigError::Missing("url"));
        assert_eq!(parse("url = https://h\n").unwrap_err(), ConfigError::Missing("api_key_file"));
    }

    #[test]
    fn module_arguments() {
        assert_eq!(conf_path(&[]).unwrap(), PathBuf::from(DEFAULT_PATH));
        assert_eq!(conf_path(&["conf=/etc/x.conf"]).unwrap(), PathBuf::from("/etc/x.conf"));
        assert!(conf_path(&["conf=rel.conf"]).is_err());
        assert!(conf_path(&["debug"]).is_err());
    }

    proptest! {
        // Whatever the file holds, parsing answers (no panic), and an error message is one line.
        #[test]
        fn any_text_parses_or_refuses_in_one_line(text in "(?s).{0,400}") {
            if let Err(e) = parse(&text) { prop_assert!(!e.to_string().contains('\n')); }
        }

        // A line added with an unknown key always refuses the whole file.
        #[test]
        fn unknown_keys_always_refuse(key in "[a-z_]{1,20}") {
            prop_assume!(!KEYS.contains(&key.as_str()));
            let refused = matches!(parse(&format!("{MIN}{key} = 1\n")), Err(ConfigError::UnknownKey { .. }));
            prop_assert!(refused);
        }

        // failmode accepts exactly its two words.
        #[test]
        fn failmode_accepts_exactly_two_words(v in "[a-z]{0,8}") {
            let r = parse(&format!("{MIN}failmode = {v}\n"));
            prop_assert_eq!(r.is_ok(), v == "secure" || v == "safe");
        }
    }
}
