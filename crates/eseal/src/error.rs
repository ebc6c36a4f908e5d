//! One crate-level error type, [`Error`], and stable numeric error codes, [`ErrorCode`].
//!
//! Every module keeps its own detailed error type ([`crate::ses::SesError`],
//! [`crate::ofd::OfdError`], …): its variants name the field, entry or certificate at fault.
//! [`Error`] wraps any of them, so that an application can use one error type, and
//! [`ErrorCode`] sorts every variant of every module error into a small, stable set of kinds
//! that the C ABI and the WebAssembly bindings expose as numbers.
//!
//! Each module error also has a `code()` method, so callers can classify an error without
//! converting it:
//!
//! ```
//! use eseal::ErrorCode;
//! use eseal::ses::{ParseMode, Seal};
//!
//! let err = Seal::from_der(b"garbage", ParseMode::Lenient).unwrap_err();
//! assert_eq!(err.code(), ErrorCode::Malformed);
//! assert_eq!(err.code().as_u32(), 1);
//! assert_eq!(eseal::Error::from(err).code().name(), "malformed");
//! ```
//!
//! # Stability
//!
//! A code's number and name never change once released, and a number is never reused. New
//! kinds may be added (the enum is `#[non_exhaustive]`), and a future release may move a
//! module error variant to a more precise, newly added code. `0` is not a code: the C ABI
//! uses it for success. The table is in `docs/error-codes.md`.

use crate::crypto::CryptoError;
use crate::document::DocumentError;
#[cfg(feature = "keystore")]
use crate::keyfile::KeyFileError;
use crate::license::{CodeError, IdError, LicenseError};
use crate::ofd::OfdError;
#[cfg(feature = "keystore")]
use crate::pki::Pkcs12Error;
use crate::pki::cms::CmsError;
use crate::pki::tsp::TimestampError;
use crate::pki::{ErrorClass, PathError, PathErrorKind, PkiError};
use crate::ses::SesError;
use crate::time::TimeError;
use crate::verify::policy::PolicyError;

/// The kind of an error, as a stable number (for the C ABI and WebAssembly) and a stable
/// snake_case name (for JSON and logs).
///
/// The numbers run from 1 without gaps; `0` is reserved for success. See the
/// [module documentation](self) for the stability rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
#[repr(u32)]
pub enum ErrorCode {
    /// `1`, `malformed`: the input cannot be read as what was asked for: it breaks its
    /// encoding (DER, PEM, XML, ZIP, JSON, RFC 3339 text, a ciphertext layout) or the
    /// structure of its standard, or it is well-formed but another kind of object (a
    /// certificate where a key was expected, DER that is no SES structure).
    Malformed = 1,
    /// `2`, `unsupported`: valid input that uses an algorithm, version, format or feature
    /// eseal does not implement (an RSA signature, an encrypted ZIP entry, PDF).
    Unsupported = 2,
    /// `3`, `limit_exceeded`: a size, count, depth or work budget refused the input before
    /// (or while) processing it.
    LimitExceeded = 3,
    /// `4`, `invalid_argument`: the caller's request cannot be carried out: a value out of
    /// range, an option or key unusable for the operation, content missing or conflicting,
    /// a policy file with an unknown key.
    InvalidArgument = 4,
    /// `5`, `not_found`: something the input refers to is missing (a package entry, the
    /// signer's certificate).
    NotFound = 5,
    /// `6`, `password_required`: the input is encrypted and no password was given.
    PasswordRequired = 6,
    /// `7`, `wrong_password`: the password does not decrypt the input (or the input was
    /// altered so that its MAC or padding does not check out).
    WrongPassword = 7,
    /// `8`, `policy_refused`: readable input that the chosen strictness refuses, and a more
    /// lenient mode or option would accept and report: a deviation from the standard in
    /// strict mode, a PKCS#12 file without a MAC.
    PolicyRefused = 8,
    /// `9`, `verification_failed`: a signature, MAC, digest, imprint or nonce does not match:
    /// the data was altered, or the key is not the signer's.
    VerificationFailed = 9,
    /// `10`, `untrusted`: a certificate or signer is not trusted or not authorised for the
    /// use: no path to a trust anchor, not a CA, revoked, a missing key usage, a signer the
    /// seal does not list, a timestamp signer that is no TSA.
    Untrusted = 10,
    /// `11`, `outside_validity`: a time lies outside a validity period (an expired or
    /// not-yet-valid certificate, signing outside the seal's validity).
    OutsideValidity = 11,
    /// `12`, `crypto`: a cryptographic operation failed: decryption with the wrong key or of
    /// corrupted data, the random number generator, a key holder (token, signing server) or
    /// a time-stamping authority that did not deliver.
    Crypto = 12,
    /// `13`, `io`: reading or writing a file or stream failed. The core library does no I/O;
    /// the CLI and the bindings use this code.
    Io = 13,
    /// `14`, `internal`: a bug in eseal or its bindings (an invariant did not hold). Please
    /// report it.
    Internal = 14,
}

