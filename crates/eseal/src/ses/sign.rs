//! Signing with a seal (签章): [`SignatureBuilder`] makes an `SES_Signature` in the seal's
//! version over data or its SM3 hash, in one step ([`SignatureBuilder::sign`]) or two
//! ([`SignatureBuilder::prepare`], then [`PreparedSignature::finish`]) when the signer's key is
//! held elsewhere.
//!
//! A timestamp covers the signature value, so it can only be requested once the signature
//! exists: send [`timestamp_imprint`] to the time-stamping authority and add its token with
//! [`attach_timestamp`] (GB/T 38540 / GM/T 0031-2025 only).

use der::asn1::BitString;

use super::common::{BitOrOctetString, ExtData, ExtDatasEncoding, ExtensionDatas, TimeStamp};
use super::make::{certificate_key, check_signature_value, ses_time};
use super::seal::Seal;
use super::seal_info::CertListMatch;
use super::signature::{Signature, SignatureStructure};
use super::{SesError, SesVersion, v1, v4};
use crate::crypto::{DistId, PublicKey};
use crate::oid;
use crate::pki::{Certificate, Signer};
use crate::time::Time;

/// What the signature protects (`TBS_Sign.dataHash` is its SM3 hash).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataToSign<'a> {
    /// The data itself (OFD: the bytes of `Signature.xml`); eseal hashes it with SM3.
    Bytes(&'a [u8]),
    /// The SM3 hash of the data, computed by the caller.
    Sm3Digest([u8; 32]),
}

impl DataToSign<'_> {
    /// The SM3 hash written as `dataHash`.
    #[must_use]
    pub fn sm3(&self) -> [u8; 32] {
        match self {
            Self::Bytes(data) => crate::crypto::sm3::sm3(data),
            Self::Sm3Digest(digest) => *digest,
        }
    }
}

/// Builds an electronic signature (电子签章) with a seal.
///
/// The signature takes the seal's version. [`SignatureBuilder::prepare`] refuses a signer the
/// seal does not list ([`SesError::SignerNotInSeal`]), a signing time outside the seal's or the
/// signer certificate's validity, and a seal whose maker signature does not verify.
#[derive(Debug, Clone)]
pub struct SignatureBuilder<'a> {
    seal: &'a Seal,
    signer_cert: &'a Certificate,
    data_hash: [u8; 32],
    property_info: String,
    signing_time: Time,
    ext_datas: Vec<ExtData>,
}

impl<'a> SignatureBuilder<'a> {
    /// A signature with `seal` by the holder of `signer_cert` over `data`, stating
    /// `property_info` (ASCII; OFD: the path of `Signature.xml`) and claiming `signing_time`
    /// (`timeInfo`).
    #[must_use]
    pub fn new(
        seal: &'a Seal,
        signer_cert: &'a Certificate,
        data: DataToSign<'_>,
        property_info: impl Into<String>,
        signing_time: Time,
    ) -> Self {
        Self {
            seal,
            signer_cert,
            data_hash: data.sm3(),
            property_info: property_info.into(),
            signing_time,
            ext_datas: Vec::new(),
        }
    }

    /// Adds a vendor extension to `TBS_Sign.extDatas` (v4/v5 only; written `[0] EXPLICIT`).
    pub fn add_ext_data(&mut self, ext: ExtData) -> &mut Self {
        self.ext_datas.push(ext);
        self
    }

