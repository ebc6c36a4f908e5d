//! Structure versions and how to tell them apart (standards notes §3.6, the logic of ofdrw's
//! `VersionParser`): by the shape of the outer SEQUENCE first, the header integer second.

use core::fmt;

use der::Tag;

use super::SesError;
use super::io::{Cursor, Tlv};

/// The generation of an SES structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SesVersion {
    /// GM/T 0031-2014 (header version 1; some writers 2).
    V1,
    /// GB/T 38540-2020 (header version 4).
    V4,
    /// GM/T 0031-2025 (header version 5).
    V5,
}

impl SesVersion {
    /// The `SES_Header.version` / `TBS_Sign.version` number eseal writes: 1, 4 or 5.
    #[must_use]
    pub fn number(self) -> i64 {
        match self {
            Self::V1 => 1,
            Self::V4 => 4,
            Self::V5 => 5,
        }
    }

    /// The standard defining the structures, e.g. `"GB/T 38540-2020"`.
    #[must_use]
    pub fn standard(self) -> &'static str {
        match self {
            Self::V1 => "GM/T 0031-2014",
            Self::V4 => "GB/T 38540-2020",
            Self::V5 => "GM/T 0031-2025",
        }
    }
}

impl SesVersion {
    /// The short name reports use: `v1`, `v4` or `v5`.
    #[must_use]
    pub fn short_name(self) -> &'static str {
        match self {
            Self::V1 => "v1",
            Self::V4 => "v4",
            Self::V5 => "v5",
        }
    }
}

impl fmt::Display for SesVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.standard(), self.short_name())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for SesVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.short_name())
    }
}

/// At most this many elements are examined to tell the layout.
const MAX_OUTER_ELEMENTS: usize = 8;

/// The tags of the elements of a SEQUENCE (at most [`MAX_OUTER_ELEMENTS`]), or an error.
fn element_tags(tlv: &Tlv<'_>, what: &'static str) -> Result<Vec<Tag>, SesError> {
    let mut c: Cursor<'_> = tlv.children();
    let mut tags = Vec::new();
    while !c.is_empty() {
        if tags.len() >= MAX_OUTER_ELEMENTS {
            return Err(SesError::NotSes {
                expected: what,
                reason: format!("the outer SEQUENCE has more than {MAX_OUTER_ELEMENTS} elements"),
            });
        }
        tags.push(c.read(what)?.tag);
    }
    Ok(tags)
}

fn describe(tags: &[Tag]) -> String {
    let inner: Vec<String> = tags.iter().map(ToString::to_string).collect();
    format!("SEQUENCE {{ {} }}", inner.join(", "))
}

/// The header version at path 0 → 0 → 1 of a v4/v5 seal, if readable.
fn header_version(seal: &Tlv<'_>) -> Option<i64> {
    let info = seal.children().read("").ok()?;
    let header = info.children().read("").ok()?;
    let mut h = header.children();
    h.read("").ok()?;
    h.read("").ok()?.decode::<i64>("").ok()
}

/// The version a seal's layout indicates.
pub(crate) fn seal_layout(tlv: &Tlv<'_>) -> Result<SesVersion, SesError> {
    const WHAT: &str = "seal (SESeal)";
    if tlv.tag != Tag::Sequence {
        return Err(SesError::NotSes {
            expected: WHAT,
            reason: format!("the input is a {}, not a SEQUENCE", tlv.tag),
        });
    }
    let tags = element_tags(tlv, WHAT)?;
    let version = match tags.as_slice() {
        [
            Tag::Sequence,
            Tag::Sequence | Tag::BitString | Tag::OctetString,
        ] => SesVersion::V1,
        [Tag::Sequence, Tag::OctetString, Tag::ObjectIdentifier, _] => {
            if header_version(tlv) == Some(5) {
                SesVersion::V5
            } else {
                SesVersion::V4
            }
        }
        [Tag::Sequence, Tag::OctetString, Tag::ObjectIdentifier, _, _] => SesVersion::V5,
        _ => {
            return Err(SesError::NotSes {
                expected: WHAT,
                reason: format!(
                    "found {}; a seal is SEQUENCE {{ SES_SealInfo, SES_SignInfo }} (GM/T 0031-2014) \
                     or SEQUENCE {{ SES_SealInfo, OCTET STRING, OBJECT IDENTIFIER, BIT STRING \
                     [, timeStamp] }} (GB/T 38540, GM/T 0031-2025)",
                    describe(&tags)
                ),
            });
        }
    };
    Ok(version)
}

/// Whether a signature has the GM/T 0031-2014 layout (`true`) or the GB/T 38540 / GM/T 0031-2025
/// layout (`false`); the exact v4/v5 version comes from the embedded seal.
pub(crate) fn signature_is_v1(tlv: &Tlv<'_>) -> Result<bool, SesError> {
    const WHAT: &str = "signature (SES_Signature)";
    if tlv.tag != Tag::Sequence {
        return Err(SesError::NotSes {
            expected: WHAT,
            reason: format!("the input is a {}, not a SEQUENCE", tlv.tag),
        });
    }
    let tags = element_tags(tlv, WHAT)?;
    match tags.as_slice() {
        [Tag::Sequence, Tag::BitString] => Ok(true),
        [
            Tag::Sequence,
            Tag::OctetString,
            Tag::ObjectIdentifier,
            Tag::BitString,
        ]
        | [
            Tag::Sequence,
            Tag::OctetString,
            Tag::ObjectIdentifier,
            Tag::BitString,
            _,
        ] => Ok(false),
        [Tag::Integer, Tag::Integer] => Err(SesError::NotSes {
            expected: WHAT,
            reason: "found SEQUENCE { INTEGER, INTEGER }, which is a bare (DER) SM2 or ECDSA \
                     signature value, not an electronic seal signature"
                .to_owned(),
        }),
        _ => Err(SesError::NotSes {
            expected: WHAT,
            reason: format!(
                "found {}; a signature is SEQUENCE {{ TBS_Sign, BIT STRING }} (GM/T 0031-2014) or \
                 SEQUENCE {{ TBS_Sign, OCTET STRING, OBJECT IDENTIFIER, BIT STRING [, timeStamp] }} \
                 (GB/T 38540, GM/T 0031-2025)",
                describe(&tags)
            ),
        }),
    }
}
