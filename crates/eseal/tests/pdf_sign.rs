//! Signing PDFs with eseal and verifying them: CMS (adbe.pkcs7.detached) and SES_Signature
//! formats, visible and invisible, timestamps, a second signature, tampering, encrypted input;
//! cross-checked with qpdf --check and poppler's pdfsig where installed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "ses_support/fixture.rs"]
mod fixture;
#[path = "pdf_support/png.rs"]
mod png;
#[path = "pdf_support/tools.rs"]
mod tools;

use eseal::pdf::{
    LocalTsaSource, PageSelector, PdfDocument, PdfError, SignRequest, Stamp, prepare,
    sign_document, verify_document,
};
use eseal::pki::TrustStore;
use eseal::ses::{PictureFormat, SealBuilder, SealPicture, SealType, SealValidity, SesVersion};
use eseal::verify::{CheckId, CheckStatus, DocumentReport, Status};
use fixture::{Pki, make_seal, opts_at, t};
use tools::{check_status as check, have, pdfsig, qpdf_check, redefine, render_page, simple_pdf};

fn verify(pdf: &[u8], store: &TrustStore) -> DocumentReport {
    verify_document(pdf, &opts_at(store, t(40))).unwrap()
}

fn assert_valid(report: &DocumentReport, what: &str) {
    assert_eq!(
        report.status(),
        Status::Valid,
        "{what}: {}",
        report.to_json()
    );
}

/// A 4×4 RGBA PNG: opaque red centre, transparent border.
fn rgba_png() -> Vec<u8> {
    png::rgba_png(4, 4, |x, y| {
        let inside = (1..3).contains(&x) && (1..3).contains(&y);
        [214, 0, 24, if inside { 255 } else { 0 }]
    })
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn cms_signature_is_valid_and_passes_qpdf_and_pdfsig() {
    let pki = Pki::new();
    let store = pki.store();
    let pdf = simple_pdf(2);
    let request = SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30))
        .stamp(Stamp::on_page(PageSelector::Index(1), 20.0, 30.0).size(40.0, 20.0));
    let signed = sign_document(&pdf, &request).unwrap();
    assert_eq!(
        &signed[..pdf.len()],
        pdf.as_slice(),
        "original bytes untouched"
    );
    let report = verify(&signed, &store);
    assert_valid(&report, "CMS");
    assert_eq!(
        check(&report, 0, CheckId::PdfByteRange),
        CheckStatus::Passed
    );
    assert_eq!(check(&report, 0, CheckId::PdfCoverage), CheckStatus::Passed);
    assert_eq!(report.signatures()[0].id(), Some("Signature1"));
    let dir = tmp();
    if have("qpdf") {
        qpdf_check(dir.path(), "cms.pdf", &signed);
    }
    if have("pdfsig") {
        let out = pdfsig(dir.path(), "cms.pdf", &signed);
        assert!(out.contains("Signature #1"), "{out}");
        assert!(out.contains("Total document signed"), "{out}");
    }
}

