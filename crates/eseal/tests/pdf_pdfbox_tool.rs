//! The independent SM2 PDF signer/verifier `tools/pdfbox-sm2` (PDFBox 2 + BouncyCastle) works:
//! it signs PDFs made by `eseal::pdf::render` with keys and certificates made by eseal and by
//! OpenSSL, its own verify accepts them, `pdfsig` lists them, `qpdf --check` passes,
//! `openssl cms -verify` agrees on the CMS, and tampering makes its verify fail.
//!
//! The eseal ↔ tool cross tests of eseal's own PDF signer and verifier build on
//! `support/pdfbox.rs`.
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

use std::path::{Path, PathBuf};

use eseal::keyfile::{self, KeyFormat};
use eseal::pdf::render::{Color, DocumentBuilder, DocumentMeta, PageSize};
use eseal::pki::cms::{Content, SignedData, VerifyOptions};
use pdfbox::{
    SignOpts, VerifyOpts, last_signature, pdfbox_sign, pdfbox_verify, pdfbox_verify_with,
};

const DISTID: &str = "distid:1234567812345678";

/// A two-page PDF made by eseal's renderer.
fn rendered_pdf() -> Vec<u8> {
    let mut meta = DocumentMeta::default();
    meta.title = Some("PDFBox SM2 测试".into());
    let mut doc = DocumentBuilder::new(meta);
    let song = doc.standard_font();
    doc.add_page(PageSize::A4)
        .text(song, 6.0, 20.0, 20.0, "合同：电子签章测试", Color::BLACK)
        .line((20.0, 30.0), (190.0, 30.0), 0.5, Color::RED);
    doc.add_page(PageSize::A4)
        .text(song, 6.0, 20.0, 20.0, "第二页 page 2", Color::BLACK);
    doc.finish().unwrap()
}

/// A temporary directory holding `in.pdf` (made by [`rendered_pdf`]), or `None` (the test is
/// skipped) when the tool, or OpenSSL where `openssl` asks for it, is missing.
fn fixture(openssl: bool) -> Option<(tempfile::TempDir, PathBuf)> {
    if !pdfbox::available() || (openssl && !cross::have_openssl()) {
        return None;
    }
    let dir = cross::temp_dir();
    let input = write(dir.path(), "in.pdf", &rendered_pdf());
    Some((dir, input))
}

