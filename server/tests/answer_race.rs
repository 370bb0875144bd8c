//! Two devices answering one sign-in at the same moment: exactly one answer wins, the other
//! is refused as already answered, and the stored status, the mute and both phones' views
//! agree. Each race sends both answers from tasks of a multi-thread runtime through the router.

mod server_support;

use axum::http::StatusCode;
use duet_core::push::*;
use server_support::phone::*;
use std::sync::Arc;

const RACES: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn approve_and_not_me_at_once_have_exactly_one_winner() {
    let w = Arc::new(world("alice").await);
    let a = Arc::new(w.enroll_phone().await);
    let b = Arc::new(w.enroll_phone().await);
    let (mut approve_won, mut fraud_won) = (0, 0);
    for race in 0..RACES {
        // Past the previous race's mute and push rate window.
        w.h.clock.advance(w.h.state.config.limits.mute_secs + 1);
        let r = w.push().await;
        assert_eq!(r.status, StatusCode::OK, "race {race}: {}", r.body);
        let id = r.json()["id"].as_str().unwrap().to_string();
        let n = r.json()["number"].as_str().unwrap().to_string();
        let (req_a, req_b) = (w.poll(&a).await.requests.remove(0), w.poll(&b).await.requests.remove(0));
        let body_a = build_answer(&a.account, &req_a, &approve(&n), &a.signer, w.now(), &a.store).unwrap();
        let body_b = build_answer(&b.account, &req_b, &Answer::Deny { reason: DenyReason::NotMe }, &b.signer, w.now(), &b.store).unwrap();
        // Two threads released together: async tasks woken by one another would run one
        // after the other on the waker's worker.
        let barrier = Arc::new(std::sync::Barrier::new(2));
        let send = |body: Vec<u8>| {
            let (w, barrier, rt) = (w.clone(), barrier.clone(), tokio::runtime::Handle::current());
            tokio::task::spawn_blocking(move || {
                barrier.wait();
                rt.block_on(w.post_raw("/duet/v1/answer", &body))
            })
        };
        let (ta, tb) = (send(body_a), send(body_b));
        let (ra, rb) = (ta.await.unwrap(), tb.await.unwrap());
        let (winner, loser, loser_phone, want_status) = match (ra.status, rb.status) {
            (StatusCode::OK, StatusCode::OK) => panic!("race {race}: both answers won"),
            (StatusCode::OK, _) => (ra, rb, &b, "approved"),
            (_, StatusCode::OK) => (rb, ra, &a, "fraud"),
            _ => panic!("race {race}: no answer won: {} / {}", ra.body, rb.body),
        };
        assert_eq!((loser.status, loser.code().as_str()), (StatusCode::CONFLICT, "E_VERIFIER_ALREADY_ANSWERED"), "race {race}");
        assert_eq!(w.status(&id).await, want_status, "race {race}: winner said {}", winner.body);
        let muted: i64 = w.h.state.db().query_row("SELECT muted_until FROM users WHERE id = ?1", [w.uid], |r| r.get(0)).unwrap();
        assert_eq!(muted > w.now(), want_status == "fraud", "race {race}: mute and status disagree");
        let seen = w.poll(loser_phone).await;
        assert!(seen.closed.iter().any(|(cid, st)| cid == &id && st == "answered_elsewhere"), "race {race}: {:?}", seen.closed);
        if want_status == "approved" {
            assert_eq!(winner.json()["status"], "approved");
            approve_won += 1;
        } else {
            assert_eq!(winner.json()["status"], "denied");
            fraud_won += 1;
        }
    }
    assert_eq!(approve_won + fraud_won, RACES);
}
