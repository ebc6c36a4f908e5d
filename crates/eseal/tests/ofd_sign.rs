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
    Color, DocumentBuilder, DocumentMeta, LocalTsaSource, OfdError, OfdPackage, OfdVerifyOptions,
    PageSelector, PageSize, SignMode, SignRequest, Stamp, sign_document, verify_document,
};
use eseal::pki::TrustStore;
use eseal::ses::{Seal, SesVersion};
use eseal::verify::{CheckId, CheckStatus, DocumentReport, SigningTimeSource, Status};
use fixture::{Pki, make_seal, opts_at, t};

fn vector(name: &str) -> Vec<u8> {
    let path = cross::shared_vectors().join("ofdrw").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn verify(ofd: &[u8], store: &TrustStore) -> DocumentReport {
    verify_document(ofd, &OfdVerifyOptions::new(opts_at(store, t(40)))).unwrap()
}

fn assert_valid(report: &DocumentReport, what: &str) {
    assert_eq!(
        report.status(),
        Status::Valid,
        "{what}: {}",
        report.to_json()
    );
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
        assert_eq!(report.signatures().len(), 1);
        assert_eq!(report.signatures()[0].id(), Some("s001"));
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

fn status_of(report: &DocumentReport, index: usize, id: CheckId) -> CheckStatus {
    let r = report.signatures()[index].report();
    r.check(id)
        .unwrap_or_else(|| panic!("no {} in {}", id.as_str(), r.to_json()))
        .status()
}

/// A second seal, by another maker, listing the fixture's second signer.
fn second_seal(pki: &Pki) -> Seal {
    let mut b = fixture::seal_builder(SesVersion::V4, &pki.stranger.cert);
    b.vendor_id("ESEALTEST2");
    b.build(&pki.other_maker.key, &pki.other_maker.cert)
        .unwrap()
}

#[test]
fn signing_twice_keeps_both_signatures_valid_joint_issuance() {
    let pki = Pki::new();
    let store = pki.store();
    let first_seal = make_seal(&pki, SesVersion::V4);
    let second = second_seal(&pki);
    let input = built_document(2);
    let once = sign_document(
        &input,
        &seal_request(&pki, &first_seal).stamp(Stamp::on_page(PageSelector::Index(0), 40.0, 200.0)),
    )
    .unwrap();
    let twice = sign_document(
        &once,
        &SignRequest::seal(&second, &pki.stranger.cert, &pki.stranger.key, t(31))
            .stamp(Stamp::on_page(PageSelector::Index(0), 120.0, 200.0)),
    )
    .unwrap();
    let report = verify(&twice, &store);
    assert_valid(&report, "joint issuance");
    assert_eq!(report.signatures().len(), 2);
    assert_eq!(report.signatures()[0].id(), Some("s001"));
    assert_eq!(report.signatures()[1].id(), Some("s002"));
    assert_eq!(
        report.signatures()[1].location(),
        Some("Doc_0/Signs/Sign_1/Signature.xml")
    );
    // The second signature protects the first one's files.
    let pkg = OfdPackage::from_bytes(&twice, &eseal::ofd::Limits::default()).unwrap();
    let body = &pkg.ofd().unwrap().bodies[0];
    let list = pkg.signature_list(body).unwrap().unwrap();
    assert_eq!(list.max_sign_id.as_deref(), Some("s002"));
    let sig = pkg.signature(&list.entries[1]).unwrap();
    let refs: Vec<&str> = sig
        .signature
        .signed_info
        .references
        .iter()
        .map(|r| r.file_ref.as_str())
        .collect();
    for f in [
        "/Doc_0/Signs/Sign_0/Signature.xml",
        "/Doc_0/Signs/Sign_0/SignedValue.dat",
        "/Doc_0/Signs/Sign_0/Seal.esl",
        "/Doc_0/Signs/Sign_1/Seal.esl",
        "/OFD.xml",
    ] {
        assert!(refs.contains(&f), "{f} not in {refs:?}");
    }
    assert!(!refs.contains(&"/Doc_0/Signs/Signatures.xml"));
    assert!(!refs.contains(&"/Doc_0/Signs/Sign_1/Signature.xml"));
    // The first signature's files are untouched by the second signing.
    let first = OfdPackage::from_bytes(&once, &eseal::ofd::Limits::default()).unwrap();
    for f in first.file_names() {
        if f != "Doc_0/Signs/Signatures.xml" {
            assert_eq!(first.get(f), pkg.get(f), "{f}");
        }
    }
}

#[test]
fn whole_protection_refuses_any_further_signature() {
    let pki = Pki::new();
    let store = pki.store();
    let seal = make_seal(&pki, SesVersion::V4);
    let locked = sign_document(
        &built_document(1),
        &seal_request(&pki, &seal).mode(SignMode::WholeProtect),
    )
    .unwrap();
    let report = verify(&locked, &store);
    assert_valid(&report, "whole-protect");
    let err = sign_document(&locked, &seal_request(&pki, &seal)).unwrap_err();
    assert!(
        matches!(&err, OfdError::WholeProtected { id } if id == "s001"),
        "{err}"
    );
    assert!(err.to_string().contains("Signatures.xml"), "{err}");
    // The ofdrw sample protected the same way is refused too.
    let sample = std::fs::read(cross::shared_vectors().join("ofdrw/allprotected.ofd")).unwrap();
    assert!(matches!(
        sign_document(&sample, &seal_request(&pki, &seal)),
        Err(OfdError::WholeProtected { .. })
    ));
}

#[test]
fn a_digital_signature_type_sign_verifies() {
    let pki = Pki::new();
    let store = pki.store();
    let request = SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30))
        .stamp(Stamp::on_page(PageSelector::Index(0), 10.0, 10.0).size(30.0, 20.0));
    let signed = sign_document(&built_document(1), &request).unwrap();
    let report = verify(&signed, &store);
    assert_valid(&report, "Type=Sign");
    assert_eq!(
        status_of(&report, 0, CheckId::DataHash),
        CheckStatus::Passed
    );
    let facts = report.signatures()[0].report().signature().unwrap();
    assert_eq!(facts.signing_time, Some(t(30)));
    assert_eq!(facts.signing_time_source, Some(SigningTimeSource::Claimed));
    // GM/T 0010 OIDs throughout.
    let pkg = OfdPackage::from_bytes(&signed, &eseal::ofd::Limits::default()).unwrap();
    let sd = eseal::pki::cms::SignedData::from_der(
        pkg.get("Doc_0/Signs/Sign_0/SignedValue.dat").unwrap(),
    )
    .unwrap();
    assert_eq!(sd.oid_flavour(), eseal::pki::cms::OidFlavour::GmT0010);
    assert!(sd.is_detached());
    // A stamp on a digital signature needs a size.
    let no_size = SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30))
        .stamp(Stamp::on_page(PageSelector::Index(0), 10.0, 10.0));
    assert!(matches!(
        sign_document(&built_document(1), &no_size),
        Err(OfdError::ApiMisuse { .. })
    ));
}

