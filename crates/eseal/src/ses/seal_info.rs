//! `SES_SealInfo` and `SES_ESPropertyInfo`: the seal contents the maker signs.

use der::Tag;

use super::common::{ExtDatasEncoding, ExtensionDatas, SesEsPictrueInfo, SesHeader};
use super::deviation::{Ctx, DeviationKind};
use super::io::{
    Tlv, path, read_ia5, read_int, read_octets, write, write_ia5, write_octets, write_sequence,
};
use super::time::{SesTime, TimeKind};
use super::{MAX_LIST_ENTRIES, SesError, SesVersion};

/// The seal contents that the maker signs.
///
/// ```asn1
/// SES_SealInfo ::= SEQUENCE {
///   header    SES_Header,
///   esID      IA5String,            -- seal identifier
///   property  SES_ESPropertyInfo,
///   picture   SES_ESPictrueInfo,
///   extDatas  ExtensionDatas OPTIONAL }
/// ```
/// GB/T 38540-2020 §7.1, GM/T 0031-2014 §7.1 (same layout; the property differs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SesSealInfo {
    /// The header (id, version, vendor).
    pub header: SesHeader,
    /// The seal identifier (`esID`).
    pub es_id: String,
    /// The seal properties.
    pub property: SesEsPropertyInfo,
    /// The seal picture.
    pub picture: SesEsPictrueInfo,
    /// Vendor extensions, if any.
    pub ext_datas: Option<ExtensionDatas>,
}

impl SesSealInfo {
    /// Encodes the structure as DER: for v4/v5 these are the bytes the maker signs.
    ///
    /// # Errors
    /// [`SesError::InvalidValue`] when a field cannot be encoded (e.g. non-ASCII `esID`).
    pub fn to_der(&self) -> Result<Vec<u8>, SesError> {
        let mut out = Vec::new();
        self.write(&mut out, "SES_SealInfo")?;
        Ok(out)
    }

    pub(crate) fn read(
        tlv: &Tlv<'_>,
        field: &str,
        layout: SesVersion,
        ctx: &mut Ctx,
    ) -> Result<Self, SesError> {
        let mut c = tlv.sequence("SES_SealInfo SEQUENCE", field)?;
        let header = SesHeader::read(
            &c.read(&path(field, "header"))?,
            &path(field, "header"),
            ctx,
        )?;
        let es_id = read_ia5(&c.read(&path(field, "esID"))?, &path(field, "esID"))?;
        let property = SesEsPropertyInfo::read(
            &c.read(&path(field, "property"))?,
            &path(field, "property"),
            layout,
            ctx,
        )?;
        let picture =
            SesEsPictrueInfo::read(&c.read(&path(field, "picture"))?, &path(field, "picture"))?;
        let ext_datas = if c.is_empty() {
            None
        } else {
            let f = path(field, "extDatas");
            Some(ExtensionDatas::read(
                &c.read(&f)?,
                &f,
                ExtDatasEncoding::Untagged,
                ctx,
            )?)
        };
        c.finish(field)?;
        Ok(Self {
            header,
            es_id,
            property,
            picture,
            ext_datas,
        })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        write_sequence(out, field, |o| {
            self.header.write(o, &path(field, "header"))?;
            write_ia5(o, &self.es_id, &path(field, "esID"))?;
            self.property.write(o, &path(field, "property"))?;
            self.picture.write(o, &path(field, "picture"))?;
            if let Some(ext) = &self.ext_datas {
                ext.write(o, &path(field, "extDatas"))?;
            }
            Ok(())
        })
    }
}

