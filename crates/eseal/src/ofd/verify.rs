//! Verifying every signature of an OFD document into a [`DocumentReport`] (standards-notes
//! §5.8; the checks and verdicts are described in `docs/ofd.md`).
//!
//! Per signature: `ofd.signature_file`, `ofd.references`, `ofd.coverage`, `ofd.appearance`,
//! `ofd.signed_value`, `ofd.seal_file`, then the SES checks of
//! [`crate::ses::verify_parsed_signature`] with `dataHash` over the exact `Signature.xml` bytes
//! (`Type="Seal"`), or the SignedData checks (`Type="Sign"`, [`sign_checks`]). Per document:
//! `document.structure`, `document.signatures`, `document.coverage`.

mod sign_checks;

use super::check::{ReferenceStatus, SignatureCheck, VerifyWork};
use super::modification::{self, Analysis};
use super::signatures::{SignatureFile, SignatureType};
use super::{DocBody, Limits, OfdError, OfdPackage};
use crate::pki::{Certificate, VerifiedCache};
use crate::ses::{self, DataRef, ParseMode};
use crate::verify::{
    Check, CheckCategory, CheckId, DocumentFormat, DocumentReport, FileRole, Report, ReportKind,
    SignatureEntry, Status, Warning,
};

/// How to verify an OFD document: the SES / PKI options (anchors, intermediates, CRLs,
/// policy, parse mode, validation time), the package [`Limits`], and signer certificates for
/// digital signatures that carry none.
///
/// The `data` of the SES options is ignored: each seal signature is checked against its own
/// `Signature.xml`.
#[derive(Debug, Clone, Default)]
pub struct OfdVerifyOptions<'a> {
    pub(crate) ses: ses::VerifyOptions<'a>,
    pub(crate) limits: Limits,
    pub(crate) signer_certificates: &'a [Certificate],
}

impl<'a> OfdVerifyOptions<'a> {
    /// Verify with these SES / PKI options and default limits.
    #[must_use]
    pub fn new(ses: ses::VerifyOptions<'a>) -> Self {
        OfdVerifyOptions {
            ses,
            limits: Limits::default(),
            signer_certificates: &[],
        }
    }

    /// Bounds for reading the package (default [`Limits::default`]).
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Certificates to try for `Type="Sign"` signatures that embed none (a bare SM2 signature,
    /// or a SignedData without certificates). Without them such signatures are
    /// `indeterminate`.
    #[must_use]
    pub fn signer_certificates(mut self, certificates: &'a [Certificate]) -> Self {
        self.signer_certificates = certificates;
        self
    }
}

/// Verifies every signature of an OFD package.
///
/// Returns a report with one [`SignatureEntry`] per `Signatures.xml` entry (id =
/// `Signature/@ID`, location = the `Signature.xml` path) and the document-level checks; its
/// status is the worst of them (an unsigned document is `indeterminate`).
///
/// # Errors
///
/// Only when the bytes are not a readable OFD at all: not a ZIP within the limits (the
/// reader's [`OfdError`]s), no `OFD.xml`, or an `OFD.xml` that is not well-formed or has no
/// `DocBody`/`DocRoot`; or when the signatures exceed a work budget of [`Limits`]
/// (`max_total_references`, `max_coverage_pairs`). Everything after that — a `DocRoot`, `Signatures` or `BaseLoc` that
/// points outside the package, a missing or malformed `Document.xml`, `Signatures.xml` or
/// `Signature.xml` — is a failed check in the report.
pub fn verify_document(
    package: &[u8],
    options: &OfdVerifyOptions<'_>,
) -> Result<DocumentReport, OfdError> {
    // Borrowed, not copied: with large entries hashed by streaming, verification needs little
    // memory beyond the package itself.
    let pkg = OfdPackage::from_slice(package, &options.limits)?;
    verify_package(&pkg, options)
}

/// [`verify_document`] of a package already opened (the license verifier reads the same
/// package for its own checks: it is opened, and its entries inflated, once).
pub(crate) fn verify_package(
    pkg: &OfdPackage<'_>,
    options: &OfdVerifyOptions<'_>,
) -> Result<DocumentReport, OfdError> {
    // One cache for every signature of the document (they share CAs, often the seal), unless
    // the caller shares one wider.
    if options.ses.cache.is_some() {
        return document_report(pkg, options);
    }
    let local = VerifiedCache::new();
    let mut with_cache = options.clone();
    with_cache.ses.cache = Some(&local);
    document_report(pkg, &with_cache)
}

fn document_report(
    pkg: &OfdPackage<'_>,
    options: &OfdVerifyOptions<'_>,
) -> Result<DocumentReport, OfdError> {
    let mut doc = DocumentReport::new(DocumentFormat::Ofd, options.ses.validation_time);
    let info = match pkg.ofd() {
        Ok(info) => info,
        Err(e @ OfdError::InvalidLocation { .. }) => {
            doc.push_check(Check::failed(
                CheckId::DocumentStructure,
                CheckCategory::Format,
                format!("OFD.xml cannot be followed: {e}"),
            ));
            return Ok(doc);
        }
        Err(e) => return Err(e),
    };
    let mut structure_problems = Vec::new();
    let mut unprotected = Vec::new();
    let mut signature_count = 0usize;
    // Shared by every signature of every body: each file is hashed once.
    let mut work = VerifyWork::default();
    for body in &info.bodies {
        verify_body(
            pkg,
            body,
            options,
            &mut doc,
            &mut BodyState {
                problems: &mut structure_problems,
                unprotected: &mut unprotected,
                count: &mut signature_count,
                work: &mut work,
            },
        )?;
    }

    doc.push_check(if structure_problems.is_empty() {
        Check::passed(
            CheckId::DocumentStructure,
            CheckCategory::Format,
            "OFD.xml, Document.xml and Signatures.xml were read",
        )
    } else {
        Check::failed(
            CheckId::DocumentStructure,
            CheckCategory::Format,
            structure_problems.join("; "),
        )
    });
    doc.push_check(if signature_count == 0 {
        Check::indeterminate(
            CheckId::DocumentSignatures,
            CheckCategory::Binding,
            "the document carries no signature: nothing vouches for it",
        )
    } else {
        Check::passed(
            CheckId::DocumentSignatures,
            CheckCategory::Binding,
            format!("the document carries {signature_count} signature(s)"),
        )
    });
    if signature_count == 0 {
        doc.push_check(Check::not_applicable(
            CheckId::DocumentCoverage,
            CheckCategory::Binding,
            "no signature: coverage does not apply",
        ));
    } else {
        let unprotected = modification::merge_unprotected(&unprotected);
        doc.push_check(modification::document_coverage_check(
            &unprotected,
            strict(options),
        ));
    }
    Ok(doc)
}

/// Accumulators across the `DocBody`s.
struct BodyState<'s> {
    problems: &'s mut Vec<String>,
    /// Per document, the files no signature of it protects.
    unprotected: &'s mut Vec<Vec<(String, FileRole)>>,
    count: &'s mut usize,
    work: &'s mut VerifyWork,
}

