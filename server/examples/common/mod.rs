//! What the server benchmarks share: a server on a free loopback port with a throwaway
//! database, an HTTP client, and devices enrolled over HTTP.
#![allow(dead_code)]

use duet_core::push::*;
use duet_server::clock::SystemClock;
use duet_server::run::{Background, Options};
use duet_server::services::{apps, enrollments, users};
use duet_server::Config;
use ring::rand::SystemRandom;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The admin's password on benchmark servers.
pub const ADMIN_PW: &str = "load-test-password";

pub struct Device {
    pub signer: SoftwareP256Signer,
    pub account: PushAccount,
    pub store: MemoryReplayStore,
    pub user: String,
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into()
}

pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

pub fn post(a: &ureq::Agent, url: &str, body: &[u8], key: Option<&str>) -> (u16, Vec<u8>) {
    let mut r = a.post(url).header("Content-Type", "application/json");
    if let Some(k) = key {
        r = r.header("Authorization", &format!("Bearer {k}"));
    }
    let mut resp = r.send(body).expect("request sent");
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_to_vec().expect("body read"))
}

/// A server in the background, its data directory (remove it at the end) and an API key.
pub fn start_server(what: &str) -> (Background, PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("duet-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pw"), ADMIN_PW).unwrap();
    let opts = Options {
        listen: "127.0.0.1:0".parse().unwrap(),
        db_path: dir.join("server.sqlite"),
        key_file: dir.join("server.key"),
        admin_name: "admin".into(),
        admin_password_file: Some(dir.join("pw")),
        admin_factor_file: None,
        tls: None,
        public_url: None,
        rotate_key: false,
    };
    let server = Background::start(opts, Config::default(), Arc::new(SystemClock), 2).expect("server starts");
    let key = {
        let st = &server.state;
        apps::create(&st.db(), what, st.now()).unwrap().1
    };
    (server, dir, key)
}

/// A new user `name` with one software device registered over HTTP.
pub fn enroll(server: &Background, a: &ureq::Agent, name: &str) -> Device {
    let st = &server.state;
    let u = users::create(&st.db(), name, false, st.config.name_rules, st.now()).unwrap();
    let e = enrollments::create(st, &u).unwrap();
    let link = EnrollmentLink::parse(&e.link, now()).unwrap();
    let signer = SoftwareP256Signer::generate(Arc::new(SystemRandom::new())).unwrap();
    let info = DeviceInfo { name: format!("bench {name}"), platform: "cli".into(), keystore: "software".into() };
    let agreement = AgreementKey::generate(&SystemRandom::new()).unwrap();
    let body = build_registration(&link, &signer, &agreement, &info, now()).unwrap();
    let (status, resp) = post(a, &format!("{}/duet/v1/register", server.url), &body, None);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&resp));
    let reg = finish_registration(&link, &signer, &agreement, &resp, now()).unwrap();
    Device { signer, account: reg.account, store: MemoryReplayStore::new(), user: name.to_string() }
}

/// The `p` quantile (0..=1) of sorted latencies, in milliseconds.
pub fn quantile_ms(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1).min(sorted.len() - 1)].as_secs_f64() * 1000.0
}
