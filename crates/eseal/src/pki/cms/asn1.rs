//! Reading the CMS structures (RFC 5652 §5, GM/T 0010 §7) from DER while keeping the exact
//! received bytes of everything a signature or digest covers.
//!
//! The structures are walked element by element with `der`'s reader rather than decoded into
//! `cms` crate types: the signed attributes must be verified over the bytes as received (a
//! vendor's SET may be unsorted), one odd certificate must not make the whole message
//! unreadable, and every count is capped before it is explored.

use der::asn1::ObjectIdentifier;
use der::{Decode, Reader, SliceReader, Tag, TagNumber, Tagged};

use super::CmsError;
use crate::oid;
use crate::time::Time;

/// Most SignerInfos read from one SignedData.
pub(crate) const MAX_SIGNERS: usize = 8;
/// Most certificates read from one SignedData.
pub(crate) const MAX_CERTIFICATES: usize = 32;
/// Most attributes in one signed or unsigned attribute set.
pub(crate) const MAX_ATTRIBUTES: usize = 64;
/// Most values of one attribute.
pub(crate) const MAX_ATTRIBUTE_VALUES: usize = 8;

/// One TLV: its tag, its contents and its whole encoding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: Tag,
    pub(crate) value: &'a [u8],
    pub(crate) raw: &'a [u8],
}

/// Reads the elements of a constructed value one by one.
pub(crate) struct Elements<'a> {
    reader: SliceReader<'a>,
    what: &'static str,
}

impl<'a> Elements<'a> {
    pub(crate) fn new(contents: &'a [u8], what: &'static str) -> Result<Self, CmsError> {
        Ok(Self {
            reader: SliceReader::new(contents).map_err(|e| CmsError::der(what, e))?,
            what,
        })
    }

    /// The elements of the single TLV `input` (which must be all of `input`) with tag `tag`.
    pub(crate) fn of(input: &'a [u8], tag: Tag, what: &'static str) -> Result<Self, CmsError> {
        let tlv = single(input, what)?;
        expect_tag(&tlv, tag, what)?;
        Self::new(tlv.value, what)
    }

    pub(crate) fn is_finished(&self) -> bool {
        self.reader.is_finished()
    }

    pub(crate) fn peek_tag(&self) -> Option<Tag> {
        if self.reader.is_finished() {
            None
        } else {
            Tag::peek(&self.reader).ok()
        }
    }

    /// The next element; an error when there is none.
    pub(crate) fn next(&mut self) -> Result<Tlv<'a>, CmsError> {
        if self.reader.is_finished() {
            return Err(CmsError::malformed(
                self.what,
                "a required element is missing",
            ));
        }
        let what = self.what;
        let raw = self
            .reader
            .tlv_bytes()
            .map_err(|e| CmsError::der(what, e))?;
        let any = der::asn1::AnyRef::from_der(raw).map_err(|e| CmsError::der(what, e))?;
        Ok(Tlv {
            tag: any.tag(),
            value: any.value(),
            raw,
        })
    }

    /// The next element if it has tag `tag`.
    pub(crate) fn optional(&mut self, tag: Tag) -> Result<Option<Tlv<'a>>, CmsError> {
        if self.peek_tag() == Some(tag) {
            self.next().map(Some)
        } else {
            Ok(None)
        }
    }

    /// The next element, which must have tag `tag`.
    pub(crate) fn expect(&mut self, tag: Tag, field: &'static str) -> Result<Tlv<'a>, CmsError> {
        let tlv = self.next()?;
        expect_tag(&tlv, tag, field)?;
        Ok(tlv)
    }

    pub(crate) fn oid(&mut self, field: &'static str) -> Result<ObjectIdentifier, CmsError> {
        let tlv = self.expect(Tag::ObjectIdentifier, field)?;
        ObjectIdentifier::from_der(tlv.raw).map_err(|e| CmsError::der(field, e))
    }

    /// Fails if elements are left over.
    pub(crate) fn finish(self) -> Result<(), CmsError> {
        if self.reader.is_finished() {
            Ok(())
        } else {
            Err(CmsError::malformed(
                self.what,
                "unexpected elements after the last field",
            ))
        }
    }
}

