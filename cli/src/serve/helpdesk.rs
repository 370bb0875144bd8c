//! The helpdesk page: server-rendered HTML behind an admin login.
//!
//! Every state-changing form carries the session's CSRF token (checked before the
//! form is read further); the session cookie is HttpOnly and SameSite=Strict. Every
//! error page shows the stable code and the guidance line from docs/errors.md.

use super::admin::{self, Session};
use super::api::{ClientInfo, Method, StartSignin};
use super::error::{ServerError, guidance};
use super::extract::PageForm;
use super::signin::{self, Status};
use super::{State, apps, bypass, db, devices, protocol, users};
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use duet_core::ErrorCode;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use std::collections::HashMap;
use std::sync::Arc;

/// Name of the session cookie.
pub const COOKIE: &str = "duet_session";

type Form = PageForm<HashMap<String, String>>;

/// A helpdesk error: shown as an HTML page (or a redirect to the login).
pub struct PageError(pub ServerError);

impl From<ServerError> for PageError {
    fn from(e: ServerError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        if matches!(e, ServerError::LoginRequired) {
            return Redirect::to("/helpdesk/login").into_response();
        }
        if let ServerError::Storage(d) = &e {
            eprintln!("duet serve: storage error: {d}");
        }
        (e.status(), Html(error_page(&e).into_string())).into_response()
    }
}

type PageResult = Result<Response, PageError>;

fn error_block(e: &ServerError) -> Markup {
    html! {
        div.error role="alert" {
            p { strong { "Error " code.code { (e.code()) } } ": " (e.to_string()) }
            @if let Some(g) = guidance(e.code()) {
                p.guidance { "What to tell the user: " (g) }
            }
        }
    }
}

fn error_page(e: &ServerError) -> Markup {
    layout("Error", None, html! {
        (error_block(e))
        p { a href="/helpdesk" { "Back to the helpdesk page" } }
    })
}

const CSS: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#111}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.3rem;text-align:left}
.error{background:#fee;border:1px solid #c00;padding:.5rem 1rem}.ok{background:#efe;border:1px solid #0a0;padding:.5rem 1rem}
.badge{background:#eee;border-radius:.3rem;padding:0 .4rem}.warn{background:#fd8}
code.big{font-size:1.6rem;letter-spacing:.1rem}form.inline{display:inline}nav a{margin-right:1rem}
.qr svg{width:320px;height:320px}";

fn layout(title: &str, session: Option<&Session>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · duet helpdesk" }
                style { (PreEscaped(CSS)) }
            }
            body {
                nav {
                    a href="/helpdesk" { "duet helpdesk" }
                    @if let Some(s) = session {
                        a href="/helpdesk/audit" { "Audit log" }
                        form.inline method="post" action="/helpdesk/logout" {
                            input type="hidden" name="csrf" value=(s.csrf);
                            button type="submit" { "Sign out " (s.admin_name) }
                        }
                    }
                }
                h1 { (title) }
                (body)
            }
        }
    }
}

fn csrf_field(s: &Session) -> Markup {
    html! { input type="hidden" name="csrf" value=(s.csrf); }
}

