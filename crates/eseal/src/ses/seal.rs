//! [`Seal`]: a parsed electronic seal (SESeal) of any version, with its original bytes.

use std::borrow::Cow;
use std::ops::Range;

use der::Tag;
use der::asn1::ObjectIdentifier;

use super::common::{ExtensionDatas, SesEsPictrueInfo, SesHeader, TimeStamp};
use super::deviation::{Ctx, Deviation, DeviationKind, ParseMode};
use super::io::{Cursor, Tlv, write_tlv};
use super::seal_info::{CertList, SesSealInfo};
use super::time::SesTime;
use super::version::seal_layout;
use super::{MAX_INPUT_LEN, SesError, SesVersion, v1, v4};

/// The typed structure of a seal, per layout.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SealStructure {
    /// GM/T 0031-2014.
    V1(v1::SesSeal),
    /// GB/T 38540-2020 or GM/T 0031-2025 (same layout; v5 may carry a timestamp).
    V4(v4::SesSeal),
}

impl SealStructure {
    /// The seal contents.
    #[must_use]
    pub fn seal_info(&self) -> &SesSealInfo {
        match self {
            Self::V1(s) => &s.eseal_info,
            Self::V4(s) => &s.eseal_info,
        }
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        match self {
            Self::V1(s) => s.write(out, field),
            Self::V4(s) => s.write(out, field),
        }
    }
}

/// Which bytes a maker signature may cover (standards notes §3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MakerSignedForm {
    /// The DER of `eSealInfo` alone: what GB/T 38540 and GM/T 0031-2025 makers sign in the field.
    SealInfoOnly,
    /// `SEQUENCE { eSealInfo, cert, signAlgID }` built from the original elements: what
    /// GM/T 0031-2014 makers sign, and an alternative reading of GB/T 38540.
    SealInfoCertAlgorithm,
}

impl MakerSignedForm {
    /// The name reports use: `seal_info_only` or `seal_info_cert_algorithm`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SealInfoOnly => "seal_info_only",
            Self::SealInfoCertAlgorithm => "seal_info_cert_algorithm",
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for MakerSignedForm {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Absolute ranges of the elements a maker signature is computed over.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct SignedParts {
    pub(crate) seal_info: Range<usize>,
    pub(crate) cert: Range<usize>,
    pub(crate) alg: Range<usize>,
}

impl SignedParts {
    fn rebase(self, base: usize) -> Self {
        let r = |r: Range<usize>| r.start.saturating_sub(base)..r.end.saturating_sub(base);
        Self {
            seal_info: r(self.seal_info),
            cert: r(self.cert),
            alg: r(self.alg),
        }
    }
}

/// An electronic seal (电子印章, SESeal) of any version, as parsed.
///
/// Keeps the original DER: the maker signature must be verified over the original encodings
/// ([`Seal::maker_signed_bytes`]), never over a re-encoding. [`Seal::to_der`] re-encodes the
/// typed structure; for every parsed seal it reproduces [`Seal::as_der`] byte for byte, because
/// each tolerated deviation is represented in the types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    version: SesVersion,
    der: Vec<u8>,
    structure: SealStructure,
    deviations: Vec<Deviation>,
    parts: SignedParts,
}

impl Seal {
    /// Parses a seal, detecting its version (GM/T 0031-2014, GB/T 38540-2020, GM/T 0031-2025).
    ///
    /// # Errors
    /// [`SesError`] naming the field and byte offset when the input is not a well-formed seal,
    /// and [`SesError::Deviation`] in strict mode for a known deviation.
    pub fn from_der(bytes: &[u8], mode: ParseMode) -> Result<Self, SesError> {
        let outer = read_outer(bytes, "SESeal")?;
        let mut ctx = Ctx::new(mode);
        let mut seal = Self::parse(&outer, "SESeal", &mut ctx)?;
        seal.deviations = ctx.into_deviations();
        Ok(seal)
    }

    /// Assembles a seal from its typed structure (for making seals): encodes it and parses the
    /// result, so that the original-bytes accessors work as for a parsed seal.
    ///
    /// # Errors
    /// [`SesError::InvalidValue`] when a field cannot be encoded, or a parse error when the
    /// structure is inconsistent (e.g. a v4 property without `certListType`).
    pub fn from_structure(structure: &SealStructure) -> Result<Self, SesError> {
        let mut der = Vec::new();
        structure.write(&mut der, "SESeal")?;
        Self::from_der(&der, ParseMode::Lenient)
    }

