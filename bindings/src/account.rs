//! OTP accounts: read from `otpauth://` URIs, written back, and turned into codes.
//! The secret stays inside the core; the apps see labels and parameters.

use std::sync::Arc;

use duet_core::OtpAccount;

use crate::error::DuetError;
use crate::otp::{OtpGenerator, OtpParameters};

/// Something odd about a URI that still gave a usable account (code `W_URI_...`).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct UriWarning {
    /// Stable warning code, e.g. `W_URI_SECRET_SHORT`.
    pub code: String,
    /// Sentence for the user.
    pub message: String,
}

/// One OTP account. Immutable; the secret never leaves the core except through [`Account::to_uri`]
/// (for export / QR display, which the user asked for).
#[derive(uniffi::Object)]
pub struct Account {
    inner: OtpAccount,
    warnings: Vec<UriWarning>,
}

impl Account {
    /// The core account (for the vault).
    pub(crate) fn core(&self) -> &OtpAccount {
        &self.inner
    }

    /// Wraps a core account (from the vault).
    pub(crate) fn from_core(inner: OtpAccount) -> Arc<Self> {
        Arc::new(Account { inner, warnings: Vec::new() })
    }
}

#[uniffi::export]
impl Account {
    /// Reads an `otpauth://` URI (from a QR code or pasted text).
    ///
    /// Errors: `DuetError.Uri` with an `E_URI_...` code.
    #[uniffi::constructor]
    pub fn from_uri(uri: String) -> Result<Arc<Self>, DuetError> {
        let parsed = duet_core::uri::parse(&uri)?;
        let warnings = parsed
            .warnings
            .iter()
            .map(|w| UriWarning { code: w.code().to_string(), message: w.to_string() })
            .collect();
        Ok(Arc::new(Account { inner: parsed.account, warnings }))
    }

    /// An account typed in by hand: a Base32 setup key plus labels and parameters.
    ///
    /// Errors: `DuetError.Uri` (bad Base32) or `DuetError.Otp` (parameters out of range).
    #[uniffi::constructor]
    pub fn from_setup_key(
        issuer: Option<String>,
        name: String,
        setup_key: String,
        parameters: OtpParameters,
    ) -> Result<Arc<Self>, DuetError> {
        let secret = duet_core::uri::decode_secret(&setup_key)?;
        let params: duet_core::otp::OtpParams = parameters.into();
        params.validate()?;
        Ok(Arc::new(Account {
            inner: OtpAccount { issuer, name, secret, params, extra: Vec::new() },
            warnings: Vec::new(),
        }))
    }

    /// Issuer ("Example Corp"), if any.
    pub fn issuer(&self) -> Option<String> {
        self.inner.issuer.clone()
    }

    /// Account name ("alice@example.com").
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// Algorithm, digits, kind and step.
    pub fn parameters(&self) -> OtpParameters {
        self.inner.params.into()
    }

    /// What was odd about the URI this account came from (empty for clean URIs).
    pub fn warnings(&self) -> Vec<UriWarning> {
        self.warnings.clone()
    }

    /// The canonical `otpauth://` URI (contains the secret: only for export or QR display).
    pub fn to_uri(&self) -> String {
        duet_core::uri::write(&self.inner)
    }

    /// A code generator for this account.
    pub fn generator(&self) -> Result<Arc<OtpGenerator>, DuetError> {
        OtpGenerator::from_core(&self.inner.secret, &self.inner.params)
    }
}
