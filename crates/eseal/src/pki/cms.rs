//! CMS `SignedData` with SM2/SM3 (RFC 5652 with the GM/T 0010 / GB/T 35275 profile): make and
//! check detached or attached signatures, as PDF (`adbe.pkcs7.detached`, CAdES) and OFD
//! (`Type="Sign"`) carry them.
//!
//! # Making
//!
//! [`sign`] (or [`sign_digest`] over a precomputed SM3) writes a `ContentInfo` holding a
//! `SignedData` with one `SignerInfo`: digestAlgorithm SM3, signed attributes contentType,
//! messageDigest, optionally signingTime and signingCertificateV2 (SM3 certificate hash, for
//! CAdES), the signer certificate and an optional chain embedded, signed through the
//! [`Signer`] trait (SM2, default ID). [`SignOptions`] choose the OIDs: PKCS#7
//! (`1.2.840.113549.1.7.2` / `.7.1`, signature algorithm `1.2.156.10197.1.501`; the default,
//! and what PDF tools expect) or GM/T 0010 (`1.2.156.10197.6.1.4.2.2` / `.2.1`, signature
//! algorithm SM2-1 `1.2.156.10197.1.301.1`). [`add_signature_timestamp`] adds an RFC 3161
//! token over the signature value as the unsigned `signatureTimeStampToken` attribute.
//! For a key outside the process (a USB key, an HSM, a signing service), [`prepare`] or
//! [`prepare_digest`] make everything but the signature value: the caller has
//! [`PreparedSignedData::message`] signed and completes it with [`PreparedSignedData::finish`],
//! which checks the value and writes the same bytes [`sign`] would have.
//!
//! # Checking
//!
//! [`SignedData::from_der`] reads the shapes found in the field: either outer OID, PKCS#7 or
//! GM data as eContentType, detached or attached content, with or without signed attributes,
//! SM3 with or without NULL parameters, signature algorithm `…1.501` or `…1.301.1`, the signer
//! named by issuerAndSerialNumber or subjectKeyIdentifier. [`SignedData::verify`] returns one
//! [`SignerVerification`] per SignerInfo, keeping apart
//!
//! - whether the content matches (`messageDigest` = SM3 of the content),
//! - whether the SM2 signature verifies (over the DER `SET OF` signed attributes as received, or
//!   over the content itself when there are none), and
//! - who signed ([`SignerVerification::signer_certificate`]) — *not* whether that certificate is
//!   trusted: run [`verify_path`](crate::pki::verify_path) on it (or
//!   [`SignedData::verify_signer_path`], which also uses the embedded certificates).
//!
//! Deviations from the standards ([`Deviation`]: raw `r‖s` signatures, a contentType attribute
//! that disagrees with eContentType, unsorted attributes, …) are refused under
//! [`VerifyOptions::strict`] and recorded under [`VerifyOptions::lenient`].
//!
//! The signer's distinguishing ID is `1234567812345678` (GM/T 0009) unless
//! [`VerifyOptions::with_dist_id`] says otherwise (OpenSSL 3 signs CMS with the empty ID).

pub(crate) mod asn1;
mod ber;
pub(crate) mod encode;
mod error;

use core::fmt;

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode, Tag};
use sha2::Digest as _;

pub use error::CmsError;

pub(crate) use asn1::{Attribute, Elements, RawSignedData, read_signed_data, read_time};

use crate::crypto::sm2::{DistId, PublicKey, Signature, SignatureEncoding};
use crate::crypto::sm3::sm3;
use crate::oid;
use crate::pki::{Certificate, Crl, PathError, Policy, Signer, TrustStore, VerifiedPath};
use crate::time::Time;
use asn1::{SignerId, ctx, unsigned_integer};

/// The largest SignedData eseal reads (attached content included): 16 MiB.
pub const MAX_SIGNED_DATA_SIZE: usize = 16 * 1024 * 1024;

/// Which family of object identifiers a SignedData uses for its content types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum OidFlavour {
    /// RFC 5652 / PKCS#7: signedData `1.2.840.113549.1.7.2`, data `1.2.840.113549.1.7.1`;
    /// eseal writes signature algorithm SM2-with-SM3 `1.2.156.10197.1.501`.
    #[default]
    Pkcs7,
    /// GM/T 0010 / GB/T 35275: signedData `1.2.156.10197.6.1.4.2.2`, data
    /// `1.2.156.10197.6.1.4.2.1`; eseal writes signature algorithm SM2-1 `1.2.156.10197.1.301.1`.
    GmT0010,
}

impl OidFlavour {
    /// The signedData content type.
    #[must_use]
    pub fn signed_data(self) -> ObjectIdentifier {
        match self {
            Self::Pkcs7 => oid::PKCS7_SIGNED_DATA,
            Self::GmT0010 => oid::GM_SIGNED_DATA,
        }
    }

    /// The data content type.
    #[must_use]
    pub fn data(self) -> ObjectIdentifier {
        match self {
            Self::Pkcs7 => oid::PKCS7_DATA,
            Self::GmT0010 => oid::GM_DATA,
        }
    }

    /// The SignerInfo signature algorithm eseal writes.
    #[must_use]
    pub fn signature_algorithm(self) -> ObjectIdentifier {
        match self {
            Self::Pkcs7 => oid::SM2_WITH_SM3,
            Self::GmT0010 => oid::SM2_SIGN,
        }
    }

    fn of(content_type: &ObjectIdentifier) -> Option<Self> {
        if *content_type == oid::PKCS7_SIGNED_DATA || *content_type == oid::PKCS7_DATA {
            Some(Self::Pkcs7)
        } else if *content_type == oid::GM_SIGNED_DATA || *content_type == oid::GM_DATA {
            Some(Self::GmT0010)
        } else {
            None
        }
    }
}

/// A departure from RFC 5652 / GM/T 0010 seen in real SignedData.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Deviation {
    /// The signature is raw 64-byte `r ‖ s`, not a DER `SM2Signature` (GM/T 0009 §7.3).
    RawSignature,
    /// The contentType attribute names another type than eContentType (RFC 5652 §11.1 requires
    /// them equal; GB/T 35275 producers mix the GM and PKCS#7 data OIDs).
    ContentTypeMismatch {
        /// The contentType attribute's value.
        attribute: ObjectIdentifier,
        /// The eContentType.
        econtent_type: ObjectIdentifier,
    },
    /// Signed attributes without a contentType attribute (RFC 5652 §5.3 requires one).
    ContentTypeMissing,
    /// The signed attributes are not in DER `SET OF` order (the signature still covers them as
    /// received).
    UnsortedSignedAttributes,
    /// The SignerInfo's digest algorithm is not listed in SignedData.digestAlgorithms.
    DigestAlgorithmNotListed,
    /// The SignedData is BER (indefinite lengths), as BouncyCastle writes by default, not the
    /// DER GM/T 0010 asks for; read as its DER re-encoding (the signed attributes, which the
    /// signature covers, are DER either way).
    BerEncoding,
}