#[test]
fn seal_signature_with_rgba_picture_and_timestamp() {
    let pki = Pki::new();
    let store = pki.store();
    let picture = SealPicture::new(PictureFormat::Png, rgba_png(), 40, 40).unwrap();
    let mut builder = SealBuilder::new(
        "33010600000001",
        "eseal 测试专用章",
        SealType::Official,
        SealValidity::new(t(0), t(0), t(365)).unwrap(),
        picture,
    );
    builder
        .version(SesVersion::V4)
        .add_signer_certificate(&pki.signer.cert);
    let seal = builder.build(&pki.maker.key, &pki.maker.cert).unwrap();
    let tsa = pki.tsa(true);
    let source = LocalTsaSource::new(&tsa, t(30));
    let request = SignRequest::seal(&seal, &pki.signer.cert, &pki.signer.key, t(30))
        .stamp(Stamp::on_page(PageSelector::Index(0), 120.0, 200.0))
        .timestamp(&source);
    let signed = sign_document(&simple_pdf(1), &request).unwrap();
    if let Ok(out) = std::env::var("ESEAL_TEST_OUT") {
        // For a look at the rendering: ESEAL_TEST_OUT=/tmp/x, then pdftoppm -png.
        std::fs::write(
            std::path::Path::new(&out).join("pdf-seal-rgba.pdf"),
            &signed,
        )
        .unwrap();
    }
    let text = String::from_utf8_lossy(&signed);
    assert!(text.contains("/SMask"), "an RGBA picture gets a soft mask");
    assert!(text.contains("/SubFilter /GB.SES_Signature"));
    let report = verify(&signed, &store);
    assert_valid(&report, "SES");
    assert_eq!(check(&report, 0, CheckId::Timestamp), CheckStatus::Passed);
    assert_eq!(check(&report, 0, CheckId::DataHash), CheckStatus::Passed);
    let dir = tmp();
    if have("qpdf") {
        qpdf_check(dir.path(), "ses.pdf", &signed);
    }
    if have("pdfsig") {
        let out = pdfsig(dir.path(), "ses.pdf", &signed);
        assert!(out.contains("Signature #1"), "{out}");
        assert!(out.contains("Total document signed"), "{out}");
    }
    if have("pdftoppm") {
        // poppler draws the seal where it was stamped: the picture's opaque red centre is the
        // middle half of the 40 × 40 mm box whose top-left corner is (120, 200) mm.
        let (width, _, rgb) = render_page(dir.path(), &signed, 1, false);
        let red: Vec<(usize, usize)> = rgb
            .chunks_exact(3)
            .enumerate()
            .filter(|(_, p)| p[0] > 150 && p[1] < 80 && p[2] < 100)
            .map(|(i, _)| (i % width, i / width))
            .collect();
        assert!(!red.is_empty(), "no seal drawn on the page");
        let mm = |px: usize| px as f64 * 25.4 / 72.0;
        let (min_x, max_x) = (
            red.iter().map(|p| p.0).min().unwrap(),
            red.iter().map(|p| p.0).max().unwrap(),
        );
        let (min_y, max_y) = (
            red.iter().map(|p| p.1).min().unwrap(),
            red.iter().map(|p| p.1).max().unwrap(),
        );
        for (got, want) in [
            (mm(min_x), 130.0),
            (mm(max_x + 1), 150.0),
            (mm(min_y), 210.0),
            (mm(max_y + 1), 230.0),
        ] {
            assert!(
                (got - want).abs() < 1.5,
                "seal edge at {got:.1} mm, expected {want} mm"
            );
        }
    }
}

#[test]
fn second_signature_leaves_the_first_valid() {
    let pki = Pki::new();
    let store = pki.store();
    let seal = make_seal(&pki, SesVersion::V4);
    let first =
        sign_document(
            &simple_pdf(1),
            &SignRequest::seal(&seal, &pki.signer.cert, &pki.signer.key, t(30))
                .stamp(Stamp::on_page(PageSelector::Index(0), 20.0, 20.0)),
        )
        .unwrap();
    let second = sign_document(
        &first,
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(31)),
    )
    .unwrap();
    let report = verify(&second, &store);
    assert_valid(&report, "two signatures");
    assert_eq!(report.signatures().len(), 2);
    assert_eq!(report.signatures()[1].id(), Some("Signature2"));
    let cov = report.signatures()[0].coverage().unwrap();
    assert_eq!(cov.later_signatures, vec!["Signature2".to_owned()]);
    assert!(
        cov.unprotected
            .iter()
            .all(|f| f.role == eseal::verify::FileRole::SignatureInfrastructure),
        "{cov:?}"
    );
    assert_eq!(check(&report, 0, CheckId::PdfCoverage), CheckStatus::Passed);
    let dir = tmp();
    if have("qpdf") {
        qpdf_check(dir.path(), "two.pdf", &second);
    }
    if have("pdfsig") {
        let out = pdfsig(dir.path(), "two.pdf", &second);
        assert!(out.contains("Signature #2"), "{out}");
        // The first covers its revision only, the second the whole file.
        assert_eq!(out.matches("Total document signed").count(), 1, "{out}");
    }
}

