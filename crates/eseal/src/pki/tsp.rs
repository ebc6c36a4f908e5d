//! RFC 3161 time-stamp tokens with SM2/SM3 (GB/T 20520; the profile GM/T 0033 services use):
//! read and check tokens, read responses and requests, and issue tokens with a local TSA key.
//!
//! # Checking a token
//!
//! [`verify_token`]`(token, data)` checks that the token stamps `data`, and returns a
//! [`TimestampInfo`] with genTime and the TSA certificate:
//!
//! 1. the token is a SignedData (PKCS#7 or GM/T 0010 outer OID) encapsulating a TSTInfo
//!    (`id-ct-TSTInfo`), with exactly one SignerInfo;
//! 2. `messageImprint.hashedMessage` equals the hash of `data` under the imprint algorithm
//!    (SM3, or SHA-256) — else [`TimestampError::ImprintMismatch`];
//! 3. the SignerInfo's messageDigest equals SM3 of the TSTInfo and the SM2 signature (default
//!    ID) verifies with the TSA certificate, embedded or supplied;
//! 4. the TSA certificate has a critical extendedKeyUsage with id-kp-timeStamping only;
//! 5. the ESS signingCertificate(V2) attribute, if present, names that certificate (strict
//!    verification requires it); a nonce, if expected, matches.
//!
//! Whether the TSA certificate is *trusted* is a separate step: chain
//! [`TimestampInfo::tsa_certificate`] with [`verify_path`](crate::pki::verify_path) at
//! [`TimestampInfo::gen_time`] (the token's own certificates are in
//! [`TimestampInfo::certificates`]).
//!
//! # What is hashed
//!
//! The caller passes the stamped bytes themselves: for a GB/T 38540 `SES_Signature.timeStamp`
//! the signature value (the BIT STRING contents); for a CAdES signature timestamp the SignerInfo
//! `signature` OCTET STRING contents; for a PDF document timestamp the ByteRange bytes. The
//! imprint is SM3 of those bytes (or SHA-256 when the token says so).
//!
//! # Issuing
//!
//! [`LocalTsa`] signs TSTInfos with a TSA certificate and any [`Signer`] (tests, offline
//! deployments); genTime, serial number and nonce are arguments. No network client is included.

mod error;

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode, Tag};
use sha2::Digest as _;

pub use error::{TimestampError, TimestampErrorClass};

use super::cms::asn1 as cms_asn1;
use super::cms::encode as cms_encode;
use super::cms::{self, CmsError, Content, Deviation, DigestCheck, OidFlavour, SignatureCheck};
use crate::crypto::sm3::sm3;
use crate::oid;
use crate::pki::{Certificate, Signer};
use crate::time::Time;
use error::from_cms;

/// The largest timestamp token, response or request eseal reads: 1 MiB.
pub const MAX_TIMESTAMP_SIZE: usize = 1024 * 1024;

/// The hash of a message imprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImprintAlgorithm {
    /// SM3 (`1.2.156.10197.1.401`), the GB/T 20520 / GM/T 0033 choice.
    Sm3,
    /// SHA-256 (`2.16.840.1.101.3.4.2.1`), read for tokens from international TSAs.
    Sha256,
}

impl ImprintAlgorithm {
    /// The algorithm's OID.
    #[must_use]
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Sm3 => oid::SM3,
            Self::Sha256 => oid::SHA256,
        }
    }

    /// The hash of `data`.
    #[must_use]
    pub fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sm3 => sm3(data).to_vec(),
            Self::Sha256 => sha2::Sha256::digest(data).to_vec(),
        }
    }

    /// The digest length in bytes (32 for both).
    #[must_use]
    pub fn digest_len(self) -> usize {
        32
    }

    fn from_alg(alg: &cms_asn1::AlgId) -> Result<Self, TimestampError> {
        let a = if alg.oid == oid::SM3 {
            Self::Sm3
        } else if alg.oid == oid::SHA256 {
            Self::Sha256
        } else {
            return Err(TimestampError::UnsupportedImprintAlgorithm { oid: alg.oid });
        };
        if alg.params_absent_or_null() {
            Ok(a)
        } else {
            Err(TimestampError::malformed(
                "messageImprint hashAlgorithm",
                "parameters must be absent or NULL",
            ))
        }
    }
}

/// `Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] INTEGER (1..999) OPTIONAL,
/// micros [1] INTEGER (1..999) OPTIONAL }` (RFC 3161 §2.4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Accuracy {
    /// Whole seconds.
    pub seconds: u32,
    /// Milliseconds, 0–999.
    pub millis: u16,
    /// Microseconds, 0–999.
    pub micros: u16,
}

impl Accuracy {
    /// The accuracy rounded up to whole seconds.
    #[must_use]
    pub fn ceil_seconds(&self) -> u64 {
        u64::from(self.seconds) + u64::from(self.millis > 0 || self.micros > 0)
    }
}

