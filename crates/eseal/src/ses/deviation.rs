//! Deviations from the standards that real seals show, and the parse mode deciding about them.
//!
//! Commercial seal products and early open-source writers do not always follow GM/T 0031 and
//! GB/T 38540 to the letter (see the project's standards notes, §3.8). [`ParseMode::Lenient`]
//! reads each known deviation into the types (so that re-encoding reproduces the input) and
//! records it as a [`Deviation`]; [`ParseMode::Strict`] rejects it with
//! [`SesError::Deviation`](super::SesError::Deviation).

use core::fmt;

use super::SesVersion;

/// How to treat known deviations from the standard while parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ParseMode {
    /// Reject every deviation with a typed error naming it.
    #[default]
    Strict,
    /// Accept the known deviations and record each one (see `deviations()` on the parsed value).
    Lenient,
}

/// How a field with a context tag `[0]` was tagged.
///
/// GB/T 38540's `timeStamp [0] BIT STRING OPTIONAL` (and `extDatas [0]`) are written EXPLICIT by
/// ofdrw and the corpus; some implementations declare them IMPLICIT or leave the tag out.
/// eseal reads all three and writes EXPLICIT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Tagging {
    /// `[0]` EXPLICIT: a constructed `A0` around the full inner TLV (the form eseal writes).
    #[default]
    Explicit,
    /// `[0]` IMPLICIT: the inner value with its tag replaced by `[0]`.
    Implicit,
    /// No context tag at all: the inner TLV as is.
    Untagged,
}

impl fmt::Display for Tagging {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Explicit => "[0] EXPLICIT",
            Self::Implicit => "[0] IMPLICIT",
            Self::Untagged => "untagged",
        })
    }
}

/// A wrapper some writers put around a structure that the standard places directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Wrapper {
    /// Inside the contents of a BIT STRING (with a leading unused-bits octet of 0).
    BitString,
    /// Inside the contents of an OCTET STRING.
    OctetString,
}

impl fmt::Display for Wrapper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::BitString => "a BIT STRING",
            Self::OctetString => "an OCTET STRING",
        })
    }
}

/// What a deviation is. Each variant names one known way real seals break the standard.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeviationKind {
    /// UTCTime where GB/T 38540 / GM/T 0031-2025 specify GeneralizedTime.
    UtcTimeForGeneralizedTime,
    /// GeneralizedTime where GM/T 0031-2014 specifies UTCTime.
    GeneralizedTimeForUtcTime,
    /// OCTET STRING where the standard specifies BIT STRING (`timeInfo`, `dataHash`).
    OctetStringForBitString,
    /// The v1 `SES_SignInfo` wrapped in a BIT STRING or OCTET STRING.
    WrappedSignInfo(Wrapper),
    /// `ExtensionDatas` encoded differently from the standard's placement.
    ExtDatasEncoding {
        /// How it was encoded.
        found: super::ExtDatasEncoding,
        /// How the standard places it at this position.
        expected: super::ExtDatasEncoding,
    },
    /// An `ExtensionDatas` entry that is not a valid `ExtData`; kept as raw bytes.
    UnparsableExtData {
        /// Why it does not parse.
        problem: String,
    },
    /// `critical` present with the value FALSE although it is `DEFAULT FALSE` (DER omits it).
    CriticalFalsePresent,
    /// A `[0]` field tagged IMPLICIT or untagged (eseal writes EXPLICIT).
    Tagging(Tagging),
    /// `certListType` does not match the form of `certList`.
    CertListTypeMismatch {
        /// The declared `certListType`.
        declared: i64,
        /// The form found (1 = certificates, 2 = digests).
        found: i64,
    },
    /// `SES_Header.id` is not `"ES"`.
    HeaderId {
        /// The identifier found.
        found: String,
    },
    /// `SES_Header.version` does not match the structure's layout.
    HeaderVersion {
        /// The version found in the header.
        found: i64,
        /// The version the layout indicates.
        layout: SesVersion,
    },
}