    /// Parses an embedded seal; its deviations are recorded in both the seal and `ctx`.
    pub(crate) fn read_embedded(
        tlv: &Tlv<'_>,
        field: &str,
        ctx: &mut Ctx,
    ) -> Result<Self, SesError> {
        let mut sub = Ctx::new(ctx.mode());
        let mut seal = Self::parse(tlv, field, &mut sub)?;
        seal.deviations = sub.into_deviations();
        ctx.absorb(&seal.deviations);
        Ok(seal)
    }

    fn parse(tlv: &Tlv<'_>, field: &str, ctx: &mut Ctx) -> Result<Self, SesError> {
        let version = seal_layout(tlv)?;
        let (structure, parts) = match version {
            SesVersion::V1 => {
                let (s, p) = v1::SesSeal::read(tlv, field, ctx)?;
                (SealStructure::V1(s), p)
            }
            SesVersion::V4 | SesVersion::V5 => {
                let (s, p) = v4::SesSeal::read(tlv, field, version, ctx)?;
                (SealStructure::V4(s), p)
            }
        };
        let found = structure.seal_info().header.version;
        let consistent = match version {
            SesVersion::V1 => found == 1 || found == 2,
            SesVersion::V4 => found == 4,
            SesVersion::V5 => found == 5,
        };
        if !consistent {
            ctx.deviate(
                DeviationKind::HeaderVersion {
                    found,
                    layout: version,
                },
                &format!(
                    "{field}.{}.header.version",
                    if version == SesVersion::V1 {
                        "esealInfo"
                    } else {
                        "eSealInfo"
                    }
                ),
                tlv.offset,
            )?;
        }
        Ok(Self {
            version,
            der: tlv.bytes.to_vec(),
            structure,
            deviations: Vec::new(),
            parts: parts.rebase(tlv.offset),
        })
    }

    /// The detected version.
    #[must_use]
    pub fn version(&self) -> SesVersion {
        self.version
    }

    /// The typed structure.
    #[must_use]
    pub fn structure(&self) -> &SealStructure {
        &self.structure
    }

    /// The deviations from the standard accepted in lenient mode (empty in strict mode). Offsets
    /// are relative to the input given to `from_der` (for an embedded seal: the signature).
    #[must_use]
    pub fn deviations(&self) -> &[Deviation] {
        &self.deviations
    }

    /// The original DER of the whole seal.
    #[must_use]
    pub fn as_der(&self) -> &[u8] {
        &self.der
    }

    /// Re-encodes the typed structure (equal to [`Seal::as_der`] for parsed seals).
    ///
    /// # Errors
    /// [`SesError::InvalidValue`] when a field cannot be encoded.
    pub fn to_der(&self) -> Result<Vec<u8>, SesError> {
        let mut out = Vec::new();
        self.write(&mut out, "SESeal")?;
        Ok(out)
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        self.structure.write(out, field)
    }

    /// The seal contents (`eSealInfo` / `esealInfo`).
    #[must_use]
    pub fn seal_info(&self) -> &SesSealInfo {
        self.structure.seal_info()
    }

    /// The header.
    #[must_use]
    pub fn header(&self) -> &SesHeader {
        &self.seal_info().header
    }

    /// The seal identifier (`esID`).
    #[must_use]
    pub fn es_id(&self) -> &str {
        &self.seal_info().es_id
    }

    /// The seal type (`property.type`).
    #[must_use]
    pub fn seal_type(&self) -> i64 {
        self.seal_info().property.seal_type
    }

    /// The seal name (`property.name`).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.seal_info().property.name
    }

    /// The signers allowed to use the seal (`property.certList`).
    #[must_use]
    pub fn cert_list(&self) -> &CertList {
        &self.seal_info().property.cert_list
    }

    /// When the seal was made.
    #[must_use]
    pub fn create_date(&self) -> &SesTime {
        &self.seal_info().property.create_date
    }

    /// Start of validity.
    #[must_use]
    pub fn valid_start(&self) -> &SesTime {
        &self.seal_info().property.valid_start
    }

    /// End of validity.
    #[must_use]
    pub fn valid_end(&self) -> &SesTime {
        &self.seal_info().property.valid_end
    }