/// `TSTInfo` (RFC 3161 §2.4.2):
///
/// ```text
/// TSTInfo ::= SEQUENCE {
///   version INTEGER { v1(1) }, policy TSAPolicyId, messageImprint MessageImprint,
///   serialNumber INTEGER, genTime GeneralizedTime, accuracy Accuracy OPTIONAL,
///   ordering BOOLEAN DEFAULT FALSE, nonce INTEGER OPTIONAL, tsa [0] GeneralName OPTIONAL,
///   extensions [1] IMPLICIT Extensions OPTIONAL }
/// MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TstInfo {
    /// The TSA's policy under which the token was issued.
    pub policy: ObjectIdentifier,
    /// The hash of the stamped data.
    pub imprint_algorithm: ImprintAlgorithm,
    /// The hash of the stamped data (`hashedMessage`).
    pub hashed_message: Vec<u8>,
    /// serialNumber, as a big-endian magnitude.
    pub serial: Vec<u8>,
    /// genTime, truncated to the second.
    pub gen_time: Time,
    /// The fraction-of-second digits of genTime ("" when none), e.g. "123" for .123.
    pub gen_time_fraction: String,
    /// accuracy, when present.
    pub accuracy: Option<Accuracy>,
    /// ordering.
    pub ordering: bool,
    /// nonce, as a big-endian magnitude.
    pub nonce: Option<Vec<u8>>,
    /// The tsa GeneralName's whole DER, when present.
    pub tsa_name: Option<Vec<u8>>,
    /// Whether extensions are present (eseal does not interpret them).
    pub has_extensions: bool,
    /// The TSTInfo DER (the eContent).
    pub der: Vec<u8>,
}

impl TstInfo {
    /// Reads a DER TSTInfo.
    ///
    /// # Errors
    ///
    /// [`TimestampError::Malformed`] or [`TimestampError::UnsupportedImprintAlgorithm`].
    pub fn from_der(der: &[u8]) -> Result<Self, TimestampError> {
        const WHAT: &str = "TSTInfo";
        let mut e = cms::Elements::of(der, Tag::Sequence, WHAT).map_err(from_cms)?;
        let version = e
            .expect(Tag::Integer, "TSTInfo version")
            .map_err(from_cms)?;
        if version.value != [1] {
            return Err(TimestampError::malformed(WHAT, "version is not 1"));
        }
        let policy = e.oid("TSTInfo policy").map_err(from_cms)?;
        let (imprint_algorithm, hashed_message) = read_imprint(&e.next().map_err(from_cms)?)?;
        let serial = e
            .expect(Tag::Integer, "TSTInfo serialNumber")
            .map_err(from_cms)?;
        let serial = cms_asn1::unsigned_integer(&serial, "TSTInfo serialNumber")
            .map_err(from_cms)?
            .to_vec();
        let gen_tlv = e
            .expect(Tag::GeneralizedTime, "TSTInfo genTime")
            .map_err(from_cms)?;
        let (gen_time, gen_time_fraction) =
            cms::read_time(&gen_tlv, "TSTInfo genTime").map_err(from_cms)?;
        let accuracy = match e.optional(Tag::Sequence).map_err(from_cms)? {
            Some(a) => Some(read_accuracy(a.value)?),
            None => None,
        };
        let ordering = match e.optional(Tag::Boolean).map_err(from_cms)? {
            Some(b) => match b.value {
                [0xFF] => true,
                [0x00] => false,
                _ => {
                    return Err(TimestampError::malformed(
                        WHAT,
                        "ordering is not a DER BOOLEAN",
                    ));
                }
            },
            None => false,
        };
        let nonce = match e.optional(Tag::Integer).map_err(from_cms)? {
            Some(n) => Some(
                cms_asn1::unsigned_integer(&n, "TSTInfo nonce")
                    .map_err(from_cms)?
                    .to_vec(),
            ),
            None => None,
        };
        let tsa_name = e
            .optional(cms_asn1::ctx(0))
            .map_err(from_cms)?
            .map(|t| t.value.to_vec());
        let has_extensions = e.optional(cms_asn1::ctx(1)).map_err(from_cms)?.is_some();
        e.finish().map_err(from_cms)?;
        Ok(Self {
            policy,
            imprint_algorithm,
            hashed_message,
            serial,
            gen_time,
            gen_time_fraction,
            accuracy,
            ordering,
            nonce,
            tsa_name,
            has_extensions,
            der: der.to_vec(),
        })
    }

    /// Whether `hashed_message` is the hash of `data` under the imprint algorithm.
    #[must_use]
    pub fn imprint_covers(&self, data: &[u8]) -> bool {
        self.imprint_algorithm.hash(data) == self.hashed_message
    }

    /// The tsa name as text, when it is a directoryName.
    #[must_use]
    pub fn tsa_directory_name(&self) -> Option<String> {
        let raw = self.tsa_name.as_deref()?;
        let tlv = cms_asn1::single(raw, "tsa").ok()?;
        if tlv.tag != cms_asn1::ctx(4) {
            return None;
        }
        x509_cert::name::Name::from_der(tlv.value)
            .ok()
            .map(|n| n.to_string())
    }
}

