//! Push fatigue: a wrong number pauses pushes (doubling, capped, shorter than a fraud mute),
//! tells the user why and that the passcode works, is audited, shown on the helpdesk page and
//! in the admin API, and can be lifted there.

mod server_support;

use axum::http::StatusCode;
use server_support::phone::*;

fn wrong_for(number: &str) -> String {
    let n: u32 = number.parse().unwrap();
    (if n == 999 { 100 } else { n + 1 }).to_string()
}

/// Starts a push and answers it with a wrong number.
async fn answer_wrong(w: &World, phone: &Phone) {
    let r = w.push().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let number = r.json()["number"].as_str().unwrap().to_string();
    assert_eq!(number.len(), 3, "three-digit number matching");
    let (r, _) = w.answer(phone, approve(&wrong_for(&number))).await;
    assert_eq!(r.code(), "E_VERIFIER_WRONG_NUMBER");
}

fn audit_count(w: &World, action: &str) -> i64 {
    w.h.state.db().query_row("SELECT COUNT(*) FROM audit WHERE action = ?1", [action], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn a_wrong_number_pauses_pushes_doubling_up_to_a_cap_and_the_passcode_still_works() {
    let w = world("alice").await;
    let phone = w.enroll_phone().await;
    answer_wrong(&w, &phone).await;
    let r = w.push().await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::TOO_MANY_REQUESTS, "E_SRV_PUSH_SLOWED"));
    let message = r.json()["message"].as_str().unwrap().to_string();
    assert!(message.contains("wrong number") && message.contains("passcode"), "{message}");
    assert_eq!(audit_count(&w, "wrong_number_pushes_slowed"), 1);
    // The passcode works during the pause.
    let totp = totp_rs::Totp::from_url(phone.otp_uri.as_deref().unwrap()).unwrap();
    let body = format!(r#"{{"user":"alice","method":"passcode","passcode":"{}"}}"#, totp.generate(w.now() as u64));
    assert_eq!(w.h.post_json("/api/v1/signins", Some(&w.key), &body).await.json()["status"], "approved");
    // 5 minutes, then 10, then 15 and no longer.
    for pause in [300, 600, 900, 900] {
        w.h.clock.advance(pause - 1);
        assert_eq!(w.push().await.code(), "E_SRV_PUSH_SLOWED", "still paused just before {pause} s");
        w.h.clock.advance(1);
        // The rate limit (5 per 10 minutes) is not what stops these.
        answer_wrong(&w, &phone).await;
    }
    assert_eq!(audit_count(&w, "wrong_number_pushes_slowed"), 5);
}

#[tokio::test]
async fn an_approved_push_starts_the_count_anew() {
    let w = world("alice").await;
    let phone = w.enroll_phone().await;
    answer_wrong(&w, &phone).await;
    w.h.clock.advance(300);
    let r = w.push().await;
    let number = r.json()["number"].as_str().unwrap().to_string();
    assert_eq!(w.answer(&phone, approve(&number)).await.0.status, StatusCode::OK);
    w.h.clock.advance(1);
    answer_wrong(&w, &phone).await;
    // The first pause again (5 minutes), not the second.
    w.h.clock.advance(300);
    assert_eq!(w.push().await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_helpdesk_sees_the_pause_and_lifts_it() {
    let w = world("alice").await;
    let phone = w.enroll_phone().await;
    answer_wrong(&w, &phone).await;
    let page = w.h.get(&format!("/helpdesk/users/{}", w.uid), Some(&w.cookie)).await;
    assert!(page.body.contains("id=\"slowed\""), "{}", page.body);
    assert!(page.body.contains("after a wrong number"));
    let r = w.h.post_form(&format!("/helpdesk/users/{}/unmute", w.uid), Some(&w.cookie), &[("csrf", &w.csrf)]).await;
    assert!(r.status.is_redirection() || r.status == StatusCode::OK, "{} {}", r.status, r.body);
    assert_eq!(w.push().await.status, StatusCode::OK);
    assert_eq!(audit_count(&w, "push_unmuted"), 1);
    let page = w.h.get(&format!("/helpdesk/users/{}", w.uid), Some(&w.cookie)).await;
    assert!(!page.body.contains("id=\"slowed\""));
}
