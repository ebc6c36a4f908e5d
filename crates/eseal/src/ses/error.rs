//! The error type of [`crate::ses`].

use super::deviation::Deviation;

/// Everything that can go wrong while reading or writing SES structures.
///
/// Reading never panics: every problem in untrusted input becomes one of these variants, with the
/// field (as a path of the standard's field names, e.g. `SESeal.eSealInfo.property.validEnd`)
/// and the byte offset in the input where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SesError {
    /// The input breaks the DER encoding or the ASN.1 structure of the standard.
    #[error("{field}: {problem} (at byte offset {offset})")]
    Malformed {
        /// Path of the field being read, in the standard's names.
        field: String,
        /// What is wrong, e.g. "expected GeneralizedTime, found UTCTime".
        problem: String,
        /// Byte offset in the input (of the element, or of the DER error inside it).
        offset: usize,
    },
    /// The input is DER but not an SES structure of any known version (GM/T 0031-2014,
    /// GB/T 38540-2020, GM/T 0031-2025), e.g. a bare SM2 signature or a CMS `SignedData`.
    #[error("not an SES {expected}: {reason}")]
    NotSes {
        /// What was expected: "seal (SESeal)" or "signature (SES_Signature)".
        expected: &'static str,
        /// What was found instead.
        reason: String,
    },
    /// Strict mode met a deviation from the standard that lenient mode would accept.
    #[error("strict mode rejects a deviation from the standard: {0}")]
    Deviation(Box<Deviation>),
    /// Bytes follow the end of the outer structure.
    #[error("{remaining} bytes of trailing data after the {what} (at byte offset {offset})")]
    TrailingData {
        /// The structure that ended, e.g. "SESeal".
        what: &'static str,
        /// Where the trailing data starts.
        offset: usize,
        /// How many bytes follow.
        remaining: usize,
    },
    /// The input is larger than eseal accepts for this structure.
    #[error("input of {len} bytes exceeds the limit of {max} bytes for an SES structure")]
    TooLarge {
        /// The input length.
        len: usize,
        /// The limit ([`super::MAX_INPUT_LEN`]).
        max: usize,
    },
    /// A list holds more entries than eseal accepts.
    #[error("{field}: more than {max} entries (at byte offset {offset})")]
    TooManyEntries {
        /// Path of the list.
        field: String,
        /// The limit.
        max: usize,
        /// Byte offset of the list.
        offset: usize,
    },
    /// A value given to a constructor or builder cannot be encoded as the standard requires.
    #[error("cannot encode {field}: {problem}")]
    InvalidValue {
        /// The field, in the standard's names.
        field: String,
        /// Why, e.g. "IA5String allows ASCII only".
        problem: String,
    },
    /// The picture bytes are not of the declared image format.
    #[error(
        "the seal picture is declared {declared} but its bytes are {found}; \
         declare the format the bytes have"
    )]
    PictureMismatch {
        /// The declared format.
        declared: String,
        /// What the bytes are (a format name, or "of no recognised image format").
        found: String,
    },
    /// A time of the seal lies outside the maker certificate's validity period.
    #[error(
        "the seal's {what} {at} lies outside the maker certificate's validity \
         ({not_before} to {not_after}); choose a window inside it or use a current maker certificate"
    )]
    OutsideMakerValidity {
        /// Which time: "creation date", "validity start" or "validity end".
        what: &'static str,
        /// The offending time.
        at: crate::time::Time,
        /// The maker certificate's notBefore.
        not_before: crate::time::Time,
        /// The maker certificate's notAfter.
        not_after: crate::time::Time,
    },
    /// The signer certificate is not in the seal's `certList` (neither as a certificate nor as
    /// a digest): the seal does not authorise this signer.
    #[error(
        "the signer certificate \"{subject}\" is not listed in the seal's certList; \
         the seal maker must add it to the seal before it can sign with this seal"
    )]
    SignerNotInSeal {
        /// The signer certificate's subject.
        subject: String,
    },
    /// The signing time lies outside a validity period (the seal's, or the signer
    /// certificate's).
    #[error("cannot sign at {at}: the {what} is valid from {not_before} to {not_after}")]
    NotValidAt {
        /// "seal" or "signer certificate".
        what: &'static str,
        /// The signing time.
        at: crate::time::Time,
        /// Start of the validity period.
        not_before: crate::time::Time,
        /// End of the validity period.
        not_after: crate::time::Time,
    },
    /// A certificate given to a builder cannot be used (not readable, not an SM2 key, …).
    #[error("the {role} certificate cannot be used: {source}")]
    Certificate {
        /// "maker" or "signer".
        role: &'static str,
        /// The underlying problem.
        #[source]
        source: crate::pki::PkiError,
    },
    /// The key holder (software key, token, signing server) failed to sign.
    #[error("the {role} key failed to sign: {source}")]
    SigningFailed {
        /// "maker" or "signer".
        role: &'static str,
        /// The key holder's error.
        #[source]
        source: crate::pki::PkiError,
    },
    /// A signature value handed back for assembly does not verify with the certificate's public
    /// key: the key does not belong to the certificate, or the token or server is faulty.
    #[error(
        "the {role} signature value does not verify with the {role} certificate's public key \
         ({detail}); check that the key matches the certificate"
    )]
    SignatureMismatch {
        /// "maker" or "signer".
        role: &'static str,
        /// What was wrong: undecodable, or not verifying.
        detail: String,
    },
    /// A feature the structure of this version cannot carry.
    #[error("{what} is not possible in a {version} structure")]
    NotInVersion {
        /// What was asked for, e.g. "a certificate-digest certList".
        what: &'static str,
        /// The structure version.
        version: super::SesVersion,
    },
}

impl SesError {
    pub(crate) fn malformed(field: &str, problem: impl Into<String>, offset: usize) -> Self {
        Self::Malformed {
            field: field.to_owned(),
            problem: problem.into(),
            offset,
        }
    }

    pub(crate) fn invalid(field: &str, problem: impl Into<String>) -> Self {
        Self::InvalidValue {
            field: field.to_owned(),
            problem: problem.into(),
        }
    }

    /// Maps a `der` error met while reading `field`, whose element starts at `base`; keeps der's
    /// position (relative to the element) as an absolute offset.
    pub(crate) fn from_der(field: &str, base: usize, err: der::Error) -> Self {
        let inner = err
            .position()
            .and_then(|p| usize::try_from(u32::from(p)).ok())
            .unwrap_or(0);
        Self::malformed(field, err.kind().to_string(), base.saturating_add(inner))
    }

    /// Maps a `der` error met while encoding `field`.
    pub(crate) fn encoding(field: &str, err: der::Error) -> Self {
        Self::invalid(field, err.kind().to_string())
    }
}