    /// Checks the request and computes `TBS_Sign`, the bytes the signer signs.
    ///
    /// # Errors
    /// [`SesError::SignerNotInSeal`] when the seal does not list the signer (as a certificate,
    /// or as a digest eseal can compute), [`SesError::NotValidAt`] when the signing time is
    /// outside the seal's or the signer certificate's validity, [`SesError::SignatureMismatch`]
    /// when the seal's maker signature does not verify, [`SesError::Certificate`] when the
    /// signer certificate has no SM2 key, [`SesError::NotInVersion`] for extensions in a v1
    /// signature, and [`SesError::InvalidValue`] for values that cannot be encoded.
    pub fn prepare(&self) -> Result<PreparedSignature, SesError> {
        let seal = self.seal;
        let cert = self.signer_cert;
        let signer_key = certificate_key(cert, "signer")?;
        match seal.cert_list().lists(cert.as_der()) {
            CertListMatch::Certificate { .. } | CertListMatch::Digest { .. } => {}
            _ => {
                return Err(SesError::SignerNotInSeal {
                    subject: cert.subject_string(),
                });
            }
        }
        let at = self.signing_time;
        let (from, to) = (
            Time::from(seal.valid_start().datetime()),
            Time::from(seal.valid_end().datetime()),
        );
        if at < from || at > to {
            return Err(SesError::NotValidAt {
                what: "seal",
                at,
                not_before: from,
                not_after: to,
            });
        }
        if at < cert.not_before() || at > cert.not_after() {
            return Err(SesError::NotValidAt {
                what: "signer certificate",
                at,
                not_before: cert.not_before(),
                not_after: cert.not_after(),
            });
        }
        check_maker_signature(seal)?;

        let tbs = match seal.version() {
            SesVersion::V1 => {
                if !self.ext_datas.is_empty() {
                    return Err(SesError::NotInVersion {
                        what: "TBS_Sign.extDatas",
                        version: SesVersion::V1,
                    });
                }
                PreparedTbs::V1(v1::TbsSign {
                    version: seal.header().version,
                    eseal: seal.clone(),
                    time_info: BitOrOctetString::bit_string(v1_time_text(at)?.as_bytes())?,
                    data_hash: BitOrOctetString::bit_string(&self.data_hash)?,
                    property_info: self.property_info.clone(),
                    cert: cert.as_der().to_vec(),
                    signature_algorithm: oid::SM2_WITH_SM3,
                })
            }
            SesVersion::V4 | SesVersion::V5 => {
                let mut tbs = v4::TbsSign::new(
                    seal.clone(),
                    ses_time(seal.version(), at, "TBS_Sign.timeInfo")?,
                    &self.data_hash,
                    self.property_info.clone(),
                )?;
                if !self.ext_datas.is_empty() {
                    tbs.ext_datas = Some(ExtensionDatas::new(
                        ExtDatasEncoding::Explicit,
                        self.ext_datas.clone(),
                    ));
                }
                PreparedTbs::V4(tbs)
            }
        };
        let tbs_der = match &tbs {
            PreparedTbs::V1(t) => t.to_der()?,
            PreparedTbs::V4(t) => t.to_der()?,
        };
        Ok(PreparedSignature {
            tbs,
            tbs_der,
            signer_cert: cert.as_der().to_vec(),
            signer_key,
        })
    }

    /// Prepares the signature and has `signer` sign it; the value is checked against the signer
    /// certificate before the signature is assembled.
    ///
    /// # Errors
    /// As [`SignatureBuilder::prepare`]; [`SesError::SigningFailed`] when `signer` fails and
    /// [`SesError::SignatureMismatch`] when its signature does not verify with the signer
    /// certificate.
    pub fn sign(&self, signer: &dyn Signer) -> Result<Signature, SesError> {
        let prepared = self.prepare()?;
        let value = signer
            .sign_sm2_sm3(prepared.tbs_bytes())
            .map_err(|source| SesError::SigningFailed {
                role: "signer",
                source,
            })?;
        prepared.finish(&value)
    }
}

/// `TBS_Sign` in the layout of the seal's version.
#[derive(Debug, Clone)]
enum PreparedTbs {
    V1(v1::TbsSign),
    V4(v4::TbsSign),
}

/// A signature ready for the signer's signature value: the bytes to sign, and assembly once the
/// value comes back.
#[derive(Debug, Clone)]
pub struct PreparedSignature {
    tbs: PreparedTbs,
    tbs_der: Vec<u8>,
    signer_cert: Vec<u8>,
    signer_key: PublicKey,
}

impl PreparedSignature {
    /// The DER of `TBS_Sign`: the bytes the signer signs (SM2 with SM3, default ID).
    #[must_use]
    pub fn tbs_bytes(&self) -> &[u8] {
        &self.tbs_der
    }