impl fmt::Display for Deviation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RawSignature => {
                f.write_str("the signature is raw r||s instead of a DER SM2Signature")
            }
            Self::ContentTypeMismatch {
                attribute,
                econtent_type,
            } => write!(
                f,
                "the contentType attribute ({attribute}) differs from eContentType ({econtent_type})"
            ),
            Self::ContentTypeMissing => {
                f.write_str("the signed attributes lack the contentType attribute")
            }
            Self::UnsortedSignedAttributes => {
                f.write_str("the signed attributes are not in DER SET OF order")
            }
            Self::DigestAlgorithmNotListed => f.write_str(
                "the signer's digest algorithm is missing from SignedData.digestAlgorithms",
            ),
            Self::BerEncoding => {
                f.write_str("the SignedData is BER (indefinite lengths) instead of DER")
            }
        }
    }
}

impl Deviation {
    /// A stable identifier for reports, e.g. `"cms.raw-signature"`.
    #[must_use]
    pub fn id(&self) -> &'static str {
        match self {
            Self::RawSignature => "cms.raw-signature",
            Self::ContentTypeMismatch { .. } => "cms.content-type-mismatch",
            Self::ContentTypeMissing => "cms.content-type-missing",
            Self::UnsortedSignedAttributes => "cms.unsorted-signed-attributes",
            Self::DigestAlgorithmNotListed => "cms.digest-algorithm-not-listed",
            Self::BerEncoding => "cms.ber-encoding",
        }
    }
}

/// How to verify: strictness, the signer's distinguishing ID and extra certificates.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    lenient: bool,
    dist_id: DistId,
    certificates: Vec<Certificate>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self::strict()
    }
}

impl VerifyOptions {
    /// Refuse every [`Deviation`] with [`CmsError::Deviation`]; default ID.
    #[must_use]
    pub fn strict() -> Self {
        Self {
            lenient: false,
            dist_id: DistId::DEFAULT,
            certificates: Vec::new(),
        }
    }

    /// Accept the known [`Deviation`]s and list them in each [`SignerVerification`]; default ID.
    #[must_use]
    pub fn lenient() -> Self {
        Self {
            lenient: true,
            ..Self::strict()
        }
    }

    /// Verify with this distinguishing ID instead of `1234567812345678` (e.g.
    /// [`DistId::empty`] for SignedData made by the OpenSSL 3 command line).
    #[must_use]
    pub fn with_dist_id(mut self, id: DistId) -> Self {
        self.dist_id = id;
        self
    }

    /// Also look for signer certificates among these (for SignedData that embeds none).
    #[must_use]
    pub fn with_certificates(
        mut self,
        certificates: impl IntoIterator<Item = Certificate>,
    ) -> Self {
        self.certificates.extend(certificates);
        self
    }

    /// Whether deviations are accepted.
    #[must_use]
    pub fn is_lenient(&self) -> bool {
        self.lenient
    }

    fn note(&self, found: &mut Vec<Deviation>, d: Deviation) -> Result<(), CmsError> {
        if self.lenient {
            found.push(d);
            Ok(())
        } else {
            Err(CmsError::Deviation(d))
        }
    }
}

/// The signed content, as the caller supplies it to [`SignedData::verify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Content<'a> {
    /// Use the content encapsulated in the SignedData (attached signatures).
    Attached,
    /// The content bytes (detached signatures; for attached ones they must equal the eContent).
    Bytes(&'a [u8]),
    /// Only the SM3 digest of the content (e.g. of a PDF ByteRange); enough when the signer has
    /// signed attributes.
    Sm3Digest(&'a [u8; 32]),
}

/// Whether the content matches the signer's messageDigest attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DigestCheck {
    /// messageDigest equals SM3 of the content.
    Match,
    /// messageDigest differs: the content is not what was signed.
    Mismatch,
    /// No signed attributes: the signature covers the content directly, so
    /// [`SignerVerification::signature`] alone decides.
    NotApplicable,
}

/// Whether the SM2 signature verifies with the signer certificate's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureCheck {
    /// It verifies.
    Valid,
    /// It does not verify (altered attributes or content, another key, another ID).
    Invalid,
}

/// The outcome for one SignerInfo. [`is_valid`](Self::is_valid) combines the cryptographic
/// checks; trust in [`signer_certificate`](Self::signer_certificate) is a separate question.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SignerVerification {
    /// Position of the SignerInfo in signerInfos.
    pub index: usize,
    /// The certificate the SignerInfo names (found by issuerAndSerialNumber or
    /// subjectKeyIdentifier). Not yet trusted.
    pub signer_certificate: Certificate,
    /// Whether that certificate was embedded (else it came from [`VerifyOptions`]).
    pub certificate_embedded: bool,
    /// Whether the signer used signed attributes.
    pub signed_attributes: bool,
    /// The signingTime attribute, if present (the signer's claim, not a trusted time).
    pub signing_time: Option<Time>,
    /// Content against messageDigest.
    pub digest: DigestCheck,
    /// The SM2 signature.
    pub signature: SignatureCheck,
    /// `Some(matches)` when a signingCertificate or signingCertificateV2 attribute is present:
    /// whether its first certificate hash is that of [`Self::signer_certificate`].
    pub signing_certificate_attribute: Option<bool>,
    /// The signature algorithm OID (`1.2.156.10197.1.501` or `1.2.156.10197.1.301.1`).
    pub signature_algorithm: ObjectIdentifier,
    /// The encoding of the signature value.
    pub signature_encoding: SignatureEncoding,
    /// The SignerInfo `signature` OCTET STRING contents: what a signature timestamp covers.
    pub signature_value: Vec<u8>,
    /// The values of the unsigned `signatureTimeStampToken` attributes (each a DER
    /// TimeStampToken; check with [`crate::pki::tsp::verify_token`] over
    /// [`Self::signature_value`]).
    pub timestamp_tokens: Vec<Vec<u8>>,
    /// The deviations accepted (empty under strict verification).
    pub deviations: Vec<Deviation>,
}

