//! The sign-in API over HTTPS (blocking; the PAM stack is synchronous).

use crate::config::Config;
use crate::decision::Failure;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};

/// Largest answer read; the server's answers are a few hundred bytes.
const MAX_BODY: u64 = 64 * 1024;

/// A sign-in as the server reports it.
#[derive(Debug, Clone, Deserialize)]
pub struct Signin {
    pub id: String,
    pub status: String,
    #[serde(default)]
    pub number: Option<String>,
}

/// A refusal from the server: its stable code (`E_SRV_…`) and message.
#[derive(Debug, Clone, Deserialize)]
pub struct Refusal {
    pub error: String,
    #[serde(default)]
    pub message: String,
}

/// What a call produced: the expected body, or the server's refusal.
#[derive(Debug)]
pub enum Reply<T> {
    Ok(T),
    Refused(u16, Refusal),
}

/// What a sign-in call produced.
pub type Answer = Reply<Signin>;

/// The pre-check's verdict (`POST /api/v1/preauth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preauth {
    /// A service account: passes without a second factor.
    Exempt,
    /// Push or passcode.
    Auth,
    /// No device: passcodes only.
    NoDevice,
    /// No such user.
    Unknown,
}

#[derive(Deserialize)]
struct PreauthBody {
    result: Preauth,
}

/// Why a call produced no answer; `detail` is for the log and holds no secret.
#[derive(Debug)]
pub struct CallError {
    pub failure: Failure,
    pub detail: String,
}

/// Client fields shown on the phone.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct ClientInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
}

pub struct Client {
    agent: ureq::Agent,
    base: String,
    auth: String,
    pub status_wait: u64,
}

