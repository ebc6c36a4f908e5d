//! Building blocks shared by all versions: `SES_Header`, `SES_ESPictrueInfo`, `ExtData` /
//! `ExtensionDatas`, and the representations of tolerated encoding variants.

use core::fmt;

use der::asn1::{BitString, ObjectIdentifier};
use der::{Tag, TagNumber};

use super::deviation::{Ctx, DeviationKind, Tagging};
use super::io::{
    Cursor, Tlv, path, read_bits, read_ia5, read_int, read_octets, read_oid, write, write_ia5,
    write_octets, write_sequence, write_tlv,
};
use super::{MAX_LIST_ENTRIES, SesError, SesVersion};

/// `[0]` constructed, the tag of EXPLICIT (and IMPLICIT SEQUENCE) `[0]` fields.
pub(crate) const CONTEXT_0_CONSTRUCTED: Tag = Tag::ContextSpecific {
    constructed: true,
    number: TagNumber(0),
};
/// `[0]` primitive, the tag of an IMPLICIT `[0] BIT STRING`.
pub(crate) const CONTEXT_0_PRIMITIVE: Tag = Tag::ContextSpecific {
    constructed: false,
    number: TagNumber(0),
};

/// The header of every seal.
///
/// ```asn1
/// SES_Header ::= SEQUENCE {
///   id       IA5String,   -- "ES"
///   version  INTEGER,     -- 1 (GM/T 0031-2014; some writers 2), 4 (GB/T 38540), 5 (GM/T 0031-2025)
///   vid      IA5String }  -- vendor identifier
/// ```
/// GB/T 38540-2020 §7.1 (and GM/T 0031-2014 §7.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SesHeader {
    /// Always `"ES"` in conforming seals.
    pub id: String,
    /// The structure version.
    pub version: i64,
    /// The vendor identifier, e.g. `"GOMAIN"`.
    pub vid: String,
}

impl SesHeader {
    /// A header with id `"ES"` and the version number of `version` (1, 4 or 5).
    #[must_use]
    pub fn new(version: SesVersion, vid: impl Into<String>) -> Self {
        Self {
            id: "ES".to_owned(),
            version: version.number(),
            vid: vid.into(),
        }
    }

    pub(crate) fn read(tlv: &Tlv<'_>, field: &str, ctx: &mut Ctx) -> Result<Self, SesError> {
        let mut c = tlv.sequence("SES_Header SEQUENCE", field)?;
        let id_field = path(field, "id");
        let id_tlv = c.read(&id_field)?;
        let id = read_ia5(&id_tlv, &id_field)?;
        let version = read_int(&c.read(&path(field, "version"))?, &path(field, "version"))?;
        let vid = read_ia5(&c.read(&path(field, "vid"))?, &path(field, "vid"))?;
        c.finish(field)?;
        if id != "ES" {
            ctx.deviate(
                DeviationKind::HeaderId { found: id.clone() },
                &id_field,
                id_tlv.offset,
            )?;
        }
        Ok(Self { id, version, vid })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        write_sequence(out, field, |o| {
            write_ia5(o, &self.id, &path(field, "id"))?;
            write(o, &self.version, &path(field, "version"))?;
            write_ia5(o, &self.vid, &path(field, "vid"))
        })
    }
}

/// The seal picture. The standards spell it "Pictrue".
///
/// ```asn1
/// SES_ESPictrueInfo ::= SEQUENCE {
///   type    IA5String,     -- image format, e.g. "PNG", "GIF", "ofd"
///   data    OCTET STRING,  -- image bytes
///   width   INTEGER,       -- display width in millimetres
///   height  INTEGER }      -- display height in millimetres
/// ```
/// GB/T 38540-2020 §7.1 (and GM/T 0031-2014 §7.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SesEsPictrueInfo {
    /// The declared image format, as written (compare case-insensitively).
    pub picture_type: String,
    /// The image bytes.
    pub data: Vec<u8>,
    /// Display width in millimetres.
    pub width: i64,
    /// Display height in millimetres.
    pub height: i64,
}

impl SesEsPictrueInfo {
    /// A picture of `picture_type` (e.g. `"PNG"`) with its display size in millimetres.
    #[must_use]
    pub fn new(
        picture_type: impl Into<String>,
        data: Vec<u8>,
        width_mm: i64,
        height_mm: i64,
    ) -> Self {
        Self {
            picture_type: picture_type.into(),
            data,
            width: width_mm,
            height: height_mm,
        }
    }