impl SignerVerification {
    /// Whether the signature is cryptographically valid for the content: the signature
    /// verifies, the content matches messageDigest (when there are signed attributes), and a
    /// signingCertificate(V2) attribute, if present, names the signer certificate.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.signature == SignatureCheck::Valid
            && self.digest != DigestCheck::Mismatch
            && self.signing_certificate_attribute != Some(false)
    }
}

/// A parsed CMS `SignedData` (RFC 5652 §5.1; GM/T 0010 §7.1) with its original bytes.
#[derive(Debug, Clone)]
pub struct SignedData {
    der: Vec<u8>,
    raw: RawSignedData,
    certificates: Vec<Certificate>,
    /// Read from BER (indefinite lengths), re-encoded as DER before parsing.
    ber: bool,
}

impl SignedData {
    /// Reads a DER `ContentInfo` whose content type is signedData (PKCS#7 or GM/T 0010).
    ///
    /// # Errors
    ///
    /// [`CmsError::TooLarge`] over [`MAX_SIGNED_DATA_SIZE`]; [`CmsError::Malformed`],
    /// [`CmsError::TooMany`], [`CmsError::UnexpectedContentType`] for unreadable structures;
    /// [`CmsError::Certificate`] when an embedded certificate cannot be read.
    pub fn from_der(der: &[u8]) -> Result<Self, CmsError> {
        if der.len() > MAX_SIGNED_DATA_SIZE {
            return Err(CmsError::TooLarge {
                what: "SignedData",
                limit: MAX_SIGNED_DATA_SIZE,
                found: der.len(),
            });
        }
        // DER first; BER (BouncyCastle's default encoding) only when DER reading fails, read
        // as its DER re-encoding, and reported as a deviation by the verification.
        let (raw, der, ber) = match read_signed_data(der) {
            Ok(raw) => (raw, der.to_vec(), false),
            Err(e) => match ber::to_der(der) {
                Some(reencoded) if reencoded != der => (
                    read_signed_data(&reencoded).map_err(|_| e)?,
                    reencoded,
                    true,
                ),
                _ => return Err(e),
            },
        };
        let certificates = raw
            .certificates
            .iter()
            .map(|c| Certificate::from_der(c).map_err(CmsError::Certificate))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            der,
            raw,
            certificates,
            ber,
        })
    }

    /// The DER as read (for a BER input, its DER re-encoding).
    #[must_use]
    pub fn as_der(&self) -> &[u8] {
        &self.der
    }

    /// Whether the input was BER (indefinite lengths or constructed strings), read as DER.
    #[must_use]
    pub fn was_ber(&self) -> bool {
        self.ber
    }

    /// The outer content type's family.
    #[must_use]
    pub fn oid_flavour(&self) -> OidFlavour {
        OidFlavour::of(&self.raw.content_type).unwrap_or_default()
    }

    /// The outer ContentInfo contentType.
    #[must_use]
    pub fn content_type(&self) -> &ObjectIdentifier {
        &self.raw.content_type
    }

    /// The SignedData version.
    #[must_use]
    pub fn version(&self) -> u8 {
        self.raw.version
    }

    /// eContentType (GM/T 0010: the inner contentInfo's contentType).
    #[must_use]
    pub fn econtent_type(&self) -> &ObjectIdentifier {
        &self.raw.econtent_type
    }

    /// The encapsulated content, when attached.
    #[must_use]
    pub fn content(&self) -> Option<&[u8]> {
        self.raw.econtent.as_deref()
    }

    /// Whether the content is detached (no eContent).
    #[must_use]
    pub fn is_detached(&self) -> bool {
        self.raw.econtent.is_none()
    }

    /// The embedded X.509 certificates, in order.
    #[must_use]
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }

    /// The number of SignerInfos.
    #[must_use]
    pub fn signer_count(&self) -> usize {
        self.raw.signer_infos.len()
    }

    /// The `signature` OCTET STRING contents of SignerInfo `index` (what a signature timestamp
    /// hashes).
    #[must_use]
    pub fn signature_value(&self, index: usize) -> Option<&[u8]> {
        self.raw
            .signer_infos
            .get(index)
            .map(|s| s.signature.as_slice())
    }

    /// The values of SignerInfo `index`'s unsigned attributes of type `attr_type`, each as a
    /// whole DER TLV (e.g. [`oid::ATTR_TIMESTAMP_TOKEN`] gives TimeStampTokens).
    #[must_use]
    pub fn unsigned_attribute_values(
        &self,
        index: usize,
        attr_type: &ObjectIdentifier,
    ) -> Vec<&[u8]> {
        self.raw
            .signer_infos
            .get(index)
            .map(|s| attribute_values(&s.unsigned_attrs, attr_type))
            .unwrap_or_default()
    }

    /// Checks every SignerInfo against `content` (see the module docs).
    ///
    /// # Errors
    ///
    /// When a SignerInfo cannot be checked at all: an algorithm other than SM3/SM2
    /// ([`CmsError::UnsupportedAlgorithm`]), no certificate for the signer
    /// ([`CmsError::SignerCertificateNotFound`]), missing or conflicting content
    /// ([`CmsError::ContentMissing`], [`CmsError::ContentConflict`], [`CmsError::ContentNeeded`]),
    /// malformed attributes or signature values, or a deviation in strict mode.
    pub fn verify(
        &self,
        content: Content<'_>,
        options: &VerifyOptions,
    ) -> Result<Vec<SignerVerification>, CmsError> {
        if self.raw.signer_infos.is_empty() {
            return Err(CmsError::malformed(
                "SignedData signerInfos",
                "no SignerInfo: there is no signature to verify",
            ));
        }
        (0..self.raw.signer_infos.len())
            .map(|i| self.verify_signer(i, content, options))
            .collect()
    }

    /// Checks SignerInfo `index` against `content`.
    ///
    /// # Errors
    ///
    /// As [`SignedData::verify`]; [`CmsError::InvalidArgument`] when `index` is out of range.
    pub fn verify_signer(
        &self,
        index: usize,
        content: Content<'_>,
        options: &VerifyOptions,
    ) -> Result<SignerVerification, CmsError> {
        let si =
            self.raw.signer_infos.get(index).ok_or_else(|| {
                CmsError::invalid("signer index", "no SignerInfo at this position")
            })?;
        let mut deviations = Vec::new();
        if self.ber {
            options.note(&mut deviations, Deviation::BerEncoding)?;
        }

        if si.digest_algorithm.oid != oid::SM3 || !si.digest_algorithm.params_absent_or_null() {
            return Err(CmsError::UnsupportedAlgorithm {
                what: "SignerInfo digestAlgorithm",
                oid: si.digest_algorithm.oid,
            });
        }
        if !self.raw.digest_algorithms.iter().any(|a| a.oid == oid::SM3) {
            options.note(&mut deviations, Deviation::DigestAlgorithmNotListed)?;
        }
        let sig_alg = &si.signature_algorithm;
        if sig_alg.oid != oid::SM2_WITH_SM3 && sig_alg.oid != oid::SM2_SIGN {
            return Err(CmsError::UnsupportedAlgorithm {
                what: "SignerInfo signatureAlgorithm",
                oid: sig_alg.oid,
            });
        }
        if !sig_alg.params_absent_or_null() {
            return Err(CmsError::malformed(
                "SignerInfo signatureAlgorithm",
                "SM2 takes no parameters (absent or NULL)",
            ));
        }

        let (signer_certificate, certificate_embedded) = self.find_signer(&si.sid, options)?;
        let data = self.resolve_content(content)?;

        let mut signing_time = None;
        let mut signing_certificate_attribute = None;
        let (message, digest) = match &si.signed_attrs_raw {
            Some(raw) => {
                let attrs = &si.signed_attrs;
                match single_value(attrs, &oid::ATTR_CONTENT_TYPE, "contentType attribute")? {
                    Some(v) => {
                        let ct = ObjectIdentifier::from_der(v)
                            .map_err(|e| CmsError::der("contentType attribute", e))?;
                        if ct != self.raw.econtent_type {
                            options.note(
                                &mut deviations,
                                Deviation::ContentTypeMismatch {
                                    attribute: ct,
                                    econtent_type: self.raw.econtent_type,
                                },
                            )?;
                        }
                    }
                    None => options.note(&mut deviations, Deviation::ContentTypeMissing)?,
                }
                let md = single_value(attrs, &oid::ATTR_MESSAGE_DIGEST, "messageDigest attribute")?
                    .ok_or_else(|| {
                        CmsError::malformed(
                            "signed attributes",
                            "no messageDigest attribute (RFC 5652 §5.3 requires it)",
                        )
                    })?;
                let md = asn1::single(md, "messageDigest attribute")?;
                if md.tag != Tag::OctetString {
                    return Err(CmsError::malformed(
                        "messageDigest attribute",
                        "the value is not an OCTET STRING",
                    ));
                }
                let actual = match data {
                    Data::Bytes(b) => sm3(b),
                    Data::Digest(d) => *d,
                };
                let digest = if md.value == actual.as_slice() {
                    DigestCheck::Match
                } else {
                    DigestCheck::Mismatch
                };
                if let Some(v) =
                    single_value(attrs, &oid::ATTR_SIGNING_TIME, "signingTime attribute")?
                {
                    let t = asn1::single(v, "signingTime attribute")?;
                    signing_time = Some(read_time(&t, "signingTime attribute")?.0);
                }
                signing_certificate_attribute =
                    signing_certificate_matches(attrs, &signer_certificate)?;
                if si.signed_attrs_unsorted {
                    options.note(&mut deviations, Deviation::UnsortedSignedAttributes)?;
                }
                // RFC 5652 §5.4: the signature covers the DER of the SET OF attributes, i.e. the
                // received `[0] IMPLICIT` encoding with its tag octet replaced by SET (0x31).
                let mut message = raw.clone();
                if let Some(first) = message.first_mut() {
                    *first = 0x31;
                }
                (message, digest)
            }
            None => match data {
                Data::Bytes(b) => (b.to_vec(), DigestCheck::NotApplicable),
                Data::Digest(_) => return Err(CmsError::ContentNeeded),
            },
        };

        let (sig, signature_encoding) =
            Signature::from_der_or_raw(&si.signature).map_err(|_| {
                CmsError::malformed(
                    "SignerInfo signature",
                    "neither a DER SM2Signature nor 64 bytes of r||s with r, s in [1, n-1]",
                )
            })?;
        if signature_encoding == SignatureEncoding::Raw {
            options.note(&mut deviations, Deviation::RawSignature)?;
        }
        let key = signer_public_key(&signer_certificate)?;
        let signature = if key.verify_with_id(&options.dist_id, &message, &sig).is_ok() {
            SignatureCheck::Valid
        } else {
            SignatureCheck::Invalid
        };

        Ok(SignerVerification {
            index,
            signer_certificate,
            certificate_embedded,
            signed_attributes: si.signed_attrs_raw.is_some(),
            signing_time,
            digest,
            signature,
            signing_certificate_attribute,
            signature_algorithm: sig_alg.oid,
            signature_encoding,
            signature_value: si.signature.clone(),
            timestamp_tokens: attribute_values(&si.unsigned_attrs, &oid::ATTR_TIMESTAMP_TOKEN)
                .into_iter()
                .map(<[u8]>::to_vec)
                .collect(),
            deviations,
        })
    }

    /// Validates the certification path of a verified signer at `at`, using the embedded
    /// certificates as intermediates (a convenience over [`crate::pki::verify_path`]).
    ///
    /// # Errors
    ///
    /// The [`PathError`] of [`crate::pki::verify_path`].
    pub fn verify_signer_path(
        &self,
        signer: &SignerVerification,
        trust: &TrustStore,
        crls: &[Crl],
        policy: &Policy,
        at: Time,
    ) -> Result<VerifiedPath, PathError> {
        crate::pki::verify_path(
            &signer.signer_certificate,
            &self.certificates,
            trust,
            crls,
            policy,
            at,
        )
    }

    fn find_signer(
        &self,
        sid: &SignerId,
        options: &VerifyOptions,
    ) -> Result<(Certificate, bool), CmsError> {
        let matches = |c: &Certificate| match sid {
            SignerId::IssuerAndSerial { issuer, serial } => {
                c.issuer() == issuer && c.serial() == serial.as_slice()
            }
            SignerId::SubjectKeyId(ski) => c.subject_key_id() == Some(ski.as_slice()),
        };
        if let Some(c) = self.certificates.iter().find(|c| matches(c)) {
            return Ok((c.clone(), true));
        }
        if let Some(c) = options.certificates.iter().find(|c| matches(c)) {
            return Ok((c.clone(), false));
        }
        let signer = match sid {
            SignerId::IssuerAndSerial { issuer, serial } => format!(
                "issuer \"{issuer}\", serial {}",
                crate::pki::certificate::hex(serial)
            ),
            SignerId::SubjectKeyId(ski) => {
                format!("subjectKeyIdentifier {}", crate::pki::certificate::hex(ski))
            }
        };
        Err(CmsError::SignerCertificateNotFound { signer })
    }

    fn resolve_content<'a>(&'a self, content: Content<'a>) -> Result<Data<'a>, CmsError> {
        match (content, self.raw.econtent.as_deref()) {
            (Content::Attached, Some(e)) => Ok(Data::Bytes(e)),
            (Content::Attached, None) => Err(CmsError::ContentMissing),
            (Content::Bytes(b), Some(e)) if b != e => Err(CmsError::ContentConflict),
            (Content::Bytes(b), _) => Ok(Data::Bytes(b)),
            (Content::Sm3Digest(d), Some(e)) if sm3(e) != *d => Err(CmsError::ContentConflict),
            (Content::Sm3Digest(_), Some(e)) => Ok(Data::Bytes(e)),
            (Content::Sm3Digest(d), None) => Ok(Data::Digest(d)),
        }
    }
}

