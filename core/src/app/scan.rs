//! What a scanned QR code or pasted text is, decided once for every front end.

use crate::pipush;

/// The kinds of text duet reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScannedKind {
    /// `otpauth://totp|hotp|steam/…`: one OTP account.
    Otpauth,
    /// `otpauth-migration://offline?data=…`: one part of a Google Authenticator transfer.
    Migration,
    /// `duet://enroll?…` or `https://…/duet/enroll#…`: a duet push enrollment.
    DuetLink,
    /// `otpauth://pipush/…` or `pia://pipush/…`: a privacyIDEA push enrollment.
    PiPush,
    /// None of these.
    Unknown,
}

/// Classifies `text` by its scheme (the parsers then check everything else).
pub fn classify(text: &str) -> ScannedKind {
    let text = text.trim();
    let head = text.get(..22).unwrap_or(text).to_ascii_lowercase();
    if pipush::is_pipush_uri(text) {
        ScannedKind::PiPush
    } else if head.starts_with("otpauth-migration://") {
        ScannedKind::Migration
    } else if head.starts_with("otpauth://") {
        ScannedKind::Otpauth
    } else if head.starts_with("duet://") || head.starts_with("https://") {
        ScannedKind::DuetLink
    } else {
        ScannedKind::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_decide_the_kind() {
        let cases = [
            ("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP", ScannedKind::Otpauth),
            ("  OTPAUTH://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=1", ScannedKind::Otpauth),
            ("otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGA", ScannedKind::Migration),
            ("duet://enroll?v=1", ScannedKind::DuetLink),
            ("https://mfa.example.com/duet/enroll#v=1", ScannedKind::DuetLink),
            ("otpauth://pipush/PIPU0001?url=https://pi.example.com/ttype/push", ScannedKind::PiPush),
            ("pia://pipush/PIPU0001?url=https://pi.example.com/ttype/push", ScannedKind::PiPush),
            ("hello", ScannedKind::Unknown),
            ("", ScannedKind::Unknown),
        ];
        for (text, kind) in cases {
            assert_eq!(classify(text), kind, "{text}");
        }
    }
}
