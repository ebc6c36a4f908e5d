//! The ASN.1 of RFC 7292 as eseal reads it. Real files are often BER (Bouncy Castle, and so
//! ofdrw, writes indefinite lengths and constructed `OCTET STRING`s), so every type here is
//! decoded with a BER reader, in one pass, from the type's own reader: an `ANY DEFINED BY` is
//! resolved where it is met rather than re-parsed from a copied `ANY`.

use der::asn1::{ContextSpecific, ObjectIdentifier, OctetString, OctetStringRef, UintRef};
use der::{
    Decode, DecodeValue, EncodingRules, ErrorKind, FixedTag, Header, Reader, Sequence, SliceReader,
    Tag, TagNumber, Tagged as _,
};
use spki::AlgorithmIdentifierRef;
use zeroize::Zeroizing;

use crate::oid;

/// Decodes `T` from BER (which includes DER), requiring all input to be consumed.
pub(super) fn from_ber<'a, T: Decode<'a, Error = der::Error>>(bytes: &'a [u8]) -> der::Result<T> {
    let mut reader = SliceReader::new_with_encoding_rules(bytes, EncodingRules::Ber)?;
    let value = T::decode(&mut reader)?;
    reader.finish()?;
    Ok(value)
}

/// A complete TLV, kept as bytes to be decoded later (or skipped).
#[derive(Clone, Copy, Debug)]
pub(super) struct RawTlv<'a>(pub(super) &'a [u8]);

impl<'a> Decode<'a> for RawTlv<'a> {
    type Error = der::Error;

    fn decode<R: Reader<'a>>(reader: &mut R) -> der::Result<Self> {
        reader.tlv_bytes().map(RawTlv)
    }
}

/// `PFX`, RFC 7292 §4:
///
/// ```text
/// PFX ::= SEQUENCE {
///   version  INTEGER {v3(3)}(v3,...),
///   authSafe ContentInfo,
///   macData  MacData OPTIONAL }
/// ```
#[derive(Debug)]
pub(super) struct Pfx<'a> {
    pub(super) version: UintRef<'a>,
    pub(super) auth_safe: ContentInfo<'a>,
    pub(super) mac_data: Option<MacData<'a>>,
}

impl<'a> DecodeValue<'a> for Pfx<'a> {
    type Error = der::Error;

    fn decode_value<R: Reader<'a>>(reader: &mut R, _header: Header) -> der::Result<Self> {
        let version = UintRef::decode(reader)?;
        let auth_safe = ContentInfo::decode(reader)?;
        let mac_data = if reader.is_finished() {
            None
        } else {
            Some(MacData::decode(reader)?)
        };
        Ok(Pfx {
            version,
            auth_safe,
            mac_data,
        })
    }
}

impl FixedTag for Pfx<'_> {
    const TAG: Tag = Tag::Sequence;
}

/// `MacData`, RFC 7292 §4:
///
/// ```text
/// MacData ::= SEQUENCE {
///   mac        DigestInfo,
///   macSalt    OCTET STRING,
///   iterations INTEGER DEFAULT 1 }
/// ```
#[derive(Debug, Sequence)]
pub(super) struct MacData<'a> {
    pub(super) mac: DigestInfo<'a>,
    pub(super) mac_salt: OctetString,
    #[asn1(optional = "true")]
    pub(super) iterations: Option<UintRef<'a>>,
}

/// `DigestInfo`, RFC 8017 §9.2 (as used by RFC 7292 `MacData`):
///
/// ```text
/// DigestInfo ::= SEQUENCE {
///   digestAlgorithm DigestAlgorithmIdentifier,
///   digest          OCTET STRING }
/// ```
#[derive(Debug, Sequence)]
pub(super) struct DigestInfo<'a> {
    pub(super) digest_algorithm: AlgorithmIdentifierRef<'a>,
    pub(super) digest: OctetString,
}

/// `ContentInfo`, RFC 5652 §3, with the content types RFC 7292 §4.1 allows in a PFX:
///
/// ```text
/// ContentInfo ::= SEQUENCE {
///   contentType ContentType,
///   content     [0] EXPLICIT ANY DEFINED BY contentType }
/// ```
#[derive(Debug)]
pub(super) enum ContentInfo<'a> {
    /// `data`: the octets (a BER `SafeContents`, or for the `authSafe` an `AuthenticatedSafe`).
    /// Wiped on drop: an unencrypted `keyBag` may be inside.
    Data(Zeroizing<Vec<u8>>),
    /// `encryptedData`: password privacy mode.
    Encrypted(EncryptedData<'a>),
    /// `signedData`, `envelopedData` or anything else: kept as the content type.
    Other(ObjectIdentifier),
}