fn read_imprint(tlv: &cms_asn1::Tlv<'_>) -> Result<(ImprintAlgorithm, Vec<u8>), TimestampError> {
    const WHAT: &str = "messageImprint";
    if tlv.tag != Tag::Sequence {
        return Err(TimestampError::malformed(WHAT, "not a SEQUENCE"));
    }
    let mut m = cms::Elements::new(tlv.value, WHAT).map_err(from_cms)?;
    let alg = cms_asn1::AlgId::read(&m.next().map_err(from_cms)?, WHAT).map_err(from_cms)?;
    let algorithm = ImprintAlgorithm::from_alg(&alg)?;
    let hashed = m.expect(Tag::OctetString, WHAT).map_err(from_cms)?;
    m.finish().map_err(from_cms)?;
    if hashed.value.len() != algorithm.digest_len() {
        return Err(TimestampError::malformed(
            WHAT,
            "hashedMessage length does not match the hash algorithm",
        ));
    }
    Ok((algorithm, hashed.value.to_vec()))
}

fn read_accuracy(contents: &[u8]) -> Result<Accuracy, TimestampError> {
    const WHAT: &str = "TSTInfo accuracy";
    let mut a = cms::Elements::new(contents, WHAT).map_err(from_cms)?;
    let small = |tlv: cms_asn1::Tlv<'_>, max: u64| -> Result<u64, TimestampError> {
        let v = cms_asn1::unsigned_integer(&tlv, WHAT).map_err(from_cms)?;
        if v.len() > 4 {
            return Err(TimestampError::malformed(WHAT, "value out of range"));
        }
        let n = v.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        if n > max {
            return Err(TimestampError::malformed(WHAT, "value out of range"));
        }
        Ok(n)
    };
    let mut out = Accuracy::default();
    if let Some(s) = a.optional(Tag::Integer).map_err(from_cms)? {
        out.seconds = u32::try_from(small(s, u64::from(u32::MAX))?).unwrap_or(u32::MAX);
    }
    // The RFC 3161 module uses IMPLICIT tags: millis is [0] primitive, micros [1] primitive.
    if let Some(m) = a.optional(cms_asn1::ctx_primitive(0)).map_err(from_cms)? {
        let any = integer_from_implicit(m.value)?;
        out.millis = u16::try_from(small(any.as_tlv(), 999)?).unwrap_or(999);
    }
    if let Some(m) = a.optional(cms_asn1::ctx_primitive(1)).map_err(from_cms)? {
        let any = integer_from_implicit(m.value)?;
        out.micros = u16::try_from(small(any.as_tlv(), 999)?).unwrap_or(999);
    }
    a.finish().map_err(from_cms)?;
    Ok(out)
}

/// An INTEGER re-tagged from an IMPLICIT context tag.
struct ImplicitInt(Vec<u8>);

impl ImplicitInt {
    fn as_tlv(&self) -> cms_asn1::Tlv<'_> {
        cms_asn1::Tlv {
            tag: Tag::Integer,
            value: self.0.get(2..).unwrap_or_default(),
            raw: &self.0,
        }
    }
}

fn integer_from_implicit(value: &[u8]) -> Result<ImplicitInt, TimestampError> {
    if value.len() > 8 {
        return Err(TimestampError::malformed(
            "TSTInfo accuracy",
            "value out of range",
        ));
    }
    let mut raw = vec![0x02, u8::try_from(value.len()).unwrap_or(0)];
    raw.extend_from_slice(value);
    Ok(ImplicitInt(raw))
}

/// A parsed TimeStampToken: a SignedData encapsulating a TSTInfo. Reading does not verify.
#[derive(Debug, Clone)]
pub struct TimestampToken {
    signed: cms::SignedData,
    info: TstInfo,
}

impl TimestampToken {
    /// Reads a DER TimeStampToken (ContentInfo with PKCS#7 or GM/T 0010 signedData OID).
    ///
    /// # Errors
    ///
    /// [`TimestampError::TooLarge`] over [`MAX_TIMESTAMP_SIZE`], [`TimestampError::Cms`] /
    /// [`TimestampError::Malformed`] for unreadable structures, [`TimestampError::NotTstInfo`].
    pub fn from_der(der: &[u8]) -> Result<Self, TimestampError> {
        if der.len() > MAX_TIMESTAMP_SIZE {
            return Err(TimestampError::TooLarge {
                what: "timestamp token",
                limit: MAX_TIMESTAMP_SIZE,
                found: der.len(),
            });
        }
        let signed = cms::SignedData::from_der(der).map_err(from_cms)?;
        if *signed.econtent_type() != oid::TST_INFO {
            return Err(TimestampError::NotTstInfo {
                econtent_type: *signed.econtent_type(),
            });
        }
        let content = signed.content().ok_or_else(|| {
            TimestampError::malformed("timestamp token", "no TSTInfo (eContent absent)")
        })?;
        let info = TstInfo::from_der(content)?;
        Ok(Self { signed, info })
    }

