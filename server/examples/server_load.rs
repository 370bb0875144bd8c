//! Bounded load test of the reference server on 127.0.0.1 (tests/stages/85-load.sh).
//!
//! Starts `duet serve` in-process on a free loopback port with a throwaway database, enrolls
//! USERS software devices over HTTP, then WORKERS threads run complete push sign-ins over
//! real HTTP: the application starts a push (`POST /api/v1/signins`), the device polls
//! (`POST /duet/v1/poll`), verifies the signed request, answers with the number
//! (`POST /duet/v1/answer`), and the application reads the outcome
//! (`GET /api/v1/signins/{id}`). Prints sign-ins per second and latency percentiles of the
//! whole cycle. Bounded in count (USERS × PER_USER) and time (aborts after 120 s).
//!
//! Usage: server_load [USERS] [PER_USER] [WORKERS]   (defaults 100 4 4; PER_USER ≤ 5,
//! the per-user push rate limit)

#[path = "common/mod.rs"]
mod common;

use common::*;
use duet_core::push::*;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn sign_in(a: &ureq::Agent, base: &str, key: &str, d: &Device) -> Duration {
    let t0 = Instant::now();
    let body = format!(r#"{{"user":"{}","method":"push","client":{{"app":"load test","ip":"127.0.0.1"}}}}"#, d.user);
    let (st, resp) = post(a, &format!("{base}/api/v1/signins"), body.as_bytes(), Some(key));
    assert_eq!(st, 200, "{}", String::from_utf8_lossy(&resp));
    let v: serde_json::Value = serde_json::from_slice(&resp).unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    let number = v["number"].as_str().unwrap().to_string();
    let poll = build_poll(&d.account, &d.signer, now()).unwrap();
    let (st, resp) = post(a, &format!("{base}/duet/v1/poll"), &poll, None);
    assert_eq!(st, 200, "{}", String::from_utf8_lossy(&resp));
    let out = parse_poll_response(&d.account, &resp, now(), &d.store).unwrap();
    let req = out.requests.iter().find(|r| r.payload.cid == id).expect("request delivered");
    let answer = build_answer(&d.account, req, &Answer::Approve { number: Some(number) }, &d.signer, now(), &d.store).unwrap();
    let (st, resp) = post(a, &format!("{base}/duet/v1/answer"), &answer, None);
    assert_eq!(st, 200, "{}", String::from_utf8_lossy(&resp));
    let mut resp = a.get(&format!("{base}/api/v1/signins/{id}")).header("Authorization", &format!("Bearer {key}")).call().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&resp.body_mut().read_to_vec().unwrap()).unwrap();
    assert_eq!(v["status"], "approved");
    t0.elapsed()
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse().expect("numbers")).collect();
    let n_users = args.first().copied().unwrap_or(100);
    let per_user = args.get(1).copied().unwrap_or(4).min(5);
    let workers = args.get(2).copied().unwrap_or(4).max(1);
    let (server, dir, key) = start_server("load");
    let base = server.url.clone();
    let st = server.state.clone();
    let a = agent();
    let t_enroll = Instant::now();
    let devices: Vec<Device> = (0..n_users).map(|i| enroll(&server, &a, &format!("user{i}"))).collect();
    let enroll_secs = t_enroll.elapsed().as_secs_f64();
    // Work items: each user's sign-ins run one after another (one pending push per user).
    let queue: Arc<Mutex<Vec<Device>>> = Arc::new(Mutex::new(devices));
    let latencies: Arc<Mutex<Vec<Duration>>> = Arc::new(Mutex::new(Vec::new()));
    let deadline = Instant::now() + Duration::from_secs(120);
    let start = Instant::now();
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let (q, l, base, key) = (queue.clone(), latencies.clone(), base.clone(), key.clone());
            std::thread::spawn(move || {
                let a = agent();
                loop {
                    let Some(d) = q.lock().unwrap().pop() else { break };
                    for _ in 0..per_user {
                        assert!(Instant::now() < deadline, "load test exceeded its 120 s bound");
                        let t = sign_in(&a, &base, &key, &d);
                        l.lock().unwrap().push(t);
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("worker finished");
    }
    let wall = start.elapsed().as_secs_f64();
    let mut l = latencies.lock().unwrap().clone();
    l.sort();
    let pct = |p: f64| quantile_ms(&l, p);
    let n = l.len();
    println!(
        "{{\"signins\":{n},\"workers\":{workers},\"users\":{n_users},\"seconds\":{wall:.2},\"signins_per_sec\":{:.0},\"p50_ms\":{:.1},\"p99_ms\":{:.1},\"max_ms\":{:.1},\"enroll_per_sec\":{:.0}}}",
        n as f64 / wall,
        pct(0.50),
        pct(0.99),
        pct(1.0),
        n_users as f64 / enroll_secs
    );
    let approved: i64 = st.db().query_row("SELECT COUNT(*) FROM signins WHERE status = 'approved'", [], |r| r.get(0)).unwrap();
    assert_eq!(approved as usize, n, "every sign-in approved on the server");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
