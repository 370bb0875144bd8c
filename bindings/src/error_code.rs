//! Error codes as a typed enum, so apps compare codes without strings: Kotlin
//! `when (e.errorCode()) { ErrorCode.URI_SECRET_BASE32 -> ... }`, Swift `switch e.errorCode() { case .uriSecretBase32: ... }`.
//!
//! One variant per code of the core's and the bindings' catalogs (the codes an app can receive),
//! named by [`variant_name`]; the code of a variant is never written out, it is its name, so the
//! two cannot drift apart. A unit test fails when this list and the catalogs differ: a code added
//! to a catalog is added here too. Codes a newer core or a server sends map to `Unknown`.

use crate::DuetError;

/// Declares [`ErrorCode`] and the name of each of its variants.
macro_rules! error_codes {
    ($($variant:ident),* $(,)?) => {
        /// A stable code as an enum (see `docs/errors.md` for each one's meaning).
        #[allow(missing_docs)] // Each variant is a code; its meaning lives in the catalog.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum ErrorCode {
            $($variant,)*
            /// A code this version of the bindings does not know (from a newer core or a server).
            Unknown,
        }

        /// Every variant but `Unknown`, with its name.
        const NAMED: &[(ErrorCode, &str)] = &[$((ErrorCode::$variant, stringify!($variant))),*];
    };
}

error_codes! {
    OtpSecretEmpty,
    OtpDigitsRange,
    OtpSteamDigits,
    OtpPeriodRange,
    OtpTimeBeforeT0,
    OtpNotTimeBased,
    OtpCounterOverflow,
    OtpWindowRange,
    OtpCodeFormat,
    OtpCodeMismatch,
    OtpCodeReplayed,
    OtpResyncFailed,
    UriTooLong,
    UriScheme,
    UriIsMigration,
    UriType,
    UriEncoding,
    UriParamDuplicate,
    UriSecretMissing,
    UriSecretEmpty,
    UriSecretBase32,
    UriAlgorithm,
    UriDigits,
    UriPeriod,
    UriCounter,
    UriT0,
    WarnUriIssuerMismatch,
    WarnUriSecretShort,
    WarnUriCounterMissing,
    WarnUriSteamAssumed,
    MigrationTooLong,
    MigrationIsAccount,
    MigrationScheme,
    MigrationDataMissing,
    MigrationBase64,
    MigrationProtobuf,
    MigrationBatchIndex,
    MigrationBatchMismatch,
    MigrationBatchDuplicate,
    MigrationBatchMissing,
    MigrationNothing,
    MigrationAccountSecret,
    MigrationAccountAlgorithm,
    MigrationAccountDigits,
    MigrationAccountType,
    MigrationAccountCounter,
    MigrationAccountPeriod,
    MigrationAccountT0,
    MigrationAccountSteam,
    MigrationAccountTooLarge,
    PushLinkScheme,
    PushLinkParam,
    PushLinkExpired,
    PushUrlInsecure,
    PushCodeFormat,
    PushCodeCheck,
    PushVersion,
    PushMalformed,
    PushWrongType,
    PushBadSignature,
    PushWrongAccount,
    PushExpired,
    PushNotYetValid,
    PushLifetime,
    PushReplayed,
    PushNumberRequired,
    PushNumberInvalid,
    PushSignerCancelled,
    PushSignerUnavailable,
    PushSignerFailed,
    PushKeyInvalid,
    PushAlgorithm,
    PushRegistrationMismatch,
    PushDeviceInfo,
    PushOfflineSecret,
    PushReplayStore,
    PushRandom,
    PushServer,
    VaultMissing,
    VaultOpen,
    VaultNotAVault,
    VaultCorrupt,
    VaultTooNew,
    VaultWrongKey,
    VaultRecordCorrupt,
    VaultNotFound,
    VaultAmbiguous,
    VaultNotHotp,
    VaultCounterExhausted,
    VaultBusy,
    VaultStorage,
    KeyWrongPassphrase,
    KeyFileWrong,
    KeyFileMissing,
    KeyFilePermissions,
    KeyFileInvalid,
    KeyFileBesideVault,
    KeyFileIo,
    KeySlotInvalid,
    KeySlotKdfLimits,
    KeyPassphraseTooShort,
    KeyringUnavailable,
    KeyringNoEntry,
    KeyNoProvider,
    KeyBadLength,
    KeyAppMismatch,
    KeyRandom,
    TransferUnknownFormat,
    TransferUnsupportedVersion,
    TransferUnsupportedEncryption,
    TransferPasswordRequired,
    TransferWrongPassword,
    TransferCorrupt,
    TransferKdfLimits,
    TransferTooLarge,
    TransferEmptyPassword,
    TransferRandom,
    TransferEntryMalformed,
    TransferEntryType,
    TransferEntryAlgorithm,
    TransferEntryDigits,
    TransferEntryPeriod,
    TransferEntrySecret,
    TransferEntryNoOtp,
    TransferExportUnrepresentable,
    PipushUri,
    PipushUriMissing,
    PipushUriInvalid,
    PipushVersion,
    PipushServerKey,
    PipushDeviceKey,
    PipushKeygen,
    PipushEnrollRejected,
    PipushClock,
    PipushDeviceRejected,
    PipushServer,
    PipushResponse,
    PipushSignature,
    PipushWrongSerial,
    PipushAlreadyAnswered,
    PipushPresenceRequired,
    PipushPresenceAnswer,
    PipushAnswerRejected,
    WarnPipushTlsUnverified,
    TransportUrl,
    TransportInsecureHttp,
    TransportScheme,
    TransportUnreachable,
    TransportTimeout,
    TransportTls,
    TransportTooLarge,
    TransportFailed,
    QrNotFound,
    QrDamaged,
    QrMultiple,
    QrImageInvalid,
    AppUnknownText,
    AppAccountDamaged,
    AppNoPlatformKeys,
    AppRequestNotWaiting,
    AppNotPrepared,
    AppNoSuchAccount,
    AppFingerprintMismatch,
    FfiCallback,
    FfiKeyLocked,
    FfiKeyLost,
    FfiClock,
}