#[derive(Clone, Copy)]
enum Data<'a> {
    Bytes(&'a [u8]),
    Digest(&'a [u8; 32]),
}

pub(crate) fn signer_public_key(cert: &Certificate) -> Result<PublicKey, CmsError> {
    let point = cert.sm2_public_key().map_err(CmsError::Certificate)?;
    PublicKey::from_sec1_bytes(point).map_err(|e| {
        CmsError::Certificate(crate::pki::PkiError::UnsupportedKey {
            detail: e.to_string().into(),
        })
    })
}

fn attribute_values<'a>(attrs: &'a [Attribute], attr_type: &ObjectIdentifier) -> Vec<&'a [u8]> {
    attrs
        .iter()
        .filter(|a| a.oid == *attr_type)
        .flat_map(|a| a.values.iter().map(Vec::as_slice))
        .collect()
}

/// The value of a single-valued attribute that may appear at most once (RFC 5652 §11).
pub(crate) fn single_value<'a>(
    attrs: &'a [Attribute],
    attr_type: &ObjectIdentifier,
    what: &'static str,
) -> Result<Option<&'a [u8]>, CmsError> {
    let mut found = attrs.iter().filter(|a| a.oid == *attr_type);
    match (found.next(), found.next()) {
        (None, _) => Ok(None),
        (Some(a), None) => match a.values.as_slice() {
            [v] => Ok(Some(v.as_slice())),
            _ => Err(CmsError::malformed(what, "must have exactly one value")),
        },
        (Some(_), Some(_)) => Err(CmsError::malformed(what, "appears more than once")),
    }
}

