//! A small certificate authority: root, intermediate and end-entity SM2 certificates signed
//! with SM2-with-SM3 (default ID), for tests, examples, demos and offline CAs.
//!
//! Certificates are assembled from `x509-cert` types and signed as DER; the `signatureAlgorithm`
//! is written without parameters, as OpenSSL and GmSSL do (real CAs write NULL; eseal reads both).
//!
//! Key identifiers: the subjectKeyIdentifier is the leftmost 160 bits of SM3 over the
//! subjectPublicKey BIT STRING value, RFC 7093 method 1 with SM3 in place of SHA-256.
//! The authorityKeyIdentifier copies the issuer's subjectKeyIdentifier (or computes it the same
//! way when the issuer has none).

use der::asn1::{Any, AnyRef, BitString, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Sequence, Tag};
use rand_core::CryptoRng;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::certificate::Version;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints as X509BasicConstraints, ExtendedKeyUsage,
    KeyUsage as X509KeyUsage, KeyUsages, SubjectKeyIdentifier,
};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::time::Validity;

use super::certificate::{self, BasicConstraints, Certificate, KeyUsage};
use super::error::PkiError;
use super::sm2_adapter;
use crate::oid;
use crate::time::Time;

/// Something that holds an SM2 private key and signs with SM3 and the default ID
/// (`1234567812345678`): a software key, a USB key, an HSM.
pub trait Signer {
    /// The DER `SubjectPublicKeyInfo` of the key (`id-ecPublicKey`, curve SM2).
    fn public_key_spki(&self) -> Result<Vec<u8>, PkiError>;

    /// Signs `message` (the whole message, not a digest: the signer computes
    /// `e = SM3(Z || message)` with the default ID) and returns the DER `SM2Signature`
    /// `SEQUENCE { r INTEGER, s INTEGER }`.
    fn sign_sm2_sm3(&self, message: &[u8]) -> Result<Vec<u8>, PkiError>;
}

impl<T: Signer + ?Sized> Signer for &T {
    fn public_key_spki(&self) -> Result<Vec<u8>, PkiError> {
        (**self).public_key_spki()
    }
    fn sign_sm2_sm3(&self, message: &[u8]) -> Result<Vec<u8>, PkiError> {
        (**self).sign_sm2_sm3(message)
    }
}

impl<T: Signer + ?Sized> Signer for Box<T> {
    fn public_key_spki(&self) -> Result<Vec<u8>, PkiError> {
        (**self).public_key_spki()
    }
    fn sign_sm2_sm3(&self, message: &[u8]) -> Result<Vec<u8>, PkiError> {
        (**self).sign_sm2_sm3(message)
    }
}

/// A distinguished name built from the attributes Chinese certificates use, in the order
/// added. `C` is written as PrintableString (RFC 5280 requires it), all others as UTF8String.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DistinguishedName {
    attributes: Vec<(ObjectIdentifier, String)>,
}

impl DistinguishedName {
    /// An empty name; add attributes with the other methods.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds countryName (`C`), two letters such as `CN`.
    #[must_use]
    pub fn country(self, value: &str) -> Self {
        self.push(oid::AT_COUNTRY_NAME, value)
    }

    /// Adds stateOrProvinceName (`ST`).
    #[must_use]
    pub fn state_or_province(self, value: &str) -> Self {
        self.push(oid::AT_STATE_OR_PROVINCE_NAME, value)
    }

    /// Adds localityName (`L`).
    #[must_use]
    pub fn locality(self, value: &str) -> Self {
        self.push(oid::AT_LOCALITY_NAME, value)
    }

    /// Adds organizationName (`O`).
    #[must_use]
    pub fn organization(self, value: &str) -> Self {
        self.push(oid::AT_ORGANIZATION_NAME, value)
    }

    /// Adds organizationalUnitName (`OU`).
    #[must_use]
    pub fn organizational_unit(self, value: &str) -> Self {
        self.push(oid::AT_ORGANIZATIONAL_UNIT_NAME, value)
    }

    /// Adds commonName (`CN`).
    #[must_use]
    pub fn common_name(self, value: &str) -> Self {
        self.push(oid::AT_COMMON_NAME, value)
    }

    fn push(mut self, oid: ObjectIdentifier, value: &str) -> Self {
        self.attributes.push((oid, value.to_owned()));
        self
    }