impl Client {
    /// Builds the agent. `api_key` is the application's key (kept only in the header value).
    pub fn new(cfg: &Config, api_key: &str) -> Result<Client, String> {
        let mut tls = TlsConfig::builder();
        if let Some(ca) = &cfg.cafile {
            let pem = std::fs::read(ca).map_err(|e| format!("cafile {}: {e}", ca.display()))?;
            let certs: Vec<Certificate<'static>> = ureq::tls::parse_pem(&pem)
                .filter_map(|i| match i {
                    Ok(PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect();
            if certs.is_empty() {
                return Err(format!("cafile {}: no certificate in it", ca.display()));
            }
            tls = tls.root_certs(RootCerts::Specific(Arc::new(certs)));
        }
        let proxy = match &cfg.http_proxy {
            Some(p) => Some(ureq::Proxy::new(p).map_err(|e| format!("http_proxy: {e}"))?),
            None => None,
        };
        let agent = ureq::Agent::config_builder()
            .tls_config(tls.build())
            .proxy(proxy)
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(cfg.timeout))
            .user_agent("pam_duet")
            .build()
            .new_agent();
        // A status long-poll waits less than the call's timeout, so a healthy wait never times out.
        let status_wait = cfg.timeout.as_secs().saturating_sub(3).min(25);
        Ok(Client { agent, base: cfg.url.clone(), auth: format!("Bearer {api_key}"), status_wait })
    }

    /// `POST /api/v1/preauth`: what the user can sign in with, before any prompt.
    pub fn preauth(&self, user: &str) -> Result<Reply<Preauth>, CallError> {
        let body = serde_json::json!({"user": user});
        let r = self.send("preauth", &body)?;
        Ok(match r {
            Reply::Ok(PreauthBody { result }) => Reply::Ok(result),
            Reply::Refused(status, f) => Reply::Refused(status, f),
        })
    }

    /// `POST /api/v1/signins` for a push.
    pub fn start_push(&self, user: &str, client: &ClientInfo) -> Result<Answer, CallError> {
        let body = serde_json::json!({"user": user, "method": "push", "client": client});
        self.post(&body)
    }

    /// `POST /api/v1/signins` for a passcode (the code travels only in this body).
    pub fn check_passcode(&self, user: &str, passcode: &str, client: &ClientInfo) -> Result<Answer, CallError> {
        let body = serde_json::json!({"user": user, "method": "passcode", "passcode": passcode, "client": client});
        self.post(&body)
    }

    /// `GET /api/v1/signins/{id}?wait=N`.
    pub fn status(&self, id: &str) -> Result<Answer, CallError> {
        if !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') || id.is_empty() {
            return Err(CallError { failure: Failure::Exchange, detail: "the server's sign-in id is malformed".into() });
        }
        let url = format!("{}/api/v1/signins/{id}?wait={}", self.base, self.status_wait);
        let r = self.agent.get(&url).header("Authorization", &self.auth).call();
        read(r)
    }

    fn post(&self, body: &serde_json::Value) -> Result<Answer, CallError> {
        self.send("signins", body)
    }

    fn send<T: serde::de::DeserializeOwned>(&self, path: &str, body: &serde_json::Value) -> Result<Reply<T>, CallError> {
        let url = format!("{}/api/v1/{path}", self.base);
        let r = self
            .agent
            .post(&url)
            .header("Authorization", &self.auth)
            .header("Content-Type", "application/json")
            .send(body.to_string().as_bytes());
        read(r)
    }
}

fn read<T: serde::de::DeserializeOwned>(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Result<Reply<T>, CallError> {
    let mut resp = r.map_err(classify)?;
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_string()
        .map_err(|e| CallError { failure: Failure::Exchange, detail: format!("reading the answer: {}", short(&e)) })?;
    let malformed = |what: &str| CallError {
        failure: Failure::Exchange,
        detail: format!("malformed answer (HTTP {status}): {what}"),
    };
    if status == 200 {
        let s: T = serde_json::from_str(&text).map_err(|_| malformed("not the expected object"))?;
        Ok(Reply::Ok(s))
    } else {
        let f: Refusal = serde_json::from_str(&text).map_err(|_| malformed("not an error object"))?;
        if !f.error.starts_with("E_") || f.error.len() > 64 {
            return Err(malformed("bad error code"));
        }
        Ok(Reply::Refused(status, f))
    }
}

/// Sorts a transport error into "never connected" and "failed after connecting".
fn classify(e: ureq::Error) -> CallError {
    use std::io::ErrorKind as K;
    use ureq::Timeout as T;
    let failure = match &e {
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed | ureq::Error::Tls(_) => Failure::Connect,
        ureq::Error::Rustls(_) => Failure::Connect,
        ureq::Error::Timeout(T::Resolve | T::Connect) => Failure::Connect,
        ureq::Error::Io(io) => match io.kind() {
            K::ConnectionRefused | K::AddrNotAvailable | K::HostUnreachable | K::NetworkUnreachable => {
                Failure::Connect
            }
            // A failed TLS handshake (untrusted certificate, wrong name) arrives as an I/O error
            // carrying the rustls error.
            K::InvalidData if io.get_ref().is_some_and(|i| i.is::<rustls::Error>()) => Failure::Connect,
            _ => Failure::Exchange,
        },
        _ => Failure::Exchange,
    };
    CallError { failure, detail: short(&e) }
}

/// An error's text on one line, bounded.
fn short(e: &dyn std::fmt::Display) -> String {
    let s: String = e.to_string().chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    s.chars().take(200).collect()
}

/// Brings a client field within the API's rules: at most 256 bytes, no control, bidirectional or
/// invisible characters (each replaced by `?`). `None` when nothing printable is left.
pub fn field(raw: &str) -> Option<String> {
    let mut out = String::new();
    for c in raw.chars() {
        let c = if hidden(c) { '?' } else { c };
        if out.len() + c.len_utf8() > 256 {
            break;
        }
        out.push(c);
    }
    let trimmed = out.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c as u32, 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F | 0xFEFF | 0x061C | 0x00AD | 0xFFF9..=0xFFFB)
}

/// The command sudo runs, from sudo's own `/proc/self/cmdline` (NUL-separated, `sudo` first),
/// as one line for the phone; `None` when there is no command (`sudo -v`, `sudo -i` alone).
pub fn sudo_command(cmdline: &[u8]) -> Option<String> {
    let words: Vec<String> = cmdline
        .split(|b| *b == 0)
        .skip(1)
        .filter(|w| !w.is_empty())
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Seconds to sleep between status calls when the server answers at once (it waits itself).
pub const POLL_FLOOR: Duration = Duration::from_millis(200);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fields_are_cut_and_cleaned() {
        assert_eq!(field("sudo\u{1b}[31m on host").as_deref(), Some("sudo?[31m on host"));
        assert_eq!(field("a\u{202e}b").as_deref(), Some("a?b"));
        assert_eq!(field("  ").as_deref(), None);
        assert_eq!(field(&"é".repeat(200)).unwrap().len(), 256);
    }

    #[test]
    fn sudo_command_line() {
        assert_eq!(sudo_command(b"sudo\0systemctl\0restart\0nginx\0").as_deref(), Some("systemctl restart nginx"));
        assert_eq!(sudo_command(b"sudo\0").as_deref(), None);
        assert_eq!(sudo_command(b"").as_deref(), None);
        // Through `field`, a hostile argument cannot put control characters on the phone.
        let cmd = sudo_command(b"sudo\0echo\0\x1b[2J\xff\0").unwrap();
        assert_eq!(field(&format!("sudo on h: {cmd}")).as_deref(), Some("sudo on h: echo ?[2J\u{fffd}"));
    }

    proptest! {
        #[test]
        fn any_field_fits_the_api(s in "(?s).{0,400}") {
            if let Some(f) = field(&s) {
                prop_assert!(f.len() <= 256 && !f.is_empty());
                prop_assert!(!f.chars().any(hidden));
            }
        }
    }
}
