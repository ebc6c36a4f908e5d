//! Where eseal draws a seal on PDF pages: riding seals (骑缝章) across pages, and stamps on
//! pages turned by `/Rotate` or whose boxes are not at the origin (inherited from the page
//! tree). Checked by rendering the pages with poppler's `pdftoppm` and measuring where each
//! colour of the seal picture landed; `qpdf --check` and `pdfsig` where installed.
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

use std::path::Path;

use eseal::pdf::{
    Edge, PageRange, PageSelector, PdfDocument, PdfError, SignRequest, Stamp, sign_document,
    verify_document,
};
use eseal::ses::{PictureFormat, Seal, SealBuilder, SealPicture, SealType, SealValidity};
use eseal::verify::{CheckId, CheckStatus, DocumentReport, Status};
use fixture::{Pki, opts_at, t};
use tools::{
    check_status as check, have, pdf_of_objects, pdfsig, qpdf_check, render_page, simple_pdf,
};

const GREEN: [u8; 3] = [0, 160, 0];
const RED: [u8; 3] = [214, 0, 24];
const BLUE: [u8; 3] = [0, 0, 200];

/// A 4×4 RGBA PNG that shows which way is up: the top row green, the two middle rows red on
/// the left half and blue on the right half, the bottom row transparent. Shown 40 × 40 mm: green
/// y 0–10 mm, red x 0–20 and blue x 20–40 at y 10–30 mm, from the seal's top-left corner.
fn oriented_png() -> Vec<u8> {
    png::rgba_png(4, 4, |x, y| {
        let (rgb, alpha) = match (y, x) {
            (0, _) => (GREEN, 255),
            (1 | 2, 0 | 1) => (RED, 255),
            (1 | 2, _) => (BLUE, 255),
            _ => ([0, 0, 0], 0),
        };
        [rgb[0], rgb[1], rgb[2], alpha]
    })
}

fn oriented_seal(pki: &Pki) -> Seal {
    let picture = SealPicture::new(PictureFormat::Png, oriented_png(), 40, 40).unwrap();
    let mut builder = SealBuilder::new(
        "33010600000002",
        "eseal 骑缝章测试",
        SealType::Official,
        SealValidity::new(t(0), t(0), t(365)).unwrap(),
        picture,
    );
    builder.add_signer_certificate(&pki.signer.cert);
    builder.build(&pki.maker.key, &pki.maker.cert).unwrap()
}

fn verify(pdf: &[u8], pki: &Pki) -> DocumentReport {
    verify_document(pdf, &opts_at(&pki.store(), t(40))).unwrap()
}

/// A page rendered by `pdftoppm -cropbox` at 72 dpi (1 px = 1 pt, the visible box as shown).
struct Rendered {
    width: usize,
    height: usize,
    rgb: Vec<u8>,
}

impl Rendered {
    fn new(dir: &Path, pdf: &[u8], page: usize) -> Self {
        let (width, height, rgb) = render_page(dir, pdf, page, true);
        Rendered { width, height, rgb }
    }

    /// The page size as shown, in millimetres.
    fn size_mm(&self) -> (f64, f64) {
        (mm(self.width), mm(self.height))
    }

    /// The bounding box `(x0, x1, y0, y1)` in millimetres from the top-left of the pixels
    /// close to `colour`, if any.
    fn extent(&self, colour: [u8; 3]) -> Option<(f64, f64, f64, f64)> {
        let near = |p: &[u8]| (0..3).all(|i| p[i].abs_diff(colour[i]) < 40);
        let points: Vec<(usize, usize)> = self
            .rgb
            .chunks_exact(3)
            .enumerate()
            .filter(|(_, p)| near(p))
            .map(|(i, _)| (i % self.width, i / self.width))
            .collect();
        if points.len() < 4 {
            return None;
        }
        let xs = points.iter().map(|p| p.0);
        let ys = points.iter().map(|p| p.1);
        Some((
            mm(xs.clone().min().unwrap()),
            mm(xs.max().unwrap() + 1),
            mm(ys.clone().min().unwrap()),
            mm(ys.max().unwrap() + 1),
        ))
    }

