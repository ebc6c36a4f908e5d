//! License metadata (电子证照元数据, GB/T 36903): the core elements every license carries,
//! the license-type-specific face items (照面拓展信息) as ordered pairs, and annotation
//! attachments (加注件); XML and JSON forms, and the canonical encoding the 2D code's digest
//! is computed over (`docs/license.md`).
//!
//! The element list and the XML names (pinyin initials of the Chinese names, `ZZBS` for
//! 证照标识, …) are those shared by independent deployed implementations (standards notes
//! §8.3); the standard's own text was not available, so obligations are eseal's reading.

use core::fmt;

use super::error::LicenseError;
use super::{CitizenId, Date, LicenseId, Uscc};
use crate::crypto::sm3::Sm3Hasher;
use crate::ofd::xml::{self, Element, escape};

/// Largest metadata document (XML or JSON) that is read.
pub const MAX_METADATA_LEN: usize = 64 * 1024;
/// Largest value of one element, in bytes of UTF-8.
pub const MAX_VALUE_LEN: usize = 1024;
/// Largest face item name, in bytes of UTF-8.
pub const MAX_NAME_LEN: usize = 128;
/// Most face items.
pub const MAX_FACE_ITEMS: usize = 64;
/// Most annotation attachments.
pub const MAX_ANNOTATIONS: usize = 16;
/// The XML namespace of eseal's metadata file.
pub const XML_NAMESPACE: &str = "urn:eseal:license:metadata:1";
/// The value of 证照有效期截止日期 for a license without an end (长期).
pub const LONG_TERM: &str = "长期";

/// One metadata element: its XML name (pinyin initials), its JSON key and its Chinese name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Field {
    /// 证照标识 (`ZZBS`, `license_id`), mandatory.
    LicenseId,
    /// 证照名称 (`ZZMC`, `title`), optional.
    Title,
    /// 证照类型名称 (`ZZLXMC`, `type_name`), mandatory.
    TypeName,
    /// 证照类型代码 (`ZZLXDM`, `type_code`), mandatory; equals the identifier's type code.
    TypeCode,
    /// 证照编号 (`ZZBH`, `number`), mandatory: the number printed on the face.
    Number,
    /// 持证主体 (`CZZT`, `holder_name`), mandatory.
    HolderName,
    /// 持证主体代码 (`CZZTDM`, `holder_code`), mandatory.
    HolderCode,
    /// 持证主体代码类型 (`CZZTDMLX`, `holder_code_type`), mandatory: the kind's name.
    HolderCodeType,
    /// 持证主体代码类型代码 (`CZZTDMLXDM`, `holder_code_type_code`), mandatory: `001`, `111`, ….
    HolderCodeTypeCode,
    /// 证照颁发机构 (`ZZBFJG`, `issuer_name`), mandatory.
    IssuerName,
    /// 证照颁发机构代码 (`ZZBFJGDM`, `issuer_code`), mandatory; equals the identifier's issuer.
    IssuerCode,
    /// 证照颁发日期 (`ZZBFRQ`, `issue_date`), mandatory.
    IssueDate,
    /// 证照有效期起始日期 (`ZZYXQQSRQ`, `valid_from`), optional.
    ValidFrom,
    /// 证照有效期截止日期 (`ZZYXQJZRQ`, `valid_until`), optional; a date or `长期`.
    ValidUntil,
    /// 证照所属管辖属地编码 (`ZZSSGXSDBM`, `jurisdiction`), optional: 6-digit division code.
    Jurisdiction,
    /// 照面拓展信息 (`ZMKZXX`, `face`): the face items.
    Face,
    /// A face item's name (`Item/@Name`, `name`).
    FaceItemName,
    /// A face item's value (`Item`, `value`).
    FaceItemValue,
    /// 加注件 (`JZJ`, `annotations`).
    Annotation,
    /// 加注件制作时间 (`JZJZZSJ`, `made_on`).
    AnnotationMadeOn,
    /// 加注件制作者 (`JZJZZZ`, `maker`).
    AnnotationMaker,
    /// 加注件制作事由 (`JZJZZSY`, `reason`).
    AnnotationReason,
    /// 加注件有效期截止时间 (`JZJYXQJZSJ`, `valid_until`).
    AnnotationValidUntil,
    /// The document itself (root element, version).
    Document,
}

