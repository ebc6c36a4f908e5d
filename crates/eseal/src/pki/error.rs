//! The error type for reading, building and checking certificates and CRLs.
//!
//! Path-validation outcomes have their own type, [`crate::pki::PathError`], because they say
//! *which* certificate failed and *which rule*; `PkiError` is for inputs that cannot be read
//! or operations that cannot be carried out.

use std::borrow::Cow;

use der::asn1::ObjectIdentifier;

/// Everything that can go wrong reading, building or signing certificates and CRLs.
///
/// As in [`crate::crypto::CryptoError`], three kinds are kept apart: input that breaks its
/// encoding (`Malformed`, `TooLarge`), valid input eseal does not implement
/// (`UnsupportedAlgorithm`, `UnsupportedKey`, `Unsupported`), and caller mistakes
/// (`InvalidArgument`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PkiError {
    /// Bytes that should be DER or PEM of a certificate, CRL or extension are not.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// What was being read, e.g. "certificate".
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
    /// A PEM bundle or certificate list with more entries than eseal accepts.
    #[error("{what} holds more than {limit} entries")]
    TooMany {
        /// What was refused.
        what: &'static str,
        /// The cap.
        limit: usize,
    },
    /// A signature algorithm other than SM2-with-SM3 (`1.2.156.10197.1.501`).
    #[error(
        "unsupported {what} algorithm {oid}: eseal only checks SM2-with-SM3 (1.2.156.10197.1.501)"
    )]
    UnsupportedAlgorithm {
        /// Where the algorithm was found, e.g. "certificate signature".
        what: &'static str,
        /// The algorithm's OID.
        oid: ObjectIdentifier,
    },
    /// A public key that is not an SM2 key, or not a valid point on the SM2 curve.
    #[error("unusable public key: {detail}")]
    UnsupportedKey {
        /// Why the key cannot be used.
        detail: Cow<'static, str>,
    },
    /// Something valid that eseal does not implement (e.g. an indirect or delta CRL).
    #[error("unsupported {what}: {detail}")]
    Unsupported {
        /// What kind of thing.
        what: &'static str,
        /// Which one.
        detail: Cow<'static, str>,
    },
    /// A well-formed SM2 signature that does not verify (default ID `1234567812345678`).
    #[error("the SM2 signature on the {what} does not verify with the issuer's key")]
    SignatureInvalid {
        /// What was signed, e.g. "CRL".
        what: &'static str,
    },
    /// The CRL was not issued by the given certificate (names or key identifiers differ).
    #[error("the CRL issuer \"{crl_issuer}\" is not the certificate \"{certificate}\"")]
    WrongIssuer {
        /// The CRL's issuer name.
        crl_issuer: String,
        /// The subject of the certificate offered as issuer.
        certificate: String,
    },
    /// A caller-supplied value is out of range (validity ends before it starts, an empty name,
    /// a serial number over 20 bytes, a signer whose key does not match its certificate, …).
    #[error("invalid {what}: {detail}")]
    InvalidArgument {
        /// Which argument.
        what: &'static str,
        /// Why it was refused.
        detail: Cow<'static, str>,
    },
    /// A [`crate::pki::Signer`] failed to produce a signature.
    #[error("signing failed: {detail}")]
    Signing {
        /// The signer's explanation.
        detail: Cow<'static, str>,
    },
    /// The random number generator failed.
    #[error("the random number generator failed")]
    Rng,
}

/// A `der` decoding error as text: its kind and, where known, the byte offset.
pub(crate) fn der_detail(err: der::Error) -> String {
    match err.position() {
        Some(pos) => format!("{} at byte {}", err.kind(), u32::from(pos)),
        None => err.kind().to_string(),
    }
}

impl PkiError {
    /// Shorthand for [`PkiError::Malformed`].
    pub(crate) fn malformed(what: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self::Malformed {
            what,
            detail: detail.into(),
        }
    }

    /// A DER decoding error, keeping its kind and byte position.
    pub(crate) fn der(what: &'static str, err: der::Error) -> Self {
        Self::malformed(what, der_detail(err))
    }

    /// Shorthand for [`PkiError::InvalidArgument`].
    pub(crate) fn invalid(what: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self::InvalidArgument {
            what,
            detail: detail.into(),
        }
    }

    /// An encoding failure while *writing* DER (a caller value out of range).
    pub(crate) fn encode(what: &'static str, err: der::Error) -> Self {
        Self::invalid(what, format!("cannot encode: {}", err.kind()))
    }
}
