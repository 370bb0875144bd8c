//! `otpauth://` reading: expected values written by hand from Google's Key URI
//! Format, RFC 4648 (Base32) and RFC 6238, plus every URI error and warning code.

use duet_core::ErrorCode;
use duet_core::otp::{Algorithm, OtpKind};
use duet_core::uri::{UriWarning, parse};

/// RFC 6238 Appendix B SHA-1 seed "12345678901234567890" in Base32 (RFC 4648).
const RFC6238_B32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

fn code_of(uri: &str) -> &'static str {
    match parse(uri) {
        Ok(p) => panic!("expected an error for {uri}, got {:?}", p.account),
        Err(e) => e.code(),
    }
}

fn warning_codes(uri: &str) -> Vec<&'static str> {
    parse(uri).unwrap().warnings.iter().map(UriWarning::code).collect()
}

#[test]
fn google_key_uri_example() {
    let p = parse("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example").unwrap();
    let a = &p.account;
    assert_eq!(a.issuer.as_deref(), Some("Example"));
    assert_eq!(a.name, "alice@google.com");
    // JBSWY3DPEHPK3PXP is "Hello!" followed by 0xDEADBEEF.
    assert_eq!(a.secret.expose(), b"Hello!\xde\xad\xbe\xef");
    assert_eq!(a.params.algorithm, Algorithm::Sha1);
    assert_eq!(a.params.digits, 6);
    assert_eq!(a.params.kind, OtpKind::Totp { period: 30, t0: 0 });
    assert!(a.extra.is_empty());
    // 80-bit secret: works, with a warning.
    assert_eq!(p.warnings, vec![UriWarning::SecretShort { bits: 80 }]);
}

#[test]
fn base32_forms_all_decode_to_the_same_key() {
    // RFC 4648 section 10: BASE32("foobar") = "MZXW6YTBOI======".
    for secret in [
        "MZXW6YTBOI======",
        "MZXW6YTBOI",
        "mzxw6ytboi",
        "mzxw%206ytb%20oi",
        "MZXW+6YTB+OI%3D%3D%3D%3D%3D%3D",
        "MzXw6YtBoI==",
    ] {
        let uri = format!("otpauth://totp/x?secret={secret}");
        assert_eq!(parse(&uri).unwrap().account.secret.expose(), b"foobar", "{secret}");
    }
    let uri = format!("otpauth://totp/x?secret={RFC6238_B32}");
    assert_eq!(parse(&uri).unwrap().account.secret.expose(), b"12345678901234567890");
}

#[test]
fn issuer_and_name_separators() {
    for label in [
        "ACME%20Co:john.doe@email.com",
        "ACME%20Co%3Ajohn.doe@email.com",
        "ACME%20Co%3A%20john.doe@email.com",
        "ACME Co: john.doe@email.com",
        "ACME%20Co%20:%20%20john.doe%40email.com",
    ] {
        let p = parse(&format!("otpauth://totp/{label}?secret={RFC6238_B32}")).unwrap();
        assert_eq!(p.account.issuer.as_deref(), Some("ACME Co"), "{label}");
        assert_eq!(p.account.name, "john.doe@email.com", "{label}");
        assert!(p.warnings.is_empty());
    }
}

#[test]
fn issuer_parameter_wins_with_a_warning() {
    let p = parse(&format!("otpauth://totp/OldName:bob?secret={RFC6238_B32}&issuer=NewName")).unwrap();
    assert_eq!(p.account.issuer.as_deref(), Some("NewName"));
    assert_eq!(p.account.name, "bob");
    assert_eq!(p.warnings, vec![UriWarning::IssuerMismatch { label: "OldName".into(), param: "NewName".into() }]);
    assert_eq!(p.warnings[0].code(), "W_URI_ISSUER_MISMATCH");
    // Same issuer in another case: no warning, the parameter's spelling is used.
    let p = parse(&format!("otpauth://totp/github:bob?secret={RFC6238_B32}&issuer=GitHub")).unwrap();
    assert_eq!(p.account.issuer.as_deref(), Some("GitHub"));
    assert!(p.warnings.is_empty());
    // Only the parameter.
    let p = parse(&format!("otpauth://totp/bob?secret={RFC6238_B32}&issuer=Example+Co")).unwrap();
    assert_eq!(p.account.issuer.as_deref(), Some("Example Co"));
    assert_eq!(p.account.name, "bob");
}