    /// The X.509 `Name`, one attribute per RDN.
    pub fn to_name(&self) -> Result<Name, PkiError> {
        if self.attributes.is_empty() {
            return Err(PkiError::invalid("distinguished name", "has no attributes"));
        }
        let mut rdns = Vec::with_capacity(self.attributes.len());
        for (oid, value) in &self.attributes {
            if value.is_empty() || value.len() > 256 {
                return Err(PkiError::invalid(
                    "distinguished name",
                    format!("attribute {oid} must be 1 to 256 bytes"),
                ));
            }
            let tag = if *oid == oid::AT_COUNTRY_NAME {
                if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_alphabetic()) {
                    return Err(PkiError::invalid(
                        "distinguished name",
                        "countryName must be two letters (ISO 3166), e.g. CN",
                    ));
                }
                Tag::PrintableString
            } else {
                Tag::Utf8String
            };
            let value = Any::new(tag, value.as_bytes())
                .map_err(|e| PkiError::encode("distinguished name", e))?;
            let rdn = RelativeDistinguishedName::try_from(vec![AttributeTypeAndValue {
                oid: *oid,
                value,
            }])
            .map_err(|e| PkiError::encode("distinguished name", e))?;
            rdns.push(rdn);
        }
        let der = RdnSequence::from(rdns)
            .to_der()
            .map_err(|e| PkiError::encode("distinguished name", e))?;
        Name::from_der(&der).map_err(|e| PkiError::encode("distinguished name", e))
    }
}

/// What a certificate is for; decides its basicConstraints, keyUsage and extendedKeyUsage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateProfile {
    /// A self-signed root CA: CA:TRUE, keyUsage keyCertSign + cRLSign (both critical).
    Root {
        /// pathLenConstraint, if any.
        path_len: Option<u8>,
    },
    /// A subordinate CA: CA:TRUE, keyUsage keyCertSign + cRLSign (both critical).
    Intermediate {
        /// pathLenConstraint, if any.
        path_len: Option<u8>,
    },
    /// A seal maker (制章者) certificate, which signs electronic seals:
    /// CA:FALSE, keyUsage digitalSignature + nonRepudiation (critical).
    SealMaker,
    /// A signer (签章者) certificate, which signs documents with a seal:
    /// CA:FALSE, keyUsage digitalSignature + nonRepudiation (critical).
    Signer,
    /// A time-stamping authority (RFC 3161 §2.3): CA:FALSE, keyUsage digitalSignature +
    /// nonRepudiation (critical), extendedKeyUsage id-kp-timeStamping only (critical).
    Tsa,
}

impl CertificateProfile {
    fn basic_constraints(self) -> BasicConstraints {
        match self {
            Self::Root { path_len } | Self::Intermediate { path_len } => {
                BasicConstraints { ca: true, path_len }
            }
            Self::SealMaker | Self::Signer | Self::Tsa => BasicConstraints {
                ca: false,
                path_len: None,
            },
        }
    }

    fn key_usage(self) -> KeyUsage {
        match self {
            Self::Root { .. } | Self::Intermediate { .. } => {
                KeyUsage::KEY_CERT_SIGN | KeyUsage::CRL_SIGN
            }
            Self::SealMaker | Self::Signer | Self::Tsa => {
                KeyUsage::DIGITAL_SIGNATURE | KeyUsage::NON_REPUDIATION
            }
        }
    }
}

/// The contents of a certificate to issue: profile, subject, validity, and optional
/// overrides (for unusual certificates and for tests of refusals).
#[derive(Debug, Clone)]
pub struct CertificateTemplate {
    profile: CertificateProfile,
    subject: DistinguishedName,
    not_before: Time,
    not_after: Time,
    serial: Option<Vec<u8>>,
    key_usage: Option<Option<KeyUsage>>,
    basic_constraints: Option<Option<BasicConstraints>>,
    extra: Vec<Extension>,
}

impl CertificateTemplate {
    /// A template valid from `not_before` to `not_after` inclusive.
    #[must_use]
    pub fn new(
        profile: CertificateProfile,
        subject: DistinguishedName,
        not_before: Time,
        not_after: Time,
    ) -> Self {
        Self {
            profile,
            subject,
            not_before,
            not_after,
            serial: None,
            key_usage: None,
            basic_constraints: None,
            extra: Vec::new(),
        }
    }

