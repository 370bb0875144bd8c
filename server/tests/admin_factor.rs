//! The helpdesk admins' second factor: a login needs the authenticator code after the
//! password; until then the session can do nothing (pages redirect, posts are refused with a
//! code, no admin API key can be made); the first login sets the authenticator up from the
//! page; wrong codes are refused and counted like wrong passwords; a code works once; the
//! operator's reset removes the factor, ends the sessions and is audited.

mod server_support;

use axum::http::StatusCode;
use duet_core::otp::{OtpParams, code};
use duet_core::secret::Secret;
use duet_server::clock::ManualClock;
use duet_server::run::{Options, open_state};
use duet_server::services::admin_factor;
use duet_server::services::admin_login::ADDRESS_RULE;
use duet_server::{Config, ServerError};
use server_support::*;
use std::sync::Arc;

fn audit_count(h: &Harness, action: &str) -> i64 {
    h.state.db().query_row("SELECT COUNT(*) FROM audit WHERE action = ?1", [action], |r| r.get(0)).unwrap()
}

fn code_for(secret: &[u8], h: &Harness) -> String {
    code(&Secret::new(secret.to_vec()), &OtpParams::totp_default(), h.state.now()).unwrap()
}

/// The csrf token a half-signed-in session finds on the second-factor page.
async fn factor_csrf(h: &Harness, cookie: &str) -> String {
    let page = h.get("/helpdesk/factor", Some(cookie)).await;
    extract_between(&page.body, "name=\"csrf\" value=\"", "\"").expect("csrf field")
}

#[tokio::test]
async fn a_password_alone_opens_nothing() {
    let h = Harness::new();
    let cookie = h.login_password().await;
    for path in ["/helpdesk", "/helpdesk/audit", "/helpdesk/users/1"] {
        let r = h.get(path, Some(&cookie)).await;
        assert!(r.status.is_redirection(), "{path}: {}", r.status);
        assert_eq!(r.location(), "/helpdesk/factor", "{path}");
    }
    let csrf = factor_csrf(&h, &cookie).await;
    let r = h.post_form("/helpdesk/users", Some(&cookie), &[("csrf", &csrf), ("name", "mallory")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("E_SRV_FACTOR_REQUIRED"), "{}", r.body);
    assert_eq!(h.count("users"), 0);
    let key = [("csrf", csrf.as_str()), ("name", "ci"), ("scope", "read-write")];
    let r = h.post_form("/helpdesk/admin-keys", Some(&cookie), &key).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("E_SRV_FACTOR_REQUIRED"), "{}", r.body);
    assert_eq!(h.count("admin_keys"), 0);
    // The same session, once past the code, makes the key.
    let r = h.post_factor(&cookie, &h.admin_code()).await;
    assert_eq!(r.location(), "/helpdesk", "{} {}", r.status, r.body);
    let csrf = extract_between(&h.get("/helpdesk", Some(&cookie)).await.body, "name=\"csrf\" value=\"", "\"").unwrap();
    let key = [("csrf", csrf.as_str()), ("name", "ci"), ("scope", "read-write")];
    let r = h.post_form("/helpdesk/admin-keys", Some(&cookie), &key).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(h.count("admin_keys"), 1);
    assert_eq!(audit_count(&h, "admin_factor_passed"), 1);
    // Passed sessions skip the second-factor page.
    assert_eq!(h.get("/helpdesk/factor", Some(&cookie)).await.location(), "/helpdesk");
}