    /// The TSTInfo.
    #[must_use]
    pub fn info(&self) -> &TstInfo {
        &self.info
    }

    /// The CMS layer.
    #[must_use]
    pub fn signed_data(&self) -> &cms::SignedData {
        &self.signed
    }

    /// Checks the token against `imprint` (see the module docs).
    ///
    /// # Errors
    ///
    /// The first check that fails, as a [`TimestampError`].
    pub fn verify(
        &self,
        imprint: Imprint<'_>,
        options: &TimestampVerifyOptions,
    ) -> Result<TimestampInfo, TimestampError> {
        let info = &self.info;
        let imprint_ok = match imprint {
            Imprint::Data(d) => info.imprint_covers(d),
            Imprint::Digest { algorithm, digest } => {
                algorithm == info.imprint_algorithm && digest == info.hashed_message.as_slice()
            }
        };
        if !imprint_ok {
            return Err(TimestampError::ImprintMismatch);
        }
        if self.signed.signer_count() != 1 {
            return Err(TimestampError::SignerCount {
                found: self.signed.signer_count(),
            });
        }
        let sv = self
            .signed
            .verify_signer(0, Content::Attached, &options.cms)
            .map_err(from_cms)?;
        if sv.digest == DigestCheck::Mismatch {
            return Err(TimestampError::MessageDigestMismatch);
        }
        if sv.signature != SignatureCheck::Valid {
            return Err(TimestampError::SignatureInvalid);
        }
        check_tsa_certificate(&sv.signer_certificate)?;
        let signing_certificate_bound = match sv.signing_certificate_attribute {
            Some(true) => true,
            Some(false) => return Err(TimestampError::SigningCertificateMismatch),
            None if options.cms.is_lenient() => false,
            None => return Err(TimestampError::SigningCertificateMissing),
        };
        if let Some(expected) = &options.nonce {
            if info.nonce.as_deref() != Some(strip_leading_zeros(expected)) {
                return Err(TimestampError::NonceMismatch);
            }
        }
        Ok(TimestampInfo {
            gen_time: info.gen_time,
            accuracy: info.accuracy,
            serial: info.serial.clone(),
            policy: info.policy,
            imprint_algorithm: info.imprint_algorithm,
            tsa_certificate: sv.signer_certificate,
            certificates: self.signed.certificates().to_vec(),
            signing_certificate_bound,
            deviations: sv.deviations,
            tst_info: info.clone(),
        })
    }
}

fn strip_leading_zeros(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|&x| x != 0)
        .unwrap_or(b.len().saturating_sub(1));
    b.get(start..).unwrap_or(b)
}

/// Checks RFC 3161 §2.3: extendedKeyUsage present, critical, id-kp-timeStamping only.
pub(crate) fn check_tsa_certificate(cert: &Certificate) -> Result<(), TimestampError> {
    let fail = |detail| TimestampError::NotTsaCertificate {
        subject: cert.subject_string(),
        detail,
    };
    match cert.extended_key_usage() {
        None => Err(fail("it has no extendedKeyUsage extension")),
        Some(_) if !cert.extended_key_usage_is_critical() => {
            Err(fail("its extendedKeyUsage is not critical"))
        }
        Some([only]) if *only == oid::KP_TIME_STAMPING => Ok(()),
        Some(_) => Err(fail(
            "its extendedKeyUsage is not exactly id-kp-timeStamping",
        )),
    }
}

/// What the token must stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Imprint<'a> {
    /// The stamped bytes; eseal hashes them with the token's imprint algorithm.
    Data(&'a [u8]),
    /// A precomputed hash of the stamped bytes.
    Digest {
        /// The hash algorithm.
        algorithm: ImprintAlgorithm,
        /// The hash.
        digest: &'a [u8],
    },
}

/// How to verify a token.
#[derive(Debug, Clone, Default)]
pub struct TimestampVerifyOptions {
    cms: cms::VerifyOptions,
    nonce: Option<Vec<u8>>,
}

impl TimestampVerifyOptions {
    /// Strict: every CMS deviation refused, signingCertificate(V2) required, default ID.
    #[must_use]
    pub fn strict() -> Self {
        Self::default()
    }

    /// Lenient: CMS deviations accepted and reported, signingCertificate(V2) optional.
    #[must_use]
    pub fn lenient() -> Self {
        Self {
            cms: cms::VerifyOptions::lenient(),
            nonce: None,
        }
    }

    /// Verify the TSA signature with this distinguishing ID instead of the default.
    #[must_use]
    pub fn with_dist_id(mut self, id: crate::crypto::sm2::DistId) -> Self {
        self.cms = self.cms.with_dist_id(id);
        self
    }

    /// Look for the TSA certificate among these too (tokens requested with certReq false
    /// embed none).
    #[must_use]
    pub fn with_certificates(
        mut self,
        certificates: impl IntoIterator<Item = Certificate>,
    ) -> Self {
        self.cms = self.cms.with_certificates(certificates);
        self
    }

