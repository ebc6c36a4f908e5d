//! X.509 v3 certificates with SM2 keys (RFC 5280, GM/T 0015 / GB/T 20518 profile).
//!
//! ```text
//! Certificate  ::=  SEQUENCE  {
//!     tbsCertificate       TBSCertificate,
//!     signatureAlgorithm   AlgorithmIdentifier,
//!     signatureValue       BIT STRING  }
//! ```
//!
//! A [`Certificate`] keeps the exact DER it was read from: signatures are checked over the
//! original `tbsCertificate` bytes, never a re-encoding, because deployed CA certificates carry
//! encodings (NULL algorithm parameters, odd string types) that a re-encoder might change.

use std::fmt;
use std::ops::Range;

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode, Header, Reader, SliceReader};
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints as X509BasicConstraints, ExtendedKeyUsage,
    KeyUsage as X509KeyUsage, SubjectKeyIdentifier,
};
use x509_cert::name::Name;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use super::error::PkiError;
use super::sm2_adapter;
use crate::oid;
use crate::time::Time;

/// Largest certificate accepted, in bytes of DER. Real SM2 certificates are 0.5–3 KiB.
pub const MAX_CERTIFICATE_SIZE: usize = 64 * 1024;
/// Largest PEM input (certificate bundle or CRL) accepted, in bytes.
pub const MAX_PEM_SIZE: usize = 16 * 1024 * 1024;
/// Most certificates read from one PEM bundle.
pub const MAX_PEM_CERTIFICATES: usize = 1024;

/// The key usages of RFC 5280 §4.2.1.3, as a set.
///
/// ```text
/// KeyUsage ::= BIT STRING { digitalSignature (0), nonRepudiation (1), keyEncipherment (2),
///     dataEncipherment (3), keyAgreement (4), keyCertSign (5), cRLSign (6),
///     encipherOnly (7), decipherOnly (8) }
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct KeyUsage(u16);

impl KeyUsage {
    /// `digitalSignature` (bit 0).
    pub const DIGITAL_SIGNATURE: Self = Self(1 << 0);
    /// `nonRepudiation`, also called `contentCommitment` (bit 1).
    pub const NON_REPUDIATION: Self = Self(1 << 1);
    /// `keyEncipherment` (bit 2).
    pub const KEY_ENCIPHERMENT: Self = Self(1 << 2);
    /// `dataEncipherment` (bit 3).
    pub const DATA_ENCIPHERMENT: Self = Self(1 << 3);
    /// `keyAgreement` (bit 4).
    pub const KEY_AGREEMENT: Self = Self(1 << 4);
    /// `keyCertSign` (bit 5): the key may sign certificates.
    pub const KEY_CERT_SIGN: Self = Self(1 << 5);
    /// `cRLSign` (bit 6): the key may sign CRLs.
    pub const CRL_SIGN: Self = Self(1 << 6);
    /// `encipherOnly` (bit 7).
    pub const ENCIPHER_ONLY: Self = Self(1 << 7);
    /// `decipherOnly` (bit 8).
    pub const DECIPHER_ONLY: Self = Self(1 << 8);

    const NAMES: [&'static str; 9] = [
        "digitalSignature",
        "nonRepudiation",
        "keyEncipherment",
        "dataEncipherment",
        "keyAgreement",
        "keyCertSign",
        "cRLSign",
        "encipherOnly",
        "decipherOnly",
    ];

    /// The empty set.
    #[must_use]
    pub const fn empty() -> Self {
        Self(0)
    }

    /// True when every usage in `other` is in `self`.
    #[must_use]
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// The RFC 5280 names of the usages in the set, in bit order.
    #[must_use]
    pub fn names(self) -> Vec<&'static str> {
        Self::NAMES
            .iter()
            .enumerate()
            .filter(|(bit, _)| self.0 & (1 << bit) != 0)
            .map(|(_, name)| *name)
            .collect()
    }

    pub(crate) const fn bits(self) -> u16 {
        self.0
    }

    pub(crate) const fn from_bits(bits: u16) -> Self {
        Self(bits & 0x01ff)
    }
}

impl std::ops::BitOr for KeyUsage {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

impl fmt::Debug for KeyUsage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.names()).finish()
    }
}

