//! Verification of the signed ofdrw samples (`../shared/test-vectors/ofdrw/`) and tampering
//! detection, each failure under the right check id.
//!
//! The ofdrw certificates are valid from 2020-04 to 2022-04 and its root lacks CA flags, so the
//! "valid" case uses the validation time 2021-06-01, the ofdrw ROOT (read from `ROOT.p12` with
//! eseal's PKCS#12 reader, password `123456`) and `Policy::lenient_anchors()`, as
//! `ses_verify.rs` does.
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

use eseal::ofd::{
    DocumentBuilder, DocumentMeta, Limits, OfdPackage, OfdVerifyOptions, PageSelector, PageSize,
    SignRequest, Stamp, sign_document, verify_document,
};
use eseal::pki::{Certificate, Pkcs12, Policy, TrustStore};
use eseal::ses::{ParseMode, VerifyOptions};
use eseal::time::Time;
use eseal::verify::{CheckCategory, CheckId, CheckStatus, DocumentReport, Status};

fn vector(name: &str) -> Vec<u8> {
    let path = cross::shared_vectors().join("ofdrw").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn t2021() -> Time {
    Time::parse_rfc3339("2021-06-01T00:00:00Z").unwrap()
}

fn ofdrw_root() -> Certificate {
    let p12 = Pkcs12::from_der(&vector("ROOT.p12"), "123456").unwrap();
    p12.certificates()[0].certificate().clone()
}

fn lenient(store: &TrustStore) -> VerifyOptions<'_> {
    VerifyOptions::new()
        .trust_anchors(store)
        .policy(Policy::lenient_anchors())
        .parse_mode(ParseMode::Lenient)
        .validation_time(t2021())
}

fn status_of(report: &DocumentReport, index: usize, id: CheckId) -> CheckStatus {
    let r = report.signatures()[index].report();
    r.check(id)
        .unwrap_or_else(|| panic!("no {} in {}", id.as_str(), r.to_json()))
        .status()
}

/// Every cryptographic and format check of every signature passed (not-applicable aside).
fn assert_crypto_passes(report: &DocumentReport, name: &str) {
    assert!(!report.signatures().is_empty(), "{name}");
    for s in report.signatures() {
        for c in s.report().checks() {
            if matches!(
                c.category(),
                CheckCategory::Cryptographic | CheckCategory::Format
            ) && c.status() != CheckStatus::NotApplicable
            {
                assert_eq!(
                    c.status(),
                    CheckStatus::Passed,
                    "{name} {:?}: {} {:?}: {}",
                    s.id(),
                    c.id().as_str(),
                    c.status(),
                    c.message()
                );
            }
        }
        assert_eq!(
            s.report().check(CheckId::OfdReferences).unwrap().status(),
            CheckStatus::Passed,
            "{name}"
        );
    }
}

#[test]
fn corpus_signatures_pass_every_digest_and_cryptographic_check() {
    let store = TrustStore::from_certificates([ofdrw_root()]);
    for name in [
        "SESV4SignDoc.ofd",
        "allprotected.ofd",
        "signedFile.ofd",
        "v4signed.ofd",
    ] {
        let report = verify_document(&vector(name), &OfdVerifyOptions::new(lenient(&store)))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_crypto_passes(&report, name);
    }
}

#[test]
fn allprotected_is_valid_with_the_ofdrw_root_and_sesv4signdoc_is_not() {
    let store = TrustStore::from_certificates([ofdrw_root()]);
    let opts = OfdVerifyOptions::new(lenient(&store));
    let report = verify_document(&vector("allprotected.ofd"), &opts).unwrap();
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(report.signatures()[0].id(), Some("001"));
    assert_eq!(
        report.signatures()[0].location(),
        Some("Doc_0/Signs/Sign_0/Signature.xml")
    );
    // Whole protection: Signatures.xml is among the references.
    let check = report.signatures()[0]
        .report()
        .check(CheckId::OfdCoverage)
        .unwrap();
    assert!(
        check.message().contains("whole-document"),
        "{}",
        check.message()
    );

    // Signed in 2026 (timeInfo) with certificates that expired in 2022: only claimed, so
    // indeterminate, not invalid (no timestamp proves when it was signed).
    let report = verify_document(&vector("SESV4SignDoc.ofd"), &opts).unwrap();
    assert_eq!(
        report.status(),
        Status::Indeterminate,
        "{}",
        report.to_json()
    );
    assert_eq!(
        status_of(&report, 0, CheckId::SignerValidity),
        CheckStatus::Indeterminate
    );
    let seal_validity = report.signatures()[0]
        .report()
        .check(CheckId::SealValidity)
        .unwrap();
    assert!(
        seal_validity
            .message()
            .contains("claimed signing time outside the seal's validity"),
        "{}",
        seal_validity.message()
    );
}