    fn assert_extent(&self, what: &str, colour: [u8; 3], want: (f64, f64, f64, f64)) {
        let got = self
            .extent(colour)
            .unwrap_or_else(|| panic!("{what}: colour {colour:?} is not on the page"));
        let close = [
            (got.0, want.0),
            (got.1, want.1),
            (got.2, want.2),
            (got.3, want.3),
        ]
        .iter()
        .all(|(g, w)| (g - w).abs() < 1.5);
        assert!(
            close,
            "{what}: colour {colour:?} at x {:.1}–{:.1}, y {:.1}–{:.1} mm; expected x {:.1}–{:.1}, \
             y {:.1}–{:.1} mm",
            got.0, got.1, got.2, got.3, want.0, want.1, want.2, want.3
        );
    }
}

fn mm(px: usize) -> f64 {
    px as f64 * 25.4 / 72.0
}

/// A PDF whose page tree carries `tree` (inheritable attributes) and whose pages carry
/// `pages[i]`, each page showing "Page N".
fn pdf_with_pages(tree: &str, pages: &[&str]) -> Vec<u8> {
    let mut objects: Vec<String> = Vec::new();
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", 4 + 2 * i))
        .collect();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {} {tree} >>",
        kids.join(" "),
        pages.len()
    ));
    objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into());
    for (i, attrs) in pages.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R \
             {attrs} >>",
            5 + 2 * i
        ));
        let content = format!("BT /F1 12 Tf 160 300 Td (Page {}) Tj ET", i + 1);
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ));
    }
    pdf_of_objects(&objects, "")
}

#[test]
fn a_riding_seal_shows_one_slice_at_the_right_edge_of_each_page() {
    let pki = Pki::new();
    let seal = oriented_seal(&pki);
    let request = SignRequest::seal(&seal, &pki.signer.cert, &pki.signer.key, t(30))
        .stamp(Stamp::riding(PageRange::All, Edge::Right, 100.0));
    let signed = sign_document(&simple_pdf(3), &request).unwrap();
    let text = String::from_utf8_lossy(&signed[simple_pdf(3).len()..]).into_owned();
    // One field, three widgets (its kids), each on its own page.
    assert_eq!(text.matches("/FT /Sig").count(), 1, "{text}");
    assert_eq!(text.matches("/Subtype /Widget").count(), 3, "{text}");
    assert_eq!(
        text.matches("/Subtype /Widget\n  /Parent").count(),
        3,
        "{text}"
    );
    assert!(text.contains("/Kids ["), "{text}");
    assert!(text.contains("re W n"), "the appearances clip: {text}");
    let report = verify(&signed, &pki);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(report.signatures().len(), 1);
    assert_eq!(
        PdfDocument::parse(&signed, &Default::default())
            .unwrap()
            .signature_fields()
            .unwrap(),
        vec!["Signature1".to_owned()]
    );
    let dir = tempfile::tempdir().unwrap();
    if have("qpdf") {
        qpdf_check(dir.path(), "riding.pdf", &signed);
    }
    if have("pdfsig") {
        // poppler lists a signature once per widget: the same field and value three times.
        let out = pdfsig(dir.path(), "riding.pdf", &signed);
        assert_eq!(
            out.matches("Signature Field Name: Signature1").count(),
            3,
            "{out}"
        );
        assert_eq!(out.matches("Total document signed").count(), 3, "{out}");
        let ranges: Vec<&str> = out
            .lines()
            .filter(|l| l.contains("Signed Ranges"))
            .collect();
        assert!(ranges.iter().all(|r| *r == ranges[0]), "{out}");
    }
    if have("pdftoppm") {
        // Slice i of the 40 mm seal (40/3 mm wide) lies against the right edge of page i + 1:
        // page 1 shows seal x 0–13.3 (red), page 2 x 13.3–26.7 (red then blue), page 3 x
        // 26.7–40 (blue); the green top row on each.
        let slice = 40.0 / 3.0;
        for page in 1..=3 {
            let r = Rendered::new(dir.path(), &signed, page);
            let (w, _) = r.size_mm();
            let what = format!("page {page}");
            r.assert_extent(&what, GREEN, (w - slice, w, 100.0, 110.0));
            match page {
                1 => {
                    r.assert_extent(&what, RED, (w - slice, w, 110.0, 130.0));
                    assert!(r.extent(BLUE).is_none(), "{what}: blue is on slice 2 and 3");
                }
                2 => {
                    r.assert_extent(
                        &what,
                        RED,
                        (w - slice, w - slice + 20.0 - slice, 110.0, 130.0),
                    );
                    r.assert_extent(&what, BLUE, (w - slice + 20.0 - slice, w, 110.0, 130.0));
                }
                _ => {
                    r.assert_extent(&what, BLUE, (w - slice, w, 110.0, 130.0));
                    assert!(r.extent(RED).is_none(), "{what}: red is on slice 1 and 2");
                }
            }
        }
    }

    // A signature on top: the riding seal's widgets are signature objects, so it stays valid
    // and covers everything it signed.
    let two = sign_document(
        &signed,
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(31)),
    )
    .unwrap();
    let report = verify(&two, &pki);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(check(&report, 0, CheckId::PdfCoverage), CheckStatus::Passed);
    let coverage = report.signatures()[0].coverage().unwrap();
    let infra = eseal::verify::FileRole::SignatureInfrastructure;
    assert!(!coverage.unprotected.is_empty(), "{}", report.to_json());
    assert!(
        coverage.changed.iter().all(|c| c.role == infra)
            && coverage.unprotected.iter().all(|c| c.role == infra),
        "{}",
        report.to_json()
    );
}

