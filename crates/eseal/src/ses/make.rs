//! Making seals (制章): [`SealBuilder`] assembles the seal contents, refuses what a verifier
//! would reject, and has the maker sign them, in one step ([`SealBuilder::build`]) or two
//! ([`SealBuilder::prepare`], then [`PreparedSeal::finish`]) when the maker key is held
//! elsewhere (USB key, HSM, signing server).
//!
//! What the maker signs follows deployed verifiers (standards notes §3.5): the three-element
//! `SEQUENCE { esealInfo, cert, signatureAlgorithm }` for GM/T 0031-2014, the DER of `eSealInfo`
//! alone for GB/T 38540-2020 and GM/T 0031-2025.

use der::asn1::BitString;

use super::common::{ExtData, ExtDatasEncoding, ExtensionDatas, PictureFormat, SesEsPictrueInfo};
use super::common::{PictureTypeCheck, SesHeader};
use super::seal::{MakerSignedForm, Seal, SealStructure};
use super::seal_info::{CertDigestAlgorithm, CertDigestObj, CertList};
use super::seal_info::{SesEsPropertyInfo, SesSealInfo};
use super::time::SesTime;
use super::{SesError, SesVersion, v1, v4};
use crate::crypto::{PublicKey, Signature as Sm2Signature};
use crate::oid;
use crate::pki::{Certificate, KeyUsage, PkiError, Signer};
use crate::time::Time;

/// The seal type (`SES_ESPropertyInfo.type`).
///
/// GM/T 0031-2014 defines 1 (organisation seal) and 2 (personal seal); GB/T 38540 leaves the
/// values to the business (the corpus shows 3, 4, 6, 15), hence [`SealType::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SealType {
    /// An organisation's official seal (单位印章), code 1.
    Official,
    /// A personal seal (个人印章), code 2.
    Personal,
    /// Any other business-defined code.
    Other(i64),
}

impl SealType {
    /// The integer written in the seal.
    #[must_use]
    pub fn code(self) -> i64 {
        match self {
            Self::Official => 1,
            Self::Personal => 2,
            Self::Other(code) => code,
        }
    }
}

/// A seal picture (印模) whose bytes were checked against the declared format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealPicture {
    info: SesEsPictrueInfo,
}

impl SealPicture {
    /// A picture of `format` with its display size in millimetres.
    ///
    /// # Errors
    /// [`SesError::PictureMismatch`] when the bytes are not of `format` (checked by their magic
    /// bytes), [`SesError::InvalidValue`] for empty data or a zero size.
    pub fn new(
        format: PictureFormat,
        data: Vec<u8>,
        width_mm: u32,
        height_mm: u32,
    ) -> Result<Self, SesError> {
        if data.is_empty() {
            return Err(SesError::invalid("picture.data", "the picture is empty"));
        }
        if width_mm == 0 || height_mm == 0 {
            return Err(SesError::invalid(
                "picture.width/height",
                "the display size must be at least 1 mm in each direction",
            ));
        }
        let info = SesEsPictrueInfo::new(
            picture_type_name(format),
            data,
            i64::from(width_mm),
            i64::from(height_mm),
        );
        match info.check_type() {
            PictureTypeCheck::Matches(_) => Ok(Self { info }),
            PictureTypeCheck::Mismatch(found) => Err(SesError::PictureMismatch {
                declared: picture_type_name(format).to_owned(),
                found: picture_type_name(found).to_owned(),
            }),
            PictureTypeCheck::Unknown => Err(SesError::PictureMismatch {
                declared: picture_type_name(format).to_owned(),
                found: "of no recognised image format".to_owned(),
            }),
        }
    }

    /// The picture as it will be written.
    #[must_use]
    pub fn info(&self) -> &SesEsPictrueInfo {
        &self.info
    }
}

/// The `type` text eseal writes for a format (the corpus spells OFD pictures `ofd`).
fn picture_type_name(format: PictureFormat) -> &'static str {
    match format {
        PictureFormat::Png => "PNG",
        PictureFormat::Jpeg => "JPG",
        PictureFormat::Gif => "GIF",
        PictureFormat::Bmp => "BMP",
        PictureFormat::Ofd => "ofd",
        PictureFormat::Svg => "SVG",
    }
}

/// When a seal was made and when it may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealValidity {
    created: Time,
    valid_from: Time,
    valid_to: Time,
}