/// Sign options that embed `chain` after the signer's certificate.
fn with_chain(chain: &Path) -> SignOpts {
    SignOpts {
        chain: Some(chain.to_path_buf()),
        ..SignOpts::default()
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Key and certificates of an eseal-made chain root → intermediate → signer, as PEM files.
struct Pems {
    key: PathBuf,
    cert: PathBuf,
    chain: PathBuf,
    root: PathBuf,
}

fn eseal_pems(dir: &Path, key_format: KeyFormat) -> Pems {
    let c = ca::chain();
    let key = keyfile::encode(
        c.leaf_key.secret_key(),
        key_format,
        None,
        &Default::default(),
        &mut ca::rng(),
    )
    .unwrap();
    Pems {
        key: write(dir, "eseal-leaf.key", &key),
        cert: write(dir, "eseal-leaf.pem", c.leaf.to_pem().as_bytes()),
        chain: write(
            dir,
            "eseal-inter.pem",
            c.inter.certificate().to_pem().as_bytes(),
        ),
        root: write(
            dir,
            "eseal-root.pem",
            c.root.certificate().to_pem().as_bytes(),
        ),
    }
}

/// An OpenSSL-made chain root → signer, plus a TSA certificate from the same root; keys
/// as SEC1 with an EC PARAMETERS block (`ecparam -genkey`) and as PKCS#8 (`genpkey`).
struct OpensslPki {
    root: PathBuf,
    leaf_key: PathBuf,
    leaf: PathBuf,
    tsa_key: PathBuf,
    tsa: PathBuf,
}

fn openssl_pki(dir: &Path) -> OpensslPki {
    let d = |n: &str| dir.join(n).to_str().unwrap().to_owned();
    std::fs::write(
        d("ext.cnf"),
        "[v3_ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n\
         subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n\
         [v3_ee]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n\
         subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n\
         [v3_tsa]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n\
         extendedKeyUsage=critical,timeStamping\n\
         subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n",
    )
    .unwrap();
    cross::run(
        "openssl",
        &["ecparam", "-genkey", "-name", "SM2", "-out", &d("leaf.key")],
        None,
    );
    for name in ["root", "tsa"] {
        cross::run(
            "openssl",
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:SM2",
                "-out",
                &d(&format!("{name}.key")),
            ],
            None,
        );
    }
    for name in ["root", "leaf", "tsa"] {
        let subj = format!("/C=CN/O=OpenSSL SM2/CN=OSSL {name}");
        cross::run(
            "openssl",
            &[
                "req",
                "-new",
                "-key",
                &d(&format!("{name}.key")),
                "-subj",
                &subj,
                "-sm3",
                "-sigopt",
                DISTID,
                "-out",
                &d(&format!("{name}.csr")),
            ],
            None,
        );
    }
    cross::run(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            &d("root.csr"),
            "-signkey",
            &d("root.key"),
            "-sm3",
            "-days",
            "3650",
            "-extfile",
            &d("ext.cnf"),
            "-extensions",
            "v3_ca",
            "-sigopt",
            DISTID,
            "-vfyopt",
            DISTID,
            "-out",
            &d("root.pem"),
        ],
        None,
    );
    for (name, ext) in [("leaf", "v3_ee"), ("tsa", "v3_tsa")] {
        cross::run(
            "openssl",
            &[
                "x509",
                "-req",
                "-in",
                &d(&format!("{name}.csr")),
                "-CA",
                &d("root.pem"),
                "-CAkey",
                &d("root.key"),
                "-CAcreateserial",
                "-sm3",
                "-days",
                "365",
                "-extfile",
                &d("ext.cnf"),
                "-extensions",
                ext,
                "-sigopt",
                DISTID,
                "-vfyopt",
                DISTID,
                "-out",
                &d(&format!("{name}.pem")),
            ],
            None,
        );
    }
    OpensslPki {
        root: d("root.pem").into(),
        leaf_key: d("leaf.key").into(),
        leaf: d("leaf.pem").into(),
        tsa_key: d("tsa.key").into(),
        tsa: d("tsa.pem").into(),
    }
}

fn pdfsig(pdf: &Path) -> String {
    // pdfsig exits non-zero when it cannot validate (NSS knows no SM3); its listing is on stdout.
    let out = std::process::Command::new("pdfsig")
        .arg(pdf)
        .output()
        .expect("start pdfsig");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn have_pdf_tools() -> bool {
    pdfbox::available()
        && cross::tool_available("poppler-utils", &["pdfsig", "-v"])
        && cross::tool_available("qpdf", &["qpdf", "--version"])
}

fn qpdf_check(pdf: &Path) {
    let out = cross::run("qpdf", &["--check", s(pdf)], None);
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.contains("No syntax or stream encoding errors"),
        "{text}"
    );
}