    /// The format the data's first bytes announce, if known.
    #[must_use]
    pub fn sniffed_format(&self) -> Option<PictureFormat> {
        PictureFormat::sniff(&self.data)
    }

    /// Compares the declared `type` with the format sniffed from the data.
    #[must_use]
    pub fn check_type(&self) -> PictureTypeCheck {
        match self.sniffed_format() {
            None => PictureTypeCheck::Unknown,
            Some(format) if format.is_named(&self.picture_type) => {
                PictureTypeCheck::Matches(format)
            }
            Some(format) => PictureTypeCheck::Mismatch(format),
        }
    }

    pub(crate) fn read(tlv: &Tlv<'_>, field: &str) -> Result<Self, SesError> {
        let mut c = tlv.sequence("SES_ESPictrueInfo SEQUENCE", field)?;
        let picture_type = read_ia5(&c.read(&path(field, "type"))?, &path(field, "type"))?;
        let data = read_octets(&c.read(&path(field, "data"))?, &path(field, "data"))?;
        let width = read_int(&c.read(&path(field, "width"))?, &path(field, "width"))?;
        let height = read_int(&c.read(&path(field, "height"))?, &path(field, "height"))?;
        c.finish(field)?;
        Ok(Self {
            picture_type,
            data,
            width,
            height,
        })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        write_sequence(out, field, |o| {
            write_ia5(o, &self.picture_type, &path(field, "type"))?;
            write_octets(o, &self.data, &path(field, "data"))?;
            write(o, &self.width, &path(field, "width"))?;
            write(o, &self.height, &path(field, "height"))
        })
    }
}

/// Image formats recognised by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PictureFormat {
    /// PNG (`89 50 4E 47`).
    Png,
    /// JPEG (`FF D8`).
    Jpeg,
    /// GIF (`GIF8`).
    Gif,
    /// BMP (`BM`).
    Bmp,
    /// An OFD package, a zip (`PK 03 04`): the vector seals of the tax bureaus.
    Ofd,
    /// SVG (`<svg` or `<?xml`).
    Svg,
}

impl PictureFormat {
    /// The format whose magic bytes start `data`.
    #[must_use]
    pub fn sniff(data: &[u8]) -> Option<Self> {
        let starts = |magic: &[u8]| data.starts_with(magic);
        if starts(b"\x89PNG") {
            Some(Self::Png)
        } else if starts(b"\xFF\xD8") {
            Some(Self::Jpeg)
        } else if starts(b"GIF8") {
            Some(Self::Gif)
        } else if starts(b"BM") {
            Some(Self::Bmp)
        } else if starts(b"PK\x03\x04") {
            Some(Self::Ofd)
        } else if starts(b"<svg") || starts(b"<?xml") {
            Some(Self::Svg)
        } else {
            None
        }
    }

    /// The `type` names that denote this format (compared case-insensitively).
    #[must_use]
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Self::Png => &["png"],
            Self::Jpeg => &["jpg", "jpeg"],
            Self::Gif => &["gif"],
            Self::Bmp => &["bmp"],
            Self::Ofd => &["ofd"],
            Self::Svg => &["svg"],
        }
    }

    /// Whether `declared` names this format, ignoring ASCII case.
    #[must_use]
    pub fn is_named(self, declared: &str) -> bool {
        self.names()
            .iter()
            .any(|n| n.eq_ignore_ascii_case(declared))
    }

    /// The upper-case name reports use: `PNG`, `JPG`, `GIF`, `BMP`, `OFD` or `SVG`.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Png => "PNG",
            Self::Jpeg => "JPG",
            Self::Gif => "GIF",
            Self::Bmp => "BMP",
            Self::Ofd => "OFD",
            Self::Svg => "SVG",
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for PictureFormat {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

/// Result of [`SesEsPictrueInfo::check_type`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PictureTypeCheck {
    /// The data is of the declared format.
    Matches(PictureFormat),
    /// The data is of another known format than declared.
    Mismatch(PictureFormat),
    /// The data's format is not recognised.
    Unknown,
}

/// A vendor extension.
///
/// ```asn1
/// ExtData ::= SEQUENCE {
///   extnID     OBJECT IDENTIFIER,
///   critical   BOOLEAN DEFAULT FALSE,
///   extnValue  OCTET STRING }
/// ```
/// GB/T 38540-2020 §7.1 (and GM/T 0031-2014 §7.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExtData {
    /// The extension's identifier.
    pub extn_id: ObjectIdentifier,
    /// `critical` as encoded: `None` when absent (DER for FALSE), `Some(false)` when a writer put
    /// the default value (a deviation), `Some(true)` when critical.
    pub critical: Option<bool>,
    /// The extension's value.
    pub extn_value: Vec<u8>,
}