#[test]
fn a_changed_byte_in_the_signed_range_is_invalid() {
    let pki = Pki::new();
    let store = pki.store();
    let signed = sign_document(
        &simple_pdf(1),
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30)),
    )
    .unwrap();
    let mut tampered = signed.clone();
    let at = tools_find(&tampered, b"(Page 1)") + 1;
    tampered[at] = b'X';
    let report = verify(&tampered, &store);
    assert_eq!(report.status(), Status::Invalid, "{}", report.to_json());
    assert_eq!(check(&report, 0, CheckId::DataHash), CheckStatus::Failed);
}

fn tools_find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).position(|w| w == needle).unwrap()
}

/// The hex of the DER value in the (single) signature's /Contents, and the hole's offsets.
fn contents_hole(pdf: &[u8]) -> (usize, usize) {
    let s = tools_find(pdf, b"/Contents <") + b"/Contents ".len();
    let e = s + pdf[s..].iter().position(|b| *b == b'>').unwrap() + 1;
    (s, e)
}

#[test]
fn contents_swapped_from_another_signature_is_invalid() {
    let pki = Pki::new();
    let store = pki.store();
    let pdf = simple_pdf(1);
    let a = sign_document(
        &pdf,
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30)),
    )
    .unwrap();
    let b = sign_document(
        &simple_pdf(2),
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30)),
    )
    .unwrap();
    let (as_, ae) = contents_hole(&a);
    let (bs, be) = contents_hole(&b);
    let value: Vec<u8> = b[bs + 1..be - 1].to_vec();
    let trimmed_len = value.iter().rposition(|c| *c != b'0').unwrap() + 1;
    let mut swapped = a.clone();
    assert!(trimmed_len <= ae - as_ - 2);
    for (i, slot) in swapped[as_ + 1..ae - 1].iter_mut().enumerate() {
        *slot = if i < trimmed_len { value[i] } else { b'0' };
    }
    assert_ne!(swapped, a);
    let report = verify(&swapped, &store);
    assert_eq!(report.status(), Status::Invalid, "{}", report.to_json());
    assert_eq!(check(&report, 0, CheckId::DataHash), CheckStatus::Failed);
}

const ADDED: &str = "BT /F1 24 Tf 72 700 Td (Added) Tj ET";

/// Appends an incremental update that adds a page to a `simple_pdf` document (object 2 is its
/// page tree).
fn append_page(pdf: &[u8], pages_before: usize) -> Vec<u8> {
    let doc = PdfDocument::parse(pdf, &eseal::pdf::Limits::default()).unwrap();
    let size = doc.trailer().get(b"Size").unwrap().as_int().unwrap() as usize;
    let prev = {
        let at = pdf.windows(9).rposition(|w| w == b"startxref").unwrap();
        let rest = std::str::from_utf8(&pdf[at + 9..]).unwrap();
        rest.split_whitespace().next().unwrap().to_owned()
    };
    let root = doc.trailer().get(b"Root").unwrap().as_objref().unwrap();
    let mut out = pdf.to_vec();
    let mut kids: Vec<String> = (0..pages_before)
        .map(|i| format!("{} 0 R", 5 + 2 * i))
        .collect();
    kids.push(format!("{size} 0 R"));
    let objects = [
        (
            2,
            format!(
                "<< /Type /Pages /Kids [{}] /Count {} /MediaBox [0 0 612 792] >>",
                kids.join(" "),
                pages_before + 1
            ),
        ),
        (
            size,
            format!(
                "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                size + 1
            ),
        ),
        (
            size + 1,
            format!("<< /Length {} >>\nstream\n{ADDED}\nendstream", ADDED.len()),
        ),
    ];
    let mut offsets = Vec::new();
    for (num, body) in &objects {
        offsets.push((*num, out.len()));
        out.extend_from_slice(format!("{num} 0 obj\n{body}\nendobj\n").as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n");
    out.extend_from_slice(format!("2 1\n{:010} 00000 n\r\n", offsets[0].1).as_bytes());
    out.extend_from_slice(
        format!(
            "{size} 2\n{:010} 00000 n\r\n{:010} 00000 n\r\n",
            offsets[1].1, offsets[2].1
        )
        .as_bytes(),
    );
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root {} 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n",
            size + 2,
            root.num
        )
        .as_bytes(),
    );
    out
}

