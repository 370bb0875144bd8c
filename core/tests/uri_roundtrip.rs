//! `write(parse(uri))` is a fixed point for odd real-world URIs, and property
//! tests: `parse(write(account)) == account`, and messy spellings of a URI
//! (case, padding, spaces, `%3A`, raw `#`, unknown parameters, any order) all
//! read as the same account.

use duet_core::OtpAccount;
use duet_core::otp::{Algorithm, OtpKind, OtpParams};
use duet_core::secret::Secret;
use duet_core::uri::{encode_secret, parse, write};
use proptest::prelude::*;

/// Real-world shapes: Google's examples, FreeOTP images, Aegis and KeePassXC
/// Steam forms, raw `#`, UTF-8, padding, spaces, empty parameters.
const ODD_URIS: &[&str] = &[
    "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
    "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
    "otpauth://totp/GitHub:octocat?secret=jbsw%20y3dp%20ehpk%203pxp&issuer=GitHub",
    "otpauth://totp/Amazon%3Auser%40example.com?secret=MZXW6YTBOI======&issuer=Amazon",
    "otpauth://totp/Microsoft: user@outlook.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Microsoft",
    "otpauth://totp/Discord:user#1234?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Discord",
    "otpauth://totp/Bücher.de:jürgen?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    "otpauth://totp/%E5%BE%AE%E4%BF%A1:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=%E5%BE%AE%E4%BF%A1",
    "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example&image=https%3A%2F%2Fexample.com%2Flogo.png",
    "otpauth://steam/Steam:gaben?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Steam&digits=5&algorithm=SHA1&period=30",
    "otpauth://totp/Steam:gaben?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=30&digits=5&issuer=Steam&encoder=steam",
    "otpauth://hotp/Yubico:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=42&issuer=Yubico",
    "otpauth://hotp/alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    "otpauth://totp/OldName:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=NewName",
    "OTPAUTH://TOTP/Example:ALICE?SECRET=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&ISSUER=Example",
    "otpauth://totp/Okta:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA256&digits=8&period=60&issuer=Okta",
    "otpauth://totp/Google:alice+2fa@gmail.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Google",
    "otpauth://totp/Example+Co:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example+Co",
    "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&color=%23ff0000&lock=false&pin=&flag",
    "otpauth://totp/?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=NoLabel",
    "otpauth://totp/Example:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=&period=&issuer=Example",
    "otpauth://totp/a:b:c?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    "otpauth://totp/:a:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    "otpauth://totp/alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=A%3AB",
    "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=86400&digits=10&algorithm=SHA512&t0=1700000000",
    "  otpauth://totp/Trailing:space?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n",
    "otpauth://totp/100%25:%?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&note=50%+off",
    "otpauth://totp/Example:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBV&issuer=Example&icon=a&icon=b",
];