    /// Uses this serial number (big-endian magnitude, 1–20 bytes, not zero) instead of 16
    /// random bytes.
    #[must_use]
    pub fn with_serial(mut self, serial: &[u8]) -> Self {
        self.serial = Some(serial.to_vec());
        self
    }

    /// Replaces the profile's keyUsage; `None` leaves the extension out.
    #[must_use]
    pub fn with_key_usage(mut self, key_usage: Option<KeyUsage>) -> Self {
        self.key_usage = Some(key_usage);
        self
    }

    /// Replaces the profile's basicConstraints; `None` leaves the extension out.
    #[must_use]
    pub fn with_basic_constraints(mut self, basic_constraints: Option<BasicConstraints>) -> Self {
        self.basic_constraints = Some(basic_constraints);
        self
    }

    /// Adds an extension: `value` is the DER of the extension's ASN.1 value (the content of
    /// `extnValue`).
    #[must_use]
    pub fn with_extension(mut self, oid: ObjectIdentifier, critical: bool, value: &[u8]) -> Self {
        // An OctetString over 256 MiB cannot be built; keep the error for `issue`.
        if let Ok(extn_value) = OctetString::new(value) {
            self.extra.push(Extension {
                extn_id: oid,
                critical,
                extn_value,
            });
        }
        self
    }
}

/// A CA: its certificate and the signer holding the certificate's private key.
#[derive(Debug)]
pub struct CertificateAuthority<S> {
    certificate: Certificate,
    signer: S,
}

impl<S: Signer> CertificateAuthority<S> {
    /// Creates a self-signed certificate for `signer`'s key (normally with
    /// [`CertificateProfile::Root`]).
    pub fn self_signed<R: CryptoRng + ?Sized>(
        signer: S,
        template: &CertificateTemplate,
        rng: &mut R,
    ) -> Result<Self, PkiError> {
        let spki_der = signer.public_key_spki()?;
        let spki = parse_spki(&spki_der)?;
        let subject = template.subject.to_name()?;
        let ski = key_identifier(&spki);
        let der = build_certificate(&signer, template, &subject, &spki, &ski, rng)?;
        let certificate = Certificate::from_der(&der)?;
        Ok(Self {
            certificate,
            signer,
        })
    }

    /// Pairs an existing certificate with the signer for its key. The key must match the
    /// certificate; whether the certificate is a CA is left to path validation.
    pub fn from_parts(certificate: Certificate, signer: S) -> Result<Self, PkiError> {
        let spki = parse_spki(&signer.public_key_spki()?)?;
        if &spki != certificate.subject_public_key_info() {
            return Err(PkiError::invalid(
                "signer",
                "its public key is not the certificate's subject public key",
            ));
        }
        Ok(Self {
            certificate,
            signer,
        })
    }

    /// The CA's certificate.
    #[must_use]
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The CA's signer.
    #[must_use]
    pub fn signer(&self) -> &S {
        &self.signer
    }

    /// Issues a certificate for the key `subject_spki_der` (a DER SubjectPublicKeyInfo).
    pub fn issue<R: CryptoRng + ?Sized>(
        &self,
        template: &CertificateTemplate,
        subject_spki_der: &[u8],
        rng: &mut R,
    ) -> Result<Certificate, PkiError> {
        let spki = parse_spki(subject_spki_der)?;
        certificate::sm2_point(&spki)?;
        let issuer_name = self.certificate.subject().clone();
        let aki = match self.certificate.subject_key_id() {
            Some(id) => id.to_vec(),
            None => key_identifier(self.certificate.subject_public_key_info()),
        };
        let der = build_issued(self, template, &issuer_name, &spki, &aki, rng)?;
        Certificate::from_der(&der)
    }

    /// Issues a subordinate CA certificate for `signer`'s key and returns the new CA.
    pub fn issue_ca<S2: Signer, R: CryptoRng + ?Sized>(
        &self,
        signer: S2,
        template: &CertificateTemplate,
        rng: &mut R,
    ) -> Result<CertificateAuthority<S2>, PkiError> {
        let certificate = self.issue(template, &signer.public_key_spki()?, rng)?;
        CertificateAuthority::from_parts(certificate, signer)
    }

    /// Signs `message` with the CA key and checks the result against the CA's public key, so
    /// a faulty external signer cannot produce an unverifiable certificate or CRL.
    pub(crate) fn sign_checked(&self, message: &[u8]) -> Result<Vec<u8>, PkiError> {
        sign_checked(
            &self.signer,
            self.certificate.subject_public_key_info(),
            message,
        )
    }
}