impl ErrorCode {
    /// Every code, in numeric order.
    pub const ALL: &'static [ErrorCode] = &[
        Self::Malformed,
        Self::Unsupported,
        Self::LimitExceeded,
        Self::InvalidArgument,
        Self::NotFound,
        Self::PasswordRequired,
        Self::WrongPassword,
        Self::PolicyRefused,
        Self::VerificationFailed,
        Self::Untrusted,
        Self::OutsideValidity,
        Self::Crypto,
        Self::Io,
        Self::Internal,
    ];

    /// The stable number (never `0`).
    #[must_use]
    pub const fn as_u32(self) -> u32 {
        self as u32
    }

    /// The code with this number; `None` for `0` and for numbers this version does not know.
    #[must_use]
    pub const fn from_u32(code: u32) -> Option<Self> {
        Some(match code {
            1 => Self::Malformed,
            2 => Self::Unsupported,
            3 => Self::LimitExceeded,
            4 => Self::InvalidArgument,
            5 => Self::NotFound,
            6 => Self::PasswordRequired,
            7 => Self::WrongPassword,
            8 => Self::PolicyRefused,
            9 => Self::VerificationFailed,
            10 => Self::Untrusted,
            11 => Self::OutsideValidity,
            12 => Self::Crypto,
            13 => Self::Io,
            14 => Self::Internal,
            _ => return None,
        })
    }

    /// The stable snake_case name, e.g. `limit_exceeded`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::Unsupported => "unsupported",
            Self::LimitExceeded => "limit_exceeded",
            Self::InvalidArgument => "invalid_argument",
            Self::NotFound => "not_found",
            Self::PasswordRequired => "password_required",
            Self::WrongPassword => "wrong_password",
            Self::PolicyRefused => "policy_refused",
            Self::VerificationFailed => "verification_failed",
            Self::Untrusted => "untrusted",
            Self::OutsideValidity => "outside_validity",
            Self::Crypto => "crypto",
            Self::Io => "io",
            Self::Internal => "internal",
        }
    }

    /// The code with this name (as returned by [`ErrorCode::name`]).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.name() == name)
    }
}