impl fmt::Display for KeyUsage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names().join(", "))
    }
}

/// The basicConstraints extension (RFC 5280 §4.2.1.9).
///
/// ```text
/// BasicConstraints ::= SEQUENCE {
///     cA                      BOOLEAN DEFAULT FALSE,
///     pathLenConstraint       INTEGER (0..MAX) OPTIONAL }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BasicConstraints {
    /// Whether the subject is a CA.
    pub ca: bool,
    /// Most non-self-issued intermediate certificates that may follow this one in a path.
    pub path_len: Option<u8>,
}

/// The extensions eseal interprets, decoded once when the certificate is read.
#[derive(Debug, Clone, Default)]
struct Interpreted {
    basic_constraints: Option<(bool, BasicConstraints)>,
    key_usage: Option<(bool, KeyUsage)>,
    extended_key_usage: Option<(bool, Vec<ObjectIdentifier>)>,
    subject_key_id: Option<Vec<u8>>,
    authority_key_id: Option<Vec<u8>>,
    unhandled_critical: Vec<ObjectIdentifier>,
}

/// Extensions whose criticality eseal honours: path validation processes them (or, for
/// names, they do not restrict anything eseal decides).
const HANDLED: [ObjectIdentifier; 7] = [
    oid::CE_BASIC_CONSTRAINTS,
    oid::CE_KEY_USAGE,
    oid::CE_EXT_KEY_USAGE,
    oid::CE_SUBJECT_KEY_IDENTIFIER,
    oid::CE_AUTHORITY_KEY_IDENTIFIER,
    oid::CE_SUBJECT_ALT_NAME,
    oid::CE_ISSUER_ALT_NAME,
];

/// A parsed X.509 certificate that keeps its original DER.
///
/// Reading checks the structure (DER, RFC 5280 field rules, that the inner and outer signature
/// algorithms agree, that each extension appears once and decodes); it does *not* check the
/// signature, dates or trust. That is [`crate::pki::verify_path`]'s job.
#[derive(Clone)]
pub struct Certificate {
    der: Vec<u8>,
    tbs: Range<usize>,
    inner: x509_cert::Certificate,
    fingerprint: [u8; 32],
    ext: Interpreted,
    /// The subject as RFC 4514 text, formed on first use: reports name it many times, and
    /// formatting a name (attribute names looked up by OID) costs more than reading one.
    subject_text: std::sync::OnceLock<String>,
}

impl Certificate {
    /// Reads one DER-encoded certificate (no trailing bytes).
    pub fn from_der(der: &[u8]) -> Result<Self, PkiError> {
        if der.len() > MAX_CERTIFICATE_SIZE {
            return Err(PkiError::TooLarge {
                what: "certificate",
                limit: MAX_CERTIFICATE_SIZE,
                found: der.len(),
            });
        }
        let tbs = signed_part("certificate", der)?;
        let inner =
            x509_cert::Certificate::from_der(der).map_err(|e| PkiError::der("certificate", e))?;
        let tbs_cert = inner.tbs_certificate();
        if inner.signature_algorithm() != tbs_cert.signature() {
            return Err(PkiError::malformed(
                "certificate",
                "signatureAlgorithm differs from tbsCertificate.signature (RFC 5280 §4.1.1.2)",
            ));
        }
        if tbs_cert.extensions().is_some()
            && tbs_cert.version() != x509_cert::certificate::Version::V3
        {
            return Err(PkiError::malformed(
                "certificate",
                "extensions are present but the version is not v3",
            ));
        }
        let ext = interpret_extensions(tbs_cert.extensions().map_or(&[], |v| v.as_slice()))?;
        Ok(Self {
            fingerprint: sm2_adapter::sm3(der),
            der: der.to_vec(),
            tbs,
            inner,
            ext,
            subject_text: std::sync::OnceLock::new(),
        })
    }