#[test]
fn a_timestamped_seal_signature_takes_its_time_from_the_token() {
    let pki = Pki::new();
    let store = pki.store();
    let seal = make_seal(&pki, SesVersion::V4);
    let tsa = pki.tsa(true);
    let source = LocalTsaSource::new(&tsa, t(30));
    let signed = sign_document(
        &built_document(1),
        &seal_request(&pki, &seal).timestamp(&source),
    )
    .unwrap();
    let report = verify(&signed, &store);
    assert_valid(&report, "timestamped");
    assert_eq!(
        status_of(&report, 0, CheckId::Timestamp),
        CheckStatus::Passed
    );
    let facts = report.signatures()[0].report().signature().unwrap();
    assert_eq!(
        facts.signing_time_source,
        Some(SigningTimeSource::Timestamp)
    );

    // The same for a digital signature (signatureTimeStampToken).
    let request = SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30)).timestamp(&source);
    let signed = sign_document(&built_document(1), &request).unwrap();
    let report = verify(&signed, &store);
    assert_valid(&report, "timestamped Type=Sign");
    let facts = report.signatures()[0].report().signature().unwrap();
    assert_eq!(
        facts.signing_time_source,
        Some(SigningTimeSource::Timestamp)
    );
}

#[test]
fn a_stamp_touching_the_page_edges_is_accepted_and_verifies() {
    let pki = Pki::new();
    let store = pki.store();
    let seal = make_seal(&pki, SesVersion::V4); // picture 40 × 40 mm
    let doc = built_document(2);
    // The bottom-right corner of A4 (210 × 297 mm), and a riding seal down to the bottom edge.
    for stamp in [
        Stamp::on_page(PageSelector::Index(0), 170.0, 257.0),
        Stamp::riding(eseal::ofd::PageRange::All, eseal::ofd::Edge::Left, 257.0),
    ] {
        let signed = sign_document(&doc, &seal_request(&pki, &seal).stamp(stamp))
            .unwrap_or_else(|e| panic!("{stamp:?}: {e}"));
        assert_valid(&verify(&signed, &store), "stamp at the edge");
    }
    let err = sign_document(
        &doc,
        &seal_request(&pki, &seal).stamp(Stamp::on_page(PageSelector::Index(0), 170.01, 257.0)),
    )
    .unwrap_err();
    assert!(err.to_string().contains("partly off the page"), "{err}");
}