impl core::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// Any error of eseal: one of the module errors, or an error with just a code and a message
/// (I/O and internal errors of the CLI and the bindings).
///
/// [`Error::code`] gives the stable [`ErrorCode`]; `Display` gives the module error's message
/// unchanged. Every module error converts with `From`, so `?` works in functions returning
/// `Result<_, eseal::Error>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// From [`crate::crypto`].
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// Reading, building or checking certificates and CRLs ([`crate::pki`]).
    #[error(transparent)]
    Pki(#[from] PkiError),
    /// Certificate path validation ([`crate::pki::verify_path`]).
    #[error(transparent)]
    Path(#[from] PathError),
    /// CMS SignedData ([`crate::pki::cms`]).
    #[error(transparent)]
    Cms(#[from] CmsError),
    /// RFC 3161 timestamps ([`crate::pki::tsp`]).
    #[error(transparent)]
    Timestamp(#[from] TimestampError),
    /// PKCS#12 files ([`crate::pki::pkcs12`]).
    #[cfg(feature = "keystore")]
    #[error(transparent)]
    Pkcs12(#[from] Pkcs12Error),
    /// Electronic seals and seal signatures ([`crate::ses`]).
    #[error(transparent)]
    Ses(#[from] SesError),
    /// OFD documents ([`crate::ofd`]).
    #[error(transparent)]
    Ofd(#[from] OfdError),
    /// PDF documents ([`crate::pdf`]).
    #[error(transparent)]
    Pdf(#[from] crate::pdf::PdfError),
    /// Whole-file verification ([`crate::document`]).
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// Key files ([`crate::keyfile`]).
    #[cfg(feature = "keystore")]
    #[error(transparent)]
    KeyFile(#[from] KeyFileError),
    /// Validation policy files ([`crate::verify::policy`]).
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// Times ([`crate::time`]).
    #[error(transparent)]
    Time(#[from] TimeError),
    /// License identifiers ([`crate::license::LicenseId`]).
    #[error(transparent)]
    LicenseId(#[from] IdError),
    /// Holder and issuer codes ([`crate::license::Uscc`], [`crate::license::CitizenId`]).
    #[error(transparent)]
    LicenseCode(#[from] CodeError),
    /// License metadata, 2D-code payloads, face templates, issuing ([`crate::license`]).
    #[error(transparent)]
    License(#[from] LicenseError),
    /// An error known only by its code and message (see [`Error::new`]).
    #[error("{message}")]
    #[non_exhaustive]
    Other {
        /// The kind.
        code: ErrorCode,
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// An error with only a code and a message, for errors that no module error describes
    /// (I/O in the CLI and the bindings, [`ErrorCode::Internal`]).
    #[must_use]
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Other {
            code,
            message: message.into(),
        }
    }

    /// The stable kind of this error.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Crypto(e) => e.code(),
            Self::Pki(e) => e.code(),
            Self::Path(e) => e.code(),
            Self::Cms(e) => e.code(),
            Self::Timestamp(e) => e.code(),
            #[cfg(feature = "keystore")]
            Self::Pkcs12(e) => e.code(),
            Self::Ses(e) => e.code(),
            Self::Ofd(e) => e.code(),
            Self::Pdf(e) => e.code(),
            Self::Document(e) => e.code(),
            #[cfg(feature = "keystore")]
            Self::KeyFile(e) => e.code(),
            Self::Policy(e) => e.code(),
            Self::Time(e) => e.code(),
            Self::LicenseId(e) => e.code(),
            Self::LicenseCode(e) => e.code(),
            Self::License(e) => e.code(),
            Self::Other { code, .. } => *code,
        }
    }
}

/// The stable code of `error` if it, or an error in its `source()` chain, is one of eseal's:
/// what the CLI prints and what bindings return for an error that reached them boxed or wrapped.
/// I/O errors are [`ErrorCode::Io`]; anything else is `None`.
#[must_use]
pub fn code_of(error: &(dyn std::error::Error + 'static)) -> Option<ErrorCode> {
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(code) = direct_code(e) {
            return Some(code);
        }
        current = e.source();
    }
    None
}

fn direct_code(e: &(dyn std::error::Error + 'static)) -> Option<ErrorCode> {
    macro_rules! code_if {
        ($($t:ty),* $(,)?) => {
            $(if let Some(x) = e.downcast_ref::<$t>() {
                return Some(x.code());
            })*
        };
    }
    code_if!(
        Error,
        CryptoError,
        PkiError,
        PathError,
        CmsError,
        TimestampError,
        SesError,
        OfdError,
        crate::pdf::PdfError,
        DocumentError,
        PolicyError,
        TimeError,
        IdError,
        CodeError,
        LicenseError,
    );
    #[cfg(feature = "keystore")]
    code_if!(Pkcs12Error, KeyFileError);
    e.downcast_ref::<std::io::Error>().map(|_| ErrorCode::Io)
}

impl From<std::io::Error> for Error {
    /// An [`ErrorCode::Io`] error with the I/O error's message.
    fn from(e: std::io::Error) -> Self {
        Self::new(ErrorCode::Io, e.to_string())
    }
}

impl CryptoError {
    /// The stable kind of this error (see [`ErrorCode`]).
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed { .. }
            | Self::InvalidLength { .. }
            | Self::InvalidPrivateKey
            | Self::InvalidPublicKey(_) => ErrorCode::Malformed,
            Self::SignatureInvalid | Self::MacInvalid => ErrorCode::VerificationFailed,
            Self::DecryptionFailed | Self::BadPadding | Self::AuthenticationFailed | Self::Rng => {
                ErrorCode::Crypto
            }
            Self::WrongPassword => ErrorCode::WrongPassword,
            Self::InvalidParameter { .. } => ErrorCode::InvalidArgument,
            Self::Unsupported { .. } => ErrorCode::Unsupported,
        }
    }
}

impl PkiError {
    /// The stable kind of this error (see [`ErrorCode`]).
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed { .. } => ErrorCode::Malformed,
            Self::TooLarge { .. } | Self::TooMany { .. } => ErrorCode::LimitExceeded,
            Self::UnsupportedAlgorithm { .. }
            | Self::UnsupportedKey { .. }
            | Self::Unsupported { .. } => ErrorCode::Unsupported,
            Self::SignatureInvalid { .. } => ErrorCode::VerificationFailed,
            // The certificate offered as the CRL's issuer is not its issuer.
            Self::WrongIssuer { .. } | Self::InvalidArgument { .. } => ErrorCode::InvalidArgument,
            Self::Signing { .. } | Self::Rng => ErrorCode::Crypto,
        }
    }
}

impl ErrorClass {
    /// The stable kind of a path failure of this class; [`PathErrorKind::code`] is more
    /// precise (an unsupported algorithm is of class crypto but code
    /// [`ErrorCode::Unsupported`]).
    #[must_use]
    pub fn code(self) -> ErrorCode {
        match self {
            Self::Crypto => ErrorCode::VerificationFailed,
            Self::Time => ErrorCode::OutsideValidity,
            Self::Trust => ErrorCode::Untrusted,
            Self::Limit => ErrorCode::LimitExceeded,
        }
    }
}

impl PathErrorKind {
    /// The stable kind of this failure (see [`ErrorCode`]).
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::UnsupportedSignatureAlgorithm { .. }
            | Self::UnusableIssuerKey { .. }
            | Self::UnknownCriticalExtension { .. } => ErrorCode::Unsupported,
            other => other.class().code(),
        }
    }
}

impl PathError {
    /// The stable kind of this failure (see [`PathErrorKind::code`]).
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        self.kind.code()
    }
}

impl CmsError {
    /// The stable kind of this error (see [`ErrorCode`]).
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed { .. } => ErrorCode::Malformed,
            Self::TooLarge { .. } | Self::TooMany { .. } => ErrorCode::LimitExceeded,
            Self::UnexpectedContentType { .. } | Self::UnsupportedAlgorithm { .. } => {
                ErrorCode::Unsupported
            }
            Self::Deviation(_) => ErrorCode::PolicyRefused,
            Self::SignerCertificateNotFound { .. } => ErrorCode::NotFound,
            Self::ContentMissing
            | Self::ContentConflict
            | Self::ContentNeeded
            | Self::InvalidArgument { .. } => ErrorCode::InvalidArgument,
            Self::Certificate(e) => e.code(),
            Self::Signing { .. } => ErrorCode::Crypto,
        }
    }
}

impl TimestampError {
    /// The stable kind of this error (see [`ErrorCode`]).
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Cms(e) => e.code(),
            // RFC 3161 allows exactly one SignerInfo: another count breaks the structure.
            Self::Malformed { .. } | Self::NotTstInfo { .. } | Self::SignerCount { .. } => {
                ErrorCode::Malformed
            }
            Self::TooLarge { .. } => ErrorCode::LimitExceeded,
            Self::UnsupportedImprintAlgorithm { .. } => ErrorCode::Unsupported,
            Self::ImprintMismatch
            | Self::MessageDigestMismatch
            | Self::SignatureInvalid
            | Self::SigningCertificateMismatch
            | Self::NonceMismatch => ErrorCode::VerificationFailed,
            Self::NotTsaCertificate { .. } => ErrorCode::Untrusted,
            // Required by RFC 3161, refused in strict mode only.
            Self::SigningCertificateMissing => ErrorCode::PolicyRefused,
            // The time-stamping authority did not deliver, like a failing key holder.
            Self::NotGranted { .. } => ErrorCode::Crypto,
            Self::InvalidArgument { .. } => ErrorCode::InvalidArgument,
        }
    }
}

