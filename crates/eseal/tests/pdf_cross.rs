//! eseal's PDF signer and verifier against an independent implementation, in both directions:
//! PDFs signed by `tools/pdfbox-sm2` (PDFBox 2 + BouncyCastle; SM2 CMS, detached, with and
//! without the certificate chain, with and without a timestamp) verify in eseal, and PDFs eseal
//! signs verify in the tool. Skipped (or failed under `ESEAL_REQUIRE_CROSS_TOOLS`) without Java
//! and the Debian jars.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "pki_support/ca.rs"]
mod ca;
#[path = "support/cross.rs"]
mod cross;
#[path = "support/pdfbox.rs"]
mod pdfbox;
#[path = "pdf_support/tools.rs"]
mod tools;

use std::path::{Path, PathBuf};

use eseal::keyfile::{self, KeyFormat};
use eseal::pdf::render::{Color, DocumentBuilder, DocumentMeta, PageSize};
use eseal::pdf::{
    Edge, LocalTsaSource, PageRange, PageSelector, SignRequest, Stamp, sign_document,
};
use eseal::pki::{Certificate, CertificateProfile, Policy, SoftwareSigner, TrustStore};
use eseal::time::Time;
use eseal::verify::{CheckId, CheckStatus, DocumentReport, Status, VerifyOptions};
use pdfbox::{SignOpts, pdfbox_sign, pdfbox_verify};

fn now() -> Time {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    Time::from_unix_seconds(secs)
}