impl DeviationKind {
    /// A stable machine code for the deviation, e.g. `utc_time_for_generalized_time`; the
    /// verification report uses it, prefixed with `ses.deviation.`, as a warning code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::UtcTimeForGeneralizedTime => "utc_time_for_generalized_time",
            Self::GeneralizedTimeForUtcTime => "generalized_time_for_utc_time",
            Self::OctetStringForBitString => "octet_string_for_bit_string",
            Self::WrappedSignInfo(_) => "wrapped_sign_info",
            Self::ExtDatasEncoding { .. } => "ext_datas_encoding",
            Self::UnparsableExtData { .. } => "unparsable_ext_data",
            Self::CriticalFalsePresent => "critical_false_present",
            Self::Tagging(_) => "tagging",
            Self::CertListTypeMismatch { .. } => "cert_list_type_mismatch",
            Self::HeaderId { .. } => "header_id",
            Self::HeaderVersion { .. } => "header_version",
        }
    }
}

impl fmt::Display for DeviationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UtcTimeForGeneralizedTime => {
                f.write_str("UTCTime where the standard specifies GeneralizedTime")
            }
            Self::GeneralizedTimeForUtcTime => {
                f.write_str("GeneralizedTime where GM/T 0031-2014 specifies UTCTime")
            }
            Self::OctetStringForBitString => {
                f.write_str("OCTET STRING where the standard specifies BIT STRING")
            }
            Self::WrappedSignInfo(w) => write!(f, "SES_SignInfo wrapped in {w}"),
            Self::ExtDatasEncoding { found, expected } => {
                write!(
                    f,
                    "ExtensionDatas encoded {found}; the standard places it {expected}"
                )
            }
            Self::UnparsableExtData { problem } => {
                write!(
                    f,
                    "ExtData entry that does not parse ({problem}); kept as raw bytes"
                )
            }
            Self::CriticalFalsePresent => {
                f.write_str("critical present with FALSE although it is DEFAULT FALSE")
            }
            Self::Tagging(t) => write!(f, "[0] field written {t}; expected [0] EXPLICIT"),
            Self::CertListTypeMismatch { declared, found } => write!(
                f,
                "certListType {declared} does not match the certList found (form {found}: {})",
                if *found == 1 {
                    "certificates"
                } else {
                    "digests"
                }
            ),
            Self::HeaderId { found } => write!(f, "SES_Header.id is {found:?}, not \"ES\""),
            Self::HeaderVersion { found, layout } => write!(
                f,
                "SES_Header.version {found} does not match the {layout} layout of the structure"
            ),
        }
    }
}

/// One deviation from the standard found while parsing, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Deviation {
    kind: DeviationKind,
    field: String,
    offset: usize,
}

impl Deviation {
    pub(crate) fn new(kind: DeviationKind, field: &str, offset: usize) -> Self {
        Self {
            kind,
            field: field.to_owned(),
            offset,
        }
    }

    /// What kind of deviation this is.
    #[must_use]
    pub fn kind(&self) -> &DeviationKind {
        &self.kind
    }

    /// The field (path of the standard's field names) where it was found.
    #[must_use]
    pub fn field(&self) -> &str {
        &self.field
    }

    /// Byte offset of the element in the parsed input.
    #[must_use]
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for Deviation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (at byte offset {})",
            self.field, self.kind, self.offset
        )
    }
}

/// Parse state: the mode and the deviations met so far.
pub(crate) struct Ctx {
    mode: ParseMode,
    deviations: Vec<Deviation>,
}

impl Ctx {
    pub(crate) fn new(mode: ParseMode) -> Self {
        Self {
            mode,
            deviations: Vec::new(),
        }
    }

    /// Records a deviation (lenient) or fails with it (strict).
    pub(crate) fn deviate(
        &mut self,
        kind: DeviationKind,
        field: &str,
        offset: usize,
    ) -> Result<(), super::SesError> {
        let deviation = Deviation::new(kind, field, offset);
        match self.mode {
            ParseMode::Strict => Err(super::SesError::Deviation(Box::new(deviation))),
            ParseMode::Lenient => {
                self.deviations.push(deviation);
                Ok(())
            }
        }
    }

    pub(crate) fn into_deviations(self) -> Vec<Deviation> {
        self.deviations
    }
}

impl Ctx {
    pub(crate) fn mode(&self) -> ParseMode {
        self.mode
    }

    /// Adds deviations already accepted by a nested parse.
    pub(crate) fn absorb(&mut self, deviations: &[Deviation]) {
        self.deviations.extend_from_slice(deviations);
    }
}
