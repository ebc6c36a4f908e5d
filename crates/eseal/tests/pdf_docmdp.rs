//! DocMDP certification signatures: eseal writes them (`/Reference` with the DocMDP transform,
//! `/Perms /DocMDP` in the catalog), refuses a signature after a `/P 1` certification, and the
//! verifier holds the changes of later incremental updates against the permissions
//! (`pdf.docmdp`): forbidden changes fail, permitted ones (signatures under `/P 2`, annotations
//! under `/P 3`, DSS data always) pass.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;
#[path = "ses_support/fixture.rs"]
mod fixture;
#[path = "support/pdfbox.rs"]
mod pdfbox;
#[path = "pdf_support/tools.rs"]
mod tools;

use eseal::pdf::{DocMdpPermission, PdfError, SignRequest, sign_document, verify_document};
use eseal::verify::{
    CheckId, CheckStatus, DocumentReport, Level, Status, ValidationPolicy, VerifyOptions,
};
use fixture::{Pki, opts_at, t};
use tools::{have, newest_object_body, pdfsig, qpdf_check, redefine, simple_pdf};

fn verify_with(pdf: &[u8], pki: &Pki, policy: Option<ValidationPolicy>) -> DocumentReport {
    let store = pki.store();
    let mut opts: VerifyOptions<'_> = opts_at(&store, t(40));
    if let Some(p) = policy {
        opts = opts.validation_policy(p);
    }
    verify_document(pdf, &opts).unwrap()
}

fn verify(pdf: &[u8], pki: &Pki) -> DocumentReport {
    verify_with(pdf, pki, None)
}

fn docmdp(report: &DocumentReport, sig: usize) -> Option<CheckStatus> {
    report.signatures()[sig]
        .report()
        .checks()
        .iter()
        .find(|c| c.id() == CheckId::PdfDocMdp)
        .map(|c| c.status())
}

fn certified(pki: &Pki, permission: DocMdpPermission) -> Vec<u8> {
    sign_document(
        &simple_pdf(2),
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30)).certify(permission),
    )
    .unwrap()
}

fn approval(pdf: &[u8], pki: &Pki) -> Result<Vec<u8>, PdfError> {
    sign_document(
        pdf,
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(31)),
    )
}

/// A later update that puts a text annotation on page 1 (object 5).
fn annotate(pdf: &[u8]) -> Vec<u8> {
    redefine(
        pdf,
        5,
        "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R >> >> /Contents 6 0 R \
         /Annots [<< /Type /Annot /Subtype /Text /Rect [100 100 120 120] /Contents (note) >>] >>",
    )
}

#[test]
fn a_no_changes_certification_is_written_verified_and_locks_the_document() {
    let pki = Pki::new();
    let pdf = certified(&pki, DocMdpPermission::NoChanges);
    let update = String::from_utf8_lossy(&pdf[simple_pdf(2).len()..]).into_owned();
    assert!(update.contains("/TransformMethod /DocMDP"), "{update}");
    assert!(update.contains("/P 1"), "{update}");
    assert!(update.contains("/Perms"), "{update}");
    let report = verify(&pdf, &pki);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(docmdp(&report, 0), Some(CheckStatus::Passed));
    let dir = tempfile::tempdir().unwrap();
    if have("qpdf") {
        qpdf_check(dir.path(), "certified.pdf", &pdf);
    }
    if have("pdfsig") {
        let out = pdfsig(dir.path(), "certified.pdf", &pdf);
        assert!(out.contains("Total document signed"), "{out}");
    }
    // eseal refuses to sign it again.
    let err = approval(&pdf, &pki).unwrap_err();
    assert!(matches!(err, PdfError::Certified { .. }), "{err}");
    assert_eq!(err.code(), eseal::ErrorCode::InvalidArgument);
    assert!(err.to_string().contains("/P 1"), "{err}");

    // Any later change is forbidden: a new /Info, an annotation — while the same change on an
    // approval signature passes (with a warning).
    for (what, changed) in [
        (
            "info",
            redefine(&pdf, 4, "<< /Producer (forger) /Title (changed) >>"),
        ),
        ("annotation", annotate(&pdf)),
    ] {
        let report = verify(&changed, &pki);
        assert_eq!(docmdp(&report, 0), Some(CheckStatus::Failed), "{what}");
        assert_eq!(
            report.status(),
            Status::Invalid,
            "{what}: {}",
            report.to_json()
        );
    }
    let plain = approval(&simple_pdf(2), &pki).unwrap();
    let report = verify(&redefine(&plain, 4, "<< /Producer (x) >>"), &pki);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(
        docmdp(&report, 0),
        None,
        "an approval signature has no pdf.docmdp"
    );

    // The policy names the level: at warn the forbidden change is a warning.
    let lenient =
        ValidationPolicy::default_policy().with_check_level(CheckId::PdfDocMdp, Level::Warn);
    let report = verify_with(
        &redefine(&pdf, 4, "<< /Producer (forger) >>"),
        &pki,
        Some(lenient),
    );
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
}