/// `input` as exactly one TLV.
pub(crate) fn single<'a>(input: &'a [u8], what: &'static str) -> Result<Tlv<'a>, CmsError> {
    let mut e = Elements::new(input, what)?;
    let tlv = e.next()?;
    if !e.is_finished() {
        return Err(CmsError::malformed(
            what,
            "trailing bytes after the structure",
        ));
    }
    Ok(tlv)
}

fn expect_tag(tlv: &Tlv<'_>, tag: Tag, what: &'static str) -> Result<(), CmsError> {
    if tlv.tag == tag {
        Ok(())
    } else {
        Err(CmsError::malformed(
            what,
            format!("expected {tag}, found {}", tlv.tag),
        ))
    }
}

/// `[n]` constructed (EXPLICIT, or IMPLICIT over a SET/SEQUENCE).
pub(crate) const fn ctx(n: u8) -> Tag {
    Tag::ContextSpecific {
        constructed: true,
        number: TagNumber(n as u32),
    }
}

/// `[n]` primitive (IMPLICIT over a primitive type).
pub(crate) const fn ctx_primitive(n: u8) -> Tag {
    Tag::ContextSpecific {
        constructed: false,
        number: TagNumber(n as u32),
    }
}

/// An `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AlgId {
    pub(crate) oid: ObjectIdentifier,
    /// The parameters' whole TLV, if present.
    pub(crate) params: Option<Vec<u8>>,
}

impl AlgId {
    pub(crate) fn read(tlv: &Tlv<'_>, what: &'static str) -> Result<Self, CmsError> {
        expect_tag(tlv, Tag::Sequence, what)?;
        let mut e = Elements::new(tlv.value, what)?;
        let oid = e.oid(what)?;
        let params = if e.is_finished() {
            None
        } else {
            Some(e.next()?.raw.to_vec())
        };
        e.finish()?;
        Ok(Self { oid, params })
    }

    /// Parameters absent or NULL, as both occur for SM2 and SM3.
    pub(crate) fn params_absent_or_null(&self) -> bool {
        matches!(self.params.as_deref(), None | Some([0x05, 0x00]))
    }
}

/// `Attribute ::= SEQUENCE { attrType OID, attrValues SET OF AttributeValue }`
/// (RFC 5652 §5.3), values kept as their whole TLVs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attribute {
    pub(crate) oid: ObjectIdentifier,
    pub(crate) values: Vec<Vec<u8>>,
}

/// A SET OF Attribute given as its contents; `unsorted` is set when the elements are not in
/// DER order (a signature still covers them as received).
pub(crate) fn read_attributes(
    contents: &[u8],
    what: &'static str,
) -> Result<(Vec<Attribute>, bool), CmsError> {
    let mut e = Elements::new(contents, what)?;
    let mut out = Vec::new();
    let mut unsorted = false;
    let mut previous: Option<&[u8]> = None;
    while !e.is_finished() {
        if out.len() >= MAX_ATTRIBUTES {
            return Err(CmsError::TooMany {
                what,
                limit: MAX_ATTRIBUTES,
            });
        }
        let tlv = e.expect(Tag::Sequence, what)?;
        if previous.is_some_and(|p| p > tlv.raw) {
            unsorted = true;
        }
        previous = Some(tlv.raw);
        let mut a = Elements::new(tlv.value, what)?;
        let oid = a.oid(what)?;
        let set = a.expect(Tag::Set, what)?;
        a.finish()?;
        let mut v = Elements::new(set.value, what)?;
        let mut values = Vec::new();
        while !v.is_finished() {
            if values.len() >= MAX_ATTRIBUTE_VALUES {
                return Err(CmsError::TooMany {
                    what: "attribute values",
                    limit: MAX_ATTRIBUTE_VALUES,
                });
            }
            values.push(v.next()?.raw.to_vec());
        }
        if values.is_empty() {
            return Err(CmsError::malformed(
                what,
                format!("attribute {oid} has no value (RFC 5652 §5.3 requires at least one)"),
            ));
        }
        out.push(Attribute { oid, values });
    }
    Ok((out, unsorted))
}

