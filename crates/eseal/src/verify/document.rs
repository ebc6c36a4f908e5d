//! The report for a whole file: a document with any number of signatures (OFD, later PDF), or a
//! bare seal or signature file, as the CLI's `verify` and `audit`, the C ABI and WebAssembly see it.

use super::coverage::SignatureCoverage;
use super::report::{Check, CheckStatus, REPORT_SCHEMA_VERSION, Report, Status, Warning};
use crate::time::Time;

/// What kind of file was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DocumentFormat {
    /// An OFD document (GB/T 33190).
    Ofd,
    /// A bare electronic seal (SESeal, `.esl`).
    Seal,
    /// A detached electronic signature (SES_Signature DER).
    SesSignature,
    /// A PDF document (ISO 32000-1).
    Pdf,
    /// An electronic license (电子证照): an OFD with embedded license metadata.
    License,
    /// A license's 2D-code payload on its own (`DZZZ:…` text or its URL form).
    LicensePayload,
}

impl DocumentFormat {
    /// Lower-case name as used in the JSON report and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ofd => "ofd",
            Self::Seal => "seal",
            Self::SesSignature => "ses_signature",
            Self::Pdf => "pdf",
            Self::License => "license",
            Self::LicensePayload => "license_payload",
        }
    }
}

/// One signature of a document and its report.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SignatureEntry {
    id: Option<String>,
    location: Option<String>,
    report: Report,
    coverage: Option<SignatureCoverage>,
    summary: Option<String>,
}

impl SignatureEntry {
    /// An entry for a signature found at `location` with identifier `id`.
    pub fn new(id: Option<String>, location: Option<String>, report: Report) -> Self {
        Self {
            id,
            location,
            report,
            coverage: None,
            summary: None,
        }
    }

    /// The entry with its coverage and one-line summary.
    #[must_use]
    pub fn with_coverage(mut self, coverage: SignatureCoverage, summary: String) -> Self {
        self.coverage = Some(coverage);
        self.summary = Some(summary);
        self
    }

    /// The signature's identifier in the document (OFD `Signature/@ID`), if it has one.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// Where the signature lives in the document (OFD: the Signature.xml path), if anywhere.
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// The signature's own report: SES or digital-signature checks plus the document-level
    /// checks that concern it (reference digests, appearance, coverage).
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// What the signature protects, what it does not and what changed after it (OFD), when
    /// its description could be read.
    pub fn coverage(&self) -> Option<&SignatureCoverage> {
        self.coverage.as_ref()
    }

    /// One line for a person: the verdict and what is changed or unprotected, e.g.
    /// "signature valid; OFD.xml (document metadata) is not protected by any signature".
    pub fn summary(&self) -> Option<&str> {
        self.summary.as_deref()
    }
}

/// The result of verifying one file.
///
/// The status is the worst over the document's own checks and every signature's status
/// (`invalid` over `indeterminate` over `valid`). A document without any signature is
/// `indeterminate`: nothing in it is forged, but nothing vouches for it either.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use = "a report must be inspected: its status says whether the document is valid"]
pub struct DocumentReport {
    schema_version: u32,
    format: DocumentFormat,
    status: Status,
    validation_time: Option<Time>,
    checks: Vec<Check>,
    signatures: Vec<SignatureEntry>,
    warnings: Vec<Warning>,
}