    /// The seal picture.
    #[must_use]
    pub fn picture(&self) -> &SesEsPictrueInfo {
        &self.seal_info().picture
    }

    /// Vendor extensions of the seal contents.
    #[must_use]
    pub fn ext_datas(&self) -> Option<&ExtensionDatas> {
        self.seal_info().ext_datas.as_ref()
    }

    /// The maker certificate (DER).
    #[must_use]
    pub fn maker_cert_der(&self) -> &[u8] {
        match &self.structure {
            SealStructure::V1(s) => &s.sign_info.cert,
            SealStructure::V4(s) => &s.cert,
        }
    }

    /// The maker's signature algorithm.
    #[must_use]
    pub fn signature_algorithm(&self) -> &ObjectIdentifier {
        match &self.structure {
            SealStructure::V1(s) => &s.sign_info.signature_algorithm,
            SealStructure::V4(s) => &s.sign_alg_id,
        }
    }

    /// The maker's signature bytes as stored (DER `SEQUENCE { r, s }` or raw `r‖s`).
    #[must_use]
    pub fn maker_signature(&self) -> &[u8] {
        match &self.structure {
            SealStructure::V1(s) => s.sign_info.sign_data.raw_bytes(),
            SealStructure::V4(s) => s.signed_value.raw_bytes(),
        }
    }

    /// The maker-side timestamp (GM/T 0031-2025).
    #[must_use]
    pub fn maker_timestamp(&self) -> Option<&TimeStamp> {
        match &self.structure {
            SealStructure::V1(_) => None,
            SealStructure::V4(s) => s.time_stamp.as_ref(),
        }
    }

    /// The original DER of the seal contents (`eSealInfo`).
    #[must_use]
    pub fn seal_info_der(&self) -> &[u8] {
        self.slice(&self.parts.seal_info)
    }

    /// The forms the maker signature may cover, in the order to try them: v1 the three-element
    /// SEQUENCE; v4/v5 `eSealInfo` alone first (as deployed), then the three-element SEQUENCE.
    #[must_use]
    pub fn maker_signed_forms(&self) -> &'static [MakerSignedForm] {
        match self.version {
            SesVersion::V1 => &[MakerSignedForm::SealInfoCertAlgorithm],
            SesVersion::V4 | SesVersion::V5 => &[
                MakerSignedForm::SealInfoOnly,
                MakerSignedForm::SealInfoCertAlgorithm,
            ],
        }
    }

    /// The bytes a maker signature of `form` covers, taken from the original encodings.
    ///
    /// # Errors
    /// [`SesError::InvalidValue`] only if the three elements exceed DER's length limit.
    pub fn maker_signed_bytes(&self, form: MakerSignedForm) -> Result<Cow<'_, [u8]>, SesError> {
        match form {
            MakerSignedForm::SealInfoOnly => Ok(Cow::Borrowed(self.seal_info_der())),
            MakerSignedForm::SealInfoCertAlgorithm => {
                let info = self.seal_info_der();
                let cert = self.slice(&self.parts.cert);
                let alg = self.slice(&self.parts.alg);
                let mut content = Vec::with_capacity(info.len() + cert.len() + alg.len());
                content.extend_from_slice(info);
                content.extend_from_slice(cert);
                content.extend_from_slice(alg);
                let mut out = Vec::with_capacity(content.len() + 6);
                write_tlv(&mut out, Tag::Sequence, &content, "maker signed data")?;
                Ok(Cow::Owned(out))
            }
        }
    }

    /// The ranges come from parsing `self.der` itself, so they are always in bounds.
    fn slice(&self, range: &Range<usize>) -> &[u8] {
        self.der.get(range.clone()).unwrap_or_default()
    }
}

/// Checks the size limit and reads the one outer element, refusing trailing data.
pub(crate) fn read_outer<'a>(bytes: &'a [u8], what: &'static str) -> Result<Tlv<'a>, SesError> {
    if bytes.len() > MAX_INPUT_LEN {
        return Err(SesError::TooLarge {
            len: bytes.len(),
            max: MAX_INPUT_LEN,
        });
    }
    let mut c = Cursor::new(bytes, 0);
    let outer = c.read(what)?;
    if !c.is_empty() {
        return Err(SesError::TrailingData {
            what,
            offset: c.offset(),
            remaining: c.remaining().len(),
        });
    }
    Ok(outer)
}
