//! GB/T 38540-2020 ("v4") and GM/T 0031-2025 ("v5") seal and signature structures.
//!
//! The two share their layout; a v5 seal may add the maker-side `timeStamp`. In the field, the
//! maker signs the DER of `eSealInfo` alone, and the signer's certificate and algorithm sit
//! outside `TBS_Sign` (unsigned).

use der::asn1::{BitString, ObjectIdentifier};

use super::common::{BitOrOctetString, ExtDatasEncoding, ExtensionDatas, TimeStamp};
use super::deviation::Ctx;
use super::io::{
    Tlv, path, read_bits, read_ia5, read_int, read_octets, read_oid, write, write_ia5,
    write_octets, write_sequence,
};
use super::seal::{Seal, SignedParts};
use super::seal_info::SesSealInfo;
use super::time::{SesTime, TimeKind};
use super::v1::range;
use super::{SesError, SesVersion};

/// A GB/T 38540-2020 or GM/T 0031-2025 seal.
///
/// GB/T 38540-2020 §7.1:
/// ```asn1
/// SESeal ::= SEQUENCE {
///   eSealInfo    SES_SealInfo,
///   cert         OCTET STRING,        -- maker certificate (DER)
///   signAlgID    OBJECT IDENTIFIER,
///   signedValue  BIT STRING }         -- maker signature
/// ```
/// GM/T 0031-2025 (as transcribed by ofdrw; unverified) names the last two `signatureAlgID` and
/// `signatureValue` and adds `timeStamp [0] BIT STRING OPTIONAL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SesSeal {
    /// The seal contents.
    pub eseal_info: SesSealInfo,
    /// The maker certificate (DER).
    pub cert: Vec<u8>,
    /// The maker's signature algorithm, e.g. [`crate::oid::SM2_WITH_SM3`].
    pub sign_alg_id: ObjectIdentifier,
    /// The maker's signature, stored as found (DER or raw `r‖s`).
    pub signed_value: BitString,
    /// The maker-side timestamp of GM/T 0031-2025 seals.
    pub time_stamp: Option<TimeStamp>,
}

impl SesSeal {
    /// A seal from its contents and the maker's signature over `eseal_info.to_der()`.
    #[must_use]
    pub fn new(
        eseal_info: SesSealInfo,
        cert: Vec<u8>,
        sign_alg_id: ObjectIdentifier,
        signed_value: BitString,
    ) -> Self {
        Self {
            eseal_info,
            cert,
            sign_alg_id,
            signed_value,
            time_stamp: None,
        }
    }

    /// Reads the seal in the layout `layout` (V4 or V5).
    pub(crate) fn read(
        tlv: &Tlv<'_>,
        field: &str,
        layout: SesVersion,
        ctx: &mut Ctx,
    ) -> Result<(Self, SignedParts), SesError> {
        let mut c = tlv.sequence("SESeal SEQUENCE", field)?;
        let info_field = path(field, "eSealInfo");
        let info_tlv = c.read(&info_field)?;
        let eseal_info = SesSealInfo::read(&info_tlv, &info_field, layout, ctx)?;
        let cert_field = path(field, "cert");
        let cert_tlv = c.read(&cert_field)?;
        let cert = read_octets(&cert_tlv, &cert_field)?;
        let alg_field = path(field, "signAlgID");
        let alg_tlv = c.read(&alg_field)?;
        let sign_alg_id = read_oid(&alg_tlv, &alg_field)?;
        let f = path(field, "signedValue");
        let signed_value = read_bits(&c.read(&f)?, &f)?;
        let time_stamp = TimeStamp::read_optional(&mut c, &path(field, "timeStamp"), ctx)?;
        c.finish(field)?;
        let parts = SignedParts {
            seal_info: range(&info_tlv),
            cert: range(&cert_tlv),
            alg: range(&alg_tlv),
        };
        Ok((
            Self {
                eseal_info,
                cert,
                sign_alg_id,
                signed_value,
                time_stamp,
            },
            parts,
        ))
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        write_sequence(out, field, |o| {
            self.eseal_info.write(o, &path(field, "eSealInfo"))?;
            write_octets(o, &self.cert, &path(field, "cert"))?;
            write(o, &self.sign_alg_id, &path(field, "signAlgID"))?;
            write(o, &self.signed_value, &path(field, "signedValue"))?;
            if let Some(ts) = &self.time_stamp {
                ts.write(o, &path(field, "timeStamp"))?;
            }
            Ok(())
        })
    }
}

/// A GB/T 38540-2020 or GM/T 0031-2025 signature (电子签章).
///
/// ```asn1
/// SES_Signature ::= SEQUENCE {
///   toSign          TBS_Sign,
///   cert            OCTET STRING,       -- signer certificate (DER)
///   signatureAlgID  OBJECT IDENTIFIER,
///   signature       BIT STRING,
///   timeStamp       [0] BIT STRING OPTIONAL }
/// ```
/// GB/T 38540-2020 §8.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SesSignature {
    /// The signed part.
    pub to_sign: TbsSign,
    /// The signer certificate (DER).
    pub cert: Vec<u8>,
    /// The signer's signature algorithm.
    pub signature_alg_id: ObjectIdentifier,
    /// The signer's signature over the DER of `toSign`, stored as found.
    pub signature: BitString,
    /// A timestamp over the signature value.
    pub time_stamp: Option<TimeStamp>,
}

impl SesSignature {
    /// A signature from the signed part, the signer's certificate and algorithm, and the
    /// signature over `to_sign.to_der()`.
    #[must_use]
    pub fn new(
        to_sign: TbsSign,
        cert: Vec<u8>,
        signature_alg_id: ObjectIdentifier,
        signature: BitString,
    ) -> Self {
        Self {
            to_sign,
            cert,
            signature_alg_id,
            signature,
            time_stamp: None,
        }
    }