/// Whether the strict policy applies (for now: the SES parse mode; unprotected visible content
/// then fails instead of being indeterminate).
fn strict(options: &OfdVerifyOptions<'_>) -> bool {
    options.ses.mode == ParseMode::Strict || options.ses.validation.unprotected_content_fails()
}

/// At most 20 names, then a count.
fn list_names<S: AsRef<str>>(names: &[S]) -> String {
    let mut out: Vec<&str> = names.iter().take(20).map(AsRef::as_ref).collect();
    let rest = names.len().saturating_sub(20);
    let more = format!("and {rest} more");
    if rest > 0 {
        out.push(&more);
    }
    out.join(", ")
}

fn verify_body(
    pkg: &OfdPackage<'_>,
    body: &DocBody,
    options: &OfdVerifyOptions<'_>,
    doc: &mut DocumentReport,
    state: &mut BodyState<'_>,
) -> Result<(), OfdError> {
    let document = match pkg.document(body) {
        Ok(d) => Some(d),
        Err(e) => {
            state.problems.push(format!("{}: {e}", body.doc_root));
            None
        }
    };
    let list = match pkg.signature_list(body) {
        Ok(Some(list)) => list,
        Ok(None) => {
            let analysis = Analysis::new(pkg, None, document.as_ref(), Vec::new(), &[]);
            state.unprotected.push(analysis.unprotected_by_any());
            return Ok(());
        }
        Err(e) => {
            state.problems.push(format!(
                "the signature list {}: {e}",
                body.signatures.as_deref().unwrap_or("?")
            ));
            // The list cannot be read: what it would protect is unknown, and the file is
            // signature infrastructure, not content; this document adds nothing to coverage.
            return Ok(());
        }
    };
    let files = pkg.load_signatures(&list, state.work)?;
    let checked: Vec<Result<(SignatureFile, SignatureCheck), OfdError>> = files
        .into_iter()
        .map(|file| {
            file.map(|sig| {
                let check = pkg.check_signature_with(&list, &sig, document.as_ref(), state.work);
                (sig, check)
            })
        })
        .collect();
    // Everything but coverage first: a signature already invalid vouches for nothing.
    let reports: Vec<Report> = checked
        .iter()
        .map(|c| match c {
            Ok((sig, check)) => verify_signature(pkg, sig, check, options),
            Err(e) => unreadable(e, options),
        })
        .collect();
    let counted: Vec<bool> = reports
        .iter()
        .zip(&checked)
        .map(|(r, c)| c.is_ok() && r.status() != Status::Invalid)
        .collect();
    let items = list
        .entries
        .iter()
        .zip(&checked)
        .map(|(e, c)| (e.id.clone(), c.as_ref().ok().map(|(f, c)| (f, c))))
        .collect();
    let analysis = Analysis::new(pkg, Some(&list), document.as_ref(), items, &counted);
    for (i, (entry, mut report)) in list.entries.iter().zip(reports).enumerate() {
        *state.count += 1;
        let mut covered = None;
        if let Some(mut coverage) = analysis.signature(i) {
            let (check, warnings) =
                modification::coverage_check(&analysis, i, &coverage, strict(options));
            // After ofd.signature_file and ofd.references, as before.
            report.insert_check(2, check);
            for warning in warnings {
                report.warn(warning);
            }
            report.apply_policy(&options.ses.validation);
            let summary = modification::summary(&report, &coverage);
            modification::truncate(&mut coverage);
            covered = Some((coverage, summary));
        }
        report.apply_policy(&options.ses.validation);
        let mut signature_entry =
            SignatureEntry::new(Some(entry.id.clone()), Some(entry.path.clone()), report);
        if let Some((coverage, summary)) = covered {
            signature_entry = signature_entry.with_coverage(coverage, summary);
        }
        doc.push_signature(signature_entry);
    }
    state.unprotected.push(analysis.unprotected_by_any());
    Ok(())
}