#[tokio::test]
async fn the_first_login_sets_up_the_authenticator_shown_on_the_page() {
    let h = Harness::new();
    admin_factor::reset(&h.state.db(), "tests", "admin", T0).unwrap();
    let cookie = h.login_password().await;
    let page = h.get("/helpdesk/factor", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.headers.get("cache-control").unwrap(), "no-store");
    assert!(page.body.contains("<svg"), "no QR code");
    let shown = extract_between(&page.body, "id=\"factor-secret\">", "<").expect("secret shown");
    let secret = duet_core::uri::decode_secret(&shown).unwrap();
    assert_eq!(secret.len(), 20);
    // A reload shows the same secret until a code confirms it.
    let again = h.get("/helpdesk/factor", Some(&cookie)).await;
    assert_eq!(extract_between(&again.body, "id=\"factor-secret\">", "<").as_deref(), Some(shown.as_str()));
    // Only sealed in the database.
    let dump = h.database_dump();
    assert!(!dump.contains(&shown) && !dump.contains(&String::from_utf8_lossy(secret.expose()).into_owned()));
    let wrong = h.post_factor(&cookie, "000000").await;
    let good = code_for(secret.expose(), &h);
    assert_ne!(good, "000000");
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("E_SRV_FACTOR_WRONG") && wrong.body.contains(&shown));
    let r = h.post_factor(&cookie, &good).await;
    assert_eq!(r.location(), "/helpdesk", "{} {}", r.status, r.body);
    assert_eq!(h.get("/helpdesk", Some(&cookie)).await.status, StatusCode::OK);
    assert_eq!(audit_count(&h, "admin_factor_enrolled"), 2, "from the harness, then from the page");
    assert_eq!(audit_count(&h, "admin_factor_passed"), 1);
    // Later logins ask for a code and show no secret.
    h.clock.advance(30);
    let later = h.login_password().await;
    let page = h.get("/helpdesk/factor", Some(&later)).await;
    assert!(!page.body.contains("factor-secret") && !page.body.contains(&shown));
    let r = h.post_factor(&later, &code_for(secret.expose(), &h)).await;
    assert_eq!(r.location(), "/helpdesk");
}

#[tokio::test]
async fn wrong_codes_are_refused_audited_and_pause_the_address() {
    let h = Harness::new();
    let cookie = h.login_password().await;
    let good = h.admin_code();
    let wrong = if good == "123456" { "654321" } else { "123456" };
    for i in 1..=ADDRESS_RULE.max_failures {
        let r = h.post_factor(&cookie, wrong).await;
        let want = if i < ADDRESS_RULE.max_failures { "E_SRV_FACTOR_WRONG" } else { "E_SRV_LOGIN_LOCKED" };
        assert!(r.body.contains(want), "attempt {i}: {}", r.status);
        assert!(!r.body.contains(&good));
    }
    assert_eq!(audit_count(&h, "admin_factor_failed"), ADDRESS_RULE.max_failures);
    assert_eq!(audit_count(&h, "admin_login_locked"), 1);
    // Paused: even the right code and the password are refused.
    let r = h.post_factor(&cookie, &good).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("E_SRV_LOGIN_LOCKED"));
    let r = h.post_form("/helpdesk/login", None, &[("name", "admin"), ("password", ADMIN_PW)]).await;
    assert!(r.body.contains("E_SRV_LOGIN_LOCKED"));
    assert_eq!(h.get("/helpdesk", Some(&cookie)).await.location(), "/helpdesk/factor");
    // Malformed codes are wrong codes, not server errors.
    h.clock.advance(ADDRESS_RULE.lock_secs + 1);
    let r = h.post_factor(&cookie, "not a code").await;
    assert!(r.body.contains("E_SRV_FACTOR_WRONG"), "{}", r.status);
    assert!(h.post_factor(&cookie, &h.admin_code()).await.location() == "/helpdesk");
}

#[tokio::test]
async fn a_code_is_accepted_once() {
    let h = Harness::new();
    let first = h.login_password().await;
    let c = h.admin_code();
    assert_eq!(h.post_factor(&first, &c).await.location(), "/helpdesk");
    let second = h.login_password().await;
    let r = h.post_factor(&second, &c).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("E_SRV_FACTOR_REUSED"), "{}", r.body);
    assert_eq!(audit_count(&h, "admin_factor_reused"), 1);
    assert_eq!(h.get("/helpdesk", Some(&second)).await.location(), "/helpdesk/factor");
    h.clock.advance(30);
    assert_eq!(h.post_factor(&second, &h.admin_code()).await.location(), "/helpdesk");
}