/// How a SignerInfo names its certificate (RFC 5652 §5.3 `SignerIdentifier`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SignerId {
    /// `issuerAndSerialNumber`: the issuer Name's DER and the serial INTEGER's contents.
    IssuerAndSerial {
        issuer: x509_cert::name::Name,
        serial: Vec<u8>,
    },
    /// `subjectKeyIdentifier [0]`.
    SubjectKeyId(Vec<u8>),
}

/// A SignerInfo (RFC 5652 §5.3; GM/T 0010 §7.2 names the same fields `authenticatedAttributes`,
/// `digestEncryptionAlgorithm`, `encryptedDigest`, `unauthenticatedAttributes`).
#[derive(Debug, Clone)]
pub(crate) struct RawSignerInfo {
    pub(crate) sid: SignerId,
    pub(crate) digest_algorithm: AlgId,
    /// The whole `[0] IMPLICIT` TLV of the signed attributes, as received.
    pub(crate) signed_attrs_raw: Option<Vec<u8>>,
    pub(crate) signed_attrs: Vec<Attribute>,
    pub(crate) signed_attrs_unsorted: bool,
    pub(crate) signature_algorithm: AlgId,
    pub(crate) signature: Vec<u8>,
    pub(crate) unsigned_attrs: Vec<Attribute>,
}

impl RawSignerInfo {
    fn read(tlv: &Tlv<'_>) -> Result<Self, CmsError> {
        const WHAT: &str = "SignerInfo";
        expect_tag(tlv, Tag::Sequence, WHAT)?;
        let mut e = Elements::new(tlv.value, WHAT)?;
        // version: 1 (issuerAndSerialNumber) or 3 (subjectKeyIdentifier); read, not enforced.
        small_int(&e.expect(Tag::Integer, "SignerInfo version")?, WHAT)?;
        let sid_tlv = e.next()?;
        let sid = match sid_tlv.tag {
            Tag::Sequence => {
                let mut s = Elements::new(sid_tlv.value, "issuerAndSerialNumber")?;
                let issuer_tlv = s.expect(Tag::Sequence, "issuerAndSerialNumber issuer")?;
                let issuer = x509_cert::name::Name::from_der(issuer_tlv.raw)
                    .map_err(|e| CmsError::der("issuerAndSerialNumber issuer", e))?;
                let serial = s.expect(Tag::Integer, "issuerAndSerialNumber serial")?;
                s.finish()?;
                SignerId::IssuerAndSerial {
                    issuer,
                    serial: serial.value.to_vec(),
                }
            }
            t if t == ctx_primitive(0) => SignerId::SubjectKeyId(sid_tlv.value.to_vec()),
            other => {
                return Err(CmsError::malformed(
                    "SignerInfo sid",
                    format!(
                        "expected issuerAndSerialNumber or subjectKeyIdentifier [0], found {other}"
                    ),
                ));
            }
        };
        let digest_algorithm = AlgId::read(&e.next()?, "SignerInfo digestAlgorithm")?;
        let (signed_attrs_raw, signed_attrs, signed_attrs_unsorted) = match e.optional(ctx(0))? {
            Some(t) => {
                let (attrs, unsorted) = read_attributes(t.value, "signed attributes")?;
                if attrs.is_empty() {
                    return Err(CmsError::malformed(
                        "signed attributes",
                        "present but empty (RFC 5652 §5.3: SIZE (1..MAX))",
                    ));
                }
                (Some(t.raw.to_vec()), attrs, unsorted)
            }
            None => (None, Vec::new(), false),
        };
        let signature_algorithm = AlgId::read(&e.next()?, "SignerInfo signatureAlgorithm")?;
        let signature = e
            .expect(Tag::OctetString, "SignerInfo signature")?
            .value
            .to_vec();
        let unsigned_attrs = match e.optional(ctx(1))? {
            Some(t) => read_attributes(t.value, "unsigned attributes")?.0,
            None => Vec::new(),
        };
        e.finish()?;
        Ok(Self {
            sid,
            digest_algorithm,
            signed_attrs_raw,
            signed_attrs,
            signed_attrs_unsorted,
            signature_algorithm,
            signature,
            unsigned_attrs,
        })
    }
}