#[test]
fn dss_data_is_allowed_after_any_certification() {
    let pki = Pki::new();
    let pdf = certified(&pki, DocMdpPermission::NoChanges);
    // The newest catalog (object 1, rewritten by the signer with /AcroForm and /Perms) gains
    // a /DSS and nothing else.
    let mut body = newest_object_body(&pdf, 1);
    body.truncate(body.rfind(">>").unwrap());
    body.push_str(" /DSS << /Certs [] /CRLs [] >> >>");
    let with_dss = redefine(&pdf, 1, &body);
    let report = verify(&with_dss, &pki);
    assert_eq!(
        docmdp(&report, 0),
        Some(CheckStatus::Passed),
        "{}",
        report.to_json()
    );
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
}

#[test]
fn form_filling_and_signing_certification_allows_signatures_not_annotations() {
    let pki = Pki::new();
    let pdf = certified(&pki, DocMdpPermission::FormFillingAndSigning);
    assert!(String::from_utf8_lossy(&pdf).contains("/P 2"));
    let two = approval(&pdf, &pki).unwrap();
    let report = verify(&two, &pki);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(docmdp(&report, 0), Some(CheckStatus::Passed));
    assert_eq!(docmdp(&report, 1), None);
    let report = verify(&annotate(&two), &pki);
    assert_eq!(
        docmdp(&report, 0),
        Some(CheckStatus::Failed),
        "{}",
        report.to_json()
    );
    assert_eq!(report.signatures()[0].report().status(), Status::Invalid);
}

#[test]
fn annotation_certification_allows_annotations() {
    let pki = Pki::new();
    let pdf = certified(&pki, DocMdpPermission::AnnotationsFormsAndSigning);
    let report = verify(&annotate(&pdf), &pki);
    assert_eq!(
        docmdp(&report, 0),
        Some(CheckStatus::Passed),
        "{}",
        report.to_json()
    );
    // The annotation is still shown on the page unsigned: partial coverage, as for any
    // signature.
    assert_eq!(
        report.status(),
        Status::Indeterminate,
        "{}",
        report.to_json()
    );
    // Page content is not an annotation: forbidden.
    let content = redefine(&pdf, 6, "<< /Length 0 >>\nstream\n\nendstream");
    let report = verify(&content, &pki);
    assert_eq!(
        docmdp(&report, 0),
        Some(CheckStatus::Failed),
        "{}",
        report.to_json()
    );
}

#[test]
fn only_the_first_signature_may_certify() {
    let pki = Pki::new();
    let signed = approval(&simple_pdf(1), &pki).unwrap();
    let err = sign_document(
        &signed,
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(32))
            .certify(DocMdpPermission::FormFillingAndSigning),
    )
    .unwrap_err();
    assert!(matches!(err, PdfError::ApiMisuse { .. }), "{err}");
    assert!(err.to_string().contains("first signature"), "{err}");
}

#[test]
fn pdfbox_reads_the_certification_and_verifies_the_signatures() {
    // The independent reader: PDFBox finds eseal's /Perms /DocMDP and the /P written, and the
    // certification and a later approval signature verify in it.
    if !pdfbox::available() {
        return;
    }
    let pki = Pki::new();
    let dir = cross::temp_dir();
    let one = certified(&pki, DocMdpPermission::NoChanges);
    let two = approval(
        &certified(&pki, DocMdpPermission::FormFillingAndSigning),
        &pki,
    )
    .unwrap();
    let plain = approval(&simple_pdf(1), &pki).unwrap();
    for (name, pdf, p, signatures) in [
        ("p1", &one, Some(1), 1),
        ("p2-cosigned", &two, Some(2), 2),
        ("approval", &plain, None, 1),
    ] {
        let path = dir.path().join(format!("{name}.pdf"));
        std::fs::write(&path, pdf).unwrap();
        let outcome = pdfbox::pdfbox_verify(&path, None);
        assert!(outcome.ok, "{name}: {outcome}");
        assert_eq!(outcome.docmdp, p, "{name}: {outcome}");
        assert_eq!(outcome.signatures.len(), signatures, "{name}: {outcome}");
    }
}