fn rendered_pdf() -> Vec<u8> {
    let mut meta = DocumentMeta::default();
    meta.title = Some("交叉测试 cross test".into());
    let mut doc = DocumentBuilder::new(meta);
    let song = doc.standard_font();
    doc.add_page(PageSize::A4)
        .text(song, 6.0, 20.0, 20.0, "电子签章交叉测试", Color::BLACK);
    doc.add_page(PageSize::A4)
        .text(song, 6.0, 20.0, 20.0, "第二页", Color::BLACK);
    doc.finish().unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn pem_key(key: &SoftwareSigner) -> Vec<u8> {
    keyfile::encode(
        key.secret_key(),
        KeyFormat::Pkcs8Pem,
        None,
        &Default::default(),
        &mut ca::rng(),
    )
    .unwrap()
    .to_vec()
}

/// root → intermediate → signer, and a TSA certified by the root; their PEM files in `dir`.
struct Setup {
    chain: ca::Chain,
    tsa: eseal::pki::tsp::LocalTsa<SoftwareSigner>,
    key: PathBuf,
    cert: PathBuf,
    inter: PathBuf,
    root: PathBuf,
    tsa_key_pem: PathBuf,
    tsa_pem: PathBuf,
    input: PathBuf,
}

fn setup(dir: &Path) -> Setup {
    let chain = ca::chain();
    let tsa_key = ca::key();
    let tsa_cert = chain
        .root
        .issue(
            &ca::template(CertificateProfile::Tsa, "eseal Test TSA"),
            &eseal::pki::Signer::public_key_spki(&tsa_key).unwrap(),
            &mut ca::rng(),
        )
        .unwrap();
    Setup {
        key: write(dir, "leaf.key", &pem_key(&chain.leaf_key)),
        cert: write(dir, "leaf.pem", chain.leaf.to_pem().as_bytes()),
        inter: write(
            dir,
            "inter.pem",
            chain.inter.certificate().to_pem().as_bytes(),
        ),
        root: write(
            dir,
            "root.pem",
            chain.root.certificate().to_pem().as_bytes(),
        ),
        tsa_key_pem: write(dir, "tsa.key", &pem_key(&tsa_key)),
        tsa: eseal::pki::tsp::LocalTsa::new(
            tsa_cert.clone(),
            tsa_key,
            der::asn1::ObjectIdentifier::new_unwrap("1.2.3.4.5"),
        )
        .unwrap(),
        tsa_pem: write(dir, "tsa.pem", tsa_cert.to_pem().as_bytes()),
        input: write(dir, "in.pdf", &rendered_pdf()),
        chain,
    }
}

fn eseal_verify(pdf: &[u8], s: &Setup, intermediates: &[Certificate]) -> DocumentReport {
    let store = TrustStore::from_certificates([s.chain.root.certificate().clone()]);
    let opts = VerifyOptions::new()
        .trust_anchors(&store)
        .intermediates(intermediates)
        .policy(Policy::strict())
        .validation_time(now());
    eseal::pdf::verify_document(pdf, &opts).unwrap()
}

fn status(report: &DocumentReport, sig: usize, id: CheckId) -> CheckStatus {
    report.signatures()[sig]
        .report()
        .checks()
        .iter()
        .find(|c| c.id() == id)
        .unwrap_or_else(|| panic!("no {id:?}: {}", report.to_json()))
        .status()
}

#[test]
fn pdfbox_signed_pdfs_verify_in_eseal() {
    if !pdfbox::available() {
        return;
    }
    let dir = cross::temp_dir();
    let d = dir.path();
    let s = setup(d);
    let inter = [s.chain.inter.certificate().clone()];
    // With the chain embedded, with a timestamp, without the chain (the intermediate comes
    // from the verifier), without any certificate.
    let cases: [(&str, SignOpts, &[Certificate], Status); 4] = [
        (
            "chain",
            SignOpts {
                chain: Some(s.inter.clone()),
                ..SignOpts::default()
            },
            &[],
            Status::Valid,
        ),
        (
            "chain+tsa",
            SignOpts {
                chain: Some(s.inter.clone()),
                tsa: Some((s.tsa_key_pem.clone(), s.tsa_pem.clone())),
                ..SignOpts::default()
            },
            &[],
            Status::Valid,
        ),
        ("signer-only", SignOpts::default(), &inter, Status::Valid),
        (
            "no-certs",
            SignOpts {
                no_certs: true,
                ..SignOpts::default()
            },
            &inter,
            Status::Indeterminate,
        ),
    ];
    for (name, opts, intermediates, expected) in cases {
        let out = d.join(format!("{name}.pdf"));
        pdfbox_sign(&s.input, &out, &s.key, &s.cert, &opts).unwrap();
        let pdf = std::fs::read(&out).unwrap();
        let report = eseal_verify(&pdf, &s, intermediates);
        assert_eq!(report.status(), expected, "{name}: {}", report.to_json());
        assert_eq!(
            status(&report, 0, CheckId::PdfByteRange),
            CheckStatus::Passed,
            "{name}"
        );
        assert_eq!(
            status(&report, 0, CheckId::PdfCoverage),
            CheckStatus::Passed,
            "{name}"
        );
        if expected == Status::Valid {
            assert_eq!(
                status(&report, 0, CheckId::DataHash),
                CheckStatus::Passed,
                "{name}"
            );
        }
        if name == "chain+tsa" {
            assert_eq!(status(&report, 0, CheckId::Timestamp), CheckStatus::Passed);
        }
        // Tampering inside the signed range: eseal says INVALID.
        if expected == Status::Valid {
            let mut bad = pdf.clone();
            let at = bad.windows(7).position(|w| w == b"/Title ").unwrap() + 8;
            bad[at] ^= 1;
            let report = eseal_verify(&bad, &s, intermediates);
            assert_eq!(report.status(), Status::Invalid, "{name} tampered");
        }
    }
}

#[test]
fn eseal_signed_pdfs_verify_in_pdfbox() {
    if !pdfbox::available() {
        return;
    }
    let dir = cross::temp_dir();
    let d = dir.path();
    let s = setup(d);
    let input = rendered_pdf();
    let source = LocalTsaSource::new(&s.tsa, now());
    let chain = [s.chain.inter.certificate().clone()];
    let plain = sign_document(
        &input,
        &SignRequest::digital(&s.chain.leaf, &s.chain.leaf_key, now())
            .chain(&chain)
            .stamp(Stamp::on_page(PageSelector::Index(0), 30.0, 50.0).size(40.0, 20.0)),
    )
    .unwrap();
    let stamped = sign_document(
        &input,
        &SignRequest::digital(&s.chain.leaf, &s.chain.leaf_key, now())
            .chain(&chain)
            .timestamp(&source),
    )
    .unwrap();
    for (name, pdf) in [("plain", &plain), ("timestamped", &stamped)] {
        let path = write(d, &format!("eseal-{name}.pdf"), pdf);
        let outcome = pdfbox_verify(&path, Some(&s.root));
        assert!(outcome.ok, "{name}: {outcome}");
        let sig = &outcome.signatures[0];
        assert!(sig.whole_file, "{name}: {outcome}");
        assert_eq!(sig.chain, "ok", "{name}: {outcome}");
        if name == "timestamped" {
            assert_eq!(sig.timestamp, "ok", "{name}: {outcome}");
        }
    }
    // eseal signs on top of a PDFBox signature, and PDFBox on top of eseal's: every
    // signature stays valid in both.
    let pdfbox_first = d.join("pdfbox-first.pdf");
    pdfbox_sign(
        &write(d, "in2.pdf", &input),
        &pdfbox_first,
        &s.key,
        &s.cert,
        &SignOpts {
            chain: Some(s.inter.clone()),
            ..SignOpts::default()
        },
    )
    .unwrap();
    let then_eseal = sign_document(
        &std::fs::read(&pdfbox_first).unwrap(),
        &SignRequest::digital(&s.chain.leaf, &s.chain.leaf_key, now()).chain(&chain),
    )
    .unwrap();
    let eseal_first = write(d, "eseal-first.pdf", &plain);
    let then_pdfbox = d.join("then-pdfbox.pdf");
    pdfbox_sign(
        &eseal_first,
        &then_pdfbox,
        &s.key,
        &s.cert,
        &SignOpts {
            chain: Some(s.inter.clone()),
            ..SignOpts::default()
        },
    )
    .unwrap();
    for (name, pdf) in [
        ("pdfbox then eseal", then_eseal),
        ("eseal then pdfbox", std::fs::read(&then_pdfbox).unwrap()),
    ] {
        let report = eseal_verify(&pdf, &s, &[]);
        assert_eq!(
            report.status(),
            Status::Valid,
            "{name}: {}",
            report.to_json()
        );
        assert_eq!(report.signatures().len(), 2, "{name}");
        let path = write(d, "two.pdf", &pdf);
        let outcome = pdfbox_verify(&path, Some(&s.root));
        assert!(outcome.ok, "{name}: {outcome}");
        assert_eq!(outcome.signatures.len(), 2, "{name}: {outcome}");
    }
}

#[test]
fn riding_signatures_verify_in_pdfbox_and_survive_its_signature() {
    // A riding digital signature (one field, a widget per page) verifies in PDFBox; PDFBox signs
    // on top of it, and eseal finds both valid.
    if !pdfbox::available() {
        return;
    }
    let dir = cross::temp_dir();
    let d = dir.path();
    let s = setup(d);
    let chain = [s.chain.inter.certificate().clone()];
    let riding = sign_document(
        &rendered_pdf(),
        &SignRequest::digital(&s.chain.leaf, &s.chain.leaf_key, now())
            .chain(&chain)
            .stamp(Stamp::riding(PageRange::All, Edge::Right, 60.0).size(40.0, 40.0)),
    )
    .unwrap();
    let path = write(d, "riding.pdf", &riding);
    let outcome = pdfbox_verify(&path, Some(&s.root));
    assert!(outcome.ok, "{outcome}");
    assert_eq!(outcome.signatures.len(), 1, "{outcome}");
    assert!(outcome.signatures[0].whole_file, "{outcome}");
    let on_top = d.join("riding-then-pdfbox.pdf");
    pdfbox_sign(
        &path,
        &on_top,
        &s.key,
        &s.cert,
        &SignOpts {
            chain: Some(s.inter.clone()),
            ..SignOpts::default()
        },
    )
    .unwrap();
    let report = eseal_verify(&std::fs::read(&on_top).unwrap(), &s, &[]);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(report.signatures().len(), 2);
    let outcome = pdfbox_verify(&on_top, Some(&s.root));
    assert!(outcome.ok, "{outcome}");
    assert_eq!(outcome.signatures.len(), 2, "{outcome}");
}

#[test]
fn a_pdfbox_signature_without_certificates_verifies_from_the_dss() {
    // PDFBox signs embedding no certificate; a later update adds a DSS with the signer's and
    // the intermediate's certificates: eseal finds the signer there and builds the path.
    if !pdfbox::available() {
        return;
    }
    let dir = cross::temp_dir();
    let d = dir.path();
    let s = setup(d);
    let out = d.join("no-certs.pdf");
    let opts = SignOpts {
        no_certs: true,
        ..SignOpts::default()
    };
    pdfbox_sign(&s.input, &out, &s.key, &s.cert, &opts).unwrap();
    let pdf = std::fs::read(&out).unwrap();
    assert_eq!(eseal_verify(&pdf, &s, &[]).status(), Status::Indeterminate);
    let ltv = tools::add_dss(
        &pdf,
        &[
            s.chain.leaf.as_der().to_vec(),
            s.chain.inter.certificate().as_der().to_vec(),
        ],
        &[],
        &[],
    );
    let report = eseal_verify(&ltv, &s, &[]);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(
        status(&report, 0, CheckId::PdfCoverage),
        CheckStatus::Passed
    );
    // PDFBox still finds its signature intact in the file with the DSS (the tool reads no
    // DSS, so it is given the signer's certificate and checks no chain).
    let path = write(d, "ltv.pdf", &ltv);
    let outcome = pdfbox::pdfbox_verify_with(
        &path,
        &pdfbox::VerifyOpts {
            cert: Some(s.cert.clone()),
            ..pdfbox::VerifyOpts::default()
        },
    );
    assert!(outcome.ok, "{outcome}");
    assert_eq!(outcome.signatures[0].chain, "unchecked", "{outcome}");
}