impl Field {
    /// The XML element name.
    #[must_use]
    pub fn xml_name(self) -> &'static str {
        self.names().0
    }

    /// The JSON key.
    #[must_use]
    pub fn json_key(self) -> &'static str {
        self.names().1
    }

    /// The Chinese name.
    #[must_use]
    pub fn chinese_name(self) -> &'static str {
        self.names().2
    }

    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::LicenseId => ("ZZBS", "license_id", "证照标识"),
            Self::Title => ("ZZMC", "title", "证照名称"),
            Self::TypeName => ("ZZLXMC", "type_name", "证照类型名称"),
            Self::TypeCode => ("ZZLXDM", "type_code", "证照类型代码"),
            Self::Number => ("ZZBH", "number", "证照编号"),
            Self::HolderName => ("CZZT", "holder_name", "持证主体"),
            Self::HolderCode => ("CZZTDM", "holder_code", "持证主体代码"),
            Self::HolderCodeType => ("CZZTDMLX", "holder_code_type", "持证主体代码类型"),
            Self::HolderCodeTypeCode => (
                "CZZTDMLXDM",
                "holder_code_type_code",
                "持证主体代码类型代码",
            ),
            Self::IssuerName => ("ZZBFJG", "issuer_name", "证照颁发机构"),
            Self::IssuerCode => ("ZZBFJGDM", "issuer_code", "证照颁发机构代码"),
            Self::IssueDate => ("ZZBFRQ", "issue_date", "证照颁发日期"),
            Self::ValidFrom => ("ZZYXQQSRQ", "valid_from", "证照有效期起始日期"),
            Self::ValidUntil => ("ZZYXQJZRQ", "valid_until", "证照有效期截止日期"),
            Self::Jurisdiction => ("ZZSSGXSDBM", "jurisdiction", "证照所属管辖属地编码"),
            Self::Face => ("ZMKZXX", "face", "照面拓展信息"),
            Self::FaceItemName => ("Name", "name", "照面项名称"),
            Self::FaceItemValue => ("Item", "value", "照面项值"),
            Self::Annotation => ("JZJ", "annotations", "加注件"),
            Self::AnnotationMadeOn => ("JZJZZSJ", "made_on", "加注件制作时间"),
            Self::AnnotationMaker => ("JZJZZZ", "maker", "加注件制作者"),
            Self::AnnotationReason => ("JZJZZSY", "reason", "加注件制作事由"),
            Self::AnnotationValidUntil => ("JZJYXQJZSJ", "valid_until", "加注件有效期截止时间"),
            Self::Document => ("DZZZ", "(document)", "电子证照元数据"),
        }
    }

    /// The core elements with a single text value, in document order.
    pub const CORE: &'static [Field] = &[
        Self::LicenseId,
        Self::Title,
        Self::TypeName,
        Self::TypeCode,
        Self::Number,
        Self::HolderName,
        Self::HolderCode,
        Self::HolderCodeType,
        Self::HolderCodeTypeCode,
        Self::IssuerName,
        Self::IssuerCode,
        Self::IssueDate,
        Self::ValidFrom,
        Self::ValidUntil,
        Self::Jurisdiction,
    ];

    const ANNOTATION: &'static [Field] = &[
        Self::AnnotationMadeOn,
        Self::AnnotationMaker,
        Self::AnnotationReason,
        Self::AnnotationValidUntil,
    ];
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (xml, json, zh) = self.names();
        write!(f, "{zh} ({xml}, {json})")
    }
}

/// The kind of code that identifies the holder (持证主体代码类型).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HolderCodeType {
    /// 统一社会信用代码, code `001`: the holder code is checked as a USCC.
    Uscc,
    /// 公民身份号码, code `111`: the holder code is checked as a citizen ID number.
    CitizenId,
    /// Any other kind (passport, …): its 3-digit code and name; the holder code is not checked.
    Other {
        /// The 3-digit code.
        code: String,
        /// The name.
        name: String,
    },
}

impl HolderCodeType {
    /// The 3-digit code (持证主体代码类型代码).
    #[must_use]
    pub fn code(&self) -> &str {
        match self {
            Self::Uscc => "001",
            Self::CitizenId => "111",
            Self::Other { code, .. } => code,
        }
    }

