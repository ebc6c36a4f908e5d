//! [`Signature`]: a parsed electronic seal signature (SES_Signature) of any version.

use std::ops::Range;

use der::DateTime;
use der::asn1::ObjectIdentifier;

use super::common::{ExtensionDatas, TimeStamp};
use super::deviation::{Ctx, Deviation, ParseMode};
use super::seal::{Seal, read_outer};
use super::time::{SesTime, parse_v1_time_info};
use super::version::signature_is_v1;
use super::{SesError, SesVersion, v1, v4};

/// The typed structure of a signature, per layout.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureStructure {
    /// GM/T 0031-2014.
    V1(v1::SesSignature),
    /// GB/T 38540-2020 or GM/T 0031-2025.
    V4(v4::SesSignature),
}

impl SignatureStructure {
    fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        match self {
            Self::V1(s) => s.write(out, field),
            Self::V4(s) => s.write(out, field),
        }
    }
}

/// The signing time of a signature, as the version represents it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeInfo<'a> {
    /// GB/T 38540 / GM/T 0031-2025: a GeneralizedTime (UTCTime in lenient mode).
    Time(&'a SesTime),
    /// GM/T 0031-2014: BIT STRING contents in a format the standard leaves open.
    V1 {
        /// The raw contents.
        raw: &'a [u8],
        /// A best-effort reading (see [`parse_v1_time_info`]); no time zone is applied.
        parsed: Option<DateTime>,
    },
}

/// An electronic seal signature (电子签章, SES_Signature) of any version, as parsed.
///
/// Keeps the original DER; the signer's signature must be verified over
/// [`Signature::tbs_der`] (the original `TBS_Sign` element), never over a re-encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    version: SesVersion,
    der: Vec<u8>,
    structure: SignatureStructure,
    deviations: Vec<Deviation>,
    tbs: Range<usize>,
}

impl Signature {
    /// Parses a signature (e.g. an OFD `SignedValue.dat`), detecting its version.
    ///
    /// # Errors
    /// [`SesError`] naming the field and byte offset when the input is not a well-formed
    /// signature, [`SesError::NotSes`] for other DER (e.g. a bare SM2 signature), and
    /// [`SesError::Deviation`] in strict mode for a known deviation.
    pub fn from_der(bytes: &[u8], mode: ParseMode) -> Result<Self, SesError> {
        const FIELD: &str = "SES_Signature";
        let outer = read_outer(bytes, FIELD)?;
        let mut ctx = Ctx::new(mode);
        let (version, structure, tbs) = if signature_is_v1(&outer)? {
            let (s, tbs) = v1::SesSignature::read(&outer, FIELD, &mut ctx)?;
            (SesVersion::V1, SignatureStructure::V1(s), tbs)
        } else {
            let (s, tbs) = v4::SesSignature::read(&outer, FIELD, &mut ctx)?;
            // The layout is shared by v4 and v5: the embedded seal tells them apart, or, when
            // it is (wrongly) a GM/T 0031-2014 seal, `TBS_Sign.version`.
            let version = match s.to_sign.eseal.version() {
                SesVersion::V1 if s.to_sign.version == 5 => SesVersion::V5,
                SesVersion::V1 => SesVersion::V4,
                other => other,
            };
            (version, SignatureStructure::V4(s), tbs)
        };
        Ok(Self {
            version,
            der: bytes.to_vec(),
            structure,
            deviations: ctx.into_deviations(),
            tbs,
        })
    }

    /// Assembles a signature from its typed structure (for making signatures): encodes it and
    /// parses the result.
    ///
    /// # Errors
    /// [`SesError::InvalidValue`] when a field cannot be encoded, or a parse error when the
    /// structure is inconsistent.
    pub fn from_structure(structure: &SignatureStructure) -> Result<Self, SesError> {
        let mut der = Vec::new();
        structure.write(&mut der, "SES_Signature")?;
        Self::from_der(&der, ParseMode::Lenient)
    }

    /// The detected version: the layout (GM/T 0031-2014 or later), and for the later layout the
    /// embedded seal's version.
    ///
    /// Parsing does not require the embedded seal to be of the signature's generation (a
    /// GM/T 0031-2014 signature may carry a GB/T 38540 seal); the verifier reports such a
    /// mismatch as the `signature.version` check.
    #[must_use]
    pub fn version(&self) -> SesVersion {
        self.version
    }

    /// The typed structure.
    #[must_use]
    pub fn structure(&self) -> &SignatureStructure {
        &self.structure
    }

