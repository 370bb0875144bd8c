//! Which query parameters duet interprets, per URI type.
//!
//! Shared by the reader and the writer: the writer must never emit an
//! uninterpreted ("extra") parameter that the reader would then interpret,
//! or a round trip would change the account.

/// The type segment after `otpauth://`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UriType {
    /// `otpauth://totp/...`
    Totp,
    /// `otpauth://hotp/...`
    Hotp,
    /// `otpauth://steam/...` (de-facto extension used by Steam Guard exporters).
    Steam,
}

impl UriType {
    /// Reads the type case-insensitively.
    pub fn from_host(host: &str) -> Option<Self> {
        match host.to_ascii_lowercase().as_str() {
            "totp" => Some(UriType::Totp),
            "hotp" => Some(UriType::Hotp),
            "steam" => Some(UriType::Steam),
            _ => None,
        }
    }

    /// The lower-case name written in URIs.
    pub fn name(self) -> &'static str {
        match self {
            UriType::Totp => "totp",
            UriType::Hotp => "hotp",
            UriType::Steam => "steam",
        }
    }
}

/// A parameter duet interprets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Known {
    /// `secret`
    Secret,
    /// `issuer`
    Issuer,
    /// `algorithm`
    Algorithm,
    /// `digits`
    Digits,
    /// `period` (TOTP, Steam)
    Period,
    /// `counter` (HOTP)
    Counter,
    /// `t0` (TOTP; duet's extension for a non-zero start time)
    T0,
    /// `encoder=steam` (KeePassXC's way to mark a Steam Guard TOTP)
    EncoderSteam,
}

impl Known {
    /// The parameter's name as written.
    pub fn name(self) -> &'static str {
        match self {
            Known::Secret => "secret",
            Known::Issuer => "issuer",
            Known::Algorithm => "algorithm",
            Known::Digits => "digits",
            Known::Period => "period",
            Known::Counter => "counter",
            Known::T0 => "t0",
            Known::EncoderSteam => "encoder",
        }
    }
}

/// Whether the parameter `key=value` is interpreted for this type (keys are
/// case-insensitive); `None` means it is kept as an extra parameter.
pub fn interpret(ty: UriType, key: &str, value: &str) -> Option<Known> {
    let key = key.to_ascii_lowercase();
    let known = match key.as_str() {
        "secret" => Known::Secret,
        "issuer" => Known::Issuer,
        "algorithm" => Known::Algorithm,
        "digits" => Known::Digits,
        "period" if ty != UriType::Hotp => Known::Period,
        "counter" if ty == UriType::Hotp => Known::Counter,
        "t0" if ty == UriType::Totp => Known::T0,
        "encoder" if ty != UriType::Hotp && value.eq_ignore_ascii_case("steam") => Known::EncoderSteam,
        _ => return None,
    };
    Some(known)
}