#[cfg(feature = "keystore")]
impl Pkcs12Error {
    /// The stable kind of this error (see [`ErrorCode`]).
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed { .. } => ErrorCode::Malformed,
            // InvalidParameter: an iteration count read from the file that eseal refuses to run.
            Self::TooLarge { .. }
            | Self::TooMany { .. }
            | Self::TooDeep { .. }
            | Self::InvalidParameter { .. }
            | Self::WorkLimit { .. } => ErrorCode::LimitExceeded,
            Self::WrongPassword { .. } => ErrorCode::WrongPassword,
            Self::MacMissing => ErrorCode::PolicyRefused,
            Self::Unsupported { .. } => ErrorCode::Unsupported,
            Self::Certificate { error, .. } => error.code(),
            Self::PrivateKey { error, .. } | Self::Crypto { error, .. } => error.code(),
            Self::InvalidArgument { .. } => ErrorCode::InvalidArgument,
            Self::Rng => ErrorCode::Crypto,
        }
    }
}

impl SesError {
    /// The stable kind of this error (see [`ErrorCode`]).
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed { .. } | Self::NotSes { .. } | Self::TrailingData { .. } => {
                ErrorCode::Malformed
            }
            Self::Deviation(_) => ErrorCode::PolicyRefused,
            Self::TooLarge { .. } | Self::TooManyEntries { .. } => ErrorCode::LimitExceeded,
            Self::InvalidValue { .. }
            | Self::PictureMismatch { .. }
            | Self::NotInVersion { .. } => ErrorCode::InvalidArgument,
            Self::OutsideMakerValidity { .. } | Self::NotValidAt { .. } => {
                ErrorCode::OutsideValidity
            }
            Self::SignerNotInSeal { .. } => ErrorCode::Untrusted,
            Self::Certificate { source, .. } | Self::SigningFailed { source, .. } => source.code(),
            Self::SignatureMismatch { .. } => ErrorCode::VerificationFailed,
        }
    }
}

