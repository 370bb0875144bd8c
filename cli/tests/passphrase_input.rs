//! How `duet` gets the vault passphrase: a pipe on `--passphrase-fd N`, which wins over
//! `DUET_PASSPHRASE`; the variable alone still works; short new passphrases are refused.

mod desktop_support;
use desktop_support::{command, duet, ok, run};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Output;

const URI: &str = "otpauth://totp/X:y?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const FD: i32 = 5;

/// Runs `duet --passphrase-fd 5 ARGS` with `line` written into a pipe that the child sees
/// as descriptor 5 (stdin stays free for the command's own input).
fn duet_fd(home: &Path, args: &[&str], line: &str, envs: &[(&str, &str)]) -> Output {
    let (reader, mut writer) = std::io::pipe().unwrap();
    writer.write_all(line.as_bytes()).unwrap();
    drop(writer);
    let fd_arg = FD.to_string();
    let mut full = vec!["--passphrase-fd", fd_arg.as_str()];
    full.extend_from_slice(args);
    let mut c = command(home, &full, envs);
    let source = reader.as_raw_fd();
    // SAFETY: dup2 is async-signal-safe, as code between fork and exec must be; it copies
    // the pipe onto FD without the close-on-exec flag, so duet inherits it.
    unsafe {
        c.pre_exec(move || if libc::dup2(source, FD) == FD { Ok(()) } else { Err(std::io::Error::last_os_error()) });
    }
    let out = run(c, None);
    drop(reader);
    out
}

#[test]
fn passphrase_from_a_pipe_descriptor_creates_and_opens_the_vault() {
    let d = tempfile::tempdir().unwrap();
    let h = d.path();
    let store = [("DUET_KEY_STORE", "passphrase")];
    ok(&duet_fd(h, &["add", URI], "piped passphrase\n", &store));
    assert!(!h.join("config/duet/keys").exists(), "a passphrase vault, no key file");
    assert_eq!(ok(&duet_fd(h, &["code", "y", "--at", "59"], "piped passphrase\n", &[])), "287082\n");
    // A last line without a newline, and CRLF, read the same.
    assert_eq!(ok(&duet_fd(h, &["code", "y", "--at", "59"], "piped passphrase", &[])), "287082\n");
    assert_eq!(ok(&duet_fd(h, &["code", "y", "--at", "59"], "piped passphrase\r\nrest\n", &[])), "287082\n");
    // The descriptor wins over the environment, both ways.
    let wrong_env = [("DUET_PASSPHRASE", "not the passphrase")];
    assert_eq!(ok(&duet_fd(h, &["code", "y", "--at", "59"], "piped passphrase\n", &wrong_env)), "287082\n");
    let e = duet_fd(h, &["list"], "not the passphrase\n", &[("DUET_PASSPHRASE", "piped passphrase")]);
    assert!(String::from_utf8_lossy(&e.stderr).starts_with("error E_KEY_WRONG_PASSPHRASE:"));
    // The environment variable alone still works.
    assert_eq!(ok(&duet(h, &["code", "y", "--at", "59"], None, &[("DUET_PASSPHRASE", "piped passphrase")])), "287082\n");
}

#[test]
fn unreadable_or_empty_descriptors_are_typed_errors() {
    let d = tempfile::tempdir().unwrap();
    let h = d.path();
    // A key-file vault: a descriptor that was given but cannot be read is still an error.
    ok(&duet(h, &["add", URI], None, &[]));
    let e = duet_fd(h, &["list"], "\n", &[]);
    let err = String::from_utf8_lossy(&e.stderr).into_owned();
    assert!(err.starts_with("error E_CLI_PASSPHRASE_FD:"), "{err}");
    let e = duet(h, &["--passphrase-fd", "57", "list"], None, &[]);
    let err = String::from_utf8_lossy(&e.stderr).into_owned();
    assert!(err.starts_with("error E_CLI_PASSPHRASE_FD:") && err.contains("57"), "{err}");
}

#[test]
fn a_short_new_passphrase_is_refused_and_nothing_is_created() {
    let d = tempfile::tempdir().unwrap();
    let h = d.path();
    let e = duet_fd(h, &["add", URI], "abc123xyz\n", &[("DUET_KEY_STORE", "passphrase")]);
    let err = String::from_utf8_lossy(&e.stderr).into_owned();
    assert!(err.starts_with("error E_KEY_PASSPHRASE_TOO_SHORT:") && !err.contains("abc123xyz"), "{err}");
    assert!(!h.join("data/duet/vault.sqlite").exists());
    let e = duet(h, &["add", URI], None, &[("DUET_KEY_STORE", "auto"), ("DUET_PASSPHRASE", "short")]);
    assert!(String::from_utf8_lossy(&e.stderr).starts_with("error E_KEY_PASSPHRASE_TOO_SHORT:"));
}
