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
    let conn = w.h.state.db();
    let tables: Vec<String> = {
        let mut q = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").unwrap();
        q.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    for t in tables {
        let mut q = conn.prepare(&format!("SELECT * FROM {t}")).unwrap();
        let n = q.column_count();
        let mut rows = q.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                let cell = match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => String::from_utf8_lossy(b).to_uppercase(),
                    _ => continue,
                };
                assert!(!cell.contains(&value), "table {t} holds the code");
            }
        }
    }
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
