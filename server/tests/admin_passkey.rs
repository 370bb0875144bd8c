//! Passkeys and security keys as the helpdesk admins' second factor, answered by an independent
//! software authenticator (webauthn-authenticator-rs's `SoftPasskey`, which builds and signs
//! its attestations and assertions itself): registering at the first login and signing in with
//! it; answers made for another origin or relying party, replayed or stale answers are refused
//! with codes and counted; the operator's reset removes the key; a half-signed-in session opens
//! nothing; a public URL with an IP address offers no passkeys.

mod server_support;

use axum::http::StatusCode;
use duet_server::Config;
use duet_server::services::admin_factor;
use duet_server::services::admin_login::ADDRESS_RULE;
use duet_server::services::admin_passkey::CEREMONY_SECS;
use duet_server::storage::seal::Sealed;
use server_support::*;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse, Url};
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

const ORIGIN: &str = "https://helpdesk.example.test";
const OPTIONS: &str = "/helpdesk/factor/passkey/options";
const ANSWER: &str = "/helpdesk/factor/passkey";

type Authenticator = WebauthnAuthenticator<SoftPasskey>;

/// A server at ORIGIN whose first admin has no second factor yet.
fn fresh() -> Harness {
    let h = Harness::with_config(Config { public_url: ORIGIN.into(), ..Config::default() });
    admin_factor::reset(&h.state.db(), "tests", "admin", T0).unwrap();
    h
}

/// A software passkey that performs user verification, as passkeys must.
fn authenticator() -> Authenticator {
    WebauthnAuthenticator::new(SoftPasskey::new(true))
}

fn origin(u: &str) -> Url {
    Url::parse(u).unwrap()
}

/// The detail of the latest audit record of `action`.
fn last_detail(h: &Harness, action: &str) -> String {
    h.state
        .db()
        .query_row("SELECT detail FROM audit WHERE action = ?1 ORDER BY id DESC LIMIT 1", [action], |r| r.get(0))
        .unwrap()
}

fn audit_count(h: &Harness, action: &str) -> i64 {
    h.state.db().query_row("SELECT COUNT(*) FROM audit WHERE action = ?1", [action], |r| r.get(0)).unwrap()
}

