//! GM/T 0031-2014 ("v1") seal and signature structures.
//!
//! In v1 the maker signs `SEQUENCE { esealInfo, cert, signatureAlgorithm }` and the signer
//! certificate and algorithm sit inside `TBS_Sign`, so they are covered by the signature.

use der::Tag;
use der::asn1::{BitString, ObjectIdentifier};

use super::common::BitOrOctetString;
use super::deviation::{Ctx, DeviationKind, Wrapper};
use super::io::{
    Cursor, Tlv, path, read_bits, read_ia5, read_int, read_octets, read_oid, write, write_ia5,
    write_octets, write_sequence, write_tlv,
};
use super::seal::{Seal, SignedParts};
use super::seal_info::SesSealInfo;
use super::time::parse_v1_time_info;
use super::{SesError, SesVersion};

/// A GM/T 0031-2014 seal.
///
/// ```asn1
/// SESeal ::= SEQUENCE {
///   esealInfo  SES_SealInfo,
///   signInfo   SES_SignInfo }
/// ```
/// GM/T 0031-2014 §7.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SesSeal {
    /// The seal contents.
    pub eseal_info: SesSealInfo,
    /// The maker's certificate, algorithm and signature.
    pub sign_info: SesSignInfo,
    /// A wrapper some writers put around `signInfo` (`None`: as the standard places it).
    pub sign_info_wrapper: Option<Wrapper>,
}

impl SesSeal {
    /// A seal from its contents and the maker's signature over [`maker_signed_data`].
    #[must_use]
    pub fn new(eseal_info: SesSealInfo, sign_info: SesSignInfo) -> Self {
        Self {
            eseal_info,
            sign_info,
            sign_info_wrapper: None,
        }
    }

    /// Reads the seal; returns it with the absolute ranges of the signed parts.
    pub(crate) fn read(
        tlv: &Tlv<'_>,
        field: &str,
        ctx: &mut Ctx,
    ) -> Result<(Self, SignedParts), SesError> {
        let mut c = tlv.sequence("SESeal SEQUENCE", field)?;
        let info_field = path(field, "esealInfo");
        let info_tlv = c.read(&info_field)?;
        let eseal_info = SesSealInfo::read(&info_tlv, &info_field, SesVersion::V1, ctx)?;
        let sign_field = path(field, "signInfo");
        let sign_tlv = c.read(&sign_field)?;
        c.finish(field)?;
        // Some writers wrap SES_SignInfo in a BIT STRING or an OCTET STRING.
        let (wrapper, inner) = match sign_tlv.tag {
            Tag::Sequence => (None, sign_tlv),
            Tag::BitString => {
                let content = sign_tlv.content();
                if content.first() != Some(&0) {
                    return Err(SesError::malformed(
                        &sign_field,
                        "SES_SignInfo wrapped in a BIT STRING must have 0 unused bits",
                        sign_tlv.offset,
                    ));
                }
                let mut w = Cursor::new(
                    content.get(1..).unwrap_or_default(),
                    sign_tlv.content_offset().saturating_add(1),
                );
                let inner = w.read(&sign_field)?;
                w.finish(&sign_field)?;
                (Some(Wrapper::BitString), inner)
            }
            Tag::OctetString => {
                let mut w = sign_tlv.children();
                let inner = w.read(&sign_field)?;
                w.finish(&sign_field)?;
                (Some(Wrapper::OctetString), inner)
            }
            other => {
                return Err(SesError::malformed(
                    &sign_field,
                    format!("expected SES_SignInfo SEQUENCE, found {other}"),
                    sign_tlv.offset,
                ));
            }
        };
        if let Some(w) = wrapper {
            ctx.deviate(
                DeviationKind::WrappedSignInfo(w),
                &sign_field,
                sign_tlv.offset,
            )?;
        }
        let (sign_info, cert, alg) = SesSignInfo::read(&inner, &sign_field)?;
        let parts = SignedParts {
            seal_info: info_tlv.offset..info_tlv.offset.saturating_add(info_tlv.bytes.len()),
            cert,
            alg,
        };
        Ok((
            Self {
                eseal_info,
                sign_info,
                sign_info_wrapper: wrapper,
            },
            parts,
        ))
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        write_sequence(out, field, |o| {
            self.eseal_info.write(o, &path(field, "esealInfo"))?;
            let sign_field = path(field, "signInfo");
            let mut inner = Vec::new();
            self.sign_info.write(&mut inner, &sign_field)?;
            match self.sign_info_wrapper {
                None => {
                    o.extend_from_slice(&inner);
                    Ok(())
                }
                Some(Wrapper::BitString) => {
                    inner.insert(0, 0);
                    write_tlv(o, Tag::BitString, &inner, &sign_field)
                }
                Some(Wrapper::OctetString) => write_tlv(o, Tag::OctetString, &inner, &sign_field),
            }
        })
    }
}