/// The ofdrw test user certificate, embedded in SignedValueV4.dat.
fn ofdrw_user() -> Certificate {
    let sig =
        eseal::ses::Signature::from_der(&vector("SignedValueV4.dat"), ParseMode::Lenient).unwrap();
    Certificate::from_der(sig.signer_cert_der()).unwrap()
}

#[test]
fn digital_sign_is_indeterminate_without_the_certificate_and_verifies_with_it() {
    let store = TrustStore::from_certificates([ofdrw_root()]);
    let input = vector("DigitalSign.ofd");
    let report = verify_document(&input, &OfdVerifyOptions::new(lenient(&store))).unwrap();
    assert_eq!(
        report.status(),
        Status::Indeterminate,
        "{}",
        report.to_json()
    );
    assert_eq!(
        status_of(&report, 0, CheckId::SignatureValue),
        CheckStatus::Indeterminate
    );
    assert_eq!(
        status_of(&report, 0, CheckId::OfdReferences),
        CheckStatus::Passed
    );

    let user = [ofdrw_user()];
    let opts = OfdVerifyOptions::new(lenient(&store)).signer_certificates(&user);
    let report = verify_document(&input, &opts).unwrap();
    assert_crypto_passes(&report, "DigitalSign.ofd");
    assert_eq!(
        status_of(&report, 0, CheckId::SignatureValue),
        CheckStatus::Passed
    );
    // No signing time in a bare signature: the chain is checked at the validation time.
    assert_eq!(
        status_of(&report, 0, CheckId::SignerChain),
        CheckStatus::Passed
    );
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());

    // Another certificate does not make it verify.
    let wrong = [ofdrw_root()];
    let opts = OfdVerifyOptions::new(lenient(&store)).signer_certificates(&wrong);
    let report = verify_document(&input, &opts).unwrap();
    assert_eq!(
        status_of(&report, 0, CheckId::SignatureValue),
        CheckStatus::Failed
    );
}

// ---------------------------------------------------------------------------------------------
// Tampering, on documents signed by eseal (valid before the change).
// ---------------------------------------------------------------------------------------------

struct Signed {
    pki: fixture::Pki,
    store: TrustStore,
    ofd: Vec<u8>,
}

fn document(text: &str) -> Vec<u8> {
    let mut b = DocumentBuilder::new(DocumentMeta::default());
    let font = b.add_font("宋体", None);
    b.add_page(PageSize::A4)
        .text(font, 5.0, 20.0, 30.0, text, eseal::ofd::Color::BLACK);
    b.finish().unwrap()
}

fn sign_with(pki: &fixture::Pki, input: &[u8]) -> Vec<u8> {
    let seal = fixture::make_seal(pki, eseal::ses::SesVersion::V4);
    let request = SignRequest::seal(&seal, &pki.signer.cert, &pki.signer.key, fixture::t(30))
        .stamp(Stamp::on_page(PageSelector::Index(0), 150.0, 230.0));
    sign_document(input, &request).unwrap()
}

fn signed() -> Signed {
    let pki = fixture::Pki::new();
    let store = pki.store();
    let ofd = sign_with(&pki, &document("通知 notice"));
    Signed { pki, store, ofd }
}

impl Signed {
    fn verify(&self, ofd: &[u8]) -> DocumentReport {
        verify_document(
            ofd,
            &OfdVerifyOptions::new(fixture::opts_at(&self.store, fixture::t(40))),
        )
        .unwrap()
    }

