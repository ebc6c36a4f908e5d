//! Verifying every signature of an OFD document into a [`DocumentReport`] (standards-notes
//! §5.8; the checks and verdicts are described in `docs/ofd.md`).
//!
//! Per signature: `ofd.signature_file`, `ofd.references`, `ofd.coverage`, `ofd.appearance`,
//! `ofd.signed_value`, `ofd.seal_file`, then the SES checks of
//! [`crate::ses::verify_parsed_signature`] with `dataHash` over the exact `Signature.xml` bytes
//! (`Type="Seal"`), or the SignedData checks (`Type="Sign"`, [`sign_checks`]). Per document:
//! `document.structure`, `document.signatures`, `document.coverage`.

mod sign_checks;

use std::collections::BTreeSet;

use super::check::{ReferenceStatus, SignatureCheck, VerifyWork};
use super::signatures::{SignatureFile, SignatureList, SignatureType};
use super::{DocBody, Limits, OfdError, OfdPackage};
use crate::pki::Certificate;
use crate::ses::{self, DataRef, ParseMode};
use crate::verify::{
    Check, CheckCategory, CheckId, DocumentFormat, DocumentReport, Report, ReportKind,
    SignatureEntry, Warning,
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
    let pkg = OfdPackage::from_bytes(package, &options.limits)?;
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
    let mut covered = BTreeSet::new();
    let mut infrastructure = BTreeSet::new();
    let mut signature_count = 0usize;
    // Shared by every signature of every body: each file is hashed once.
    let mut work = VerifyWork::default();
    for body in &info.bodies {
        verify_body(
            &pkg,
            body,
            options,
            &mut doc,
            &mut BodyState {
                problems: &mut structure_problems,
                covered: &mut covered,
                infrastructure: &mut infrastructure,
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
        let uncovered: Vec<&str> = pkg
            .file_names()
            .filter(|f| !covered.contains(*f) && !infrastructure.contains(*f))
            .collect();
        doc.push_check(if uncovered.is_empty() {
            Check::passed(
                CheckId::DocumentCoverage,
                CheckCategory::Binding,
                "every content file is protected by at least one signature",
            )
        } else {
            Check::failed(
                CheckId::DocumentCoverage,
                CheckCategory::Binding,
                format!(
                    "{} file(s) are protected by no signature (added or changed after signing, or \
                     left out): {}",
                    uncovered.len(),
                    list_names(&uncovered)
                ),
            )
        });
    }
    Ok(doc)
}

/// Accumulators across the `DocBody`s.
struct BodyState<'s> {
    problems: &'s mut Vec<String>,
    covered: &'s mut BTreeSet<String>,
    infrastructure: &'s mut BTreeSet<String>,
    count: &'s mut usize,
    work: &'s mut VerifyWork,
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
    pkg: &OfdPackage,
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
        Ok(None) => return Ok(()),
        Err(e) => {
            state.problems.push(format!(
                "the signature list {}: {e}",
                body.signatures.as_deref().unwrap_or("?")
            ));
            // The file is still signature infrastructure, not content.
            if let Some(p) = &body.signatures {
                state.infrastructure.insert(p.clone());
            }
            return Ok(());
        }
    };
    state.infrastructure.insert(list.path.clone());
    let files = pkg.load_signatures(&list, state.work)?;
    // The files each signature brings (its own description, value and seal copy).
    let mut own_files = BTreeSet::new();
    for (entry, file) in list.entries.iter().zip(&files) {
        own_files.insert(entry.path.clone());
        if let Ok(f) = file {
            own_files.insert(f.signed_value_path.clone());
            if let Some(s) = &f.seal_path {
                own_files.insert(s.clone());
            }
        }
    }
    state.infrastructure.extend(own_files.iter().cloned());
    for (entry, file) in list.entries.iter().zip(files) {
        *state.count += 1;
        let report = match file {
            Err(e) => {
                let mut r = Report::new(ReportKind::Signature, options.ses.validation_time);
                r.push(Check::failed(
                    CheckId::OfdSignatureFile,
                    CheckCategory::Format,
                    format!("the signature description cannot be read: {e}"),
                ));
                r
            }
            Ok(sig) => {
                let check = pkg.check_signature_with(&list, &sig, document.as_ref(), state.work);
                state
                    .covered
                    .extend(check.references.iter().filter_map(|r| r.path.clone()));
                verify_signature(pkg, &list, &sig, &check, &own_files, options)
            }
        };
        doc.push_signature(SignatureEntry::new(
            Some(entry.id.clone()),
            Some(entry.path.clone()),
            report,
        ));
    }
    Ok(())
}

/// The report of one signature whose `Signature.xml` was read.
fn verify_signature(
    pkg: &OfdPackage,
    list: &SignatureList,
    sig: &SignatureFile,
    check: &SignatureCheck,
    signature_files: &BTreeSet<String>,
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
    ofd_checks.push(coverage_check(list, check, signature_files));
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
    ofd_checks.append(&mut report.checks);
    report.checks = ofd_checks;
    report.warnings.extend(warnings);
    report.status = Report::derive_status(&report.checks);
    report
}

/// `ofd.signed_value` and `ofd.seal_file` for `Type="Seal"`, then the SES report.
fn seal_signature(
    sig: &SignatureFile,
    value: &[u8],
    options: &OfdVerifyOptions<'_>,
    ofd_checks: &mut Vec<Check>,
    warnings: &mut Vec<Warning>,
    pkg: &OfdPackage,
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

/// Files present now that this signature does not protect, apart from signature files
/// (this signature's, earlier and later ones') and `Signatures.xml` in continue-sign mode.
fn coverage_check(
    list: &SignatureList,
    check: &SignatureCheck,
    signature_files: &BTreeSet<String>,
) -> Check {
    let id = CheckId::OfdCoverage;
    let cat = CheckCategory::Binding;
    let extra: Vec<&String> = check
        .not_covered
        .iter()
        .filter(|f| !signature_files.contains(*f) && **f != list.path)
        .collect();
    if extra.is_empty() {
        let mode = if check.protects_signatures_xml {
            "whole-document protection: Signatures.xml is protected too"
        } else {
            "continue-sign mode: Signatures.xml is not protected"
        };
        Check::passed(
            id,
            cat,
            format!("every content file of the package is protected by this signature ({mode})"),
        )
    } else {
        Check::failed(
            id,
            cat,
            format!(
                "{} file(s) are not protected by this signature (added after signing, or left \
                 out when it was made): {}",
                extra.len(),
                list_names(&extra)
            ),
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
