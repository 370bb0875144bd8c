//! Which servers may be contacted, and how.

use super::error::TransportError;
use std::net::IpAddr;
use url::{Host, Url};

/// Whether TLS certificates are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TlsMode {
    /// Normal: the certificate must chain to a trusted root and name the host.
    Verify,
    /// The server's own enrollment data said `sslverify=0`. Anyone on the network
    /// path can read and change the traffic; the user is warned every time.
    InsecureSkipVerify,
}

/// A server URL that passed duet's policy: `https://`, or `http://` to a loopback
/// address (a server on this machine, as in tests and demos).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    url: Url,
    tls: TlsMode,
}

impl Endpoint {
    /// Checks `url` against the policy. `verify_tls = false` (from `sslverify=0`)
    /// is honoured for https; callers must show [`Endpoint::warning`] to the user.
    pub fn parse(url: &str, verify_tls: bool) -> Result<Endpoint, TransportError> {
        let parsed = Url::parse(url.trim()).map_err(|_| TransportError::InvalidUrl)?;
        let host = parsed.host().ok_or(TransportError::InvalidUrl)?;
        match parsed.scheme() {
            "https" => {}
            "http" => {
                if !is_loopback(&host) {
                    return Err(TransportError::InsecureScheme { host: host.to_string() });
                }
            }
            _ => return Err(TransportError::UnsupportedScheme),
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            // Credentials in the URL would end up in logs and error messages.
            return Err(TransportError::InvalidUrl);
        }
        let tls = if verify_tls || parsed.scheme() == "http" {
            TlsMode::Verify
        } else {
            TlsMode::InsecureSkipVerify
        };
        Ok(Endpoint { url: parsed, tls })
    }

    /// The checked URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The host, for messages.
    pub fn host(&self) -> String {
        self.url.host_str().unwrap_or_default().to_string()
    }

    /// How TLS is checked for this endpoint.
    pub fn tls(&self) -> TlsMode {
        self.tls
    }

    /// The sentence to show the user when certificate checks are off, else `None`.
    pub fn warning(&self) -> Option<String> {
        match self.tls {
            TlsMode::Verify => None,
            TlsMode::InsecureSkipVerify => Some(format!(
                "warning: the server {} asked duet not to check its certificate (sslverify=0); \
                 anyone on the network could read or change this exchange",
                self.host()
            )),
        }
    }
}

/// Whether `host_and_port` (as in a URL: `localhost:8440`, `127.0.0.1`, `[::1]:80`) names this
/// machine: a loopback IP address or exactly `localhost`. The one loopback rule of duet: the
/// host is parsed as a URL parser parses it, so `127.evil.example.com` is a domain, not loopback.
pub fn is_loopback_host(host_and_port: &str) -> bool {
    if host_and_port.is_empty() || host_and_port.contains(['/', '@', '?', '#', '\\']) {
        return false;
    }
    Url::parse(&format!("http://{host_and_port}/"))
        .ok()
        .and_then(|u| u.host().map(|h| is_loopback(&h)))
        .unwrap_or(false)
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn loopback_is_a_loopback_address_or_exactly_localhost() {
        for yes in ["localhost", "LOCALHOST:8440", "127.0.0.1", "127.8.9.10:80", "[::1]", "[::1]:8440"] {
            assert!(is_loopback_host(yes), "{yes}");
        }
        for no in ["127.evil.example.com", "127.0.0.1.nip.io", "localhost.example", "evil.com@127.0.0.1", "127.0.0.1/x", "[::2]", "10.0.0.1", ""] {
            assert!(!is_loopback_host(no), "{no}");
        }
        // Enrollment links and transports decide alike.
        assert_eq!(crate::push::link::check_server_url("http://127.evil.example.com").unwrap_err().code(), "E_PUSH_URL_INSECURE");
        assert!(Endpoint::parse("http://127.evil.example.com/x", true).is_err());
        assert!(crate::push::link::check_server_url("http://127.0.0.1:8440").is_ok());
    }

    #[test]
    fn https_is_allowed_and_verified_by_default() {
        let e = Endpoint::parse("https://pi.example.com/ttype/push", true).unwrap();
        assert_eq!(e.tls(), TlsMode::Verify);
        assert!(e.warning().is_none());
    }

    #[test]
    fn sslverify_zero_is_honoured_with_a_warning() {
        let e = Endpoint::parse("https://pi.example.com/ttype/push", false).unwrap();
        assert_eq!(e.tls(), TlsMode::InsecureSkipVerify);
        assert!(e.warning().unwrap().contains("pi.example.com"));
    }

    #[test]
    fn plain_http_only_for_loopback() {
        for ok in ["http://127.0.0.1:5000/x", "http://localhost/x", "http://[::1]:8080/", "http://127.8.9.1/"] {
            assert!(Endpoint::parse(ok, true).is_ok(), "{ok}");
        }
        for bad in ["http://example.com/", "http://10.0.0.1/", "http://127.0.0.1.nip.io/", "http://[::2]/"] {
            let err = Endpoint::parse(bad, true).unwrap_err();
            assert_eq!(err.code(), "E_TRANSPORT_INSECURE_HTTP", "{bad}");
        }
    }

    #[test]
    fn other_schemes_and_garbage_are_refused() {
        assert_eq!(Endpoint::parse("ftp://example.com/", true).unwrap_err().code(), "E_TRANSPORT_SCHEME");
        assert_eq!(Endpoint::parse("not a url", true).unwrap_err().code(), "E_TRANSPORT_URL");
        assert_eq!(Endpoint::parse("https://u:p@example.com/", true).unwrap_err().code(), "E_TRANSPORT_URL");
    }

    /// url's IDNA back end is pinned to the ASCII-only `idna_adapter` 1.0 (core/Cargo.toml): a
    /// Unicode host name is refused, its punycode form (RFC 3492 example, "bücher") is accepted,
    /// and ASCII host names are lower-cased as before.
    #[test]
    fn non_ascii_host_names_are_refused_but_their_punycode_form_works() {
        assert_eq!(Endpoint::parse("https://bücher.example/", true).unwrap_err().code(), "E_TRANSPORT_URL");
        let e = Endpoint::parse("https://xn--bcher-kva.example/ttype/push", true).unwrap();
        assert_eq!(e.host(), "xn--bcher-kva.example");
        assert_eq!(Endpoint::parse("https://PI.Example.COM/", true).unwrap().host(), "pi.example.com");
    }
}