impl<'a> DecodeValue<'a> for ContentInfo<'a> {
    type Error = der::Error;

    fn decode_value<R: Reader<'a>>(reader: &mut R, _header: Header) -> der::Result<Self> {
        let content_type = ObjectIdentifier::decode(reader)?;
        let zero = TagNumber(0);
        let content = if content_type == oid::PKCS7_DATA {
            let data = ContextSpecific::<OctetString>::decode_explicit(reader, zero)?.ok_or_else(
                || {
                    reader.error(ErrorKind::TagUnexpected {
                        expected: Some(Tag::ContextSpecific {
                            constructed: true,
                            number: zero,
                        }),
                        actual: Tag::Null,
                    })
                },
            )?;
            ContentInfo::Data(Zeroizing::new(data.value.into_bytes().into_vec()))
        } else if content_type == oid::PKCS7_ENCRYPTED_DATA {
            let data = ContextSpecific::<EncryptedData<'a>>::decode_explicit(reader, zero)?
                .ok_or_else(|| {
                    reader.error(ErrorKind::TagUnexpected {
                        expected: Some(Tag::ContextSpecific {
                            constructed: true,
                            number: zero,
                        }),
                        actual: Tag::Null,
                    })
                })?;
            ContentInfo::Encrypted(data.value)
        } else {
            skip_rest(reader)?;
            ContentInfo::Other(content_type)
        };
        Ok(content)
    }
}

impl FixedTag for ContentInfo<'_> {
    const TAG: Tag = Tag::Sequence;
}

/// `EncryptedData` and `EncryptedContentInfo`, RFC 5652 §8 and §6.1:
///
/// ```text
/// EncryptedData ::= SEQUENCE {
///   version              CMSVersion,
///   encryptedContentInfo EncryptedContentInfo,
///   unprotectedAttrs     [1] IMPLICIT UnprotectedAttributes OPTIONAL }
/// EncryptedContentInfo ::= SEQUENCE {
///   contentType                ContentType,
///   contentEncryptionAlgorithm ContentEncryptionAlgorithmIdentifier,
///   encryptedContent           [0] IMPLICIT EncryptedContent OPTIONAL }
/// ```
#[derive(Debug)]
pub(super) struct EncryptedData<'a> {
    pub(super) content_type: ObjectIdentifier,
    pub(super) algorithm: AlgorithmIdentifierRef<'a>,
    pub(super) encrypted_content: Option<Vec<u8>>,
}

impl<'a> DecodeValue<'a> for EncryptedData<'a> {
    type Error = der::Error;

    fn decode_value<R: Reader<'a>>(reader: &mut R, _header: Header) -> der::Result<Self> {
        let _version = UintRef::decode(reader)?;
        let inner = reader.sequence(|r| {
            let content_type = ObjectIdentifier::decode(r)?;
            let algorithm = AlgorithmIdentifierRef::decode(r)?;
            let encrypted_content =
                ContextSpecific::<OctetString>::decode_implicit(r, TagNumber(0))?
                    .map(|c| c.value.into_bytes().into_vec());
            Ok::<_, der::Error>(EncryptedData {
                content_type,
                algorithm,
                encrypted_content,
            })
        })?;
        // unprotectedAttrs carry nothing eseal uses.
        skip_rest(reader)?;
        Ok(inner)
    }
}

impl FixedTag for EncryptedData<'_> {
    const TAG: Tag = Tag::Sequence;
}

/// `EncryptedPrivateKeyInfo`, RFC 5958 §3 (the value of a `pkcs8ShroudedKeyBag`):
///
/// ```text
/// EncryptedPrivateKeyInfo ::= SEQUENCE {
///   encryptionAlgorithm EncryptionAlgorithmIdentifier,
///   encryptedData       EncryptedData }
/// ```
#[derive(Debug, Sequence)]
pub(super) struct EncryptedPrivateKeyInfo<'a> {
    pub(super) encryption_algorithm: AlgorithmIdentifierRef<'a>,
    pub(super) encrypted_data: OctetString,
}