fn sign_checked<S: Signer + ?Sized>(
    signer: &S,
    spki: &SubjectPublicKeyInfoOwned,
    message: &[u8],
) -> Result<Vec<u8>, PkiError> {
    let sig = signer.sign_sm2_sm3(message)?;
    let point = certificate::sm2_point(spki)?;
    sm2_adapter::verify_sm2_sm3(point, message, &sig).map_err(|_| PkiError::Signing {
        detail: "the signer returned a signature that does not verify with its public key".into(),
    })?;
    Ok(sig)
}

/// `AlgorithmIdentifier` for SM2-with-SM3, parameters absent (as OpenSSL writes it).
pub(crate) fn sm2_with_sm3() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: oid::SM2_WITH_SM3,
        parameters: None,
    }
}

fn parse_spki(der: &[u8]) -> Result<SubjectPublicKeyInfoOwned, PkiError> {
    let spki = SubjectPublicKeyInfoOwned::from_der(der)
        .map_err(|e| PkiError::der("subject public key info", e))?;
    certificate::sm2_point(&spki)?;
    Ok(spki)
}

/// RFC 7093 method 1 with SM3: the leftmost 160 bits of SM3(subjectPublicKey).
pub(crate) fn key_identifier(spki: &SubjectPublicKeyInfoOwned) -> Vec<u8> {
    let digest = sm2_adapter::sm3(spki.subject_public_key.raw_bytes());
    digest.iter().take(20).copied().collect()
}

/// `TBSCertificate` (RFC 5280 §4.1) as written by eseal. `x509-cert` 0.3 keeps the fields of
/// its own type private, so the builder encodes this mirror of it from the same field types.
#[derive(Sequence)]
struct TbsCertificateOut {
    #[asn1(context_specific = "0", default = "Default::default")]
    version: Version,
    serial_number: SerialNumber,
    signature: AlgorithmIdentifierOwned,
    issuer: Name,
    validity: Validity,
    subject: Name,
    subject_public_key_info: SubjectPublicKeyInfoOwned,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<Vec<Extension>>,
}

/// `SEQUENCE { tbs, signatureAlgorithm, signatureValue }`: the outer shape shared by
/// certificates and CRLs; `tbs` is embedded byte-for-byte.
#[derive(Sequence)]
pub(crate) struct SignedOut<'a> {
    pub(crate) tbs: AnyRef<'a>,
    pub(crate) algorithm: AlgorithmIdentifierOwned,
    pub(crate) signature: BitString,
}

/// Encodes a signed structure around `tbs` with signature `sig`.
pub(crate) fn wrap_signed(tbs: &[u8], sig: &[u8], what: &'static str) -> Result<Vec<u8>, PkiError> {
    let tbs = AnyRef::from_der(tbs).map_err(|e| PkiError::encode(what, e))?;
    let signature = BitString::from_bytes(sig).map_err(|e| PkiError::encode(what, e))?;
    SignedOut {
        tbs,
        algorithm: sm2_with_sm3(),
        signature,
    }
    .to_der()
    .map_err(|e| PkiError::encode(what, e))
}