impl SealValidity {
    /// A seal made at `created`, usable from `valid_from` to `valid_to` inclusive.
    ///
    /// # Errors
    /// [`SesError::InvalidValue`] when the window is empty or the seal would be made after it
    /// ends.
    pub fn new(created: Time, valid_from: Time, valid_to: Time) -> Result<Self, SesError> {
        if valid_to < valid_from {
            return Err(SesError::invalid(
                "property.validEnd",
                format!("the validity ends ({valid_to}) before it starts ({valid_from})"),
            ));
        }
        if created > valid_to {
            return Err(SesError::invalid(
                "property.createDate",
                format!("the seal would be made ({created}) after its validity ends ({valid_to})"),
            ));
        }
        Ok(Self {
            created,
            valid_from,
            valid_to,
        })
    }

    /// The creation date.
    #[must_use]
    pub fn created(&self) -> Time {
        self.created
    }

    /// Start of validity.
    #[must_use]
    pub fn valid_from(&self) -> Time {
        self.valid_from
    }

    /// End of validity (inclusive).
    #[must_use]
    pub fn valid_to(&self) -> Time {
        self.valid_to
    }
}

/// Builds and signs a seal (制章).
///
/// The constructor takes what every seal needs (identity, validity, picture); the `&mut self`
/// adders take the signers the seal authorises (at least one is required) and optional parts.
/// [`SealBuilder::build`] refuses a seal that a verifier would reject: validity outside the
/// maker certificate's, no signers, digests in a GM/T 0031-2014 seal, or a maker key that does
/// not match the maker certificate.
///
/// ```no_run
/// # use eseal::ses::{SealBuilder, SealPicture, SealType, SealValidity, SesVersion};
/// # use eseal::ses::PictureFormat;
/// # fn demo(maker: &eseal::pki::SoftwareSigner, maker_cert: &eseal::pki::Certificate,
/// #         signer_cert: &eseal::pki::Certificate, png: Vec<u8>, t: eseal::time::Time,
/// #         end: eseal::time::Time) -> Result<(), eseal::ses::SesError> {
/// let picture = SealPicture::new(PictureFormat::Png, png, 40, 40)?;
/// let mut builder = SealBuilder::new(
///     "33010600000001",
///     "测试单位公章",
///     SealType::Official,
///     SealValidity::new(t, t, end)?,
///     picture,
/// );
/// builder.add_signer_certificate(signer_cert).version(SesVersion::V4);
/// let seal = builder.build(maker, maker_cert)?;
/// # let _ = seal; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SealBuilder {
    version: SesVersion,
    vendor_id: String,
    es_id: String,
    name: String,
    seal_type: SealType,
    validity: SealValidity,
    picture: SealPicture,
    certs: Vec<Vec<u8>>,
    digests: Vec<CertDigestObj>,
    ext_datas: Vec<ExtData>,
}

impl SealBuilder {
    /// The vendor identifier written when none is set (`SES_Header.vid`).
    pub const DEFAULT_VENDOR_ID: &'static str = "eseal";

    /// A GB/T 38540 (v4) seal with identifier `es_id` (ASCII), `name`, `seal_type`, `validity`
    /// and `picture`; add the authorised signers before building.
    #[must_use]
    pub fn new(
        es_id: impl Into<String>,
        name: impl Into<String>,
        seal_type: SealType,
        validity: SealValidity,
        picture: SealPicture,
    ) -> Self {
        Self {
            version: SesVersion::V4,
            vendor_id: Self::DEFAULT_VENDOR_ID.to_owned(),
            es_id: es_id.into(),
            name: name.into(),
            seal_type,
            validity,
            picture,
            certs: Vec::new(),
            digests: Vec::new(),
            ext_datas: Vec::new(),
        }
    }

    /// The structure version to write: v4 (the default), v5 or v1.
    pub fn version(&mut self, version: SesVersion) -> &mut Self {
        self.version = version;
        self
    }

    /// The vendor identifier (`SES_Header.vid`, ASCII).
    pub fn vendor_id(&mut self, vendor_id: impl Into<String>) -> &mut Self {
        self.vendor_id = vendor_id.into();
        self
    }

    /// Authorises a signer by its certificate (`certListType` 1).
    pub fn add_signer_certificate(&mut self, cert: &Certificate) -> &mut Self {
        self.certs.push(cert.as_der().to_vec());
        self
    }

    /// Authorises a signer by the SM3 digest of its certificate (`certListType` 2, type `SM3`;
    /// v4/v5 only).
    pub fn add_signer_certificate_digest(&mut self, cert: &Certificate) -> &mut Self {
        self.add_signer_digest(CertDigestAlgorithm::Sm3, &cert.fingerprint_sm3())
    }

    /// Authorises a signer by a certificate digest computed elsewhere (`certListType` 2; v4/v5
    /// only). `value` is the digest of the signer certificate's DER.
    pub fn add_signer_digest(&mut self, algorithm: CertDigestAlgorithm, value: &[u8]) -> &mut Self {
        self.digests.push(CertDigestObj {
            digest_type: algorithm.name().to_owned(),
            value: value.to_vec(),
        });
        self
    }