async fn csrf(h: &Harness, cookie: &str) -> String {
    let page = h.get("/helpdesk/factor", Some(cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    extract_between(&page.body, "name=\"csrf\" value=\"", "\"").expect("csrf field")
}

/// Starts a ceremony; returns (kind, options JSON).
async fn start(h: &Harness, cookie: &str) -> (String, serde_json::Value) {
    let c = csrf(h, cookie).await;
    let r = h.post_form(OPTIONS, Some(cookie), &[("csrf", &c)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers.get("cache-control").unwrap(), "no-store");
    let j = r.json();
    (j["ceremony"].as_str().unwrap().to_string(), j["options"].clone())
}

async fn post_answer(h: &Harness, cookie: &str, answer: &str) -> Resp {
    let c = csrf(h, cookie).await;
    h.post_form(ANSWER, Some(cookie), &[("csrf", &c), ("credential", answer)]).await
}

/// Registers `auth` at the first login; returns the now fully signed-in cookie.
async fn register(h: &Harness, auth: &mut Authenticator) -> String {
    let cookie = h.login_password().await;
    let (kind, options) = start(h, &cookie).await;
    assert_eq!(kind, "register");
    let ccr: CreationChallengeResponse = serde_json::from_value(options).unwrap();
    let reg = auth.do_registration(origin(ORIGIN), ccr).unwrap();
    let r = post_answer(h, &cookie, &serde_json::to_string(&reg).unwrap()).await;
    assert_eq!(r.location(), "/helpdesk", "{} {}", r.status, r.body);
    cookie
}

/// A signed assertion for a new sign-in's challenge, made at `at` with `rp_id` (None: as asked).
async fn assertion(h: &Harness, cookie: &str, auth: &mut Authenticator, at: &str, rp_id: Option<&str>) -> String {
    let (kind, options) = start(h, cookie).await;
    assert_eq!(kind, "authenticate");
    let mut rcr: RequestChallengeResponse = serde_json::from_value(options).unwrap();
    if let Some(id) = rp_id {
        rcr.public_key.rp_id = id.to_string();
    }
    serde_json::to_string(&auth.do_authentication(origin(at), rcr).unwrap()).unwrap()
}

/// The stored passkey's signature counter (opened with the server's key, as the server does).
fn stored_counter(h: &Harness) -> u64 {
    let conn = h.state.db();
    let (admin_id, cred, sealed): (i64, Vec<u8>, Vec<u8>) = conn
        .query_row("SELECT admin_id, credential_id, passkey_sealed FROM admin_passkeys", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    let plain = h.state.seal().open(&Sealed::AdminPasskey { admin_id, credential_id: &cred }, &sealed).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&plain).unwrap();
    v["cred"]["counter"].as_u64().expect("a counter")
}

async fn full_session_works(h: &Harness, cookie: &str) {
    let home = h.get("/helpdesk", Some(cookie)).await;
    assert_eq!(home.status, StatusCode::OK);
    let c = extract_between(&home.body, "name=\"csrf\" value=\"", "\"").unwrap();
    let before = h.count("admin_keys");
    let r = h.post_form("/helpdesk/admin-keys", Some(cookie), &[("csrf", &c), ("name", "ci"), ("scope", "read-only")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(h.count("admin_keys"), before + 1);
}

#[tokio::test]
async fn the_first_login_registers_a_passkey_and_later_logins_use_it() {
    let h = fresh();
    let mut auth = authenticator();
    let half = h.login_password().await;
    let page = h.get("/helpdesk/factor", Some(&half)).await;
    // Both offered: the authenticator app (QR, secret) and the security key button.
    assert!(page.body.contains("factor-secret") && page.body.contains("id=\"passkey-button\""), "{}", page.body);
    assert!(page.body.contains("/helpdesk/assets/passkey.js"));
    let js = h.get("/helpdesk/assets/passkey.js", None).await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.body.contains("navigator.credentials.create") && js.body.contains("navigator.credentials.get"));

    let cookie = register(&h, &mut auth).await;
    full_session_works(&h, &cookie).await;
    assert_eq!(h.count("admin_passkeys"), 1);
    assert_eq!(audit_count(&h, "admin_passkey_registered"), 1);
    // The authenticator-app secret shown beside the button was never confirmed: it is gone.
    let totp: Option<Vec<u8>> = h.state.db().query_row("SELECT totp_sealed FROM admins WHERE name = 'admin'", [], |r| r.get(0)).unwrap();
    assert!(totp.is_none());
    let registered_counter = stored_counter(&h);

    // A later login asks for the key only (no authenticator app is set up, and none is offered).
    h.clock.advance(60);
    let later = h.login_password().await;
    let page = h.get("/helpdesk/factor", Some(&later)).await;
    assert!(page.body.contains("Use your security key"), "{}", page.body);
    assert!(!page.body.contains("factor-secret") && !page.body.contains("factor-code"));
    let a = assertion(&h, &later, &mut auth, ORIGIN, None).await;
    let r = post_answer(&h, &later, &a).await;
    assert_eq!(r.location(), "/helpdesk", "{} {}", r.status, r.body);
    full_session_works(&h, &later).await;
    assert_eq!(audit_count(&h, "admin_passkey_passed"), 2, "registration, then sign-in");
    // The signature counter moved on and was stored.
    assert!(stored_counter(&h) > registered_counter);
    let last_used: i64 = h.state.db().query_row("SELECT last_used_at FROM admin_passkeys", [], |r| r.get(0)).unwrap();
    assert_eq!(last_used as u64, h.state.now());
}

#[tokio::test]
async fn answers_for_another_origin_or_relying_party_are_refused_and_counted() {
    // Registration made on another origin (a subdomain the relying party id would cover), or
    // for another relying party, is refused and stores nothing.
    let h = fresh();
    let mut auth = authenticator();
    let half = h.login_password().await;
    for (at, rp) in [("https://evil.helpdesk.example.test", None), (ORIGIN, Some("example.test"))] {
        let (kind, options) = start(&h, &half).await;
        assert_eq!(kind, "register");
        let mut ccr: CreationChallengeResponse = serde_json::from_value(options).unwrap();
        if let Some(id) = rp {
            ccr.public_key.rp.id = id.to_string();
        }
        let reg = auth.do_registration(origin(at), ccr).unwrap();
        let r = post_answer(&h, &half, &serde_json::to_string(&reg).unwrap()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{at} {rp:?}");
        assert!(r.body.contains("E_SRV_PASSKEY_REFUSED"), "{}", r.body);
        let why = if rp.is_some() { "InvalidRPIDHash" } else { "InvalidRPOrigin" };
        assert!(last_detail(&h, "admin_passkey_register_failed").ends_with(why), "{at} {rp:?}");
    }
    assert_eq!(h.count("admin_passkeys"), 0);
    assert_eq!(audit_count(&h, "admin_passkey_register_failed"), 2);
    assert_eq!(h.get("/helpdesk", Some(&half)).await.location(), "/helpdesk/factor");

    let _cookie = register(&h, &mut auth).await;
    h.clock.advance(60);
    let later = h.login_password().await;
    let wrong_origin = assertion(&h, &later, &mut auth, "https://evil.helpdesk.example.test", None).await;
    let r = post_answer(&h, &later, &wrong_origin).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("E_SRV_PASSKEY_REFUSED"), "{}", r.body);
    assert!(last_detail(&h, "admin_passkey_failed").ends_with("InvalidRPOrigin"));
    let wrong_rp = assertion(&h, &later, &mut auth, ORIGIN, Some("example.test")).await;
    let r = post_answer(&h, &later, &wrong_rp).await;
    assert!(r.body.contains("E_SRV_PASSKEY_REFUSED"), "{}", r.body);
    assert!(last_detail(&h, "admin_passkey_failed").ends_with("InvalidRPIDHash"));
    // Malformed answers are refused answers too, never server errors.
    start(&h, &later).await;
    let r = post_answer(&h, &later, "{not json").await;
    assert!(r.body.contains("E_SRV_PASSKEY_REFUSED"), "{} {}", r.status, r.body);
    assert_eq!(h.get("/helpdesk", Some(&later)).await.location(), "/helpdesk/factor");
    assert_eq!(audit_count(&h, "admin_passkey_failed"), 3);
    // They count like wrong codes: the fifth failure pauses the address, even for a good answer.
    for i in 4..=ADDRESS_RULE.max_failures {
        start(&h, &later).await;
        let r = post_answer(&h, &later, "{}").await;
        let want = if i < ADDRESS_RULE.max_failures { "E_SRV_PASSKEY_REFUSED" } else { "E_SRV_LOGIN_LOCKED" };
        assert!(r.body.contains(want), "failure {i}: {} {}", r.status, r.body);
    }
    let good = assertion(&h, &later, &mut auth, ORIGIN, None).await;
    let r = post_answer(&h, &later, &good).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("E_SRV_LOGIN_LOCKED"));
    h.clock.advance(ADDRESS_RULE.lock_secs + 1);
    let good = assertion(&h, &later, &mut auth, ORIGIN, None).await;
    assert_eq!(post_answer(&h, &later, &good).await.location(), "/helpdesk");
}

#[tokio::test]
async fn an_answer_works_once_and_not_after_its_request_expired() {
    let h = fresh();
    let mut auth = authenticator();
    register(&h, &mut auth).await;
    h.clock.advance(60);
    let first = h.login_password().await;
    let a = assertion(&h, &first, &mut auth, ORIGIN, None).await;
    assert_eq!(post_answer(&h, &first, &a).await.location(), "/helpdesk");

    // Replayed in another session: with no request of its own it is stale; after that
    // session asks for a fresh challenge, the old answer signs the wrong one.
    let second = h.login_password().await;
    let r = post_answer(&h, &second, &a).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("E_SRV_PASSKEY_EXPIRED"), "{}", r.body);
    start(&h, &second).await;
    let r = post_answer(&h, &second, &a).await;
    assert!(r.body.contains("E_SRV_PASSKEY_REFUSED"), "{}", r.body);
    // A good answer twice in one session: the request is used up by the first post.
    let b = assertion(&h, &second, &mut auth, ORIGIN, None).await;
    let c = csrf(&h, &second).await;
    let replay = [("csrf", c.as_str()), ("credential", b.as_str())];
    assert_eq!(h.post_form(ANSWER, Some(&second), &replay).await.location(), "/helpdesk");
    let third = h.login_password().await;
    let c = csrf(&h, &third).await;
    let r = h.post_form(ANSWER, Some(&third), &[("csrf", &c), ("credential", &b)]).await;
    assert!(r.body.contains("E_SRV_PASSKEY_EXPIRED"), "{}", r.body);
    // One request, one answer: a refused answer uses the request up, so the good answer made
    // for the same challenge no longer counts.
    let good = assertion(&h, &third, &mut auth, ORIGIN, None).await;
    assert!(post_answer(&h, &third, "{}").await.body.contains("E_SRV_PASSKEY_REFUSED"));
    let r = post_answer(&h, &third, &good).await;
    assert!(r.body.contains("E_SRV_PASSKEY_EXPIRED"), "{}", r.body);
    // An answer after the request's lifetime.
    let late = assertion(&h, &third, &mut auth, ORIGIN, None).await;
    h.clock.advance(CEREMONY_SECS + 1);
    let r = post_answer(&h, &third, &late).await;
    assert!(r.body.contains("E_SRV_PASSKEY_EXPIRED"), "{}", r.body);
    assert_eq!(h.get("/helpdesk", Some(&third)).await.location(), "/helpdesk/factor");
    assert_eq!(audit_count(&h, "admin_passkey_failed"), 6);
}

#[tokio::test]
async fn the_operators_reset_removes_the_passkey() {
    let h = fresh();
    let mut auth = authenticator();
    let cookie = register(&h, &mut auth).await;
    admin_factor::reset(&h.state.db(), "command line", "admin", h.state.now()).unwrap();
    assert_eq!(h.count("admin_passkeys"), 0);
    assert_eq!(h.get("/helpdesk", Some(&cookie)).await.location(), "/helpdesk/login");
    let detail: String = h
        .state
        .db()
        .query_row("SELECT detail FROM audit WHERE action = 'admin_factor_reset' ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(detail, "admin admin, 1 passkey removed");
    // The next login sets up a factor again; the old key is not asked for.
    let half = h.login_password().await;
    let page = h.get("/helpdesk/factor", Some(&half)).await;
    assert!(page.body.contains("factor-secret") && page.body.contains("Register a security key"));
    let (kind, _) = start(&h, &half).await;
    assert_eq!(kind, "register");
}

#[tokio::test]
async fn a_half_signed_in_session_opens_nothing_and_cannot_add_a_passkey() {
    let h = fresh();
    let mut auth = authenticator();
    register(&h, &mut auth).await;
    let half = h.login_password().await;
    let c = csrf(&h, &half).await;
    assert_eq!(h.get("/helpdesk", Some(&half)).await.location(), "/helpdesk/factor");
    let r = h.post_form("/helpdesk/users", Some(&half), &[("csrf", &c), ("name", "mallory")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("E_SRV_FACTOR_REQUIRED"));
    let r = h.post_form("/helpdesk/admin-keys", Some(&half), &[("csrf", &c), ("name", "ci"), ("scope", "read-write")]).await;
    assert!(r.body.contains("E_SRV_FACTOR_REQUIRED"));
    assert_eq!(h.count("admin_keys"), 0);
    // The ceremony needs the session's CSRF token too.
    let r = h.post_form(OPTIONS, Some(&half), &[("csrf", "forged")]).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "E_SRV_CSRF".to_string()));
    let r = h.post_form(OPTIONS, None, &[("csrf", &c)]).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "E_SRV_LOGIN_REQUIRED".to_string()));
    // No authenticator-app secret can be confirmed instead of the key.
    let r = h.post_form("/helpdesk/factor", Some(&half), &[("csrf", &c), ("code", &h.admin_code())]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(h.get("/helpdesk", Some(&half)).await.location(), "/helpdesk/factor");
    // An admin with the authenticator app cannot add a key with the password alone.
    let totp_admin = Harness::with_config(Config { public_url: ORIGIN.into(), ..Config::default() });
    let half = totp_admin.login_password().await;
    let c = csrf(&totp_admin, &half).await;
    let r = totp_admin.post_form(OPTIONS, Some(&half), &[("csrf", &c)]).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "E_SRV_PASSKEY_SETUP_CLOSED".to_string()));
    let page = totp_admin.get("/helpdesk/factor", Some(&half)).await;
    assert!(!page.body.contains("passkey-button") && page.body.contains("factor-code"));
}

#[tokio::test]
async fn a_public_url_with_an_ip_address_offers_no_passkeys() {
    let h = Harness::new();
    admin_factor::reset(&h.state.db(), "tests", "admin", T0).unwrap();
    let half = h.login_password().await;
    let page = h.get("/helpdesk/factor", Some(&half)).await;
    assert!(page.body.contains("id=\"passkey-unavailable\"") && page.body.contains("such as localhost"), "{}", page.body);
    assert!(!page.body.contains("passkey-button"));
    assert!(page.body.contains("factor-secret"), "the authenticator app is the fallback");
    let c = csrf(&h, &half).await;
    let r = h.post_form(OPTIONS, Some(&half), &[("csrf", &c)]).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "E_SRV_PASSKEY_UNAVAILABLE".to_string()));
}
