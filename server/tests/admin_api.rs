//! HTTP tests of the admin API through the real router: enrollments created, read out,
//! used and revoked without the helpdesk page; scopes; wrong and revoked keys; keys stored
//! hashed; audit records; typed JSON errors for bad input; the same rules as the helpdesk.

mod server_support;

use axum::http::StatusCode;
use duet_core::push::*;
use duet_server::http::admin_api::routes;
use duet_server::services::admin_keys::Scope;
use ring::rand::SystemRandom;
use serde_json::Value;
use server_support::*;
use std::sync::Arc;

/// Every error of the admin API is exactly `{"error":"E_...","message":"..."}`.
fn assert_error(r: &Resp, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.headers.get("content-type").unwrap(), "application/json", "{}", r.body);
    let v = r.json();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["error", "message"], "{}", r.body);
    assert_eq!(v["error"], code, "{}", r.body);
    assert!(!v["message"].as_str().unwrap().is_empty());
}

/// A concrete path for a route: ids filled in with `id`.
fn concrete(path: &str, id: &str) -> String {
    path.replace("{id}", id).replace("{device}", id)
}

fn audit_actions(h: &Harness) -> Vec<(String, String)> {
    let conn = h.state.db();
    let mut q = conn.prepare("SELECT actor, action FROM audit ORDER BY id").unwrap();
    q.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

async fn new_user(h: &Harness, key: &str, name: &str) -> i64 {
    let r = h.admin("POST", "/users", Some(key), Some(&format!(r#"{{"name":"{name}"}}"#))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

/// A phone registers with an enrollment link, as the app does after scanning it.
async fn register_phone(h: &Harness, link: &str) -> Resp {
    let now = h.state.now() as i64;
    let link = EnrollmentLink::parse(link, now).unwrap();
    let signer = SoftwareP256Signer::generate(Arc::new(SystemRandom::new())).unwrap();
    let info = DeviceInfo { name: "Test phone".into(), platform: "cli".into(), keystore: "software".into() };
    let agreement = AgreementKey::generate(&SystemRandom::new()).unwrap();
    let body = build_registration(&link, &signer, &agreement, &info, now).unwrap();
    let req = axum::http::Request::post("/duet/v1/register")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body))
        .unwrap();
    h.send(req).await
}

#[tokio::test]
async fn an_enrollment_is_created_read_out_used_and_its_device_revoked_without_the_page() {
    let h = Harness::new();
    let key = h.admin_key(Scope::ReadWrite);
    let uid = new_user(&h, &key, "Dana").await;

    let r = h.admin("POST", &format!("/users/{uid}/enrollments"), Some(&key), None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let created = r.json();
    let eid = created["id"].as_str().unwrap();
    assert!(created["link"].as_str().unwrap().starts_with("duet://enroll?"));
    assert!(created["https_link"].as_str().unwrap().starts_with("http://127.0.0.1:8440/duet/enroll#"));
    let code = created["manual_code"].as_str().unwrap();
    assert!(code.starts_with("127.0.0.1:8440 ") && code.len() > 20, "{code}");
    assert_eq!((created["used"].as_bool(), created["expired"].as_bool()), (Some(false), Some(false)));

    // Read out again: the same link and code the helpdesk page shows.
    let r = h.admin("GET", &format!("/enrollments/{eid}"), Some(&key), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), created);
    let stored = duet_server::services::enrollments::get(&h.state, eid).unwrap().unwrap();
    assert_eq!((stored.link.as_str(), stored.manual_code.as_str()), (created["link"].as_str().unwrap(), code));

    // The phone registers with the link read out of the API.
    let r = register_phone(&h, created["link"].as_str().unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = h.admin("GET", &format!("/enrollments/{eid}"), Some(&key), None).await;
    assert_eq!(r.json()["used"], true);
    let devices = h.admin("GET", &format!("/users/{uid}/devices"), Some(&key), None).await.json();
    assert_eq!(devices.as_array().unwrap().len(), 1);
    let did = devices[0]["id"].as_i64().unwrap();
    assert_eq!(devices[0]["revoked_at"], Value::Null);
    assert_eq!(h.admin("GET", &format!("/users/{uid}"), Some(&key), None).await.json()["active_devices"], 1);

    // Lost phone: revoked once; a second time it is no longer an active device.
    let r = h.admin("POST", &format!("/users/{uid}/devices/{did}/revoke"), Some(&key), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["revoked_at"], h.state.now());
    let r = h.admin("POST", &format!("/users/{uid}/devices/{did}/revoke"), Some(&key), None).await;
    assert_error(&r, StatusCode::NOT_FOUND, "E_SRV_DEVICE_UNKNOWN");
    assert_eq!(h.admin("GET", &format!("/users/{uid}"), Some(&key), None).await.json()["active_devices"], 0);
    // A test push now has no device to go to.
    let r = h.admin("POST", &format!("/users/{uid}/test-push"), Some(&key), None).await;
    assert_error(&r, StatusCode::CONFLICT, "E_SRV_NO_DEVICE");

    let actions = audit_actions(&h);
    for a in ["user_created", "enrollment_created", "device_revoked"] {
        assert!(actions.contains(&("admin-key:1:tests".into(), a.into())), "{a} missing from {actions:?}");
    }
    assert!(actions.contains(&("device".into(), "device_enrolled".into())));
}

#[tokio::test]
async fn a_cancelled_enrollment_no_longer_registers_a_phone() {
    let h = Harness::new();
    let key = h.admin_key(Scope::ReadWrite);
    let uid = new_user(&h, &key, "eve").await;
    let e = h.admin("POST", &format!("/users/{uid}/enrollments"), Some(&key), None).await.json();
    let eid = e["id"].as_str().unwrap();
    let r = h.admin("POST", &format!("/enrollments/{eid}/cancel"), Some(&key), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.json()["expired"].as_bool(), r.json()["used"].as_bool()), (Some(true), Some(false)));
    let r = register_phone(&h, e["link"].as_str().unwrap()).await;
    assert!(r.status.is_client_error(), "a cancelled enrollment registered: {} {}", r.status, r.body);
    assert_eq!(h.count("devices"), 0);
    let r = h.admin("POST", "/enrollments/no-such-id/cancel", Some(&key), None).await;
    assert_error(&r, StatusCode::NOT_FOUND, "E_SRV_ENROLLMENT_UNKNOWN");
    assert!(audit_actions(&h).contains(&("admin-key:1:tests".into(), "enrollment_cancelled".into())));
}

#[tokio::test]
async fn a_read_only_key_reads_everything_and_changes_nothing() {
    let h = Harness::new();
    let rw = h.admin_key(Scope::ReadWrite);
    let uid = new_user(&h, &rw, "frank").await;
    let ro = h.admin_key(Scope::ReadOnly);
    let before = (h.count("users"), h.count("enrollments"), h.count("applications"), h.count("admin_keys"), h.count("server_keys"));
    let mut writes = 0;
    for r in routes() {
        let path = concrete(r.path, &uid.to_string());
        let body = (r.method != "GET").then_some(r#"{"name":"x","scope":"read-write","service_account":true}"#);
        let resp = h.admin(r.method.as_str(), &path, Some(&ro), body).await;
        if r.method == "GET" {
            assert!(resp.status == StatusCode::OK || resp.status == StatusCode::NOT_FOUND, "{} {path}: {}", r.method, resp.body);
        } else {
            assert_error(&resp, StatusCode::FORBIDDEN, "E_SRV_ADMIN_KEY_READ_ONLY");
            writes += 1;
        }
    }
    assert!(writes >= 10);
    let after = (h.count("users"), h.count("enrollments"), h.count("applications"), h.count("admin_keys"), h.count("server_keys"));
    assert_eq!(before, after);
    let by_ro: Vec<_> = audit_actions(&h).into_iter().filter(|(who, _)| who == "admin-key:2:tests").collect();
    assert_eq!(by_ro, [("admin-key:2:tests".to_string(), "admin_key_used".to_string())]);
}

#[tokio::test]
async fn missing_wrong_and_revoked_keys_are_401_on_every_route() {
    let h = Harness::new();
    let (cookie, csrf) = h.login().await;
    let app_key = h.create_app(&cookie, &csrf, "intranet").await;
    let rw = h.admin_key(Scope::ReadWrite);
    let other = h.admin("POST", "/admin-keys", Some(&rw), Some(r#"{"name":"short-lived","scope":"read-write"}"#)).await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.body);
    let (other_id, other_key) = (other.json()["admin_key"]["id"].as_i64().unwrap(), other.json()["key"].as_str().unwrap().to_string());
    assert_eq!(h.admin("GET", "/users", Some(&other_key), None).await.status, StatusCode::OK);
    let r = h.admin("POST", &format!("/admin-keys/{other_id}/revoke"), Some(&rw), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut flipped = rw.clone();
    let last = flipped.pop().unwrap();
    flipped.push(if last == '0' { '1' } else { '0' });

    for r in routes() {
        let path = concrete(r.path, "1");
        let m = r.method.as_str();
        assert_error(&h.admin(m, &path, None, None).await, StatusCode::UNAUTHORIZED, "E_SRV_ADMIN_KEY_MISSING");
        for bad in [flipped.as_str(), other_key.as_str(), app_key.as_str(), "duetadm_"] {
            assert_error(&h.admin(m, &path, Some(bad), None).await, StatusCode::UNAUTHORIZED, "E_SRV_ADMIN_KEY_INVALID");
        }
        let req = axum::http::Request::builder()
            .method(m)
            .uri(format!("{}{path}", duet_server::http::admin_api::PREFIX))
            .header("authorization", format!("Basic {rw}"))
            .body(axum::body::Body::empty())
            .unwrap();
        assert_error(&h.send(req).await, StatusCode::UNAUTHORIZED, "E_SRV_ADMIN_KEY_MISSING");
    }
    // An admin key is no application key either.
    let r = h.post_json("/api/v1/signins", Some(&rw), r#"{"user":"x","method":"push"}"#).await;
    assert_eq!(r.code(), "E_SRV_API_KEY_INVALID");
}

#[tokio::test]
async fn keys_are_stored_hashed_and_never_shown_again() {
    let h = Harness::new();
    let rw = h.admin_key(Scope::ReadWrite);
    let r = h.admin("POST", "/admin-keys", Some(&rw), Some(r#"{"name":"backup job","scope":"read-only"}"#)).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.headers.get("cache-control").unwrap(), "no-store");
    let created = r.json()["key"].as_str().unwrap().to_string();
    assert!(created.starts_with("duetadm_") && created.len() == 8 + 64);
    let app = h.admin("POST", "/applications", Some(&rw), Some(r#"{"name":"vpn"}"#)).await.json();
    let app_key = app["api_key"].as_str().unwrap().to_string();

    let hashes: Vec<Vec<u8>> = {
        let conn = h.state.db();
        let mut q = conn.prepare("SELECT key_hash FROM admin_keys ORDER BY id").unwrap();
        q.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    let sha = |k: &str| ring::digest::digest(&ring::digest::SHA256, k.as_bytes()).as_ref().to_vec();
    assert_eq!(hashes, vec![sha(&rw), sha(&created)]);
    // No column of any table holds a key in clear.
    let dump = h.database_dump();
    for k in [&rw, &created, &app_key] {
        assert!(!dump.contains(&k[k.len() - 40..]), "a key is stored in clear");
    }
    // The listing never carries keys.
    let list = h.admin("GET", "/admin-keys", Some(&rw), None).await;
    assert!(!list.body.contains(&created[8..]) && !list.body.contains(&rw[8..]));
    assert_eq!(list.json().as_array().unwrap().len(), 2);
    let apps = h.admin("GET", "/applications", Some(&rw), None).await;
    assert!(!apps.body.contains(&app_key[5..]));
    // Nor does a created key's or a bypass code's Debug output.
    let new = duet_server::services::admin_keys::create(&h.state.db(), "t", "dbg", Scope::ReadOnly, T0).unwrap();
    assert!(!format!("{new:?}").contains(&new.secret[8..]));
    let uid = new_user(&h, &rw, "gus").await;
    let issued = duet_server::services::bypass::issue_for(&h.state, "t", uid).unwrap();
    assert!(!format!("{issued:?}").contains(issued.code.as_str()));
}

#[tokio::test]
async fn creation_use_and_revocation_of_keys_are_audited() {
    let h = Harness::new();
    let rw = h.admin_key(Scope::ReadWrite);
    h.admin("GET", "/users", Some(&rw), None).await;
    h.admin("GET", "/users", Some(&rw), None).await;
    let r = h.admin("POST", "/admin-keys", Some(&rw), Some(r#"{"name":"ci","scope":"read-only"}"#)).await;
    let id = r.json()["admin_key"]["id"].as_i64().unwrap();
    assert_eq!(r.json()["admin_key"]["created_by"], "admin-key:1:tests");
    h.admin("POST", &format!("/admin-keys/{id}/revoke"), Some(&rw), None).await;
    let r = h.admin("POST", "/admin-keys/1/revoke", Some(&rw), None).await;
    assert_error(&r, StatusCode::CONFLICT, "E_SRV_ADMIN_KEY_SELF");
    let r = h.admin("POST", &format!("/admin-keys/{id}/revoke"), Some(&rw), None).await;
    assert_error(&r, StatusCode::NOT_FOUND, "E_SRV_ADMIN_KEY_UNKNOWN");

    let used = |h: &Harness| audit_actions(h).iter().filter(|(_, a)| a == "admin_key_used").count();
    let actions = audit_actions(&h);
    assert!(actions.contains(&("command line".into(), "admin_key_created".into())));
    assert!(actions.contains(&("admin-key:1:tests".into(), "admin_key_created".into())));
    assert!(actions.contains(&("admin-key:1:tests".into(), "admin_key_revoked".into())));
    // Use is recorded once per hour per key, not once per call.
    assert_eq!(used(&h), 1);
    h.clock.advance(duet_server::services::admin_keys::USE_LOG_INTERVAL_SECS);
    h.admin("GET", "/audit", Some(&rw), None).await;
    assert_eq!(used(&h), 2);
    let log = h.admin("GET", "/audit?limit=3", Some(&rw), None).await.json();
    assert_eq!(log.as_array().unwrap().len(), 3);
    assert_eq!(log[0]["action"], "admin_key_used");
}

#[tokio::test]
async fn bad_input_gets_typed_json_errors() {
    let h = Harness::with_config(duet_server::Config { max_body: 2048, ..Default::default() });
    let rw = h.admin_key(Scope::ReadWrite);
    let uid = new_user(&h, &rw, "hana").await;
    let cases: Vec<(&str, String, Option<String>, StatusCode, &str)> = vec![
        ("POST", "/users".into(), Some("".into()), StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("POST", "/users".into(), Some("{".into()), StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("POST", "/users".into(), Some("[]".into()), StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("POST", "/users".into(), Some(r#"{"name":5}"#.into()), StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("POST", "/users".into(), Some(r#"{"name":"a","admin":true}"#.into()), StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("POST", "/users".into(), Some(r#"{"name":" "}"#.into()), StatusCode::BAD_REQUEST, "E_SRV_USER_NAME_INVALID"),
        ("POST", "/users".into(), Some(r#"{"name":"a\nb"}"#.into()), StatusCode::BAD_REQUEST, "E_SRV_USER_NAME_INVALID"),
        ("POST", "/users".into(), Some(r#"{"name":"HANA"}"#.into()), StatusCode::CONFLICT, "E_SRV_USER_EXISTS"),
        ("POST", "/users".into(), Some(format!(r#"{{"name":"{}"}}"#, "x".repeat(4000))), StatusCode::PAYLOAD_TOO_LARGE, "E_SRV_TOO_LARGE"),
        ("PATCH", format!("/users/{uid}"), Some("{}".into()), StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("PATCH", format!("/users/{uid}"), Some(r#"{"service_account":"yes"}"#.into()), StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("PATCH", "/users/999".into(), Some(r#"{"service_account":true}"#.into()), StatusCode::NOT_FOUND, "E_SRV_USER_UNKNOWN"),
        ("GET", "/users/abc".into(), None, StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("GET", "/users/99999999999999999999999".into(), None, StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("GET", "/users/-1".into(), None, StatusCode::NOT_FOUND, "E_SRV_USER_UNKNOWN"),
        ("GET", "/users/1/devices/x".into(), None, StatusCode::NOT_FOUND, "E_SRV_NOT_FOUND"),
        ("GET", "/nothing".into(), None, StatusCode::NOT_FOUND, "E_SRV_NOT_FOUND"),
        ("GET", "".into(), None, StatusCode::NOT_FOUND, "E_SRV_NOT_FOUND"),
        ("GET", "/".into(), None, StatusCode::NOT_FOUND, "E_SRV_NOT_FOUND"),
        ("GET", "/users/".into(), None, StatusCode::NOT_FOUND, "E_SRV_NOT_FOUND"),
        ("DELETE", "/users".into(), None, StatusCode::METHOD_NOT_ALLOWED, "E_SRV_METHOD_NOT_ALLOWED"),
        ("GET", "/enrollments/%FF".into(), None, StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("GET", "/signins/nope".into(), None, StatusCode::NOT_FOUND, "E_SRV_SIGNIN_UNKNOWN"),
        ("GET", "/audit?limit=0".into(), None, StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("GET", "/audit?limit=1001".into(), None, StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("GET", "/audit?limit=ten".into(), None, StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("GET", format!("/users/{uid}/signins?limit=-3"), None, StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("POST", "/admin-keys".into(), Some(r#"{"name":"x","scope":"admin"}"#.into()), StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("POST", "/admin-keys".into(), Some(r#"{"name":"","scope":"read-only"}"#.into()), StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("POST", "/admin-keys".into(), Some(r#"{"name":"x"}"#.into()), StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("POST", "/applications".into(), Some(r#"{"name":"\u0007"}"#.into()), StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST"),
        ("POST", "/applications/77/revoke".into(), None, StatusCode::NOT_FOUND, "E_SRV_APPLICATION_UNKNOWN"),
        ("POST", "/users/77/bypass-codes".into(), None, StatusCode::NOT_FOUND, "E_SRV_USER_UNKNOWN"),
        ("POST", "/users/77/devices/1/revoke".into(), None, StatusCode::NOT_FOUND, "E_SRV_USER_UNKNOWN"),
        ("POST", format!("/users/{uid}/devices/1/revoke"), None, StatusCode::NOT_FOUND, "E_SRV_DEVICE_UNKNOWN"),
    ];
    let users_before = h.count("users");
    for (m, path, body, status, code) in cases {
        let r = h.admin(m, &path, Some(&rw), body.as_deref()).await;
        assert_error(&r, status, code);
    }
    assert_eq!(h.count("users"), users_before);
    // A body without the JSON content type.
    let req = axum::http::Request::post(format!("{}/users", duet_server::http::admin_api::PREFIX))
        .header("authorization", format!("Bearer {rw}"))
        .header("content-type", "text/plain")
        .body(axum::body::Body::from(r#"{"name":"ivan"}"#))
        .unwrap();
    assert_error(&h.send(req).await, StatusCode::BAD_REQUEST, "E_SRV_BAD_REQUEST");
}

#[tokio::test]
async fn the_page_and_the_api_share_rules_keys_and_records() {
    let h = Harness::new();
    let (cookie, csrf) = h.login().await;
    // A key created on the helpdesk page works on the API.
    let r = h.post_form("/helpdesk/admin-keys", Some(&cookie), &[("csrf", &csrf), ("name", "from the page"), ("scope", "read-write")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let key = extract_between(&r.body, "id=\"admin-api-key\">", "<").unwrap();
    let sid = h.create_user(&cookie, &csrf, "svc-backup", true).await;
    // The same refusal for a test push to a service account, from both.
    let r = h.admin("POST", &format!("/users/{sid}/test-push"), Some(&key), None).await;
    assert_error(&r, StatusCode::CONFLICT, "E_SRV_SERVICE_ACCOUNT");
    let page = h.post_form(&format!("/helpdesk/users/{sid}/test-push"), Some(&cookie), &[("csrf", &csrf)]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("E_SRV_SERVICE_ACCOUNT"));
    // Flags changed through the API show on the page, and the reverse.
    let r = h.admin("PATCH", &format!("/users/{sid}"), Some(&key), Some(r#"{"service_account":false}"#)).await;
    assert_eq!(r.json()["service_account"], false);
    let page = h.get(&format!("/helpdesk/users/{sid}"), Some(&cookie)).await;
    assert!(page.body.contains("ordinary user"));
    h.post_form(&format!("/helpdesk/users/{sid}/service"), Some(&cookie), &[("csrf", &csrf), ("service", "1")]).await;
    assert_eq!(h.admin("GET", &format!("/users/{sid}"), Some(&key), None).await.json()["service_account"], true);
    // An enrollment made by the API, cancelled on the page; an application made on the page,
    // revoked by the API.
    let uid = h.create_user(&cookie, &csrf, "jo", false).await;
    let e = h.admin("POST", &format!("/users/{uid}/enrollments"), Some(&key), None).await.json();
    let eid = e["id"].as_str().unwrap();
    let r = h.post_form(&format!("/helpdesk/enrollments/{eid}/cancel"), Some(&cookie), &[("csrf", &csrf)]).await;
    assert!(r.status.is_redirection(), "{}", r.body);
    assert_eq!(h.admin("GET", &format!("/enrollments/{eid}"), Some(&key), None).await.json()["expired"], true);
    h.create_app(&cookie, &csrf, "wiki").await;
    let aid = h.admin("GET", "/applications", Some(&key), None).await.json()[0]["id"].as_i64().unwrap();
    assert_eq!(h.admin("POST", &format!("/applications/{aid}/revoke"), Some(&key), None).await.status, StatusCode::OK);
    assert!(!h.get("/helpdesk", Some(&cookie)).await.body.contains("wiki"));
    let r = h.post_form(&format!("/helpdesk/apps/{aid}/revoke"), Some(&cookie), &[("csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("E_SRV_APPLICATION_UNKNOWN"));
    // Revoked on the page, refused by the API.
    let id = h.admin("GET", "/admin-keys", Some(&key), None).await.json()[0]["id"].as_i64().unwrap();
    let r = h.post_form(&format!("/helpdesk/admin-keys/{id}/revoke"), Some(&cookie), &[("csrf", &csrf)]).await;
    assert!(r.status.is_redirection(), "{}", r.body);
    assert_error(&h.admin("GET", "/users", Some(&key), None).await, StatusCode::UNAUTHORIZED, "E_SRV_ADMIN_KEY_INVALID");
    let actions = audit_actions(&h);
    assert!(actions.contains(&("admin".into(), "admin_key_created".into())));
    assert!(actions.contains(&("admin".into(), "admin_key_revoked".into())));
    assert!(actions.contains(&("admin-key:1:from the page".into(), "service_account_cleared".into())));
    assert!(actions.contains(&("admin".into(), "service_account_set".into())));
    assert!(actions.contains(&("admin".into(), "enrollment_cancelled".into())));
    assert!(actions.contains(&("admin-key:1:from the page".into(), "application_revoked".into())));
}

#[tokio::test]
async fn a_bypass_code_from_the_api_signs_the_user_in_once() {
    let h = Harness::new();
    let rw = h.admin_key(Scope::ReadWrite);
    let uid = new_user(&h, &rw, "ines").await;
    let app = h.admin("POST", "/applications", Some(&rw), Some(r#"{"name":"intranet"}"#)).await.json();
    let app_key = app["api_key"].as_str().unwrap();
    let r = h.admin("POST", &format!("/users/{uid}/bypass-codes"), Some(&rw), None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.headers.get("cache-control").unwrap(), "no-store");
    let code = r.json()["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 10);
    let body = format!(r#"{{"user":"ines","method":"passcode","passcode":"{code}"}}"#);
    let r = h.post_json("/api/v1/signins", Some(app_key), &body).await;
    assert_eq!(r.json()["status"], "approved", "{}", r.body);
    let r = h.post_json("/api/v1/signins", Some(app_key), &body).await;
    assert_ne!(r.status, StatusCode::OK, "a bypass code worked twice");
    // The sign-ins are in the user's history, newest first.
    let hist = h.admin("GET", &format!("/users/{uid}/signins"), Some(&rw), None).await.json();
    assert_eq!(hist[hist.as_array().unwrap().len() - 1]["status"], "approved");
    // A revoked application key no longer starts sign-ins.
    let aid = app["application"]["id"].as_i64().unwrap();
    assert_eq!(h.admin("POST", &format!("/applications/{aid}/revoke"), Some(&rw), None).await.status, StatusCode::OK);
    assert_eq!(h.post_json("/api/v1/signins", Some(app_key), &body).await.code(), "E_SRV_API_KEY_INVALID");
}

#[tokio::test]
async fn the_server_key_rotates_through_the_api() {
    let h = Harness::new();
    let rw = h.admin_key(Scope::ReadWrite);
    let before = h.admin("GET", "/server-key", Some(&rw), None).await.json()["fingerprint"].clone();
    let r = h.admin("POST", "/server-key/rotate", Some(&rw), None).await;
    assert_eq!(r.status, StatusCode::OK);
    let after = r.json()["fingerprint"].clone();
    assert_ne!(before, after);
    assert_eq!(h.admin("GET", "/server-key", Some(&rw), None).await.json()["fingerprint"], after);
    assert!(audit_actions(&h).contains(&("admin-key:1:tests".into(), "server_key_rotation_requested".into())));
}