/// A ContentInfo holding a SignedData, read down to its parts.
#[derive(Debug, Clone)]
pub(crate) struct RawSignedData {
    pub(crate) content_type: ObjectIdentifier,
    pub(crate) version: u8,
    pub(crate) digest_algorithms: Vec<AlgId>,
    pub(crate) econtent_type: ObjectIdentifier,
    /// The eContent OCTET STRING's contents.
    pub(crate) econtent: Option<Vec<u8>>,
    /// Whole TLVs of the certificates (only the `certificate` choice; other choices are skipped).
    pub(crate) certificates: Vec<Vec<u8>>,
    pub(crate) signer_infos: Vec<RawSignerInfo>,
}

/// Reads `ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY }` whose content
/// is a SignedData (RFC 5652 §3, §5.1; GM/T 0010 §7.1 — same layout, `contentInfo` in place of
/// `encapContentInfo`).
pub(crate) fn read_signed_data(input: &[u8]) -> Result<RawSignedData, CmsError> {
    let mut ci = Elements::of(input, Tag::Sequence, "ContentInfo")?;
    let content_type = ci.oid("ContentInfo contentType")?;
    if content_type != oid::PKCS7_SIGNED_DATA && content_type != oid::GM_SIGNED_DATA {
        return Err(CmsError::UnexpectedContentType {
            what: "ContentInfo contentType",
            oid: content_type,
            expected: "signedData (1.2.840.113549.1.7.2 or 1.2.156.10197.6.1.4.2.2)",
        });
    }
    let explicit = ci.expect(ctx(0), "ContentInfo content")?;
    ci.finish()?;
    let mut sd = Elements::of(explicit.value, Tag::Sequence, "SignedData")?;
    let version = small_int(
        &sd.expect(Tag::Integer, "SignedData version")?,
        "SignedData",
    )?;

    let algs = sd.expect(Tag::Set, "SignedData digestAlgorithms")?;
    let mut a = Elements::new(algs.value, "SignedData digestAlgorithms")?;
    let mut digest_algorithms = Vec::new();
    while !a.is_finished() {
        if digest_algorithms.len() >= MAX_SIGNERS {
            return Err(CmsError::TooMany {
                what: "SignedData digestAlgorithms",
                limit: MAX_SIGNERS,
            });
        }
        digest_algorithms.push(AlgId::read(&a.next()?, "SignedData digestAlgorithms")?);
    }

    let eci = sd.expect(Tag::Sequence, "EncapsulatedContentInfo")?;
    let mut ec = Elements::new(eci.value, "EncapsulatedContentInfo")?;
    let econtent_type = ec.oid("eContentType")?;
    let econtent = match ec.optional(ctx(0))? {
        Some(t) => {
            let inner = single(t.value, "eContent")?;
            expect_tag(&inner, Tag::OctetString, "eContent")?;
            Some(inner.value.to_vec())
        }
        None => None,
    };
    ec.finish()?;

    let mut certificates = Vec::new();
    if let Some(t) = sd.optional(ctx(0))? {
        let mut c = Elements::new(t.value, "SignedData certificates")?;
        while !c.is_finished() {
            let cert = c.next()?;
            // Other CertificateChoices (attribute certificates, `other`) are skipped: eseal
            // only looks for X.509 signer certificates.
            if cert.tag == Tag::Sequence {
                if certificates.len() >= MAX_CERTIFICATES {
                    return Err(CmsError::TooMany {
                        what: "SignedData certificates",
                        limit: MAX_CERTIFICATES,
                    });
                }
                certificates.push(cert.raw.to_vec());
            }
        }
    }
    // CRLs are skipped: revocation data comes from the caller.
    let _ = sd.optional(ctx(1))?;

    let infos = sd.expect(Tag::Set, "SignedData signerInfos")?;
    sd.finish()?;
    let mut s = Elements::new(infos.value, "SignedData signerInfos")?;
    let mut signer_infos = Vec::new();
    while !s.is_finished() {
        if signer_infos.len() >= MAX_SIGNERS {
            return Err(CmsError::TooMany {
                what: "SignedData signerInfos",
                limit: MAX_SIGNERS,
            });
        }
        signer_infos.push(RawSignerInfo::read(&s.next()?)?);
    }
    Ok(RawSignedData {
        content_type,
        version,
        digest_algorithms,
        econtent_type,
        econtent,
        certificates,
        signer_infos,
    })
}