/// The maker's signature block of a v1 seal.
///
/// ```asn1
/// SES_SignInfo ::= SEQUENCE {
///   cert                OCTET STRING,        -- maker certificate (DER)
///   signatureAlgorithm  OBJECT IDENTIFIER,
///   signData            BIT STRING }         -- signature over SEQUENCE{esealInfo, cert, signatureAlgorithm}
/// ```
/// GM/T 0031-2014 §7.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SesSignInfo {
    /// The maker certificate (DER).
    pub cert: Vec<u8>,
    /// The signature algorithm, e.g. [`crate::oid::SM2_WITH_SM3`].
    pub signature_algorithm: ObjectIdentifier,
    /// The maker's signature, stored as found (DER or raw `r‖s`).
    pub sign_data: BitString,
}

impl SesSignInfo {
    /// Returns the block and the absolute ranges of the `cert` and `signatureAlgorithm` elements.
    fn read(
        tlv: &Tlv<'_>,
        field: &str,
    ) -> Result<(Self, core::ops::Range<usize>, core::ops::Range<usize>), SesError> {
        let mut c = tlv.sequence("SES_SignInfo SEQUENCE", field)?;
        let cert_field = path(field, "cert");
        let cert_tlv = c.read(&cert_field)?;
        let cert = read_octets(&cert_tlv, &cert_field)?;
        let alg_field = path(field, "signatureAlgorithm");
        let alg_tlv = c.read(&alg_field)?;
        let signature_algorithm = read_oid(&alg_tlv, &alg_field)?;
        let sign_data = read_bits(&c.read(&path(field, "signData"))?, &path(field, "signData"))?;
        c.finish(field)?;
        Ok((
            Self {
                cert,
                signature_algorithm,
                sign_data,
            },
            range(&cert_tlv),
            range(&alg_tlv),
        ))
    }

    fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        write_sequence(out, field, |o| {
            write_octets(o, &self.cert, &path(field, "cert"))?;
            write(
                o,
                &self.signature_algorithm,
                &path(field, "signatureAlgorithm"),
            )?;
            write(o, &self.sign_data, &path(field, "signData"))
        })
    }
}

/// The bytes a v1 maker signs: `SEQUENCE { esealInfo, cert, signatureAlgorithm }` (GM/T 0031-2014
/// §7.1), for making a seal. To verify a parsed seal use
/// [`Seal::maker_signed_bytes`](super::Seal::maker_signed_bytes), which uses the original bytes.
///
/// # Errors
/// [`SesError::InvalidValue`] when a field cannot be encoded.
pub fn maker_signed_data(
    eseal_info: &SesSealInfo,
    cert: &[u8],
    signature_algorithm: &ObjectIdentifier,
) -> Result<Vec<u8>, SesError> {
    let mut out = Vec::new();
    write_sequence(&mut out, "SES_SignInfo signed data", |o| {
        eseal_info.write(o, "esealInfo")?;
        write_octets(o, cert, "cert")?;
        write(o, signature_algorithm, "signatureAlgorithm")
    })?;
    Ok(out)
}