    /// The package with `path` replaced by `f(old bytes)`.
    fn with(&self, path: &str, f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
        let pkg = OfdPackage::from_bytes(&self.ofd, &Limits::default()).unwrap();
        let mut data = pkg.get(path).unwrap().to_vec();
        f(&mut data);
        let mut edit = pkg.edit();
        edit.put(path, data).unwrap();
        edit.finish().unwrap()
    }
}

fn replace(data: &mut Vec<u8>, from: &str, to: &str) {
    let text = String::from_utf8(data.clone()).unwrap();
    assert!(text.contains(from), "{from:?} not in {text}");
    *data = text.replacen(from, to, 1).into_bytes();
}

fn assert_invalid_by(report: &DocumentReport, id: CheckId, what: &str) {
    assert_eq!(
        report.status(),
        Status::Invalid,
        "{what}: {}",
        report.to_json()
    );
    assert_eq!(
        status_of(report, 0, id),
        CheckStatus::Failed,
        "{what}: {}",
        report.to_json()
    );
}

#[test]
fn the_untampered_document_is_valid() {
    let s = signed();
    let report = s.verify(&s.ofd);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
}

#[test]
fn a_changed_byte_in_a_protected_page_fails_the_references() {
    let s = signed();
    let tampered = s.with("Doc_0/Pages/Page_0/Content.xml", |d| {
        replace(d, "notice", "noticE");
    });
    let report = s.verify(&tampered);
    assert_invalid_by(&report, CheckId::OfdReferences, "page");
    let msg = report.signatures()[0]
        .report()
        .check(CheckId::OfdReferences)
        .unwrap()
        .message();
    assert!(msg.contains("/Doc_0/Pages/Page_0/Content.xml"), "{msg}");
    // The seal signature itself is intact.
    assert_eq!(
        status_of(&report, 0, CheckId::SignatureValue),
        CheckStatus::Passed
    );
}

#[test]
fn a_changed_byte_in_signature_xml_fails_the_data_hash() {
    let s = signed();
    let tampered = s.with("Doc_0/Signs/Sign_0/Signature.xml", |d| {
        replace(d, "ProviderName=\"eseal\"", "ProviderName=\"esEal\"");
    });
    let report = s.verify(&tampered);
    assert_invalid_by(&report, CheckId::DataHash, "Signature.xml");
    assert_eq!(
        status_of(&report, 0, CheckId::OfdReferences),
        CheckStatus::Passed
    );
}

#[test]
fn a_changed_byte_in_signed_value_fails_the_signature_value() {
    let s = signed();
    let tampered = s.with("Doc_0/Signs/Sign_0/SignedValue.dat", |d| {
        // The last byte is inside the signer's signature value (s of r, s).
        let last = d.len() - 1;
        d[last] ^= 0x01;
    });
    let report = s.verify(&tampered);
    assert_invalid_by(&report, CheckId::SignatureValue, "SignedValue.dat");
}

#[test]
fn a_signed_value_swapped_from_another_document_fails_the_data_hash() {
    let s = signed();
    let other = sign_with(&s.pki, &document("另一份 another"));
    let other_value = OfdPackage::from_bytes(&other, &Limits::default())
        .unwrap()
        .get("Doc_0/Signs/Sign_0/SignedValue.dat")
        .unwrap()
        .to_vec();
    let tampered = s.with("Doc_0/Signs/Sign_0/SignedValue.dat", |d| *d = other_value);
    let report = s.verify(&tampered);
    assert_invalid_by(&report, CheckId::DataHash, "swapped");
    // It is a genuine signature, just over another document.
    assert_eq!(
        status_of(&report, 0, CheckId::SignatureValue),
        CheckStatus::Passed
    );
}

