//! The exact strings privacyIDEA signs, as built in `lib/tokens/pushtoken.py`.
//!
//! Pure functions: a change here breaks interoperability, so the tests pin every
//! string against what privacyIDEA's own code formats.

/// Poll: `{serial}|{timestamp}` (`_api_endpoint_get`).
pub fn poll(serial: &str, timestamp: &str) -> String {
    format!("{serial}|{timestamp}")
}

/// The fields of a push request the server signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequestFields<'a> {
    /// The challenge nonce.
    pub nonce: &'a str,
    /// Where to send the answer.
    pub url: &'a str,
    /// Token serial.
    pub serial: &'a str,
    /// The question shown to the user.
    pub question: &'a str,
    /// The notification title.
    pub title: &'a str,
    /// `"0"` or `"1"`.
    pub sslverify: &'a str,
    /// Presence mode: the offered answers, comma separated.
    pub require_presence: Option<&'a str>,
}

/// Request: `{nonce}|{url}|{serial}|{question}|{title}|{sslverify}` plus
/// `|{require_presence}` in presence mode (`_build_smartphone_data`).
pub fn request(f: &SignedRequestFields<'_>) -> String {
    let mut s = format!("{}|{}|{}|{}|{}|{}", f.nonce, f.url, f.serial, f.question, f.title, f.sslverify);
    if let Some(p) = f.require_presence {
        s.push('|');
        s.push_str(p);
    }
    s
}

/// Answer: `{nonce}|{serial}`, then `|decline` and `|{reason}` when declining
/// (the reason only when sent), then `|{presence_answer}` when one is sent
/// (`_handle_auth_response`).
pub fn answer(nonce: &str, serial: &str, decline: bool, decline_reason: Option<&str>, presence: Option<&str>) -> String {
    let mut s = format!("{nonce}|{serial}");
    if decline {
        s.push_str("|decline");
        if let Some(r) = decline_reason {
            s.push('|');
            s.push_str(r);
        }
    }
    if let Some(p) = presence {
        s.push('|');
        s.push_str(p);
    }
    s
}

/// Enrollment's firebase-token update: `{new_fb_token}|{serial}|{timestamp}`
/// (unused while duet only polls; kept so the set of signed strings is complete).
pub fn firebase_update(new_fb_token: &str, serial: &str, timestamp: &str) -> String {
    format!("{new_fb_token}|{serial}|{timestamp}")
}

/// The detached capabilities signature's input: RFC 8785 (JCS) JSON of
/// `{"capabilities": <parsed capabilities>, "nonce": <nonce>}`.
pub fn capabilities(capabilities: &serde_json::Value, nonce: &str) -> Option<Vec<u8>> {
    let v = serde_json::json!({ "capabilities": capabilities, "nonce": nonce });
    serde_jcs::to_vec(&v).ok()
}

/// The timestamp format of polls: ISO 8601 / RFC 3339 in UTC, as `isoparse` reads it.
pub fn timestamp(unix_seconds: i64) -> Option<String> {
    let t = time::OffsetDateTime::from_unix_timestamp(unix_seconds).ok()?;
    t.format(&time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_match_pushtoken_py() {
        assert_eq!(poll("PIPU1", "2026-11-22T21:00:00Z"), "PIPU1|2026-11-22T21:00:00Z");
        let f = SignedRequestFields {
            nonce: "N",
            url: "https://pi/ttype/push",
            serial: "PIPU1",
            question: "Q?",
            title: "T",
            sslverify: "1",
            require_presence: None,
        };
        assert_eq!(request(&f), "N|https://pi/ttype/push|PIPU1|Q?|T|1");
        assert_eq!(
            request(&SignedRequestFields { require_presence: Some("A,B,C"), ..f }),
            "N|https://pi/ttype/push|PIPU1|Q?|T|1|A,B,C"
        );
        assert_eq!(answer("N", "S", false, None, None), "N|S");
        assert_eq!(answer("N", "S", true, None, None), "N|S|decline");
        assert_eq!(answer("N", "S", true, Some("cancelled"), None), "N|S|decline|cancelled");
        assert_eq!(answer("N", "S", false, None, Some("B")), "N|S|B");
        assert_eq!(firebase_update("fb", "S", "T"), "fb|S|T");
    }

    #[test]
    fn capabilities_are_jcs_like_rfc8785_dumps() {
        // python: rfc8785.dumps({"capabilities": {"decline_reason": True}, "nonce": "N"})
        let caps: serde_json::Value = serde_json::from_str(r#"{"decline_reason": true}"#).unwrap();
        assert_eq!(capabilities(&caps, "N").unwrap(), br#"{"capabilities":{"decline_reason":true},"nonce":"N"}"#);
    }

    #[test]
    fn timestamp_is_rfc3339_utc() {
        assert_eq!(timestamp(1_795_383_686).unwrap(), "2026-11-22T21:41:26Z");
        assert_eq!(timestamp(0).unwrap(), "1970-01-01T00:00:00Z");
    }
}