/// A GM/T 0031-2014 signature (电子签章).
///
/// ```asn1
/// SES_Signature ::= SEQUENCE {
///   toSign     TBS_Sign,
///   signature  BIT STRING }
/// ```
/// GM/T 0031-2014 §8.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SesSignature {
    /// The signed part.
    pub to_sign: TbsSign,
    /// The signer's signature over the DER of `toSign`, stored as found.
    pub signature: BitString,
}

impl SesSignature {
    /// A signature from the signed part and the signer's signature over its DER.
    #[must_use]
    pub fn new(to_sign: TbsSign, signature: BitString) -> Self {
        Self { to_sign, signature }
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
        let signature = read_bits(
            &c.read(&path(field, "signature"))?,
            &path(field, "signature"),
        )?;
        c.finish(field)?;
        Ok((Self { to_sign, signature }, range(&tbs_tlv)))
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        write_sequence(out, field, |o| {
            self.to_sign.write(o, &path(field, "toSign"))?;
            write(o, &self.signature, &path(field, "signature"))
        })
    }
}

/// The signed part of a GM/T 0031-2014 signature.
///
/// ```asn1
/// TBS_Sign ::= SEQUENCE {
///   version             INTEGER,
///   eseal               SESeal,
///   timeInfo            BIT STRING,     -- signing time; format left open
///   dataHash            BIT STRING,     -- hash of the protected data
///   propertyInfo        IA5String,      -- what was signed
///   cert                OCTET STRING,   -- signer certificate (DER)
///   signatureAlgorithm  OBJECT IDENTIFIER }
/// ```
/// GM/T 0031-2014 §8.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TbsSign {
    /// The structure version.
    pub version: i64,
    /// The seal used.
    pub eseal: Seal,
    /// The signing time as written (see [`TbsSign::time_info_value`]).
    pub time_info: BitOrOctetString,
    /// The hash of the protected data.
    pub data_hash: BitOrOctetString,
    /// What was signed (vendor-defined text).
    pub property_info: String,
    /// The signer certificate (DER).
    pub cert: Vec<u8>,
    /// The signer's signature algorithm.
    pub signature_algorithm: ObjectIdentifier,
}

impl TbsSign {
    /// Best-effort reading of `timeInfo` (see [`parse_v1_time_info`]).
    #[must_use]
    pub fn time_info_value(&self) -> Option<der::DateTime> {
        parse_v1_time_info(self.time_info.bytes())
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
        // A seal of another version is read as it is; the verifier reports the mismatch
        // (`signature.version`) instead of refusing to read the signature at all.
        let eseal = Seal::read_embedded(&c.read(&seal_field)?, &seal_field, ctx)?;
        let f = path(field, "timeInfo");
        let time_info = BitOrOctetString::read(&c.read(&f)?, &f, ctx)?;
        let f = path(field, "dataHash");
        let data_hash = BitOrOctetString::read(&c.read(&f)?, &f, ctx)?;
        let f = path(field, "propertyInfo");
        let property_info = read_ia5(&c.read(&f)?, &f)?;
        let f = path(field, "cert");
        let cert = read_octets(&c.read(&f)?, &f)?;
        let f = path(field, "signatureAlgorithm");
        let signature_algorithm = read_oid(&c.read(&f)?, &f)?;
        c.finish(field)?;
        Ok(Self {
            version,
            eseal,
            time_info,
            data_hash,
            property_info,
            cert,
            signature_algorithm,
        })
    }

    fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        write_sequence(out, field, |o| {
            write(o, &self.version, &path(field, "version"))?;
            self.eseal.write(o, &path(field, "eseal"))?;
            self.time_info.write(o, &path(field, "timeInfo"))?;
            self.data_hash.write(o, &path(field, "dataHash"))?;
            write_ia5(o, &self.property_info, &path(field, "propertyInfo"))?;
            write_octets(o, &self.cert, &path(field, "cert"))?;
            write(
                o,
                &self.signature_algorithm,
                &path(field, "signatureAlgorithm"),
            )
        })
    }
}

pub(crate) fn range(tlv: &Tlv<'_>) -> core::ops::Range<usize> {
    tlv.offset..tlv.offset.saturating_add(tlv.bytes.len())
}
