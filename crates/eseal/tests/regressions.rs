//! Every file in `tests/regressions/` through every reader and verifier of untrusted input:
//! inputs that once crashed or hung (see its README) must now be refused or read, never panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "ses_support/fixture.rs"]
mod fixture;
#[path = "license_support/sample.rs"]
mod sample;

use eseal::document::{self, DocumentVerifyOptions};
use eseal::license::{FaceTemplate, IssueRequest, LicenseError, issue_ofd, issue_pdf};
use eseal::ses::{ParseMode, Seal, SesVersion, Signature, VerifyOptions};

fn read_everything(bytes: &[u8]) {
    for mode in [ParseMode::Strict, ParseMode::Lenient] {
        let _ = Seal::from_der(bytes, mode);
        let _ = Signature::from_der(bytes, mode);
    }
    let _ = eseal::pki::Certificate::from_der(bytes);
    let _ = eseal::pki::Certificate::bundle_from_pem(bytes);
    let _ = eseal::certfile::read_certificates(bytes);
    let _ = eseal::certfile::read_crls(bytes);
    let _ = eseal::pki::Crl::from_der_or_pem(bytes);
    let _ = eseal::pki::cms::SignedData::from_der(bytes);
    let _ = eseal::pki::tsp::TimestampToken::from_der(bytes);
    let _ = eseal::pki::tsp::TstInfo::from_der(bytes);
    let _ = eseal::pki::tsp::TimestampResponse::from_der(bytes);
    let _ = eseal::pki::Pkcs12::from_der(bytes, "password");
    let _ = eseal::keyfile::read(bytes, Some(b"password"));
    let _ = eseal::ofd::OfdPackage::from_bytes(bytes, &eseal::ofd::Limits::default());
    let _ = document::sniff(bytes);
    let _ = document::verify(bytes, &DocumentVerifyOptions::new(VerifyOptions::new()));
    let text = String::from_utf8_lossy(bytes);
    let _ = eseal::verify::ValidationPolicy::from_json(&text);
    let _ = eseal::license::LicenseId::parse(&text);
    let _ = eseal::license::Uscc::parse(&text);
    let _ = eseal::license::CitizenId::parse(&text);
    let _ = FaceTemplate::from_json(bytes);
    // Images as the PDF renderer takes them (a seal picture, a license photo).
    let mut doc =
        eseal::pdf::render::DocumentBuilder::new(eseal::pdf::render::DocumentMeta::default());
    let _ = doc.add_image(bytes);
}

#[test]
fn a_png_palette_of_a_partial_entry_is_refused_not_panicked() {
    // Found by the pdf_render_image fuzz target: PLTE of 20 bytes made the png crate's palette
    // expansion index out of bounds.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/regressions/pdf_render_image-plte-not-multiple-of-3.bin"
    );
    let bytes = std::fs::read(path).unwrap();
    let mut doc =
        eseal::pdf::render::DocumentBuilder::new(eseal::pdf::render::DocumentMeta::default());
    let err = doc.add_image(&bytes).unwrap_err();
    assert_eq!(eseal::Error::from(err).code(), eseal::ErrorCode::Malformed);
}

#[test]
fn a_template_whose_seal_picture_leaves_the_page_is_refused_before_signing() {
    // Found by the license_template fuzz target: the seal's corner (215, 180) lay on the
    // 297 × 210 mm page, its 40 × 40 mm picture did not; the license was issued and its own
    // verifier failed the stamp (ofd.appearance).
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/regressions/license_template-seal-picture-off-page.bin"
    );
    let template = FaceTemplate::from_json(&std::fs::read(path).unwrap()).unwrap();
    let pki = fixture::Pki::new();
    let seal = fixture::make_seal(&pki, SesVersion::V4);
    let meta = sample::business_license("20240000001");
    let request = IssueRequest::new(
        &meta,
        &template,
        &seal,
        &pki.signer.cert,
        &pki.signer.key,
        fixture::t(30),
    );
    let ofd = issue_ofd(&request).map(|_| ()).unwrap_err();
    let pdf = issue_pdf(&request).map(|_| ()).unwrap_err();
    for err in [ofd, pdf] {
        assert!(matches!(err, LicenseError::Template { .. }), "{err}");
    }
}

#[test]
fn a_template_label_with_control_characters_is_refused_when_read() {
    // Found by the license_template fuzz target: DEL characters in a field label passed the
    // template and failed only in the OFD writer, after the template had been accepted.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/regressions/license_template-control-character-label.bin"
    );
    let err = FaceTemplate::from_json(&std::fs::read(path).unwrap()).unwrap_err();
    assert!(matches!(err, LicenseError::Template { .. }), "{err}");
    assert!(
        err.to_string().contains("field label") && err.to_string().contains("control"),
        "{err}"
    );
}

#[test]
fn every_regression_input_is_read_without_panicking() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "bin") {
            let bytes = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| read_everything(&bytes));
            assert!(outcome.is_ok(), "{} makes a reader panic", path.display());
            count += 1;
        }
    }
    assert!(
        count >= 3,
        "the regression inputs are missing ({count} found)"
    );
}