/// The seal properties.
///
/// GM/T 0031-2014 §7.1 (v1):
/// ```asn1
/// SES_ESPropertyInfo ::= SEQUENCE {
///   type        INTEGER,                    -- 1 organisation seal, 2 personal seal
///   name        UTF8String,
///   certList    SEQUENCE OF OCTET STRING,   -- certificates of permitted signers
///   createDate  UTCTime,
///   validStart  UTCTime,
///   validEnd    UTCTime }
/// ```
/// GB/T 38540-2020 §7.1 (v4; v5 the same):
/// ```asn1
/// SES_ESPropertyInfo ::= SEQUENCE {
///   type          INTEGER,
///   name          UTF8String,
///   certListType  INTEGER,                  -- 1 certificates, 2 certificate digests
///   certList      SES_CertList,
///   createDate    GeneralizedTime,
///   validStart    GeneralizedTime,
///   validEnd      GeneralizedTime }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SesEsPropertyInfo {
    /// The seal type (business-defined).
    pub seal_type: i64,
    /// The seal name.
    pub name: String,
    /// `certListType`; absent (`None`) in GM/T 0031-2014 seals.
    pub cert_list_type: Option<i64>,
    /// The signers allowed to use the seal.
    pub cert_list: CertList,
    /// When the seal was made.
    pub create_date: SesTime,
    /// Start of validity.
    pub valid_start: SesTime,
    /// End of validity.
    pub valid_end: SesTime,
}

impl SesEsPropertyInfo {
    /// Properties in the layout of `version`: v1 without `certListType`, v4/v5 with the
    /// `certListType` matching `cert_list`. Times are passed as made; use
    /// [`SesTime::for_version`] for the standard's kind.
    #[must_use]
    pub fn new(
        version: SesVersion,
        seal_type: i64,
        name: impl Into<String>,
        cert_list: CertList,
        create_date: SesTime,
        valid_start: SesTime,
        valid_end: SesTime,
    ) -> Self {
        let cert_list_type = match version {
            SesVersion::V1 => None,
            SesVersion::V4 | SesVersion::V5 => Some(cert_list.list_type()),
        };
        Self {
            seal_type,
            name: name.into(),
            cert_list_type,
            cert_list,
            create_date,
            valid_start,
            valid_end,
        }
    }

    fn read(
        tlv: &Tlv<'_>,
        field: &str,
        layout: SesVersion,
        ctx: &mut Ctx,
    ) -> Result<Self, SesError> {
        let mut c = tlv.sequence("SES_ESPropertyInfo SEQUENCE", field)?;
        let seal_type = read_int(&c.read(&path(field, "type"))?, &path(field, "type"))?;
        let name_field = path(field, "name");
        let name_tlv = c.read(&name_field)?;
        name_tlv.expect(Tag::Utf8String, "UTF8String", &name_field)?;
        let name: String = name_tlv.decode(&name_field)?;
        let cert_list_type = match layout {
            SesVersion::V1 => None,
            SesVersion::V4 | SesVersion::V5 => Some(read_int(
                &c.read(&path(field, "certListType"))?,
                &path(field, "certListType"),
            )?),
        };
        let list_field = path(field, "certList");
        let cert_list = CertList::read(&c.read(&list_field)?, &list_field, cert_list_type, ctx)?;
        let expected = match layout {
            SesVersion::V1 => TimeKind::UtcTime,
            SesVersion::V4 | SesVersion::V5 => TimeKind::GeneralizedTime,
        };
        let mut time = |name: &str, ctx: &mut Ctx| -> Result<SesTime, SesError> {
            let f = path(field, name);
            SesTime::read(&c.read(&f)?, &f, expected, ctx)
        };
        let create_date = time("createDate", ctx)?;
        let valid_start = time("validStart", ctx)?;
        let valid_end = time("validEnd", ctx)?;
        c.finish(field)?;
        Ok(Self {
            seal_type,
            name,
            cert_list_type,
            cert_list,
            create_date,
            valid_start,
            valid_end,
        })
    }

    fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        write_sequence(out, field, |o| {
            write(o, &self.seal_type, &path(field, "type"))?;
            write(o, &self.name, &path(field, "name"))?;
            if let Some(t) = self.cert_list_type {
                write(o, &t, &path(field, "certListType"))?;
            }
            self.cert_list.write(o, &path(field, "certList"))?;
            self.create_date.write(o, &path(field, "createDate"))?;
            self.valid_start.write(o, &path(field, "validStart"))?;
            self.valid_end.write(o, &path(field, "validEnd"))
        })
    }
}