/// Formats unix seconds as UTC for people.
pub fn when(t: u64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    time::OffsetDateTime::from_unix_timestamp(t as i64)
        .ok()
        .and_then(|d| d.format(&fmt).ok())
        .unwrap_or_else(|| t.to_string())
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

/// The logged-in session, or `E_SRV_LOGIN_REQUIRED`.
fn session(st: &State, headers: &HeaderMap) -> Result<Session, ServerError> {
    let token = cookie_token(headers).ok_or(ServerError::LoginRequired)?;
    admin::session(&st.db(), &token, st.now())?.ok_or(ServerError::LoginRequired)
}

/// Session plus CSRF check, for every state-changing post.
fn guard(st: &State, headers: &HeaderMap, form: &HashMap<String, String>) -> Result<Session, ServerError> {
    let s = session(st, headers)?;
    admin::check_csrf(&s, form.get("csrf").map(String::as_str))?;
    Ok(s)
}

fn page(title: &str, s: &Session, body: Markup) -> Response {
    let mut r = Html(layout(title, Some(s), body).into_string()).into_response();
    // Pages carry one-time secrets (bypass codes, API keys): never cache them.
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// `GET /helpdesk/login`.
pub async fn login_form() -> Html<String> {
    Html(login_markup(None).into_string())
}

fn login_markup(err: Option<&ServerError>) -> Markup {
    layout("Sign in", None, html! {
        @if let Some(e) = err { (error_block(e)) }
        form method="post" action="/helpdesk/login" {
            p { label { "Admin name " input name="name" autocomplete="username" required; } }
            p { label { "Password " input name="password" type="password" autocomplete="current-password" required; } }
            p { button type="submit" { "Sign in" } }
        }
    })
}

/// `POST /helpdesk/login`.
pub async fn login(AxState(st): AxState<Arc<State>>, PageForm(f): Form) -> Response {
    let name = f.get("name").map(String::as_str).unwrap_or("");
    let pw = f.get("password").map(String::as_str).unwrap_or("");
    // Argon2 takes tens of milliseconds: keep it off the async workers.
    let st2 = st.clone();
    let (name, pw) = (name.to_string(), zeroize::Zeroizing::new(pw.to_string()));
    let res = tokio::task::spawn_blocking(move || admin::login(&st2.db(), &name, &pw, st2.now()))
        .await
        .unwrap_or_else(|_| Err(ServerError::Storage("login task failed".into())));
    match res {
        Ok(token) => {
            let secure = if st.config.secure_cookies { "; Secure" } else { "" };
            let cookie = format!(
                "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
                admin::SESSION_SECS
            );
            let mut r = Redirect::to("/helpdesk").into_response();
            r.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("ascii cookie"));
            r
        }
        Err(e) => (e.status(), Html(login_markup(Some(&e)).into_string())).into_response(),
    }
}

/// `POST /helpdesk/logout`.
pub async fn logout(AxState(st): AxState<Arc<State>>, headers: HeaderMap, PageForm(f): Form) -> PageResult {
    guard(&st, &headers, &f)?;
    if let Some(t) = cookie_token(&headers) {
        admin::logout(&st.db(), &t)?;
    }
    let mut r = Redirect::to("/helpdesk/login").into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")).expect("ascii"),
    );
    Ok(r)
}

/// `GET /helpdesk`: users and applications.
pub async fn home(AxState(st): AxState<Arc<State>>, headers: HeaderMap) -> PageResult {
    let s = session(&st, &headers)?;
    let now = st.now();
    let conn = st.db();
    let all = users::list(&conn)?;
    let mut rows = Vec::new();
    for u in &all {
        rows.push((u.clone(), devices::active_for_user(&conn, u.id)?.len()));
    }
    let applications = apps::list(&conn)?;
    drop(conn);
    Ok(page("Users", &s, html! {
        table #users {
            tr { th { "User" } th { "Devices" } th { "Status" } }
            @for (u, n) in &rows {
                tr {
                    td { a href={ "/helpdesk/users/" (u.id) } { (u.display_name) } }
                    td { (n) }
                    td {
                        @if u.service_account { span.badge { "service account (no 2FA)" } " " }
                        @if u.muted_until > now { span.badge.warn { "pushes muted until " (when(u.muted_until)) } " " }
                        @if u.locked_until > now { span.badge.warn { "passcodes locked until " (when(u.locked_until)) } }
                    }
                }
            }
        }
        h2 { "Add a user" }
        form method="post" action="/helpdesk/users" {
            (csrf_field(&s))
            label { "User name " input name="name" required; }
            " "
            label { input type="checkbox" name="service" value="1"; " service account (signs in without 2FA, audited)" }
            " " button type="submit" { "Add user" }
        }
        h2 { "Applications" }
        table #apps {
            tr { th { "Application" } th { "Created" } }
            @for a in &applications { tr { td { (a.name) } td { (when(a.created_at)) } } }
        }
        form method="post" action="/helpdesk/apps" {
            (csrf_field(&s))
            label { "Application name " input name="name" required; }
            " " button type="submit" { "Create application and API key" }
        }
        h2 { "Server key" }
        p { "Fingerprint " code #server-fingerprint { (protocol::fingerprint(&st.verifier().verifier.server_public_key())) } }
        form method="post" action="/helpdesk/server-key/rotate" {
            (csrf_field(&s))
            button type="submit" { "Rotate the server key" }
        }
    }))
}

