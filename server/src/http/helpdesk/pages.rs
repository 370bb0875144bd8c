//! The helpdesk pages: users, devices, enrollments, test pushes, bypass codes,
//! applications, the server key and the audit log. Every handler that changes something
//! takes an [`AdminForm`] (session and CSRF token checked); pages that only show take an
//! [`AdminSession`].

use super::layout::{PageResult, csrf_field, error_block, page, when};
use super::session::{AdminForm, AdminSession};
use crate::error::ServerError;
use crate::http::blocking::off_worker;
use crate::services::signin_start;
use crate::services::signins::{self, Status};
use crate::services::{admin_keys, apps, audit, bypass, devices, enrollments, server_key, users};
use crate::state::State;
use axum::extract::State as AxState;
use super::layout::PagePath;
use crate::http::assets;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect};
use duet_core::push::wire::fingerprint;
use maud::{PreEscaped, html};
use std::sync::Arc;

/// `GET /helpdesk`: users and applications.
pub async fn home(AxState(st): AxState<Arc<State>>, AdminSession(s): AdminSession) -> PageResult {
    let now = st.now();
    let conn = st.db();
    let all = users::list(&conn)?;
    let mut rows = Vec::new();
    for u in &all {
        rows.push((u.clone(), devices::active_for_user(&conn, u.id)?.len()));
    }
    let applications = apps::list(&conn)?;
    let keys = admin_keys::list(&conn)?;
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
                        @if u.slowed_until > now { span.badge.warn { "pushes paused until " (when(u.slowed_until)) } " " }
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
            tr { th { "Application" } th { "Created" } th {} }
            @for a in &applications {
                tr {
                    td { (a.name) } td { (when(a.created_at)) }
                    td { form.inline method="post" action={ "/helpdesk/apps/" (a.id) "/revoke" } { (csrf_field(&s)) button { "Revoke key" } } }
                }
            }
        }
        form method="post" action="/helpdesk/apps" {
            (csrf_field(&s))
            label { "Application name " input name="name" required; }
            " " button type="submit" { "Create application and API key" }
        }
        (super::admin_keys::section(&s, &keys))
        h2 { "Server key" }
        p { "Fingerprint " code #server-fingerprint { (server_key::fingerprint(&st)) } }
        form method="post" action="/helpdesk/server-key/rotate" {
            (csrf_field(&s))
            button type="submit" { "Rotate the server key" }
        }
    }))
}

/// `POST /helpdesk/users`.
pub async fn create_user(AxState(st): AxState<Arc<State>>,
    f: AdminForm,
) -> PageResult {
    let service = f.fields.contains_key("service");
    let u = users::add(&st.db(), &f.session.admin_name, f.field("name")?, service, st.config.name_rules, st.now())?;
    Ok(Redirect::to(&format!("/helpdesk/users/{}", u.id)).into_response())
}

fn load_user(st: &State, id: i64) -> Result<users::User, ServerError> {
    users::get(&st.db(), id)
}

