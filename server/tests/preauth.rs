//! `POST /api/v1/preauth`: what a user can sign in with, asked before any prompt. Refused calls
//! answer as the other sign-in calls do, and the answers match what a sign-in would find.

mod server_support;

use axum::http::StatusCode;
use duet_server::Config;
use duet_server::config::NameRules;
use server_support::phone::*;
use server_support::*;

async fn preauth(h: &Harness, key: Option<&str>, user: &str) -> Resp {
    h.post_json("/api/v1/preauth", key, &serde_json::json!({ "user": user }).to_string()).await
}

fn result(r: &Resp) -> String {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["result"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn each_answer_matches_what_a_sign_in_finds() {
    let w = world("alice").await;
    let h = &w.h;
    h.create_user(&w.cookie, &w.csrf, "batch", true).await;
    assert_eq!(result(&preauth(h, Some(&w.key), "nobody").await), "unknown");
    assert_eq!(result(&preauth(h, Some(&w.key), "ALICE").await), "no_device");
    // The sign-in agrees: no device to push to.
    let r = h.post_json("/api/v1/signins", Some(&w.key), r#"{"user":"alice","method":"push"}"#).await;
    assert_eq!(r.code(), "E_SRV_NO_DEVICE");
    w.enroll_phone().await;
    assert_eq!(result(&preauth(h, Some(&w.key), "alice").await), "auth");
    assert_eq!(result(&preauth(h, Some(&w.key), " Batch ").await), "exempt");
    // An exempt answer lets the user in: it is on the record like a service account's sign-in.
    let audited: i64 = h.state.db().query_row(
        "SELECT COUNT(*) FROM audit WHERE action = 'service_account_preauth' AND user_name = 'batch'", [], |r| r.get(0)).unwrap();
    assert_eq!(audited, 1);
    // A revoked device no longer counts.
    let admin = h.admin_key(duet_server::services::admin_keys::Scope::ReadWrite);
    let devices = h.admin("GET", &format!("/users/{}/devices", w.uid), Some(&admin), None).await;
    let device = devices.json()[0]["id"].clone();
    let r = h.admin("POST", &format!("/users/{}/devices/{device}/revoke", w.uid), Some(&admin), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(result(&preauth(h, Some(&w.key), "alice").await), "no_device");
    // The pre-check starts nothing.
    assert_eq!(h.count("signins"), 0);
}

#[tokio::test]
async fn upn_domain_is_stripped_as_sign_ins_strip_it() {
    let h = Harness::with_config(Config { name_rules: NameRules { strip_upn_domain: true }, ..Default::default() });
    let (cookie, csrf) = h.login().await;
    let key = h.create_app(&cookie, &csrf, "ssh").await;
    h.create_user(&cookie, &csrf, "svc-backup", true).await;
    assert_eq!(result(&preauth(&h, Some(&key), "SVC-Backup@corp.example").await), "exempt");
    let h2 = Harness::new();
    let (cookie, csrf) = h2.login().await;
    let key = h2.create_app(&cookie, &csrf, "ssh").await;
    h2.create_user(&cookie, &csrf, "svc-backup", true).await;
    assert_eq!(result(&preauth(&h2, Some(&key), "svc-backup@corp.example").await), "unknown");
}

#[tokio::test]
async fn without_a_valid_key_every_user_gets_the_same_401() {
    let w = world("erin").await;
    for key in [None, Some("duet_00000000")] {
        let known = preauth(&w.h, key, "erin").await;
        let unknown = preauth(&w.h, key, "nobody").await;
        assert_eq!(known.status, StatusCode::UNAUTHORIZED);
        assert_eq!((known.status, known.body), (unknown.status, unknown.body), "{key:?}");
    }
}

#[tokio::test]
async fn bad_bodies_are_400() {
    let w = world("erin").await;
    for body in ["", "{", "[]", r#"{}"#, r#"{"user":5}"#, r#"{"user":"erin","x":1}"#, r#"{"user":"a\u0007b"}"#, r#"{"user":""}"#] {
        let r = w.h.post_json("/api/v1/preauth", Some(&w.key), body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
        assert!(r.code().starts_with("E_SRV_"), "{body}: {}", r.body);
    }
}