#[test]
fn a_riding_seal_after_a_signature_leaves_it_valid() {
    // The riding seal adds widgets without /FT (kids of its field) to every page: signature
    // objects, not annotations, for the earlier signature.
    let pki = Pki::new();
    let seal = oriented_seal(&pki);
    let first = sign_document(
        &simple_pdf(2),
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30)),
    )
    .unwrap();
    let request = SignRequest::seal(&seal, &pki.signer.cert, &pki.signer.key, t(31))
        .stamp(Stamp::riding(PageRange::All, Edge::Right, 100.0));
    let two = sign_document(&first, &request).unwrap();
    let report = verify(&two, &pki);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(report.signatures().len(), 2);
    assert!(
        report.signatures()[0].report().warnings().is_empty(),
        "{}",
        report.to_json()
    );
}

#[test]
fn a_riding_seal_on_a_page_range_at_the_left_edge() {
    let pki = Pki::new();
    let seal = oriented_seal(&pki);
    let request = SignRequest::seal(&seal, &pki.signer.cert, &pki.signer.key, t(30)).stamp(
        Stamp::riding(PageRange::Indices { first: 1, last: 2 }, Edge::Left, 50.0),
    );
    let signed = sign_document(&simple_pdf(3), &request).unwrap();
    let report = verify(&signed, &pki);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    if have("pdftoppm") {
        let dir = tempfile::tempdir().unwrap();
        let first = Rendered::new(dir.path(), &signed, 1);
        assert!(first.extent(GREEN).is_none(), "page 1 is not in the range");
        // Page 2 shows the left half (red), page 3 the right half (blue), at the left edge.
        let second = Rendered::new(dir.path(), &signed, 2);
        second.assert_extent("page 2", GREEN, (0.0, 20.0, 50.0, 60.0));
        second.assert_extent("page 2", RED, (0.0, 20.0, 60.0, 80.0));
        assert!(second.extent(BLUE).is_none());
        let third = Rendered::new(dir.path(), &signed, 3);
        third.assert_extent("page 3", BLUE, (0.0, 20.0, 60.0, 80.0));
        assert!(third.extent(RED).is_none());
    }
}

#[test]
fn riding_seals_need_a_range_of_two_pages_or_more() {
    let pki = Pki::new();
    let seal = oriented_seal(&pki);
    for (pdf, range) in [
        (simple_pdf(1), PageRange::All),
        (simple_pdf(3), PageRange::Indices { first: 1, last: 1 }),
        (simple_pdf(3), PageRange::Indices { first: 2, last: 3 }),
        (simple_pdf(3), PageRange::Indices { first: 2, last: 1 }),
    ] {
        let request = SignRequest::seal(&seal, &pki.signer.cert, &pki.signer.key, t(30))
            .stamp(Stamp::riding(range, Edge::Right, 50.0));
        let err = sign_document(&pdf, &request).unwrap_err();
        assert!(
            matches!(err, PdfError::ApiMisuse { .. }),
            "{range:?}: {err}"
        );
    }
}

