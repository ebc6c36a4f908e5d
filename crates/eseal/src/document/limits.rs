//! One description of the limits on untrusted input, shared by the library, the CLI
//! (`--limits FILE`), the C ABI and WebAssembly: a small JSON form (schema `eseal.limits/1`)
//! read into [`VerifyLimits`], which [`VerifyLimits::apply`] puts into
//! [`DocumentVerifyOptions`]. See `docs/limits.md`.
//!
//! ```json
//! { "schema": "eseal.limits/1",
//!   "max_input_bytes": 33554432,
//!   "ofd": { "max_package_size": 33554432, "max_entries": 2000, "max_xml_size": 4194304 },
//!   "pdf": { "max_file_len": 33554432, "max_objects": 100000, "max_signatures": 16 } }
//! ```
//!
//! Every field is optional and may only tighten the library default: a larger value is
//! refused ([`LimitsError::Loosens`], naming the field), as are unknown fields (a typo never
//! silently leaves a limit at its default). Loosening is possible from the library only, by
//! building [`ofd::Limits`] and [`pdf::Limits`] directly.

use std::fmt;

use super::DocumentVerifyOptions;
use crate::error::{Error, ErrorCode};
use crate::{ofd, pdf};

/// The schema name of the JSON form.
pub const LIMITS_SCHEMA: &str = "eseal.limits/1";

/// The largest limits text read (far above any real one: a few hundred bytes).
pub const MAX_LIMITS_TEXT: usize = 16 * 1024;

/// The limits a verification runs under: the whole-file cap and each format's limits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct VerifyLimits {
    /// The largest file verified, in bytes ([`DocumentVerifyOptions::max_input_len`]); `None`:
    /// only each format's own limits.
    pub max_input_bytes: Option<usize>,
    /// The limits OFD packages (and OFD e-licenses) are read with.
    pub ofd: ofd::Limits,
    /// The limits PDF files are read with.
    pub pdf: pdf::Limits,
}

/// Why a limits description was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LimitsError {
    /// The text is over [`MAX_LIMITS_TEXT`].
    #[error("the limits text is {len} bytes; at most {MAX_LIMITS_TEXT} are read")]
    TooLarge {
        /// Its length.
        len: usize,
    },
    /// Not JSON, or not the expected shape.
    #[error("malformed limits: {detail}")]
    Malformed {
        /// What is wrong.
        detail: String,
    },
    /// A field this version does not know.
    #[error("unknown limits field {field:?}")]
    UnknownField {
        /// The field's path (`ofd.max_entries`).
        field: String,
    },
    /// A field that is not a non-negative integer.
    #[error("limits field {field} must be a non-negative integer, not {found}")]
    NotANumber {
        /// The field's path.
        field: String,
        /// What was found (JSON text, cut).
        found: String,
    },
    /// A value above the library default: the JSON form only tightens.
    #[error(
        "limits field {field} = {value} would loosen the default of {default}; only tighter values are accepted here"
    )]
    Loosens {
        /// The field's path.
        field: String,
        /// The value given.
        value: u64,
        /// The library default.
        default: u64,
    },
}

impl LimitsError {
    /// The stable code: `malformed` for unreadable text, `limit_exceeded` for text over the
    /// cap, `invalid_argument` for the rest.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::TooLarge { .. } => ErrorCode::LimitExceeded,
            Self::Malformed { .. } => ErrorCode::Malformed,
            Self::UnknownField { .. } | Self::NotANumber { .. } | Self::Loosens { .. } => {
                ErrorCode::InvalidArgument
            }
        }
    }
}

impl From<LimitsError> for Error {
    fn from(e: LimitsError) -> Self {
        Error::new(e.code(), e.to_string())
    }
}

/// A tunable field: its JSON name, and where it lives.
struct Field<T> {
    name: &'static str,
    slot: fn(&mut T) -> Slot<'_>,
}

/// A limit's storage (the limits mix `usize` and `u64`).
enum Slot<'a> {
    Usize(&'a mut usize),
    U64(&'a mut u64),
}

impl Slot<'_> {
    fn get(&self) -> u64 {
        match self {
            Slot::Usize(v) => u64::try_from(**v).unwrap_or(u64::MAX),
            Slot::U64(v) => **v,
        }
    }

    /// Sets `value`, which is at most the current value (so it fits).
    #[cfg(feature = "serde")]
    fn set(&mut self, value: u64) {
        match self {
            Slot::Usize(v) => **v = usize::try_from(value).unwrap_or(**v),
            Slot::U64(v) => **v = value,
        }
    }
}