/// `GET /helpdesk/users/{id}`.
pub async fn user_page(AxState(st): AxState<Arc<State>>, AdminSession(s): AdminSession, PagePath(id): PagePath<i64>) -> PageResult {
    let now = st.now();
    let u = load_user(&st, id)?;
    let conn = st.db();
    signins::expire(&conn, now)?;
    let devs = devices::for_user(&conn, u.id)?;
    // The key as the phone shows it in its settings, so the helpdesk and the user can tell which
    // phone a row is; a record that does not open is shown as such, never hiding the row.
    let keys: Vec<Option<devices::KeySummary>> = devs.iter().map(|d| devices::key_summary(&conn, st.seal(), d.id).ok()).collect();
    let recent = signins::recent_for_user(&conn, u.id, 20)?;
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
            } @else if u.slowed_until > now {
                " " span.badge.warn #slowed { "pushes paused until " (when(u.slowed_until)) " after a wrong number" }
                form.inline method="post" action=(action("unmute")) { (csrf_field(&s)) button { "Lift the pause" } }
            }
            @if u.locked_until > now {
                " " span.badge.warn #locked { "passcodes locked until " (when(u.locked_until)) " after wrong passcodes" }
                form.inline method="post" action=(action("unlock")) { (csrf_field(&s)) button { "Unlock passcodes" } }
            }
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
            tr { th { "Device" } th { "Platform" } th { "Device key" } th { "Enrolled" } th { "Last seen" } th { "Clock offset" } th {} }
            @for (d, key) in devs.iter().zip(&keys) {
                tr {
                    td { (d.label) } td { (d.platform) }
                    td.device-key {
                        @if let Some(k) = key {
                            code { (k.fingerprint) } " " (k.keystore)
                            @if k.answer_key { " " span.badge { "answers need the user" } }
                        } @else { span.badge.warn { "record unreadable" } }
                    }
                    td { (when(d.enrolled_at)) }
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
pub async fn enroll(AxState(st): AxState<Arc<State>>,
    PagePath(id): PagePath<i64>,
    f: AdminForm,
) -> PageResult {
    let e = enrollments::start(&st, &f.session.admin_name, id)?;
    Ok(Redirect::to(&format!("/helpdesk/enrollments/{}", e.id)).into_response())
}

/// `GET /helpdesk/enrollments/{id}`: QR code, link, manual code and countdown.
pub async fn enrollment_page(AxState(st): AxState<Arc<State>>, AdminSession(s): AdminSession, PagePath(id): PagePath<String>) -> PageResult {
    let now = st.now();
    let e = enrollments::get(&st, &id)?.ok_or(ServerError::EnrollmentUnknown)?;
    let u = load_user(&st, e.user_id)?;
    let left = e.expires_at.saturating_sub(now);
    let qr = qr_svg(&e.link)?;
    let device = e.device_id.map(|d| devices::by_id(&st.db(), d)).transpose()?.flatten();
    let mut r = page(&format!("Enroll {}", u.display_name), &s, html! {
        @if e.used {
            p.ok #enrolled {
                "This enrollment was used: "
                @if let Some(d) = &device { span #enrolled-device { (d.label) " (" (d.platform) ")" } " registered " (when(d.enrolled_at)) "." }
                @else { "the device is registered." }
            }
        }
        @else if left == 0 { (error_block(&ServerError::EnrollmentExpired)) }
        @else {
            p { "Ask the user to open duet and scan this code. Server key fingerprint: "
                code #fingerprint { (server_key::fingerprint(&st)) } }
            div.qr #qr { (PreEscaped(qr)) }
            p { "On the phone itself, tap: " a #enroll-link href=(e.https_link) { "enroll this phone" } }
            p { "If the camera does not work, read out this activation code: " code.big #manual-code { (e.manual_code) } }
            p { "Expires at " (when(e.expires_at)) ", in " span #countdown data-expires=(left) { (left) } " s." }
            form method="post" action={ "/helpdesk/enrollments/" (e.id) "/cancel" } {
                (csrf_field(&s)) button #cancel-enrollment { "Cancel this enrollment" }
            }
            script src=(assets::COUNTDOWN_JS) {}
        }
        p { a href={ "/helpdesk/users/" (u.id) } { "Back to " (u.display_name) } }
    });
    // The page must refresh to show "used"; keep it simple with a meta-free reload link.
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// `POST /helpdesk/enrollments/{id}/cancel`: the link and code stop working.
pub async fn cancel_enrollment(AxState(st): AxState<Arc<State>>, PagePath(id): PagePath<String>, f: AdminForm) -> PageResult {
    let e = enrollments::cancel(&st, &f.session.admin_name, &id)?;
    Ok(Redirect::to(&format!("/helpdesk/users/{}", e.user_id)).into_response())
}

/// `POST /helpdesk/users/{id}/devices/{device}/revoke`.
pub async fn revoke_device(
    AxState(st): AxState<Arc<State>>,
    PagePath((id, device)): PagePath<(i64, i64)>,
    f: AdminForm,
) -> PageResult {
    devices::revoke_for(&st.db(), &f.session.admin_name, id, device, st.now())?;
    Ok(Redirect::to(&format!("/helpdesk/users/{id}")).into_response())
}

/// `POST /helpdesk/users/{id}/bypass`: shows a new one-time bypass code once.
pub async fn issue_bypass(AxState(st): AxState<Arc<State>>,
    PagePath(id): PagePath<i64>,
    f: AdminForm,
) -> PageResult {
    let s = &f.session;
    let u = load_user(&st, id)?;
    let actor = s.admin_name.clone();
    let issued = off_worker(&st, move |st| bypass::issue_for(st, &actor, id)).await?;
    Ok(page("One-time bypass code", s, html! {
        p { "Read this code to " (u.display_name) ". It works once, until " (when(issued.expires_at))
            ", and is void after " (issued.attempts) " wrong tries. It is not shown again." }
        p { code.big #bypass-code { (issued.code.as_str()) } }
        p { a href={ "/helpdesk/users/" (u.id) } { "Back to " (u.display_name) } }
    }))
}

/// `POST /helpdesk/users/{id}/test-push`: sends a push and shows the number to read out.
pub async fn test_push(AxState(st): AxState<Arc<State>>,
    PagePath(id): PagePath<i64>,
    f: AdminForm,
) -> PageResult {
    let view = signin_start::test_push(&st, &f.session.admin_name, id)?;
    Ok(Redirect::to(&format!("/helpdesk/signins/{}", view.id)).into_response())
}

/// `GET /helpdesk/signins/{id}`: a sign-in's live status (reloads while pending).
pub async fn signin_page(AxState(st): AxState<Arc<State>>, AdminSession(s): AdminSession, PagePath(id): PagePath<String>) -> PageResult {
    let r = signins::current(&st.db(), &id, st.now())?;
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

/// `POST /helpdesk/users/{id}/unlock`: lifts the passcode lockout.
pub async fn unlock(AxState(st): AxState<Arc<State>>,
    PagePath(id): PagePath<i64>,
    f: AdminForm,
) -> PageResult {
    users::unlock_passcodes(&st.db(), &f.session.admin_name, id, st.now())?;
    Ok(Redirect::to(&format!("/helpdesk/users/{id}")).into_response())
}

/// `POST /helpdesk/users/{id}/unmute`.
pub async fn unmute(AxState(st): AxState<Arc<State>>,
    PagePath(id): PagePath<i64>,
    f: AdminForm,
) -> PageResult {
    users::unmute(&st.db(), &f.session.admin_name, id, st.now())?;
    Ok(Redirect::to(&format!("/helpdesk/users/{id}")).into_response())
}

/// `POST /helpdesk/users/{id}/service`: marks or unmarks a service account.
pub async fn set_service(AxState(st): AxState<Arc<State>>,
    PagePath(id): PagePath<i64>,
    f: AdminForm,
) -> PageResult {
    let on = f.field("service")? == "1";
    users::set_service(&st.db(), &f.session.admin_name, id, on, st.now())?;
    Ok(Redirect::to(&format!("/helpdesk/users/{id}")).into_response())
}

/// `POST /helpdesk/apps`: creates an application and shows its API key once.
pub async fn create_app(AxState(st): AxState<Arc<State>>,
    f: AdminForm,
) -> PageResult {
    let s = &f.session;
    let (app, key) = apps::add(&st.db(), &s.admin_name, f.field("name")?, st.now())?;
    Ok(page("Application created", s, html! {
        p { "API key for " strong { (app.name) } " (shown only now; store it in the application's secret store):" }
        p { code #api-key { (key) } }
        p { a href="/helpdesk" { "Back" } }
    }))
}

/// `POST /helpdesk/apps/{id}/revoke`.
pub async fn revoke_app(AxState(st): AxState<Arc<State>>, PagePath(id): PagePath<i64>, f: AdminForm) -> PageResult {
    apps::revoke(&st.db(), &f.session.admin_name, id, st.now())?;
    Ok(Redirect::to("/helpdesk").into_response())
}

/// `POST /helpdesk/server-key/rotate`.
pub async fn rotate_key(AxState(st): AxState<Arc<State>>,
    f: AdminForm,
) -> PageResult {
    let s = &f.session;
    let public = server_key::rotate_for(&st, &s.admin_name)?;
    Ok(page("Server key rotated", s, html! {
        p.ok { "New fingerprint " code { (fingerprint(&public)) } ". Devices learn it at their next poll." }
        p { a href="/helpdesk" { "Back" } }
    }))
}

/// `GET /helpdesk/audit`.
pub async fn audit(AxState(st): AxState<Arc<State>>, AdminSession(s): AdminSession) -> PageResult {
    let rows = audit::recent(&st.db(), 200)?;
    Ok(page("Audit log", &s, html! {
        table #audit {
            tr { th { "When" } th { "Who" } th { "What" } th { "User" } th { "Detail" } }
            @for r in &rows {
                tr { td { (when(r.at)) } td { (r.actor) } td { (r.action) } td { (r.user) } td { (r.detail) } }
            }
        }
    }))
}

/// The QR code of `text` as an SVG element.
pub(super) fn qr_svg(text: &str) -> Result<String, ServerError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| ServerError::BadRequest(format!("the enrollment link does not fit a QR code: {e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(320, 320)
        .quiet_zone(true)
        .build())
}