#[test]
fn signs_with_eseal_keys_and_chain_and_verifies() {
    if !have_pdf_tools() {
        return;
    }
    let Some((dir, input)) = fixture(false) else {
        return;
    };
    let d = dir.path();
    let original = std::fs::read(&input).unwrap();
    for (format, name) in [(KeyFormat::Pkcs8Pem, "pkcs8"), (KeyFormat::Sec1Pem, "sec1")] {
        let pems = eseal_pems(d, format);
        let output = d.join(format!("signed-{name}.pdf"));
        let opts = with_chain(&pems.chain);
        pdfbox_sign(&input, &output, &pems.key, &pems.cert, &opts).unwrap();
        let signed = std::fs::read(&output).unwrap();
        assert!(
            signed.starts_with(&original),
            "an incremental update keeps the original"
        );

        let outcome = pdfbox_verify(&output, Some(&pems.root));
        assert!(outcome.ok, "{outcome}");
        let [sig] = &outcome.signatures[..] else {
            panic!("{outcome}")
        };
        assert!(sig.is_ok() && sig.whole_file, "{outcome}");
        assert_eq!(sig.chain, "ok", "{outcome}");
        assert_eq!(sig.subfilter, "adbe.pkcs7.detached");
        assert!(sig.subject.contains("CN=签章者 Zhang San"), "{outcome}");

        // Without the intermediate in the CMS or as --cert, no path to the root.
        let bare = d.join(format!("bare-{name}.pdf"));
        pdfbox_sign(&input, &bare, &pems.key, &pems.cert, &SignOpts::default()).unwrap();
        let outcome = pdfbox_verify(&bare, Some(&pems.root));
        assert!(!outcome.ok, "{outcome}");
        assert!(
            outcome.signatures[0].chain.starts_with("failed"),
            "{outcome}"
        );
        assert_eq!(outcome.signatures[0].signature, "ok", "{outcome}");
        // Without an anchor the chain is not checked, and the signature stands.
        assert!(pdfbox_verify(&bare, None).ok);

        qpdf_check(&output);
        let listing = pdfsig(&output);
        assert!(listing.contains("Signature #1"), "{listing}");
        assert!(listing.contains("adbe.pkcs7.detached"), "{listing}");
        assert!(listing.contains("Total document signed"), "{listing}");
        assert!(listing.contains("Zhang San"), "{listing}");
    }
}

#[test]
fn eseal_reads_the_tools_cms() {
    let Some((dir, input)) = fixture(false) else {
        return;
    };
    let d = dir.path();
    let pems = eseal_pems(d, KeyFormat::Pkcs8Pem);
    // The DER forms (the BER of `--ber`: `ber_form_is_indefinite_length`).
    for sm2_1 in [false, true] {
        let output = d.join("signed.pdf");
        let opts = SignOpts {
            sig_oid_sm2_1: sm2_1,
            ..with_chain(&pems.chain)
        };
        pdfbox_sign(&input, &output, &pems.key, &pems.cert, &opts).unwrap();
        assert!(pdfbox_verify(&output, Some(&pems.root)).ok);
        let (signed, cms) = last_signature(&std::fs::read(&output).unwrap());
        let sd = SignedData::from_der(&cms).unwrap();
        assert!(sd.is_detached());
        assert_eq!(sd.certificates().len(), 2, "signer and intermediate");
        let results = sd
            .verify(Content::Bytes(&signed), &VerifyOptions::lenient())
            .unwrap();
        assert!(
            results.iter().all(|r| r.is_valid()),
            "sm2-1 {sm2_1}: {results:?}"
        );
    }
}

/// `--ber` gives what PDFBox's own signing example returns (`CMSSignedData.getEncoded()`):
/// indefinite-length BER, which the tool's verify and OpenSSL read.
#[test]
fn ber_form_is_indefinite_length() {
    let Some((dir, input)) = fixture(true) else {
        return;
    };
    let d = dir.path();
    let pems = eseal_pems(d, KeyFormat::Pkcs8Pem);
    let output = d.join("ber.pdf");
    let opts = SignOpts {
        chain: Some(pems.chain.clone()),
        ber: true,
        ..SignOpts::default()
    };
    pdfbox_sign(&input, &output, &pems.key, &pems.cert, &opts).unwrap();
    assert!(pdfbox_verify(&output, Some(&pems.root)).ok);
    let (_, cms) = last_signature(&std::fs::read(&output).unwrap());
    assert_eq!(cms[..2], [0x30, 0x80], "ContentInfo with indefinite length");
    let printed = String::from_utf8(cross::run(
        "openssl",
        &["cms", "-cmsout", "-print", "-inform", "DER"],
        Some(&cms),
    ))
    .unwrap();
    assert!(printed.contains("pkcs7-signedData"), "{printed}");
    // eseal reads it as its DER re-encoding and names the deviation; strict mode refuses it.
    let (signed, _) = last_signature(&std::fs::read(&output).unwrap());
    let sd = SignedData::from_der(&cms).unwrap();
    assert!(sd.was_ber());
    assert_eq!(sd.as_der()[1], 0x82, "definite length after re-encoding");
    let results = sd
        .verify(Content::Bytes(&signed), &VerifyOptions::lenient())
        .unwrap();
    assert!(results.iter().all(|r| r.is_valid()), "{results:?}");
    assert!(
        results.iter().all(|r| r
            .deviations
            .contains(&eseal::pki::cms::Deviation::BerEncoding)),
        "{results:?}"
    );
    assert!(
        sd.verify(Content::Bytes(&signed), &VerifyOptions::strict())
            .is_err()
    );
    // The whole PDF: not called forged over the encoding; the deviation is a named warning.
    let report = eseal::document::verify(
        &std::fs::read(&output).unwrap(),
        &eseal::document::DocumentVerifyOptions::new(eseal::verify::VerifyOptions::new()),
    )
    .unwrap();
    assert_ne!(
        report.status(),
        eseal::verify::Status::Invalid,
        "{}",
        report.to_json()
    );
    assert!(
        report.to_json().contains("cms.ber-encoding"),
        "{}",
        report.to_json()
    );
}