    /// The name (持证主体代码类型).
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::Uscc => "统一社会信用代码",
            Self::CitizenId => "公民身份号码",
            Self::Other { name, .. } => name,
        }
    }

    fn from_parts(code: &str, name: &str) -> Result<Self, LicenseError> {
        let known = match code {
            "001" => Some(Self::Uscc),
            "111" => Some(Self::CitizenId),
            _ => None,
        };
        if let Some(kind) = known {
            if kind.name() != name {
                return Err(LicenseError::invalid(
                    Field::HolderCodeType,
                    format!(
                        "{name:?} does not go with code {code}, expected {:?}",
                        kind.name()
                    ),
                ));
            }
            return Ok(kind);
        }
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(LicenseError::invalid(
                Field::HolderCodeTypeCode,
                format!("{code:?} is not a 3-digit code"),
            ));
        }
        Ok(Self::Other {
            code: code.to_owned(),
            name: name.to_owned(),
        })
    }
}

/// The end of a license's validity (证照有效期截止日期).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValidUntil {
    /// Valid up to and including this date.
    Date(Date),
    /// Without end (长期).
    LongTerm,
}

impl fmt::Display for ValidUntil {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Date(d) => d.fmt(f),
            Self::LongTerm => f.write_str(LONG_TERM),
        }
    }
}

/// One face item (照面项): a license-type-specific field such as 注册资本 or 经营范围.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FaceItem {
    /// The item's name as printed.
    pub name: String,
    /// Its value.
    pub value: String,
}

impl FaceItem {
    /// An item.
    #[must_use]
    pub fn new(name: &str, value: &str) -> Self {
        Self {
            name: name.to_owned(),
            value: value.to_owned(),
        }
    }
}

/// An annotation attachment (加注件): an endorsement added to the license after issue.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Annotation {
    /// 加注件制作时间.
    pub made_on: Date,
    /// 加注件制作者.
    pub maker: String,
    /// 加注件制作事由.
    pub reason: String,
    /// 加注件有效期截止时间.
    pub valid_until: Option<Date>,
}

/// The metadata of one license (GB/T 36903 core elements, face items, annotations).
///
/// [`LicenseMetadata::validate`] (run by both parsers) checks every element: the identifier's
/// check character, that the type and issuer codes equal the identifier's, the holder code
/// against its kind (USCC or citizen ID number), the dates' order, and the bounds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct LicenseMetadata {
    /// 证照标识.
    pub id: LicenseId,
    /// 证照名称 (often the type name).
    pub title: Option<String>,
    /// 证照类型名称.
    pub type_name: String,
    /// 证照编号.
    pub number: String,
    /// 持证主体.
    pub holder_name: String,
    /// 持证主体代码.
    pub holder_code: String,
    /// 持证主体代码类型 and its code.
    pub holder_code_type: HolderCodeType,
    /// 证照颁发机构.
    pub issuer_name: String,
    /// 证照颁发日期.
    pub issue_date: Date,
    /// 证照有效期起始日期.
    pub valid_from: Option<Date>,
    /// 证照有效期截止日期.
    pub valid_until: Option<ValidUntil>,
    /// 证照所属管辖属地编码.
    pub jurisdiction: Option<String>,
    /// 照面拓展信息, in face order.
    pub face: Vec<FaceItem>,
    /// 加注件.
    pub annotations: Vec<Annotation>,
}

/// The raw text of the core elements while parsing, before validation.
#[derive(Default)]
struct Raw {
    values: Vec<(Field, String)>,
    face: Vec<FaceItem>,
    annotations: Vec<Annotation>,
}

impl Raw {
    fn set(&mut self, field: Field, value: String) -> Result<(), LicenseError> {
        if self.values.iter().any(|(f, _)| *f == field) {
            return Err(LicenseError::Duplicate { field });
        }
        check_value(field, &value, MAX_VALUE_LEN)?;
        self.values.push((field, value));
        Ok(())
    }

