//! The license module's error: metadata, 2D-code payloads, templates and issuing.

use super::metadata::Field;
use crate::ErrorCode;
use crate::ofd::OfdError;

/// Why license metadata, a 2D-code payload or a face template cannot be read, or a license
/// cannot be issued. Every metadata variant names the element ([`Field`]) at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LicenseError {
    /// The input is larger than eseal reads (before looking at it).
    #[error("{what} has {found} bytes, more than the {max} accepted")]
    TooLarge {
        /// What was refused.
        what: &'static str,
        /// Its size.
        found: usize,
        /// The bound.
        max: usize,
    },
    /// More items than eseal reads.
    #[error("{what}: {found} items, more than the {max} accepted")]
    TooMany {
        /// What was counted.
        what: &'static str,
        /// How many were found.
        found: usize,
        /// The bound.
        max: usize,
    },
    /// Not well-formed XML or JSON, or not the expected document structure.
    #[error("{format}: {detail}")]
    Syntax {
        /// `"XML"`, `"JSON"`, `"template"`.
        format: &'static str,
        /// What is wrong and where.
        detail: String,
    },
    /// A mandatory element is absent.
    #[error("{field} is missing")]
    Missing {
        /// The element.
        field: Field,
    },
    /// An element appears twice.
    #[error("{field} appears more than once")]
    Duplicate {
        /// The element.
        field: Field,
    },
    /// An element's value is not acceptable.
    #[error("{field}: {reason}")]
    Invalid {
        /// The element.
        field: Field,
        /// Why, and what was expected.
        reason: String,
    },
    /// An element's value is longer than eseal reads.
    #[error("{field} has {found} bytes, more than the {max} accepted")]
    TooLong {
        /// The element.
        field: Field,
        /// Its length in bytes.
        found: usize,
        /// The bound.
        max: usize,
    },
    /// A 2D-code payload cannot be read.
    #[error("2D-code payload: {reason}")]
    Payload {
        /// Why.
        reason: String,
    },
    /// A face template is not usable (an unknown field, a box outside the page).
    #[error("face template: {reason}")]
    Template {
        /// Why.
        reason: String,
    },
    /// Signing the payload failed (the key holder did not deliver).
    #[error("signing the 2D-code payload failed: {detail}")]
    Signing {
        /// What the signer reported.
        detail: String,
    },
    /// Writing or stamping the OFD file failed.
    #[error("license OFD: {0}")]
    Ofd(#[from] OfdError),
    /// Stamping or reading the PDF file failed.
    #[error("license PDF: {0}")]
    Pdf(#[from] crate::pdf::PdfError),
    /// Drawing the PDF face failed (a font or photo the renderer refuses).
    #[error("license PDF face: {0}")]
    Render(#[from] crate::pdf::render::RenderError),
}

impl LicenseError {
    /// The stable kind of this error (see [`ErrorCode`]).
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::TooLarge { .. } | Self::TooMany { .. } | Self::TooLong { .. } => {
                ErrorCode::LimitExceeded
            }
            Self::Syntax { .. }
            | Self::Missing { .. }
            | Self::Duplicate { .. }
            | Self::Invalid { .. }
            | Self::Payload { .. } => ErrorCode::Malformed,
            Self::Template { .. } => ErrorCode::InvalidArgument,
            Self::Signing { .. } => ErrorCode::Crypto,
            Self::Ofd(e) => e.code(),
            Self::Pdf(e) => e.code(),
            Self::Render(e) => e.code(),
        }
    }

    pub(crate) fn invalid(field: Field, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            reason: reason.into(),
        }
    }
}