impl ExtData {
    /// An extension encoded as DER requires (`critical` omitted when false).
    #[must_use]
    pub fn new(extn_id: ObjectIdentifier, critical: bool, extn_value: Vec<u8>) -> Self {
        Self {
            extn_id,
            critical: critical.then_some(true),
            extn_value,
        }
    }

    /// Whether the extension is critical.
    #[must_use]
    pub fn is_critical(&self) -> bool {
        self.critical == Some(true)
    }

    fn read(tlv: &Tlv<'_>, field: &str) -> Result<Self, SesError> {
        let mut c = tlv.sequence("ExtData SEQUENCE", field)?;
        let extn_id = read_oid(&c.read(&path(field, "extnID"))?, &path(field, "extnID"))?;
        let critical = if c.peek_tag() == Some(Tag::Boolean) {
            let f = path(field, "critical");
            Some(c.read(&f)?.decode::<bool>(&f)?)
        } else {
            None
        };
        let extn_value = read_octets(
            &c.read(&path(field, "extnValue"))?,
            &path(field, "extnValue"),
        )?;
        c.finish(field)?;
        Ok(Self {
            extn_id,
            critical,
            extn_value,
        })
    }

    fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        write_sequence(out, field, |o| {
            write(o, &self.extn_id, &path(field, "extnID"))?;
            if let Some(critical) = self.critical {
                write(o, &critical, &path(field, "critical"))?;
            }
            write_octets(o, &self.extn_value, &path(field, "extnValue"))
        })
    }
}

/// One entry of an [`ExtensionDatas`] list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExtDataEntry {
    /// A well-formed `ExtData`.
    Ext(ExtData),
    /// An entry that does not parse as `ExtData` (lenient mode), kept as its DER element.
    Unparsed(Vec<u8>),
}

/// How an `ExtensionDatas` list was encoded at its position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExtDatasEncoding {
    /// A plain `SEQUENCE OF ExtData` (the form of `SES_SealInfo.extDatas`).
    Untagged,
    /// `[0] EXPLICIT` around the SEQUENCE (the form eseal writes for `TBS_Sign.extDatas`).
    Explicit,
    /// `[0] IMPLICIT`: the SEQUENCE's tag replaced by `[0]`.
    Implicit,
    /// The SEQUENCE wrapped in an OCTET STRING.
    OctetString,
}

impl fmt::Display for ExtDatasEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Untagged => "untagged",
            Self::Explicit => "[0] EXPLICIT",
            Self::Implicit => "[0] IMPLICIT",
            Self::OctetString => "inside an OCTET STRING",
        })
    }
}

/// Vendor extensions of a seal or a signature.
///
/// ```asn1
/// ExtensionDatas ::= SEQUENCE OF ExtData
/// ```
/// GB/T 38540-2020 §7.1. `encoding` remembers how the list was tagged or wrapped, so that
/// re-encoding reproduces the input.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExtensionDatas {
    /// How the list is encoded at its position.
    pub encoding: ExtDatasEncoding,
    /// The entries in order.
    pub entries: Vec<ExtDataEntry>,
}

impl ExtensionDatas {
    /// A list of well-formed extensions, encoded as `encoding`.
    #[must_use]
    pub fn new(encoding: ExtDatasEncoding, exts: Vec<ExtData>) -> Self {
        Self {
            encoding,
            entries: exts.into_iter().map(ExtDataEntry::Ext).collect(),
        }
    }

    /// The well-formed extensions, skipping unparsed entries.
    pub fn iter(&self) -> impl Iterator<Item = &ExtData> {
        self.entries.iter().filter_map(|e| match e {
            ExtDataEntry::Ext(ext) => Some(ext),
            ExtDataEntry::Unparsed(_) => None,
        })
    }

