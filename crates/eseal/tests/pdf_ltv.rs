//! Long-term validation data in PDFs: document timestamps (`/SubFilter /ETSI.RFC3161`) with an
//! SM3 or a SHA-256 message imprint, and the DSS (`/DSS /Certs /CRLs /VRI`) whose certificates
//! and CRLs feed the trust engine (a chain whose intermediate, and a CRL, are only in the DSS).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "pki_support/ca.rs"]
mod ca;
#[path = "pdf_support/tools.rs"]
mod tools;

use eseal::pdf::{
    DocMdpPermission, Limits, SignRequest, prepare_document_timestamp, sign_document,
    verify_document,
};
use eseal::pki::tsp::{ImprintAlgorithm, LocalTsa};
use eseal::pki::{CertificateAuthority, Crl, CrlTemplate, SoftwareSigner, TrustStore};
use eseal::verify::{CheckId, CheckStatus, DocumentReport, Status, VerifyOptions};
use tools::{add_dss, check_status as check, have, pdfsig, qpdf_check, simple_pdf};

struct Setup {
    chain: ca::Chain,
    tsa: LocalTsa<SoftwareSigner>,
}

fn setup() -> Setup {
    let chain = ca::chain();
    let tsa = ca::tsa(&chain.root);
    Setup { chain, tsa }
}

fn verify(pdf: &[u8], s: &Setup) -> DocumentReport {
    let store = TrustStore::from_certificates([s.chain.root.certificate().clone()]);
    let opts = VerifyOptions::new()
        .trust_anchors(&store)
        .validation_time(ca::t(20));
    verify_document(pdf, &opts).unwrap()
}

/// `pdf` with a document timestamp whose imprint is `algorithm` over the byte ranges.
fn doc_timestamp(pdf: &[u8], s: &Setup, algorithm: ImprintAlgorithm) -> Vec<u8> {
    let prepared = prepare_document_timestamp(pdf, 8192, &Limits::default()).unwrap();
    let digest = algorithm.hash(&prepared.signed_parts().concat());
    let token = s
        .tsa
        .timestamp_digest(algorithm, &digest, ca::t(10), &[4, 2], None, true)
        .unwrap();
    prepared.finish(&token).unwrap()
}

fn signed_by_leaf(pdf: &[u8], s: &Setup) -> Vec<u8> {
    sign_document(
        pdf,
        &SignRequest::digital(&s.chain.leaf, &s.chain.leaf_key, ca::t(5)),
    )
    .unwrap()
}

/// A one-page PDF signed by the leaf with the intermediate embedded, certifying if asked.
fn signed_with_chain(s: &Setup, certify: Option<DocMdpPermission>) -> Vec<u8> {
    let mut request = SignRequest::digital(&s.chain.leaf, &s.chain.leaf_key, ca::t(5))
        .chain(std::slice::from_ref(s.chain.inter.certificate()));
    if let Some(p) = certify {
        request = request.certify(p);
    }
    sign_document(&simple_pdf(1), &request).unwrap()
}

#[test]
fn document_timestamps_with_sha256_and_sm3_imprints_verify() {
    let s = setup();
    let signed = signed_with_chain(&s, None);
    for algorithm in [ImprintAlgorithm::Sha256, ImprintAlgorithm::Sm3] {
        let pdf = doc_timestamp(&signed, &s, algorithm);
        let text = String::from_utf8_lossy(&pdf[signed.len()..]).into_owned();
        assert!(text.contains("/Type /DocTimeStamp"), "{text}");
        assert!(text.contains("/SubFilter /ETSI.RFC3161"), "{text}");
        let report = verify(&pdf, &s);
        assert_eq!(
            report.status(),
            Status::Valid,
            "{algorithm:?}: {}",
            report.to_json()
        );
        assert_eq!(report.signatures().len(), 2);
        assert_eq!(
            check(&report, 1, CheckId::SignatureValue),
            CheckStatus::Passed
        );
        // The signature before it: only a document timestamp's objects were added.
        assert_eq!(check(&report, 0, CheckId::PdfCoverage), CheckStatus::Passed);
        let dir = tempfile::tempdir().unwrap();
        if have("qpdf") {
            qpdf_check(dir.path(), "docts.pdf", &pdf);
        }
        if have("pdfsig") {
            let out = pdfsig(dir.path(), "docts.pdf", &pdf);
            // poppler lists the document timestamp (it cannot validate it: no SM2).
            let second = &out[out.find("Signature #2").expect("two signatures")..];
            assert!(second.contains("Total document signed"), "{out}");
        }
        // A byte changed inside the range: the imprint no longer matches.
        let mut bad = pdf.clone();
        let at = bad.windows(8).position(|w| w == b"(Page 1)").unwrap() + 1;
        bad[at] = b'X';
        let report = verify(&bad, &s);
        assert_eq!(
            check(&report, 1, CheckId::SignatureValue),
            CheckStatus::Failed,
            "{algorithm:?}: {}",
            report.to_json()
        );
    }
}

#[test]
fn a_document_timestamp_is_permitted_after_a_no_changes_certification() {
    let s = setup();
    let certified = signed_with_chain(&s, Some(DocMdpPermission::NoChanges));
    let pdf = doc_timestamp(&certified, &s, ImprintAlgorithm::Sha256);
    let report = verify(&pdf, &s);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(check(&report, 0, CheckId::PdfDocMdp), CheckStatus::Passed);
}

fn with_dss(pdf: &[u8], certs: &[Vec<u8>], crls: &[Vec<u8>]) -> Vec<u8> {
    // One OCSP-looking entry, counted and not used.
    add_dss(pdf, certs, crls, &[b"\x30\x03\x0a\x01\x00".to_vec()])
}

