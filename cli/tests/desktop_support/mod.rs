//! Runs the built `duet` as a desktop user would, in a throwaway home: no keyring
//! (the vault key goes to a key file in the config dir), nothing inherited from the
//! environment but PATH. Shared by the desktop-authenticator tests.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `duet ARGS` with `stdin` fed in and `envs` added to the clean environment.
pub fn duet(home: &Path, args: &[&str], stdin: Option<&str>, envs: &[(&str, &str)]) -> Output {
    run(command(home, args, envs), stdin)
}

/// The `duet ARGS` command [`duet`] runs, for tests that set more up (extra descriptors).
pub fn command(home: &Path, args: &[&str], envs: &[(&str, &str)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_duet"));
    c.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("DUET_KEY_STORE", "key-file")
        .env("DUET_KEY_CACHE", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        c.env(k, v);
    }
    c
}

/// Spawns `c` with `stdin` fed in and waits for its output.
pub fn run(mut c: Command, stdin: Option<&str>) -> Output {
    let mut child = c.spawn().expect("spawn duet");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(stdin.unwrap_or("").as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("duet output")
}

/// The stdout of a successful run; fails the test with duet's stderr otherwise.
pub fn ok(o: &Output) -> String {
    assert!(o.status.success(), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}