/// Checks an ESS signingCertificateV2 (RFC 5035) or signingCertificate (RFC 2634) attribute:
/// `Some(true)` when the first ESSCertID's hash is that of `cert` (and its issuerSerial, if
/// present, names it), `Some(false)` when not, `None` when neither attribute is present.
///
/// ```text
/// SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies … OPTIONAL }
/// ESSCertIDv2 ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT {id-sha256},
///                            certHash OCTET STRING, issuerSerial IssuerSerial OPTIONAL }
/// SigningCertificate ::= SEQUENCE { certs SEQUENCE OF ESSCertID, policies … OPTIONAL }
/// ESSCertID ::= SEQUENCE { certHash OCTET STRING (SHA-1), issuerSerial IssuerSerial OPTIONAL }
/// ```
pub(crate) fn signing_certificate_matches(
    attrs: &[Attribute],
    cert: &Certificate,
) -> Result<Option<bool>, CmsError> {
    const WHAT: &str = "signingCertificate(V2) attribute";
    let (value, v2) = match (
        single_value(attrs, &oid::ATTR_SIGNING_CERTIFICATE_V2, WHAT)?,
        single_value(attrs, &oid::ATTR_SIGNING_CERTIFICATE, WHAT)?,
    ) {
        (Some(v), _) => (v, true),
        (None, Some(v)) => (v, false),
        (None, None) => return Ok(None),
    };
    let mut outer = Elements::of(value, Tag::Sequence, WHAT)?;
    let certs = outer.expect(Tag::Sequence, WHAT)?;
    let mut ids = Elements::new(certs.value, WHAT)?;
    let first = ids.expect(Tag::Sequence, WHAT)?;
    let mut id = Elements::new(first.value, WHAT)?;
    let mut hash_alg = if v2 { oid::SHA256 } else { oid::SHA1 };
    if v2 && id.peek_tag() == Some(Tag::Sequence) {
        let alg = asn1::AlgId::read(&id.next()?, WHAT)?;
        hash_alg = alg.oid;
    }
    let hash = id.expect(Tag::OctetString, WHAT)?;
    let expected: Vec<u8> = if hash_alg == oid::SM3 {
        sm3(cert.as_der()).to_vec()
    } else if hash_alg == oid::SHA256 {
        sha2::Sha256::digest(cert.as_der()).to_vec()
    } else if hash_alg == oid::SHA1 && !v2 {
        use sha1::Digest as _;
        sha1::Sha1::digest(cert.as_der()).to_vec()
    } else {
        return Err(CmsError::UnsupportedAlgorithm {
            what: "signingCertificateV2 hashAlgorithm",
            oid: hash_alg,
        });
    };
    if hash.value != expected.as_slice() {
        return Ok(Some(false));
    }
    if let Some(issuer_serial) = id.optional(Tag::Sequence)? {
        let mut is = Elements::new(issuer_serial.value, WHAT)?;
        let names = is.expect(Tag::Sequence, WHAT)?;
        let serial = is.expect(Tag::Integer, WHAT)?;
        // GeneralNames: the directoryName [4] EXPLICIT Name naming the issuer.
        let mut gn = Elements::new(names.value, WHAT)?;
        let mut issuer_named = false;
        while !gn.is_finished() {
            let name = gn.next()?;
            if name.tag == ctx(4) {
                let n = x509_cert::name::Name::from_der(name.value)
                    .map_err(|e| CmsError::der(WHAT, e))?;
                issuer_named |= n == *cert.issuer();
            }
        }
        if !issuer_named || unsigned_integer(&serial, WHAT)? != strip_zero(cert.serial()) {
            return Ok(Some(false));
        }
    }
    Ok(Some(true))
}

fn strip_zero(bytes: &[u8]) -> &[u8] {
    match bytes {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => bytes,
    }
}

// ---------------------------------------------------------------------------------------------
// Making
// ---------------------------------------------------------------------------------------------