const OFD_FIELDS: &[Field<ofd::Limits>] = &[
    Field {
        name: "max_package_size",
        slot: |l| Slot::Usize(&mut l.max_package_size),
    },
    Field {
        name: "max_entries",
        slot: |l| Slot::Usize(&mut l.max_entries),
    },
    Field {
        name: "max_entry_size",
        slot: |l| Slot::U64(&mut l.max_entry_size),
    },
    Field {
        name: "max_total_size",
        slot: |l| Slot::U64(&mut l.max_total_size),
    },
    Field {
        name: "max_compression_ratio",
        slot: |l| Slot::U64(&mut l.max_compression_ratio),
    },
    Field {
        name: "ratio_threshold",
        slot: |l| Slot::U64(&mut l.ratio_threshold),
    },
    Field {
        name: "max_xml_size",
        slot: |l| Slot::Usize(&mut l.max_xml_size),
    },
    Field {
        name: "max_xml_depth",
        slot: |l| Slot::Usize(&mut l.max_xml_depth),
    },
    Field {
        name: "max_xml_elements",
        slot: |l| Slot::Usize(&mut l.max_xml_elements),
    },
    Field {
        name: "max_signatures",
        slot: |l| Slot::Usize(&mut l.max_signatures),
    },
    Field {
        name: "max_references",
        slot: |l| Slot::Usize(&mut l.max_references),
    },
    Field {
        name: "max_pages",
        slot: |l| Slot::Usize(&mut l.max_pages),
    },
    Field {
        name: "max_documents",
        slot: |l| Slot::Usize(&mut l.max_documents),
    },
    Field {
        name: "max_total_references",
        slot: |l| Slot::Usize(&mut l.max_total_references),
    },
    Field {
        name: "max_coverage_pairs",
        slot: |l| Slot::U64(&mut l.max_coverage_pairs),
    },
];

const PDF_FIELDS: &[Field<pdf::Limits>] = &[
    Field {
        name: "max_file_len",
        slot: |l| Slot::U64(&mut l.max_file_len),
    },
    Field {
        name: "max_objects",
        slot: |l| Slot::Usize(&mut l.max_objects),
    },
    Field {
        name: "max_revisions",
        slot: |l| Slot::Usize(&mut l.max_revisions),
    },
    Field {
        name: "max_stream_len",
        slot: |l| Slot::U64(&mut l.max_stream_len),
    },
    Field {
        name: "max_ratio",
        slot: |l| Slot::U64(&mut l.max_ratio),
    },
    Field {
        name: "max_total_decoded",
        slot: |l| Slot::U64(&mut l.max_total_decoded),
    },
    Field {
        name: "max_signatures",
        slot: |l| Slot::Usize(&mut l.max_signatures),
    },
];

impl VerifyLimits {
    /// The library defaults.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Tightens the whole-file cap to `max` bytes (a larger value than one already set is
    /// ignored: this only tightens).
    #[must_use]
    pub fn with_max_input_bytes(mut self, max: usize) -> Self {
        self.max_input_bytes = Some(self.max_input_bytes.map_or(max, |m| m.min(max)));
        self
    }