/// The signers allowed to use a seal.
///
/// ```asn1
/// SES_CertList ::= CHOICE {
///   certs           CertInfoList,     -- SEQUENCE OF OCTET STRING (DER certificates)
///   certDigestList  CertDigestList }  -- SEQUENCE OF CertDigestObj
/// ```
/// GB/T 38540-2020 §7.1. The CHOICE is untagged and both arms are SEQUENCEs, so the arm is
/// chosen by `certListType`. GM/T 0031-2014 has certificates only.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertList {
    /// DER certificates (`certListType` 1).
    Certs(Vec<Vec<u8>>),
    /// Certificate digests (`certListType` 2).
    Digests(Vec<CertDigestObj>),
}

impl CertList {
    /// The `certListType` value of this arm: 1 for certificates, 2 for digests.
    #[must_use]
    pub fn list_type(&self) -> i64 {
        match self {
            Self::Certs(_) => 1,
            Self::Digests(_) => 2,
        }
    }

    fn read(
        tlv: &Tlv<'_>,
        field: &str,
        declared: Option<i64>,
        ctx: &mut Ctx,
    ) -> Result<Self, SesError> {
        let mut c = tlv.sequence("SEQUENCE OF (certificates or digests)", field)?;
        // The arm's form shows in the first entry; an empty list takes the declared arm.
        let found = match c.peek_tag() {
            None => match declared {
                Some(2) => 2,
                _ => 1,
            },
            Some(Tag::Sequence) if declared.is_some() => 2,
            Some(_) => 1,
        };
        if let Some(declared) = declared {
            if declared != found {
                ctx.deviate(
                    DeviationKind::CertListTypeMismatch { declared, found },
                    field,
                    tlv.offset,
                )?;
            }
        }
        let mut certs = Vec::new();
        let mut digests = Vec::new();
        let mut count = 0usize;
        while !c.is_empty() {
            if count >= MAX_LIST_ENTRIES {
                return Err(SesError::TooManyEntries {
                    field: field.to_owned(),
                    max: MAX_LIST_ENTRIES,
                    offset: tlv.offset,
                });
            }
            let f = format!("{field}[{count}]");
            count += 1;
            let entry = c.read(&f)?;
            if found == 1 {
                certs.push(read_octets(&entry, &f)?);
            } else {
                digests.push(CertDigestObj::read(&entry, &f)?);
            }
        }
        Ok(if found == 1 {
            Self::Certs(certs)
        } else {
            Self::Digests(digests)
        })
    }

    fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        write_sequence(out, field, |o| match self {
            Self::Certs(certs) => certs
                .iter()
                .try_for_each(|cert| write_octets(o, cert, field)),
            Self::Digests(digests) => digests.iter().try_for_each(|d| d.write(o, field)),
        })
    }
}

/// The digest of one permitted signer certificate.
///
/// ```asn1
/// CertDigestObj ::= SEQUENCE {
///   type   PrintableString,   -- names the digest
///   value  OCTET STRING }     -- digest of the signer certificate's DER
/// ```
/// GB/T 38540-2020 §7.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertDigestObj {
    /// Free text naming the digest (presumably the hash algorithm).
    pub digest_type: String,
    /// The digest of the certificate.
    pub value: Vec<u8>,
}

impl CertDigestObj {
    fn read(tlv: &Tlv<'_>, field: &str) -> Result<Self, SesError> {
        let mut c = tlv.sequence("CertDigestObj SEQUENCE", field)?;
        let type_field = path(field, "type");
        let type_tlv = c.read(&type_field)?;
        type_tlv.expect(Tag::PrintableString, "PrintableString", &type_field)?;
        let digest_type: der::asn1::PrintableStringRef<'_> = type_tlv.decode(&type_field)?;
        let value = read_octets(&c.read(&path(field, "value"))?, &path(field, "value"))?;
        c.finish(field)?;
        Ok(Self {
            digest_type: digest_type.as_str().to_owned(),
            value,
        })
    }

    fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        write_sequence(out, field, |o| {
            let t = der::asn1::PrintableStringRef::new(&self.digest_type).map_err(|_| {
                SesError::invalid(&path(field, "type"), "not a valid PrintableString")
            })?;
            write(o, &t, &path(field, "type"))?;
            write_octets(o, &self.value, &path(field, "value"))
        })
    }
}

