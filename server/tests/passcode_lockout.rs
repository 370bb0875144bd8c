//! Wrong passcodes: lockouts that escalate per user and per client address, audited, shown on
//! the helpdesk page, liftable there and through the admin API.

mod server_support;

use axum::http::StatusCode;
use server_support::phone::*;
use server_support::*;

async fn passcode(w: &World, user: &str, code: &str, ip: &str) -> Resp {
    let body = format!(r#"{{"user":"{user}","method":"passcode","passcode":"{code}","client":{{"ip":"{ip}"}}}}"#);
    w.h.post_json("/api/v1/signins", Some(&w.key), &body).await
}

fn audit_count(w: &World, action: &str) -> i64 {
    w.h.state.db().query_row("SELECT COUNT(*) FROM audit WHERE action = ?1", [action], |r| r.get(0)).unwrap()
}

/// Five wrong passcodes; the fifth answers the lockout.
async fn lock_out(w: &World, user: &str) {
    for i in 1..=5 {
        let r = passcode(w, user, "000000", "192.0.2.1").await;
        let want = if i < 5 { "E_SRV_PASSCODE_WRONG" } else { "E_SRV_LOCKED_OUT" };
        assert_eq!(r.code(), want, "attempt {i}: {}", r.body);
    }
}

#[tokio::test]
async fn lockouts_in_a_row_get_longer_and_a_right_passcode_starts_over() {
    let w = world("alice").await;
    let phone = w.enroll_phone().await;
    let mut expect_minutes = vec![];
    for _ in 0..3 {
        lock_out(&w, "alice").await;
        let start = w.now();
        // Count the minutes until passcodes are accepted again (a wrong one answers "wrong").
        let mut minutes = 0;
        while passcode(&w, "alice", "000000", "192.0.2.1").await.code() == "E_SRV_LOCKED_OUT" {
            w.h.clock.advance(60);
            minutes += 1;
            assert!(minutes <= 24 * 60, "never unlocked");
        }
        // That probe counted as the first wrong passcode of the next round; undo it by waiting
        // for the count's effect to be the same in every round.
        expect_minutes.push((w.now() - start) / 60);
        w.h.state.db().execute("UPDATE users SET passcode_failures = 0 WHERE name = 'alice'", []).unwrap();
    }
    assert_eq!(expect_minutes, [15, 30, 60]);
    assert_eq!(audit_count(&w, "passcode_locked"), 3);
    // A right passcode ends the escalation: the next lockout is 15 minutes again.
    let totp = totp_rs::Totp::from_url(phone.otp_uri.as_deref().unwrap()).unwrap();
    let r = passcode(&w, "alice", &totp.generate(w.now() as u64).to_string(), "192.0.2.1").await;
    assert_eq!(r.json()["status"], "approved", "{}", r.body);
    lock_out(&w, "alice").await;
    w.h.clock.advance(15 * 60);
    assert_eq!(passcode(&w, "alice", "000000", "192.0.2.1").await.code(), "E_SRV_PASSCODE_WRONG");
}

#[tokio::test]
async fn guessing_across_users_from_one_address_locks_that_address() {
    let w = world("u0").await;
    for i in 1..10 {
        w.h.create_user(&w.cookie, &w.csrf, &format!("u{i}"), false).await;
    }
    // 20 wrong passcodes, two per user (no user reaches its own limit).
    let mut last = String::new();
    for i in 0..10 {
        for _ in 0..2 {
            last = passcode(&w, &format!("u{i}"), "000000", "198.51.100.9").await.code();
        }
    }
    assert_eq!(last, "E_SRV_LOCKED_OUT");
    assert_eq!(audit_count(&w, "passcode_client_locked"), 1);
    assert_eq!(passcode(&w, "u0", "000000", "198.51.100.9").await.code(), "E_SRV_LOCKED_OUT");
    // Other addresses are not affected.
    assert_eq!(passcode(&w, "u0", "000000", "203.0.113.5").await.code(), "E_SRV_PASSCODE_WRONG");
    w.h.clock.advance(3600);
    assert_eq!(passcode(&w, "u0", "000000", "198.51.100.9").await.code(), "E_SRV_PASSCODE_WRONG");
}

#[tokio::test]
async fn the_helpdesk_and_the_admin_api_lift_a_lockout() {
    let w = world("alice").await;
    lock_out(&w, "alice").await;
    let page = w.h.get(&format!("/helpdesk/users/{}", w.uid), Some(&w.cookie)).await;
    assert!(page.body.contains("id=\"locked\""), "{}", page.body);
    let r = w.h.post_form(&format!("/helpdesk/users/{}/unlock", w.uid), Some(&w.cookie), &[("csrf", &w.csrf)]).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    assert_eq!(passcode(&w, "alice", "000000", "192.0.2.1").await.code(), "E_SRV_PASSCODE_WRONG");
    assert_eq!(audit_count(&w, "passcode_unlocked"), 1);
    // Through the admin API (the probe above was the first wrong passcode of four more).
    for _ in 0..4 {
        passcode(&w, "alice", "000000", "192.0.2.1").await;
    }
    assert_eq!(passcode(&w, "alice", "000000", "192.0.2.1").await.code(), "E_SRV_LOCKED_OUT");
    use duet_server::services::admin_keys;
    let key = admin_keys::create(&w.h.state.db(), "test", "ops", admin_keys::Scope::ReadWrite, w.now() as u64).unwrap();
    let r = w.h.post_json(&format!("/admin/api/v1/users/{}/unlock-passcodes", w.uid), Some(key.secret.as_str()), "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["passcodes_locked"], false);
    assert_eq!(audit_count(&w, "passcode_unlocked"), 2);
}
