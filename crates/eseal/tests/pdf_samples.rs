//! eseal signs and verifies PDFs it did not make: LibreOffice Writer output, a linearized file
//! and one with an xref stream and object streams (both by qpdf), and a file already signed
//! and updated. Each signed file must pass `qpdf --check` and poppler's `pdfsig` must say the
//! signature covers the total document. Skipped (with a note) where a tool is not installed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "ses_support/fixture.rs"]
mod fixture;
#[path = "pdf_support/tools.rs"]
mod tools;

use std::process::Command;

use eseal::pdf::{PageSelector, PdfDocument, SignRequest, Stamp, sign_document, verify_document};
use eseal::ses::SesVersion;
use eseal::verify::{DocumentReport, Status};
use fixture::{Pki, make_seal, opts_at, t};
use tools::{have, pdfsig, qpdf, qpdf_check, simple_pdf};

fn sign_both_ways_and_check(name: &str, input: &[u8]) {
    let pki = Pki::new();
    let store = pki.store();
    let seal = make_seal(&pki, SesVersion::V4);
    let dir = tempfile::tempdir().unwrap();
    let pages = PdfDocument::parse(input, &Default::default())
        .unwrap()
        .page_count()
        .unwrap();
    assert!(pages >= 1, "{name}: no pages");
    let cms = sign_document(
        input,
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30))
            .stamp(Stamp::on_page(PageSelector::Index(pages - 1), 30.0, 40.0).size(30.0, 15.0)),
    )
    .unwrap_or_else(|e| panic!("{name}: CMS signing failed: {e}"));
    let both =
        sign_document(
            &cms,
            &SignRequest::seal(&seal, &pki.signer.cert, &pki.signer.key, t(31))
                .stamp(Stamp::on_page(PageSelector::Index(0), 100.0, 150.0)),
        )
        .unwrap_or_else(|e| panic!("{name}: seal signing failed: {e}"));
    for (what, pdf, count) in [("cms", &cms, 1), ("both", &both, 2)] {
        let report: DocumentReport = verify_document(pdf, &opts_at(&store, t(40))).unwrap();
        assert_eq!(
            report.status(),
            Status::Valid,
            "{name} {what}: {}",
            report.to_json()
        );
        assert_eq!(report.signatures().len(), count);
        qpdf_check(dir.path(), &format!("{name}-{what}.pdf"), pdf);
        if have("pdfsig") {
            let out = pdfsig(dir.path(), &format!("{name}-{what}.pdf"), pdf);
            assert!(
                out.contains(&format!("Signature #{count}")),
                "{name}: {out}"
            );
            assert!(out.contains("Total document signed"), "{name}: {out}");
        }
    }
}

#[test]
fn linearized_pdf() {
    if !have("qpdf") {
        eprintln!("qpdf not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let lin = qpdf(dir.path(), &simple_pdf(3), &["--linearize"], "linearized");
    assert!(String::from_utf8_lossy(&lin[..1024]).contains("/Linearized"));
    sign_both_ways_and_check("linearized", &lin);
}

#[test]
fn xref_stream_and_object_streams() {
    if !have("qpdf") {
        eprintln!("qpdf not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let objstm = qpdf(
        dir.path(),
        &simple_pdf(2),
        &["--object-streams=generate"],
        "objstm",
    );
    let text = String::from_utf8_lossy(&objstm);
    assert!(
        text.contains("/ObjStm") && text.contains("/XRef"),
        "qpdf made no object streams"
    );
    sign_both_ways_and_check("objstm", &objstm);
    // The update of a file with xref streams is an xref stream too.
    let pki = Pki::new();
    let signed = sign_document(
        &objstm,
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30)),
    )
    .unwrap();
    let tail = String::from_utf8_lossy(&signed[objstm.len()..]).into_owned();
    assert!(
        tail.contains("/Type /XRef") && !tail.contains("\nxref\n"),
        "{tail}"
    );
}

#[test]
fn libreoffice_writer_pdf() {
    if !have("soffice") {
        eprintln!("LibreOffice not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("letter.txt");
    std::fs::write(
        &txt,
        "关于电子印章的通知\nA letter converted by LibreOffice.\n",
    )
    .unwrap();
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}/lo",
            dir.path().display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&txt)
        .output()
        .unwrap();
    let pdf = std::fs::read(dir.path().join("letter.pdf")).unwrap_or_else(|e| {
        panic!(
            "LibreOffice made no PDF ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert!(pdf.starts_with(b"%PDF-") && !String::from_utf8_lossy(&pdf).contains("eseal"));
    sign_both_ways_and_check("libreoffice", &pdf);
}

#[test]
fn rewritten_by_qpdf_after_signing_is_detected() {
    // qpdf rewrites the whole file: the signature's ByteRange no longer matches.
    if !have("qpdf") {
        eprintln!("qpdf not installed: skipped");
        return;
    }
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let signed = sign_document(
        &simple_pdf(1),
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30)),
    )
    .unwrap();
    let rewritten = qpdf(
        dir.path(),
        &signed,
        &["--object-streams=generate"],
        "rewritten",
    );
    let report = verify_document(&rewritten, &opts_at(&pki.store(), t(40))).unwrap();
    assert_eq!(report.status(), Status::Invalid, "{}", report.to_json());
}
