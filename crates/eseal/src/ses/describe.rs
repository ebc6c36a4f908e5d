//! A typed description of a seal ([`SealDescription`]), as `eseal seal show --json` prints it
//! and the C and WebAssembly bindings return it, so every front end shows the same fields.

use super::{CertList, Seal, SesVersion};
use crate::pki::{Certificate, CertificateSummary};
use crate::time::Time;
use crate::verify::PictureFacts;

#[cfg(feature = "serde")]
fn hex_ser<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::pki::certificate_hex(bytes))
}

/// The seal header (`SES_Header`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct HeaderDescription {
    /// `"ES"` in conforming seals.
    pub id: String,
    /// The structure version number.
    pub version: i64,
    /// The vendor identifier.
    pub vendor_id: String,
}

/// One entry of the seal's signer list (`certList`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
#[non_exhaustive]
pub enum SignerDescription {
    /// A certificate that parses.
    Certificate(CertificateSummary),
    /// A certificate entry that does not parse.
    Unreadable {
        /// Why.
        error: String,
    },
    /// A certificate digest (`certListType` 2).
    Digest {
        /// The entry's `type` text.
        digest_type: String,
        /// The digest.
        #[cfg_attr(feature = "serde", serde(serialize_with = "hex_ser"))]
        digest: Vec<u8>,
    },
}

impl SignerDescription {
    fn of_certificate(der: &[u8]) -> Self {
        match Certificate::from_der(der) {
            Ok(c) => Self::Certificate(c.summary()),
            Err(e) => Self::Unreadable {
                error: format!("unreadable certificate: {e}"),
            },
        }
    }
}

/// One seal extension (`extDatas`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ExtensionDescription {
    /// The extension OID, dotted.
    pub oid: String,
    /// Whether it is marked critical.
    pub critical: bool,
    /// Length of its value.
    pub length: usize,
}

/// Everything `seal show` tells about a seal. Made by [`Seal::describe`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct SealDescription {
    /// The structure version.
    pub version: SesVersion,
    /// The standard of that version.
    pub standard: &'static str,
    /// The header.
    pub header: HeaderDescription,
    /// The seal identifier (`esID`).
    pub es_id: String,
    /// The seal name.
    pub name: String,
    /// The seal type number.
    pub seal_type: i64,
    /// `certListType` (1 certificates, 2 digests).
    pub cert_list_type: i64,
    /// Who the seal authorises.
    pub signers: Vec<SignerDescription>,
    /// Creation date.
    pub created: Time,
    /// Start of validity.
    pub valid_from: Time,
    /// End of validity.
    pub valid_to: Time,
    /// The picture's facts (the bytes: [`Seal::picture`]).
    pub picture: PictureFacts,
    /// Extensions.
    pub ext_datas: Vec<ExtensionDescription>,
    /// The seal maker's certificate.
    pub maker_certificate: SignerDescription,
    /// The maker's signature algorithm OID, dotted.
    pub signature_algorithm: String,
    /// The maker's signature value.
    #[cfg_attr(feature = "serde", serde(serialize_with = "hex_ser"))]
    pub maker_signature: Vec<u8>,
    /// Whether the maker's signature carries a timestamp field.
    pub maker_timestamp: bool,
    /// Deviations from the standard found while reading, for a person.
    pub deviations: Vec<String>,
}

impl Seal {
    /// The seal's fields as one description.
    #[must_use]
    pub fn describe(&self) -> SealDescription {
        let signers = match self.cert_list() {
            CertList::Certs(certs) => certs
                .iter()
                .map(|c| SignerDescription::of_certificate(c))
                .collect(),
            CertList::Digests(digests) => digests
                .iter()
                .map(|d| SignerDescription::Digest {
                    digest_type: d.digest_type.clone(),
                    digest: d.value.clone(),
                })
                .collect(),
        };
        let ext_datas = self
            .ext_datas()
            .map(|e| {
                e.iter()
                    .map(|x| ExtensionDescription {
                        oid: x.extn_id.to_string(),
                        critical: x.is_critical(),
                        length: x.extn_value.len(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let header = self.header();
        SealDescription {
            version: self.version(),
            standard: self.version().standard(),
            header: HeaderDescription {
                id: header.id.clone(),
                version: header.version,
                vendor_id: header.vid.clone(),
            },
            es_id: self.es_id().to_owned(),
            name: self.name().to_owned(),
            seal_type: self.seal_type(),
            cert_list_type: self.cert_list().list_type(),
            signers,
            created: Time::from(self.create_date().datetime()),
            valid_from: Time::from(self.valid_start().datetime()),
            valid_to: Time::from(self.valid_end().datetime()),
            picture: PictureFacts::of(self.picture()),
            ext_datas,
            maker_certificate: SignerDescription::of_certificate(self.maker_cert_der()),
            signature_algorithm: self.signature_algorithm().to_string(),
            maker_signature: self.maker_signature().to_vec(),
            maker_timestamp: self.maker_timestamp().is_some(),
            deviations: self.deviations().iter().map(ToString::to_string).collect(),
        }
    }
}
