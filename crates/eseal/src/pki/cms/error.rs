//! The error type for reading, making and checking CMS SignedData.

use std::borrow::Cow;

use der::asn1::ObjectIdentifier;

use super::Deviation;
use crate::pki::PkiError;

/// Everything that stops eseal from reading, making or checking a CMS `SignedData`.
///
/// A signature that parses but does not verify, or a messageDigest that does not match the
/// content, is *not* an error: it is a field of [`SignerVerification`](super::SignerVerification),
/// so that the caller sees which part failed. An `Err` means the check could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CmsError {
    /// The bytes break the ASN.1 of RFC 5652 / GM/T 0010.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// What was being read, e.g. "SignerInfo".
        what: &'static str,
        /// What is wrong, with the byte offset when the DER decoder reported one.
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
    /// More elements than eseal explores (certificates, signers, attributes).
    #[error("{what} holds more than {limit} entries; eseal refuses to explore it")]
    TooMany {
        /// What was refused.
        what: &'static str,
        /// The cap.
        limit: usize,
    },
    /// The outer content type is not signedData (PKCS#7 `1.2.840.113549.1.7.2` or GM/T 0010
    /// `1.2.156.10197.6.1.4.2.2`), or the encapsulated content type is not the one expected.
    #[error("unexpected {what} {oid}: {expected}")]
    UnexpectedContentType {
        /// Which content type, e.g. "ContentInfo contentType".
        what: &'static str,
        /// The OID found.
        oid: ObjectIdentifier,
        /// What eseal expected there.
        expected: &'static str,
    },
    /// A digest or signature algorithm other than SM3 / SM2.
    #[error(
        "unsupported {what} algorithm {oid}: eseal checks SM3 digests and SM2 signatures \
         (1.2.156.10197.1.501 or 1.2.156.10197.1.301.1) only"
    )]
    UnsupportedAlgorithm {
        /// Where the algorithm was found, e.g. "SignerInfo digestAlgorithm".
        what: &'static str,
        /// The algorithm's OID.
        oid: ObjectIdentifier,
    },
    /// A known deviation from RFC 5652 / GM/T 0010 refused in strict mode; verify with
    /// [`VerifyOptions::lenient`](super::VerifyOptions::lenient) to accept and report it.
    #[error("{0} (refused in strict mode; use lenient verification to accept and report it)")]
    Deviation(Deviation),
    /// No embedded or caller-supplied certificate matches the SignerInfo's signer identifier.
    #[error(
        "the signer certificate ({signer}) is neither embedded nor among the certificates \
         supplied; pass the signer's certificate to the verifier"
    )]
    SignerCertificateNotFound {
        /// The signer identifier, as text.
        signer: String,
    },
    /// The SignedData is detached and no content was supplied.
    #[error("the SignedData is detached (no eContent): supply the signed content to verify it")]
    ContentMissing,
    /// The SignedData carries content and the caller supplied different content.
    #[error("the content supplied differs from the content encapsulated in the SignedData")]
    ContentConflict,
    /// Only a digest of the content was supplied, but this signer signed the content itself
    /// (no signed attributes), so the content bytes are needed.
    #[error(
        "this SignerInfo has no signed attributes, so its signature covers the content itself: \
         supply the content bytes, not its digest"
    )]
    ContentNeeded,
    /// An embedded or supplied certificate could not be read or has no usable SM2 key.
    #[error("certificate problem: {0}")]
    Certificate(PkiError),
    /// A caller-supplied value is unusable (an empty certificate list, a digest of the wrong
    /// length, a signer whose key does not match its certificate, …).
    #[error("invalid {what}: {detail}")]
    InvalidArgument {
        /// Which argument.
        what: &'static str,
        /// Why it was refused.
        detail: Cow<'static, str>,
    },
    /// The [`Signer`](crate::pki::Signer) failed, or returned a signature that does not
    /// verify with the certificate's key.
    #[error("signing failed: {detail}")]
    Signing {
        /// The signer's explanation.
        detail: Cow<'static, str>,
    },
}

impl CmsError {
    pub(crate) fn malformed(what: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self::Malformed {
            what,
            detail: detail.into(),
        }
    }

    /// A DER decoding error, keeping its kind and byte position.
    pub(crate) fn der(what: &'static str, err: der::Error) -> Self {
        Self::malformed(what, crate::pki::error::der_detail(err))
    }

    pub(crate) fn invalid(what: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self::InvalidArgument {
            what,
            detail: detail.into(),
        }
    }

    /// An encoding failure while writing DER.
    pub(crate) fn encode(what: &'static str, err: der::Error) -> Self {
        Self::invalid(what, format!("cannot encode: {}", err.kind()))
    }
}