    fn get(&self, field: Field) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.as_str())
    }

    fn need(&self, field: Field) -> Result<&str, LicenseError> {
        self.get(field).ok_or(LicenseError::Missing { field })
    }

    fn into_metadata(self) -> Result<LicenseMetadata, LicenseError> {
        let id = LicenseId::parse(self.need(Field::LicenseId)?)
            .map_err(|e| LicenseError::invalid(Field::LicenseId, e.to_string()))?;
        let type_code = self.need(Field::TypeCode)?.to_owned();
        let issuer_code = self.need(Field::IssuerCode)?.to_owned();
        let holder_code_type = HolderCodeType::from_parts(
            self.need(Field::HolderCodeTypeCode)?,
            self.need(Field::HolderCodeType)?,
        )?;
        let date = |field: Field| -> Result<Option<Date>, LicenseError> {
            self.get(field)
                .map(|t| {
                    Date::parse(t).ok_or_else(|| {
                        LicenseError::invalid(field, format!("{t:?} is not a date YYYY-MM-DD"))
                    })
                })
                .transpose()
        };
        let valid_until = match self.get(Field::ValidUntil) {
            None => None,
            Some(LONG_TERM) => Some(ValidUntil::LongTerm),
            Some(_) => date(Field::ValidUntil)?.map(ValidUntil::Date),
        };
        let meta = LicenseMetadata {
            title: self.get(Field::Title).map(str::to_owned),
            type_name: self.need(Field::TypeName)?.to_owned(),
            number: self.need(Field::Number)?.to_owned(),
            holder_name: self.need(Field::HolderName)?.to_owned(),
            holder_code: self.need(Field::HolderCode)?.to_owned(),
            holder_code_type,
            issuer_name: self.need(Field::IssuerName)?.to_owned(),
            issue_date: date(Field::IssueDate)?.ok_or(LicenseError::Missing {
                field: Field::IssueDate,
            })?,
            valid_from: date(Field::ValidFrom)?,
            valid_until,
            jurisdiction: self.get(Field::Jurisdiction).map(str::to_owned),
            face: self.face.clone(),
            annotations: self.annotations.clone(),
            id,
        };
        // The written codes must be the identifier's (they are not stored twice).
        if type_code != meta.id.type_code() {
            return Err(LicenseError::invalid(
                Field::TypeCode,
                format!(
                    "{type_code:?} differs from the identifier's type code {:?}",
                    meta.id.type_code()
                ),
            ));
        }
        if issuer_code != meta.id.issuer().as_str() {
            return Err(LicenseError::invalid(
                Field::IssuerCode,
                format!(
                    "{issuer_code:?} differs from the identifier's issuer code {:?}",
                    meta.id.issuer().as_str()
                ),
            ));
        }
        meta.validate()?;
        Ok(meta)
    }
}

/// A value must be non-empty, within `max` bytes, free of control characters (XML 1.0 and
/// the single-line face cannot carry them) and without surrounding white space (so that the
/// XML, JSON and canonical forms agree byte for byte).
fn check_value(field: Field, value: &str, max: usize) -> Result<(), LicenseError> {
    if value.len() > max {
        return Err(LicenseError::TooLong {
            field,
            found: value.len(),
            max,
        });
    }
    if value.is_empty() {
        return Err(LicenseError::invalid(field, "the value is empty"));
    }
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(LicenseError::invalid(
            field,
            format!("control character U+{:04X} is not allowed", u32::from(c)),
        ));
    }
    if value.trim() != value {
        return Err(LicenseError::invalid(
            field,
            "leading or trailing white space is not allowed",
        ));
    }
    Ok(())
}

impl LicenseMetadata {
    /// The type code (证照类型代码): the identifier's.
    #[must_use]
    pub fn type_code(&self) -> &str {
        self.id.type_code()
    }

    /// The issuer's unified social credit code (证照颁发机构代码): the identifier's.
    #[must_use]
    pub fn issuer_code(&self) -> &Uscc {
        self.id.issuer()
    }