#[test]
fn signs_with_openssl_keys_and_a_timestamp() {
    if !have_pdf_tools() {
        return;
    }
    let Some((dir, input)) = fixture(true) else {
        return;
    };
    let d = dir.path();
    let pki = openssl_pki(d);
    let output = d.join("signed.pdf");
    let opts = SignOpts {
        tsa: Some((pki.tsa_key.clone(), pki.tsa.clone())),
        ..SignOpts::default()
    };
    pdfbox_sign(&input, &output, &pki.leaf_key, &pki.leaf, &opts).unwrap();
    let outcome = pdfbox_verify(&output, Some(&pki.root));
    assert!(outcome.ok, "{outcome}");
    let sig = &outcome.signatures[0];
    assert_eq!(sig.timestamp, "ok", "{outcome}");
    assert_eq!(sig.chain, "ok", "{outcome}");
    assert!(sig.subject.contains("CN=OSSL leaf"), "{outcome}");
    qpdf_check(&output);

    // The token is where RFC 3161 Appendix A puts it, over the signature value.
    let (_, cms) = last_signature(&std::fs::read(&output).unwrap());
    let sd = SignedData::from_der(&cms).unwrap();
    let tokens = sd.unsigned_attribute_values(0, &eseal::oid::ATTR_TIMESTAMP_TOKEN);
    assert_eq!(tokens.len(), 1);
    // eseal's timestamp verifier agrees with the tool's: the token covers the signature value.
    let info = eseal::pki::tsp::verify_token(tokens[0], sd.signature_value(0).unwrap()).unwrap();
    assert!(
        info.tsa_certificate.subject_string().contains("OSSL tsa"),
        "{info:?}"
    );
    assert!(info.signing_certificate_bound, "ESSCertIDv2 with SM3");
    let printed = String::from_utf8(cross::run(
        "openssl",
        &["cms", "-cmsout", "-print", "-inform", "DER"],
        Some(&cms),
    ))
    .unwrap();
    assert!(printed.contains("id-smime-aa-timeStampToken"), "{printed}");
}

#[test]
fn signs_without_certificates() {
    let Some((dir, input)) = fixture(true) else {
        return;
    };
    let d = dir.path();
    let pki = openssl_pki(d);
    let output = d.join("signed.pdf");
    let opts = SignOpts {
        no_certs: true,
        ..SignOpts::default()
    };
    pdfbox_sign(&input, &output, &pki.leaf_key, &pki.leaf, &opts).unwrap();
    let (_, cms) = last_signature(&std::fs::read(&output).unwrap());
    assert!(
        SignedData::from_der(&cms)
            .unwrap()
            .certificates()
            .is_empty()
    );

    let outcome = pdfbox_verify(&output, None);
    assert!(!outcome.ok, "{outcome}");
    assert_eq!(outcome.signatures[0].digest, "ok");
    assert_eq!(
        outcome.signatures[0].signature,
        "signer-certificate-not-found"
    );
    let outcome = pdfbox_verify_with(
        &output,
        &VerifyOpts {
            anchor: Some(pki.root.clone()),
            cert: Some(pki.leaf.clone()),
            empty_id: false,
        },
    );
    assert!(outcome.ok, "{outcome}");
}