/// A small non-negative INTEGER (versions).
pub(crate) fn small_int(tlv: &Tlv<'_>, what: &'static str) -> Result<u8, CmsError> {
    match tlv.value {
        [v] if *v < 0x80 => Ok(*v),
        _ => Err(CmsError::malformed(
            what,
            "version is not a small non-negative INTEGER",
        )),
    }
}

/// The magnitude of a non-negative DER INTEGER (leading zero octet removed).
pub(crate) fn unsigned_integer<'a>(
    tlv: &Tlv<'a>,
    what: &'static str,
) -> Result<&'a [u8], CmsError> {
    let v = der::asn1::UintRef::from_der(tlv.raw).map_err(|e| CmsError::der(what, e))?;
    Ok(v.as_bytes())
}

/// A UTCTime or GeneralizedTime TLV (RFC 5652 §11.3 `Time`; RFC 3161 genTime), as whole UTC
/// seconds plus the fraction digits of a GeneralizedTime ("" when there are none).
///
/// UTCTime: `YYMMDDhhmmssZ`, years 50–99 → 19xx (RFC 5280 §4.1.2.5.1). GeneralizedTime:
/// `YYYYMMDDhhmmss[.f…]Z` with no trailing zero in the fraction (RFC 3161 §2.4.2, X.690 §11.7).
pub(crate) fn read_time(tlv: &Tlv<'_>, what: &'static str) -> Result<(Time, String), CmsError> {
    let bad = |why: &str| CmsError::malformed(what, why.to_owned());
    let text = tlv.value;
    let (year, rest) = match tlv.tag {
        Tag::UtcTime => {
            let yy = two_digits(text.get(0..2)).ok_or_else(|| bad("UTCTime year is not digits"))?;
            let year = if yy >= 50 { 1900 } else { 2000 } + u16::from(yy);
            (year, text.get(2..).unwrap_or_default())
        }
        Tag::GeneralizedTime => {
            let hi = two_digits(text.get(0..2));
            let lo = two_digits(text.get(2..4));
            let (Some(hi), Some(lo)) = (hi, lo) else {
                return Err(bad("GeneralizedTime year is not digits"));
            };
            (
                u16::from(hi) * 100 + u16::from(lo),
                text.get(4..).unwrap_or_default(),
            )
        }
        other => {
            return Err(CmsError::malformed(
                what,
                format!("expected UTCTime or GeneralizedTime, found {other}"),
            ));
        }
    };
    let field = |i: usize| two_digits(rest.get(i..i + 2));
    let (Some(mo), Some(d), Some(h), Some(mi), Some(s)) =
        (field(0), field(2), field(4), field(6), field(8))
    else {
        return Err(bad("the date and time must be digits down to the second"));
    };
    let tail = rest.get(10..).unwrap_or_default();
    let fraction = match (tlv.tag, tail) {
        (_, b"Z") => String::new(),
        (Tag::GeneralizedTime, [b'.', digits @ .., b'Z'])
            if !digits.is_empty()
                && digits.len() <= 12
                && digits.iter().all(u8::is_ascii_digit)
                && digits.last() != Some(&b'0') =>
        {
            digits.iter().map(|&b| char::from(b)).collect()
        }
        _ => {
            return Err(bad(
                "the time must end in Z (UTC), with an optional fraction without trailing zeros",
            ));
        }
    };
    let time = Time::from_utc(year, mo, d, h, mi, s).ok_or_else(|| bad("not a valid date"))?;
    Ok((time, fraction))
}

fn two_digits(b: Option<&[u8]>) -> Option<u8> {
    match b? {
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some((a - b'0').saturating_mul(10).saturating_add(b - b'0'))
        }
        _ => None,
    }
}