    /// Reads exactly one PEM `CERTIFICATE` block (text around it is ignored).
    pub fn from_pem(pem: &[u8]) -> Result<Self, PkiError> {
        let mut blocks = pem_blocks(pem, "CERTIFICATE", 2)?;
        match (blocks.pop(), blocks.is_empty()) {
            (Some(der), true) => Self::from_der(&der),
            (Some(_), false) => Err(PkiError::malformed(
                "PEM certificate",
                "more than one CERTIFICATE block; use Certificate::bundle_from_pem",
            )),
            (None, _) => Err(PkiError::malformed(
                "PEM certificate",
                "no CERTIFICATE block found",
            )),
        }
    }

    /// Reads DER, or PEM when the input starts (after whitespace) with `-----BEGIN`.
    pub fn from_der_or_pem(input: &[u8]) -> Result<Self, PkiError> {
        if looks_like_pem(input) {
            Self::from_pem(input)
        } else {
            Self::from_der(input)
        }
    }

    /// Reads every PEM `CERTIFICATE` block of a bundle, in order (at most
    /// [`MAX_PEM_CERTIFICATES`]). An input with no block is an error.
    pub fn bundle_from_pem(pem: &[u8]) -> Result<Vec<Self>, PkiError> {
        let blocks = pem_blocks(pem, "CERTIFICATE", MAX_PEM_CERTIFICATES)?;
        if blocks.is_empty() {
            return Err(PkiError::malformed(
                "PEM certificate bundle",
                "no CERTIFICATE block found",
            ));
        }
        blocks.iter().map(|der| Self::from_der(der)).collect()
    }

    /// The DER encoding, exactly as read (or as built).
    #[must_use]
    pub fn as_der(&self) -> &[u8] {
        &self.der
    }

    /// The certificate as one PEM block with 64-column lines.
    #[must_use]
    pub fn to_pem(&self) -> String {
        to_pem("CERTIFICATE", &self.der)
    }

    /// The exact DER bytes of `tbsCertificate`: what the issuer signed.
    #[must_use]
    pub fn tbs_der(&self) -> &[u8] {
        self.der.get(self.tbs.clone()).unwrap_or_default()
    }

    /// The parsed structure, for fields this type has no accessor for.
    #[must_use]
    pub fn x509(&self) -> &x509_cert::Certificate {
        &self.inner
    }

    /// The subject name.
    #[must_use]
    pub fn subject(&self) -> &Name {
        self.inner.tbs_certificate().subject()
    }

    /// The issuer name.
    #[must_use]
    pub fn issuer(&self) -> &Name {
        self.inner.tbs_certificate().issuer()
    }

    /// The subject as an RFC 4514 string (`CN=…,O=…,C=CN`).
    #[must_use]
    pub fn subject_string(&self) -> String {
        self.subject_text
            .get_or_init(|| super::name_text::name_string(self.subject()))
            .clone()
    }

    /// The issuer as an RFC 4514 string.
    #[must_use]
    pub fn issuer_string(&self) -> String {
        super::name_text::name_string(self.issuer())
    }

    /// The serial number: big-endian magnitude, leading zero bytes removed.
    #[must_use]
    pub fn serial(&self) -> &[u8] {
        self.inner.tbs_certificate().serial_number().as_bytes()
    }

    /// The serial number in lower-case hex.
    #[must_use]
    pub fn serial_hex(&self) -> String {
        hex(self.serial())
    }

    /// Start of the validity period.
    #[must_use]
    pub fn not_before(&self) -> Time {
        x509_time(self.inner.tbs_certificate().validity().not_before)
    }

    /// End of the validity period (inclusive, RFC 5280 §4.1.2.5).
    #[must_use]
    pub fn not_after(&self) -> Time {
        x509_time(self.inner.tbs_certificate().validity().not_after)
    }

    /// The subject public key info.
    #[must_use]
    pub fn subject_public_key_info(&self) -> &SubjectPublicKeyInfoOwned {
        self.inner.tbs_certificate().subject_public_key_info()
    }

    /// The DER of the subject public key info.
    pub fn subject_public_key_info_der(&self) -> Result<Vec<u8>, PkiError> {
        self.subject_public_key_info()
            .to_der()
            .map_err(|e| PkiError::encode("subject public key info", e))
    }

    /// The SM2 public key as an uncompressed (or compressed) SEC1 point, when the key is
    /// `id-ecPublicKey` with the SM2 curve.
    pub fn sm2_public_key(&self) -> Result<&[u8], PkiError> {
        sm2_point(self.subject_public_key_info())
    }

