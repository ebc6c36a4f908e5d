//! Verification results: the report every verifier in eseal returns.
//!
//! A verifier never answers with a bare `bool`. It runs every check it can, records each one
//! with its outcome and a message a person can act on, and derives the overall [`Status`] from
//! them, fail-closed:
//!
//! - a failed check of the [`Format`](CheckCategory::Format),
//!   [`Cryptographic`](CheckCategory::Cryptographic) or [`Binding`](CheckCategory::Binding)
//!   category makes the result [`Invalid`](Status::Invalid): the object is malformed, forged,
//!   altered or used by someone it does not authorise;
//! - a failed check of the [`Time`](CheckCategory::Time), [`Trust`](CheckCategory::Trust) or
//!   [`Revocation`](CheckCategory::Revocation) category makes it
//!   [`Indeterminate`](Status::Indeterminate) (expired, unknown anchor, revocation unknown),
//!   unless the check was marked decisive (e.g. revoked before signing), so an
//!   expired-but-authentic document is told apart from a forged one;
//! - a check that could not be performed is `Indeterminate`, never `Passed`;
//! - only when every applicable check passed, and at least one did, is the result
//!   [`Valid`](Status::Valid).
//!
//! The JSON form (feature `serde`) is documented in `docs/report-schema.md`; its version is
//! [`REPORT_SCHEMA_VERSION`].

mod coverage;
mod document;
mod options;
pub mod policy;
mod report;
pub(crate) mod trust;

pub use coverage::{
    ChangedFile, FileChange, FileOrigin, FileRole, PageRange, PageSet, SignatureCoverage,
    UnprotectedFile,
};
pub use document::{DocumentFormat, DocumentReport, SignatureEntry};
pub use options::{DataRef, VerifyOptions};
pub use policy::{Level, ValidationPolicy};
pub use report::{
    Check, CheckCategory, CheckId, CheckStatus, MakerSignedForm, PictureFacts, PictureFormat,
    REPORT_SCHEMA_VERSION, Report, ReportKind, SealFacts, SesVersion, SignatureAlgorithm,
    SignatureFacts, SigningTimeSource, Status, Warning,
};
