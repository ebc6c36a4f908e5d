//! The error type for reading, making and checking RFC 3161 timestamps.

use std::borrow::Cow;

use der::asn1::ObjectIdentifier;

use crate::pki::cms::CmsError;

/// Everything that makes a timestamp unusable, or stops eseal from reading or making one.
///
/// [`TimestampError::class`] sorts them for reports: a malformed token, an unsupported one, a
/// token that does not vouch for the data (cryptographic failure), or a token whose signer is
/// not a time-stamping authority (trust).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// The token's CMS layer could not be read or checked.
    #[error("timestamp token: {0}")]
    Cms(CmsError),
    /// A TSTInfo, TimeStampReq or TimeStampResp breaks RFC 3161's ASN.1.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// What was being read.
        what: &'static str,
        /// What is wrong.
        detail: Cow<'static, str>,
    },
    /// An input over eseal's size cap; refused before it is parsed.
    #[error("{what} is {found} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// What was refused.
        what: &'static str,
        /// The cap.
        limit: usize,
        /// The size found.
        found: usize,
    },
    /// The SignedData does not encapsulate a TSTInfo (eContentType `1.2.840.113549.1.9.16.1.4`).
    #[error("not a timestamp token: eContentType is {econtent_type}, not id-ct-TSTInfo")]
    NotTstInfo {
        /// The eContentType found.
        econtent_type: ObjectIdentifier,
    },
    /// The message imprint uses a hash other than SM3 or SHA-256.
    #[error(
        "unsupported message imprint algorithm {oid}: eseal accepts SM3 (1.2.156.10197.1.401) and SHA-256"
    )]
    UnsupportedImprintAlgorithm {
        /// The algorithm's OID.
        oid: ObjectIdentifier,
    },
    /// The token stamps other data: its hashedMessage is not the hash of the data supplied.
    #[error("the timestamp covers other data: its message imprint does not match")]
    ImprintMismatch,
    /// RFC 3161 §2.4.2 allows exactly one signature, the TSA's.
    #[error("a timestamp token must have exactly one SignerInfo, found {found}")]
    SignerCount {
        /// How many were found.
        found: usize,
    },
    /// The TSTInfo was altered: the messageDigest attribute is not its SM3.
    #[error("the TSTInfo does not match the TSA's messageDigest attribute (altered token)")]
    MessageDigestMismatch,
    /// The TSA's SM2 signature does not verify.
    #[error("the TSA's SM2 signature on the timestamp does not verify")]
    SignatureInvalid,
    /// The signing certificate is not a TSA certificate (RFC 3161 §2.3: a critical
    /// extendedKeyUsage with id-kp-timeStamping only).
    #[error("the timestamp signer \"{subject}\" is not a time-stamping authority: {detail}")]
    NotTsaCertificate {
        /// The certificate's subject.
        subject: String,
        /// What is missing.
        detail: &'static str,
    },
    /// The ESS signingCertificate(V2) attribute names another certificate than the one that
    /// verifies the signature.
    #[error("the token's signingCertificate attribute names another certificate than its signer's")]
    SigningCertificateMismatch,
    /// Strict verification: the token has no ESS signingCertificate(V2) attribute, which
    /// RFC 3161 §2.4.2 requires.
    #[error(
        "the token has no signingCertificate(V2) attribute (RFC 3161 §2.4.2; accepted in lenient mode)"
    )]
    SigningCertificateMissing,
    /// The token's nonce is not the one the request carried.
    #[error("the token's nonce does not match the request's")]
    NonceMismatch,
    /// A TimeStampResp whose status is not granted / grantedWithMods.
    #[error("the TSA did not grant the request: status {status} ({status_text})")]
    NotGranted {
        /// PKIStatus: 2 rejection, 3 waiting, 4 revocationWarning, 5 revocationNotification.
        status: u8,
        /// The statusString texts, joined.
        status_text: String,
    },
    /// A caller-supplied value is unusable.
    #[error("invalid {what}: {detail}")]
    InvalidArgument {
        /// Which argument.
        what: &'static str,
        /// Why it was refused.
        detail: Cow<'static, str>,
    },
}

/// The broad kind of a [`TimestampError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimestampErrorClass {
    /// The input cannot be read (or is over a limit).
    Malformed,
    /// Valid, but uses something eseal does not check (an algorithm, a status).
    Unsupported,
    /// The token does not vouch for this data: imprint, digest, signature or nonce mismatch.
    Crypto,
    /// The token verifies but its signer is not acceptable as a TSA, or cannot be found.
    Trust,
    /// A caller mistake.
    Misuse,
}

impl TimestampError {
    /// The kind of failure, for reports.
    #[must_use]
    pub fn class(&self) -> TimestampErrorClass {
        match self {
            Self::Cms(e) => match e {
                CmsError::UnsupportedAlgorithm { .. } | CmsError::UnexpectedContentType { .. } => {
                    TimestampErrorClass::Unsupported
                }
                CmsError::SignerCertificateNotFound { .. } => TimestampErrorClass::Trust,
                CmsError::InvalidArgument { .. } | CmsError::Signing { .. } => {
                    TimestampErrorClass::Misuse
                }
                _ => TimestampErrorClass::Malformed,
            },
            Self::Malformed { .. } | Self::TooLarge { .. } | Self::NotTstInfo { .. } => {
                TimestampErrorClass::Malformed
            }
            Self::UnsupportedImprintAlgorithm { .. } | Self::NotGranted { .. } => {
                TimestampErrorClass::Unsupported
            }
            Self::ImprintMismatch
            | Self::SignerCount { .. }
            | Self::MessageDigestMismatch
            | Self::SignatureInvalid
            | Self::SigningCertificateMismatch
            | Self::NonceMismatch => TimestampErrorClass::Crypto,
            Self::NotTsaCertificate { .. } | Self::SigningCertificateMissing => {
                TimestampErrorClass::Trust
            }
            Self::InvalidArgument { .. } => TimestampErrorClass::Misuse,
        }
    }

    pub(crate) fn malformed(what: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self::Malformed {
            what,
            detail: detail.into(),
        }
    }

    pub(crate) fn invalid(what: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self::InvalidArgument {
            what,
            detail: detail.into(),
        }
    }
}

/// Structure errors of the RFC 3161 layer keep their own `what`; other CMS errors are wrapped.
pub(crate) fn from_cms(e: CmsError) -> TimestampError {
    match e {
        CmsError::Malformed { what, detail } => TimestampError::Malformed { what, detail },
        CmsError::TooLarge { what, limit, found } => {
            TimestampError::TooLarge { what, limit, found }
        }
        other => TimestampError::Cms(other),
    }
}
