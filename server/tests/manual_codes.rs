//! Manual activation codes: never in the database in clear, a few lookups each, none after the
//! registration, and the helpdesk's enrollment page names the device that registered.

mod server_support;

use axum::http::StatusCode;
use duet_core::push::{EnrollmentLink, ManualCode};
use server_support::phone::*;

#[tokio::test]
async fn the_database_never_holds_a_manual_code_in_clear() {
    let w = world("alice").await;
    let (_, shown) = w.enrollment().await;
    let value = ManualCode::parse(&shown).unwrap().value;
    assert!(!w.h.database_dump().to_uppercase().contains(&value), "the code is stored in clear");
}

#[tokio::test]
async fn a_code_answers_three_lookups_and_none_after_the_registration() {
    let w = world("alice").await;
    let (_, shown) = w.enrollment().await;
    let code = ManualCode::parse(&shown).unwrap();
    let path = format!("/duet/v1/enrollment/{}", code.value);
    for _ in 0..3 {
        assert_eq!(w.h.get(&path, None).await.status, StatusCode::OK);
    }
    let r = w.h.get(&path, None).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::NOT_FOUND, "E_VERIFIER_ENROLLMENT_UNKNOWN"));

    let (link, shown) = w.enrollment().await;
    let code = ManualCode::parse(&shown).unwrap();
    let path = format!("/duet/v1/enrollment/{}", code.value);
    assert_eq!(w.h.get(&path, None).await.status, StatusCode::OK);
    w.register(&link).await;
    assert_eq!(w.h.get(&path, None).await.code(), "E_VERIFIER_ENROLLMENT_UNKNOWN");
    let _ = EnrollmentLink::parse(&link, w.now()).unwrap();
}

#[tokio::test]
async fn the_enrollment_page_names_the_device_that_registered() {
    let w = world("alice").await;
    let r = w.h.post_form(&format!("/helpdesk/users/{}/enroll", w.uid), Some(&w.cookie), &[("csrf", &w.csrf)]).await;
    let page_path = r.location();
    let id = page_path.rsplit('/').next().unwrap().to_string();
    let e = duet_server::services::enrollments::get(&w.h.state, &id).unwrap().unwrap();
    w.register(&e.link).await;
    let page = w.h.get(&page_path, Some(&w.cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"enrolled-device\">Test phone (cli)"), "{}", page.body);
}