    /// Require this nonce (big-endian magnitude), as sent in the request.
    #[must_use]
    pub fn with_nonce(mut self, nonce: &[u8]) -> Self {
        self.nonce = Some(nonce.to_vec());
        self
    }
}

/// A verified timestamp: when, by whom, and under which policy. The TSA certificate is not
/// yet trusted; chain it at [`gen_time`](Self::gen_time).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TimestampInfo {
    /// genTime, truncated to the second (fraction in [`TstInfo::gen_time_fraction`]).
    pub gen_time: Time,
    /// accuracy, when given.
    pub accuracy: Option<Accuracy>,
    /// serialNumber (big-endian magnitude).
    pub serial: Vec<u8>,
    /// The TSA policy.
    pub policy: ObjectIdentifier,
    /// The imprint's hash algorithm.
    pub imprint_algorithm: ImprintAlgorithm,
    /// The certificate whose key signed the token.
    pub tsa_certificate: Certificate,
    /// All certificates embedded in the token (for building the TSA's path).
    pub certificates: Vec<Certificate>,
    /// Whether an ESS signingCertificate(V2) attribute binds the TSA certificate.
    pub signing_certificate_bound: bool,
    /// CMS deviations accepted under lenient verification.
    pub deviations: Vec<Deviation>,
    /// Every TSTInfo field.
    pub tst_info: TstInfo,
}

impl TimestampInfo {
    /// The latest instant the stamped data may have existed at: genTime plus accuracy
    /// (rounded up to the second), or genTime when no accuracy is given.
    #[must_use]
    pub fn latest_time(&self) -> Time {
        let extra = self.accuracy.map_or(0, |a| a.ceil_seconds());
        let fraction = u64::from(!self.tst_info.gen_time_fraction.is_empty());
        self.gen_time
            .saturating_add_seconds(extra.saturating_add(fraction))
    }
}

/// Verifies `token` (DER TimeStampToken) over `data` under strict rules and returns genTime
/// and the TSA certificate (see the module docs for the checks and what to hash).
///
/// # Errors
///
/// The first failed check as a [`TimestampError`]; see [`TimestampError::class`].
pub fn verify_token(token: &[u8], data: &[u8]) -> Result<TimestampInfo, TimestampError> {
    TimestampToken::from_der(token)?.verify(Imprint::Data(data), &TimestampVerifyOptions::strict())
}

/// As [`verify_token`], for a precomputed hash of the stamped data.
///
/// # Errors
///
/// As [`verify_token`].
pub fn verify_token_digest(
    token: &[u8],
    algorithm: ImprintAlgorithm,
    digest: &[u8],
) -> Result<TimestampInfo, TimestampError> {
    TimestampToken::from_der(token)?.verify(
        Imprint::Digest { algorithm, digest },
        &TimestampVerifyOptions::strict(),
    )
}

/// `PKIStatus` values of RFC 3161 §2.4.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PkiStatus {
    /// 0: a token is present.
    Granted,
    /// 1: a token is present, with modifications.
    GrantedWithMods,
    /// 2: refused.
    Rejection,
    /// 3: not yet available.
    Waiting,
    /// 4: a revocation is imminent.
    RevocationWarning,
    /// 5: a revocation has occurred.
    RevocationNotification,
}

impl PkiStatus {
    fn from_u8(v: u8) -> Option<Self> {
        Some(match v {
            0 => Self::Granted,
            1 => Self::GrantedWithMods,
            2 => Self::Rejection,
            3 => Self::Waiting,
            4 => Self::RevocationWarning,
            5 => Self::RevocationNotification,
            _ => return None,
        })
    }

    /// The numeric value.
    #[must_use]
    pub fn value(self) -> u8 {
        match self {
            Self::Granted => 0,
            Self::GrantedWithMods => 1,
            Self::Rejection => 2,
            Self::Waiting => 3,
            Self::RevocationWarning => 4,
            Self::RevocationNotification => 5,
        }
    }
}

/// A `TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken TimeStampToken
/// OPTIONAL }` with `PKIStatusInfo ::= SEQUENCE { status PKIStatus, statusString PKIFreeText
/// OPTIONAL, failInfo PKIFailureInfo OPTIONAL }` (RFC 3161 §2.4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TimestampResponse {
    /// The status.
    pub status: PkiStatus,
    /// The statusString texts.
    pub status_text: Vec<String>,
    /// failInfo bits (bit 0 = badAlg, 2 = badRequest, 5 = badDataFormat, 14 = timeNotAvailable,
    /// 15 = unacceptedPolicy, 16 = unacceptedExtension, 17 = addInfoNotAvailable,
    /// 25 = systemFailure), bit *n* at `1 << n`.
    pub fail_info: Option<u32>,
    /// The token's DER, when granted.
    pub token: Option<Vec<u8>>,
}