impl OfdError {
    /// The stable kind of this error (see [`ErrorCode`]).
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::NotZip { .. }
            | Self::UnsafeEntryName { .. }
            | Self::DuplicateEntry { .. }
            | Self::LocalHeaderMismatch { .. }
            | Self::OverlappingEntries { .. }
            | Self::HiddenZipRecord { .. }
            | Self::ShadowedEntry { .. }
            | Self::CorruptEntry { .. }
            | Self::InvalidLocation { .. }
            | Self::Xml { .. }
            | Self::MissingElement { .. }
            | Self::MissingAttribute { .. }
            | Self::InvalidValue { .. } => ErrorCode::Malformed,
            Self::LimitExceeded { .. } => ErrorCode::LimitExceeded,
            Self::UnsupportedEntry { .. } => ErrorCode::Unsupported,
            Self::MissingEntry { .. } => ErrorCode::NotFound,
            Self::ApiMisuse { .. } | Self::WholeProtected { .. } => ErrorCode::InvalidArgument,
            Self::SigningFailed { .. } => ErrorCode::Crypto,
        }
    }
}

impl DocumentError {
    /// The stable kind of this error (see [`ErrorCode`]).
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unrecognised { .. } => ErrorCode::Malformed,
            Self::TooLarge { .. } => ErrorCode::LimitExceeded,
            Self::Ofd { source } => source.code(),
            Self::Pdf { source } => source.code(),
            Self::Ses { source, .. } => source.code(),
            Self::LicensePayload { source } => source.code(),
        }
    }
}

#[cfg(feature = "keystore")]
impl KeyFileError {
    /// The stable kind of this error (see [`ErrorCode`]).
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::TooLarge { .. } => ErrorCode::LimitExceeded,
            Self::NotAKey { .. } | Self::UnknownFormat { .. } => ErrorCode::Malformed,
            Self::PasswordRequired { .. } => ErrorCode::PasswordRequired,
            Self::WrongPassword { .. } => ErrorCode::WrongPassword,
            Self::Unsupported { .. } => ErrorCode::Unsupported,
            Self::Invalid { error, .. } | Self::Encode { error, .. } => error.code(),
            Self::Pkcs12(e) => e.code(),
        }
    }
}

impl PolicyError {
    /// The stable kind of this error (see [`ErrorCode`]).
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed(_) => ErrorCode::Malformed,
            Self::UnknownKey(_) | Self::InvalidValue(..) => ErrorCode::InvalidArgument,
        }
    }
}

impl TimeError {
    /// The stable kind of this error (see [`ErrorCode`]).
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Syntax { .. } => ErrorCode::Malformed,
            // A well-formed instant outside the years eseal represents.
            Self::OutOfRange => ErrorCode::Unsupported,
        }
    }
}

impl IdError {
    /// The stable kind of this error (see [`ErrorCode`]): every identifier error is a
    /// malformed identifier (its length, prefix, parts, alphabet or check character).
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Malformed
    }
}

impl CodeError {
    /// The stable kind of this error (see [`ErrorCode`]): a malformed code.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Malformed
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The released numbers and names. Changing a line here breaks every binding: don't.
    const PINNED: &[(ErrorCode, u32, &str)] = &[
        (ErrorCode::Malformed, 1, "malformed"),
        (ErrorCode::Unsupported, 2, "unsupported"),
        (ErrorCode::LimitExceeded, 3, "limit_exceeded"),
        (ErrorCode::InvalidArgument, 4, "invalid_argument"),
        (ErrorCode::NotFound, 5, "not_found"),
        (ErrorCode::PasswordRequired, 6, "password_required"),
        (ErrorCode::WrongPassword, 7, "wrong_password"),
        (ErrorCode::PolicyRefused, 8, "policy_refused"),
        (ErrorCode::VerificationFailed, 9, "verification_failed"),
        (ErrorCode::Untrusted, 10, "untrusted"),
        (ErrorCode::OutsideValidity, 11, "outside_validity"),
        (ErrorCode::Crypto, 12, "crypto"),
        (ErrorCode::Io, 13, "io"),
        (ErrorCode::Internal, 14, "internal"),
    ];