    /// Checks every element (the parsers call this; call it on metadata built in code).
    ///
    /// # Errors
    /// [`LicenseError`] naming the first element that is wrong.
    pub fn validate(&self) -> Result<(), LicenseError> {
        for (field, value) in self.core_values() {
            check_value(field, &value, MAX_VALUE_LEN)?;
        }
        match &self.holder_code_type {
            HolderCodeType::Uscc => {
                Uscc::parse(&self.holder_code)
                    .map_err(|e| LicenseError::invalid(Field::HolderCode, e.to_string()))?;
            }
            HolderCodeType::CitizenId => {
                let id = CitizenId::parse(&self.holder_code)
                    .map_err(|e| LicenseError::invalid(Field::HolderCode, e.to_string()))?;
                if id.birth_date() > self.issue_date {
                    return Err(LicenseError::invalid(
                        Field::HolderCode,
                        format!(
                            "birth date {} is after the issue date {}",
                            id.birth_date(),
                            self.issue_date
                        ),
                    ));
                }
            }
            HolderCodeType::Other { code, name } => {
                HolderCodeType::from_parts(code, name)?;
            }
        }
        if let Some(j) = &self.jurisdiction {
            if j.len() != 6 || !j.bytes().all(|b| b.is_ascii_digit()) {
                return Err(LicenseError::invalid(
                    Field::Jurisdiction,
                    format!("{j:?} is not a 6-digit administrative division code"),
                ));
            }
        }
        if let (Some(from), Some(ValidUntil::Date(until))) = (self.valid_from, self.valid_until) {
            if until < from {
                return Err(LicenseError::invalid(
                    Field::ValidUntil,
                    format!("{until} is before the start of validity {from}"),
                ));
            }
        }
        if self.face.len() > MAX_FACE_ITEMS {
            return Err(LicenseError::TooMany {
                what: "face items",
                found: self.face.len(),
                max: MAX_FACE_ITEMS,
            });
        }
        for item in &self.face {
            check_value(Field::FaceItemName, &item.name, MAX_NAME_LEN)?;
            check_value(Field::FaceItemValue, &item.value, MAX_VALUE_LEN)?;
        }
        if self.annotations.len() > MAX_ANNOTATIONS {
            return Err(LicenseError::TooMany {
                what: "annotations",
                found: self.annotations.len(),
                max: MAX_ANNOTATIONS,
            });
        }
        for a in &self.annotations {
            check_value(Field::AnnotationMaker, &a.maker, MAX_VALUE_LEN)?;
            check_value(Field::AnnotationReason, &a.reason, MAX_VALUE_LEN)?;
        }
        Ok(())
    }

    /// The core elements that are present, in [`Field::CORE`] order, as text.
    #[must_use]
    pub fn core_values(&self) -> Vec<(Field, String)> {
        let mut out = Vec::with_capacity(Field::CORE.len());
        let mut put = |f: Field, v: Option<String>| {
            if let Some(v) = v {
                out.push((f, v));
            }
        };
        put(Field::LicenseId, Some(self.id.to_string()));
        put(Field::Title, self.title.clone());
        put(Field::TypeName, Some(self.type_name.clone()));
        put(Field::TypeCode, Some(self.id.type_code().to_owned()));
        put(Field::Number, Some(self.number.clone()));
        put(Field::HolderName, Some(self.holder_name.clone()));
        put(Field::HolderCode, Some(self.holder_code.clone()));
        put(
            Field::HolderCodeType,
            Some(self.holder_code_type.name().to_owned()),
        );
        put(
            Field::HolderCodeTypeCode,
            Some(self.holder_code_type.code().to_owned()),
        );
        put(Field::IssuerName, Some(self.issuer_name.clone()));
        put(
            Field::IssuerCode,
            Some(self.id.issuer().as_str().to_owned()),
        );
        put(Field::IssueDate, Some(self.issue_date.to_string()));
        put(Field::ValidFrom, self.valid_from.map(|d| d.to_string()));
        put(Field::ValidUntil, self.valid_until.map(|d| d.to_string()));
        put(Field::Jurisdiction, self.jurisdiction.clone());
        out
    }

    /// The SM3 digest of the key fields, which the 2D code carries and signs: SM3 over the
    /// canonical encoding (`docs/license.md`): the tag `ESEAL-LICENSE-KEY-FIELDS-1`, then for
    /// every core element present, in [`Field::CORE`] order, then every face item in order,
    /// then every annotation: a record `name NUL u32be(len(value)) value`, where `name` is
    /// the XML name (`Item:` + the item name for face items, `JZJ<n>.` + the XML name for
    /// annotation elements) and the value is its UTF-8 text as written in the XML.
    #[must_use]
    pub fn key_fields_digest(&self) -> [u8; 32] {
        let mut h = Sm3Hasher::new();
        h.update(b"ESEAL-LICENSE-KEY-FIELDS-1");
        let mut record = |name: &[u8], value: &str| {
            h.update(name);
            h.update(&[0]);
            // Values are bounded by MAX_VALUE_LEN, far below u32::MAX.
            let len = u32::try_from(value.len()).unwrap_or(u32::MAX);
            h.update(&len.to_be_bytes());
            h.update(value.as_bytes());
        };
        for (field, value) in self.core_values() {
            record(field.xml_name().as_bytes(), &value);
        }
        for item in &self.face {
            record(format!("Item:{}", item.name).as_bytes(), &item.value);
        }
        for (i, a) in self.annotations.iter().enumerate() {
            for (field, value) in annotation_values(a) {
                record(format!("JZJ{i}.{}", field.xml_name()).as_bytes(), &value);
            }
        }
        h.finalize()
    }