impl TimestampResponse {
    /// Reads a DER TimeStampResp.
    ///
    /// # Errors
    ///
    /// [`TimestampError::Malformed`] / [`TimestampError::TooLarge`].
    pub fn from_der(der: &[u8]) -> Result<Self, TimestampError> {
        const WHAT: &str = "TimeStampResp";
        if der.len() > MAX_TIMESTAMP_SIZE {
            return Err(TimestampError::TooLarge {
                what: WHAT,
                limit: MAX_TIMESTAMP_SIZE,
                found: der.len(),
            });
        }
        let mut r = cms::Elements::of(der, Tag::Sequence, WHAT).map_err(from_cms)?;
        let si = r.expect(Tag::Sequence, "PKIStatusInfo").map_err(from_cms)?;
        let mut s = cms::Elements::new(si.value, "PKIStatusInfo").map_err(from_cms)?;
        let status = s
            .expect(Tag::Integer, "PKIStatusInfo status")
            .map_err(from_cms)?;
        let status = match status.value {
            [v] => PkiStatus::from_u8(*v),
            _ => None,
        }
        .ok_or_else(|| TimestampError::malformed("PKIStatusInfo", "unknown status value"))?;
        let mut status_text = Vec::new();
        if let Some(texts) = s.optional(Tag::Sequence).map_err(from_cms)? {
            let mut t = cms::Elements::new(texts.value, "PKIFreeText").map_err(from_cms)?;
            while !t.is_finished() {
                if status_text.len() >= 16 {
                    return Err(TimestampError::malformed(
                        "PKIFreeText",
                        "more than 16 texts",
                    ));
                }
                let u = t.expect(Tag::Utf8String, "PKIFreeText").map_err(from_cms)?;
                status_text.push(String::from_utf8_lossy(u.value).into_owned());
            }
        }
        let fail_info = match s.optional(Tag::BitString).map_err(from_cms)? {
            Some(b) => {
                let bits = der::asn1::BitStringRef::from_der(b.raw)
                    .map_err(|e| TimestampError::malformed("PKIFailureInfo", e.to_string()))?;
                let mut v = 0u32;
                for (i, bit) in bits.bits().take(32).enumerate() {
                    if bit {
                        v |= 1 << i;
                    }
                }
                Some(v)
            }
            None => None,
        };
        s.finish().map_err(from_cms)?;
        let token = if r.is_finished() {
            None
        } else {
            Some(
                r.expect(Tag::Sequence, "timeStampToken")
                    .map_err(from_cms)?
                    .raw
                    .to_vec(),
            )
        };
        r.finish().map_err(from_cms)?;
        Ok(Self {
            status,
            status_text,
            fail_info,
            token,
        })
    }

    /// The token of a granted response.
    ///
    /// # Errors
    ///
    /// [`TimestampError::NotGranted`] for other statuses, [`TimestampError::Malformed`] when a
    /// granted response carries no token.
    pub fn into_token(self) -> Result<Vec<u8>, TimestampError> {
        match self.status {
            PkiStatus::Granted | PkiStatus::GrantedWithMods => self.token.ok_or_else(|| {
                TimestampError::malformed("TimeStampResp", "status granted but no token")
            }),
            other => Err(TimestampError::NotGranted {
                status: other.value(),
                status_text: self.status_text.join("; "),
            }),
        }
    }
}

/// A `TimeStampReq ::= SEQUENCE { version INTEGER { v1(1) }, messageImprint MessageImprint,
/// reqPolicy TSAPolicyId OPTIONAL, nonce INTEGER OPTIONAL, certReq BOOLEAN DEFAULT FALSE,
/// extensions [0] IMPLICIT Extensions OPTIONAL }` (RFC 3161 §2.4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TimestampRequest {
    /// The imprint's hash algorithm.
    pub imprint_algorithm: ImprintAlgorithm,
    /// The hash to stamp.
    pub hashed_message: Vec<u8>,
    /// reqPolicy.
    pub policy: Option<ObjectIdentifier>,
    /// nonce (big-endian magnitude).
    pub nonce: Option<Vec<u8>>,
    /// certReq: whether the TSA certificate must be embedded.
    pub cert_req: bool,
}

impl TimestampRequest {
    /// Reads a DER TimeStampReq. Requests with extensions are refused (eseal understands none).
    ///
    /// # Errors
    ///
    /// [`TimestampError::Malformed`], [`TimestampError::UnsupportedImprintAlgorithm`].
    pub fn from_der(der: &[u8]) -> Result<Self, TimestampError> {
        const WHAT: &str = "TimeStampReq";
        if der.len() > MAX_TIMESTAMP_SIZE {
            return Err(TimestampError::TooLarge {
                what: WHAT,
                limit: MAX_TIMESTAMP_SIZE,
                found: der.len(),
            });
        }
        let mut r = cms::Elements::of(der, Tag::Sequence, WHAT).map_err(from_cms)?;
        let version = r
            .expect(Tag::Integer, "TimeStampReq version")
            .map_err(from_cms)?;
        if version.value != [1] {
            return Err(TimestampError::malformed(WHAT, "version is not 1"));
        }
        let (imprint_algorithm, hashed_message) = read_imprint(&r.next().map_err(from_cms)?)?;
        let policy = match r.peek_tag() {
            Some(Tag::ObjectIdentifier) => Some(r.oid("TimeStampReq reqPolicy").map_err(from_cms)?),
            _ => None,
        };
        let nonce = match r.optional(Tag::Integer).map_err(from_cms)? {
            Some(n) => Some(
                cms_asn1::unsigned_integer(&n, "TimeStampReq nonce")
                    .map_err(from_cms)?
                    .to_vec(),
            ),
            None => None,
        };
        let cert_req = match r.optional(Tag::Boolean).map_err(from_cms)? {
            Some(b) => match b.value {
                [0xFF] => true,
                [0x00] => false,
                _ => {
                    return Err(TimestampError::malformed(
                        WHAT,
                        "certReq is not a DER BOOLEAN",
                    ));
                }
            },
            None => false,
        };
        if r.peek_tag().is_some() {
            return Err(TimestampError::malformed(
                WHAT,
                "extensions are not supported (or trailing fields)",
            ));
        }
        Ok(Self {
            imprint_algorithm,
            hashed_message,
            policy,
            nonce,
            cert_req,
        })
    }
}

