//! The real duet reference server for the Kotlin and Swift binding tests, driven over stdin/stdout.
//!
//! It runs the `duet-server` library on 127.0.0.1 (an ephemeral port, a throwaway SQLite
//! database, a manual clock) through [`duet_tests::server::TestServer`], so the mobile tests
//! approve real signed requests of the real server without any server code in the mobile API.
//! Every command with a NOW first sets the server's clock to NOW. The server's public URL is
//! `https://mfa.example.com`; the phone side reaches it through the `http` command. With
//! `--own-url` the public URL is the server's own `http://127.0.0.1:PORT` and the clock starts at
//! the real time, so a real client (the `duet` CLI phone, the PAM module) talks to it directly
//! while the test moves the clock with `advance`.
//! One command per line, space-separated; binary values in lowercase hex; every command answers
//! one line starting with `ok` or `err` (a server error: `err CODE sentence`):
//!
//! - `enroll USER NOW` -> `ok LINK`
//! - `enrollcode USER NOW` -> `ok LINK HOST CODE` (the manual activation code as read out:
//!   `HOST CODE` with a space, e.g. `mfa.example.com 4K7M-9QXD-2HBT-C`)
//! - `fingerprint` -> `ok FP`, the fingerprint of the server's current key (as the helpdesk shows it)
//! - `pushtoken ACCOUNT` -> `ok PROVIDER TOKEN`, the push token the server stored for the account
//! - `devicekey ACCOUNT` -> `ok ALG HEXKEY`, the device key the server now verifies the account with
//! - `answerkey ACCOUNT` -> `ok HEXKEY` (or `ok -` for none), the answer key the server verifies its answers with
//! - `http METHOD PATH HEXBODY NOW` (HEXBODY `-` for empty) -> `ok STATUS HEXBODY`, sent as a
//!   real HTTP request over loopback TCP
//! - `signin USER SERVICE MODE NOW` (MODE `none`, `type2`, `pick3`) -> `ok CHALLENGE NUMBER|-`
//! - `status CHALLENGE NOW` -> `ok approved|denied|pending|...`
//! - `record CHALLENGE` -> `ok STATUS`, the sign-in as the server's records keep it (`fraud` for a
//!   denial as not me, `failed_number` for a wrong number, ...)
//! - `url` -> `ok http://127.0.0.1:PORT`, where the server listens
//! - `apikey` -> `ok KEY`, the API key of the application created at start-up
//! - `advance SECS` -> `ok NOW`, the server's clock moved forward
//! - `quit`

use std::io::{BufRead, Write};

use duet_core::ErrorCode;
use duet_server::verifier::MatchMode;
use duet_tests::server::TestServer;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s == "-" {
        return Some(Vec::new());
    }
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

fn mode(s: &str) -> Option<MatchMode> {
    match s {
        "none" => Some(MatchMode::None),
        "type2" => Some(MatchMode::Type { digits: 2 }),
        "pick3" => Some(MatchMode::Pick { digits: 2, choices: 3 }),
        _ => None,
    }
}

fn run(server: &TestServer, words: &[&str]) -> Result<String, String> {
    let num = |s: &str| s.parse::<u64>().map_err(|_| format!("bad number {s}"));
    let err = |e: duet_server::ServerError| format!("{} {e}", e.code());
    match words {
        ["enroll", user, now] => Ok(server.enroll(user, num(now)?).map_err(err)?.link),
        ["enrollcode", user, now] => {
            let e = server.enroll(user, num(now)?).map_err(err)?;
            Ok(format!("{} {}", e.link, e.manual_code))
        }
        ["fingerprint"] => Ok(server.fingerprint()),
        ["pushtoken", aid] => {
            let (provider, token) = server.push_token(aid).ok_or("no push token for this account")?;
            Ok(format!("{provider} {token}"))
        }
        ["devicekey", aid] => {
            let d = server.device(aid).ok_or("unknown account")?;
            Ok(format!("{} {}", d.alg, hex(&d.public_key)))
        }
        ["answerkey", aid] => {
            let d = server.device(aid).ok_or("unknown account")?;
            Ok(d.answer_key.map(|k| hex(&k)).unwrap_or_else(|| "-".to_string()))
        }
        ["http", method, path, body, now] => {
            let body = unhex(body).ok_or("bad hex")?;
            let (status, out) = server.http(method, path, &body, num(now)?)?;
            Ok(format!("{status} {}", if out.is_empty() { "-".to_string() } else { hex(&out) }))
        }
        ["signin", user, service, m, now] => {
            let m = mode(m).ok_or("bad mode")?;
            let s = server.start_sign_in(user, service, m, num(now)?).map_err(err)?;
            Ok(format!("{} {}", s.id, s.number.unwrap_or_else(|| "-".to_string())))
        }
        ["status", cid, now] => {
            let st = server.status(cid, num(now)?).ok_or("unknown challenge")?;
            Ok(st.wire_name().to_string())
        }
        ["record", cid] => Ok(server.signin_status(cid).ok_or("unknown challenge")?.to_string()),
        ["url"] => Ok(server.base_url()),
        ["apikey"] => Ok(server.api_key.clone()),
        ["advance", secs] => {
            server.advance(num(secs)?);
            Ok(server.state().clock.now().to_string())
        }
        _ => Err(format!("unknown command {words:?}")),
    }
}

fn main() {
    let started = if std::env::args().nth(1).as_deref() == Some("--own-url") {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        TestServer::start_own_url(now)
    } else {
        TestServer::start(0)
    };
    let server = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!("duet-test-helper: the server did not start: {e}");
            std::process::exit(1);
        }
    };
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let words: Vec<&str> = line.split_whitespace().collect();
        if words == ["quit"] {
            break;
        }
        let reply = match run(&server, &words) {
            Ok(s) => format!("ok {s}"),
            Err(e) => format!("err {}", e.replace('\n', " ")),
        };
        if writeln!(out, "{reply}").and_then(|_| out.flush()).is_err() {
            break;
        }
    }
}
