//! Wrong manual-code lookups are limited per client address under a much higher ceiling for
//! everyone: a guesser is slowed down without blocking other people's enrollments.

mod server_support;

use axum::http::StatusCode;
use duet_core::push::ManualCode;
use duet_server::services::lookup_limits::{ADDRESS_RULE, GLOBAL_RULE};
use server_support::phone::*;


const WRONG: &str = "/duet/v1/enrollment/AAAA-AAAA-AAAA-A";

async fn valid_lookup_path(w: &World) -> String {
    let (_, shown) = w.enrollment().await;
    let url = ManualCode::parse(&shown).unwrap().lookup_url();
    url.strip_prefix("http://127.0.0.1:8440").unwrap().to_string()
}

#[tokio::test]
async fn one_guesser_does_not_block_other_enrollments() {
    let w = world("alice").await;
    let path = valid_lookup_path(&w).await;
    for _ in 0..ADDRESS_RULE.max_failures {
        let r = w.h.get_from("198.51.100.1", WRONG).await;
        assert_eq!(r.code(), "E_VERIFIER_ENROLLMENT_UNKNOWN");
    }
    let r = w.h.get_from("198.51.100.1", &path).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::TOO_MANY_REQUESTS, "E_SRV_LOOKUP_LIMITED"));
    assert!(r.json()["message"].as_str().unwrap().contains("lookups"), "{}", r.body);
    // Anyone else still enrolls.
    let r = w.h.get_from("198.51.100.2", &path).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A minute later the guesser may try again.
    w.h.clock.advance(ADDRESS_RULE.lock_secs + 1);
    assert_eq!(w.h.get_from("198.51.100.1", &path).await.status, StatusCode::OK);
}

#[tokio::test]
async fn many_addresses_together_meet_the_global_ceiling() {
    let w = world("alice").await;
    let path = valid_lookup_path(&w).await;
    for i in 0..GLOBAL_RULE.max_failures {
        let r = w.h.get_from(&format!("10.{}.{}.1", i / 250, i % 250), WRONG).await;
        assert_eq!(r.code(), "E_VERIFIER_ENROLLMENT_UNKNOWN", "lookup {i}");
    }
    let r = w.h.get_from("198.51.100.2", &path).await;
    assert_eq!(r.code(), "E_SRV_LOOKUP_LIMITED");
}
