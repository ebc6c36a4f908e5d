//! Signing OFD documents with eseal and verifying the result: the unsigned ofdrw samples and
//! documents made with `DocumentBuilder`, seal and digital signatures, continue-sign and
//! whole-protect modes, joint issuance (two seals), riding seals, timestamps.
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

use eseal::ofd::Limits;
use eseal::ofd::{
    Color, DocumentBuilder, DocumentMeta, OfdPackage, OfdVerifyOptions, PageSelector, PageSize,
    SignRequest, Stamp, sign_document, verify_document,
};
use eseal::pki::TrustStore;
use eseal::ses::{Seal, SesVersion};
use eseal::verify::{DocumentReport, Status};
use fixture::{Pki, make_seal, opts_at, t};

fn vector(name: &str) -> Vec<u8> {
    let path = cross::shared_vectors().join("ofdrw").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn verify(ofd: &[u8], store: &TrustStore) -> DocumentReport {
    verify_document(ofd, &OfdVerifyOptions::new(opts_at(store, t(40)))).unwrap()
}

fn assert_valid(report: &DocumentReport, what: &str) {
    assert_eq!(report.status, Status::Valid, "{what}: {}", report.to_json());
}

/// A document of `pages` A4 pages with a line of text each.
fn built_document(pages: usize) -> Vec<u8> {
    let mut b = DocumentBuilder::new(DocumentMeta::default());
    let font = b.add_font("宋体", None);
    for i in 0..pages {
        let mut p = b.add_page(PageSize::A4);
        p.text(
            font,
            5.0,
            20.0,
            30.0,
            &format!("第 {} 页 page {}", i + 1, i + 1),
            Color::BLACK,
        );
    }
    b.finish().unwrap()
}

fn seal_request<'a>(pki: &'a Pki, seal: &'a Seal) -> SignRequest<'a> {
    SignRequest::seal(seal, &pki.signer.cert, &pki.signer.key, t(30))
}

#[test]
fn unsigned_samples_sign_and_verify_valid() {
    let pki = Pki::new();
    let store = pki.store();
    let seal = make_seal(&pki, SesVersion::V4);
    for name in [
        "helloworld.ofd",
        "doc1File.ofd",
        "VPage7.ofd",
        "namespace_no_std.ofd",
    ] {
        let input = vector(name);
        let request =
            seal_request(&pki, &seal).stamp(Stamp::on_page(PageSelector::Index(0), 100.0, 100.0));
        let signed = sign_document(&input, &request).unwrap_or_else(|e| panic!("{name}: {e}"));
        let report = verify(&signed, &store);
        assert_valid(&report, name);
        assert_eq!(report.signatures.len(), 1);
        assert_eq!(report.signatures[0].id.as_deref(), Some("s001"));
        // Everything of the input is still there, byte for byte.
        let before = OfdPackage::from_bytes(&input, &Limits::default()).unwrap();
        let after = OfdPackage::from_bytes(&signed, &Limits::default()).unwrap();
        for f in before.file_names() {
            if f != "OFD.xml" {
                assert_eq!(before.get(f), after.get(f), "{name}: {f} changed");
            }
        }
    }
}

#[test]
fn riding_seal_over_a_multi_page_document() {
    let pki = Pki::new();
    let store = pki.store();
    let seal = make_seal(&pki, SesVersion::V4); // picture 40 × 40 mm
    let input = built_document(5);
    let request = seal_request(&pki, &seal).stamp(Stamp::riding(
        eseal::ofd::PageRange::All,
        eseal::ofd::Edge::Right,
        120.0,
    ));
    let signed = sign_document(&input, &request).unwrap();
    let report = verify(&signed, &store);
    assert_valid(&report, "riding");
    let pkg = OfdPackage::from_bytes(&signed, &eseal::ofd::Limits::default()).unwrap();
    let body = &pkg.ofd().unwrap().bodies[0];
    let document = pkg.document(body).unwrap();
    let list = pkg.signature_list(body).unwrap().unwrap();
    let sig = pkg.signature(&list.entries[0]).unwrap();
    let annots = &sig.signature.signed_info.stamp_annots;
    assert_eq!(annots.len(), 5);
    for (i, (a, page)) in annots.iter().zip(&document.pages).enumerate() {
        let i = i as f64;
        assert_eq!(a.page_ref, page.id.to_string());
        // Full 40 × 40 seal, slice 8 mm, visible part at the right edge (202..210).
        assert_eq!(
            a.boundary,
            eseal::ofd::Rect::new(210.0 - 8.0 * (i + 1.0), 120.0, 40.0, 40.0)
        );
        assert_eq!(a.clip, Some(eseal::ofd::Rect::new(8.0 * i, 0.0, 8.0, 40.0)));
    }
}
