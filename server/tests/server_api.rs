//! HTTP tests of the sign-in API: API keys, bad bodies, users, service accounts,
//! passcode lockout. Refused calls store nothing.

mod server_support;

use axum::http::StatusCode;
use duet_server::config::NameRules;
use duet_server::Config;
use server_support::*;

async fn setup(h: &Harness) -> (String, String, String) {
    let (cookie, csrf) = h.login().await;
    let key = h.create_app(&cookie, &csrf, "intranet").await;
    (cookie, csrf, key)
}

#[tokio::test]
async fn api_key_missing_or_wrong_is_401_and_stores_nothing() {
    let h = Harness::new();
    let (cookie, csrf, key) = setup(&h).await;
    h.create_user(&cookie, &csrf, "erin", false).await;
    let body = r#"{"user":"erin","method":"push"}"#;
    let r = h.post_json("/api/v1/signins", None, body).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::UNAUTHORIZED, "E_SRV_API_KEY_MISSING"));
    let r = h.post_json("/api/v1/signins", Some("duet_00000000"), body).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::UNAUTHORIZED, "E_SRV_API_KEY_INVALID"));
    // A key with one character changed.
    let mut bad = key.clone();
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });
    let r = h.post_json("/api/v1/signins", Some(&bad), body).await;
    assert_eq!(r.code(), "E_SRV_API_KEY_INVALID");
    let r = h.get_api("/api/v1/signins/abc", None).await;
    assert_eq!(r.code(), "E_SRV_API_KEY_MISSING");
    assert_eq!(h.count("signins"), 0);
    // The key is stored hashed, never in clear.
    let stored: Vec<u8> = h.state.db().query_row("SELECT key_hash FROM applications", [], |r| r.get(0)).unwrap();
    assert_eq!(stored.len(), 32);
    assert!(!String::from_utf8_lossy(&stored).contains(&key[5..]));
}