    /// Adds a vendor extension to the seal contents (`extDatas`).
    pub fn add_ext_data(&mut self, ext: ExtData) -> &mut Self {
        self.ext_datas.push(ext);
        self
    }

    /// Checks the seal against `maker_cert` and computes the bytes the maker must sign.
    ///
    /// # Errors
    /// [`SesError::Certificate`] when the maker certificate has no SM2 key or a keyUsage that
    /// forbids signing, [`SesError::OutsideMakerValidity`] when the creation date or the
    /// validity window is outside the maker certificate's validity, [`SesError::InvalidValue`]
    /// for no signers, mixed certificates and digests, or values that cannot be encoded, and
    /// [`SesError::NotInVersion`] for digests in a v1 seal.
    pub fn prepare(&self, maker_cert: &Certificate) -> Result<PreparedSeal, SesError> {
        let maker_key = certificate_key(maker_cert, "maker")?;
        if let Some(ku) = maker_cert.key_usage() {
            if !ku.contains(KeyUsage::DIGITAL_SIGNATURE) && !ku.contains(KeyUsage::NON_REPUDIATION)
            {
                return Err(SesError::Certificate {
                    role: "maker",
                    source: PkiError::invalid(
                        "maker certificate",
                        format!(
                            "its keyUsage [{ku}] allows neither digitalSignature nor \
                             nonRepudiation, so it cannot sign seals"
                        ),
                    ),
                });
            }
        }
        let (nb, na) = (maker_cert.not_before(), maker_cert.not_after());
        for (what, at) in [
            ("creation date", self.validity.created),
            ("validity start", self.validity.valid_from),
            ("validity end", self.validity.valid_to),
        ] {
            if at < nb || at > na {
                return Err(SesError::OutsideMakerValidity {
                    what,
                    at,
                    not_before: nb,
                    not_after: na,
                });
            }
        }
        let cert_list = match (self.certs.is_empty(), self.digests.is_empty()) {
            (true, true) => {
                return Err(SesError::invalid(
                    "property.certList",
                    "the seal authorises no signer; add at least one signer certificate or digest",
                ));
            }
            (false, false) => {
                return Err(SesError::invalid(
                    "property.certList",
                    "a seal lists either certificates or certificate digests, not both",
                ));
            }
            (false, true) => CertList::Certs(self.certs.clone()),
            (true, false) if self.version == SesVersion::V1 => {
                return Err(SesError::NotInVersion {
                    what: "a certificate-digest certList",
                    version: self.version,
                });
            }
            (true, false) => CertList::Digests(self.digests.clone()),
        };
        let time = |t: Time, field: &str| ses_time(self.version, t, field);
        let property = SesEsPropertyInfo::new(
            self.version,
            self.seal_type.code(),
            self.name.clone(),
            cert_list,
            time(self.validity.created, "property.createDate")?,
            time(self.validity.valid_from, "property.validStart")?,
            time(self.validity.valid_to, "property.validEnd")?,
        );
        let info = SesSealInfo {
            header: SesHeader::new(self.version, self.vendor_id.clone()),
            es_id: self.es_id.clone(),
            property,
            picture: self.picture.info.clone(),
            ext_datas: (!self.ext_datas.is_empty())
                .then(|| ExtensionDatas::new(ExtDatasEncoding::Untagged, self.ext_datas.clone())),
        };
        let tbs = match self.version {
            SesVersion::V1 => {
                v1::maker_signed_data(&info, maker_cert.as_der(), &oid::SM2_WITH_SM3)?
            }
            SesVersion::V4 | SesVersion::V5 => info.to_der()?,
        };
        Ok(PreparedSeal {
            version: self.version,
            info,
            maker_cert: maker_cert.as_der().to_vec(),
            maker_key,
            tbs,
        })
    }

    /// Prepares the seal and has `maker` sign it; the signature is checked against the maker
    /// certificate before the seal is assembled.
    ///
    /// # Errors
    /// As [`SealBuilder::prepare`]; [`SesError::SigningFailed`] when `maker` fails and
    /// [`SesError::SignatureMismatch`] when its signature does not verify with `maker_cert`
    /// (the key does not belong to the certificate).
    pub fn build(&self, maker: &dyn Signer, maker_cert: &Certificate) -> Result<Seal, SesError> {
        let prepared = self.prepare(maker_cert)?;
        let signature =
            maker
                .sign_sm2_sm3(prepared.tbs_bytes())
                .map_err(|source| SesError::SigningFailed {
                    role: "maker",
                    source,
                })?;
        prepared.finish(&signature)
    }
}