/// `SafeBag`, RFC 7292 §4.2:
///
/// ```text
/// SafeBag ::= SEQUENCE {
///   bagId         BAG-TYPE.&id ({PKCS12BagSet}),
///   bagValue      [0] EXPLICIT BAG-TYPE.&Type({PKCS12BagSet}{@bagId}),
///   bagAttributes SET OF PKCS12Attribute OPTIONAL }
/// ```
pub(super) struct SafeBag<'a> {
    pub(super) value: BagValue<'a>,
    pub(super) friendly_name: Option<String>,
    pub(super) local_key_id: Option<Vec<u8>>,
}

/// A `bagValue` resolved by `bagId`.
pub(super) enum BagValue<'a> {
    /// `keyBag`: the DER of a `PrivateKeyInfo`.
    Key(Zeroizing<Vec<u8>>),
    /// `pkcs8ShroudedKeyBag`.
    ShroudedKey(EncryptedPrivateKeyInfo<'a>),
    /// `certBag`: `certId` and, for `x509Certificate`, the certificate's DER.
    Cert {
        cert_type: ObjectIdentifier,
        der: Option<Vec<u8>>,
    },
    /// `safeContentsBag`: the TLV of a nested `SafeContents`.
    SafeContents(&'a [u8]),
    /// `crlBag`, `secretBag` or an unknown bag: its `bagId`.
    Other(ObjectIdentifier),
}

impl<'a> DecodeValue<'a> for SafeBag<'a> {
    type Error = der::Error;

    fn decode_value<R: Reader<'a>>(reader: &mut R, _header: Header) -> der::Result<Self> {
        let bag_id = ObjectIdentifier::decode(reader)?;
        let raw = ContextSpecific::<RawTlv<'a>>::decode_explicit(reader, TagNumber(0))?
            .ok_or_else(|| reader.error(ErrorKind::Length { tag: Tag::Sequence }))?
            .value
            .0;
        let value = if bag_id == oid::PKCS12_KEY_BAG {
            BagValue::Key(Zeroizing::new(raw.to_vec()))
        } else if bag_id == oid::PKCS12_SHROUDED_KEY_BAG {
            BagValue::ShroudedKey(from_ber(raw)?)
        } else if bag_id == oid::PKCS12_CERT_BAG {
            let bag: CertBag = from_ber(raw)?;
            BagValue::Cert {
                cert_type: bag.cert_id,
                der: bag.der,
            }
        } else if bag_id == oid::PKCS12_SAFE_CONTENTS_BAG {
            BagValue::SafeContents(raw)
        } else {
            BagValue::Other(bag_id)
        };
        let mut bag = SafeBag {
            value,
            friendly_name: None,
            local_key_id: None,
        };
        if !reader.is_finished() {
            let attributes = Attributes::decode(reader)?;
            bag.friendly_name = attributes.friendly_name;
            bag.local_key_id = attributes.local_key_id;
        }
        Ok(bag)
    }
}

impl FixedTag for SafeBag<'_> {
    const TAG: Tag = Tag::Sequence;
}

/// `CertBag`, RFC 7292 §4.2.3:
///
/// ```text
/// CertBag ::= SEQUENCE {
///   certId    BAG-TYPE.&id   ({CertTypes}),
///   certValue [0] EXPLICIT BAG-TYPE.&Type ({CertTypes}{@certId}) }
/// x509Certificate BAG-TYPE ::= {OCTET STRING IDENTIFIED BY {certTypes 1}}
/// ```
struct CertBag {
    cert_id: ObjectIdentifier,
    der: Option<Vec<u8>>,
}

impl<'a> DecodeValue<'a> for CertBag {
    type Error = der::Error;

    fn decode_value<R: Reader<'a>>(reader: &mut R, _header: Header) -> der::Result<Self> {
        let cert_id = ObjectIdentifier::decode(reader)?;
        let value = ContextSpecific::<RawTlv<'a>>::decode_explicit(reader, TagNumber(0))?
            .ok_or_else(|| reader.error(ErrorKind::Length { tag: Tag::Sequence }))?
            .value
            .0;
        let der = if cert_id == oid::PKCS9_X509_CERTIFICATE {
            let octets: OctetString = from_ber(value)?;
            Some(octets.into_bytes().into_vec())
        } else {
            None
        };
        Ok(CertBag { cert_id, der })
    }
}

impl FixedTag for CertBag {
    const TAG: Tag = Tag::Sequence;
}