/// The report of a signature whose `Signature.xml` cannot be read.
fn unreadable(e: &OfdError, options: &OfdVerifyOptions<'_>) -> Report {
    let mut r = Report::new(ReportKind::Signature, options.ses.validation_time);
    r.push(Check::failed(
        CheckId::OfdSignatureFile,
        CheckCategory::Format,
        format!("the signature description cannot be read: {e}"),
    ));
    r
}

/// The report of one signature whose `Signature.xml` was read.
fn verify_signature(
    pkg: &OfdPackage<'_>,
    sig: &SignatureFile,
    check: &SignatureCheck,
    options: &OfdVerifyOptions<'_>,
) -> Report {
    let mut ofd_checks = vec![Check::passed(
        CheckId::OfdSignatureFile,
        CheckCategory::Format,
        format!(
            "{} was read ({} references)",
            sig.path,
            check.references.len()
        ),
    )];
    ofd_checks.push(references_check(check));
    // ofd.coverage is inserted after these, once every signature's protection is known.
    ofd_checks.push(appearance_check(check));
    let mut warnings = Vec::new();

    let value = pkg.get(&sig.signed_value_path);
    let mut report = match (sig.entry.kind, value) {
        (_, None) => {
            ofd_checks.push(Check::failed(
                CheckId::OfdSignedValue,
                CheckCategory::Format,
                format!(
                    "the signed value {} is not in the package",
                    sig.signed_value_path
                ),
            ));
            Report::new(ReportKind::Signature, options.ses.validation_time)
        }
        (SignatureType::Seal, Some(value)) => {
            seal_signature(sig, value, options, &mut ofd_checks, &mut warnings, pkg)
        }
        (SignatureType::Sign, Some(value)) => {
            ofd_checks.push(Check::not_applicable(
                CheckId::OfdSealFile,
                CheckCategory::Binding,
                "a digital signature (Type=\"Sign\") carries no seal",
            ));
            sign_checks::digital_signature(&sig.raw, value, options, &mut ofd_checks)
        }
    };
    report.prepend_checks(ofd_checks);
    for warning in warnings {
        report.warn(warning);
    }
    report.apply_policy(&options.ses.validation);
    report
}

