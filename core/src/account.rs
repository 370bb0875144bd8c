//! An OTP account: what an `otpauth://` URI, an import or the vault describes.

use crate::otp::OtpParams;
use crate::secret::Secret;

/// One OTP account (secret plus labels and parameters).
///
/// `Debug` is safe to log: the secret prints redacted.
#[derive(Clone, Debug)]
pub struct OtpAccount {
    /// Who issued the account ("Example Corp"); `None` when the source gave none.
    pub issuer: Option<String>,
    /// The account name shown to the user ("alice@example.com").
    pub name: String,
    /// The shared secret.
    pub secret: Secret,
    /// Algorithm, digits, kind and step.
    pub params: OtpParams,
    /// URI parameters duet does not interpret (image, color, ...), kept in order so a
    /// URI survives a round trip.
    pub extra: Vec<(String, String)>,
}

impl PartialEq for OtpAccount {
    fn eq(&self, other: &Self) -> bool {
        // Destructured so a new field cannot be forgotten; the secret compares in constant time.
        let OtpAccount { issuer, name, secret, params, extra } = self;
        bool::from(subtle::ConstantTimeEq::ct_eq(secret, &other.secret))
            & (*issuer == other.issuer)
            & (*name == other.name)
            & (*params == other.params)
            & (*extra == other.extra)
    }
}

impl Eq for OtpAccount {}

impl OtpAccount {
    /// `Issuer:name`, or `name` without an issuer: how lists show and find it.
    pub fn label(&self) -> String {
        match &self.issuer {
            Some(i) if !i.is_empty() => format!("{i}:{}", self.name),
            _ => self.name.clone(),
        }
    }
}