impl DocumentReport {
    /// An empty report; its status is `indeterminate` until signatures or checks are added.
    pub fn new(format: DocumentFormat, validation_time: Option<Time>) -> Self {
        Self {
            schema_version: REPORT_SCHEMA_VERSION,
            format,
            status: Status::Indeterminate,
            validation_time,
            checks: Vec::new(),
            signatures: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// A report for a file that is a single seal or signature.
    pub fn single(format: DocumentFormat, report: Report) -> Self {
        let mut doc = Self::new(format, report.validation_time());
        doc.push_signature(SignatureEntry::new(None, None, report));
        doc
    }

    /// Re-labels the report (a license verified through its OFD verification).
    pub(crate) fn set_format(&mut self, format: DocumentFormat) {
        self.format = format;
    }

    /// Records a signature and updates the status.
    pub fn push_signature(&mut self, entry: SignatureEntry) {
        self.signatures.push(entry);
        self.status = self.derive_status();
    }

    /// Records a document-level check and updates the status.
    pub fn push_check(&mut self, check: Check) {
        self.checks.push(check);
        self.status = self.derive_status();
    }

    /// Records a warning.
    pub fn warn(&mut self, warning: Warning) {
        self.warnings.push(warning);
    }

    /// [`REPORT_SCHEMA_VERSION`] at the time the report was made.
    pub fn schema_version(&self) -> u32 {
        self.schema_version
    }

    /// What kind of file this is.
    pub fn format(&self) -> DocumentFormat {
        self.format
    }

    /// The overall verdict (see [`DocumentReport::derive_status`]).
    pub fn status(&self) -> Status {
        self.status
    }

    /// The validation time the time checks used.
    pub fn validation_time(&self) -> Option<Time> {
        self.validation_time
    }

    /// Checks about the document as a whole (e.g. files no signature covers).
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// Every signature, in document order.
    pub fn signatures(&self) -> &[SignatureEntry] {
        &self.signatures
    }

    /// Notes about the document as a whole.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The verdict: the worst of the document checks and the signatures; `indeterminate`
    /// when there is no signature at all.
    pub fn derive_status(&self) -> Status {
        let doc_checks = Report::derive_status(&self.checks);
        let doc_has_checks = self
            .checks
            .iter()
            .any(|c| c.status != CheckStatus::NotApplicable);
        if self.signatures.is_empty() {
            return if doc_checks == Status::Invalid {
                Status::Invalid
            } else {
                Status::Indeterminate
            };
        }
        let mut worst = if doc_has_checks {
            doc_checks
        } else {
            Status::Valid
        };
        for s in self.signatures.iter().map(|s| s.report.status()) {
            worst = match (worst, s) {
                (Status::Invalid, _) | (_, Status::Invalid) => Status::Invalid,
                (Status::Indeterminate, _) | (_, Status::Indeterminate) => Status::Indeterminate,
                _ => Status::Valid,
            };
        }
        worst
    }

    /// The check that best explains why the document is not valid, for a one-line summary
    /// (the CLI's, the C ABI's and the WebAssembly package's): a decisive failure first, then
    /// a counting failure, then a counting indeterminate check. Document checks come before
    /// each signature's. `None` when no counting check keeps it from being valid.
    #[must_use]
    pub fn first_problem(&self) -> Option<&Check> {
        let all = || {
            self.checks
                .iter()
                .chain(
                    self.signatures
                        .iter()
                        .flat_map(|s| s.report.checks().iter()),
                )
                .filter(|c| c.counts())
        };
        all()
            .find(|c| c.decisive)
            .or_else(|| all().find(|c| c.status == CheckStatus::Failed))
            .or_else(|| all().find(|c| c.status == CheckStatus::Indeterminate))
    }

    /// The report as JSON (schema in `docs/report-schema.md`).
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|_| format!("{{\"status\":\"{}\"}}", self.status.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::{CheckCategory, CheckId, ReportKind};

    fn report(status_check: Check) -> Report {
        let mut r = Report::new(ReportKind::Signature, None);
        r.push(status_check);
        r
    }

    #[test]
    fn worst_signature_wins() {
        let ok = report(Check::passed(
            CheckId::SignatureValue,
            CheckCategory::Cryptographic,
            "ok",
        ));
        let expired = report(Check::failed(
            CheckId::SignerValidity,
            CheckCategory::Time,
            "expired",
        ));
        let forged = report(Check::failed(
            CheckId::SignatureValue,
            CheckCategory::Cryptographic,
            "bad",
        ));
        let mut doc = DocumentReport::new(DocumentFormat::Ofd, None);
        doc.push_signature(SignatureEntry::new(Some("s1".into()), None, ok.clone()));
        assert_eq!(doc.status(), Status::Valid);
        doc.push_signature(SignatureEntry::new(Some("s2".into()), None, expired));
        assert_eq!(doc.status(), Status::Indeterminate);
        doc.push_signature(SignatureEntry::new(Some("s3".into()), None, forged));
        assert_eq!(doc.status(), Status::Invalid);
        let single = DocumentReport::single(DocumentFormat::Seal, ok);
        assert_eq!(single.status(), Status::Valid);
    }

    #[test]
    fn unsigned_document_is_indeterminate_and_document_failures_count() {
        let mut doc = DocumentReport::new(DocumentFormat::Ofd, None);
        assert_eq!(doc.derive_status(), Status::Indeterminate);
        let ok = report(Check::passed(
            CheckId::SignatureValue,
            CheckCategory::Cryptographic,
            "ok",
        ));
        doc.push_signature(SignatureEntry::new(None, None, ok));
        doc.push_check(Check::failed(
            CheckId::DataHash,
            CheckCategory::Binding,
            "altered",
        ));
        assert_eq!(doc.status(), Status::Invalid);
    }
}
