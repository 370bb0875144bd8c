//! privacyIDEA push tokens, phone side: what an enrollment QR code (`otpauth://pipush/...`) says
//! before the user enrolls it. Enrolling, polling and answering are the application layer's
//! ([`crate::app::DuetApp`]), with the same requests and answers as duet push.

use std::sync::Arc;

use duet_core::pipush as core;

use crate::error::DuetError;

/// True when `text` is a privacyIDEA push enrollment link (`otpauth://pipush/` or `pia://pipush/`),
/// so a QR scanner can route it here rather than to `Account.fromUri` or `EnrollmentLink.parse`.
#[uniffi::export]
pub fn is_pipush_uri(text: String) -> bool {
    core::is_pipush_uri(&text)
}

/// A scanned privacyIDEA push enrollment QR code.
#[derive(uniffi::Object)]
pub struct PiPushEnrollment {
    inner: core::PiPushEnrollment,
}

#[uniffi::export]
impl PiPushEnrollment {
    /// Parses the QR code's text.
    ///
    /// Errors: `DuetError.Push` (`E_PIPUSH_URI`, `E_PIPUSH_URI_MISSING`, `E_PIPUSH_URI_INVALID`,
    /// `E_PIPUSH_VERSION`).
    #[uniffi::constructor]
    pub fn parse(text: String) -> Result<Arc<Self>, DuetError> {
        Ok(Arc::new(PiPushEnrollment { inner: core::parse_enrollment_uri(&text)? }))
    }

    /// Display label (the token serial unless the admin set one).
    pub fn label(&self) -> String {
        self.inner.label.clone()
    }

    /// Issuer.
    pub fn issuer(&self) -> String {
        self.inner.issuer.clone()
    }

    /// The server's `/ttype/push` URL.
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// Token serial (`PIPU...`).
    pub fn serial(&self) -> String {
        self.inner.serial.clone()
    }

    /// Minutes the server waits for the registration.
    pub fn ttl_minutes(&self) -> u32 {
        self.inner.ttl_minutes
    }

    /// TLS certificates are checked (false: `sslverify=0`, show [`Self::tls_warning`]).
    pub fn sslverify(&self) -> bool {
        self.inner.sslverify
    }

    /// The server delivers requests by polling only.
    pub fn poll_only(&self) -> bool {
        self.inner.poll_only
    }

    /// The server asks that the app be unlocked before answering.
    pub fn require_unlock(&self) -> bool {
        self.inner.require_unlock
    }

    /// Image URL for the account, if any.
    pub fn image(&self) -> Option<String> {
        self.inner.image.clone()
    }

    /// The sentence to show when certificate checks are off; `None` normally.
    pub fn tls_warning(&self) -> Option<String> {
        core::client::tls_warning(&self.inner.url, self.inner.sslverify)
    }
}