    #[test]
    fn numbers_and_names_are_pinned() {
        assert_eq!(ErrorCode::ALL.len(), PINNED.len());
        for (&code, &(pinned, number, name)) in ErrorCode::ALL.iter().zip(PINNED) {
            assert_eq!(code, pinned);
            assert_eq!(code.as_u32(), number, "{code:?}");
            assert_eq!(code.name(), name, "{code:?}");
            assert_eq!(code.to_string(), name);
        }
    }

    #[test]
    fn numbers_round_trip_and_are_dense() {
        for (i, &code) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(code.as_u32(), u32::try_from(i).unwrap() + 1);
            assert_eq!(ErrorCode::from_u32(code.as_u32()), Some(code));
            assert_eq!(ErrorCode::from_name(code.name()), Some(code));
        }
        assert_eq!(ErrorCode::from_u32(0), None);
        let past = u32::try_from(ErrorCode::ALL.len()).unwrap() + 1;
        assert_eq!(ErrorCode::from_u32(past), None);
        assert_eq!(ErrorCode::from_u32(u32::MAX), None);
        assert_eq!(ErrorCode::from_name("Malformed"), None);
    }

    #[test]
    fn names_are_unique_snake_case() {
        let mut names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.name()).collect();
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len());
    }

    #[test]
    fn wrapped_errors_keep_their_code_and_message() {
        let inner = PkiError::TooLarge {
            what: "certificate",
            limit: 1,
            found: 2,
        };
        let ses = SesError::Certificate {
            role: "maker",
            source: inner.clone(),
        };
        assert_eq!(ses.code(), ErrorCode::LimitExceeded);
        let err = Error::from(inner.clone());
        assert_eq!(err.code(), ErrorCode::LimitExceeded);
        assert_eq!(err.to_string(), inner.to_string());

        let ts = TimestampError::Cms(CmsError::SignerCertificateNotFound { signer: "x".into() });
        assert_eq!(Error::from(ts).code(), ErrorCode::NotFound);

        let key = KeyFileError::Pkcs12(Pkcs12Error::WrongPassword {
            what: "integrity MAC",
        });
        assert_eq!(Error::from(key).code(), ErrorCode::WrongPassword);

        let doc = DocumentError::Ofd {
            source: OfdError::LimitExceeded {
                what: "entry count",
                limit: 1,
                entry: None,
            },
        };
        assert_eq!(Error::from(doc).code(), ErrorCode::LimitExceeded);
    }

    #[test]
    fn path_codes_refine_the_class() {
        let unsupported = PathErrorKind::UnknownCriticalExtension {
            oid: crate::oid::SM2_WITH_SM3,
        };
        assert_eq!(unsupported.class(), ErrorClass::Trust);
        assert_eq!(unsupported.code(), ErrorCode::Unsupported);
        assert_eq!(
            PathErrorKind::BadSignature.code(),
            ErrorCode::VerificationFailed
        );
        assert_eq!(PathErrorKind::UnknownIssuer.code(), ErrorCode::Untrusted);
        assert_eq!(
            PathErrorKind::BudgetExceeded { limit: 1 }.code(),
            ErrorCode::LimitExceeded
        );
        let expired = PathErrorKind::Expired {
            not_after: crate::time::Time::from_unix_seconds(0),
            at: crate::time::Time::from_unix_seconds(1),
        };
        assert_eq!(expired.code(), ErrorCode::OutsideValidity);
    }

    #[test]
    fn other_errors_carry_their_code() {
        let err = Error::new(ErrorCode::Internal, "invariant broken");
        assert_eq!(err.code(), ErrorCode::Internal);
        assert_eq!(err.to_string(), "invariant broken");
        let io = Error::from(std::io::Error::new(std::io::ErrorKind::NotFound, "no file"));
        assert_eq!(io.code(), ErrorCode::Io);
        assert_eq!(io.to_string(), "no file");
    }
}