    /// The deviations accepted in lenient mode, including those of the embedded seal.
    #[must_use]
    pub fn deviations(&self) -> &[Deviation] {
        &self.deviations
    }

    /// The original DER of the whole signature.
    #[must_use]
    pub fn as_der(&self) -> &[u8] {
        &self.der
    }

    /// Re-encodes the typed structure (equal to [`Signature::as_der`] for parsed signatures).
    ///
    /// # Errors
    /// [`SesError::InvalidValue`] when a field cannot be encoded.
    pub fn to_der(&self) -> Result<Vec<u8>, SesError> {
        let mut out = Vec::new();
        self.structure.write(&mut out, "SES_Signature")?;
        Ok(out)
    }

    /// The original DER of `TBS_Sign`: the bytes the signer signed.
    #[must_use]
    pub fn tbs_der(&self) -> &[u8] {
        // The range comes from parsing `self.der` itself, so it is always in bounds.
        self.der.get(self.tbs.clone()).unwrap_or_default()
    }

    /// `TBS_Sign.version`.
    #[must_use]
    pub fn tbs_version(&self) -> i64 {
        match &self.structure {
            SignatureStructure::V1(s) => s.to_sign.version,
            SignatureStructure::V4(s) => s.to_sign.version,
        }
    }

    /// The embedded seal.
    #[must_use]
    pub fn seal(&self) -> &Seal {
        match &self.structure {
            SignatureStructure::V1(s) => &s.to_sign.eseal,
            SignatureStructure::V4(s) => &s.to_sign.eseal,
        }
    }

    /// The signing time claimed by the signer (`timeInfo`).
    #[must_use]
    pub fn time_info(&self) -> TimeInfo<'_> {
        match &self.structure {
            SignatureStructure::V1(s) => {
                let raw = s.to_sign.time_info.bytes();
                TimeInfo::V1 {
                    raw,
                    parsed: parse_v1_time_info(raw),
                }
            }
            SignatureStructure::V4(s) => TimeInfo::Time(&s.to_sign.time_info),
        }
    }

    /// The hash of the protected data (`dataHash`).
    #[must_use]
    pub fn data_hash(&self) -> &[u8] {
        match &self.structure {
            SignatureStructure::V1(s) => s.to_sign.data_hash.bytes(),
            SignatureStructure::V4(s) => s.to_sign.data_hash.bytes(),
        }
    }

    /// What was signed (`propertyInfo`; OFD: the path of `Signature.xml`).
    #[must_use]
    pub fn property_info(&self) -> &str {
        match &self.structure {
            SignatureStructure::V1(s) => &s.to_sign.property_info,
            SignatureStructure::V4(s) => &s.to_sign.property_info,
        }
    }

    /// The signer certificate (DER): `TBS_Sign.cert` in v1, `SES_Signature.cert` in v4/v5.
    #[must_use]
    pub fn signer_cert_der(&self) -> &[u8] {
        match &self.structure {
            SignatureStructure::V1(s) => &s.to_sign.cert,
            SignatureStructure::V4(s) => &s.cert,
        }
    }

    /// The signer's signature algorithm.
    #[must_use]
    pub fn signature_algorithm(&self) -> &ObjectIdentifier {
        match &self.structure {
            SignatureStructure::V1(s) => &s.to_sign.signature_algorithm,
            SignatureStructure::V4(s) => &s.signature_alg_id,
        }
    }

    /// The signer's signature bytes as stored (DER `SEQUENCE { r, s }` or raw `r‖s`).
    #[must_use]
    pub fn signature_value(&self) -> &[u8] {
        match &self.structure {
            SignatureStructure::V1(s) => s.signature.raw_bytes(),
            SignatureStructure::V4(s) => s.signature.raw_bytes(),
        }
    }

    /// The timestamp over the signature value (v4/v5).
    #[must_use]
    pub fn timestamp(&self) -> Option<&TimeStamp> {
        match &self.structure {
            SignatureStructure::V1(_) => None,
            SignatureStructure::V4(s) => s.time_stamp.as_ref(),
        }
    }

    /// Vendor extensions of `TBS_Sign` (v4/v5).
    #[must_use]
    pub fn ext_datas(&self) -> Option<&ExtensionDatas> {
        match &self.structure {
            SignatureStructure::V1(_) => None,
            SignatureStructure::V4(s) => s.to_sign.ext_datas.as_ref(),
        }
    }
}