/// `ofd.signed_value` and `ofd.seal_file` for `Type="Seal"`, then the SES report.
fn seal_signature(
    sig: &SignatureFile,
    value: &[u8],
    options: &OfdVerifyOptions<'_>,
    ofd_checks: &mut Vec<Check>,
    warnings: &mut Vec<Warning>,
    pkg: &OfdPackage<'_>,
) -> Report {
    let parsed = match ses::Signature::from_der(value, ParseMode::Lenient) {
        Ok(p) => p,
        Err(e) => {
            ofd_checks.push(Check::failed(
                CheckId::OfdSignedValue,
                CheckCategory::Format,
                format!(
                    "{} is not an SES_Signature although Type is Seal: {e}",
                    sig.signed_value_path
                ),
            ));
            return Report::new(ReportKind::Signature, options.ses.validation_time);
        }
    };
    ofd_checks.push(Check::passed(
        CheckId::OfdSignedValue,
        CheckCategory::Format,
        format!(
            "{} holds an SES_Signature ({})",
            sig.signed_value_path,
            parsed.version().standard()
        ),
    ));
    ofd_checks.push(match &sig.seal_path {
        None => Check::not_applicable(
            CheckId::OfdSealFile,
            CheckCategory::Binding,
            "Signature.xml names no Seal/BaseLoc",
        ),
        Some(path) => match pkg.get(path) {
            None => Check::failed(
                CheckId::OfdSealFile,
                CheckCategory::Binding,
                format!("the seal file {path} named by Seal/BaseLoc is not in the package"),
            ),
            Some(bytes) if bytes == parsed.seal().as_der() => Check::passed(
                CheckId::OfdSealFile,
                CheckCategory::Binding,
                format!("{path} is byte-identical to the seal in the signature"),
            ),
            Some(_) => Check::failed(
                CheckId::OfdSealFile,
                CheckCategory::Binding,
                format!("{path} differs from the seal embedded in the signature"),
            ),
        },
    });
    let property = parsed.property_info();
    if property.trim_start_matches('/') != sig.path {
        warnings.push(Warning::new(
            "ofd.property_info",
            format!(
                "propertyInfo is {:?}, not the path of this Signature.xml ({}); dataHash was still \
                 checked over this Signature.xml",
                property.chars().take(120).collect::<String>(),
                sig.path
            ),
        ));
    }
    let opts = options.ses.clone().data(DataRef::Bytes(&sig.raw));
    ses::verify_parsed_signature(&parsed, &opts)
}

fn references_check(check: &SignatureCheck) -> Check {
    let id = CheckId::OfdReferences;
    let cat = CheckCategory::Cryptographic;
    if check.references.is_empty() {
        return Check::failed(
            id,
            cat,
            "the signature has no References: it protects nothing",
        );
    }
    let mut bad = Vec::new();
    let mut unsupported = Vec::new();
    for r in check.failures() {
        match &r.status {
            ReferenceStatus::Mismatch { .. } => bad.push(format!(
                "{} changed after signing (digest mismatch)",
                r.file_ref
            )),
            ReferenceStatus::MissingFile => {
                bad.push(format!("{} is missing from the package", r.file_ref));
            }
            ReferenceStatus::InvalidLocation { reason } => {
                bad.push(format!(
                    "{} is not a package location: {reason}",
                    r.file_ref
                ));
            }
            ReferenceStatus::UnsupportedMethod { method } => unsupported.push(format!(
                "{} uses CheckMethod {:?}",
                r.file_ref,
                method.as_deref().unwrap_or("(none)")
            )),
            _ => bad.push(format!("{}: {:?}", r.file_ref, r.status)),
        }
    }
    let total = check.references.len();
    if !bad.is_empty() {
        Check::failed(
            id,
            cat,
            format!(
                "{} of {total} references fail: {}",
                bad.len(),
                list_names(&bad)
            ),
        )
    } else if !unsupported.is_empty() {
        Check::indeterminate(
            id,
            cat,
            format!(
                "the digests were not checked: eseal computes SM3 only; {}",
                list_names(&unsupported)
            ),
        )
    } else {
        Check::passed(
            id,
            cat,
            format!("all {total} referenced files match their SM3 CheckValue"),
        )
    }
}

fn appearance_check(check: &SignatureCheck) -> Check {
    let id = CheckId::OfdAppearance;
    let cat = CheckCategory::Binding;
    if check.stamp_annots.is_empty() {
        return Check::not_applicable(id, cat, "the signature has no StampAnnot (no appearance)");
    }
    let mut bad = Vec::new();
    let mut unknown = Vec::new();
    for a in &check.stamp_annots {
        if !a.page_found {
            bad.push(format!(
                "StampAnnot {} names page {} which the document does not have",
                a.id, a.page_ref
            ));
        } else {
            match a.visible_part_within_page {
                Some(true) => {}
                Some(false) => bad.push(format!(
                    "the visible part of StampAnnot {} lies (partly) off page {}",
                    a.id, a.page_ref
                )),
                None => unknown.push(format!("page {} has no page box", a.page_ref)),
            }
        }
    }
    let n = check.stamp_annots.len();
    if !bad.is_empty() {
        Check::failed(id, cat, list_names(&bad))
    } else if !unknown.is_empty() {
        Check::indeterminate(id, cat, list_names(&unknown))
    } else {
        Check::passed(
            id,
            cat,
            format!("{n} StampAnnot(s) on existing pages, their visible parts on the page"),
        )
    }
}