    /// The XML form (UTF-8, deterministic: elements in [`Field::CORE`] order, then the face
    /// items, then the annotations).
    #[must_use]
    pub fn to_xml(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.push_str(&format!("<DZZZ xmlns=\"{XML_NAMESPACE}\" Version=\"1\">\n"));
        for (field, value) in self.core_values() {
            let n = field.xml_name();
            out.push_str(&format!("  <{n}>{}</{n}>\n", escape(&value)));
        }
        if !self.face.is_empty() {
            out.push_str("  <ZMKZXX>\n");
            for item in &self.face {
                out.push_str(&format!(
                    "    <Item Name=\"{}\">{}</Item>\n",
                    escape(&item.name),
                    escape(&item.value)
                ));
            }
            out.push_str("  </ZMKZXX>\n");
        }
        for a in &self.annotations {
            out.push_str("  <JZJ>\n");
            for (field, value) in annotation_values(a) {
                let n = field.xml_name();
                out.push_str(&format!("    <{n}>{}</{n}>\n", escape(&value)));
            }
            out.push_str("  </JZJ>\n");
        }
        out.push_str("</DZZZ>\n");
        out
    }

    /// Reads the XML form. Element order is free; unknown elements, duplicates, attributes
    /// other than `Version` / `Name`, and mixed text are refused.
    ///
    /// # Errors
    /// [`LicenseError`] naming the element at fault, or [`LicenseError::TooLarge`] /
    /// [`LicenseError::TooMany`] for input beyond the bounds.
    pub fn from_xml(bytes: &[u8]) -> Result<Self, LicenseError> {
        if bytes.len() > MAX_METADATA_LEN {
            return Err(LicenseError::TooLarge {
                what: "metadata XML",
                found: bytes.len(),
                max: MAX_METADATA_LEN,
            });
        }
        let limits = crate::ofd::Limits {
            max_xml_size: MAX_METADATA_LEN,
            max_xml_depth: 4,
            max_xml_elements: 32 + MAX_FACE_ITEMS + MAX_ANNOTATIONS * 5 + 2,
            ..crate::ofd::Limits::default()
        };
        let root = xml::parse("metadata", bytes, &limits).map_err(|e| match e {
            crate::ofd::OfdError::LimitExceeded { what, limit, .. } => LicenseError::TooMany {
                what,
                found: usize::try_from(limit)
                    .unwrap_or(usize::MAX)
                    .saturating_add(1),
                max: usize::try_from(limit).unwrap_or(usize::MAX),
            },
            other => LicenseError::Syntax {
                format: "XML",
                detail: other.to_string(),
            },
        })?;
        let syntax = |detail: String| LicenseError::Syntax {
            format: "XML",
            detail,
        };
        if root.name != Field::Document.xml_name() {
            return Err(syntax(format!(
                "the root element is {}, expected DZZZ",
                root.name
            )));
        }
        if root.attrs.len() != 1 {
            return Err(syntax(
                "the root element DZZZ takes exactly one attribute, Version".into(),
            ));
        }
        match root.attr("Version") {
            Some("1") => {}
            other => {
                return Err(LicenseError::invalid(
                    Field::Document,
                    format!("Version is {other:?}, expected \"1\""),
                ));
            }
        }
        no_text(&root)?;
        let mut raw = Raw::default();
        let mut seen_face = false;
        for child in &root.children {
            if let Some(field) = Field::CORE
                .iter()
                .copied()
                .find(|f| f.xml_name() == child.name)
            {
                leaf(child, field)?;
                raw.set(field, child.text.clone())?;
            } else if child.name == Field::Face.xml_name() {
                if seen_face {
                    return Err(LicenseError::Duplicate { field: Field::Face });
                }
                seen_face = true;
                no_text(child)?;
                if child.children.len() > MAX_FACE_ITEMS {
                    return Err(LicenseError::TooMany {
                        what: "face items",
                        found: child.children.len(),
                        max: MAX_FACE_ITEMS,
                    });
                }
                for item in &child.children {
                    if item.name != "Item" {
                        return Err(syntax(format!("{} in ZMKZXX, expected Item", item.name)));
                    }
                    let name = item
                        .attrs
                        .iter()
                        .find(|(k, _)| k == "Name")
                        .map(|(_, v)| v.clone())
                        .ok_or(LicenseError::Missing {
                            field: Field::FaceItemName,
                        })?;
                    if !item.children.is_empty() || item.attrs.len() != 1 {
                        return Err(syntax(format!(
                            "face item {name:?} may only have the Name attribute and text"
                        )));
                    }
                    check_value(Field::FaceItemName, &name, MAX_NAME_LEN)?;
                    check_value(Field::FaceItemValue, &item.text, MAX_VALUE_LEN)?;
                    raw.face.push(FaceItem {
                        name,
                        value: item.text.clone(),
                    });
                }
            } else if child.name == Field::Annotation.xml_name() {
                if raw.annotations.len() >= MAX_ANNOTATIONS {
                    return Err(LicenseError::TooMany {
                        what: "annotations",
                        found: raw.annotations.len() + 1,
                        max: MAX_ANNOTATIONS,
                    });
                }
                no_text(child)?;
                let mut values = Raw::default();
                for part in &child.children {
                    let Some(field) = Field::ANNOTATION
                        .iter()
                        .copied()
                        .find(|f| f.xml_name() == part.name)
                    else {
                        return Err(syntax(format!("{} is not an element of JZJ", part.name)));
                    };
                    leaf(part, field)?;
                    values.set(field, part.text.clone())?;
                }
                raw.annotations.push(annotation_from(&values)?);
            } else {
                return Err(syntax(format!("unknown element {}", child.name)));
            }
        }
        raw.into_metadata()
    }