#[test]
fn a_file_added_after_signing_that_nothing_shows_is_named_in_a_warning() {
    // An annotation file no annotation index refers to: no reader shows it, so it is a
    // warning naming it, not a failure (tests/ofd_modification.rs has the visible cases).
    let s = signed();
    let pkg = OfdPackage::from_bytes(&s.ofd, &Limits::default()).unwrap();
    let mut edit = pkg.edit();
    edit.put(
        "Doc_0/Annots/Page_0/Annotation.xml",
        b"<ofd:PageAnnot/>".to_vec(),
    )
    .unwrap();
    let tampered = edit.finish().unwrap();
    let report = s.verify(&tampered);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(
        status_of(&report, 0, CheckId::OfdCoverage),
        CheckStatus::Passed
    );
    let warning = report.signatures()[0]
        .report()
        .warnings()
        .iter()
        .find(|w| w.code == "ofd.unprotected_file")
        .unwrap();
    assert!(
        warning
            .message
            .contains("Doc_0/Annots/Page_0/Annotation.xml"),
        "{}",
        warning.message
    );
    let doc = report
        .checks()
        .iter()
        .find(|c| c.id() == CheckId::DocumentCoverage)
        .unwrap();
    assert_eq!(doc.status(), CheckStatus::Passed);
    assert!(
        doc.message().contains("Doc_0/Annots/Page_0/Annotation.xml"),
        "{}",
        doc.message()
    );
    // The references themselves still hold.
    assert_eq!(
        status_of(&report, 0, CheckId::OfdReferences),
        CheckStatus::Passed
    );
}

fn document_check(report: &DocumentReport, id: CheckId) -> CheckStatus {
    report
        .checks()
        .iter()
        .find(|c| c.id() == id)
        .unwrap()
        .status()
}

#[test]
fn a_signature_list_pointing_outside_the_package_fails_the_structure() {
    let s = signed();
    // OFD.xml names a Signatures.xml above the package root.
    let tampered = s.with("OFD.xml", |d| {
        replace(d, "/Doc_0/Signs/Signatures.xml", "../../Signatures.xml");
    });
    let report = s.verify(&tampered);
    assert_eq!(report.status(), Status::Invalid, "{}", report.to_json());
    assert_eq!(
        document_check(&report, CheckId::DocumentStructure),
        CheckStatus::Failed
    );
    // A BaseLoc in Signatures.xml climbing out of the package.
    let tampered = s.with("Doc_0/Signs/Signatures.xml", |d| {
        replace(
            d,
            "/Doc_0/Signs/Sign_0/Signature.xml",
            "../../../Signature.xml",
        );
    });
    let report = s.verify(&tampered);
    assert_eq!(report.status(), Status::Invalid, "{}", report.to_json());
    let structure = report
        .checks()
        .iter()
        .find(|c| c.id() == CheckId::DocumentStructure)
        .unwrap();
    assert_eq!(structure.status(), CheckStatus::Failed);
    assert!(
        structure.message().contains("climbs out of the package"),
        "{}",
        structure.message()
    );
}

#[test]
fn an_unsigned_document_is_indeterminate_and_garbage_is_an_error() {
    let report = verify_document(&document("未签 unsigned"), &OfdVerifyOptions::default()).unwrap();
    assert_eq!(report.status(), Status::Indeterminate);
    assert!(report.signatures().is_empty());
    assert_eq!(
        document_check(&report, CheckId::DocumentSignatures),
        CheckStatus::Indeterminate
    );
    assert!(verify_document(b"not a zip", &OfdVerifyOptions::default()).is_err());
}

#[test]
fn a_digital_signature_detects_a_changed_signature_xml_and_signed_value() {
    let pki = fixture::Pki::new();
    let store = pki.store();
    let request = SignRequest::digital(&pki.signer.cert, &pki.signer.key, fixture::t(30));
    let ofd = sign_document(&document("数字签名 digital"), &request).unwrap();
    let s = Signed { pki, store, ofd };
    assert_eq!(s.verify(&s.ofd).status(), Status::Valid);
    let tampered = s.with("Doc_0/Signs/Sign_0/Signature.xml", |d| {
        replace(d, "ProviderName=\"eseal\"", "ProviderName=\"esEal\"");
    });
    assert_invalid_by(
        &s.verify(&tampered),
        CheckId::DataHash,
        "Sign: Signature.xml",
    );
    let tampered = s.with("Doc_0/Signs/Sign_0/SignedValue.dat", |d| {
        // The SignerInfo signature is the last field: flip a byte of s.
        let last = d.len() - 1;
        d[last] ^= 0x01;
    });
    assert_invalid_by(
        &s.verify(&tampered),
        CheckId::SignatureValue,
        "Sign: SignedValue.dat",
    );
}
