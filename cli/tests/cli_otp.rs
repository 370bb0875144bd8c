//! The `duet` binary's OTP commands, run as a user or script would: `code`,
//! `uri inspect`, `migration decode|encode`. Codes are checked against RFC 4226
//! Appendix D and RFC 6238 Appendix B; the error contract is `error CODE:
//! sentence` on stderr, nothing on stdout, non-zero exit.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const SEED20: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const SEED32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA====";
const SEED64: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA=";
const REAL_EXPORT: &str = "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZSABKAEwAhABGAEgACjr4JKK%2Bv%2F%2F%2F%2F8B";

fn duet(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_duet"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run duet");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

#[test]
fn code_matches_rfc6238_appendix_b() {
    let table: [(u64, [&str; 3]); 6] = [
        (59, ["94287082", "46119246", "90693936"]),
        (1_111_111_109, ["07081804", "68084774", "25091201"]),
        (1_111_111_111, ["14050471", "67062674", "99943326"]),
        (1_234_567_890, ["89005924", "91819424", "93441116"]),
        (2_000_000_000, ["69279037", "90698825", "38618901"]),
        (20_000_000_000, ["65353130", "77737706", "47863826"]),
    ];
    for (t, codes) in table {
        for ((alg, seed), expected) in [("SHA1", SEED20), ("SHA256", SEED32), ("SHA512", SEED64)].iter().zip(codes) {
            let uri = format!("otpauth://totp/RFC:6238?secret={seed}&algorithm={alg}&digits=8");
            let out = duet(&["code", "--uri", &uri, "--at", &t.to_string()], None);
            assert!(out.status.success(), "{}", text(&out.stderr));
            assert_eq!(text(&out.stdout), format!("{expected}\n"), "{alg} at {t}");
            assert_eq!(text(&out.stderr), "", "no warning for full-length seeds");
        }
    }
}

#[test]
fn code_matches_rfc4226_appendix_d() {
    let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
    for (counter, code) in expected.iter().enumerate() {
        let uri = format!("otpauth://hotp/RFC:4226?secret={SEED20}&counter={counter}");
        let out = duet(&["code", "--uri", &uri], None);
        assert_eq!(text(&out.stdout), format!("{code}\n"), "counter {counter}");
    }
}

#[test]
fn code_reads_the_uri_from_stdin_and_warns_on_stderr() {
    let out = duet(&["code", "--uri", "-", "--at", "59"], Some("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example\n"));
    assert!(out.status.success());
    // HOTP/TOTP value computed with Python's hmac module for T = 1.
    assert_eq!(text(&out.stdout), "996554\n");
    assert!(text(&out.stderr).starts_with("warning W_URI_SECRET_SHORT: "), "{}", text(&out.stderr));
}

#[test]
fn code_without_at_uses_the_current_time() {
    let uri = format!("otpauth://totp/x?secret={SEED20}");
    let now = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let before = now();
    let out = duet(&["code", "--uri", &uri], None);
    let after = now();
    let at = |t: u64| text(&duet(&["code", "--uri", &uri, "--at", &t.to_string()], None).stdout);
    let got = text(&out.stdout);
    assert!(got == at(before) || got == at(after), "{got}");
}

#[test]
fn bad_input_follows_the_error_contract() {
    let cases = [
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3P01ZZZZ", "E_URI_SECRET_BASE32"),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=12", "E_URI_DIGITS"),
        ("https://example.com", "E_URI_SCHEME"),
        (REAL_EXPORT, "E_URI_IS_MIGRATION"),
    ];
    for (uri, code) in cases {
        for out in [duet(&["code", "--uri", uri, "--at", "0"], None), duet(&["code", "--uri", "-"], Some(uri))] {
            assert!(!out.status.success());
            assert_eq!(text(&out.stdout), "");
            let err = text(&out.stderr);
            assert!(err.starts_with(&format!("error {code}: ")), "{err}");
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(!err.contains("JBSWY3DP"), "the secret must not be echoed: {err}");
        }
    }
    // A TOTP time before T0 is the engine's error, same contract.
    let out = duet(&["code", "--uri", &format!("otpauth://totp/x?secret={SEED20}&t0=100"), "--at", "50"], None);
    assert!(text(&out.stderr).starts_with("error E_OTP_"), "{}", text(&out.stderr));
}

#[test]
fn uri_inspect_masks_the_secret() {
    let out = duet(&["uri", "inspect", "-"], Some(&format!("otpauth://hotp/Old:bob?secret={SEED20}&issuer=New&counter=7&image=x")));
    assert!(out.status.success());
    let shown = text(&out.stdout);
    assert!(!shown.contains(SEED20) && !shown.contains("12345678901234567890"), "{shown}");
    for needle in ["hotp", "issuer:    New", "account:   bob", "20 bytes (160 bits)", "counter:   7", "extra:     image=x", "warning W_URI_ISSUER_MISMATCH: "] {
        assert!(shown.contains(needle), "missing {needle:?} in\n{shown}");
    }
}

#[test]
fn migration_decode_and_encode() {
    let out = duet(&["migration", "decode", REAL_EXPORT], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example\n");

    let input = format!(
        "otpauth://totp/ACME:alice?secret={SEED20}&issuer=ACME\n\notpauth://hotp/Yubico:bob?secret={SEED32}&counter=5&issuer=Yubico&algorithm=SHA256\notpauth://steam/Steam:gaben?secret={SEED20}\notpauth://totp/Slow:carol?secret={SEED20}&period=60\n"
    );
    let enc = duet(&["migration", "encode", "--batch-id", "12"], Some(&input));
    assert!(enc.status.success());
    let err = text(&enc.stderr);
    assert!(err.contains("skipped E_MIGRATION_ACCOUNT_STEAM: Steam:gaben: "), "{err}");
    assert!(err.contains("skipped E_MIGRATION_ACCOUNT_PERIOD: Slow:carol: "), "{err}");
    let transfer = text(&enc.stdout);
    assert_eq!(transfer.lines().count(), 1);
    assert!(transfer.starts_with("otpauth-migration://offline?data="));
    let dec = duet(&["migration", "decode", "-"], Some(&transfer));
    assert_eq!(
        text(&dec.stdout),
        format!(
            "otpauth://totp/ACME:alice?secret={SEED20}&issuer=ACME\notpauth://hotp/Yubico:bob?secret={}&issuer=Yubico&algorithm=SHA256&counter=5\n",
            SEED32.trim_end_matches('=')
        )
    );

    // A bad line stops the export: no partial transfer.
    let bad = duet(&["migration", "encode"], Some(&format!("otpauth://totp/a?secret={SEED20}\notpauth://totp/b?secret=1\n")));
    assert!(!bad.status.success());
    assert_eq!(text(&bad.stdout), "");
    assert!(text(&bad.stderr).starts_with("error E_URI_SECRET_BASE32: line 2: "));
    // Decoding garbage follows the contract.
    let bad = duet(&["migration", "decode", "otpauth-migration://offline?data=!!"], None);
    assert!(text(&bad.stderr).starts_with("error E_MIGRATION_BASE64: "));
}
