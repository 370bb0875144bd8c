//! Slow and idle clients over real TCP: connections that dribble their headers, stall their
//! body or sit idle are closed, connections beyond the cap are refused, and the server keeps
//! answering everyone else meanwhile.

use duet_server::clock::SystemClock;
use duet_server::config::ConnectionLimits;
use duet_server::run::{Background, Options};
use duet_server::Config;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SLOW: usize = 40;

fn server(limits: ConnectionLimits) -> (Background, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pw"), "slow client test").unwrap();
    let opts = Options {
        listen: "127.0.0.1:0".parse().unwrap(),
        db_path: dir.path().join("db.sqlite"),
        key_file: dir.path().join("server.key"),
        admin_name: "admin".into(),
        admin_password_file: Some(dir.path().join("pw")),
        admin_factor_file: None,
        tls: None,
        public_url: None,
        rotate_key: false,
    };
    let config = Config { connections: limits, ..Config::default() };
    (Background::start(opts, config, Arc::new(SystemClock), 2).unwrap(), dir)
}

/// A normal request on a new connection; returns its status line.
fn normal_request(addr: SocketAddr) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET /helpdesk/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.lines().next().unwrap_or("").to_string()
}

/// Waits (at most `limit`) for the server to close `s`; returns what it sent before.
fn closed_within(s: &mut TcpStream, limit: Duration) -> Option<String> {
    let end = Instant::now() + limit;
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    while Instant::now() < end {
        s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        match s.read(&mut buf) {
            Ok(0) => return Some(String::from_utf8_lossy(&got).into_owned()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return Some(String::from_utf8_lossy(&got).into_owned()),
        }
    }
    None
}

#[test]
fn slow_headers_stalled_bodies_and_idle_connections_are_closed() {
    let limits = ConnectionLimits {
        header_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(2),
        max_connections: 256,
    };
    let (srv, _dir) = server(limits);
    let mut slow: Vec<TcpStream> = (0..SLOW)
        .map(|_| {
            let mut s = TcpStream::connect(srv.addr).unwrap();
            s.write_all(b"GET /helpdesk/login HTTP/1.1\r\nHost: x\r\n").unwrap();
            s
        })
        .collect();
    let mut stalled = TcpStream::connect(srv.addr).unwrap();
    stalled
        .write_all(b"POST /helpdesk/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nname=a")
        .unwrap();
    let mut idle = TcpStream::connect(srv.addr).unwrap();
    idle.write_all(b"GET /helpdesk/login HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    // Everyone else is still served.
    assert!(normal_request(srv.addr).contains("200"), "served while slow clients wait");
    for (i, s) in slow.iter_mut().enumerate() {
        // Keep dribbling: only the deadline for the whole head can end these.
        let _ = s.write_all(b"X-Slow: 1\r\n");
        assert!(closed_within(s, Duration::from_secs(20)).is_some(), "slow connection {i} still open");
    }
    let answer = closed_within(&mut stalled, Duration::from_secs(20)).expect("stalled body closed");
    assert!(answer.starts_with("HTTP/1.1 408") && answer.contains("E_SRV_REQUEST_TIMEOUT"), "{answer}");
    let answer = closed_within(&mut idle, Duration::from_secs(20)).expect("idle keep-alive connection closed");
    assert!(answer.starts_with("HTTP/1.1 200"), "the first request was answered: {answer}");
    assert!(normal_request(srv.addr).contains("200"));
}

#[test]
fn connections_beyond_the_cap_are_closed_and_served_again_once_slots_free() {
    let limits = ConnectionLimits { header_timeout: Duration::from_secs(2), max_connections: 8, ..ConnectionLimits::default() };
    let (srv, _dir) = server(limits);
    let held: Vec<TcpStream> = (0..8).map(|_| TcpStream::connect(srv.addr).unwrap()).collect();
    // The accept loop hands out slots in order; give it a moment to take all eight.
    std::thread::sleep(Duration::from_millis(300));
    let mut extra = TcpStream::connect(srv.addr).unwrap();
    let _ = extra.write_all(b"GET /helpdesk/login HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(closed_within(&mut extra, Duration::from_secs(1)).as_deref(), Some(""), "the ninth connection is closed unanswered");
    drop(held);
    let end = Instant::now() + Duration::from_secs(10);
    while !normal_request(srv.addr).contains("200") {
        assert!(Instant::now() < end, "never served again");
        std::thread::sleep(Duration::from_millis(100));
    }
}
