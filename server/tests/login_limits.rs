//! Helpdesk login limits: wrong passwords pause the client address (and, much later, the
//! name), unknown names are answered like real ones, the forwarded address counts only
//! behind a trusted proxy, the operator can lift a pause, and every pause is audited.

mod server_support;

use axum::http::StatusCode;
use duet_server::Config;
use duet_server::services::admin_login::{self, ADDRESS_RULE, NAME_RULE};
use server_support::*;

async fn attempt(h: &Harness, peer: &str, name: &str, pw: &str) -> Resp {
    h.post_form_from(peer, &[], "/helpdesk/login", &[("name", name), ("password", pw)]).await
}

fn code(r: &Resp) -> &'static str {
    ["E_SRV_LOGIN_FAILED", "E_SRV_LOGIN_LOCKED"].into_iter().find(|c| r.body.contains(c)).unwrap_or("none")
}

fn audit_count(h: &Harness, action: &str) -> i64 {
    h.state.db().query_row("SELECT COUNT(*) FROM audit WHERE action = ?1", [action], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn wrong_passwords_pause_the_address_not_the_admin() {
    let h = Harness::new();
    for i in 1..=ADDRESS_RULE.max_failures {
        let r = attempt(&h, "198.51.100.1", "admin", "bad password").await;
        let want = if i < ADDRESS_RULE.max_failures { "E_SRV_LOGIN_FAILED" } else { "E_SRV_LOGIN_LOCKED" };
        assert_eq!(code(&r), want, "attempt {i}");
    }
    let r = attempt(&h, "198.51.100.1", "admin", ADMIN_PW).await;
    assert_eq!((r.status, code(&r)), (StatusCode::TOO_MANY_REQUESTS, "E_SRV_LOGIN_LOCKED"));
    assert_eq!(audit_count(&h, "admin_login_locked"), 1);
    // The admin signs in from anywhere else.
    let r = attempt(&h, "198.51.100.2", "admin", ADMIN_PW).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    // The pause ends by itself.
    h.clock.advance(ADDRESS_RULE.lock_secs + 1);
    assert!(attempt(&h, "198.51.100.1", "admin", ADMIN_PW).await.status.is_redirection());
}

#[tokio::test]
async fn unknown_names_are_answered_like_the_real_one() {
    let h = Harness::new();
    let mut answers = Vec::new();
    for (peer, name) in [("198.51.100.1", "admin"), ("198.51.100.2", "ghost")] {
        let mut seq = Vec::new();
        for _ in 0..=ADDRESS_RULE.max_failures {
            let r = attempt(&h, peer, name, "bad password").await;
            seq.push((r.status, r.body));
        }
        answers.push(seq);
    }
    assert_eq!(answers[0], answers[1]);
    // The slower per-name pause holds for any name, from every address.
    for name in ["admin", "ghost"] {
        for i in 0..NAME_RULE.max_failures {
            attempt(&h, &format!("10.0.{}.{}", i / 200, i % 200 + 1), name, "bad password").await;
        }
    }
    let (real, made_up) = (attempt(&h, "192.0.2.9", "admin", ADMIN_PW).await, attempt(&h, "192.0.2.9", "ghost", ADMIN_PW).await);
    assert_eq!((real.status, code(&real)), (StatusCode::TOO_MANY_REQUESTS, "E_SRV_LOGIN_LOCKED"));
    assert_eq!((real.status, real.body), (made_up.status, made_up.body));
}

#[tokio::test]
async fn the_operator_lifts_a_pause_and_the_audit_log_says_so() {
    let h = Harness::new();
    for i in 0..NAME_RULE.max_failures {
        attempt(&h, &format!("10.1.0.{}", i % 10 + 1), "Admin", "bad password").await;
    }
    assert_eq!(code(&attempt(&h, "192.0.2.1", "admin", ADMIN_PW).await), "E_SRV_LOGIN_LOCKED");
    let lifted = admin_login::unlock(&h.state.db(), "command line", "admin", h.state.now()).unwrap();
    // The name and the ten addresses.
    assert_eq!(lifted, 11);
    assert_eq!(audit_count(&h, "admin_login_lock_lifted"), 11);
    assert!(attempt(&h, "10.1.0.1", "admin", ADMIN_PW).await.status.is_redirection());
}

#[tokio::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    let h = Harness::with_config(Config { trusted_proxies: vec!["127.0.0.1".parse().unwrap()], ..Config::default() });
    let via_proxy = |client: &'static str| [("x-forwarded-for", client)];
    for _ in 0..ADDRESS_RULE.max_failures {
        let r = h.post_form_from("127.0.0.1", &via_proxy("203.0.113.5"), "/helpdesk/login", &[("name", "admin"), ("password", "bad")]).await;
        assert!(r.status.is_client_error());
    }
    // Only the forwarded client is paused, not the proxy's other clients.
    let r = h.post_form_from("127.0.0.1", &via_proxy("203.0.113.5"), "/helpdesk/login", &[("name", "admin"), ("password", ADMIN_PW)]).await;
    assert_eq!(code(&r), "E_SRV_LOGIN_LOCKED");
    let r = h.post_form_from("127.0.0.1", &via_proxy("203.0.113.6"), "/helpdesk/login", &[("name", "admin"), ("password", ADMIN_PW)]).await;
    assert!(r.status.is_redirection());
    // A client talking directly cannot escape its pause by writing the header itself.
    for _ in 0..ADDRESS_RULE.max_failures {
        attempt(&h, "198.51.100.7", "admin", "bad").await;
    }
    let r = h.post_form_from("198.51.100.7", &via_proxy("203.0.113.77"), "/helpdesk/login", &[("name", "admin"), ("password", ADMIN_PW)]).await;
    assert_eq!(code(&r), "E_SRV_LOGIN_LOCKED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_waiting_for_its_password_check_holds_no_database_lock() {
    let h = Harness::new();
    // Take every hash slot: the login reads what it needs, then waits for one.
    let slots = h.state.hash_slots.acquire_many(h.state.hash_slots.available_permits() as u32).await.unwrap();
    let st = h.state.clone();
    let login = tokio::spawn(async move { admin_login::login(&st, "admin", ADMIN_PW, "198.51.100.1".parse().unwrap()).await });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(!login.is_finished());
    // Meanwhile everyone else gets the database.
    let st = h.state.clone();
    let other = tokio::task::spawn_blocking(move || st.db().query_row("SELECT COUNT(*) FROM users", [], |r| r.get::<_, i64>(0)).unwrap());
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), other).await.expect("the database is free").unwrap();
    assert_eq!(n, 0);
    drop(slots);
    assert!(login.await.unwrap().is_ok());
}