#[test]
fn raw_hash_plus_and_utf8_in_labels() {
    let p = parse(&format!("otpauth://totp/Discord:user#1234?secret={RFC6238_B32}&issuer=Discord")).unwrap();
    assert_eq!(p.account.name, "user#1234");
    assert_eq!(p.account.issuer.as_deref(), Some("Discord"));
    let p = parse(&format!("otpauth://totp/Google:alice+2fa@gmail.com?secret={RFC6238_B32}")).unwrap();
    assert_eq!(p.account.name, "alice+2fa@gmail.com");
    let p = parse(&format!("otpauth://totp/Bücher.de:jürgen?secret={RFC6238_B32}")).unwrap();
    assert_eq!(p.account.issuer.as_deref(), Some("Bücher.de"));
    assert_eq!(p.account.name, "jürgen");
    // "微信" percent-encoded as UTF-8.
    let p = parse(&format!("otpauth://totp/%E5%BE%AE%E4%BF%A1:alice?secret={RFC6238_B32}")).unwrap();
    assert_eq!(p.account.issuer.as_deref(), Some("微信"));
}

#[test]
fn parameters_and_defaults() {
    let p = parse(&format!(
        "OTPAUTH://TOTP/Okta:alice?SECRET={RFC6238_B32}&Algorithm=sha-256&digits=8&period=60&issuer=Okta"
    ))
    .unwrap();
    let a = &p.account;
    assert_eq!(a.params.algorithm, Algorithm::Sha256);
    assert_eq!(a.params.digits, 8);
    assert_eq!(a.params.kind, OtpKind::Totp { period: 60, t0: 0 });
    let p = parse(&format!("otpauth://totp/x?secret={RFC6238_B32}&algorithm=SHA512&digits=10&period=86400&t0=1000")).unwrap();
    assert_eq!(p.account.params.algorithm, Algorithm::Sha512);
    assert_eq!(p.account.params.digits, 10);
    assert_eq!(p.account.params.kind, OtpKind::Totp { period: 86_400, t0: 1000 });
    // Empty values mean "default".
    let p = parse(&format!("otpauth://totp/x?secret={RFC6238_B32}&digits=&period=&algorithm=")).unwrap();
    assert_eq!((p.account.params.digits, p.account.params.kind), (6, OtpKind::Totp { period: 30, t0: 0 }));
    // The same parameter twice with the same value is harmless.
    assert!(parse(&format!("otpauth://totp/x?secret={RFC6238_B32}&digits=8&digits=8")).is_ok());
}

#[test]
fn hotp_counter() {
    let p = parse(&format!("otpauth://hotp/Yubico:alice?secret={RFC6238_B32}&counter=18446744073709551615")).unwrap();
    assert_eq!(p.account.params.kind, OtpKind::Hotp { counter: u64::MAX });
    let p = parse(&format!("otpauth://hotp/alice?secret={RFC6238_B32}")).unwrap();
    assert_eq!(p.account.params.kind, OtpKind::Hotp { counter: 0 });
    assert_eq!(warning_codes(&format!("otpauth://hotp/alice?secret={RFC6238_B32}")), vec!["W_URI_COUNTER_MISSING"]);
    // `period` means nothing to HOTP: kept as an extra, not interpreted.
    let p = parse(&format!("otpauth://hotp/a?secret={RFC6238_B32}&counter=1&period=abc")).unwrap();
    assert_eq!(p.account.extra, vec![("period".to_string(), "abc".to_string())]);
}

