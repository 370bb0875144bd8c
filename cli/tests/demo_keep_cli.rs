//! `duet demo --yes --keep` leaves a helpdesk a newcomer can sign in to with what it prints:
//! the admin's password, then the authenticator code from the printed `duet code` command on
//! the demo's own vault.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into()
}

/// The value after `prefix` on the first printed line that has it.
fn after<'a>(lines: &'a [String], prefix: &str) -> &'a str {
    lines.iter().find_map(|l| l.trim_start().strip_prefix(prefix)).unwrap_or_else(|| panic!("no line with {prefix}"))
}

fn stop(mut demo: Child, rest: impl Iterator<Item = std::io::Result<String>>) {
    // SIGTERM, like Ctrl-C: the demo stops its server and removes its data, and says so; its
    // last lines are read so it can print them.
    let _ = Command::new("kill").arg("-TERM").arg(demo.id().to_string()).status();
    let said: Vec<String> = rest.map_while(Result::ok).collect();
    assert!(said.iter().any(|l| l.contains("every step passed")), "{said:?}");
    assert!(demo.wait().unwrap().success());
}

#[test]
fn the_kept_demo_prints_a_working_helpdesk_login_with_both_factors() {
    let mut demo = Command::new(env!("CARGO_BIN_EXE_duet"))
        .args(["demo", "--yes", "--keep"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    let mut out = BufReader::new(demo.stdout.take().unwrap()).lines();
    for line in out.by_ref() {
        let line = line.unwrap();
        let done = line.contains("Press Ctrl-C");
        lines.push(line);
        if done {
            break;
        }
    }
    let result = std::panic::catch_unwind(|| {
        let url = after(&lines, "helpdesk:   ").trim_end_matches("/helpdesk").to_string();
        let (who, _) = after(&lines, "sign in as: ").split_once(',').unwrap();
        let password = who.strip_prefix("admin / ").unwrap().to_string();
        let exports = after(&lines, "export ");
        let mut code_cmd = Command::new(env!("CARGO_BIN_EXE_duet"));
        code_cmd.env_remove("DUET_PASSPHRASE");
        for kv in exports.split_whitespace() {
            let (k, v) = kv.split_once('=').unwrap();
            code_cmd.env(k, v.trim_matches('\''));
        }
        let i = lines.iter().position(|l| l.contains("authenticator code from")).unwrap();
        let id = lines[i + 1].trim().rsplit(' ').next().unwrap().to_string();
        assert!(lines[i + 1].contains("' code "), "{}", lines[i + 1]);

        let a = agent();
        let mut r = a.post(format!("{url}/helpdesk/login")).send_form([("name", "admin"), ("password", password.as_str())]).unwrap();
        assert_eq!(r.headers().get("location").unwrap(), "/helpdesk/factor");
        let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
        let _ = r.body_mut().read_to_string();
        let page = a.get(format!("{url}/helpdesk/factor")).header("Cookie", &cookie).call().unwrap().body_mut().read_to_string().unwrap();
        assert!(!page.contains("factor-secret"), "the demo admin's authenticator is already set up");
        let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let out = code_cmd.args(["code", &id]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let code = String::from_utf8_lossy(&out.stdout).lines().next().unwrap().replace(' ', "");
        let r = a
            .post(format!("{url}/helpdesk/factor"))
            .header("Cookie", &cookie)
            .send_form([("csrf", csrf.as_str()), ("code", code.as_str())])
            .unwrap();
        assert_eq!(r.headers().get("location").unwrap(), "/helpdesk");
        let home = a.get(format!("{url}/helpdesk")).header("Cookie", &cookie).call().unwrap();
        assert_eq!(home.status().as_u16(), 200);
    });
    stop(demo, out);
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