    /// The JSON form: an object with `"version": 1`, the core elements under their JSON keys
    /// ([`Field::json_key`]) as strings, `"face"` as an array of `{"name", "value"}` and
    /// `"annotations"` as an array of objects. Keys in [`Field::CORE`] order.
    #[cfg(feature = "serde")]
    #[must_use]
    pub fn to_json(&self) -> String {
        use serde_json::{Map, Value};
        let mut map = Map::new();
        map.insert("version".into(), Value::from(1));
        for (field, value) in self.core_values() {
            map.insert(field.json_key().into(), Value::String(value));
        }
        if !self.face.is_empty() {
            let items = self
                .face
                .iter()
                .map(|i| serde_json::json!({ "name": i.name, "value": i.value }))
                .collect();
            map.insert("face".into(), Value::Array(items));
        }
        if !self.annotations.is_empty() {
            let items = self
                .annotations
                .iter()
                .map(|a| {
                    let mut m = Map::new();
                    for (field, value) in annotation_values(a) {
                        m.insert(field.json_key().into(), Value::String(value));
                    }
                    Value::Object(m)
                })
                .collect();
            map.insert("annotations".into(), Value::Array(items));
        }
        serde_json::to_string_pretty(&Value::Object(map)).unwrap_or_default()
    }

    /// Reads the JSON form. Unknown keys and values that are not strings are refused.
    ///
    /// # Errors
    /// As [`LicenseMetadata::from_xml`].
    #[cfg(feature = "serde")]
    pub fn from_json(bytes: &[u8]) -> Result<Self, LicenseError> {
        use serde_json::Value;
        if bytes.len() > MAX_METADATA_LEN {
            return Err(LicenseError::TooLarge {
                what: "metadata JSON",
                found: bytes.len(),
                max: MAX_METADATA_LEN,
            });
        }
        let syntax = |detail: String| LicenseError::Syntax {
            format: "JSON",
            detail,
        };
        let value: Value = serde_json::from_slice(bytes).map_err(|e| syntax(e.to_string()))?;
        let Value::Object(map) = value else {
            return Err(syntax("the metadata is not a JSON object".into()));
        };
        let text = |field: Field, v: &Value| -> Result<String, LicenseError> {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| LicenseError::invalid(field, "the value is not a string"))
        };
        let mut raw = Raw::default();
        let mut version = None;
        for (key, v) in &map {
            if key == "version" {
                version = v.as_u64();
                continue;
            }
            if let Some(field) = Field::CORE.iter().copied().find(|f| f.json_key() == key) {
                raw.set(field, text(field, v)?)?;
            } else if key == "face" {
                let items = v
                    .as_array()
                    .ok_or_else(|| LicenseError::invalid(Field::Face, "not an array"))?;
                if items.len() > MAX_FACE_ITEMS {
                    return Err(LicenseError::TooMany {
                        what: "face items",
                        found: items.len(),
                        max: MAX_FACE_ITEMS,
                    });
                }
                for item in items {
                    let obj = item.as_object().filter(|o| o.len() == 2).ok_or_else(|| {
                        LicenseError::invalid(
                            Field::Face,
                            "each face item is an object with exactly \"name\" and \"value\"",
                        )
                    })?;
                    let get = |field: Field| -> Result<String, LicenseError> {
                        let v = obj
                            .get(field.json_key())
                            .ok_or(LicenseError::Missing { field })?;
                        text(field, v)
                    };
                    let name = get(Field::FaceItemName)?;
                    let value = get(Field::FaceItemValue)?;
                    check_value(Field::FaceItemName, &name, MAX_NAME_LEN)?;
                    check_value(Field::FaceItemValue, &value, MAX_VALUE_LEN)?;
                    raw.face.push(FaceItem { name, value });
                }
            } else if key == "annotations" {
                let items = v
                    .as_array()
                    .ok_or_else(|| LicenseError::invalid(Field::Annotation, "not an array"))?;
                if items.len() > MAX_ANNOTATIONS {
                    return Err(LicenseError::TooMany {
                        what: "annotations",
                        found: items.len(),
                        max: MAX_ANNOTATIONS,
                    });
                }
                for item in items {
                    let obj = item.as_object().ok_or_else(|| {
                        LicenseError::invalid(Field::Annotation, "each annotation is an object")
                    })?;
                    let mut values = Raw::default();
                    for (k, v) in obj {
                        let field = Field::ANNOTATION
                            .iter()
                            .copied()
                            .find(|f| f.json_key() == k)
                            .ok_or_else(|| {
                                LicenseError::invalid(
                                    Field::Annotation,
                                    format!("unknown key {k:?}"),
                                )
                            })?;
                        values.set(field, text(field, v)?)?;
                    }
                    raw.annotations.push(annotation_from(&values)?);
                }
            } else {
                return Err(syntax(format!("unknown key {key:?}")));
            }
        }
        if version != Some(1) {
            return Err(LicenseError::invalid(
                Field::Document,
                "\"version\" must be the number 1",
            ));
        }
        raw.into_metadata()
    }
}