fn build_issued<S: Signer, R: CryptoRng + ?Sized>(
    ca: &CertificateAuthority<S>,
    template: &CertificateTemplate,
    issuer: &Name,
    spki: &SubjectPublicKeyInfoOwned,
    aki: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>, PkiError> {
    let subject = template.subject.to_name()?;
    let tbs = encode_tbs(template, issuer, &subject, spki, aki, rng)?;
    let sig = ca.sign_checked(&tbs)?;
    wrap_signed(&tbs, &sig, "certificate")
}

fn build_certificate<S: Signer, R: CryptoRng + ?Sized>(
    signer: &S,
    template: &CertificateTemplate,
    subject: &Name,
    spki: &SubjectPublicKeyInfoOwned,
    ski: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>, PkiError> {
    let tbs = encode_tbs(template, subject, subject, spki, ski, rng)?;
    let sig = sign_checked(signer, spki, &tbs)?;
    wrap_signed(&tbs, &sig, "certificate")
}

fn encode_tbs<R: CryptoRng + ?Sized>(
    template: &CertificateTemplate,
    issuer: &Name,
    subject: &Name,
    spki: &SubjectPublicKeyInfoOwned,
    aki: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>, PkiError> {
    if template.not_after < template.not_before {
        return Err(PkiError::invalid(
            "validity",
            "notAfter is before notBefore",
        ));
    }
    let serial = match &template.serial {
        Some(s) => s.clone(),
        None => random_serial(rng)?,
    };
    if serial.iter().all(|b| *b == 0) {
        return Err(PkiError::invalid(
            "serial number",
            "must be positive (RFC 5280 §4.1.2.2)",
        ));
    }
    let serial_number = SerialNumber::new(&serial)
        .map_err(|_| PkiError::invalid("serial number", "must be at most 20 bytes"))?;
    let validity = Validity::new(
        certificate::to_x509_time(template.not_before, "notBefore")?,
        certificate::to_x509_time(template.not_after, "notAfter")?,
    );
    let mut exts = Vec::new();
    let bc = template
        .basic_constraints
        .unwrap_or_else(|| Some(template.profile.basic_constraints()));
    if let Some(bc) = bc {
        let value = X509BasicConstraints {
            ca: bc.ca,
            path_len_constraint: bc.path_len,
        };
        exts.push(extension(oid::CE_BASIC_CONSTRAINTS, true, &value)?);
    }
    let ku = template
        .key_usage
        .unwrap_or_else(|| Some(template.profile.key_usage()));
    if let Some(ku) = ku {
        exts.push(extension(oid::CE_KEY_USAGE, true, &to_x509_key_usage(ku))?);
    }
    if template.profile == CertificateProfile::Tsa {
        let eku = ExtendedKeyUsage(vec![oid::KP_TIME_STAMPING]);
        exts.push(extension(oid::CE_EXT_KEY_USAGE, true, &eku)?);
    }
    let ski = OctetString::new(key_identifier(spki)).map_err(|e| PkiError::encode("SKI", e))?;
    exts.push(extension(
        oid::CE_SUBJECT_KEY_IDENTIFIER,
        false,
        &SubjectKeyIdentifier(ski),
    )?);
    let aki = AuthorityKeyIdentifier {
        key_identifier: Some(OctetString::new(aki).map_err(|e| PkiError::encode("AKI", e))?),
        ..Default::default()
    };
    exts.push(extension(oid::CE_AUTHORITY_KEY_IDENTIFIER, false, &aki)?);
    exts.extend(template.extra.iter().cloned());
    TbsCertificateOut {
        version: Version::V3,
        serial_number,
        signature: sm2_with_sm3(),
        issuer: issuer.clone(),
        validity,
        subject: subject.clone(),
        subject_public_key_info: spki.clone(),
        extensions: Some(exts),
    }
    .to_der()
    .map_err(|e| PkiError::encode("tbsCertificate", e))
}

pub(crate) fn extension<T: Encode>(
    oid: ObjectIdentifier,
    critical: bool,
    value: &T,
) -> Result<Extension, PkiError> {
    let der = value
        .to_der()
        .map_err(|e| PkiError::encode("extension", e))?;
    Ok(Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(der).map_err(|e| PkiError::encode("extension", e))?,
    })
}

fn to_x509_key_usage(ku: KeyUsage) -> X509KeyUsage {
    const ALL: [KeyUsages; 9] = [
        KeyUsages::DigitalSignature,
        KeyUsages::NonRepudiation,
        KeyUsages::KeyEncipherment,
        KeyUsages::DataEncipherment,
        KeyUsages::KeyAgreement,
        KeyUsages::KeyCertSign,
        KeyUsages::CRLSign,
        KeyUsages::EncipherOnly,
        KeyUsages::DecipherOnly,
    ];
    let mut set = der::flagset::FlagSet::<KeyUsages>::default();
    for (bit, flag) in ALL.iter().enumerate() {
        if ku.bits() & (1 << bit) != 0 {
            set |= *flag;
        }
    }
    X509KeyUsage(set)
}

/// 16 random bytes, top bit clear and first byte non-zero: a positive 128-bit serial whose
/// DER needs no padding byte.
fn random_serial<R: CryptoRng + ?Sized>(rng: &mut R) -> Result<Vec<u8>, PkiError> {
    let mut serial = vec![0u8; 16];
    rng.fill_bytes(&mut serial);
    if let Some(first) = serial.first_mut() {
        *first = (*first & 0x7f).max(1);
    }
    Ok(serial)
}