/// The `bagAttributes` eseal reads, RFC 7292 §4.2 and PKCS#9 (RFC 2985 §5.5.1–5.5.2):
///
/// ```text
/// PKCS12Attribute ::= SEQUENCE {
///   attrId     ATTRIBUTE.&id ({PKCS12AttrSet}),
///   attrValues SET OF ATTRIBUTE.&Type ({PKCS12AttrSet}{@attrId}) }
/// friendlyName: BMPString (SIZE(1..pkcs-9-ub-friendlyName))
/// localKeyId:   OCTET STRING
/// ```
///
/// Decoded as BER (sets need not be sorted). The first value of each attribute is used; other
/// attributes are ignored.
struct Attributes {
    friendly_name: Option<String>,
    local_key_id: Option<Vec<u8>>,
}

/// Most attributes eseal looks at in one bag; more is refused as hostile.
const MAX_ATTRIBUTES: usize = 64;
/// Longest friendly name eseal reads, in UTF-16 code units (PKCS#9 `ub-friendlyName` is 255).
const MAX_FRIENDLY_NAME: usize = 1024;

impl<'a> DecodeValue<'a> for Attributes {
    type Error = der::Error;

    fn decode_value<R: Reader<'a>>(reader: &mut R, _header: Header) -> der::Result<Self> {
        let mut out = Attributes {
            friendly_name: None,
            local_key_id: None,
        };
        let mut count = 0usize;
        while !reader.is_finished() {
            count += 1;
            if count > MAX_ATTRIBUTES {
                return Err(reader.error(ErrorKind::Overlength));
            }
            let (attr_id, first) = reader.sequence(|r| {
                let attr_id = ObjectIdentifier::decode(r)?;
                let values = AttributeValues::decode(r)?;
                Ok::<_, der::Error>((attr_id, values.first))
            })?;
            let Some(first) = first else {
                continue;
            };
            if attr_id == oid::PKCS9_FRIENDLY_NAME && out.friendly_name.is_none() {
                out.friendly_name = Some(decode_bmp_string(first.0)?);
            } else if attr_id == oid::PKCS9_LOCAL_KEY_ID && out.local_key_id.is_none() {
                let id: OctetString = from_ber(first.0)?;
                out.local_key_id = Some(id.into_bytes().into_vec());
            }
        }
        Ok(out)
    }
}

impl FixedTag for Attributes {
    const TAG: Tag = Tag::Set;
}

/// `SET OF` attribute values: keeps the first.
struct AttributeValues<'a> {
    first: Option<RawTlv<'a>>,
}

impl<'a> DecodeValue<'a> for AttributeValues<'a> {
    type Error = der::Error;

    fn decode_value<R: Reader<'a>>(reader: &mut R, _header: Header) -> der::Result<Self> {
        let mut first = None;
        let mut count = 0usize;
        while !reader.is_finished() {
            count += 1;
            if count > MAX_ATTRIBUTES {
                return Err(reader.error(ErrorKind::Overlength));
            }
            let value = RawTlv::decode(reader)?;
            if first.is_none() {
                first = Some(value);
            }
        }
        Ok(AttributeValues { first })
    }
}

impl FixedTag for AttributeValues<'_> {
    const TAG: Tag = Tag::Set;
}

/// A `BMPString` TLV as text. Surrogate pairs are accepted (some writers put non-BMP characters
/// in friendly names); unpaired surrogates and odd lengths are malformed.
fn decode_bmp_string(tlv: &[u8]) -> der::Result<String> {
    let value: &OctetStringRef = {
        let any: der::asn1::AnyRef<'_> = der::asn1::AnyRef::from_der(tlv)?;
        any.tag().assert_eq(Tag::BmpString)?;
        OctetStringRef::new(any.value())?
    };
    let bytes = value.as_bytes();
    if !bytes.len().is_multiple_of(2) || bytes.len() / 2 > MAX_FRIENDLY_NAME {
        return Err(Tag::BmpString.length_error().into());
    }
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| c.iter().fold(0u16, |acc, b| (acc << 8) | u16::from(*b)))
        .collect();
    String::from_utf16(&units).map_err(|_| Tag::BmpString.value_error().into())
}

/// Skips the remaining elements of a constructed value.
fn skip_rest<'a, R: Reader<'a>>(reader: &mut R) -> der::Result<()> {
    while !reader.is_finished() {
        reader.tlv_bytes()?;
    }
    Ok(())
}
