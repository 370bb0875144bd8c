//! HTTP tests of the helpdesk page: login, sessions, CSRF, users, applications,
//! bypass codes, error pages. Every refused post must leave the database unchanged.

mod server_support;

use axum::http::StatusCode;
use server_support::*;

#[tokio::test]
async fn pages_need_a_login() {
    let h = Harness::new();
    for path in ["/helpdesk", "/helpdesk/users/1", "/helpdesk/audit", "/helpdesk/enrollments/x"] {
        let r = h.get(path, None).await;
        assert!(r.status.is_redirection(), "{path}: {}", r.status);
        assert_eq!(r.location(), "/helpdesk/login");
    }
    // A made-up cookie is no session.
    let r = h.get("/helpdesk", Some("duet_session=00ff")).await;
    assert_eq!(r.location(), "/helpdesk/login");
}

#[tokio::test]
async fn wrong_password_is_refused_then_locked() {
    let h = Harness::new();
    let r = h.post_form("/helpdesk/login", None, &[("name", "admin"), ("password", "nope nope")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("E_SRV_LOGIN_FAILED"));
    assert!(r.headers.get("set-cookie").is_none());
    let r = h.post_form("/helpdesk/login", None, &[("name", "ghost"), ("password", ADMIN_PW)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    for _ in 0..4 {
        h.post_form("/helpdesk/login", None, &[("name", "admin"), ("password", "bad password")]).await;
    }
    // Locked now: even the right password is refused until the lock runs out.
    let r = h.post_form("/helpdesk/login", None, &[("name", "admin"), ("password", ADMIN_PW)]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("E_SRV_LOGIN_LOCKED"));
    assert_eq!(h.count("sessions"), 0);
    h.clock.advance(16 * 60);
    h.login().await;
}

#[tokio::test]
async fn posts_without_the_csrf_token_change_nothing() {
    let h = Harness::new();
    let (cookie, csrf) = h.login().await;
    let uid = h.create_user(&cookie, &csrf, "carol", false).await;
    let before: Vec<i64> = ["users", "applications", "bypass_codes", "audit", "enrollments", "signins"]
        .iter()
        .map(|t| h.count(t))
        .collect();
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("/helpdesk/users".into(), vec![("name", "mallory")]),
        ("/helpdesk/apps".into(), vec![("name", "evil app")]),
        (format!("/helpdesk/users/{uid}/bypass"), vec![]),
        (format!("/helpdesk/users/{uid}/service"), vec![("service", "1")]),
        (format!("/helpdesk/users/{uid}/enroll"), vec![]),
        (format!("/helpdesk/users/{uid}/test-push"), vec![]),
        ("/helpdesk/server-key/rotate".into(), vec![]),
        ("/helpdesk/logout".into(), vec![]),
    ];
    for (path, fields) in &posts {
        // No token at all.
        let r = h.post_form(path, Some(&cookie), fields).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
        assert!(r.body.contains("E_SRV_CSRF"), "{path}");
        // A wrong token.
        let mut f = fields.clone();
        f.push(("csrf", "0000"));
        let r = h.post_form(path, Some(&cookie), &f).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        // The right token but no session cookie (a cross-site post carries no cookie).
        let mut f = fields.clone();
        f.push(("csrf", &csrf));
        let r = h.post_form(path, None, &f).await;
        assert!(r.status.is_redirection(), "{path}");
    }
    let after: Vec<i64> = ["users", "applications", "bypass_codes", "audit", "enrollments", "signins"]
        .iter()
        .map(|t| h.count(t))
        .collect();
    assert_eq!(before, after);
    let svc: i64 = h.state.db().query_row("SELECT service_account FROM users WHERE id = ?1", [uid], |r| r.get(0)).unwrap();
    assert_eq!(svc, 0);
    // The session still works (logout was refused too).
    assert_eq!(h.get("/helpdesk", Some(&cookie)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn users_are_case_insensitive_and_errors_show_guidance() {
    let h = Harness::new();
    let (cookie, csrf) = h.login().await;
    h.create_user(&cookie, &csrf, "Alice", false).await;
    let r = h.post_form("/helpdesk/users", Some(&cookie), &[("csrf", &csrf), ("name", "ALICE")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("E_SRV_USER_EXISTS"));
    let r = h.post_form("/helpdesk/users", Some(&cookie), &[("csrf", &csrf), ("name", "   ")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("E_SRV_USER_NAME_INVALID"));
    // The guidance sentence is the catalog's "what to tell the user".
    let guidance = duet_server::error_catalog::CODES
        .iter()
        .find(|d| d.code == "E_SRV_USER_NAME_INVALID")
        .expect("in the catalog")
        .tell;
    assert!(r.body.contains(&guidance.replace('\'', "&#39;")) || r.body.contains(guidance), "guidance missing: {}", r.body);
    assert_eq!(h.count("users"), 1);
    let r = h.get("/helpdesk/users/999", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("E_SRV_USER_UNKNOWN"));
    let r = h.get("/no/such/page", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("E_SRV_NOT_FOUND"));
}

#[tokio::test]
async fn malformed_and_oversized_forms_are_4xx() {
    let h = Harness::with_config(duet_server::Config { max_body: 4096, ..Default::default() });
    let (cookie, csrf) = h.login().await;
    let big = "x".repeat(10_000);
    let r = h.post_form("/helpdesk/users", Some(&cookie), &[("csrf", &csrf), ("name", &big)]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.body.contains("E_SRV_TOO_LARGE"));
    let r = h.post_form("/helpdesk/users", Some(&cookie), &[("csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(h.count("users"), 0);
}

#[tokio::test]
async fn bypass_code_works_once_with_attempt_limit_and_expiry() {
    let h = Harness::new();
    let (cookie, csrf) = h.login().await;
    let key = h.create_app(&cookie, &csrf, "vpn").await;
    let uid = h.create_user(&cookie, &csrf, "dave", false).await;
    let code = issue(&h, uid, &cookie, &csrf).await;
    assert_eq!(code.len(), 10);
    assert!(code.chars().all(|c| c.is_ascii_digit()));
    let body = |c: &str| format!(r#"{{"user":"DAVE","method":"passcode","passcode":"{c}"}}"#);
    let r = h.post_json("/api/v1/signins", Some(&key), &body(&code)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "approved");
    let r = h.post_json("/api/v1/signins", Some(&key), &body(&code)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "E_SRV_PASSCODE_WRONG");

    // Three wrong tries void a fresh code (another user: dave has used up failures).
    let uid = h.create_user(&cookie, &csrf, "dave2", false).await;
    let body = |c: &str| format!(r#"{{"user":"dave2","method":"passcode","passcode":"{c}"}}"#);
    let code = issue(&h, uid, &cookie, &csrf).await;
    let wrong = if code.starts_with('0') { "1111111111" } else { "0000000000" };
    for _ in 0..3 {
        assert_eq!(h.post_json("/api/v1/signins", Some(&key), &body(wrong)).await.code(), "E_SRV_PASSCODE_WRONG");
    }
    assert_eq!(h.post_json("/api/v1/signins", Some(&key), &body(&code)).await.code(), "E_SRV_PASSCODE_WRONG");

    // Expiry.
    let uid = h.create_user(&cookie, &csrf, "dave3", false).await;
    let body = |c: &str| format!(r#"{{"user":"dave3","method":"passcode","passcode":"{c}"}}"#);
    let code = issue(&h, uid, &cookie, &csrf).await;
    h.clock.advance(3601);
    assert_eq!(h.post_json("/api/v1/signins", Some(&key), &body(&code)).await.code(), "E_SRV_PASSCODE_WRONG");
    let audit: i64 = h.state.db().query_row("SELECT COUNT(*) FROM audit WHERE action = 'bypass_code_issued'", [], |r| r.get(0)).unwrap();
    assert_eq!(audit, 3);
}

#[tokio::test]
async fn service_account_flag_is_shown_and_audited() {
    let h = Harness::new();
    let (cookie, csrf) = h.login().await;
    let uid = h.create_user(&cookie, &csrf, "backup-job", true).await;
    let page = h.get(&format!("/helpdesk/users/{uid}"), Some(&cookie)).await;
    assert!(page.body.contains("service account"));
    let home = h.get("/helpdesk", Some(&cookie)).await;
    assert!(home.body.contains("service account (no 2FA)"));
    let n: i64 = h.state.db().query_row("SELECT COUNT(*) FROM audit WHERE action = 'service_account_created' AND user_name = 'backup-job'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let h = Harness::new();
    let (cookie, csrf) = h.login().await;
    let r = h.post_form("/helpdesk/logout", Some(&cookie), &[("csrf", &csrf)]).await;
    assert!(r.status.is_redirection());
    assert_eq!(h.get("/helpdesk", Some(&cookie)).await.location(), "/helpdesk/login");
    // Sessions also expire.
    let (cookie, _) = h.login().await;
    h.clock.advance(8 * 3600 + 1);
    assert_eq!(h.get("/helpdesk", Some(&cookie)).await.location(), "/helpdesk/login");
}

async fn issue(h: &Harness, uid: i64, cookie: &str, csrf: &str) -> String {
    let r = h.post_form(&format!("/helpdesk/users/{uid}/bypass"), Some(cookie), &[("csrf", csrf)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers.get("cache-control").unwrap(), "no-store");
    extract_between(&r.body, "id=\"bypass-code\">", "<").unwrap()
}

#[tokio::test]
async fn bad_path_values_get_a_coded_page_that_never_quotes_them() {
    let h = Harness::new();
    let (cookie, csrf) = h.login().await;
    let probe = "%3Cscript%3Ex%3C%2Fscript%3E";
    for path in [format!("/helpdesk/users/{probe}"), "/helpdesk/users/12abc".to_string(), "/helpdesk/users/99999999999999999999999".to_string()] {
        let r = h.get(&path, Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        assert!(r.body.contains("E_SRV_BAD_REQUEST"), "{}", r.body);
        assert!(!r.body.contains("script>x") && !r.body.contains("12abc") && !r.body.contains("9999999999"), "{}", r.body);
    }
    let r = h.post_form("/helpdesk/users/x1/devices/2/revoke", Some(&cookie), &[("csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("E_SRV_BAD_REQUEST") && !r.body.contains("x1"));
    // A login post that is not a form is a page too.
    let req = axum::http::Request::post("/helpdesk/login").header("content-type", "text/plain").body(axum::body::Body::from("name=<b>")).unwrap();
    let r = h.send(req).await;
    assert!(r.status.is_client_error());
    assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/html") && r.body.contains("E_SRV_BAD_REQUEST"));
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_pages_have_no_inline_code() {
    let h = Harness::new();
    let (cookie, _) = h.login().await;
    let answers = [
        h.get("/helpdesk/login", None).await,
        h.get("/helpdesk", Some(&cookie)).await,
        h.get("/duet/enroll", None).await,
        h.get("/api/v1/signins/x", None).await,
        h.get("/no/such/page", None).await,
    ];
    for r in &answers {
        let csp = r.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(r.headers["x-frame-options"], "DENY");
        assert_eq!(r.headers["x-content-type-options"], "nosniff");
        assert_eq!(r.headers["referrer-policy"], "no-referrer");
        assert!(r.headers.get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
        assert!(!r.body.contains("<style") && !r.body.contains("<script>"), "{}", r.body);
    }
    // The scripts and the style sheet the pages load are served.
    for (path, kind) in [("/duet/enroll.js", "text/javascript"), ("/helpdesk/assets/countdown.js", "text/javascript"), ("/helpdesk/assets/helpdesk.css", "text/css")] {
        let r = h.get(path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.headers["content-type"].to_str().unwrap().starts_with(kind), "{path}");
        assert!(answers.iter().any(|a| a.body.contains(path)) || path.contains("countdown"), "{path} is used");
    }
    let tls = Harness::with_config(duet_server::Config { secure_cookies: true, ..Default::default() });
    let r = tls.get("/helpdesk/login", None).await;
    assert!(r.headers["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
}

#[tokio::test]
async fn a_login_posted_from_another_site_is_refused() {
    let h = Harness::new();
    let login = [("name", "admin"), ("password", ADMIN_PW)];
    for headers in [&[("sec-fetch-site", "cross-site")][..], &[("sec-fetch-site", "same-site")], &[("origin", "https://evil.example")], &[("origin", "null")]] {
        let r = h.post_form_from("198.51.100.1", headers, "/helpdesk/login", &login).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{headers:?}");
        assert!(r.body.contains("E_SRV_CSRF") && r.headers.get("set-cookie").is_none(), "{headers:?}");
    }
    assert_eq!(h.count("sessions"), 0);
    // From the server's own page, and from programs that are not browsers.
    for headers in [&[("sec-fetch-site", "same-origin"), ("origin", "http://127.0.0.1:8440")][..], &[("origin", "http://127.0.0.1:8440")], &[]] {
        let r = h.post_form_from("198.51.100.1", headers, "/helpdesk/login", &login).await;
        assert!(r.status.is_redirection(), "{headers:?}: {}", r.status);
    }
}