#[test]
fn a_stamp_that_would_leave_the_page_is_refused_before_signing() {
    // Readers clip what lies off the page: the seal shown would not be the seal signed.
    let pki = Pki::new();
    let seal = oriented_seal(&pki);
    let letter = simple_pdf(2); // 215.9 × 279.4 mm
    let turned = pdf_with_pages("/MediaBox [0 0 612 792]", &["/Rotate 90"]); // shown 279.4 × 215.9
    let on = |x, y| Stamp::on_page(PageSelector::Index(0), x, y);
    let cases = [
        (&letter, on(180.0, 50.0), false),
        (&letter, on(-1.0, 50.0), false),
        (&letter, on(50.0, 240.0), false),
        (&letter, on(175.0, 239.0), true),
        (&turned, on(230.0, 20.0), true),
        (&turned, on(20.0, 180.0), false),
        (
            &letter,
            Stamp::riding(PageRange::All, Edge::Right, 250.0),
            false,
        ),
        (
            &letter,
            Stamp::riding(PageRange::All, Edge::Right, 230.0),
            true,
        ),
    ];
    for (i, (pdf, stamp, fits)) in cases.into_iter().enumerate() {
        let request =
            SignRequest::seal(&seal, &pki.signer.cert, &pki.signer.key, t(30)).stamp(stamp);
        match sign_document(pdf, &request) {
            Ok(signed) => {
                assert!(fits, "case {i} was signed");
                assert_eq!(verify(&signed, &pki).status(), Status::Valid, "case {i}");
            }
            Err(err) => {
                assert!(!fits, "case {i}: {err}");
                assert!(matches!(err, PdfError::ApiMisuse { .. }), "case {i}: {err}");
                assert!(err.to_string().contains("off page 0"), "case {i}: {err}");
            }
        }
    }
}

/// Stamps each page of `pdf` at (30, 50) mm as shown, one signature per page, and checks where
/// the picture landed and that it is upright.
fn stamp_every_page_and_measure(pdf: &[u8], pages: usize, what: &str) {
    let pki = Pki::new();
    let seal = oriented_seal(&pki);
    let mut signed = pdf.to_vec();
    for page in 0..pages {
        let request = SignRequest::seal(&seal, &pki.signer.cert, &pki.signer.key, t(30))
            .stamp(Stamp::on_page(PageSelector::Index(page), 30.0, 50.0));
        signed = sign_document(&signed, &request).unwrap();
    }
    let report = verify(&signed, &pki);
    assert_eq!(
        report.status(),
        Status::Valid,
        "{what}: {}",
        report.to_json()
    );
    assert_eq!(report.signatures().len(), pages);
    let dir = tempfile::tempdir().unwrap();
    if have("qpdf") {
        qpdf_check(dir.path(), "rotated.pdf", &signed);
    }
    if !have("pdftoppm") {
        return;
    }
    let sizes = PdfDocument::parse(&signed, &Default::default())
        .unwrap()
        .page_sizes_mm()
        .unwrap();
    for page in 1..=pages {
        let r = Rendered::new(dir.path(), &signed, page);
        let what = format!("{what}, page {page}");
        // page_sizes_mm gives the size as shown, as pdftoppm renders it.
        let (w, h) = r.size_mm();
        let (sw, sh) = sizes[page - 1];
        assert!(
            (w - sw).abs() < 0.5 && (h - sh).abs() < 0.5,
            "{what}: rendered {w:.1} × {h:.1} mm, page_sizes_mm {sw:.1} × {sh:.1}"
        );
        r.assert_extent(&what, GREEN, (30.0, 70.0, 50.0, 60.0));
        r.assert_extent(&what, RED, (30.0, 50.0, 60.0, 80.0));
        r.assert_extent(&what, BLUE, (50.0, 70.0, 60.0, 80.0));
    }
}