#[test]
fn requests_the_document_cannot_satisfy_are_refused() {
    let pki = Pki::new();
    let seal = make_seal(&pki, SesVersion::V4);
    let doc = built_document(2);
    for stamp in [
        Stamp::on_page(PageSelector::Index(5), 0.0, 0.0),
        Stamp::on_page(PageSelector::Id(9999), 0.0, 0.0),
        Stamp::on_page(PageSelector::Index(0), f64::NAN, 0.0),
        Stamp::on_page(PageSelector::Index(0), 0.0, 0.0).size(-1.0, 5.0),
        // Partly off the A4 page (the picture is 40 × 40 mm): verifiers would fail it.
        Stamp::on_page(PageSelector::Index(0), 180.0, 100.0),
        Stamp::on_page(PageSelector::Index(0), 100.0, 260.0),
        Stamp::on_page(PageSelector::Index(0), -1.0, 100.0),
        Stamp::on_page(PageSelector::Index(1), 10.0, 10.0).size(250.0, 10.0),
        Stamp::riding(eseal::ofd::PageRange::All, eseal::ofd::Edge::Right, 270.0),
        Stamp::riding(
            eseal::ofd::PageRange::Indices { first: 1, last: 4 },
            eseal::ofd::Edge::Right,
            0.0,
        ),
        Stamp::riding(
            eseal::ofd::PageRange::Indices { first: 1, last: 1 },
            eseal::ofd::Edge::Right,
            0.0,
        ),
    ] {
        let err = sign_document(&doc, &seal_request(&pki, &seal).stamp(stamp)).unwrap_err();
        assert!(
            matches!(err, OfdError::ApiMisuse { .. }),
            "{stamp:?}: {err}"
        );
    }
    // A signer the seal does not list.
    let err = sign_document(
        &doc,
        &SignRequest::seal(&seal, &pki.stranger.cert, &pki.stranger.key, t(30)),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            OfdError::SigningFailed {
                stage: "seal signature",
                ..
            }
        ),
        "{err}"
    );
    // Signing outside the seal's validity.
    let err = sign_document(
        &doc,
        &SignRequest::seal(&seal, &pki.signer.cert, &pki.signer.key, t(400)),
    )
    .unwrap_err();
    assert!(matches!(err, OfdError::SigningFailed { .. }), "{err}");
    assert!(sign_document(b"garbage", &seal_request(&pki, &seal)).is_err());
}

/// The signed output still opens in easyofd (PyPI), an OFD reader written independently of
/// eseal, which also reads the signature list and the seal pictures.
#[test]
fn signed_output_opens_in_the_independent_reader() {
    if !cross::tool_available("python3 easyofd", &["python3", "-c", "import easyofd.ofd"]) {
        return;
    }
    let pki = Pki::new();
    let seal = make_seal(&pki, SesVersion::V4);
    let second = second_seal(&pki);
    let once = sign_document(
        &built_document(2),
        &seal_request(&pki, &seal)
            .stamp(Stamp::on_page(PageSelector::Index(0), 150.0, 230.0))
            .stamp(Stamp::riding(
                eseal::ofd::PageRange::All,
                eseal::ofd::Edge::Right,
                100.0,
            )),
    )
    .unwrap();
    let twice = sign_document(
        &once,
        &SignRequest::seal(&second, &pki.stranger.cert, &pki.stranger.key, t(31))
            .stamp(Stamp::on_page(PageSelector::Index(1), 20.0, 230.0)),
    )
    .unwrap();
    let dir = cross::temp_dir();
    let ofd_path = dir.path().join("signed.ofd");
    let png_path = dir.path().join("page1.png");
    std::fs::write(&ofd_path, &twice).unwrap();
    let script = cross::workspace_root().join("scripts/ofd_reader_check.py");
    let out = cross::run(
        "python3",
        &[
            script.to_str().unwrap(),
            ofd_path.to_str().unwrap(),
            png_path.to_str().unwrap(),
        ],
        None,
    );
    let out = String::from_utf8(out).unwrap();
    let result: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(result["pages"], 2, "{out}");
    assert_eq!(result["rendered_pages"], 2, "{out}");
    let texts: Vec<&str> = result["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(texts.contains(&"第 1 页 page 1"), "{texts:?}");
    assert!(texts.contains(&"第 2 页 page 2"), "{texts:?}");
    assert_eq!(&std::fs::read(&png_path).unwrap()[..4], b"\x89PNG");
}