#[test]
fn odd_real_world_uris_reach_a_fixed_point() {
    for uri in ODD_URIS {
        let first = parse(uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
        let written = write(&first.account);
        let second = parse(&written).unwrap_or_else(|e| panic!("{written}: {e}"));
        assert_eq!(second.account, first.account, "{uri} -> {written}");
        assert_eq!(write(&second.account), written, "{uri}");
        // The canonical form draws no issuer warning.
        assert!(second.warnings.iter().all(|w| w.code() != "W_URI_ISSUER_MISMATCH"), "{written}");
    }
}

/// A few canonical forms written out by hand (Google's Key URI Format).
#[test]
fn canonical_forms() {
    let cases = [
        (ODD_URIS[0], "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"),
        (ODD_URIS[3], "otpauth://totp/Amazon:user@example.com?secret=MZXW6YTBOI&issuer=Amazon"),
        (ODD_URIS[5], "otpauth://totp/Discord:user%231234?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Discord"),
        (ODD_URIS[6], "otpauth://totp/B%C3%BCcher.de:j%C3%BCrgen?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=B%C3%BCcher.de"),
        (ODD_URIS[10], "otpauth://steam/Steam:gaben?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Steam"),
        (ODD_URIS[11], "otpauth://hotp/Yubico:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Yubico&counter=42"),
        (ODD_URIS[15], "otpauth://totp/Okta:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Okta&algorithm=SHA256&digits=8&period=60"),
        (ODD_URIS[16], "otpauth://totp/Google:alice%2B2fa@gmail.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Google"),
        (ODD_URIS[18], "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&color=%23ff0000&lock=false&pin=&flag="),
        (ODD_URIS[21], "otpauth://totp/a:b%3Ac?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=a"),
        (ODD_URIS[22], "otpauth://totp/:a%3Ab?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
        (ODD_URIS[23], "otpauth://totp/alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=A%3AB"),
    ];
    for (uri, expected) in cases {
        assert_eq!(write(&parse(uri).unwrap().account), expected, "{uri}");
    }
}

// ---------- property tests ----------

/// Label text: ASCII, URI delimiters, `#`, `:`, `%`, `+`, UTF-8; trimmed,
/// because surrounding spaces are not part of a label.
fn label_text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 @._#:%+&=?/~\\-éü日本語🔑]{0,24}".prop_map(|s| s.trim().to_string())
}

fn issuer() -> impl Strategy<Value = Option<String>> {
    prop::option::of(label_text().prop_filter("issuer is non-empty", |s| !s.is_empty()))
}

/// Keys duet does not interpret, so they stay extras.
fn extra_param() -> impl Strategy<Value = (String, String)> {
    (
        "[a-zA-Z][a-zA-Z0-9_.\\-]{0,10}".prop_filter("not a parameter duet reads", |k| {
            !["secret", "issuer", "algorithm", "digits", "period", "counter", "t0", "encoder"]
                .contains(&k.to_ascii_lowercase().as_str())
        }),
        "[a-zA-Z0-9 #&=?%+/:,;éü日本🔑]{0,16}",
    )
}

fn params() -> impl Strategy<Value = OtpParams> {
    let algorithm = prop_oneof![Just(Algorithm::Sha1), Just(Algorithm::Sha256), Just(Algorithm::Sha512)];
    prop_oneof![
        (algorithm.clone(), 6u8..=10, 1u32..=86_400, any::<u64>()).prop_map(|(algorithm, digits, period, t0)| {
            OtpParams { kind: OtpKind::Totp { period, t0 }, algorithm, digits }
        }),
        (algorithm.clone(), 6u8..=10, any::<u64>())
            .prop_map(|(algorithm, digits, counter)| OtpParams { kind: OtpKind::Hotp { counter }, algorithm, digits }),
        (algorithm, 1u32..=86_400)
            .prop_map(|(algorithm, period)| OtpParams { kind: OtpKind::Steam { period }, algorithm, digits: 5 }),
    ]
}

fn account() -> impl Strategy<Value = OtpAccount> {
    (
        issuer(),
        label_text(),
        prop::collection::vec(any::<u8>(), 1..64),
        params(),
        prop::collection::vec(extra_param(), 0..4),
    )
        .prop_map(|(issuer, name, secret, params, extra)| OtpAccount {
            issuer,
            name,
            secret: Secret::new(secret),
            params,
            extra,
        })
}

/// Writes `account` the way a careless generator might: random case, padding,
/// spaced secret, `%3A` or ` : ` separators, raw `#`, shuffled parameters.
fn messy_uri(account: &OtpAccount, choice: &[u8; 8]) -> String {
    let canonical = write(account);
    let (head, query) = canonical.split_once('?').unwrap();
    let (scheme_type, label) = head.rsplit_once('/').unwrap();
    let scheme_type = if choice[0] & 1 == 1 { scheme_type.to_ascii_uppercase() } else { scheme_type.to_string() };
    let mut label = label.to_string();
    if choice[1] & 1 == 1 {
        label = label.replacen(':', "%3A", 1);
    }
    if choice[1] & 2 == 2 {
        label = label.replacen(':', "%20:%20", 1);
    }
    if choice[1] & 4 == 4 {
        label = label.replace("%23", "#");
    }
    let mut params: Vec<String> = query.split('&').map(str::to_string).collect();
    let secret_b32 = encode_secret(&account.secret);
    let mut secret = match choice[2] % 3 {
        0 => secret_b32.to_ascii_lowercase(),
        1 => {
            let pad = (8 - secret_b32.len() % 8) % 8;
            format!("{secret_b32}{}", "%3D".repeat(pad))
        }
        _ => secret_b32
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join("%20"),
    };
    if choice[3] & 1 == 1 {
        secret = secret.replace("%20", "+");
    }
    params[0] = format!("{}={secret}", if choice[3] & 2 == 2 { "SECRET" } else { "secret" });
    // Rotate the parameters: order must not matter for the interpreted ones.
    // Extras keep their relative order (they are a list), so only rotate the
    // interpreted prefix.
    let interpreted = params.len() - account.extra.iter().filter(|(k, _)| !k.is_empty()).count();
    let rot = choice[4] as usize % interpreted.max(1);
    params[..interpreted].rotate_left(rot);
    if choice[5] & 1 == 1 {
        params.insert(0, String::new()); // "&&" and a leading "&"
    }
    if choice[5] & 2 == 2 && matches!(account.params.kind, OtpKind::Totp { .. }) {
        if account.params.digits == 6 {
            params.push("digits=6".into());
        }
        if let OtpKind::Totp { period: 30, .. } = account.params.kind {
            params.push("period=30".into());
        }
    }
    if choice[6] & 1 == 1 && account.params.algorithm == Algorithm::Sha1 {
        params.push("algorithm=sha1".into());
    }
    format!("{scheme_type}/{label}?{}", params.join("&"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn write_then_parse_gives_the_account(account in account()) {
        let uri = write(&account);
        let parsed = parse(&uri).map_err(|e| TestCaseError::fail(format!("{uri}: {e}")))?;
        prop_assert_eq!(&parsed.account, &account, "{}", uri);
        prop_assert!(parsed.warnings.iter().all(|w| w.code() != "W_URI_ISSUER_MISMATCH"));
        prop_assert_eq!(write(&parsed.account), uri);
    }

    #[test]
    fn messy_spellings_read_as_the_same_account(account in account(), choice in any::<[u8; 8]>()) {
        let uri = messy_uri(&account, &choice);
        let parsed = parse(&uri).map_err(|e| TestCaseError::fail(format!("{uri}: {e}")))?;
        prop_assert_eq!(&parsed.account, &account, "{}", uri);
    }

    /// Anything at all: never a panic, and whatever parses reaches a fixed point.
    #[test]
    fn arbitrary_text_never_panics(s in "(otpauth://(totp|hotp|steam)/)?[ -~éü#%:&=?/+]{0,80}") {
        if let Ok(p) = parse(&s) {
            let w = write(&p.account);
            let again = parse(&w).map_err(|e| TestCaseError::fail(format!("{w}: {e}")))?;
            prop_assert_eq!(&again.account, &p.account);
            prop_assert_eq!(write(&again.account), w);
        }
    }
}