#[tokio::test]
async fn the_operators_reset_removes_the_factor_and_ends_the_sessions() {
    let h = Harness::new();
    let (cookie, _) = h.login().await;
    admin_factor::reset(&h.state.db(), "command line", "ADMIN", h.state.now()).unwrap();
    assert_eq!(h.get("/helpdesk", Some(&cookie)).await.location(), "/helpdesk/login");
    let (actor, detail): (String, String) = h
        .state
        .db()
        .query_row("SELECT actor, detail FROM audit WHERE action = 'admin_factor_reset'", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((actor.as_str(), detail.as_str()), ("command line", "admin ADMIN"));
    // The old authenticator no longer works; the next login sets up a new one.
    let half = h.login_password().await;
    let page = h.get("/helpdesk/factor", Some(&half)).await;
    assert!(page.body.contains("factor-secret"));
    assert!(h.post_factor(&half, &h.admin_code()).await.body.contains("E_SRV_FACTOR_WRONG"));
    let e = admin_factor::reset(&h.state.db(), "command line", "nobody", h.state.now()).unwrap_err();
    assert!(matches!(e, ServerError::Config(_)), "{e:?}");
}

#[tokio::test]
async fn the_first_admin_can_get_the_authenticator_from_the_command_line() {
    let d = tempfile::tempdir().unwrap();
    let pw = d.path().join("pw");
    std::fs::write(&pw, ADMIN_PW).unwrap();
    let file = d.path().join("admin-factor.uri");
    let opts = Options {
        listen: "127.0.0.1:0".parse().unwrap(),
        db_path: d.path().join("duet-server.sqlite"),
        key_file: d.path().join("server.key"),
        admin_name: "admin".into(),
        admin_password_file: Some(pw),
        admin_factor_file: Some(file.clone()),
        tls: None,
        public_url: None,
        rotate_key: false,
    };
    let clock = Arc::new(ManualClock::new(T0));
    let config = Config { issuer: "Example Corp".into(), ..Config::default() };
    let state = open_state(&opts, config, clock.clone(), "127.0.0.1:8440".parse().unwrap()).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    let uri = std::fs::read_to_string(&file).unwrap();
    assert!(uri.starts_with("otpauth://totp/"), "not an otpauth URI");
    let account = duet_core::uri::parse(uri.trim()).unwrap().account;
    assert_eq!((account.issuer.as_deref(), account.name.as_str()), (Some("Example Corp"), "admin"));
    assert_eq!(account.params, OtpParams::totp_default());
    let h = Harness { app: duet_server::build(state.clone()), state, clock };
    let half = h.login_password().await;
    // Already set up: the page asks for a code and shows no secret.
    assert!(!h.get("/helpdesk/factor", Some(&half)).await.body.contains("factor-secret"));
    let c = code_for(account.secret.expose(), &h);
    assert_eq!(h.post_factor(&half, &c).await.location(), "/helpdesk");
}

#[test]
fn an_enrollment_never_shows_its_secret_in_debug_output() {
    let conn = duet_server::storage::db::open(None).unwrap();
    duet_server::services::admin::ensure_first_admin(&conn, "admin", ADMIN_PW, T0).unwrap();
    let seal = duet_server::storage::seal::SealKey::new(&[7; 32]).unwrap();
    let e = admin_factor::enroll_with_secret(&conn, &seal, "duet", "admin", ADMIN_TOTP, T0).unwrap();
    let b32 = e.secret_base32.to_string();
    assert!(e.uri.contains(&b32));
    let shown = format!("{e:?}");
    let shown = format!("{shown} {:?}", admin_factor::Factor::Enrolling(e));
    assert!(!shown.contains(&b32) && !shown.contains("otpauth"), "{shown}");
}