/// What [`sign`] writes besides the signature itself.
#[derive(Debug, Clone, Default)]
pub struct SignOptions {
    flavour: OidFlavour,
    signing_time: Option<Time>,
    signing_certificate_v2: bool,
    chain: Vec<Certificate>,
    attached: bool,
    no_signed_attributes: bool,
    no_certificates: bool,
}

impl SignOptions {
    /// PKCS#7 OIDs, detached, signed attributes contentType + messageDigest, signer
    /// certificate embedded.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Use these content-type and signature-algorithm OIDs.
    #[must_use]
    pub fn with_flavour(mut self, flavour: OidFlavour) -> Self {
        self.flavour = flavour;
        self
    }

    /// Add a signingTime attribute (UTCTime before 2050, GeneralizedTime after; RFC 5652
    /// §11.3). PAdES leaves it out (the time goes in the PDF `/M` entry).
    #[must_use]
    pub fn with_signing_time(mut self, time: Time) -> Self {
        self.signing_time = Some(time);
        self
    }

    /// Add a signingCertificateV2 attribute (RFC 5035) with the SM3 hash and issuer/serial of
    /// the signer certificate, as CAdES / PAdES baseline signatures require.
    #[must_use]
    pub fn with_signing_certificate_v2(mut self) -> Self {
        self.signing_certificate_v2 = true;
        self
    }

    /// Embed these certificates after the signer certificate (intermediates, usually not the
    /// root).
    #[must_use]
    pub fn with_chain(mut self, chain: impl IntoIterator<Item = Certificate>) -> Self {
        self.chain.extend(chain);
        self
    }

    /// Encapsulate the content (eContent) instead of leaving it detached.
    #[must_use]
    pub fn attached(mut self) -> Self {
        self.attached = true;
        self
    }

    /// Embed no certificates (the verifier has the signer's certificate from elsewhere).
    #[must_use]
    pub fn without_certificates(mut self) -> Self {
        self.no_certificates = true;
        self
    }

    /// Sign the content itself, without signed attributes: the bare GB/T 35275 form some OFD
    /// producers write (standards notes §5.4, shape 1). Not for PDF, where signed attributes
    /// are required; cannot be combined with signing time or signingCertificateV2.
    #[must_use]
    pub fn without_signed_attributes(mut self) -> Self {
        self.no_signed_attributes = true;
        self
    }
}

/// Signs `content` and returns the DER `ContentInfo` (see the module docs).
///
/// # Errors
///
/// [`CmsError::InvalidArgument`] when `certificate` has no SM2 key, the signer's key is not
/// the certificate's, or the options conflict; [`CmsError::Signing`] when the signer fails.
pub fn sign<S: Signer + ?Sized>(
    content: &[u8],
    certificate: &Certificate,
    signer: &S,
    options: &SignOptions,
) -> Result<Vec<u8>, CmsError> {
    let econtent_type = options.flavour.data();
    build(
        &content_params(content, &econtent_type, options),
        certificate,
        signer,
    )
}

/// Signs content known only by its SM3 digest (e.g. a PDF ByteRange hashed by the caller) and
/// returns the detached DER `ContentInfo`.
///
/// # Errors
///
/// As [`sign`]; also [`CmsError::InvalidArgument`] with
/// [`SignOptions::attached`] or [`SignOptions::without_signed_attributes`], which need the content.
pub fn sign_digest<S: Signer + ?Sized>(
    sm3_digest: &[u8; 32],
    certificate: &Certificate,
    signer: &S,
    options: &SignOptions,
) -> Result<Vec<u8>, CmsError> {
    let econtent_type = options.flavour.data();
    build(
        &digest_params(sm3_digest, &econtent_type, options)?,
        certificate,
        signer,
    )
}

/// As [`sign`], for a key the caller holds elsewhere: everything but the signature value, which
/// [`PreparedSignedData::finish`] adds.
///
/// # Errors
///
/// [`CmsError::InvalidArgument`] when `certificate` has no SM2 key or the options conflict.
pub fn prepare(
    content: &[u8],
    certificate: &Certificate,
    options: &SignOptions,
) -> Result<PreparedSignedData, CmsError> {
    let econtent_type = options.flavour.data();
    prepare_build(
        &content_params(content, &econtent_type, options),
        certificate,
    )
}

/// As [`sign_digest`], for a key the caller holds elsewhere (see [`prepare`]).
///
/// # Errors
///
/// As [`prepare`]; also [`CmsError::InvalidArgument`] with [`SignOptions::attached`] or
/// [`SignOptions::without_signed_attributes`], which need the content.
pub fn prepare_digest(
    sm3_digest: &[u8; 32],
    certificate: &Certificate,
    options: &SignOptions,
) -> Result<PreparedSignedData, CmsError> {
    let econtent_type = options.flavour.data();
    prepare_build(
        &digest_params(sm3_digest, &econtent_type, options)?,
        certificate,
    )
}

fn content_params<'a>(
    content: &'a [u8],
    econtent_type: &'a ObjectIdentifier,
    options: &'a SignOptions,
) -> BuildParams<'a> {
    BuildParams {
        flavour: options.flavour,
        econtent_type,
        econtent: options.attached.then_some(content),
        content: Some(content),
        digest: sm3(content),
        signed_attributes: !options.no_signed_attributes,
        signing_time: options.signing_time,
        signing_certificate_v2: options.signing_certificate_v2,
        chain: &options.chain,
        embed_certificates: !options.no_certificates,
    }
}

fn digest_params<'a>(
    sm3_digest: &[u8; 32],
    econtent_type: &'a ObjectIdentifier,
    options: &'a SignOptions,
) -> Result<BuildParams<'a>, CmsError> {
    if options.attached || options.no_signed_attributes {
        return Err(CmsError::invalid(
            "sign options",
            "attached content and signatures without signed attributes need the content, not its digest",
        ));
    }
    Ok(BuildParams {
        flavour: options.flavour,
        econtent_type,
        econtent: None,
        content: None,
        digest: *sm3_digest,
        signed_attributes: true,
        signing_time: options.signing_time,
        signing_certificate_v2: options.signing_certificate_v2,
        chain: &options.chain,
        embed_certificates: !options.no_certificates,
    })
}

pub(crate) struct BuildParams<'a> {
    pub(crate) flavour: OidFlavour,
    pub(crate) econtent_type: &'a ObjectIdentifier,
    pub(crate) econtent: Option<&'a [u8]>,
    /// The content, needed only without signed attributes.
    pub(crate) content: Option<&'a [u8]>,
    pub(crate) digest: [u8; 32],
    pub(crate) signed_attributes: bool,
    pub(crate) signing_time: Option<Time>,
    pub(crate) signing_certificate_v2: bool,
    pub(crate) chain: &'a [Certificate],
    pub(crate) embed_certificates: bool,
}