    /// The signature algorithm OID (`1.2.156.10197.1.501` for SM2-with-SM3).
    #[must_use]
    pub fn signature_algorithm(&self) -> &ObjectIdentifier {
        &self.inner.signature_algorithm().oid
    }

    /// All extensions, in certificate order.
    #[must_use]
    pub fn extensions(&self) -> &[x509_cert::ext::Extension] {
        self.inner
            .tbs_certificate()
            .extensions()
            .map_or(&[], |v| v.as_slice())
    }

    /// basicConstraints, when present.
    #[must_use]
    pub fn basic_constraints(&self) -> Option<BasicConstraints> {
        self.ext.basic_constraints.map(|(_, bc)| bc)
    }

    /// keyUsage, when present.
    #[must_use]
    pub fn key_usage(&self) -> Option<KeyUsage> {
        self.ext.key_usage.map(|(_, ku)| ku)
    }

    /// extendedKeyUsage purposes, when present.
    #[must_use]
    pub fn extended_key_usage(&self) -> Option<&[ObjectIdentifier]> {
        self.ext
            .extended_key_usage
            .as_ref()
            .map(|(_, v)| v.as_slice())
    }

    /// Whether extendedKeyUsage is present and marked critical.
    #[must_use]
    pub fn extended_key_usage_is_critical(&self) -> bool {
        self.ext
            .extended_key_usage
            .as_ref()
            .is_some_and(|(c, _)| *c)
    }

    /// subjectKeyIdentifier, when present.
    #[must_use]
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.ext.subject_key_id.as_deref()
    }

    /// The keyIdentifier of authorityKeyIdentifier, when present.
    #[must_use]
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.ext.authority_key_id.as_deref()
    }

    /// Critical extensions eseal does not process; path validation refuses a certificate
    /// that has any (RFC 5280 §4.2).
    #[must_use]
    pub fn unhandled_critical_extensions(&self) -> &[ObjectIdentifier] {
        &self.ext.unhandled_critical
    }

    /// SM3 of the whole DER certificate.
    #[must_use]
    pub fn fingerprint_sm3(&self) -> [u8; 32] {
        self.fingerprint
    }

    /// True when subject and issuer are the same name (byte-for-byte DER).
    #[must_use]
    pub fn is_self_issued(&self) -> bool {
        self.subject() == self.issuer()
    }

    /// Whether `self` may have been issued by `issuer`: the names chain and, when both key
    /// identifiers are present, they agree. The signature is not checked.
    pub(crate) fn names_issuer(&self, issuer: &Certificate) -> bool {
        if self.issuer() != issuer.subject() {
            return false;
        }
        match (self.authority_key_id(), issuer.subject_key_id()) {
            (Some(aki), Some(ski)) => aki == ski,
            _ => true,
        }
    }

    /// Checks this certificate's signature with `issuer`'s public key.
    pub(crate) fn check_signed_by(&self, issuer: &Certificate) -> Result<(), SignatureFailure> {
        check_signature(
            self.inner.signature_algorithm(),
            self.tbs_der(),
            self.inner.signature().as_bytes(),
            issuer.subject_public_key_info(),
        )
    }

    /// Checks this certificate's signature with its own key (self-signed roots).
    pub fn verify_self_signature(&self) -> Result<(), PkiError> {
        self.check_signed_by(self)
            .map_err(|e| e.into_pki_error("certificate"))
    }

    /// The same subject and key: two certificates for one CA (e.g. re-issued). Used to spot loops.
    pub(crate) fn same_subject_and_key(&self, other: &Certificate) -> bool {
        self.subject() == other.subject()
            && self.subject_public_key_info() == other.subject_public_key_info()
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Eq for Certificate {}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject_string())
            .field("issuer", &self.issuer_string())
            .field("serial", &self.serial_hex())
            .field("not_before", &self.not_before())
            .field("not_after", &self.not_after())
            .field("fingerprint_sm3", &hex(&self.fingerprint))
            .finish()
    }
}

