//! duet push, phone side, as the apps see it: device keys (the signer the app implements), what
//! an enrollment link or manual code says before enrolling, and the request and answer shapes
//! shared by duet and privacyIDEA push. The flows themselves are the application layer's
//! ([`crate::app::DuetApp`]).

use std::sync::Arc;

use duet_core::push as core;

use crate::clock::{Clock, unix_now_i64};
use crate::error::DuetError;

/// The device key's algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum SignerAlgorithm {
    /// ECDSA P-256 with SHA-256. Public key: uncompressed SEC1 (65 bytes) or SPKI DER;
    /// signature: DER (Android Keystore, iOS) or raw `r||s` (64 bytes). duet push keys.
    EcdsaP256Sha256,
    /// RSA PKCS#1 v1.5 with SHA-256 (`SHA256withRSA`). Public key: SPKI DER; signature: the
    /// plain modulus-length value. privacyIDEA push keys only (4096 bits, as privacyIDEA's app).
    RsaPkcs1Sha256,
}

/// A device key the app holds (Android Keystore/StrongBox, iOS Secure Enclave).
///
/// `sign` hashes `message` itself (SHA256withECDSA). To report a cancelled biometric prompt or
/// a lost key, throw `DuetError.Callback` with code `E_PUSH_SIGNER_CANCELLED` or
/// `E_PUSH_SIGNER_UNAVAILABLE`; anything else becomes `E_PUSH_SIGNER_FAILED`.
#[uniffi::export(with_foreign)]
pub trait DeviceSigner: Send + Sync {
    /// The key's algorithm.
    fn algorithm(&self) -> SignerAlgorithm;
    /// The public key (uncompressed SEC1 or SPKI DER).
    fn public_key(&self) -> Vec<u8>;
    /// Signs `message`.
    fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, DuetError>;
}

/// Adapts an app signer to the core's trait.
pub(crate) struct AppSigner(pub(crate) Arc<dyn DeviceSigner>);

impl core::DeviceSigner for AppSigner {
    fn algorithm(&self) -> core::SignatureAlgorithm {
        match self.0.algorithm() {
            SignerAlgorithm::EcdsaP256Sha256 => core::SignatureAlgorithm::EcdsaP256Sha256,
            SignerAlgorithm::RsaPkcs1Sha256 => core::SignatureAlgorithm::RsaPkcs1Sha256,
        }
    }
    fn public_key(&self) -> Vec<u8> {
        self.0.public_key()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, core::SignerError> {
        self.0.sign(msg.to_vec()).map_err(|e| match e.code() {
            "E_PUSH_SIGNER_CANCELLED" => core::SignerError::Cancelled,
            "E_PUSH_SIGNER_UNAVAILABLE" => core::SignerError::KeyUnavailable,
            _ => core::SignerError::Failed(e.reason().to_string()),
        })
    }
}


/// This phone as the registration describes it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct DeviceInfo {
    /// Name the user recognises ("Alice's Pixel").
    pub name: String,
    /// `android`, `ios`, `cli` or `other`.
    pub platform: String,
    /// `strongbox`, `tee`, `secure_enclave` or `software`.
    pub keystore: String,
}

/// A scanned or typed enrollment link (`duet://enroll?...` or its https form).
#[derive(uniffi::Object)]
pub struct EnrollmentLink {
    pub(crate) inner: core::EnrollmentLink,
}

/// An activation code typed by the user (`mfa.example.com-ABCD...`), for phones that cannot scan.
#[derive(uniffi::Object)]
pub struct ManualCode {
    pub(crate) inner: core::ManualCode,
}

#[uniffi::export]
impl ManualCode {
    /// Checks the code's form and check character.
    ///
    /// Errors: `E_PUSH_CODE_FORMAT`, `E_PUSH_CODE_CHECK`.
    #[uniffi::constructor]
    pub fn parse(text: String) -> Result<Arc<Self>, DuetError> {
        Ok(Arc::new(ManualCode { inner: core::ManualCode::parse(&text)? }))
    }

    /// The code as shown to the user (grouped).
    pub fn display(&self) -> String {
        self.inner.display()
    }
}

#[uniffi::export]
impl EnrollmentLink {
    /// Enrolled by a typed activation code rather than a scanned QR code.
    pub fn via_manual_code(&self) -> bool {
        self.inner.trust == core::EnrollmentTrust::ManualCode
    }

    /// Parses and checks a link (signature-free parts, expiry against `clock`).
    ///
    /// Errors: `DuetError.Push` (`E_PUSH_...`).
    #[uniffi::constructor]
    pub fn parse(text: String, clock: Arc<dyn Clock>) -> Result<Arc<Self>, DuetError> {
        let now = unix_now_i64(clock.as_ref())?;
        Ok(Arc::new(EnrollmentLink { inner: core::EnrollmentLink::parse(&text, now)? }))
    }