#[test]
fn a_page_appended_later_leaves_the_signature_intact_with_partial_coverage() {
    let pki = Pki::new();
    let store = pki.store();
    let signed = sign_document(
        &simple_pdf(1),
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30)),
    )
    .unwrap();
    let updated = append_page(&signed, 1);
    assert_eq!(
        PdfDocument::parse(&updated, &Default::default())
            .unwrap()
            .page_count()
            .unwrap(),
        2
    );
    let report = verify(&updated, &store);
    assert_eq!(
        report.status(),
        Status::Indeterminate,
        "{}",
        report.to_json()
    );
    assert_eq!(
        check(&report, 0, CheckId::SignatureValue),
        CheckStatus::Passed
    );
    assert_eq!(check(&report, 0, CheckId::DataHash), CheckStatus::Passed);
    assert_eq!(
        check(&report, 0, CheckId::PdfByteRange),
        CheckStatus::Passed
    );
    assert_eq!(
        check(&report, 0, CheckId::PdfCoverage),
        CheckStatus::Indeterminate
    );
    let cov = report.signatures()[0].coverage().unwrap();
    assert!(
        cov.unprotected
            .iter()
            .any(|f| f.role == eseal::verify::FileRole::PageContent { page: 2 }),
        "{cov:?}"
    );
    // The strict policy fails it.
    let strict =
        opts_at(&store, t(40)).validation_policy(eseal::verify::ValidationPolicy::strict());
    let report = verify_document(&updated, &strict).unwrap();
    assert_eq!(check(&report, 0, CheckId::PdfCoverage), CheckStatus::Failed);
    if have("qpdf") {
        qpdf_check(tmp().path(), "appended.pdf", &updated);
    }
}

#[test]
fn encrypted_pdfs_are_refused() {
    if !have("qpdf") {
        eprintln!("qpdf not installed: skipped");
        return;
    }
    let pki = Pki::new();
    let dir = tmp();
    let enc = tools::qpdf(
        dir.path(),
        &simple_pdf(1),
        &["--encrypt", "user", "owner", "256", "--"],
        "encrypted",
    );
    let err = verify_document(&enc, &opts_at(&pki.store(), t(40))).unwrap_err();
    assert_eq!(err, PdfError::Encrypted);
    assert_eq!(err.code(), eseal::ErrorCode::Unsupported);
    let err = sign_document(
        &enc,
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30)),
    )
    .unwrap_err();
    assert_eq!(err, PdfError::Encrypted);
    let err = eseal::document::verify(&enc, &Default::default()).unwrap_err();
    assert!(err.to_string().contains("encrypted"), "{err}");
}

#[test]
fn prepared_signature_exposes_the_digest_and_refuses_oversized_values() {
    let pki = Pki::new();
    let store = pki.store();
    let request = SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30));
    let prepared = prepare(&simple_pdf(1), &request, 4096).unwrap();
    let [a, b, c, d] = prepared.byte_range();
    assert_eq!(a, 0);
    assert_eq!(c - b, 2 + 2 * 4096);
    let parts = prepared.signed_parts();
    assert_eq!(parts[1].len() as u64, d);
    assert!(prepared.clone().finish(&vec![0x30; 4097]).is_err());
    // An external signer: sign the digest with the CMS API, write it in.
    let options = eseal::pki::cms::SignOptions::new()
        .with_flavour(eseal::pki::cms::OidFlavour::GmT0010)
        .with_signing_time(t(30));
    let der = eseal::pki::cms::sign_digest(
        &prepared.sm3_digest(),
        &pki.signer.cert,
        &pki.signer.key,
        &options,
    )
    .unwrap();
    let signed = prepared.clone().finish(&der).unwrap();
    assert_valid(&verify(&signed, &store), "prepared + finish");

    // The key held elsewhere (an HSM): the CMS is prepared too, the device signs its message.
    let cms = eseal::pki::cms::prepare_digest(&prepared.sm3_digest(), &pki.signer.cert, &options)
        .unwrap();
    let value = eseal::pki::Signer::sign_sm2_sm3(&pki.signer.key, cms.message()).unwrap();
    let der2 = cms.finish(&value).unwrap();
    assert_eq!(der2, der, "the same SignedData as the one-step signer");
    let signed2 = prepared.finish(&der2).unwrap();
    assert_eq!(signed2, signed);
}