/// The message of the document-level `pdf.dss` warning.
fn dss_note(report: &DocumentReport) -> String {
    report
        .warnings()
        .iter()
        .find(|w| w.code == "pdf.dss")
        .unwrap_or_else(|| panic!("no pdf.dss note: {}", report.to_json()))
        .message
        .to_string()
}

fn crl(
    ca: &CertificateAuthority<SoftwareSigner>,
    revoked: Option<&eseal::pki::Certificate>,
) -> Crl {
    let mut template = CrlTemplate::new(ca::t(1), Some(ca::t(3000)), 1);
    if let Some(cert) = revoked {
        template = template.revoke(cert.serial(), ca::t(2), None);
    }
    ca.issue_crl(&template).unwrap()
}

#[test]
fn the_dss_supplies_the_intermediate_and_the_crls() {
    let s = setup();
    // The signature embeds the signer's certificate only: the intermediate is missing.
    let signed = signed_by_leaf(&simple_pdf(1), &s);
    let report = verify(&signed, &s);
    assert_eq!(
        report.status(),
        Status::Indeterminate,
        "{}",
        report.to_json()
    );
    assert_ne!(check(&report, 0, CheckId::SignerChain), CheckStatus::Passed);

    let inter = s.chain.inter.certificate().as_der().to_vec();
    let crls = [
        crl(&s.chain.root, None).as_der().to_vec(),
        crl(&s.chain.inter, None).as_der().to_vec(),
    ];
    let ltv = with_dss(&signed, std::slice::from_ref(&inter), &crls);
    let report = verify(&ltv, &s);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(check(&report, 0, CheckId::SignerChain), CheckStatus::Passed);
    assert_eq!(
        check(&report, 0, CheckId::SignerRevocation),
        CheckStatus::Passed,
        "{}",
        report.to_json()
    );
    // Adding the DSS is no change to what the signature covers.
    assert_eq!(check(&report, 0, CheckId::PdfCoverage), CheckStatus::Passed);
    let note = dss_note(&report);
    assert!(note.contains("1 certificate(s)"), "{}", note);
    assert!(note.contains("2 CRL(s)"), "{}", note);
    assert!(note.contains("1 OCSP"), "{}", note);
    let dir = tempfile::tempdir().unwrap();
    if have("qpdf") {
        qpdf_check(dir.path(), "dss.pdf", &ltv);
    }

    // A CRL in the DSS that revokes the signer (before it signed): the revocation check fails.
    let revoking = [
        crl(&s.chain.root, None).as_der().to_vec(),
        crl(&s.chain.inter, Some(&s.chain.leaf)).as_der().to_vec(),
    ];
    let report = verify(&with_dss(&signed, &[inter], &revoking), &s);
    assert_eq!(
        check(&report, 0, CheckId::SignerRevocation),
        CheckStatus::Failed,
        "{}",
        report.to_json()
    );
    assert_ne!(report.status(), Status::Valid);
}

#[test]
fn unreadable_dss_entries_are_named_and_do_not_break_verification() {
    let s = setup();
    let signed = signed_with_chain(&s, None);
    let garbage = add_dss(
        &signed,
        &[b"not a certificate".to_vec(), Vec::new()],
        &[b"\x30\x80\x00\x00".to_vec()],
        &[],
    );
    let report = verify(&garbage, &s);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    let note = dss_note(&report);
    assert!(note.contains("0 certificate(s)"), "{}", note);
    assert!(note.contains("3 entr(ies) cannot be read"), "{}", note);
}

#[test]
fn certified_riding_signature_then_dss_then_document_timestamp_all_verify() {
    // Everything at once: a /P 2 certification shown as a riding signature across both pages,
    // a DSS update with the intermediate and CRLs, a SHA-256 document timestamp.
    let s = setup();
    let certified = sign_document(
        &simple_pdf(2),
        &SignRequest::digital(&s.chain.leaf, &s.chain.leaf_key, ca::t(5))
            .certify(DocMdpPermission::FormFillingAndSigning)
            .stamp(
                eseal::pdf::Stamp::riding(
                    eseal::pdf::PageRange::All,
                    eseal::pdf::Edge::Right,
                    50.0,
                )
                .size(30.0, 30.0),
            ),
    )
    .unwrap();
    let crls = [
        crl(&s.chain.root, None).as_der().to_vec(),
        crl(&s.chain.inter, None).as_der().to_vec(),
    ];
    let ltv = add_dss(
        &certified,
        &[s.chain.inter.certificate().as_der().to_vec()],
        &crls,
        &[],
    );
    let pdf = doc_timestamp(&ltv, &s, ImprintAlgorithm::Sha256);
    if let Ok(out) = std::env::var("ESEAL_TEST_OUT") {
        // A seed for fuzz/seeds/pdf/.
        std::fs::write(
            std::path::Path::new(&out).join("ltv-certified-riding.pdf"),
            &pdf,
        )
        .unwrap();
    }
    let report = verify(&pdf, &s);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(report.signatures().len(), 2);
    assert_eq!(check(&report, 0, CheckId::PdfDocMdp), CheckStatus::Passed);
    assert_eq!(
        check(&report, 0, CheckId::SignerRevocation),
        CheckStatus::Passed
    );
    assert_eq!(check(&report, 0, CheckId::PdfCoverage), CheckStatus::Passed);
    let dir = tempfile::tempdir().unwrap();
    if have("qpdf") {
        qpdf_check(dir.path(), "everything.pdf", &pdf);
    }
}
