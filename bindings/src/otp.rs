//! OTP parameters and code generation (HOTP, TOTP, Steam Guard) for the apps.

use std::sync::Arc;

use duet_core::otp;
use duet_core::secret::Secret;

use crate::clock::Clock;
use crate::error::DuetError;

/// The HMAC hash function of an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum OtpAlgorithm {
    /// HMAC-SHA1 (nearly every site).
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

/// Counter or time based, with its step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum OtpKind {
    /// Counter based (RFC 4226); `counter` is the next counter to use.
    Hotp {
        /// Next counter.
        counter: u64,
    },
    /// Time based (RFC 6238).
    Totp {
        /// Step in seconds.
        period: u32,
        /// Unix time at which counting starts.
        t0: u64,
    },
    /// Steam Guard (5 characters).
    Steam {
        /// Step in seconds.
        period: u32,
    },
}

/// Everything that defines an account's codes except the secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct OtpParameters {
    /// Counter or time based.
    pub kind: OtpKind,
    /// HMAC hash.
    pub algorithm: OtpAlgorithm,
    /// Digits (6..=10) or 5 characters for Steam.
    pub digits: u8,
}

impl From<otp::Algorithm> for OtpAlgorithm {
    fn from(a: otp::Algorithm) -> Self {
        match a {
            otp::Algorithm::Sha1 => OtpAlgorithm::Sha1,
            otp::Algorithm::Sha256 => OtpAlgorithm::Sha256,
            otp::Algorithm::Sha512 => OtpAlgorithm::Sha512,
        }
    }
}

impl From<OtpAlgorithm> for otp::Algorithm {
    fn from(a: OtpAlgorithm) -> Self {
        match a {
            OtpAlgorithm::Sha1 => otp::Algorithm::Sha1,
            OtpAlgorithm::Sha256 => otp::Algorithm::Sha256,
            OtpAlgorithm::Sha512 => otp::Algorithm::Sha512,
        }
    }
}

impl From<otp::OtpParams> for OtpParameters {
    fn from(p: otp::OtpParams) -> Self {
        let kind = match p.kind {
            otp::OtpKind::Hotp { counter } => OtpKind::Hotp { counter },
            otp::OtpKind::Totp { period, t0 } => OtpKind::Totp { period, t0 },
            otp::OtpKind::Steam { period } => OtpKind::Steam { period },
        };
        OtpParameters { kind, algorithm: p.algorithm.into(), digits: p.digits }
    }
}

impl From<OtpParameters> for otp::OtpParams {
    fn from(p: OtpParameters) -> Self {
        let kind = match p.kind {
            OtpKind::Hotp { counter } => otp::OtpKind::Hotp { counter },
            OtpKind::Totp { period, t0 } => otp::OtpKind::Totp { period, t0 },
            OtpKind::Steam { period } => otp::OtpKind::Steam { period },
        };
        otp::OtpParams { kind, algorithm: p.algorithm.into(), digits: p.digits }
    }
}

/// The usual parameters: TOTP, SHA-1, 6 digits, 30 s.
#[uniffi::export]
pub fn otp_parameters_default() -> OtpParameters {
    otp::OtpParams::totp_default().into()
}

/// Steam Guard parameters: 5 characters, SHA-1, 30 s.
#[uniffi::export]
pub fn otp_parameters_steam() -> OtpParameters {
    otp::OtpParams::steam().into()
}

/// Computes codes for one account. The secret stays inside the core.
#[derive(uniffi::Object)]
pub struct OtpGenerator {
    inner: otp::Generator,
}

impl OtpGenerator {
    /// A generator over core types (for other binding modules).
    pub(crate) fn from_core(secret: &Secret, params: &otp::OtpParams) -> Result<Arc<Self>, DuetError> {
        Ok(Arc::new(OtpGenerator { inner: otp::Generator::new(secret, params)? }))
    }
}

#[uniffi::export]
impl OtpGenerator {
    /// A generator for `secret` (raw key bytes) with `parameters`.
    ///
    /// Errors: `DuetError.Otp` (`E_OTP_SECRET_EMPTY`, `E_OTP_DIGITS_RANGE`, ...).
    #[uniffi::constructor]
    pub fn new(secret: Vec<u8>, parameters: OtpParameters) -> Result<Arc<Self>, DuetError> {
        Self::from_core(&Secret::new(secret), &parameters.into())
    }

    /// The parameters this generator was made with.
    pub fn parameters(&self) -> OtpParameters {
        (*self.inner.params()).into()
    }

    /// The code for a HOTP counter (also works for TOTP time steps).
    pub fn code_for_counter(&self, counter: u64) -> String {
        self.inner.code_for_counter(counter)
    }

    /// The code to show at `unix_time` seconds: TOTP/Steam by time, HOTP at its stored counter.
    pub fn code_at(&self, unix_time: u64) -> Result<String, DuetError> {
        Ok(self.inner.code_at(unix_time)?)
    }

    /// The code after the current one (next time step, or HOTP counter + 1).
    pub fn next_code(&self, unix_time: u64) -> Result<String, DuetError> {
        Ok(self.inner.next_code(unix_time)?)
    }

    /// Seconds until the code shown at `unix_time` changes.
    pub fn seconds_left(&self, unix_time: u64) -> Result<u32, DuetError> {
        Ok(self.inner.seconds_left(unix_time)?)
    }

    /// The code now, by `clock`.
    pub fn current_code(&self, clock: Arc<dyn Clock>) -> Result<String, DuetError> {
        self.code_at(crate::clock::unix_now(clock.as_ref())?)
    }
}