/// A digest algorithm a [`CertDigestObj`] may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CertDigestAlgorithm {
    /// SM3 (GB/T 32905), the digest of the national profile.
    Sm3,
    /// SHA-1, seen in some older products.
    Sha1,
    /// SHA-256.
    Sha256,
}

impl CertDigestAlgorithm {
    /// The algorithm a `CertDigestObj.type` text names, if eseal recognises it: `SM3`, `SHA1`,
    /// `SHA256` (case, `-`, `_` and spaces ignored) or the algorithm's OID in dotted form.
    #[must_use]
    pub fn from_type_text(text: &str) -> Option<Self> {
        let normalised: String = text
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        match normalised.as_str() {
            "SM3" | "1.2.156.10197.1.401" => Some(Self::Sm3),
            "SHA1" | "1.3.14.3.2.26" => Some(Self::Sha1),
            "SHA256" | "2.16.840.1.101.3.4.2.1" => Some(Self::Sha256),
            _ => None,
        }
    }

    /// The name eseal writes in `CertDigestObj.type`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Sm3 => "SM3",
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
        }
    }

    /// The digest of `data`.
    #[must_use]
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        match self {
            Self::Sm3 => crate::crypto::sm3::sm3(data).to_vec(),
            Self::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Self::Sha256 => sha2::Sha256::digest(data).to_vec(),
        }
    }
}

/// Whether a certificate is listed in a [`CertList`] (see [`CertList::lists`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertListMatch {
    /// Listed as a certificate, byte for byte, at this index.
    Certificate {
        /// Index in `certList`.
        index: usize,
    },
    /// Listed as a digest at this index.
    Digest {
        /// Index in `certList`.
        index: usize,
        /// The algorithm whose digest matched.
        algorithm: CertDigestAlgorithm,
        /// The entry's `type` text.
        declared_type: String,
        /// True when `type` named no algorithm eseal knows and SM3 was tried and matched.
        assumed: bool,
    },
    /// Not listed.
    NotListed,
    /// Not found, but some entries name digest types eseal does not know (and SM3 did not match
    /// them), so whether the certificate is listed cannot be decided.
    Undecidable {
        /// The unrecognised `type` texts.
        unknown_types: Vec<String>,
    },
}

impl CertList {
    /// Whether the certificate `cert_der` is listed: as DER equal byte for byte
    /// (`certListType` 1), or as a digest of its DER (`certListType` 2) with the algorithm the
    /// entry's `type` names; for a `type` eseal does not recognise, SM3 is tried.
    #[must_use]
    pub fn lists(&self, cert_der: &[u8]) -> CertListMatch {
        match self {
            Self::Certs(certs) => certs
                .iter()
                .position(|c| c.as_slice() == cert_der)
                .map_or(CertListMatch::NotListed, |index| {
                    CertListMatch::Certificate { index }
                }),
            Self::Digests(digests) => {
                let mut unknown_types: Vec<String> = Vec::new();
                let mut cache: Vec<(CertDigestAlgorithm, Vec<u8>)> = Vec::new();
                let mut digest_of = |alg: CertDigestAlgorithm| -> Vec<u8> {
                    if let Some((_, d)) = cache.iter().find(|(a, _)| *a == alg) {
                        return d.clone();
                    }
                    let d = alg.digest(cert_der);
                    cache.push((alg, d.clone()));
                    d
                };
                for (index, entry) in digests.iter().enumerate() {
                    let (algorithm, assumed) =
                        match CertDigestAlgorithm::from_type_text(&entry.digest_type) {
                            Some(alg) => (alg, false),
                            None => (CertDigestAlgorithm::Sm3, true),
                        };
                    if digest_of(algorithm) == entry.value {
                        return CertListMatch::Digest {
                            index,
                            algorithm,
                            declared_type: entry.digest_type.clone(),
                            assumed,
                        };
                    }
                    if assumed && !unknown_types.contains(&entry.digest_type) {
                        unknown_types.push(entry.digest_type.clone());
                    }
                }
                if unknown_types.is_empty() {
                    CertListMatch::NotListed
                } else {
                    CertListMatch::Undecidable { unknown_types }
                }
            }
        }
    }
}
