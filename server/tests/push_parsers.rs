//! Enrollment links, manual codes, signature normalisation, replay store and clock report:
//! examples, error codes, and property tests (never a panic, never an unchecked accept).

use std::sync::Arc;

use duet_core::ErrorCode;
use duet_core::push::code::check_char;
use duet_core::push::signer::normalize_signature;
use duet_core::push::wire::b64u;
use duet_core::push::*;
use duet_core::secret::Secret;
use proptest::prelude::*;
use ring::rand::SystemRandom;

const NOW: i64 = 1_790_000_000;

fn link_with(params: &str) -> String {
    format!("duet://enroll?{params}")
}

fn good_params() -> String {
    // A real P-256 point (generated once); exercises SEC1 validation in the parser.
    format!(
        "v=1&url=https%3A%2F%2Fmfa.example.com&eid={}&es={}&sk={}&iss=Example%20Corp&user=alice&exp={}",
        b64u(&[1u8; 16]),
        b64u(&[2u8; 32]),
        server_key(),
        NOW + 600
    )
}

fn server_key() -> String {
    let s = SoftwareP256Signer::from_pkcs8(pkcs8(), Arc::new(SystemRandom::new())).unwrap();
    b64u(&s.public_key())
}

fn pkcs8() -> Secret {
    // Fixed key so tests are stable: generated with ring from a fixed scalar.
    #[allow(deprecated)]
    let rng = ring::test::rand::FixedSliceRandom { bytes: &[9u8; 32] };
    let doc = ring::signature::EcdsaKeyPair::generate_pkcs8(&ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    Secret::new(doc.as_ref().to_vec())
}

#[test]
fn link_parses_and_round_trips_in_both_forms() {
    let link = EnrollmentLink::parse(&link_with(&good_params()), NOW).unwrap();
    assert_eq!(link.url, "https://mfa.example.com");
    assert_eq!(link.issuer, "Example Corp");
    assert_eq!(link.user, "alice");
    assert_eq!(link.trust, EnrollmentTrust::Link);
    assert_eq!(EnrollmentLink::parse(&link.to_duet_uri(), NOW).unwrap(), link);
    assert_eq!(EnrollmentLink::parse(&link.to_https_uri(), NOW).unwrap(), link);
    assert!(link.to_https_uri().starts_with("https://mfa.example.com/duet/enroll#v=1&"));
    // Debug never shows the secret.
    let dbg = format!("{link:?}");
    assert!(dbg.contains("redacted") && !dbg.contains(&b64u(&[2u8; 32])));
    assert_eq!(link.server_key.len(), 65);
}

#[test]
fn link_errors_are_typed() {
    let good = good_params();
    let cases: Vec<(String, &str)> = vec![
        ("otpauth://totp/x?secret=AAAA".into(), "E_PUSH_LINK_SCHEME"),
        ("https://mfa.example.com/other#v=1".into(), "E_PUSH_LINK_SCHEME"),
        (link_with(&good.replace("v=1", "v=2")), "E_PUSH_VERSION"),
        (link_with(&good.replace("v=1&", "")), "E_PUSH_LINK_PARAM"),
        (link_with(&format!("{good}&v=1")), "E_PUSH_LINK_PARAM"),
        (link_with(&good.replace("https%3A", "http%3A")), "E_PUSH_URL_INSECURE"),
        (link_with(&good.replace("https%3A%2F%2Fmfa.example.com", "http%3A%2F%2F127.0.0.1%3A8080")), "OK"),
        (link_with(&good.replace("https%3A%2F%2Fmfa.example.com", "ftp%3A%2F%2Fx")), "E_PUSH_LINK_PARAM"),
        (link_with(&good.replace(&b64u(&[2u8; 32]), &b64u(&[2u8; 8]))), "E_PUSH_LINK_PARAM"),
        (link_with(&good.replace(&server_key(), &b64u(&[4u8; 65]))), "E_PUSH_LINK_PARAM"),
        (link_with(&good.replace(&format!("exp={}", NOW + 600), &format!("exp={}", NOW - 1))), "E_PUSH_LINK_EXPIRED"),
        (link_with(&good.replace(&format!("exp={}", NOW + 600), "exp=-5")), "E_PUSH_LINK_PARAM"),
        (link_with(&good.replace("iss=Example%20Corp", "iss=")), "E_PUSH_LINK_PARAM"),
        (link_with(&good.replace("user=alice", "user=%FF")), "E_PUSH_LINK_PARAM"),
    ];
    for (text, want) in cases {
        let got = EnrollmentLink::parse(&text, NOW).map(|_| "OK").map_err(|e| e.code());
        assert_eq!(got.unwrap_or_else(|e| e), want, "{text}");
    }
}

/// Regression (push_link fuzz target): a link whose server URL was 1,900 characters long parsed
/// in its duet:// form, but its https form (the URL twice) went over `MAX_LINK_LEN`. URLs are now
/// bounded, and a link with every field at its maximum still round-trips through both writers.
#[test]
fn longest_links_round_trip_and_longer_urls_are_refused() {
    use duet_core::push::link::{MAX_LINK_LEN, MAX_SERVER_URL_LEN};
    let base = "https://mfa.example.com/";
    // Non-ASCII path bytes are percent-encoded three characters each in the fragment.
    let longest = format!("{base}{}", "\u{e9}".repeat((MAX_SERVER_URL_LEN - base.len()) / 2));
    let long_name = "\u{e9}".repeat(100);
    let enc = |s: &str| s.bytes().map(|b| format!("%{b:02X}")).collect::<String>();
    let params = good_params()
        .replace("https%3A%2F%2Fmfa.example.com", &enc(&longest))
        .replace(&b64u(&[1u8; 16]), &b64u(&[1u8; 48]))
        .replace(&b64u(&[2u8; 32]), &b64u(&[2u8; 64]))
        .replace("iss=Example%20Corp", &format!("iss={}", enc(&long_name)))
        .replace("user=alice", &format!("user={}", enc(&long_name)));
    let link = EnrollmentLink::parse(&link_with(&params), NOW).unwrap();
    assert_eq!(link.url, longest);
    for written in [link.to_duet_uri(), link.to_https_uri()] {
        assert!(written.len() <= MAX_LINK_LEN, "{} characters", written.len());
        assert_eq!(EnrollmentLink::parse(&written, NOW).unwrap(), link);
    }
    let too_long = format!("{longest}aa");
    assert!(too_long.len() > MAX_SERVER_URL_LEN);
    let refused = EnrollmentLink::parse(&link_with(&params.replace(&enc(&longest), &enc(&too_long))), NOW);
    assert_eq!(refused.unwrap_err().code(), "E_PUSH_LINK_PARAM");
}

#[test]
fn manual_code_check_character_catches_typos() {
    let rng = SystemRandom::new();
    for _ in 0..50 {
        let code = ManualCode::generate("mfa.example.com", &rng).unwrap();
        let shown = code.display();
        assert_eq!(ManualCode::parse(&shown).unwrap(), code);
        assert_eq!(ManualCode::parse(&shown.to_lowercase()).unwrap(), code);
        let value: Vec<char> = code.display_value().replace('-', "").chars().collect();
        // Every single-character substitution is caught.
        for i in 0..value.len() {
            for c in "0123456789ABCDEFGHJKMNPQRSTVWXYZ".chars().filter(|&c| c != value[i]) {
                let mut v = value.clone();
                v[i] = c;
                let text = format!("mfa.example.com {}", v.iter().collect::<String>());
                assert_eq!(ManualCode::parse(&text).unwrap_err().code(), "E_PUSH_CODE_CHECK", "{text}");
            }
        }
    }
    // Crockford aliases: I/L read as 1, O as 0.
    let v = "0123456789AB";
    let c = check_char(v).unwrap();
    assert_eq!(ManualCode::parse(&format!("h.example OI23-4567-89AB-{c}")).unwrap().value, v);
    // Adjacent swaps: Luhn mod 32 misses exactly the swap of `0` and `Z` (values 0 and 31).
    let alphabet: Vec<char> = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".chars().collect();
    let mut missed = vec![];
    for (a, &x) in alphabet.iter().enumerate() {
        for (b, &y) in alphabet.iter().enumerate().filter(|(b, _)| *b != a) {
            for pos in [9usize, 10] {
                let mut w = ['0'; 12];
                w[pos] = x;
                w[pos + 1] = y;
                let value: String = w.iter().collect();
                w.swap(pos, pos + 1);
                let swapped: String = w.iter().collect();
                let text = format!("h.example {swapped}{}", check_char(&value).unwrap());
                if ManualCode::parse(&text).is_ok() {
                    missed.push((a, b));
                }
            }
        }
    }
    assert_eq!(missed, vec![(0, 31), (0, 31), (31, 0), (31, 0)]);
    for bad in ["", "mfa.example.com", "mfa.example.com 1234", "mfa.example.com 0123-4567-89AB-CD", ".bad 0123-4567-89AB-C", "mfa.example.com 0123-4567-89AB-U"] {
        assert_eq!(ManualCode::parse(bad).unwrap_err().code(), "E_PUSH_CODE_FORMAT", "{bad}");
    }
    let code = ManualCode::parse(&format!("127.0.0.1:8080/{v}{c}")).unwrap();
    assert_eq!(code.lookup_url(), format!("http://127.0.0.1:8080/duet/v1/enrollment/{v}"));
    assert!(!format!("{code:?}").contains(v));
}

#[test]
fn manual_code_of_a_server_under_a_path_prefix_reaches_that_path() {
    let code = ManualCode::generate("https://Corp.Example/mfa", &SystemRandom::new()).unwrap();
    assert_eq!(code.server, "corp.example/mfa");
    let shown = code.display();
    assert!(shown.starts_with("corp.example/mfa "), "{shown}");
    assert_eq!(ManualCode::parse(&shown).unwrap(), code);
    let value = code.display_value().replace('-', "");
    assert_eq!(ManualCode::parse(&format!("corp.example/mfa/{value}")).unwrap(), code);
    assert_eq!(code.lookup_url(), format!("https://corp.example/mfa/duet/v1/enrollment/{}", code.value));
    assert!(code.names_server("https://corp.example/mfa"));
    assert!(code.names_server("https://CORP.example/mfa"));
    assert!(!code.names_server("https://corp.example"));
    assert!(!code.names_server("https://corp.example/MFA"));
    assert!(!code.names_server("https://corp.example/mfa/x"));
    for bad in ["corp.example/../x", "corp.example//mfa", "corp.example/m%20a", "corp.example/./a"] {
        assert_eq!(ManualCode::parse(&format!("{bad} {value}")).unwrap_err().code(), "E_PUSH_CODE_FORMAT", "{bad}");
    }
}

/// A platform-style signer: the Android Keystore and Secure Enclave return DER signatures and
/// Android gives its public key as SPKI DER.
struct DerSigner(SoftwareP256Signer);

impl DeviceSigner for DerSigner {
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::EcdsaP256Sha256
    }
    fn public_key(&self) -> Vec<u8> {
        use p256::pkcs8::EncodePublicKey;
        let pk = p256::PublicKey::from_sec1_bytes(&self.0.public_key()).unwrap();
        pk.to_public_key_der().unwrap().as_bytes().to_vec()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignerError> {
        let raw = self.0.sign(msg)?;
        Ok(p256::ecdsa::Signature::from_slice(&raw).unwrap().to_der().as_bytes().to_vec())
    }
}

#[test]
fn platform_der_signatures_and_spki_keys_are_normalised() {
    let inner = SoftwareP256Signer::generate(Arc::new(SystemRandom::new())).unwrap();
    let raw_key = inner.public_key();
    let signer = DerSigner(inner);
    assert_eq!(normalize_public_key(SignatureAlgorithm::EcdsaP256Sha256, &signer.public_key()).unwrap(), raw_key);
    for i in 0..64u8 {
        let msg = [i; 40];
        let der = signer.sign(&msg).unwrap();
        assert_ne!(der.len(), 64);
        let wire = normalize_signature(SignatureAlgorithm::EcdsaP256Sha256, &raw_key, &msg, &der).unwrap();
        assert_eq!(wire.len(), 64);
        verify_signature(SignatureAlgorithm::EcdsaP256Sha256, &raw_key, &msg, &wire).unwrap();
        // Raw input passes through unchanged.
        assert_eq!(normalize_signature(SignatureAlgorithm::EcdsaP256Sha256, &raw_key, &msg, &wire).unwrap(), wire);
    }
    assert_eq!(
        normalize_signature(SignatureAlgorithm::EcdsaP256Sha256, &raw_key, b"m", &[0x30, 0x02, 0x01]).unwrap_err().code(),
        "E_PUSH_BAD_SIGNATURE"
    );
    // End to end: a DER-signing platform key registers and answers against the verifier.
    let mut server = duet_server::verifier::Verifier::new(
        duet_server::verifier::ServerKey::generate(Arc::new(SystemRandom::new())).unwrap(),
        "https://mfa.example.com",
        "Example",
    )
    .unwrap();
    let rng = SystemRandom::new();
    let agreement = AgreementKey::generate(&rng).unwrap();
    let mut e = server.create_enrollment("dora", 600, false, NOW, &rng).unwrap();
    let link = server.enrollment_link(&e);
    let info = DeviceInfo { name: "phone".into(), platform: "android".into(), keystore: "strongbox".into() };
    let body = build_registration(&link, &signer, &agreement, &info, NOW).unwrap();
    let (device, resp) = server.register(&mut e, &body, NOW, &rng, None).unwrap();
    let account = finish_registration(&link, &signer, &agreement, &resp, NOW).unwrap().account;
    let ctx = duet_server::verifier::SignInContext { user: "dora".into(), service: "VPN".into(), ..Default::default() };
    let mut s = server.create_sign_in(std::slice::from_ref(&device), &ctx, duet_server::verifier::MatchMode::Type { digits: 3 }, 60, NOW, &rng).unwrap();
    let store = MemoryReplayStore::new();
    let req = verify_request(&account, &s.issued[0].body, NOW, &store).unwrap();
    let ans = build_answer(&account, &req, &Answer::Approve { number: Some(s.number.unwrap().to_string()) }, &signer, NOW, &store).unwrap();
    assert_eq!(server.verify_answer(&mut s, &device, &ans, NOW), Ok(duet_server::verifier::AnswerOutcome::Approved));
    let _ = &mut server;
}

#[test]
fn number_checks_on_the_phone() {
    let server = duet_server::verifier::Verifier::new(
        duet_server::verifier::ServerKey::generate(Arc::new(SystemRandom::new())).unwrap(),
        "https://mfa.example.com",
        "Example",
    )
    .unwrap();
    let rng = SystemRandom::new();
    let signer = SoftwareP256Signer::generate(Arc::new(SystemRandom::new())).unwrap();
    let agreement = AgreementKey::generate(&rng).unwrap();
    let mut e = server.create_enrollment("eve", 600, false, NOW, &rng).unwrap();
    let link = server.enrollment_link(&e);
    let info = DeviceInfo { name: "p".into(), platform: "cli".into(), keystore: "software".into() };
    let (device, resp) = server.register(&mut e, &build_registration(&link, &signer, &agreement, &info, NOW).unwrap(), NOW, &rng, None).unwrap();
    let account = finish_registration(&link, &signer, &agreement, &resp, NOW).unwrap().account;
    let ctx = duet_server::verifier::SignInContext { user: "eve".into(), service: "VPN".into(), ..Default::default() };
    use duet_server::verifier::MatchMode;
    let store = MemoryReplayStore::new();
    let typed = server.create_sign_in(std::slice::from_ref(&device), &ctx, MatchMode::Type { digits: 2 }, 60, NOW, &rng).unwrap();
    let r = verify_request(&account, &typed.issued[0].body, NOW, &store).unwrap();
    let try_n = |n: Option<&str>| build_answer(&account, &r, &Answer::Approve { number: n.map(String::from) }, &signer, NOW, &MemoryReplayStore::new()).map(|_| ()).map_err(|e| e.code());
    assert_eq!(try_n(None), Err("E_PUSH_NUMBER_REQUIRED"));
    assert_eq!(try_n(Some("7")), Err("E_PUSH_NUMBER_INVALID"));
    assert_eq!(try_n(Some("07")), Err("E_PUSH_NUMBER_INVALID"));
    assert_eq!(try_n(Some("1a")), Err("E_PUSH_NUMBER_INVALID"));
    assert_eq!(try_n(Some("42")), Ok(()));
    assert_eq!(r.pending.matching, NumberMatching::TypeShown { digits: 2 });
    let none = server.create_sign_in(&[device], &ctx, MatchMode::None, 60, NOW, &rng).unwrap();
    let r = verify_request(&account, &none.issued[0].body, NOW, &store).unwrap();
    assert_eq!(r.pending.matching, NumberMatching::None);
    assert_eq!(
        build_answer(&account, &r, &Answer::Approve { number: Some("42".into()) }, &signer, NOW, &store).unwrap_err().code(),
        "E_PUSH_NUMBER_INVALID"
    );
    // Expired by the time the user answers.
    assert_eq!(
        build_answer(&account, &r, &Answer::Approve { number: None }, &signer, NOW + 60 + 120, &store).unwrap_err().code(),
        "E_PUSH_EXPIRED"
    );
}

#[test]
fn replay_store_and_clock_report() {
    let s = MemoryReplayStore::new();
    assert!(!s.is_answered("a", "c").unwrap());
    assert!(s.mark_answered("a", "c", 100).unwrap());
    assert!(!s.mark_answered("a", "c", 100).unwrap());
    assert!(s.is_answered("a", "c").unwrap());
    assert!(!s.is_answered("b", "c").unwrap());
    assert_eq!(s.prune(100).unwrap(), 0);
    assert_eq!(s.prune(101).unwrap(), 1);
    let mut r = ClockReport::new();
    assert_eq!(r.warning(), None);
    for o in [40, 41, 3000, 39, 42] {
        r.observe(o);
    }
    assert_eq!(r.median(), Some(41));
    assert_eq!(r.warning(), Some(41));
    for _ in 0..5 {
        r.observe(-2);
    }
    assert_eq!(r.warning(), None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn link_parser_never_panics(s in ".{0,300}") {
        let _ = EnrollmentLink::parse(&s, NOW);
        let _ = EnrollmentLink::parse(&format!("duet://enroll?{s}"), NOW);
    }

    #[test]
    fn code_parser_never_panics(s in "[ -~]{0,60}") {
        let _ = ManualCode::parse(&s);
    }

    #[test]
    fn request_verifier_rejects_arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..400)) {
        let account = PushAccount {
            account_id: "a".into(), url: "https://x.example".into(), server_key: vec![4; 65],
            issuer: "i".into(), user: "u".into(), device_alg: "ES256".into(), device_key: vec![4; 65], answer_key: None,
            via_manual_code: false,
        };
        prop_assert!(verify_request(&account, &body, NOW, &MemoryReplayStore::new()).is_err());
        prop_assert!(parse_poll_response(&account, &body, NOW, &MemoryReplayStore::new()).map(|o| o.requests.is_empty()).unwrap_or(true));
    }
}

#[test]
fn hidden_characters_in_a_link_are_shown_replaced_and_the_link_written_back_parses_again() {
    let good = good_params();
    let text = link_with(&good.replace("user=alice", "user=a%E2%80%AEb%01").replace("iss=Example%20Corp", &format!("iss={}", "%01".repeat(200))));
    let link = EnrollmentLink::parse(&text, NOW);
    // 200 control characters become 600 bytes when shown: too long, refused rather than cut.
    assert_eq!(link.unwrap_err().code(), "E_PUSH_LINK_PARAM");
    let text = link_with(&good.replace("user=alice", "user=a%E2%80%AEb%01"));
    let link = EnrollmentLink::parse(&text, NOW).unwrap();
    assert_eq!(link.user, "a\u{FFFD}b\u{FFFD}");
    assert_eq!(EnrollmentLink::parse(&link.to_duet_uri(), NOW).unwrap(), link);
    assert_eq!(EnrollmentLink::parse(&link.to_https_uri(), NOW).unwrap(), link);
}