/// A time-stamping authority in process: a TSA certificate, its key behind [`Signer`], and a
/// policy OID. genTime, serial numbers and nonces are the caller's.
///
/// Tokens carry signed attributes contentType (id-ct-TSTInfo), messageDigest (SM3 of the
/// TSTInfo) and signingCertificateV2 (SM3 hash of the TSA certificate), the TSA certificate
/// (and [`with_chain`](Self::with_chain) certificates), and PKCS#7 outer OIDs unless
/// [`with_flavour`](Self::with_flavour) says GM/T 0010.
#[derive(Debug)]
pub struct LocalTsa<S> {
    certificate: Certificate,
    signer: S,
    policy: ObjectIdentifier,
    flavour: OidFlavour,
    chain: Vec<Certificate>,
    accuracy: Option<Accuracy>,
}

impl<S: Signer> LocalTsa<S> {
    /// A TSA signing with `signer` under `certificate` and `policy`.
    ///
    /// # Errors
    ///
    /// [`TimestampError::NotTsaCertificate`] when the certificate lacks the critical
    /// id-kp-timeStamping extendedKeyUsage (RFC 3161 §2.3).
    pub fn new(
        certificate: Certificate,
        signer: S,
        policy: ObjectIdentifier,
    ) -> Result<Self, TimestampError> {
        check_tsa_certificate(&certificate)?;
        Ok(Self {
            certificate,
            signer,
            policy,
            flavour: OidFlavour::Pkcs7,
            chain: Vec::new(),
            accuracy: None,
        })
    }

    /// Use GM/T 0010 or PKCS#7 outer OIDs (eContentType stays id-ct-TSTInfo).
    #[must_use]
    pub fn with_flavour(mut self, flavour: OidFlavour) -> Self {
        self.flavour = flavour;
        self
    }

    /// Also embed these certificates (intermediates) after the TSA certificate.
    #[must_use]
    pub fn with_chain(mut self, chain: impl IntoIterator<Item = Certificate>) -> Self {
        self.chain.extend(chain);
        self
    }

    /// Write this accuracy into every TSTInfo.
    #[must_use]
    pub fn with_accuracy(mut self, accuracy: Accuracy) -> Self {
        self.accuracy = Some(accuracy);
        self
    }

    /// The TSA certificate.
    #[must_use]
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// A DER TimeStampToken over `data`: the imprint is SM3 of exactly these bytes (for an SES
    /// signature timestamp, pass the signature value; for CAdES, the SignerInfo signature).
    ///
    /// `serial` and `nonce` are big-endian magnitudes (serial: 1–20 bytes, unique per token).
    ///
    /// # Errors
    ///
    /// [`TimestampError::InvalidArgument`] for an unusable serial or time;
    /// [`TimestampError::Cms`] when signing fails.
    pub fn timestamp(
        &self,
        data: &[u8],
        gen_time: Time,
        serial: &[u8],
        nonce: Option<&[u8]>,
    ) -> Result<Vec<u8>, TimestampError> {
        self.timestamp_digest(
            ImprintAlgorithm::Sm3,
            &sm3(data),
            gen_time,
            serial,
            nonce,
            true,
        )
    }

