//! Writing the CMS structures as DER (RFC 5652 §5, GM/T 0010 §7).

use der::asn1::{AnyRef, ObjectIdentifier, OctetStringRef, UintRef};
use der::{Encode, Tag};

use super::CmsError;
use super::asn1::ctx;
use crate::time::Time;

/// One TLV with `tag` around `value`.
pub(crate) fn tlv(tag: Tag, value: &[u8]) -> Result<Vec<u8>, CmsError> {
    AnyRef::new(tag, value)
        .and_then(|a| a.to_der())
        .map_err(|e| CmsError::encode("DER element", e))
}

/// `SEQUENCE` of already encoded elements.
pub(crate) fn sequence(parts: &[&[u8]]) -> Result<Vec<u8>, CmsError> {
    tlv(Tag::Sequence, &parts.concat())
}

/// `SET OF` already encoded elements, sorted into DER order (X.690 §11.6).
pub(crate) fn set_of(mut parts: Vec<Vec<u8>>) -> Result<Vec<u8>, CmsError> {
    // For TLVs, plain lexicographic order equals X.690's zero-padded comparison: a proper prefix
    // sorts first in both.
    parts.sort();
    tlv(Tag::Set, &parts.concat())
}

/// `[n]` EXPLICIT / constructed IMPLICIT around `value` (the contents).
pub(crate) fn context(n: u8, value: &[u8]) -> Result<Vec<u8>, CmsError> {
    tlv(ctx(n), value)
}

pub(crate) fn oid(oid: &ObjectIdentifier) -> Result<Vec<u8>, CmsError> {
    oid.to_der()
        .map_err(|e| CmsError::encode("OBJECT IDENTIFIER", e))
}

pub(crate) fn octet_string(bytes: &[u8]) -> Result<Vec<u8>, CmsError> {
    OctetStringRef::new(bytes)
        .and_then(|o| o.to_der())
        .map_err(|e| CmsError::encode("OCTET STRING", e))
}

/// A non-negative INTEGER from its big-endian magnitude.
pub(crate) fn uint(magnitude: &[u8], what: &'static str) -> Result<Vec<u8>, CmsError> {
    UintRef::new(magnitude)
        .and_then(|u| u.to_der())
        .map_err(|e| CmsError::encode(what, e))
}

/// A small INTEGER (versions).
pub(crate) fn small_int(v: u8) -> Result<Vec<u8>, CmsError> {
    uint(&[v], "version")
}

/// `AlgorithmIdentifier` without parameters.
pub(crate) fn alg_id(algorithm: &ObjectIdentifier) -> Result<Vec<u8>, CmsError> {
    sequence(&[&oid(algorithm)?])
}

/// `Attribute ::= SEQUENCE { attrType, attrValues SET OF }` with one value.
pub(crate) fn attribute(attr_type: &ObjectIdentifier, value: &[u8]) -> Result<Vec<u8>, CmsError> {
    sequence(&[&oid(attr_type)?, &set_of(vec![value.to_vec()])?])
}

/// `Time` of RFC 5652 §11.3: UTCTime for 1950–2049, GeneralizedTime otherwise.
pub(crate) fn time(t: Time, what: &'static str) -> Result<Vec<u8>, CmsError> {
    let dt = t
        .to_date_time()
        .ok_or_else(|| CmsError::invalid(what, "after 9999-12-31T23:59:59Z"))?;
    if dt.year() < 2050 {
        der::asn1::UtcTime::from_date_time(dt)
            .and_then(|u| u.to_der())
            .map_err(|e| CmsError::encode(what, e))
    } else {
        generalized_time(t, what)
    }
}

/// GeneralizedTime `YYYYMMDDhhmmssZ` (no fraction: eseal times have one-second precision).
pub(crate) fn generalized_time(t: Time, what: &'static str) -> Result<Vec<u8>, CmsError> {
    let dt = t
        .to_date_time()
        .ok_or_else(|| CmsError::invalid(what, "after 9999-12-31T23:59:59Z"))?;
    der::asn1::GeneralizedTime::from_date_time(dt)
        .to_der()
        .map_err(|e| CmsError::encode(what, e))
}
