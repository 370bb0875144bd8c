//! Reading privacyIDEA's JSON envelope: `{"result": {"status", "value", "error"}, "detail"}`.

use super::error::PiPushError;
use crate::transport::HttpResponse;
use serde_json::Value;

/// Which exchange a response belongs to; decides how server errors read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exchange {
    /// Second enrollment step.
    Enroll,
    /// Poll for requests.
    Poll,
    /// Answer to a request.
    Answer,
}

/// A successful envelope: `result.value` and `detail`.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// `result.value`.
    pub value: Value,
    /// `detail` (an empty object when absent).
    pub detail: Value,
}

/// Parses the envelope, turning `status: false` into a typed error.
pub fn parse(resp: &HttpResponse, exchange: Exchange) -> Result<Envelope, PiPushError> {
    let json: Value = match serde_json::from_slice(&resp.body) {
        Ok(v) => v,
        Err(_) if resp.status >= 500 => return Err(PiPushError::Server),
        Err(_) => return Err(PiPushError::Response),
    };
    let result = json.get("result").and_then(Value::as_object).ok_or(PiPushError::Response)?;
    let status = result.get("status").and_then(Value::as_bool).ok_or(PiPushError::Response)?;
    if !status {
        let message = result
            .get("error")
            .and_then(|e| e.get("message"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        return Err(classify_error(message, exchange));
    }
    if !(200..300).contains(&resp.status) {
        return Err(PiPushError::Server);
    }
    Ok(Envelope {
        value: result.get("value").cloned().unwrap_or(Value::Null),
        detail: json.get("detail").cloned().unwrap_or_else(|| Value::Object(Default::default())),
    })
}

// privacyIDEA reports these conditions only as English text (pushtoken.py), so
// the text is matched; anything unrecognised stays a generic server error.
fn classify_error(message: &str, exchange: Exchange) -> PiPushError {
    if message.contains("not in valid range") || message.contains("Could not parse timestamp") {
        return PiPushError::Clock;
    }
    match exchange {
        Exchange::Enroll => PiPushError::EnrollRejected,
        Exchange::Poll | Exchange::Answer if message.contains("Could not verify signature") => {
            PiPushError::DeviceRejected
        }
        Exchange::Poll | Exchange::Answer => PiPushError::Server,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse { status, body: body.as_bytes().to_vec() }
    }

    #[test]
    fn stale_timestamp_is_a_clock_problem() {
        // The text privacyIDEA 3.14 sends for a poll 2 minutes off.
        let r = resp(
            400,
            r#"{"result":{"status":false,"error":{"code":10,"message":"Timestamp 2026-11-22T21:00:00Z not in valid range."}}}"#,
        );
        assert_eq!(parse(&r, Exchange::Poll).unwrap_err().code(), "E_PIPUSH_CLOCK");
    }

    #[test]
    fn errors_by_exchange() {
        let sig = resp(400, r#"{"result":{"status":false,"error":{"code":10,"message":"Could not verify signature!"}}}"#);
        assert_eq!(parse(&sig, Exchange::Poll).unwrap_err().code(), "E_PIPUSH_DEVICE_REJECTED");
        assert_eq!(parse(&sig, Exchange::Enroll).unwrap_err().code(), "E_PIPUSH_ENROLL_REJECTED");
        assert_eq!(parse(&resp(502, "<html>"), Exchange::Poll).unwrap_err().code(), "E_PIPUSH_SERVER");
        assert_eq!(parse(&resp(200, "[]"), Exchange::Poll).unwrap_err().code(), "E_PIPUSH_RESPONSE");
        assert_eq!(
            parse(&resp(500, r#"{"result":{"status":true,"value":true}}"#), Exchange::Answer).unwrap_err().code(),
            "E_PIPUSH_SERVER"
        );
    }

    #[test]
    fn success_returns_value_and_detail() {
        let e = parse(&resp(200, r#"{"result":{"status":true,"value":[1]},"detail":{"a":1}}"#), Exchange::Poll).unwrap();
        assert_eq!(e.value, serde_json::json!([1]));
        assert_eq!(e.detail, serde_json::json!({"a":1}));
    }
}