/// Why a signature check did not pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SignatureFailure {
    /// Not SM2-with-SM3 (or with parameters other than absent / NULL).
    UnsupportedAlgorithm(ObjectIdentifier),
    /// The issuer's key is not a usable SM2 key.
    BadIssuerKey(String),
    /// The signature is malformed or does not verify.
    Invalid,
}

impl SignatureFailure {
    pub(crate) fn into_pki_error(self, what: &'static str) -> PkiError {
        match self {
            Self::UnsupportedAlgorithm(oid) => PkiError::UnsupportedAlgorithm {
                what: "signature",
                oid,
            },
            Self::BadIssuerKey(detail) => PkiError::UnsupportedKey {
                detail: detail.into(),
            },
            Self::Invalid => PkiError::SignatureInvalid { what },
        }
    }
}

/// Verifies an SM2-with-SM3 signature over `signed` (default ID). The algorithm identifier must
/// be `1.2.156.10197.1.501` with absent or NULL parameters: OpenSSL omits them, CAs write NULL.
pub(crate) fn check_signature(
    algorithm: &AlgorithmIdentifierOwned,
    signed: &[u8],
    signature: Option<&[u8]>,
    issuer_key: &SubjectPublicKeyInfoOwned,
) -> Result<(), SignatureFailure> {
    let params_ok = algorithm.parameters.as_ref().is_none_or(|p| p.is_null());
    if algorithm.oid != oid::SM2_WITH_SM3 || !params_ok {
        return Err(SignatureFailure::UnsupportedAlgorithm(algorithm.oid));
    }
    let point = sm2_point(issuer_key).map_err(|e| SignatureFailure::BadIssuerKey(e.to_string()))?;
    let sig = signature.ok_or(SignatureFailure::Invalid)?;
    match sm2_adapter::verify_sm2_sm3(point, signed, sig) {
        Ok(()) => Ok(()),
        Err(sm2_adapter::VerifyError::BadKey) => Err(SignatureFailure::BadIssuerKey(
            "the public key is not a point on the SM2 curve".into(),
        )),
        Err(sm2_adapter::VerifyError::BadEncoding | sm2_adapter::VerifyError::Invalid) => {
            Err(SignatureFailure::Invalid)
        }
    }
}

/// The SEC1 point of an SM2 SPKI (`id-ecPublicKey` with the `sm2` named curve).
pub(crate) fn sm2_point(spki: &SubjectPublicKeyInfoOwned) -> Result<&[u8], PkiError> {
    if spki.algorithm.oid != oid::EC_PUBLIC_KEY {
        return Err(PkiError::UnsupportedKey {
            detail: format!("key algorithm {} is not id-ecPublicKey", spki.algorithm.oid).into(),
        });
    }
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    if curve != Some(oid::SM2) {
        return Err(PkiError::UnsupportedKey {
            detail: "the EC key's named curve is not SM2 (1.2.156.10197.1.301)".into(),
        });
    }
    spki.subject_public_key
        .as_bytes()
        .ok_or(PkiError::UnsupportedKey {
            detail: "the public key BIT STRING has unused bits".into(),
        })
}

fn interpret_extensions(exts: &[x509_cert::ext::Extension]) -> Result<Interpreted, PkiError> {
    let mut out = Interpreted::default();
    let mut seen: Vec<&ObjectIdentifier> = Vec::with_capacity(exts.len());
    for ext in exts {
        if seen.contains(&&ext.extn_id) {
            return Err(PkiError::malformed(
                "certificate",
                format!(
                    "extension {} appears more than once (RFC 5280 §4.2)",
                    ext.extn_id
                ),
            ));
        }
        seen.push(&ext.extn_id);
        let value = ext.extn_value.as_bytes();
        let bad = |e: der::Error| {
            PkiError::malformed(
                "certificate extension",
                format!("{}: {}", ext.extn_id, e.kind()),
            )
        };
        let id = ext.extn_id;
        if id == oid::CE_BASIC_CONSTRAINTS {
            let bc = X509BasicConstraints::from_der(value).map_err(bad)?;
            out.basic_constraints = Some((
                ext.critical,
                BasicConstraints {
                    ca: bc.ca,
                    path_len: bc.path_len_constraint,
                },
            ));
        } else if id == oid::CE_KEY_USAGE {
            let ku = X509KeyUsage::from_der(value).map_err(bad)?;
            out.key_usage = Some((ext.critical, KeyUsage::from_bits(ku.0.bits())));
        } else if id == oid::CE_EXT_KEY_USAGE {
            let eku = ExtendedKeyUsage::from_der(value).map_err(bad)?;
            out.extended_key_usage = Some((ext.critical, eku.0));
        } else if id == oid::CE_SUBJECT_KEY_IDENTIFIER {
            let ski = SubjectKeyIdentifier::from_der(value).map_err(bad)?;
            out.subject_key_id = Some(ski.0.as_bytes().to_vec());
        } else if id == oid::CE_AUTHORITY_KEY_IDENTIFIER {
            let aki = AuthorityKeyIdentifier::from_der(value).map_err(bad)?;
            out.authority_key_id = aki.key_identifier.map(|k| k.as_bytes().to_vec());
        } else if ext.critical && !HANDLED.contains(&id) {
            out.unhandled_critical.push(id);
        }
    }
    Ok(out)
}