    /// Organisation shown to the user.
    pub fn issuer(&self) -> String {
        self.inner.issuer.clone()
    }

    /// User being enrolled.
    pub fn user(&self) -> String {
        self.inner.user.clone()
    }

    /// Server base URL.
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// Expiry (server unix seconds).
    pub fn expires_at(&self) -> i64 {
        self.inner.expires_at
    }

    /// Fingerprint of the server key, for the user to compare with the enrollment page.
    pub fn server_key_fingerprint(&self) -> String {
        self.inner.server_key_fingerprint()
    }
}

/// How the user proves they see the sign-in screen.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum NumberMatching {
    /// Type the number shown on the sign-in screen.
    TypeShown {
        /// Digits to ask for.
        digits: u8,
    },
    /// Pick the number shown from these choices.
    Pick {
        /// Choices in display order.
        choices: Vec<String>,
    },
    /// No number matching (weaker; the app labels it).
    None,
}

/// Which push protocol a request came by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum PushProtocol {
    /// duet push (`docs/protocol.md`).
    Duet,
    /// privacyIDEA push tokens.
    PrivacyIdea,
}

/// A sign-in request to show, after every check passed. The same record for both protocols, so
/// the app has one list and one approve/deny screen.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PendingRequest {
    /// Protocol it came by.
    pub protocol: PushProtocol,
    /// Account it belongs to.
    pub account_id: String,
    /// Request (challenge) id.
    pub request_id: String,
    /// Issuer.
    pub issuer: Option<String>,
    /// Who is signing in.
    pub user: Option<String>,
    /// Service signed in to.
    pub service: Option<String>,
    /// Client IP.
    pub ip: Option<String>,
    /// Approximate location.
    pub location: Option<String>,
    /// Browser or device of the sign-in.
    pub client: Option<String>,
    /// Title to show (privacyIDEA's `title`).
    pub title: Option<String>,
    /// Text to show (privacyIDEA's `question`).
    pub message: Option<String>,
    /// Number matching mode (privacyIDEA presence mode: `Pick`).
    pub matching: NumberMatching,
    /// Issued at (server unix seconds).
    pub issued_at: Option<i64>,
    /// Expires at (server unix seconds).
    pub expires_at: Option<i64>,
}

impl From<&core::PendingRequest> for PendingRequest {
    fn from(p: &core::PendingRequest) -> Self {
        let matching = match &p.matching {
            core::NumberMatching::TypeShown { digits } => NumberMatching::TypeShown { digits: *digits },
            core::NumberMatching::Pick { choices } => NumberMatching::Pick { choices: choices.clone() },
            core::NumberMatching::None => NumberMatching::None,
        };
        PendingRequest {
            protocol: match p.protocol {
                core::PushProtocol::Duet => PushProtocol::Duet,
                core::PushProtocol::PrivacyIdea => PushProtocol::PrivacyIdea,
            },
            account_id: p.account_id.clone(),
            request_id: p.request_id.clone(),
            issuer: p.issuer.clone(),
            user: p.user.clone(),
            service: p.service.clone(),
            ip: p.ip.clone(),
            location: p.location.clone(),
            client: p.client.clone(),
            title: p.title.clone(),
            message: p.message.clone(),
            matching,
            issued_at: p.issued_at,
            expires_at: p.expires_at,
        }
    }
}

/// The user's decision.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum PushAnswer {
    /// Approve; `number` is the typed or picked number when number matching is on.
    Approve {
        /// Typed or picked value.
        number: Option<String>,
    },
    /// "This was not me": reports fraud.
    DenyNotMe,
    /// Tapped by mistake.
    DenyMistake,
}

impl From<PushAnswer> for core::Answer {
    fn from(a: PushAnswer) -> Self {
        match a {
            PushAnswer::Approve { number } => core::Answer::Approve { number },
            PushAnswer::DenyNotMe => core::Answer::Deny { reason: core::DenyReason::NotMe },
            PushAnswer::DenyMistake => core::Answer::Deny { reason: core::DenyReason::Mistake },
        }
    }
}

/// A push delivery service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum PushProvider {
    /// Firebase Cloud Messaging (Android).
    Fcm,
    /// Apple Push Notification service (iOS).
    Apns,
}


impl From<PushProvider> for core::PushProvider {
    fn from(p: PushProvider) -> Self {
        match p {
            PushProvider::Fcm => core::PushProvider::Fcm,
            PushProvider::Apns => core::PushProvider::Apns,
        }
    }
}
