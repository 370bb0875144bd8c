//! Google Authenticator's `MigrationPayload`, written from the public
//! `.proto` field numbers with `prost`'s derive (no `protoc` needed).
//!
//! ```proto
//! message MigrationPayload {
//!   enum Algorithm { ALGORITHM_UNSPECIFIED = 0; SHA1 = 1; SHA256 = 2; SHA512 = 3; MD5 = 4; }
//!   enum DigitCount { DIGIT_COUNT_UNSPECIFIED = 0; SIX = 1; EIGHT = 2; }
//!   enum OtpType { OTP_TYPE_UNSPECIFIED = 0; HOTP = 1; TOTP = 2; }
//!   message OtpParameters {
//!     bytes secret = 1; string name = 2; string issuer = 3; Algorithm algorithm = 4;
//!     DigitCount digits = 5; OtpType type = 6; int64 counter = 7;
//!   }
//!   repeated OtpParameters otp_parameters = 1;
//!   int32 version = 2; int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5;
//! }
//! ```

use zeroize::Zeroize;

/// One transfer QR code's content.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MigrationPayload {
    /// The accounts in this part.
    #[prost(message, repeated, tag = "1")]
    pub otp_parameters: Vec<OtpParameters>,
    /// Format version (Google Authenticator writes 1).
    #[prost(int32, tag = "2")]
    pub version: i32,
    /// How many QR codes the transfer has (0 in old exports: one).
    #[prost(int32, tag = "3")]
    pub batch_size: i32,
    /// This part's position, from 0.
    #[prost(int32, tag = "4")]
    pub batch_index: i32,
    /// Same for every part of one transfer.
    #[prost(int32, tag = "5")]
    pub batch_id: i32,
}

/// One account. `Debug` is written by hand so the secret never prints.
#[derive(Clone, PartialEq, prost::Message)]
#[prost(skip_debug)]
pub struct OtpParameters {
    /// Raw secret bytes.
    #[prost(bytes = "vec", tag = "1")]
    pub secret: Vec<u8>,
    /// Account name, sometimes `issuer:name`.
    #[prost(string, tag = "2")]
    pub name: String,
    /// Issuer, may be empty.
    #[prost(string, tag = "3")]
    pub issuer: String,
    /// [`ProtoAlgorithm`] value.
    #[prost(int32, tag = "4")]
    pub algorithm: i32,
    /// [`ProtoDigits`] value.
    #[prost(int32, tag = "5")]
    pub digits: i32,
    /// [`ProtoType`] value.
    #[prost(int32, tag = "6")]
    pub r#type: i32,
    /// HOTP counter.
    #[prost(int64, tag = "7")]
    pub counter: i64,
}

impl Drop for OtpParameters {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

impl std::fmt::Debug for OtpParameters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtpParameters")
            .field("secret", &format_args!("{} bytes, redacted", self.secret.len()))
            .field("name", &self.name)
            .field("issuer", &self.issuer)
            .field("algorithm", &self.algorithm)
            .field("digits", &self.digits)
            .field("type", &self.r#type)
            .field("counter", &self.counter)
            .finish()
    }
}

/// `MigrationPayload.Algorithm`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum ProtoAlgorithm {
    /// Not set: SHA1, as Google Authenticator assumes.
    Unspecified = 0,
    /// HMAC-SHA1.
    Sha1 = 1,
    /// HMAC-SHA256.
    Sha256 = 2,
    /// HMAC-SHA512.
    Sha512 = 3,
    /// HMAC-MD5 (no server uses it; duet does not support it).
    Md5 = 4,
}

/// `MigrationPayload.DigitCount`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum ProtoDigits {
    /// Not set: 6.
    Unspecified = 0,
    /// 6 digits.
    Six = 1,
    /// 8 digits.
    Eight = 2,
}

/// `MigrationPayload.OtpType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum ProtoType {
    /// Not set: TOTP, as Google Authenticator assumes.
    Unspecified = 0,
    /// Counter-based.
    Hotp = 1,
    /// Time-based.
    Totp = 2,
}