    /// The options with these limits in force.
    #[must_use]
    pub fn apply<'a>(&self, options: DocumentVerifyOptions<'a>) -> DocumentVerifyOptions<'a> {
        let options = options
            .ofd_limits(self.ofd.clone())
            .pdf_limits(self.pdf.clone());
        match self.max_input_bytes {
            Some(max) => options.max_input_len(max),
            None => options,
        }
    }

    /// Reads the JSON form (see the module docs) over the library defaults.
    ///
    /// # Errors
    /// [`LimitsError`]: text over [`MAX_LIMITS_TEXT`], malformed JSON, a missing or other
    /// `schema`, an unknown field, a value that is no non-negative integer, or one above the
    /// default.
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<Self, LimitsError> {
        use serde_json::Value;
        if text.len() > MAX_LIMITS_TEXT {
            return Err(LimitsError::TooLarge { len: text.len() });
        }
        let malformed = |detail: String| LimitsError::Malformed { detail };
        // serde_json bounds nesting (128 levels); the text is small.
        let value: Value = serde_json::from_str(text).map_err(|e| malformed(e.to_string()))?;
        let Value::Object(root) = value else {
            return Err(malformed("the limits are not a JSON object".into()));
        };
        match root.get("schema") {
            Some(Value::String(s)) if s == LIMITS_SCHEMA => {}
            Some(other) => {
                return Err(malformed(format!(
                    "schema is {}, this eseal reads {LIMITS_SCHEMA:?}",
                    cut(other)
                )));
            }
            None => return Err(malformed(format!("no \"schema\": {LIMITS_SCHEMA:?}"))),
        }
        let mut limits = Self::default();
        for (key, v) in &root {
            match key.as_str() {
                "schema" => {}
                "max_input_bytes" => {
                    // The whole-file cap defaults to the largest format limit.
                    let ceiling = limits
                        .ofd
                        .max_package_size
                        .max(usize::try_from(limits.pdf.max_file_len).unwrap_or(usize::MAX));
                    let mut cap = ceiling;
                    read_field(key, v, &mut Slot::Usize(&mut cap))?;
                    limits.max_input_bytes = Some(cap);
                }
                "ofd" => read_section(key, v, OFD_FIELDS, &mut limits.ofd)?,
                "pdf" => read_section(key, v, PDF_FIELDS, &mut limits.pdf)?,
                other => {
                    return Err(LimitsError::UnknownField {
                        field: other.chars().take(64).collect(),
                    });
                }
            }
        }
        Ok(limits)
    }
}

#[cfg(feature = "serde")]
fn cut(v: &serde_json::Value) -> String {
    v.to_string().chars().take(64).collect()
}

#[cfg(feature = "serde")]
fn read_section<T>(
    section: &str,
    v: &serde_json::Value,
    fields: &[Field<T>],
    target: &mut T,
) -> Result<(), LimitsError> {
    let serde_json::Value::Object(map) = v else {
        return Err(LimitsError::Malformed {
            detail: format!("{section} must be an object, not {}", cut(v)),
        });
    };
    for (key, value) in map {
        let field =
            fields
                .iter()
                .find(|f| f.name == key)
                .ok_or_else(|| LimitsError::UnknownField {
                    field: format!("{section}.{}", key.chars().take(64).collect::<String>()),
                })?;
        read_field(
            &format!("{section}.{}", field.name),
            value,
            &mut (field.slot)(target),
        )?;
    }
    Ok(())
}

/// Reads one value into `slot`, refusing values above what it holds (the default).
#[cfg(feature = "serde")]
fn read_field(name: &str, v: &serde_json::Value, slot: &mut Slot<'_>) -> Result<(), LimitsError> {
    let value = v.as_u64().ok_or_else(|| LimitsError::NotANumber {
        field: name.to_owned(),
        found: cut(v),
    })?;
    let default = slot.get();
    if value > default {
        return Err(LimitsError::Loosens {
            field: name.to_owned(),
            value,
            default,
        });
    }
    slot.set(value);
    Ok(())
}