/// A seal ready for the maker's signature: the bytes to sign, and assembly once the signature
/// comes back.
#[derive(Debug, Clone)]
pub struct PreparedSeal {
    version: SesVersion,
    info: SesSealInfo,
    maker_cert: Vec<u8>,
    maker_key: PublicKey,
    tbs: Vec<u8>,
}

impl PreparedSeal {
    /// The bytes the maker signs (SM2 with SM3 and the default ID `1234567812345678`): for v1
    /// the DER of `SEQUENCE { esealInfo, cert, signatureAlgorithm }`, for v4/v5 the DER of
    /// `eSealInfo`.
    #[must_use]
    pub fn tbs_bytes(&self) -> &[u8] {
        &self.tbs
    }

    /// The value an SM2 key holder that signs digests takes: `e = SM3(Z ‖ tbs)` with the maker
    /// certificate's key and the default ID.
    #[must_use]
    pub fn digest_e(&self) -> [u8; 32] {
        self.maker_key
            .digest(&crate::crypto::DistId::DEFAULT, &self.tbs)
    }

    /// The structure version being made.
    #[must_use]
    pub fn version(&self) -> SesVersion {
        self.version
    }

    /// Assembles the seal around the maker's signature (DER `SM2Signature`, or raw `r ‖ s`,
    /// which is written as DER), after checking it against the maker certificate.
    ///
    /// # Errors
    /// [`SesError::SignatureMismatch`] when the value is not an SM2 signature or does not verify
    /// over [`PreparedSeal::tbs_bytes`] with the maker certificate's key.
    pub fn finish(self, signature: &[u8]) -> Result<Seal, SesError> {
        let value = check_signature_value(&self.maker_key, &self.tbs, signature, "maker")?;
        let bits = BitString::from_bytes(&value.to_der())
            .map_err(|e| SesError::encoding("signedValue", e))?;
        let structure = match self.version {
            SesVersion::V1 => SealStructure::V1(v1::SesSeal::new(
                self.info,
                v1::SesSignInfo {
                    cert: self.maker_cert,
                    signature_algorithm: oid::SM2_WITH_SM3,
                    sign_data: bits,
                },
            )),
            SesVersion::V4 | SesVersion::V5 => SealStructure::V4(v4::SesSeal::new(
                self.info,
                self.maker_cert,
                oid::SM2_WITH_SM3,
                bits,
            )),
        };
        let seal = Seal::from_structure(&structure)?;
        let form = match self.version {
            SesVersion::V1 => MakerSignedForm::SealInfoCertAlgorithm,
            SesVersion::V4 | SesVersion::V5 => MakerSignedForm::SealInfoOnly,
        };
        // The parse of the assembled seal must give back exactly the bytes that were signed.
        if *seal.maker_signed_bytes(form)? != *self.tbs {
            return Err(SesError::invalid(
                "SESeal",
                "the assembled seal does not reproduce the signed bytes (internal error)",
            ));
        }
        Ok(seal)
    }
}

/// The SM2 public key of a certificate, for `role` ("maker" or "signer").
pub(crate) fn certificate_key(
    cert: &Certificate,
    role: &'static str,
) -> Result<PublicKey, SesError> {
    let point = cert
        .sm2_public_key()
        .map_err(|source| SesError::Certificate { role, source })?;
    PublicKey::from_sec1_bytes(point).map_err(|e| SesError::Certificate {
        role,
        source: PkiError::UnsupportedKey {
            detail: e.to_string().into(),
        },
    })
}

/// Decodes a signature value handed back by a key holder and verifies it over `tbs`.
pub(crate) fn check_signature_value(
    key: &PublicKey,
    tbs: &[u8],
    signature: &[u8],
    role: &'static str,
) -> Result<Sm2Signature, SesError> {
    let (value, _) =
        Sm2Signature::from_der_or_raw(signature).map_err(|e| SesError::SignatureMismatch {
            role,
            detail: format!("not an SM2 signature: {e}"),
        })?;
    key.verify(tbs, &value)
        .map_err(|_| SesError::SignatureMismatch {
            role,
            detail: "it does not verify over the bytes to be signed with the default ID \
                     1234567812345678"
                .to_owned(),
        })?;
    Ok(value)
}

/// A time in the form the version specifies.
pub(crate) fn ses_time(version: SesVersion, t: Time, field: &str) -> Result<SesTime, SesError> {
    let dt = t
        .to_date_time()
        .ok_or_else(|| SesError::invalid(field, "the time is beyond the year 9999"))?;
    SesTime::for_version(version, dt).map_err(|e| match e {
        SesError::InvalidValue { problem, .. } => SesError::invalid(field, problem),
        other => other,
    })
}