/// Writes ContentInfo { signedData, SignedData { one SignerInfo } }.
pub(crate) fn build<S: Signer + ?Sized>(
    p: &BuildParams<'_>,
    certificate: &Certificate,
    signer: &S,
) -> Result<Vec<u8>, CmsError> {
    let prepared = prepare_build(p, certificate)?;
    let spki = signer.public_key_spki().map_err(|e| CmsError::Signing {
        detail: e.to_string().into(),
    })?;
    let signer_key = PublicKey::from_spki_der(&spki).map_err(|e| CmsError::Signing {
        detail: format!("the signer's public key is unusable: {e}").into(),
    })?;
    if signer_key.to_sec1_bytes() != prepared.key.to_sec1_bytes() {
        return Err(CmsError::invalid(
            "signer",
            "the signer's public key is not the certificate's",
        ));
    }
    let signature = signer
        .sign_sm2_sm3(&prepared.message)
        .map_err(|e| CmsError::Signing {
            detail: e.to_string().into(),
        })?;
    let parsed = Signature::from_der(&signature).map_err(|_| CmsError::Signing {
        detail: "the signer did not return a DER SM2Signature".into(),
    })?;
    prepared.assemble(&parsed)
}

/// A `SignedData` made up to its signature value, for keys outside the process (a USB key, an
/// HSM, a remote signing service): have [`message`](Self::message) signed with SM2 and SM3
/// (default ID `1234567812345678`), or sign [`digest_e`](Self::digest_e) on a device that signs
/// digests, then complete it with [`finish`](Self::finish). Made by [`prepare`] or
/// [`prepare_digest`]; the signing time, if any, is fixed when it is made.
#[derive(Clone)]
pub struct PreparedSignedData {
    flavour: OidFlavour,
    econtent_type: ObjectIdentifier,
    econtent: Option<Vec<u8>>,
    /// `[0] IMPLICIT SET OF Attribute`, when there are signed attributes.
    signed_attrs: Option<Vec<u8>>,
    /// What the signer signs: the DER `SET OF` signed attributes, or the content itself.
    message: Vec<u8>,
    issuer_and_serial: Vec<u8>,
    /// The `[0]` certificates' contents, when they are embedded.
    certificates: Option<Vec<u8>>,
    key: PublicKey,
}

impl fmt::Debug for PreparedSignedData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedSignedData")
            .field("flavour", &self.flavour)
            .field("econtent_type", &self.econtent_type)
            .field("attached", &self.econtent.is_some())
            .field("signed_attributes", &self.signed_attrs.is_some())
            .field("message_len", &self.message.len())
            .finish_non_exhaustive()
    }
}

impl PreparedSignedData {
    /// The bytes the signer signs (SM2 with SM3, default ID): the DER `SET OF` signed
    /// attributes, or the content when there are none.
    #[must_use]
    pub fn message(&self) -> &[u8] {
        &self.message
    }

    /// `e = SM3(Z ‖ message)` with the signer certificate's key and the default ID, for key
    /// holders that sign digests.
    #[must_use]
    pub fn digest_e(&self) -> [u8; 32] {
        self.key.digest(&DistId::DEFAULT, &self.message)
    }

    /// The signer certificate's public key, which the value must verify with.
    #[must_use]
    pub fn signer_public_key(&self) -> &PublicKey {
        &self.key
    }

    /// Writes the DER `ContentInfo` around the signer's value (a DER `SM2Signature`, or raw
    /// `r ‖ s`, written as DER) after checking it over [`message`](Self::message) with the
    /// signer certificate's key. The prepared data stays usable, so another value may be tried.
    ///
    /// # Errors
    /// [`CmsError::Signing`] when the value is not an SM2 signature or does not verify.
    pub fn finish(&self, value: &[u8]) -> Result<Vec<u8>, CmsError> {
        let (parsed, _) = Signature::from_der_or_raw(value).map_err(|e| CmsError::Signing {
            detail: format!("the value is no SM2 signature: {e}").into(),
        })?;
        self.assemble(&parsed)
    }

    fn assemble(&self, signature: &Signature) -> Result<Vec<u8>, CmsError> {
        if self.key.verify(&self.message, signature).is_err() {
            return Err(CmsError::Signing {
                detail: "the signature value does not verify with the signer certificate's key"
                    .into(),
            });
        }
        let signature = signature.to_der();
        let digest_alg = encode::alg_id(&oid::SM3)?;
        let mut signer_info_parts: Vec<Vec<u8>> = vec![
            encode::small_int(1)?,
            self.issuer_and_serial.clone(),
            digest_alg.clone(),
        ];
        if let Some(a) = &self.signed_attrs {
            signer_info_parts.push(a.clone());
        }
        signer_info_parts.push(encode::alg_id(&self.flavour.signature_algorithm())?);
        signer_info_parts.push(encode::octet_string(&signature)?);
        let signer_info = encode::sequence(
            &signer_info_parts
                .iter()
                .map(Vec::as_slice)
                .collect::<Vec<_>>(),
        )?;

        let mut eci_parts = vec![encode::oid(&self.econtent_type)?];
        if let Some(e) = &self.econtent {
            eci_parts.push(encode::context(0, &encode::octet_string(e)?)?);
        }
        let eci = encode::sequence(&eci_parts.iter().map(Vec::as_slice).collect::<Vec<_>>())?;

        // RFC 5652 §5.1: version 1 for id-data content and issuerAndSerialNumber, 3 otherwise.
        let version = if self.econtent_type == oid::PKCS7_DATA || self.econtent_type == oid::GM_DATA
        {
            1
        } else {
            3
        };
        let mut sd_parts = vec![
            encode::small_int(version)?,
            encode::set_of(vec![digest_alg])?,
            eci,
        ];
        if let Some(certs) = &self.certificates {
            sd_parts.push(encode::context(0, certs)?);
        }
        sd_parts.push(encode::set_of(vec![signer_info])?);
        let sd = encode::sequence(&sd_parts.iter().map(Vec::as_slice).collect::<Vec<_>>())?;
        encode::sequence(&[
            &encode::oid(&self.flavour.signed_data())?,
            &encode::context(0, &sd)?,
        ])
    }
}

