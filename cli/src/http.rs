//! The CLI's [`HttpTransport`]: ureq over rustls (ring provider, Mozilla roots; no OpenSSL).
//!
//! One agent per request, because certificate checking is chosen per request
//! (`sslverify=0` accounts). Redirects are not followed: the core checked the URL
//! it built, and a redirect would lead somewhere it did not check.

use duet_core::transport::{HttpRequest, HttpResponse, HttpTransport, Method, TlsMode, TransportError};
use duet_core::transport::request::MAX_RESPONSE_BYTES;
use ureq::tls::{TlsConfig, TlsProvider};

/// Sends requests with ureq.
#[derive(Debug, Default, Clone, Copy)]
pub struct UreqTransport;

impl HttpTransport for UreqTransport {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let host = request.host();
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .disable_verification(request.tls == TlsMode::InsecureSkipVerify)
            .build();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(request.timeout))
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent(concat!("duet/", env!("CARGO_PKG_VERSION")))
            .tls_config(tls)
            .build()
            .into();
        let result = match request.method {
            Method::Get => agent.get(&request.url).call(),
            Method::Post => {
                let mut req = agent.post(&request.url);
                if let Some(ct) = &request.content_type {
                    req = req.header("Content-Type", ct);
                }
                req.send(&request.body[..])
            }
        };
        let mut response = result.map_err(|e| map_error(e, &host))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES as u64)
            .read_to_vec()
            .map_err(|e| map_error(e, &host))?;
        Ok(HttpResponse { status, body })
    }
}

fn map_error(e: ureq::Error, host: &str) -> TransportError {
    let host = host.to_string();
    match e {
        ureq::Error::Timeout(_) => TransportError::Timeout { host },
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => TransportError::Unreachable { host },
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => TransportError::Timeout { host },
            _ => TransportError::Unreachable { host },
        },
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => TransportError::Tls { host },
        ureq::Error::BodyExceedsLimit(_) => TransportError::ResponseTooLarge,
        _ => TransportError::Other { host },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use duet_core::transport::Endpoint;
    use duet_core::ErrorCode;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    #[test]
    fn connection_refused_is_unreachable() {
        // Bind then drop to get a port nobody listens on.
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let e = Endpoint::parse(&format!("http://127.0.0.1:{port}/x"), true).unwrap();
        let err = UreqTransport.send(&HttpRequest::get(&e, &[])).unwrap_err();
        assert_eq!(err.code(), "E_TRANSPORT_UNREACHABLE");
    }

    #[test]
    fn silent_server_times_out() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let t = std::thread::spawn(move || {
            let (_s, _) = listener.accept().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(1500));
        });
        let e = Endpoint::parse(&format!("http://127.0.0.1:{port}/x"), true).unwrap();
        let mut req = HttpRequest::get(&e, &[]);
        req.timeout = std::time::Duration::from_millis(300);
        let err = UreqTransport.send(&req).unwrap_err();
        assert_eq!(err.code(), "E_TRANSPORT_TIMEOUT");
        t.join().unwrap();
    }

    #[test]
    fn error_statuses_are_responses_and_redirects_not_followed() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let t = std::thread::spawn(move || {
            for reply in [
                "HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            ] {
                let (mut s, _) = listener.accept().unwrap();
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                s.write_all(reply.as_bytes()).unwrap();
            }
        });
        let e = Endpoint::parse(&format!("http://127.0.0.1:{port}/x"), true).unwrap();
        let r = UreqTransport.send(&HttpRequest::post_form(&e, &[("a", "b")])).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (400, &b"{}"[..]));
        let r = UreqTransport.send(&HttpRequest::get(&e, &[])).unwrap();
        assert_eq!(r.status, 302);
        t.join().unwrap();
    }
}