/// The byte range of the first element (the signed part) inside a signed `SEQUENCE`.
pub(crate) fn signed_part(what: &'static str, der: &[u8]) -> Result<Range<usize>, PkiError> {
    let mut reader = SliceReader::new(der).map_err(|e| PkiError::der(what, e))?;
    let outer = Header::decode(&mut reader).map_err(|e| PkiError::der(what, e))?;
    if outer.tag() != der::Tag::Sequence {
        return Err(PkiError::malformed(what, "does not start with a SEQUENCE"));
    }
    let start = usize::try_from(reader.position()).map_err(|e| PkiError::der(what, e))?;
    let tbs = reader.tlv_bytes().map_err(|e| PkiError::der(what, e))?;
    Ok(start..start.saturating_add(tbs.len()))
}

pub(crate) fn x509_time(t: x509_cert::time::Time) -> Time {
    Time::from_unix_seconds(t.to_unix_duration().as_secs())
}

/// An X.509 `Time`: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5).
pub(crate) fn to_x509_time(t: Time, what: &'static str) -> Result<x509_cert::time::Time, PkiError> {
    let dt = t
        .to_date_time()
        .ok_or_else(|| PkiError::invalid(what, "after 9999-12-31T23:59:59Z"))?;
    Ok(x509_cert::time::Time::from(dt))
}

fn looks_like_pem(input: &[u8]) -> bool {
    let start = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(input.len());
    input
        .get(start..)
        .is_some_and(|rest| rest.starts_with(b"-----BEGIN"))
}

/// Decodes every PEM block with `label`, ignoring other text; at most `limit` blocks.
pub(crate) fn pem_blocks(
    input: &[u8],
    label: &str,
    limit: usize,
) -> Result<Vec<Vec<u8>>, PkiError> {
    if input.len() > MAX_PEM_SIZE {
        return Err(PkiError::TooLarge {
            what: "PEM input",
            limit: MAX_PEM_SIZE,
            found: input.len(),
        });
    }
    let text = std::str::from_utf8(input).map_err(|e| {
        PkiError::malformed("PEM", format!("not UTF-8 text (byte {})", e.valid_up_to()))
    })?;
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(b) = rest.find(&begin) {
        let after_begin = rest.get(b..).unwrap_or_default();
        let e = after_begin
            .find(&end)
            .ok_or_else(|| PkiError::malformed("PEM", format!("missing \"{end}\"")))?;
        let block_end = e.saturating_add(end.len());
        let block = after_begin.get(..block_end).unwrap_or_default();
        if out.len() >= limit {
            return Err(PkiError::TooMany {
                what: "PEM input",
                limit,
            });
        }
        let (_, der) = der::pem::decode_vec(block.as_bytes())
            .map_err(|e| PkiError::malformed("PEM", e.to_string()))?;
        out.push(der);
        rest = after_begin.get(block_end..).unwrap_or_default();
    }
    Ok(out)
}

pub(crate) fn to_pem(label: &str, der: &[u8]) -> String {
    der::pem::encode_string(label, der::pem::LineEnding::LF, der).unwrap_or_else(|_| String::new())
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