#[tokio::test]
async fn malformed_bodies_are_400_and_oversized_413() {
    let h = Harness::with_config(Config { max_body: 2048, ..Default::default() });
    let (cookie, csrf, key) = setup(&h).await;
    h.create_user(&cookie, &csrf, "erin", false).await;
    for body in [
        "",
        "{",
        "[]",
        "null",
        r#"{"user":"erin"}"#,
        r#"{"user":"erin","method":"sms"}"#,
        r#"{"user":"erin","method":"push","extra":1}"#,
        r#"{"user":5,"method":"push"}"#,
        r#"{"user":"erin","method":"passcode"}"#,
        r#"{"user":"erin","method":"push","client":{"ip":"1.2.3.4\n"}}"#,
    ] {
        let r = h.post_json("/api/v1/signins", Some(&key), body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
        assert_eq!(r.code(), "E_SRV_BAD_REQUEST", "{body}");
    }
    let big = format!(r#"{{"user":"erin","method":"push","client":{{"app":"{}"}}}}"#, "a".repeat(5000));
    let r = h.post_json("/api/v1/signins", Some(&key), &big).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "E_SRV_TOO_LARGE"));
    // Not JSON content type.
    let req = axum::http::Request::post("/api/v1/signins")
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "text/plain")
        .body(axum::body::Body::from(r#"{"user":"erin","method":"push"}"#))
        .unwrap();
    let r = h.send(req).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"));
    assert_eq!(h.count("signins"), 0);
}

#[tokio::test]
async fn unknown_user_and_no_device() {
    let h = Harness::new();
    let (cookie, csrf, key) = setup(&h).await;
    let r = h.post_json("/api/v1/signins", Some(&key), r#"{"user":"nobody","method":"push"}"#).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::NOT_FOUND, "E_SRV_USER_UNKNOWN"));
    h.create_user(&cookie, &csrf, "frank", false).await;
    let r = h.post_json("/api/v1/signins", Some(&key), r#"{"user":"Frank","method":"push"}"#).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::CONFLICT, "E_SRV_NO_DEVICE"));
    assert_eq!(h.count("signins"), 0);
}

#[tokio::test]
async fn upn_names_match_the_local_part_when_enabled() {
    let h = Harness::with_config(Config { name_rules: NameRules { strip_upn_domain: true }, ..Default::default() });
    let (cookie, csrf, key) = setup(&h).await;
    h.create_user(&cookie, &csrf, "svc-backup", true).await;
    let r = h.post_json("/api/v1/signins", Some(&key), r#"{"user":"SVC-Backup@corp.example","method":"push"}"#).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "exempt");
    // Without the option the UPN is a different name.
    let h2 = Harness::new();
    let (cookie, csrf, key) = setup(&h2).await;
    h2.create_user(&cookie, &csrf, "svc-backup", true).await;
    let r = h2.post_json("/api/v1/signins", Some(&key), r#"{"user":"svc-backup@corp.example","method":"push"}"#).await;
    assert_eq!(r.code(), "E_SRV_USER_UNKNOWN");
}

#[tokio::test]
async fn service_accounts_pass_without_2fa_and_are_audited() {
    let h = Harness::new();
    let (cookie, csrf, key) = setup(&h).await;
    let uid = h.create_user(&cookie, &csrf, "batch", true).await;
    let r = h.post_json("/api/v1/signins", Some(&key), r#"{"user":"batch","method":"push","client":{"app":"cron"}}"#).await;
    assert_eq!(r.json()["status"], "exempt");
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = h.get_api(&format!("/api/v1/signins/{id}"), Some(&key)).await;
    assert_eq!(r.json()["status"], "exempt");
    let n: i64 = h.state.db().query_row(
        "SELECT COUNT(*) FROM audit WHERE action = 'service_account_signin' AND user_name = 'batch' AND detail = 'cron'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
    let page = h.get(&format!("/helpdesk/users/{uid}"), Some(&cookie)).await;
    assert!(page.body.contains("service account (no 2FA)"));
}

#[tokio::test]
async fn passcode_failures_lock_out() {
    let h = Harness::new();
    let (cookie, csrf, key) = setup(&h).await;
    h.create_user(&cookie, &csrf, "gina", false).await;
    let body = r#"{"user":"gina","method":"passcode","passcode":"123456"}"#;
    for _ in 0..4 {
        let r = h.post_json("/api/v1/signins", Some(&key), body).await;
        assert_eq!((r.status, r.code().as_str()), (StatusCode::UNAUTHORIZED, "E_SRV_PASSCODE_WRONG"));
    }
    let r = h.post_json("/api/v1/signins", Some(&key), body).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::TOO_MANY_REQUESTS, "E_SRV_LOCKED_OUT"));
    let r = h.post_json("/api/v1/signins", Some(&key), body).await;
    assert_eq!(r.code(), "E_SRV_LOCKED_OUT");
    // Each refused attempt is on the record as a failed sign-in (not the locked ones).
    let failed: i64 = h.state.db().query_row("SELECT COUNT(*) FROM signins WHERE status = 'failed'", [], |r| r.get(0)).unwrap();
    assert_eq!(failed, 5);
    h.clock.advance(15 * 60 + 1);
    let r = h.post_json("/api/v1/signins", Some(&key), body).await;
    assert_eq!(r.code(), "E_SRV_PASSCODE_WRONG");
}

#[tokio::test]
async fn an_app_sees_only_its_own_signins() {
    let h = Harness::new();
    let (cookie, csrf, key) = setup(&h).await;
    let other = h.create_app(&cookie, &csrf, "other").await;
    h.create_user(&cookie, &csrf, "batch", true).await;
    let r = h.post_json("/api/v1/signins", Some(&key), r#"{"user":"batch","method":"push"}"#).await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = h.get_api(&format!("/api/v1/signins/{id}"), Some(&other)).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::NOT_FOUND, "E_SRV_SIGNIN_UNKNOWN"));
    let r = h.get_api("/api/v1/signins/nope", Some(&key)).await;
    assert_eq!(r.code(), "E_SRV_SIGNIN_UNKNOWN");
}

#[tokio::test]
async fn only_an_application_learns_whether_a_user_exists() {
    let h = Harness::new();
    let (cookie, csrf, key) = setup(&h).await;
    h.create_user(&cookie, &csrf, "erin", false).await;
    let known = r#"{"user":"erin","method":"push"}"#;
    let unknown = r#"{"user":"nobody","method":"push"}"#;
    // Without a valid key the answers are identical, for every method.
    for k in [None, Some("duet_00000000")] {
        for method in ["push", "passcode"] {
            let (a, b) = (known.replace("push", method), unknown.replace("push", method));
            let (ra, rb) = (h.post_json("/api/v1/signins", k, &a).await, h.post_json("/api/v1/signins", k, &b).await);
            assert_eq!((ra.status, ra.body), (rb.status, rb.body), "{k:?} {method}");
        }
    }
    // The application, which knows its users, is told (docs/server.md "Sign-in API").
    let r = h.post_json("/api/v1/signins", Some(&key), unknown).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::NOT_FOUND, "E_SRV_USER_UNKNOWN"));
    let r = h.post_json("/api/v1/signins", Some(&key), known).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::CONFLICT, "E_SRV_NO_DEVICE"));
    assert_eq!(h.count("signins"), 0);
}