fn field<'a>(f: &'a HashMap<String, String>, k: &str) -> Result<&'a str, ServerError> {
    f.get(k).map(String::as_str).ok_or_else(|| ServerError::BadRequest(format!("the field {k} is missing")))
}

/// `POST /helpdesk/users`.
pub async fn create_user(AxState(st): AxState<Arc<State>>, headers: HeaderMap, PageForm(f): Form) -> PageResult {
    let s = guard(&st, &headers, &f)?;
    let service = f.get("service").is_some();
    let now = st.now();
    let conn = st.db();
    let u = users::create(&conn, field(&f, "name")?, service, st.config.name_rules, now)?;
    db::audit(&conn, now, &s.admin_name, if service { "service_account_created" } else { "user_created" }, Some(&u.name), "")?;
    Ok(Redirect::to(&format!("/helpdesk/users/{}", u.id)).into_response())
}

fn load_user(st: &State, id: i64) -> Result<users::User, ServerError> {
    users::by_id(&st.db(), id)?.ok_or(ServerError::UserUnknown)
}

/// `GET /helpdesk/users/{id}`.
pub async fn user_page(AxState(st): AxState<Arc<State>>, headers: HeaderMap, Path(id): Path<i64>) -> PageResult {
    let s = session(&st, &headers)?;
    let now = st.now();
    let u = load_user(&st, id)?;
    let conn = st.db();
    signin::expire(&conn, now)?;
    let devs = devices::for_user(&conn, u.id)?;
    let recent = signin::recent_for_user(&conn, u.id, 20)?;
    let live_bypass = bypass::live(&conn, u.id, now)?;
    drop(conn);
    let action = |what: &str| format!("/helpdesk/users/{}/{what}", u.id);
    Ok(page(&format!("User {}", u.display_name), &s, html! {
        p #user-status {
            @if u.service_account { span.badge { "service account: signs in without a second factor; every sign-in is audited" } }
            @else { span.badge { "ordinary user" } }
            @if u.muted_until > now {
                " " span.badge.warn #muted { "pushes muted until " (when(u.muted_until)) " after a fraud report" }
                form.inline method="post" action=(action("unmute")) { (csrf_field(&s)) button { "Lift the pause" } }
            }
            @if u.locked_until > now { " " span.badge.warn { "passcodes locked until " (when(u.locked_until)) } }
            @if let Some((exp, left)) = live_bypass { " " span.badge { "bypass code live until " (when(exp)) ", " (left) " tries left" } }
        }
        h2 { "Actions" }
        form.inline method="post" action=(action("enroll")) { (csrf_field(&s)) button #start-enrollment { "Start an enrollment" } }
        " "
        form.inline method="post" action=(action("test-push")) { (csrf_field(&s)) button #test-push { "Send a test push" } }
        " "
        form.inline method="post" action=(action("bypass")) { (csrf_field(&s)) button { "Issue a one-time bypass code" } }
        " "
        form.inline method="post" action=(action("service")) {
            (csrf_field(&s))
            input type="hidden" name="service" value=(if u.service_account { "0" } else { "1" });
            button { @if u.service_account { "Require 2FA again" } @else { "Mark as service account" } }
        }
        h2 { "Devices" }
        table #devices {
            tr { th { "Device" } th { "Platform" } th { "Enrolled" } th { "Last seen" } th { "Clock offset" } th {} }
            @for d in &devs {
                tr {
                    td { (d.label) } td { (d.platform) } td { (when(d.enrolled_at)) }
                    td { @if let Some(t) = d.last_seen { (when(t)) } @else { "never" } }
                    td { @if let Some(o) = d.clock_offset { (o) " s" @if o.abs() > 30 { " " span.badge.warn { "phone clock is off" } } } @else { "–" } }
                    td {
                        @if let Some(r) = d.revoked_at { "revoked " (when(r)) }
                        @else {
                            form.inline method="post" action=(action(&format!("devices/{}/revoke", d.id))) {
                                (csrf_field(&s)) button { "Revoke (lost phone)" }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Sign-ins" }
        table #signins {
            tr { th { "When" } th { "Kind" } th { "Outcome" } th { "Number" } th { "Client" } }
            @for r in &recent {
                tr {
                    td { (when(r.created_at)) } td { (r.kind) }
                    td.outcome { (r.status.label()) }
                    td { (r.number.as_deref().unwrap_or("")) } td { (r.client) }
                }
            }
        }
    }))
}

/// `POST /helpdesk/users/{id}/enroll`: creates an enrollment and shows it.
pub async fn enroll(AxState(st): AxState<Arc<State>>, headers: HeaderMap, Path(id): Path<i64>, PageForm(f): Form) -> PageResult {
    let s = guard(&st, &headers, &f)?;
    let u = load_user(&st, id)?;
    let e = protocol::new_enrollment(&st, &u)?;
    db::audit(&st.db(), st.now(), &s.admin_name, "enrollment_created", Some(&u.name), &e.id)?;
    Ok(Redirect::to(&format!("/helpdesk/enrollments/{}", e.id)).into_response())
}

/// `GET /helpdesk/enrollments/{id}`: QR code, link, manual code and countdown.
pub async fn enrollment_page(AxState(st): AxState<Arc<State>>, headers: HeaderMap, Path(id): Path<String>) -> PageResult {
    let s = session(&st, &headers)?;
    let now = st.now();
    let e = protocol::enrollment(&st, &id)?.ok_or(ServerError::EnrollmentUnknown)?;
    let u = load_user(&st, e.user_id)?;
    let left = e.expires_at.saturating_sub(now);
    let qr = protocol::qr_svg(&e.link)?;
    let mut r = page(&format!("Enroll {}", u.display_name), &s, html! {
        @if e.used { p.ok #enrolled { "This enrollment was used: the device is registered." } }
        @else if left == 0 { (error_block(&ServerError::EnrollmentExpired)) }
        @else {
            p { "Ask the user to open duet and scan this code. Server key fingerprint: "
                code #fingerprint { (protocol::fingerprint(&st.verifier().verifier.server_public_key())) } }
            div.qr #qr { (PreEscaped(qr)) }
            p { "On the phone itself, tap: " a #enroll-link href=(e.https_link) { "enroll this phone" } }
            p { "If the camera does not work, read out this activation code: " code.big #manual-code { (e.manual_code) } }
            p { "Expires at " (when(e.expires_at)) ", in " span #countdown data-expires=(left) { (left) } " s." }
            script { (PreEscaped("(function(){var c=document.getElementById('countdown');var t=+c.dataset.expires;\
                var i=setInterval(function(){t--;if(t<=0){clearInterval(i);c.textContent='0 (expired: create a new enrollment)';return;}c.textContent=t;},1000);})();")) }
        }
        p { a href={ "/helpdesk/users/" (u.id) } { "Back to " (u.display_name) } }
    });
    // The page must refresh to show "used"; keep it simple with a meta-free reload link.
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// `POST /helpdesk/users/{id}/devices/{device}/revoke`.
pub async fn revoke_device(
    AxState(st): AxState<Arc<State>>,
    headers: HeaderMap,
    Path((id, device)): Path<(i64, i64)>,
    PageForm(f): Form,
) -> PageResult {
    let s = guard(&st, &headers, &f)?;
    let u = load_user(&st, id)?;
    let now = st.now();
    let conn = st.db();
    if !devices::revoke(&conn, u.id, device, now)? {
        return Err(ServerError::DeviceUnknown.into());
    }
    db::audit(&conn, now, &s.admin_name, "device_revoked", Some(&u.name), &device.to_string())?;
    Ok(Redirect::to(&format!("/helpdesk/users/{}", u.id)).into_response())
}

/// `POST /helpdesk/users/{id}/bypass`: shows a new one-time bypass code once.
pub async fn issue_bypass(AxState(st): AxState<Arc<State>>, headers: HeaderMap, Path(id): Path<i64>, PageForm(f): Form) -> PageResult {
    let s = guard(&st, &headers, &f)?;
    let u = load_user(&st, id)?;
    let now = st.now();
    let st2 = st.clone();
    let uid = u.id;
    let code = tokio::task::spawn_blocking(move || {
        bypass::issue(&st2.db(), uid, bypass::DEFAULT_TTL_SECS, bypass::DEFAULT_ATTEMPTS, now)
    })
    .await
    .map_err(|_| ServerError::Storage("bypass task failed".into()))??;
    db::audit(&st.db(), now, &s.admin_name, "bypass_code_issued", Some(&u.name), "")?;
    Ok(page("One-time bypass code", &s, html! {
        p { "Read this code to " (u.display_name) ". It works once, until " (when(now + bypass::DEFAULT_TTL_SECS))
            ", and is void after " (bypass::DEFAULT_ATTEMPTS) " wrong tries. It is not shown again." }
        p { code.big #bypass-code { (code) } }
        p { a href={ "/helpdesk/users/" (u.id) } { "Back to " (u.display_name) } }
    }))
}

/// `POST /helpdesk/users/{id}/test-push`: sends a push and shows the number to read out.
pub async fn test_push(AxState(st): AxState<Arc<State>>, headers: HeaderMap, Path(id): Path<i64>, PageForm(f): Form) -> PageResult {
    let s = guard(&st, &headers, &f)?;
    let u = load_user(&st, id)?;
    let body = StartSignin {
        user: u.name.clone(),
        method: Method::Push,
        passcode: None,
        client: ClientInfo { app: Some("helpdesk test push".into()), ..Default::default() },
    };
    let view = if u.service_account {
        return Err(ServerError::BadRequest("service accounts have no second factor to test".into()).into());
    } else {
        super::api::start_for_app(&st, None, &body)?
    };
    db::audit(&st.db(), st.now(), &s.admin_name, "test_push_sent", Some(&u.name), &view.id)?;
    Ok(Redirect::to(&format!("/helpdesk/signins/{}", view.id)).into_response())
}

/// `GET /helpdesk/signins/{id}`: a sign-in's live status (reloads while pending).
pub async fn signin_page(AxState(st): AxState<Arc<State>>, headers: HeaderMap, Path(id): Path<String>) -> PageResult {
    let s = session(&st, &headers)?;
    let conn = st.db();
    signin::expire(&conn, st.now())?;
    let r = signin::get(&conn, &id)?.ok_or(ServerError::SigninUnknown)?;
    drop(conn);
    let u = load_user(&st, r.user_id)?;
    let mut resp = page("Test push", &s, html! {
        @if r.status == Status::Pending {
            @if let Some(n) = &r.number { p { "Ask " (u.display_name) " to type this number on the phone: " code.big #number { (n) } } }
            p { "Waiting for the answer until " (when(r.expires_at)) "…" }
        }
        p { "Outcome: " strong #outcome { (r.status.label()) } }
        p { a href={ "/helpdesk/users/" (u.id) } { "Back to " (u.display_name) } }
    });
    if r.status == Status::Pending {
        resp.headers_mut().insert(header::REFRESH, HeaderValue::from_static("2"));
    }
    Ok(resp)
}

/// `POST /helpdesk/users/{id}/unmute`.
pub async fn unmute(AxState(st): AxState<Arc<State>>, headers: HeaderMap, Path(id): Path<i64>, PageForm(f): Form) -> PageResult {
    let s = guard(&st, &headers, &f)?;
    let u = load_user(&st, id)?;
    let conn = st.db();
    signin::mute(&conn, u.id, 0)?;
    db::audit(&conn, st.now(), &s.admin_name, "push_unmuted", Some(&u.name), "")?;
    Ok(Redirect::to(&format!("/helpdesk/users/{}", u.id)).into_response())
}

/// `POST /helpdesk/users/{id}/service`: marks or unmarks a service account.
pub async fn set_service(AxState(st): AxState<Arc<State>>, headers: HeaderMap, Path(id): Path<i64>, PageForm(f): Form) -> PageResult {
    let s = guard(&st, &headers, &f)?;
    let u = load_user(&st, id)?;
    let on = field(&f, "service")? == "1";
    let conn = st.db();
    conn.execute("UPDATE users SET service_account = ?1 WHERE id = ?2", rusqlite::params![on as i64, u.id])
        .map_err(ServerError::from)?;
    db::audit(&conn, st.now(), &s.admin_name, if on { "service_account_set" } else { "service_account_cleared" }, Some(&u.name), "")?;
    Ok(Redirect::to(&format!("/helpdesk/users/{}", u.id)).into_response())
}

/// `POST /helpdesk/apps`: creates an application and shows its API key once.
pub async fn create_app(AxState(st): AxState<Arc<State>>, headers: HeaderMap, PageForm(f): Form) -> PageResult {
    let s = guard(&st, &headers, &f)?;
    let now = st.now();
    let conn = st.db();
    let (app, key) = apps::create(&conn, field(&f, "name")?, now)?;
    db::audit(&conn, now, &s.admin_name, "application_created", None, &app.name)?;
    drop(conn);
    Ok(page("Application created", &s, html! {
        p { "API key for " strong { (app.name) } " (shown only now; store it in the application's secret store):" }
        p { code #api-key { (key) } }
        p { a href="/helpdesk" { "Back" } }
    }))
}

/// `POST /helpdesk/server-key/rotate`.
pub async fn rotate_key(AxState(st): AxState<Arc<State>>, headers: HeaderMap, PageForm(f): Form) -> PageResult {
    let s = guard(&st, &headers, &f)?;
    let public = st.rotate_key()?;
    db::audit(&st.db(), st.now(), &s.admin_name, "server_key_rotation_requested", None, "")?;
    Ok(page("Server key rotated", &s, html! {
        p.ok { "New fingerprint " code { (protocol::fingerprint(&public)) } ". Devices learn it at their next poll." }
        p { a href="/helpdesk" { "Back" } }
    }))
}

/// `GET /helpdesk/audit`.
pub async fn audit(AxState(st): AxState<Arc<State>>, headers: HeaderMap) -> PageResult {
    let s = session(&st, &headers)?;
    let conn = st.db();
    let mut q = conn
        .prepare("SELECT at, actor, action, COALESCE(user_name, ''), detail FROM audit ORDER BY id DESC LIMIT 200")
        .map_err(ServerError::from)?;
    let rows = q
        .query_map([], |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?)))
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(ServerError::from)?;
    drop(q);
    drop(conn);
    Ok(page("Audit log", &s, html! {
        table #audit {
            tr { th { "When" } th { "Who" } th { "What" } th { "User" } th { "Detail" } }
            @for (at, actor, action, user, detail) in &rows {
                tr { td { (when(*at)) } td { (actor) } td { (action) } td { (user) } td { (detail) } }
            }
        }
    }))
}

/// Fallback for unknown paths.
pub async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Html(error_page(&ServerError::NotFound).into_string())).into_response()
}