fn annotation_values(a: &Annotation) -> Vec<(Field, String)> {
    let mut v = vec![
        (Field::AnnotationMadeOn, a.made_on.to_string()),
        (Field::AnnotationMaker, a.maker.clone()),
        (Field::AnnotationReason, a.reason.clone()),
    ];
    if let Some(d) = a.valid_until {
        v.push((Field::AnnotationValidUntil, d.to_string()));
    }
    v
}

fn annotation_from(values: &Raw) -> Result<Annotation, LicenseError> {
    let date = |field: Field, t: &str| {
        Date::parse(t)
            .ok_or_else(|| LicenseError::invalid(field, format!("{t:?} is not a date YYYY-MM-DD")))
    };
    Ok(Annotation {
        made_on: date(
            Field::AnnotationMadeOn,
            values.need(Field::AnnotationMadeOn)?,
        )?,
        maker: values.need(Field::AnnotationMaker)?.to_owned(),
        reason: values.need(Field::AnnotationReason)?.to_owned(),
        valid_until: values
            .get(Field::AnnotationValidUntil)
            .map(|t| date(Field::AnnotationValidUntil, t))
            .transpose()?,
    })
}

/// An element that holds only text.
fn leaf(el: &Element, field: Field) -> Result<(), LicenseError> {
    if !el.children.is_empty() || !el.attrs.is_empty() {
        return Err(LicenseError::invalid(
            field,
            "the element may hold only text (no child elements or attributes)",
        ));
    }
    Ok(())
}

/// A container element: white space between its children only.
fn no_text(el: &Element) -> Result<(), LicenseError> {
    if el.text.trim().is_empty() {
        Ok(())
    } else {
        Err(LicenseError::Syntax {
            format: "XML",
            detail: format!("text directly inside {} is not allowed", el.name),
        })
    }
}