#[test]
fn later_metadata_and_content_changes_are_classified() {
    let pki = Pki::new();
    let store = pki.store();
    let signed = sign_document(
        &simple_pdf(1),
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30)),
    )
    .unwrap();
    // The document information changed: the signature stays valid, with a warning.
    let info = redefine(
        &signed,
        4,
        "<< /Producer (someone else) /Title (renamed) >>",
    );
    let report = verify(&info, &store);
    assert_valid(&report, "Info changed");
    let warned = report.signatures()[0]
        .report()
        .warnings()
        .iter()
        .any(|w| w.code == "pdf.modified_after_signing");
    assert!(warned, "{}", report.to_json());
    // The page content stream replaced: partial coverage, indeterminate.
    let content = "<< /Length 39 >>\nstream\nBT /F1 24 Tf 72 700 Td (Page 666) Tj ET\nendstream";
    let changed = redefine(&signed, 6, content);
    let report = verify(&changed, &store);
    assert_eq!(
        report.status(),
        Status::Indeterminate,
        "{}",
        report.to_json()
    );
    assert_eq!(
        check(&report, 0, CheckId::PdfCoverage),
        CheckStatus::Indeterminate
    );
    let cov = report.signatures()[0].coverage().unwrap();
    assert!(
        cov.changed
            .iter()
            .any(|c| c.role == eseal::verify::FileRole::PageContent { page: 1 }),
        "{cov:?}"
    );
    // A signature made after the change covers it: the first passes with a warning.
    let resigned = sign_document(
        &changed,
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(31)),
    )
    .unwrap();
    let report = verify(&resigned, &store);
    assert_valid(&report, "covered by the later signature");
    let warned = report.signatures()[0]
        .report()
        .warnings()
        .iter()
        .any(|w| w.code == "pdf.covered_by_other_signature");
    assert!(warned, "{}", report.to_json());
}

#[test]
fn document_timestamps_are_verified_over_the_byte_ranges() {
    let pki = Pki::new();
    let store = pki.store();
    let tsa = pki.tsa(true);
    // eseal does not write document timestamps: make one from a prepared signature whose
    // /SubFilter is renamed in place (same length), with a token over the byte ranges.
    let prepared = prepare(
        &simple_pdf(1),
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30)),
        4096,
    )
    .unwrap();
    let hole = {
        let [_, b, c, _] = prepared.byte_range();
        (b as usize, c as usize)
    };
    let blank = prepared.finish(&[]).unwrap();
    let with = |name: &[u8]| {
        let from = b"/SubFilter /adbe.pkcs7.detached";
        let at = blank.windows(from.len()).position(|w| w == from).unwrap();
        let mut to = b"/SubFilter /".to_vec();
        to.extend_from_slice(name);
        to.resize(from.len(), b' ');
        let mut pdf = blank.clone();
        pdf[at..at + from.len()].copy_from_slice(&to);
        let ranges = [&pdf[..hole.0], &pdf[hole.1..]].concat();
        let token = tsa.timestamp(&ranges, t(30), &[1, 2, 3], None).unwrap();
        let hex: String = token.iter().map(|b| format!("{b:02X}")).collect();
        pdf[hole.0 + 1..hole.0 + 1 + hex.len()].copy_from_slice(hex.as_bytes());
        pdf
    };
    let pdf = with(b"ETSI.RFC3161");
    let report = verify(&pdf, &store);
    assert_valid(&report, "document timestamp");
    assert_eq!(
        check(&report, 0, CheckId::SignatureValue),
        CheckStatus::Passed
    );
    // A byte changed in the range: the imprint no longer matches.
    let mut bad = pdf.clone();
    let at = tools_find(&bad, b"(Page 1)") + 1;
    bad[at] = b'X';
    let report = verify(&bad, &store);
    assert_eq!(report.status(), Status::Invalid, "{}", report.to_json());
}