impl ErrorCode {
    /// The variant of a stable code; `Unknown` for a code this version does not list.
    pub fn from_code(code: &str) -> ErrorCode {
        let Some(name) = variant_name(code) else { return ErrorCode::Unknown };
        NAMED.iter().find(|(_, n)| *n == name).map_or(ErrorCode::Unknown, |(v, _)| *v)
    }
}

/// The variant name of a code: `E_URI_SECRET_BASE32` -> `UriSecretBase32`; warnings get a `Warn`
/// prefix (`W_URI_SECRET_SHORT` -> `WarnUriSecretShort`) so an error and a warning of the same
/// name stay apart. `None` for text that is not a code.
pub fn variant_name(code: &str) -> Option<String> {
    let (prefix, rest) = match code.split_once('_')? {
        ("E", rest) => ("", rest),
        ("W", rest) => ("Warn", rest),
        _ => return None,
    };
    let mut name = String::from(prefix);
    for part in rest.split('_') {
        let mut chars = part.chars();
        let first = chars.next()?;
        if !first.is_ascii_uppercase() || !chars.clone().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
            return None;
        }
        name.push(first);
        name.extend(chars.map(|c| c.to_ascii_lowercase()));
    }
    Some(name)
}

#[uniffi::export]
impl DuetError {
    /// The stable code as an enum, for comparing without strings.
    pub fn error_code(&self) -> ErrorCode {
        ErrorCode::from_code(self.code())
    }
}

/// The enum of a code received as text (a notice's or warning's `code`).
#[uniffi::export]
pub fn parse_error_code(code: String) -> ErrorCode {
    ErrorCode::from_code(&code)
}

/// What a stable code means and what to tell the user: the error catalogue's lines
/// (docs/errors.md), for codes that arrive without their sentence (`CodeProblem`, a notice).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ErrorHelp {
    /// The code.
    pub code: String,
    /// When it happens.
    pub when: String,
    /// What to tell the user: the next step.
    pub tell: String,
}

/// The catalogue's lines for `code`; `None` for a code this version does not list.
#[uniffi::export]
pub fn error_help(code: String) -> Option<ErrorHelp> {
    duet_core::error::catalog::lookup(&code)
        .or_else(|| crate::error_catalog::CODES.iter().find(|d| d.code == code))
        .map(|d| ErrorHelp { code: d.code.to_string(), when: d.when.to_string(), tell: d.tell.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The codes an app can receive: the core's and the bindings' catalogs.
    fn catalog_codes() -> Vec<&'static str> {
        duet_core::error::catalog::codes()
            .chain(crate::error_catalog::CODES)
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn the_enum_lists_exactly_the_catalog_codes() {
        let from_catalog: BTreeSet<String> =
            catalog_codes().iter().map(|c| variant_name(c).expect("a well-formed code")).collect();
        let declared: BTreeSet<String> = NAMED.iter().map(|(_, n)| n.to_string()).collect();
        let missing: Vec<_> = from_catalog.difference(&declared).collect();
        let stale: Vec<_> = declared.difference(&from_catalog).collect();
        assert!(missing.is_empty(), "add to ErrorCode in bindings/src/error_code.rs: {missing:?}");
        assert!(stale.is_empty(), "ErrorCode has variants no catalog lists: {stale:?}");
        assert_eq!(declared.len(), NAMED.len(), "a variant name is listed twice");
    }

    #[test]
    fn every_catalog_code_maps_to_its_own_variant() {
        let mut seen = BTreeSet::new();
        for code in catalog_codes() {
            let v = ErrorCode::from_code(code);
            assert_ne!(v, ErrorCode::Unknown, "{code}");
            assert!(seen.insert(format!("{v:?}")), "two codes share {v:?}");
        }
    }

    #[test]
    fn help_for_every_catalog_code_and_none_for_others() {
        for code in catalog_codes() {
            let help = error_help(code.to_string()).expect(code);
            assert_eq!(help.code, code);
            assert!(!help.tell.is_empty() && !help.when.is_empty(), "{code}");
        }
        assert_eq!(error_help(["E", "SOMETHING", "NEWER"].join("_")), None);
        assert_eq!(error_help(String::new()), None);
    }

    #[test]
    fn names_and_unknown_codes() {
        assert_eq!(ErrorCode::from_code("E_URI_SECRET_BASE32"), ErrorCode::UriSecretBase32);
        assert_eq!(ErrorCode::from_code("W_URI_SECRET_SHORT"), ErrorCode::WarnUriSecretShort);
        // Made-up codes are joined at run time: the source scan would take a literal for a code.
        let newer = ["E", "SOMETHING", "NEWER"].join("_");
        let doubled = ["E", "URI", "", "SCHEME"].join("_");
        for text in [&newer, &doubled, "E_VERIFIER_EXPIRED", "", "E_", "e_uri_scheme", "X_URI_SCHEME"] {
            assert_eq!(ErrorCode::from_code(text), ErrorCode::Unknown, "{text:?}");
        }
        let e = DuetError::Uri { code: "E_URI_SCHEME".into(), reason: "r".into() };
        assert_eq!(e.error_code(), ErrorCode::UriScheme);
        assert_eq!(parse_error_code("E_FFI_CLOCK".into()), ErrorCode::FfiClock);
    }
}