/// Everything of the SignedData but the signature value.
fn prepare_build(
    p: &BuildParams<'_>,
    certificate: &Certificate,
) -> Result<PreparedSignedData, CmsError> {
    let key = signer_public_key(certificate)
        .map_err(|e| CmsError::invalid("signer certificate", format!("no usable SM2 key: {e}")))?;
    if !p.signed_attributes && (p.signing_time.is_some() || p.signing_certificate_v2) {
        return Err(CmsError::invalid(
            "sign options",
            "signing time and signingCertificateV2 are signed attributes; they cannot be written without signed attributes",
        ));
    }

    let issuer = certificate
        .issuer()
        .to_der()
        .map_err(|e| CmsError::encode("issuer", e))?;
    let serial = encode::tlv(Tag::Integer, certificate.serial())?;
    let issuer_and_serial = encode::sequence(&[&issuer, &serial])?;

    let (signed_attrs, message) = if p.signed_attributes {
        let mut attrs = vec![
            encode::attribute(&oid::ATTR_CONTENT_TYPE, &encode::oid(p.econtent_type)?)?,
            encode::attribute(&oid::ATTR_MESSAGE_DIGEST, &encode::octet_string(&p.digest)?)?,
        ];
        if let Some(t) = p.signing_time {
            attrs.push(encode::attribute(
                &oid::ATTR_SIGNING_TIME,
                &encode::time(t, "signing time")?,
            )?);
        }
        if p.signing_certificate_v2 {
            // ESSCertIDv2 { hashAlgorithm SM3, certHash, issuerSerial { directoryName, serial } }
            let general_names = encode::sequence(&[&encode::context(4, &issuer)?])?;
            let ess_cert_id = encode::sequence(&[
                &encode::alg_id(&oid::SM3)?,
                &encode::octet_string(&sm3(certificate.as_der()))?,
                &encode::sequence(&[&general_names, &serial])?,
            ])?;
            let value = encode::sequence(&[&encode::sequence(&[&ess_cert_id])?])?;
            attrs.push(encode::attribute(
                &oid::ATTR_SIGNING_CERTIFICATE_V2,
                &value,
            )?);
        }
        let set = encode::set_of(attrs)?;
        let mut implicit = set.clone();
        if let Some(first) = implicit.first_mut() {
            *first = 0xA0; // [0] IMPLICIT SET OF, constructed
        }
        (Some(implicit), set)
    } else {
        let content = p.content.ok_or_else(|| {
            CmsError::invalid(
                "content",
                "signing without signed attributes needs the content",
            )
        })?;
        (None, content.to_vec())
    };

    let certificates = p.embed_certificates.then(|| {
        let mut certs: Vec<u8> = certificate.as_der().to_vec();
        for c in p.chain {
            certs.extend_from_slice(c.as_der());
        }
        certs
    });
    Ok(PreparedSignedData {
        flavour: p.flavour,
        econtent_type: *p.econtent_type,
        econtent: p.econtent.map(<[u8]>::to_vec),
        signed_attrs,
        message,
        issuer_and_serial,
        certificates,
        key,
    })
}

/// Adds `token` (a DER TimeStampToken over the signature value) to the single SignerInfo of
/// `signed_data` as an unsigned `signatureTimeStampToken` attribute (RFC 3161 Appendix A;
/// CAdES-T), leaving every other byte as it was.
///
/// The token's message imprint must be the SM3 (or SHA-256) hash of the SignerInfo's
/// `signature` OCTET STRING contents ([`SignedData::signature_value`]); its own signature is
/// not checked here (verifiers do that with [`crate::pki::tsp::verify_token`]).
///
/// # Errors
///
/// [`CmsError::Malformed`] when either input cannot be read, [`CmsError::InvalidArgument`]
/// when the SignedData has more than one SignerInfo or the token covers other data.
pub fn add_signature_timestamp(signed_data: &[u8], token: &[u8]) -> Result<Vec<u8>, CmsError> {
    let parsed = SignedData::from_der(signed_data)?;
    let [si] = parsed.raw.signer_infos.as_slice() else {
        return Err(CmsError::invalid(
            "SignedData",
            "a signature timestamp can only be added to a SignedData with exactly one SignerInfo",
        ));
    };
    let stamped = crate::pki::tsp::TimestampToken::from_der(token)
        .map_err(|e| CmsError::invalid("timestamp token", e.to_string()))?;
    if !stamped.info().imprint_covers(&si.signature) {
        return Err(CmsError::invalid(
            "timestamp token",
            "its message imprint is not the hash of this SignerInfo's signature value",
        ));
    }
    let new_attr = encode::attribute(&oid::ATTR_TIMESTAMP_TOKEN, token)?;

    let mut ci = Elements::of(signed_data, Tag::Sequence, "ContentInfo")?;
    let ct = ci.next()?;
    let explicit = ci.next()?;
    let mut sd = Elements::of(explicit.value, Tag::Sequence, "SignedData")?;
    let mut sd_parts: Vec<Vec<u8>> = Vec::new();
    while !sd.is_finished() {
        sd_parts.push(sd.next()?.raw.to_vec());
    }
    let infos = sd_parts
        .pop()
        .ok_or_else(|| CmsError::malformed("SignedData", "empty"))?;
    let info = asn1::single(&infos, "SignedData signerInfos")?;
    let info = Elements::of(info.value, Tag::Sequence, "SignerInfo")?;
    let mut si_parts: Vec<Vec<u8>> = Vec::new();
    let mut unsigned: Vec<Vec<u8>> = Vec::new();
    let mut info = info;
    while !info.is_finished() {
        let t = info.next()?;
        if t.tag == ctx(1) {
            let mut a = Elements::new(t.value, "unsigned attributes")?;
            while !a.is_finished() {
                unsigned.push(a.next()?.raw.to_vec());
            }
        } else {
            si_parts.push(t.raw.to_vec());
        }
    }
    unsigned.push(new_attr);
    let mut unsigned_set = encode::set_of(unsigned)?;
    if let Some(first) = unsigned_set.first_mut() {
        *first = 0xA1; // [1] IMPLICIT SET OF
    }
    si_parts.push(unsigned_set);
    let si = encode::sequence(&si_parts.iter().map(Vec::as_slice).collect::<Vec<_>>())?;
    sd_parts.push(encode::set_of(vec![si])?);
    let sd = encode::sequence(&sd_parts.iter().map(Vec::as_slice).collect::<Vec<_>>())?;
    encode::sequence(&[ct.raw, &encode::context(0, &sd)?])
}