    /// A DER TimeStampToken over a precomputed hash (`digest` under `algorithm`).
    /// `embed_certificate` false leaves the certificates out (a request with certReq false).
    ///
    /// # Errors
    ///
    /// As [`LocalTsa::timestamp`]; also when `digest` is not 32 bytes.
    pub fn timestamp_digest(
        &self,
        algorithm: ImprintAlgorithm,
        digest: &[u8],
        gen_time: Time,
        serial: &[u8],
        nonce: Option<&[u8]>,
        embed_certificate: bool,
    ) -> Result<Vec<u8>, TimestampError> {
        if digest.len() != algorithm.digest_len() {
            return Err(TimestampError::invalid(
                "digest",
                "length does not match the hash algorithm",
            ));
        }
        let magnitude = strip_leading_zeros(serial);
        if magnitude.is_empty() || magnitude == [0] || magnitude.len() > 20 {
            return Err(TimestampError::invalid(
                "serial",
                "must be a positive number of at most 20 bytes",
            ));
        }
        let tst = encode_tst_info(
            &self.policy,
            algorithm,
            digest,
            magnitude,
            gen_time,
            self.accuracy,
            nonce,
        )
        .map_err(from_cms)?;
        cms::build(
            &cms::BuildParams {
                flavour: self.flavour,
                econtent_type: &oid::TST_INFO,
                econtent: Some(&tst),
                content: Some(&tst),
                digest: sm3(&tst),
                signed_attributes: true,
                signing_time: None,
                signing_certificate_v2: true,
                chain: &self.chain,
                embed_certificates: embed_certificate,
            },
            &self.certificate,
            &self.signer,
        )
        .map_err(from_cms)
    }

    /// Answers a DER TimeStampReq with a DER TimeStampResp (status granted), honouring the
    /// request's nonce and certReq. A request naming another policy is rejected with status
    /// 2 and failInfo unacceptedPolicy.
    ///
    /// # Errors
    ///
    /// When the request cannot be read or signing fails.
    pub fn respond(
        &self,
        request: &[u8],
        gen_time: Time,
        serial: &[u8],
    ) -> Result<Vec<u8>, TimestampError> {
        let req = TimestampRequest::from_der(request)?;
        if req.policy.is_some_and(|p| p != self.policy) {
            return rejection(&["unaccepted policy"], 15).map_err(from_cms);
        }
        let token = self.timestamp_digest(
            req.imprint_algorithm,
            &req.hashed_message,
            gen_time,
            serial,
            req.nonce.as_deref(),
            req.cert_req,
        )?;
        granted_response(&token)
    }
}

/// Wraps `token` in a TimeStampResp with status granted.
///
/// # Errors
///
/// [`TimestampError::InvalidArgument`] when `token` is not one DER element.
pub fn granted_response(token: &[u8]) -> Result<Vec<u8>, TimestampError> {
    cms_asn1::single(token, "timestamp token")
        .map_err(|e| TimestampError::invalid("timestamp token", e.to_string()))?;
    let status =
        cms_encode::sequence(&[&cms_encode::small_int(0).map_err(from_cms)?]).map_err(from_cms)?;
    cms_encode::sequence(&[&status, token]).map_err(from_cms)
}

fn rejection(texts: &[&str], fail_bit: u8) -> Result<Vec<u8>, CmsError> {
    let mut free = Vec::new();
    for t in texts {
        free.push(cms_encode::tlv(Tag::Utf8String, t.as_bytes())?);
    }
    let free = cms_encode::sequence(&free.iter().map(Vec::as_slice).collect::<Vec<_>>())?;
    let mut bits = vec![0u8; usize::from(fail_bit / 8) + 1];
    if let Some(b) = bits.get_mut(usize::from(fail_bit / 8)) {
        *b = 0x80 >> (fail_bit % 8);
    }
    let fail = der::asn1::BitStringRef::new(7 - (fail_bit % 8), &bits)
        .and_then(|b| b.to_der())
        .map_err(|e| CmsError::encode("failInfo", e))?;
    let status = cms_encode::sequence(&[&cms_encode::small_int(2)?, &free, &fail])?;
    cms_encode::sequence(&[&status])
}

fn encode_tst_info(
    policy: &ObjectIdentifier,
    algorithm: ImprintAlgorithm,
    digest: &[u8],
    serial: &[u8],
    gen_time: Time,
    accuracy: Option<Accuracy>,
    nonce: Option<&[u8]>,
) -> Result<Vec<u8>, CmsError> {
    let imprint = cms_encode::sequence(&[
        &cms_encode::alg_id(&algorithm.oid())?,
        &cms_encode::octet_string(digest)?,
    ])?;
    let mut parts = vec![
        cms_encode::small_int(1)?,
        cms_encode::oid(policy)?,
        imprint,
        cms_encode::uint(serial, "serial")?,
        cms_encode::generalized_time(gen_time, "genTime")?,
    ];
    if let Some(a) = accuracy {
        let mut acc = Vec::new();
        if a.seconds > 0 {
            acc.push(cms_encode::uint(&a.seconds.to_be_bytes(), "accuracy")?);
        }
        for (tag, v) in [(0u8, a.millis), (1u8, a.micros)] {
            if v > 0 {
                let int = cms_encode::uint(&v.min(999).to_be_bytes(), "accuracy")?;
                let value = int.get(2..).unwrap_or_default();
                acc.push(cms_encode::tlv(cms_asn1::ctx_primitive(tag), value)?);
            }
        }
        parts.push(cms_encode::sequence(
            &acc.iter().map(Vec::as_slice).collect::<Vec<_>>(),
        )?);
    }
    if let Some(n) = nonce {
        parts.push(cms_encode::uint(n, "nonce")?);
    }
    cms_encode::sequence(&parts.iter().map(Vec::as_slice).collect::<Vec<_>>())
}