#[test]
fn openssl_cms_agrees() {
    let Some((dir, input)) = fixture(true) else {
        return;
    };
    let d = dir.path();
    let pki = openssl_pki(d);
    let openssl_verify = |cms: &[u8], signed: &[u8]| {
        let cms_file = write(d, "sig.der", cms);
        let content = write(d, "signed.bin", signed);
        cross::try_run(
            "openssl",
            &[
                "cms",
                "-verify",
                "-noverify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                s(&cms_file),
                "-content",
                s(&content),
                "-out",
                "/dev/null",
            ],
            None,
        )
    };

    // OpenSSL 3.0 checks SM2 in CMS with the empty ID: with --empty-id it accepts the
    // tool's CMS (digest and signature), under either signature OID, and refuses it once a
    // signed byte changes.
    for sm2_1 in [false, true] {
        let output = d.join(format!("empty-{sm2_1}.pdf"));
        let opts = SignOpts {
            empty_id: true,
            sig_oid_sm2_1: sm2_1,
            ..SignOpts::default()
        };
        pdfbox_sign(&input, &output, &pki.leaf_key, &pki.leaf, &opts).unwrap();
        let outcome = pdfbox_verify_with(
            &output,
            &VerifyOpts {
                anchor: Some(pki.root.clone()),
                empty_id: true,
                ..VerifyOpts::default()
            },
        );
        assert!(outcome.ok, "{outcome}");
        // And the tool does not accept it under the default ID.
        assert_eq!(
            pdfbox_verify(&output, None).signatures[0].signature,
            "invalid"
        );

        let (signed, cms) = last_signature(&std::fs::read(&output).unwrap());
        openssl_verify(&cms, &signed).unwrap();
        let mut altered = signed.clone();
        altered[100] ^= 1;
        let err = openssl_verify(&cms, &altered).unwrap_err();
        assert!(
            err.contains("content verify error") || err.contains("digest failure"),
            "{err}"
        );

        let printed = String::from_utf8(cross::run(
            "openssl",
            &["cms", "-cmsout", "-print", "-inform", "DER"],
            Some(&cms),
        ))
        .unwrap();
        assert!(printed.contains("sm3 (1.2.156.10197.1.401)"), "{printed}");
        let sig_alg = if sm2_1 {
            "1.2.156.10197.1.301.1"
        } else {
            "SM2-with-SM3 (1.2.156.10197.1.501)"
        };
        assert!(printed.contains(sig_alg), "{printed}");
        assert!(printed.contains("pkcs7-signedData"), "{printed}");
    }

    // The default ID (the tool's and the field's form): OpenSSL refuses the signature.
    let output = d.join("default.pdf");
    pdfbox_sign(
        &input,
        &output,
        &pki.leaf_key,
        &pki.leaf,
        &SignOpts::default(),
    )
    .unwrap();
    let (signed, cms) = last_signature(&std::fs::read(&output).unwrap());
    let err = openssl_verify(&cms, &signed).unwrap_err();
    assert!(err.contains("verification failure"), "{err}");
}