impl fmt::Display for VerifyLimits {
    /// The JSON form of every limit in force (accepted back by [`VerifyLimits::from_json`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let section = |f: &mut fmt::Formatter<'_>, entries: Vec<(&str, u64)>| -> fmt::Result {
            f.write_str("{")?;
            for (i, (name, value)) in entries.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "\"{name}\": {value}")?;
            }
            f.write_str("}")
        };
        write!(f, "{{\"schema\": \"{LIMITS_SCHEMA}\", ")?;
        if let Some(max) = self.max_input_bytes {
            write!(f, "\"max_input_bytes\": {max}, ")?;
        }
        let mut ofd = self.ofd.clone();
        let mut pdf = self.pdf.clone();
        f.write_str("\"ofd\": ")?;
        section(
            f,
            OFD_FIELDS
                .iter()
                .map(|fl| (fl.name, (fl.slot)(&mut ofd).get()))
                .collect(),
        )?;
        f.write_str(", \"pdf\": ")?;
        section(
            f,
            PDF_FIELDS
                .iter()
                .map(|fl| (fl.name, (fl.slot)(&mut pdf).get()))
                .collect(),
        )?;
        f.write_str("}")
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn empty_is_the_defaults() {
        let l = VerifyLimits::from_json(r#"{"schema": "eseal.limits/1"}"#).unwrap();
        assert_eq!(l, VerifyLimits::default());
    }

    #[test]
    fn tightens_each_section() {
        let l = VerifyLimits::from_json(
            r#"{"schema": "eseal.limits/1", "max_input_bytes": 1000,
                "ofd": {"max_entries": 5, "max_coverage_pairs": 7},
                "pdf": {"max_objects": 9, "max_file_len": 2000}}"#,
        )
        .unwrap();
        assert_eq!(l.max_input_bytes, Some(1000));
        assert_eq!(l.ofd.max_entries, 5);
        assert_eq!(l.ofd.max_coverage_pairs, 7);
        assert_eq!(l.ofd.max_xml_size, ofd::Limits::default().max_xml_size);
        assert_eq!(l.pdf.max_objects, 9);
        assert_eq!(l.pdf.max_file_len, 2000);
    }

    #[test]
    fn loosening_names_the_field() {
        let err = VerifyLimits::from_json(
            r#"{"schema": "eseal.limits/1", "pdf": {"max_objects": 2000001}}"#,
        )
        .unwrap_err();
        assert_eq!(
            err,
            LimitsError::Loosens {
                field: "pdf.max_objects".into(),
                value: 2_000_001,
                default: 2_000_000
            }
        );
        assert_eq!(Error::from(err).code(), ErrorCode::InvalidArgument);
        // The default itself is accepted.
        VerifyLimits::from_json(r#"{"schema": "eseal.limits/1", "pdf": {"max_objects": 2000000}}"#)
            .unwrap();
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        let cases = [
            ("{}", ErrorCode::Malformed),
            (r#"{"schema": "eseal.limits/2"}"#, ErrorCode::Malformed),
            ("[1]", ErrorCode::Malformed),
            ("{", ErrorCode::Malformed),
            (
                r#"{"schema": "eseal.limits/1", "ofd": {"max_entrys": 1}}"#,
                ErrorCode::InvalidArgument,
            ),
            (
                r#"{"schema": "eseal.limits/1", "zip": {}}"#,
                ErrorCode::InvalidArgument,
            ),
            (
                r#"{"schema": "eseal.limits/1", "ofd": 3}"#,
                ErrorCode::Malformed,
            ),
            (
                r#"{"schema": "eseal.limits/1", "pdf": {"max_ratio": -1}}"#,
                ErrorCode::InvalidArgument,
            ),
            (
                r#"{"schema": "eseal.limits/1", "pdf": {"max_ratio": 1.5}}"#,
                ErrorCode::InvalidArgument,
            ),
            (
                r#"{"schema": "eseal.limits/1", "pdf": {"max_ratio": "5"}}"#,
                ErrorCode::InvalidArgument,
            ),
        ];
        for (text, code) in cases {
            let err = VerifyLimits::from_json(text).unwrap_err();
            assert_eq!(err.code(), code, "{text}: {err}");
        }
        let huge = format!(
            r#"{{"schema": "eseal.limits/1", "x": "{}"}}"#,
            "a".repeat(MAX_LIMITS_TEXT)
        );
        assert_eq!(
            VerifyLimits::from_json(&huge).unwrap_err().code(),
            ErrorCode::LimitExceeded
        );
    }

    #[test]
    fn display_reads_back() {
        let l = VerifyLimits::from_json(
            r#"{"schema": "eseal.limits/1", "max_input_bytes": 10, "pdf": {"max_revisions": 3}}"#,
        )
        .unwrap();
        assert_eq!(VerifyLimits::from_json(&l.to_string()).unwrap(), l);
        let d = VerifyLimits::default();
        assert_eq!(VerifyLimits::from_json(&d.to_string()).unwrap(), d);
    }

    #[test]
    fn applied_limits_refuse_a_pdf() {
        use crate::ses::VerifyOptions;
        let limits = VerifyLimits::default().with_max_input_bytes(10);
        let options = limits.apply(DocumentVerifyOptions::new(VerifyOptions::new()));
        let err = super::super::verify(b"%PDF-1.7\n% a file over ten bytes", &options).unwrap_err();
        assert_eq!(Error::from(err).code(), ErrorCode::LimitExceeded);
        let limits =
            VerifyLimits::from_json(r#"{"schema": "eseal.limits/1", "pdf": {"max_file_len": 16}}"#)
                .unwrap();
        let options = limits.apply(DocumentVerifyOptions::new(VerifyOptions::new()));
        let err =
            super::super::verify(b"%PDF-1.7\n% a file over sixteen bytes", &options).unwrap_err();
        assert_eq!(Error::from(err).code(), ErrorCode::LimitExceeded);
    }
}