    pub(crate) fn read(
        tlv: &Tlv<'_>,
        field: &str,
        ctx: &mut Ctx,
    ) -> Result<(Self, core::ops::Range<usize>), SesError> {
        let mut c = tlv.sequence("SES_Signature SEQUENCE", field)?;
        let tbs_field = path(field, "toSign");
        let tbs_tlv = c.read(&tbs_field)?;
        let to_sign = TbsSign::read(&tbs_tlv, &tbs_field, ctx)?;
        let f = path(field, "cert");
        let cert = read_octets(&c.read(&f)?, &f)?;
        let f = path(field, "signatureAlgID");
        let signature_alg_id = read_oid(&c.read(&f)?, &f)?;
        let f = path(field, "signature");
        let signature = read_bits(&c.read(&f)?, &f)?;
        let time_stamp = TimeStamp::read_optional(&mut c, &path(field, "timeStamp"), ctx)?;
        c.finish(field)?;
        Ok((
            Self {
                to_sign,
                cert,
                signature_alg_id,
                signature,
                time_stamp,
            },
            range(&tbs_tlv),
        ))
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        write_sequence(out, field, |o| {
            self.to_sign.write(o, &path(field, "toSign"))?;
            write_octets(o, &self.cert, &path(field, "cert"))?;
            write(o, &self.signature_alg_id, &path(field, "signatureAlgID"))?;
            write(o, &self.signature, &path(field, "signature"))?;
            if let Some(ts) = &self.time_stamp {
                ts.write(o, &path(field, "timeStamp"))?;
            }
            Ok(())
        })
    }
}

/// The signed part of a GB/T 38540-2020 or GM/T 0031-2025 signature.
///
/// ```asn1
/// TBS_Sign ::= SEQUENCE {
///   version       INTEGER,             -- the seal's version (4 or 5)
///   eseal         SESeal,
///   timeInfo      GeneralizedTime,
///   dataHash      BIT STRING,
///   propertyInfo  IA5String,           -- at least the protected range
///   extDatas      [0] ExtensionDatas OPTIONAL }
/// ```
/// GB/T 38540-2020 §8.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TbsSign {
    /// The structure version.
    pub version: i64,
    /// The seal used.
    pub eseal: Seal,
    /// The signing time claimed by the signer.
    pub time_info: SesTime,
    /// The hash of the protected data (OFD: SM3 of `Signature.xml`).
    pub data_hash: BitOrOctetString,
    /// What was signed (OFD: the path of `Signature.xml`).
    pub property_info: String,
    /// Vendor extensions, if any.
    pub ext_datas: Option<ExtensionDatas>,
}

impl TbsSign {
    /// A signed part with `version` = the seal's version and no extensions.
    ///
    /// # Errors
    /// [`SesError::InvalidValue`] when `data_hash` is too long for DER.
    pub fn new(
        eseal: Seal,
        time_info: SesTime,
        data_hash: &[u8],
        property_info: impl Into<String>,
    ) -> Result<Self, SesError> {
        Ok(Self {
            version: eseal.version().number(),
            eseal,
            time_info,
            data_hash: BitOrOctetString::bit_string(data_hash)?,
            property_info: property_info.into(),
            ext_datas: None,
        })
    }

    /// Encodes the structure as DER: the bytes the signer signs.
    ///
    /// # Errors
    /// [`SesError::InvalidValue`] when a field cannot be encoded.
    pub fn to_der(&self) -> Result<Vec<u8>, SesError> {
        let mut out = Vec::new();
        self.write(&mut out, "TBS_Sign")?;
        Ok(out)
    }

    fn read(tlv: &Tlv<'_>, field: &str, ctx: &mut Ctx) -> Result<Self, SesError> {
        let mut c = tlv.sequence("TBS_Sign SEQUENCE", field)?;
        let version = read_int(&c.read(&path(field, "version"))?, &path(field, "version"))?;
        let seal_field = path(field, "eseal");
        let seal_tlv = c.read(&seal_field)?;
        // A GM/T 0031-2014 seal is read as it is; the verifier reports the mismatch
        // (`signature.version`) instead of refusing to read the signature at all.
        let eseal = Seal::read_embedded(&seal_tlv, &seal_field, ctx)?;
        let f = path(field, "timeInfo");
        let time_info = SesTime::read(&c.read(&f)?, &f, TimeKind::GeneralizedTime, ctx)?;
        let f = path(field, "dataHash");
        let data_hash = BitOrOctetString::read(&c.read(&f)?, &f, ctx)?;
        let f = path(field, "propertyInfo");
        let property_info = read_ia5(&c.read(&f)?, &f)?;
        let ext_datas = if c.is_empty() {
            None
        } else {
            let f = path(field, "extDatas");
            Some(ExtensionDatas::read(
                &c.read(&f)?,
                &f,
                ExtDatasEncoding::Explicit,
                ctx,
            )?)
        };
        c.finish(field)?;
        Ok(Self {
            version,
            eseal,
            time_info,
            data_hash,
            property_info,
            ext_datas,
        })
    }

    fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        write_sequence(out, field, |o| {
            write(o, &self.version, &path(field, "version"))?;
            self.eseal.write(o, &path(field, "eseal"))?;
            self.time_info.write(o, &path(field, "timeInfo"))?;
            self.data_hash.write(o, &path(field, "dataHash"))?;
            write_ia5(o, &self.property_info, &path(field, "propertyInfo"))?;
            if let Some(ext) = &self.ext_datas {
                ext.write(o, &path(field, "extDatas"))?;
            }
            Ok(())
        })
    }
}