#[test]
fn steam_forms() {
    let steam = |uri: &str| {
        let p = parse(uri).unwrap();
        assert_eq!(p.account.params.kind, OtpKind::Steam { period: 30 }, "{uri}");
        assert_eq!(p.account.params.digits, 5, "{uri}");
        p
    };
    let p = steam(&format!("otpauth://steam/Steam:gaben?secret={RFC6238_B32}&issuer=Steam"));
    assert!(p.warnings.is_empty());
    steam(&format!("otpauth://steam/Steam:gaben?secret={RFC6238_B32}&issuer=Steam&digits=5&algorithm=SHA1&period=30"));
    let p = steam(&format!("otpauth://totp/Steam:gaben?secret={RFC6238_B32}&period=30&digits=5&issuer=Steam&encoder=steam"));
    assert_eq!(p.warnings, vec![UriWarning::SteamAssumed]);
    assert!(p.account.extra.is_empty());
    steam(&format!("otpauth://totp/Steam:gaben?secret={RFC6238_B32}&digits=5"));
    // Issuer Steam with the default 6 digits stays plain TOTP: nothing says otherwise.
    let p = parse(&format!("otpauth://totp/Steam:gaben?secret={RFC6238_B32}")).unwrap();
    assert_eq!(p.account.params.digits, 6);
    assert!(matches!(p.account.params.kind, OtpKind::Totp { .. }));
    // Another encoder is not interpreted.
    let p = parse(&format!("otpauth://totp/x?secret={RFC6238_B32}&encoder=foo")).unwrap();
    assert_eq!(p.account.extra, vec![("encoder".to_string(), "foo".to_string())]);
}

#[test]
fn unknown_parameters_are_kept_in_order() {
    let p = parse(&format!(
        "otpauth://totp/x?image=https%3A%2F%2Fexample.com%2Flogo.png&secret={RFC6238_B32}&color=%23ff0000&lock=false&flag"
    ))
    .unwrap();
    let extra: Vec<(&str, &str)> = p.account.extra.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        extra,
        [("image", "https://example.com/logo.png"), ("color", "#ff0000"), ("lock", "false"), ("flag", "")]
    );
}