#[test]
fn stamps_land_where_placed_on_rotated_and_offset_pages() {
    // The MediaBox and /Rotate 90 inherited from the page tree; pages overriding the rotation
    // (180, -90 = 270, 0) and cropping at an offset.
    let pdf = pdf_with_pages(
        "/MediaBox [50 100 662 892] /Rotate 90",
        &[
            "",
            "/Rotate 180",
            "/Rotate -90",
            "/Rotate 0 /CropBox [100 150 550 800]",
            "/CropBox [80 120 600 700]",
            "/Rotate 270 /MediaBox [-300 -200 300 400] /CropBox [-250 -150 250 300]",
        ],
    );
    stamp_every_page_and_measure(&pdf, 6, "hand-made");
}

#[test]
fn stamps_land_where_placed_on_pages_rotated_by_qpdf() {
    if !have("qpdf") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.pdf");
    let output = dir.path().join("rotated.pdf");
    std::fs::write(&input, simple_pdf(4)).unwrap();
    let out = std::process::Command::new("qpdf")
        .arg(&input)
        .args(["--rotate=+90:1", "--rotate=180:2", "--rotate=+270:3"])
        .arg(&output)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stamp_every_page_and_measure(&std::fs::read(&output).unwrap(), 4, "qpdf --rotate");
}

#[test]
fn a_riding_seal_across_rotated_pages() {
    // The right edge as shown, whatever the rotation.
    let pki = Pki::new();
    let seal = oriented_seal(&pki);
    let pdf = pdf_with_pages(
        "/MediaBox [0 0 595 842]",
        &["/Rotate 90", "/Rotate 180 /CropBox [20 30 500 800]"],
    );
    let request = SignRequest::seal(&seal, &pki.signer.cert, &pki.signer.key, t(30))
        .stamp(Stamp::riding(PageRange::All, Edge::Right, 40.0));
    let signed = sign_document(&pdf, &request).unwrap();
    let report = verify(&signed, &pki);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    if have("pdftoppm") {
        let dir = tempfile::tempdir().unwrap();
        let first = Rendered::new(dir.path(), &signed, 1);
        let (w, _) = first.size_mm();
        first.assert_extent("page 1", GREEN, (w - 20.0, w, 40.0, 50.0));
        first.assert_extent("page 1", RED, (w - 20.0, w, 50.0, 70.0));
        let second = Rendered::new(dir.path(), &signed, 2);
        let (w, _) = second.size_mm();
        second.assert_extent("page 2", BLUE, (w - 20.0, w, 50.0, 70.0));
    }
}

#[test]
fn document_seals_lists_the_seals_of_a_pdf_under_the_report_ids() {
    // A riding seal, then a digital signature, then a normal stamp: the two seals are listed,
    // under their field names, in the report's order; the CMS signature has none.
    let pki = Pki::new();
    let seal = oriented_seal(&pki);
    let mut pdf =
        sign_document(
            &simple_pdf(2),
            &SignRequest::seal(&seal, &pki.signer.cert, &pki.signer.key, t(30))
                .stamp(Stamp::riding(PageRange::All, Edge::Right, 100.0)),
        )
        .unwrap();
    pdf = sign_document(
        &pdf,
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(31)).field_name("Approval"),
    )
    .unwrap();
    pdf = sign_document(
        &pdf,
        &SignRequest::seal(&seal, &pki.signer.cert, &pki.signer.key, t(32))
            .field_name("Stamp")
            .stamp(Stamp::on_page(PageSelector::Index(1), 20.0, 20.0)),
    )
    .unwrap();
    let store = pki.store();
    let options = eseal::document::DocumentVerifyOptions::new(opts_at(&store, t(40)));
    let found = eseal::document::seals(&pdf, &options).unwrap();
    let report = eseal::document::verify(&pdf, &options).unwrap();
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    let ids: Vec<Option<&str>> = report.signatures().iter().map(|s| s.id()).collect();
    assert_eq!(ids, [Some("Signature1"), Some("Approval"), Some("Stamp")]);
    let found_ids: Vec<Option<&str>> = found.iter().map(|f| f.signature_id.as_deref()).collect();
    assert_eq!(found_ids, [Some("Signature1"), Some("Stamp")]);
    for f in &found {
        assert_eq!(f.seal.picture().data, oriented_png());
        assert_eq!(f.seal.name(), "eseal 骑缝章测试");
    }
    // An unsigned PDF carries none.
    assert!(
        eseal::document::seals(&simple_pdf(1), &options)
            .unwrap()
            .is_empty()
    );
}