    /// `e = SM3(Z ‖ TBS_Sign)` with the signer certificate's key and the default ID
    /// `1234567812345678`, for key holders that sign digests.
    #[must_use]
    pub fn digest_e(&self) -> [u8; 32] {
        self.signer_key.digest(&DistId::DEFAULT, &self.tbs_der)
    }

    /// Assembles the `SES_Signature` around the signer's value (DER `SM2Signature`, or raw
    /// `r ‖ s`, written as DER) after checking it against the signer certificate.
    ///
    /// # Errors
    /// [`SesError::SignatureMismatch`] when the value is not an SM2 signature or does not verify
    /// over [`PreparedSignature::tbs_bytes`] with the signer certificate's key.
    pub fn finish(self, signature: &[u8]) -> Result<Signature, SesError> {
        let value = check_signature_value(&self.signer_key, &self.tbs_der, signature, "signer")?;
        let bits = BitString::from_bytes(&value.to_der())
            .map_err(|e| SesError::encoding("signature", e))?;
        let structure = match self.tbs {
            PreparedTbs::V1(tbs) => SignatureStructure::V1(v1::SesSignature::new(tbs, bits)),
            PreparedTbs::V4(tbs) => SignatureStructure::V4(v4::SesSignature::new(
                tbs,
                self.signer_cert,
                oid::SM2_WITH_SM3,
                bits,
            )),
        };
        let signature = Signature::from_structure(&structure)?;
        if signature.tbs_der() != self.tbs_der.as_slice() {
            return Err(SesError::invalid(
                "SES_Signature",
                "the assembled signature does not reproduce the signed bytes (internal error)",
            ));
        }
        Ok(signature)
    }
}

/// The message imprint a timestamp of `signature` must carry: SM3 of the signature value (the
/// BIT STRING contents of `SES_Signature.signature`; standards notes §3.7).
#[must_use]
pub fn timestamp_imprint(signature: &Signature) -> [u8; 32] {
    crate::crypto::sm3::sm3(signature.signature_value())
}

/// A copy of `signature` with the timestamp token `token` (DER `TimeStampToken`) in
/// `SES_Signature.timeStamp`, replacing any present. The token is not checked here; the
/// verifier checks that it covers [`timestamp_imprint`].
///
/// # Errors
/// [`SesError::NotInVersion`] for a GM/T 0031-2014 signature, which has no timestamp field.
pub fn attach_timestamp(signature: &Signature, token: &[u8]) -> Result<Signature, SesError> {
    match signature.structure() {
        SignatureStructure::V1(_) => Err(SesError::NotInVersion {
            what: "a timestamp",
            version: SesVersion::V1,
        }),
        SignatureStructure::V4(s) => {
            let mut s = s.clone();
            s.time_stamp = Some(TimeStamp::new(token)?);
            Signature::from_structure(&SignatureStructure::V4(s))
        }
    }
}

/// GM/T 0031-2014 leaves the `timeInfo` text open; eseal writes RFC 3339 in UTC with `Z`, so
/// that readers need not guess a time zone.
fn v1_time_text(at: Time) -> Result<String, SesError> {
    if at.to_date_time().is_none() {
        return Err(SesError::invalid(
            "TBS_Sign.timeInfo",
            "the time is beyond the year 9999",
        ));
    }
    Ok(at.to_string())
}

/// Refuses to sign with a seal whose maker signature verifies over none of the forms.
fn check_maker_signature(seal: &Seal) -> Result<(), SesError> {
    let mismatch = |detail: &str| SesError::SignatureMismatch {
        role: "maker",
        detail: format!("{detail}; the seal is damaged or forged and cannot be used"),
    };
    let cert =
        Certificate::from_der(seal.maker_cert_der()).map_err(|source| SesError::Certificate {
            role: "maker",
            source,
        })?;
    let key = certificate_key(&cert, "maker")?;
    let (value, _) =
        crate::crypto::Signature::from_der_or_raw(seal.maker_signature()).map_err(|e| {
            mismatch(&format!(
                "the maker signature is not an SM2 signature ({e})"
            ))
        })?;
    for form in seal.maker_signed_forms() {
        if key.verify(&seal.maker_signed_bytes(*form)?, &value).is_ok() {
            return Ok(());
        }
    }
    Err(mismatch("the seal's maker signature does not verify"))
}