    /// Reads the list in any of the known encodings; one other than `expected` is a deviation.
    pub(crate) fn read(
        tlv: &Tlv<'_>,
        field: &str,
        expected: ExtDatasEncoding,
        ctx: &mut Ctx,
    ) -> Result<Self, SesError> {
        let (encoding, mut list) = match tlv.tag {
            Tag::Sequence => (ExtDatasEncoding::Untagged, tlv.children()),
            Tag::OctetString => {
                let mut inner = Cursor::new(tlv.content(), tlv.content_offset());
                let seq = inner.read(field)?;
                inner.finish(field)?;
                (
                    ExtDatasEncoding::OctetString,
                    seq.sequence("SEQUENCE OF ExtData", field)?,
                )
            }
            CONTEXT_0_CONSTRUCTED => {
                let mut inner = tlv.children();
                // EXPLICIT holds one SEQUENCE of SEQUENCEs; IMPLICIT holds ExtData SEQUENCEs,
                // whose first element is an OID.
                let first = inner.clone().read(field).ok();
                let implicit = match first {
                    None => true,
                    Some(first) => {
                        first.tag == Tag::Sequence
                            && first.children().peek_tag() == Some(Tag::ObjectIdentifier)
                    }
                };
                if implicit {
                    (ExtDatasEncoding::Implicit, inner)
                } else {
                    let seq = inner.read(field)?;
                    inner.finish(field)?;
                    (
                        ExtDatasEncoding::Explicit,
                        seq.sequence("SEQUENCE OF ExtData", field)?,
                    )
                }
            }
            other => {
                return Err(SesError::malformed(
                    field,
                    format!("expected ExtensionDatas (SEQUENCE OF ExtData), found {other}"),
                    tlv.offset,
                ));
            }
        };
        if encoding != expected {
            ctx.deviate(
                DeviationKind::ExtDatasEncoding {
                    found: encoding,
                    expected,
                },
                field,
                tlv.offset,
            )?;
        }
        let mut entries = Vec::new();
        while !list.is_empty() {
            if entries.len() >= MAX_LIST_ENTRIES {
                return Err(SesError::TooManyEntries {
                    field: field.to_owned(),
                    max: MAX_LIST_ENTRIES,
                    offset: tlv.offset,
                });
            }
            let entry_field = format!("{field}[{}]", entries.len());
            let entry = list.read(&entry_field)?;
            match ExtData::read(&entry, &entry_field) {
                Ok(ext) => {
                    if ext.critical == Some(false) {
                        ctx.deviate(
                            DeviationKind::CriticalFalsePresent,
                            &path(&entry_field, "critical"),
                            entry.offset,
                        )?;
                    }
                    entries.push(ExtDataEntry::Ext(ext));
                }
                Err(err) => {
                    ctx.deviate(
                        DeviationKind::UnparsableExtData {
                            problem: err.to_string(),
                        },
                        &entry_field,
                        entry.offset,
                    )?;
                    entries.push(ExtDataEntry::Unparsed(entry.bytes.to_vec()));
                }
            }
        }
        Ok(Self { encoding, entries })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        let mut list = Vec::new();
        for (i, entry) in self.entries.iter().enumerate() {
            match entry {
                ExtDataEntry::Ext(ext) => ext.write(&mut list, &format!("{field}[{i}]"))?,
                ExtDataEntry::Unparsed(raw) => list.extend_from_slice(raw),
            }
        }
        let mut seq = Vec::new();
        match self.encoding {
            ExtDatasEncoding::Implicit => write_tlv(out, CONTEXT_0_CONSTRUCTED, &list, field),
            ExtDatasEncoding::Untagged => write_tlv(out, Tag::Sequence, &list, field),
            ExtDatasEncoding::Explicit => {
                write_tlv(&mut seq, Tag::Sequence, &list, field)?;
                write_tlv(out, CONTEXT_0_CONSTRUCTED, &seq, field)
            }
            ExtDatasEncoding::OctetString => {
                write_tlv(&mut seq, Tag::Sequence, &list, field)?;
                write_tlv(out, Tag::OctetString, &seq, field)
            }
        }
    }
}

/// A BIT STRING field that some writers encode as an OCTET STRING (`timeInfo` of GM/T 0031-2014,
/// `dataHash`); the variant remembers which, for byte-identical re-encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BitOrOctetString {
    /// A BIT STRING, as the standard specifies.
    BitString(BitString),
    /// An OCTET STRING (a deviation).
    OctetString(Vec<u8>),
}

impl BitOrOctetString {
    /// A BIT STRING holding `bytes` (no unused bits), the standard's form.
    ///
    /// # Errors
    /// [`SesError::InvalidValue`] when `bytes` is too long for DER.
    pub fn bit_string(bytes: &[u8]) -> Result<Self, SesError> {
        BitString::from_bytes(bytes)
            .map(Self::BitString)
            .map_err(|e| SesError::encoding("BIT STRING", e))
    }

