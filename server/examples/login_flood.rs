//! Latency of other callers while the helpdesk login is flooded (docs/performance.md,
//! "Login flood").
//!
//! Starts the server in-process on a free loopback port, enrolls one device, then measures
//! the sign-in status read (`GET /api/v1/signins/{id}`) and the device's signed poll
//! (`POST /duet/v1/poll`) from 127.0.0.1: first unloaded, then while 16 connections, each
//! bound to its own loopback address (127.0.0.2 to 127.0.0.17), post wrong admin passwords
//! as fast as the server answers. Prints p99 of both phases and their ratio.
//!
//! Usage: login_flood [SAMPLES]   (default 400)

#[path = "common/mod.rs"]
mod common;

use common::*;
use duet_core::push::*;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const FLOODERS: u8 = 16;

/// p99 of the status read and of the poll, in milliseconds.
fn measure(a: &ureq::Agent, base: &str, key: &str, id: &str, d: &Device, samples: usize) -> (f64, f64) {
    let (mut status, mut poll) = (Vec::new(), Vec::new());
    for _ in 0..samples {
        let t = Instant::now();
        let mut r = a.get(&format!("{base}/api/v1/signins/{id}")).header("Authorization", &format!("Bearer {key}")).call().unwrap();
        assert_eq!(r.status().as_u16(), 200);
        r.body_mut().read_to_vec().unwrap();
        status.push(t.elapsed());
        let body = build_poll(&d.account, &d.signer, now()).unwrap();
        let t = Instant::now();
        let (st, _) = post(a, &format!("{base}/duet/v1/poll"), &body, None);
        assert_eq!(st, 200);
        poll.push(t.elapsed());
    }
    status.sort();
    poll.sort();
    (quantile_ms(&status, 0.99), quantile_ms(&poll, 0.99))
}

/// One flooding connection from `from`: wrong passwords until `stop`.
async fn flood(server: SocketAddr, from: Ipv4Addr, stop: Arc<AtomicBool>, sent: Arc<AtomicU64>) {
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.bind(SocketAddr::new(from.into(), 0)).unwrap();
    let stream = sock.connect(server).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    while !stop.load(Ordering::Relaxed) {
        let req = hyper::Request::post("/helpdesk/login")
            .header("host", server.to_string())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from_static(b"name=admin&password=wrong+password")))
            .unwrap();
        let resp = sender.send_request(req).await.unwrap();
        assert!(resp.status().is_client_error(), "{}", resp.status());
        resp.into_body().collect().await.unwrap();
        sent.fetch_add(1, Ordering::Relaxed);
    }
}

fn main() {
    let samples: usize = std::env::args().nth(1).map_or(400, |a| a.parse().expect("a number"));
    let (server, dir, key) = start_server("flood");
    let a = agent();
    let d = enroll(&server, &a, "alice");
    let body = r#"{"user":"alice","method":"push","client":{"app":"flood test"}}"#;
    let (st, resp) = post(&a, &format!("{}/api/v1/signins", server.url), body.as_bytes(), Some(&key));
    assert_eq!(st, 200, "{}", String::from_utf8_lossy(&resp));
    let id = serde_json::from_slice::<serde_json::Value>(&resp).unwrap()["id"].as_str().unwrap().to_string();
    measure(&a, &server.url, &key, &id, &d, 50);
    let (status0, poll0) = measure(&a, &server.url, &key, &id, &d, samples);
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let tasks: Vec<_> = (0..FLOODERS)
        .map(|i| rt.spawn(flood(server.addr, Ipv4Addr::new(127, 0, 0, 2 + i), stop.clone(), sent.clone())))
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let t = Instant::now();
    let before = sent.load(Ordering::Relaxed);
    let (status1, poll1) = measure(&a, &server.url, &key, &id, &d, samples);
    let flood_rate = (sent.load(Ordering::Relaxed) - before) as f64 / t.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        rt.block_on(t).expect("flooder finished");
    }
    println!(
        "{{\"samples\":{samples},\"flood_logins_per_sec\":{flood_rate:.0},\"status_p99_ms\":[{status0:.2},{status1:.2}],\"poll_p99_ms\":[{poll0:.2},{poll1:.2}],\"status_ratio\":{:.2},\"poll_ratio\":{:.2}}}",
        status1 / status0,
        poll1 / poll0
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