#[test]
fn tampering_fails_its_verify() {
    let Some((dir, input)) = fixture(false) else {
        return;
    };
    let d = dir.path();
    let pems = eseal_pems(d, KeyFormat::Pkcs8Pem);
    let output = d.join("signed.pdf");
    let opts = with_chain(&pems.chain);
    pdfbox_sign(&input, &output, &pems.key, &pems.cert, &opts).unwrap();
    let signed = std::fs::read(&output).unwrap();
    assert!(pdfbox_verify(&output, Some(&pems.root)).ok);

    // One byte inside the signed range (in the original document's content stream data).
    let stream = signed.windows(6).position(|w| w == b"stream").unwrap() + 20;
    let mut altered = signed.clone();
    altered[stream] ^= 0x01;
    let path = write(d, "altered.pdf", &altered);
    let outcome = pdfbox_verify(&path, Some(&pems.root));
    assert!(!outcome.ok, "{outcome}");
    assert_eq!(outcome.signatures[0].digest, "mismatch", "{outcome}");

    // One hex digit of the signature value inside /Contents (the DER structure stays).
    let (_, cms) = last_signature(&signed);
    let sd = SignedData::from_der(&cms).unwrap();
    let value = sd.signature_value(0).unwrap();
    let value_at = cms.windows(value.len()).position(|w| w == value).unwrap();
    let hole = signed
        .windows(10)
        .rposition(|w| w == b"/Contents ")
        .unwrap();
    let hex_start = hole + signed[hole..].iter().position(|&b| b == b'<').unwrap() + 1;
    let digit = hex_start + 2 * (value_at + value.len() - 3);
    let mut altered = signed.clone();
    altered[digit] = if altered[digit] == b'0' { b'1' } else { b'0' };
    let path = write(d, "altered-sig.pdf", &altered);
    let outcome = pdfbox_verify(&path, Some(&pems.root));
    assert!(!outcome.ok, "{outcome}");
    assert_eq!(outcome.signatures[0].digest, "ok", "{outcome}");
    assert_ne!(outcome.signatures[0].signature, "ok", "{outcome}");

    // Bytes appended after the signature: the signature holds, it no longer covers the file.
    let mut appended = signed.clone();
    appended.extend_from_slice(b"\n% appended\n");
    let path = write(d, "appended.pdf", &appended);
    let outcome = pdfbox_verify(&path, Some(&pems.root));
    assert!(outcome.ok, "{outcome}");
    assert!(!outcome.signatures[0].whole_file, "{outcome}");

    // A ByteRange moved off the /Contents hole.
    let br = signed
        .windows(11)
        .rposition(|w| w == b"/ByteRange ")
        .unwrap();
    let text = std::str::from_utf8(&signed[br..br + 60]).unwrap();
    let first_len: String = text
        .split_whitespace()
        .nth(2)
        .unwrap()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let shifted = (first_len.parse::<u64>().unwrap() - 1).to_string();
    if shifted.len() == first_len.len() {
        let mut altered = signed.clone();
        let at = br + text.find(&first_len).unwrap();
        altered[at..at + first_len.len()].copy_from_slice(shifted.as_bytes());
        let path = write(d, "shifted.pdf", &altered);
        let outcome = pdfbox_verify(&path, Some(&pems.root));
        assert!(!outcome.ok, "{outcome}");
        assert_ne!(outcome.signatures[0].byte_range, "ok", "{outcome}");
    }
}

#[test]
fn a_second_signature_keeps_the_first() {
    let Some((dir, input)) = fixture(true) else {
        return;
    };
    let d = dir.path();
    let pems = eseal_pems(d, KeyFormat::Pkcs8Pem);
    let pki = openssl_pki(d);
    let once = d.join("once.pdf");
    let twice = d.join("twice.pdf");
    let opts = with_chain(&pems.chain);
    pdfbox_sign(&input, &once, &pems.key, &pems.cert, &opts).unwrap();
    pdfbox_sign(
        &once,
        &twice,
        &pki.leaf_key,
        &pki.leaf,
        &SignOpts::default(),
    )
    .unwrap();
    let outcome = pdfbox_verify(&twice, None);
    assert!(outcome.ok, "{outcome}");
    let [first, second] = &outcome.signatures[..] else {
        panic!("{outcome}")
    };
    assert!(first.is_ok() && !first.whole_file, "{outcome}");
    assert!(second.is_ok() && second.whole_file, "{outcome}");
    assert_ne!(first.field, second.field);
    if cross::tool_available("poppler-utils", &["pdfsig", "-v"]) {
        let listing = pdfsig(&twice);
        assert!(listing.contains("Signature #2"), "{listing}");
    }
}