    /// The contents (for a BIT STRING, the bytes after the unused-bits octet).
    #[must_use]
    pub fn bytes(&self) -> &[u8] {
        match self {
            Self::BitString(bits) => bits.raw_bytes(),
            Self::OctetString(bytes) => bytes,
        }
    }

    pub(crate) fn read(tlv: &Tlv<'_>, field: &str, ctx: &mut Ctx) -> Result<Self, SesError> {
        if tlv.tag == Tag::OctetString {
            ctx.deviate(DeviationKind::OctetStringForBitString, field, tlv.offset)?;
            return read_octets(tlv, field).map(Self::OctetString);
        }
        if tlv.tag != Tag::BitString {
            return Err(SesError::malformed(
                field,
                format!("expected BIT STRING, found {}", tlv.tag),
                tlv.offset,
            ));
        }
        read_bits(tlv, field).map(Self::BitString)
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        match self {
            Self::BitString(bits) => write(out, bits, field),
            Self::OctetString(bytes) => write_octets(out, bytes, field),
        }
    }
}

/// A `timeStamp [0] BIT STRING OPTIONAL` field: a DER `TimeStampToken` (RFC 3161 / GB/T 20520)
/// inside a BIT STRING, with the tagging it was written with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeStamp {
    /// How the `[0]` was applied.
    pub tagging: Tagging,
    /// The BIT STRING.
    pub value: BitString,
}

impl TimeStamp {
    /// A timestamp holding `token` (DER `TimeStampToken`), tagged `[0] EXPLICIT`.
    ///
    /// # Errors
    /// [`SesError::InvalidValue`] when `token` is too long for DER.
    pub fn new(token: &[u8]) -> Result<Self, SesError> {
        Ok(Self {
            tagging: Tagging::Explicit,
            value: BitString::from_bytes(token).map_err(|e| SesError::encoding("timeStamp", e))?,
        })
    }

    /// The token bytes (the BIT STRING contents).
    #[must_use]
    pub fn token(&self) -> &[u8] {
        self.value.raw_bytes()
    }

    /// Reads an optional trailing timeStamp from `c`, in any of the three taggings.
    pub(crate) fn read_optional(
        c: &mut Cursor<'_>,
        field: &str,
        ctx: &mut Ctx,
    ) -> Result<Option<Self>, SesError> {
        if c.is_empty() {
            return Ok(None);
        }
        let tlv = c.read(field)?;
        let (tagging, value) = match tlv.tag {
            CONTEXT_0_CONSTRUCTED => {
                let mut inner = tlv.children();
                let bits = inner.read(field)?;
                inner.finish(field)?;
                (Tagging::Explicit, read_bits(&bits, field)?)
            }
            CONTEXT_0_PRIMITIVE => {
                let (unused, bytes) = tlv.content().split_first().ok_or_else(|| {
                    SesError::malformed(field, "empty IMPLICIT BIT STRING", tlv.offset)
                })?;
                let bits = BitString::new(*unused, bytes)
                    .map_err(|e| SesError::from_der(field, tlv.offset, e))?;
                (Tagging::Implicit, bits)
            }
            Tag::BitString => (Tagging::Untagged, read_bits(&tlv, field)?),
            other => {
                return Err(SesError::malformed(
                    field,
                    format!("expected timeStamp [0] BIT STRING, found {other}"),
                    tlv.offset,
                ));
            }
        };
        if tagging != Tagging::Explicit {
            ctx.deviate(DeviationKind::Tagging(tagging), field, tlv.offset)?;
        }
        Ok(Some(Self { tagging, value }))
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>, field: &str) -> Result<(), SesError> {
        match self.tagging {
            Tagging::Untagged => write(out, &self.value, field),
            Tagging::Explicit => {
                let mut inner = Vec::new();
                write(&mut inner, &self.value, field)?;
                write_tlv(out, CONTEXT_0_CONSTRUCTED, &inner, field)
            }
            Tagging::Implicit => {
                let mut content = Vec::with_capacity(self.value.raw_bytes().len() + 1);
                content.push(self.value.unused_bits());
                content.extend_from_slice(self.value.raw_bytes());
                write_tlv(out, CONTEXT_0_PRIMITIVE, &content, field)
            }
        }
    }
}