/// Every `E_URI_*` code, each from a realistic bad URI.
#[test]
fn every_error_code() {
    let s = RFC6238_B32;
    let cases: Vec<(String, &str)> = vec![
        ("x".repeat(duet_core::uri::MAX_URI_LEN + 1), "E_URI_TOO_LONG"),
        ("".into(), "E_URI_SCHEME"),
        ("https://example.com/totp?secret=ABC".into(), "E_URI_SCHEME"),
        (format!("otpauth:totp/x?secret={s}"), "E_URI_SCHEME"),
        ("otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8".into(), "E_URI_IS_MIGRATION"),
        ("otpauth-migration:offline?data=x".into(), "E_URI_IS_MIGRATION"),
        (format!("otpauth://motp/x?secret={s}"), "E_URI_TYPE"),
        (format!("otpauth:///x?secret={s}"), "E_URI_TYPE"),
        (format!("otpauth://totp/%FF%FE?secret={s}"), "E_URI_ENCODING"),
        (format!("otpauth://totp/x?secret={s}&image=%C3%28"), "E_URI_ENCODING"),
        (format!("otpauth://totp/x?secret={s}&secret=JBSWY3DPEHPK3PXP"), "E_URI_PARAM_DUPLICATE"),
        (format!("otpauth://totp/x?secret={s}&digits=6&digits=8"), "E_URI_PARAM_DUPLICATE"),
        ("otpauth://totp/x?issuer=Example".into(), "E_URI_SECRET_MISSING"),
        ("otpauth://totp/x".into(), "E_URI_SECRET_MISSING"),
        ("otpauth://totp/x?secret=&issuer=Example".into(), "E_URI_SECRET_EMPTY"),
        ("otpauth://totp/x?secret=%3D%3D%3D".into(), "E_URI_SECRET_EMPTY"),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PX1".into(), "E_URI_SECRET_BASE32"),
        ("otpauth://totp/x?secret=JBSW%3DY3DP".into(), "E_URI_SECRET_BASE32"),
        ("otpauth://totp/x?secret=J".into(), "E_URI_SECRET_BASE32"),
        ("otpauth://totp/x?secret=JBSWY3DPÉ".into(), "E_URI_SECRET_BASE32"),
        (format!("otpauth://totp/x?secret={s}&algorithm=MD5"), "E_URI_ALGORITHM"),
        (format!("otpauth://totp/x?secret={s}&algorithm=SHA3-256"), "E_URI_ALGORITHM"),
        (format!("otpauth://totp/x?secret={s}&digits=5"), "E_URI_DIGITS"),
        (format!("otpauth://totp/x?secret={s}&digits=11"), "E_URI_DIGITS"),
        (format!("otpauth://totp/x?secret={s}&digits=six"), "E_URI_DIGITS"),
        (format!("otpauth://hotp/x?secret={s}&digits=300&counter=1"), "E_URI_DIGITS"),
        (format!("otpauth://steam/x?secret={s}&digits=6"), "E_URI_DIGITS"),
        (format!("otpauth://totp/x?secret={s}&encoder=steam&digits=6"), "E_URI_DIGITS"),
        (format!("otpauth://totp/x?secret={s}&period=0"), "E_URI_PERIOD"),
        (format!("otpauth://totp/x?secret={s}&period=86401"), "E_URI_PERIOD"),
        (format!("otpauth://totp/x?secret={s}&period=-30"), "E_URI_PERIOD"),
        (format!("otpauth://steam/x?secret={s}&period=30.5"), "E_URI_PERIOD"),
        (format!("otpauth://hotp/x?secret={s}&counter=18446744073709551616"), "E_URI_COUNTER"),
        (format!("otpauth://hotp/x?secret={s}&counter=-1"), "E_URI_COUNTER"),
        (format!("otpauth://totp/x?secret={s}&t0=yesterday"), "E_URI_T0"),
        (format!("otpauth://totp/x?secret={s}&encoder=steam&t0=5"), "E_URI_T0"),
    ];
    for (uri, code) in &cases {
        assert_eq!(code_of(uri), *code, "{uri}");
    }
    // The list above covers every code the module declares.
    let source: String = ["error.rs", "parse.rs"]
        .iter()
        .map(|f| std::fs::read_to_string(format!("{}/src/uri/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap())
        .collect();
    for code in codes_in(&source, "E_URI_") {
        assert!(cases.iter().any(|(_, c)| *c == code), "{code} is never exercised");
    }
}

#[test]
fn every_warning_code() {
    let s = RFC6238_B32;
    let cases = [
        (format!("otpauth://totp/A:x?secret={s}&issuer=B"), "W_URI_ISSUER_MISMATCH"),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP".to_string(), "W_URI_SECRET_SHORT"),
        (format!("otpauth://hotp/x?secret={s}"), "W_URI_COUNTER_MISSING"),
        (format!("otpauth://totp/x?secret={s}&encoder=steam"), "W_URI_STEAM_ASSUMED"),
    ];
    for (uri, code) in &cases {
        assert_eq!(warning_codes(uri), vec![*code], "{uri}");
    }
    let source = std::fs::read_to_string(format!("{}/src/uri/error.rs", env!("CARGO_MANIFEST_DIR"))).unwrap();
    for code in codes_in(&source, "W_URI_") {
        assert!(cases.iter().any(|(_, c)| *c == code), "{code} is never exercised");
    }
    // 128 bits and more: no warning (RFC 4226 section 4 minimum).
    assert!(warning_codes(&format!("otpauth://totp/x?secret={}", "A".repeat(26))).is_empty());
}

#[test]
fn messages_never_contain_the_secret() {
    let secret = "JBSWY3DPEHPK3PXPGEZDGNBVGY3TQOJ1";
    for uri in [
        format!("otpauth://totp/x?secret={secret}"),
        format!("otpauth://totp/x?secret={secret}&secret=ABCDEFGH"),
    ] {
        let err = parse(&uri).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(&secret[..12]), "{shown}");
        assert!(shown.ends_with('.') || shown.contains(". "), "one sentence: {shown}");
    }
    let p = parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP").unwrap();
    assert!(!format!("{p:?}").contains("JBSW"));
}

fn codes_in<'a>(source: &'a str, prefix: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    for (i, _) in source.match_indices(&format!("\"{prefix}")) {
        let rest = &source[i + 1..];
        let end = rest.find('"').unwrap();
        out.push(&rest[..end]);
    }
    out
}
