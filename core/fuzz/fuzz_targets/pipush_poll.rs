//! Fuzzes the privacyIDEA poll answer reader with a fixed account and server key:
//! never panics, and no request is accepted unless its signature verified (the
//! fuzzer cannot forge RSA signatures, so accepted requests come from the seed).
#![no_main]

use duet_core::pipush::{protocol, PiPushAccount, ServerKey};
use duet_core::transport::HttpResponse;
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/pipush_fixture.rs"]
mod pipush_fixture;

fn account() -> (PiPushAccount, ServerKey) {
    let f = pipush_fixture::fixture();
    let acct = pipush_fixture::account(&f, "fuzz", "server_public_key");
    (acct, pipush_fixture::server_key(&f, "server_public_key"))
}

fuzz_target!(|data: &[u8]| {
    thread_local!(static ACCOUNT: (PiPushAccount, ServerKey) = account());
    ACCOUNT.with(|(acct, server)| {
        let resp = HttpResponse { status: 200, body: data.to_vec() };
        if let Ok(out) = protocol::parse_poll_response(&resp, acct, server) {
            for r in out.requests {
                assert_eq!(r.serial, acct.serial);
            }
        }
    });
});
