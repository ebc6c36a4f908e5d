//! The hostile inputs of the fuzzing issue (15), each refused with a typed error (or read
//! harmlessly) in bounded memory: a 1 GiB zip bomb OFD, a billion-laughs `Signatures.xml`, an
//! ASN.1 structure nested 10 000 deep given to every DER reader, and a seal whose PNG picture
//! claims 100 000 × 100 000 pixels. Peak memory of each is measured in release with
//! `/usr/bin/time -v` (see the closing notes and `docs/limits.md`); these tests pin the outcome.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "ses_support/fixture.rs"]
mod fixture;

use std::io::{Cursor, Write};

use eseal::document::{self, DocumentError, DocumentVerifyOptions};
use eseal::ofd::OfdError;
use eseal::ses::{
    ParseMode, PictureFormat, Seal, SealBuilder, SealPicture, SealType, SealValidity, SesVersion,
    Signature, VerifyOptions, verify_seal,
};
use eseal::verify::Status;
use fixture::{Pki, crc32, opts_at, t};
use zip::write::SimpleFileOptions;

const OFD_XML: &str = "<OFD Version=\"1.0\" DocType=\"OFD\"><DocBody><DocInfo><DocID>b</DocID>\
    </DocInfo><DocRoot>Doc_0/Document.xml</DocRoot><Signatures>Doc_0/Signs/Signatures.xml\
    </Signatures></DocBody></OFD>";
const DOCUMENT_XML: &str = "<Document><CommonData><MaxUnitID>1</MaxUnitID><PageArea>\
    <PhysicalBox>0 0 210 297</PhysicalBox></PageArea></CommonData><Pages><Page ID=\"1\" \
    BaseLoc=\"Pages/Page_0/Content.xml\"/></Pages></Document>";

fn verify(bytes: &[u8]) -> Result<eseal::verify::DocumentReport, DocumentError> {
    document::verify(bytes, &DocumentVerifyOptions::new(VerifyOptions::new()))
}

/// An OFD package whose `Signatures.xml` inflates to 1 GiB of spaces: about 1 MiB compressed.
fn zip_bomb() -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.start_file("OFD.xml", opts).unwrap();
    w.write_all(OFD_XML.as_bytes()).unwrap();
    w.start_file("Doc_0/Document.xml", opts).unwrap();
    w.write_all(DOCUMENT_XML.as_bytes()).unwrap();
    w.start_file("Doc_0/Signs/Signatures.xml", opts.large_file(true))
        .unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..1024 {
        w.write_all(&chunk).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn a_one_gib_zip_bomb_is_refused_by_its_ratio() {
    let bomb = zip_bomb();
    assert!(bomb.len() < 4 << 20, "{} bytes", bomb.len());
    match verify(&bomb) {
        Err(DocumentError::Ofd {
            source: OfdError::LimitExceeded { what, .. },
        }) => assert!(
            what.contains("ratio") || what.contains("size"),
            "refused for {what}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_billion_laughs_signatures_xml_is_refused_unexpanded() {
    let mut laughs =
        String::from("<?xml version=\"1.0\"?><!DOCTYPE Signatures [<!ENTITY l0 \"lol\">");
    for i in 1..10 {
        let prev = format!("&l{};", i - 1);
        laughs.push_str(&format!("<!ENTITY l{i} \"{}\">", prev.repeat(10)));
    }
    laughs.push_str("]><Signatures><MaxSignId>&l9;</MaxSignId></Signatures>");
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in [
        ("OFD.xml", OFD_XML),
        ("Doc_0/Document.xml", DOCUMENT_XML),
        ("Doc_0/Signs/Signatures.xml", laughs.as_str()),
    ] {
        w.start_file(name, SimpleFileOptions::default()).unwrap();
        w.write_all(data.as_bytes()).unwrap();
    }
    let zip = w.finish().unwrap().into_inner();
    match verify(&zip) {
        // A typed XML error, or a report in which the signature list could not be read:
        // never an expansion of 10⁹ "lol"s.
        Err(DocumentError::Ofd { source }) => {
            assert!(matches!(source, OfdError::Xml { .. }), "{source:?}")
        }
        Ok(report) => assert_ne!(report.status(), Status::Valid),
        Err(other) => panic!("{other:?}"),
    }
}

/// `depth` SEQUENCEs nested inside each other, with consistent definite lengths.
fn nested_sequences(depth: usize) -> Vec<u8> {
    let mut inner: Vec<u8> = Vec::new();
    for _ in 0..depth {
        let len = inner.len();
        let mut outer = vec![0x30];
        if len < 0x80 {
            outer.push(len as u8);
        } else if len < 0x1_0000 {
            outer.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
        } else {
            outer.extend_from_slice(&[0x83, (len >> 16) as u8, (len >> 8) as u8, len as u8]);
        }
        outer.extend_from_slice(&inner);
        inner = outer;
    }
    inner
}

#[test]
fn asn1_nested_ten_thousand_deep_is_refused_by_every_der_reader() {
    let deep = nested_sequences(10_000);
    assert!(deep.len() > 30_000);
    assert!(Seal::from_der(&deep, ParseMode::Lenient).is_err());
    assert!(Signature::from_der(&deep, ParseMode::Lenient).is_err());
    assert!(eseal::pki::Certificate::from_der(&deep).is_err());
    assert!(eseal::pki::Crl::from_der(&deep).is_err());
    assert!(eseal::pki::cms::SignedData::from_der(&deep).is_err());
    assert!(eseal::pki::tsp::TimestampToken::from_der(&deep).is_err());
    assert!(eseal::pki::tsp::TstInfo::from_der(&deep).is_err());
    assert!(eseal::pki::tsp::TimestampResponse::from_der(&deep).is_err());
    assert!(eseal::pki::Pkcs12::from_der(&deep, "password").is_err());
    assert!(eseal::keyfile::read(&deep, None).is_err());
    assert!(eseal::crypto::SecretKey::from_pkcs8_der(&deep).is_err());
    assert!(matches!(
        verify(&deep),
        Err(DocumentError::Unrecognised { .. })
    ));
}

/// A PNG signature and an IHDR claiming `width` × `height` RGBA pixels, and nothing else.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    png
}

#[test]
fn a_seal_picture_claiming_ten_gigapixels_costs_nothing_to_verify() {
    let pki = Pki::new();
    let picture =
        SealPicture::new(PictureFormat::Png, png_claiming(100_000, 100_000), 40, 40).unwrap();
    let mut builder = SealBuilder::new(
        "33010600000002",
        "图片过大",
        SealType::Official,
        SealValidity::new(t(0), t(0), t(365)).unwrap(),
        picture,
    );
    builder
        .version(SesVersion::V4)
        .add_signer_certificate(&pki.signer.cert);
    let seal = builder.build(&pki.maker.key, &pki.maker.cert).unwrap();
    let store = pki.store();
    // The picture is carried, not decoded: the seal verifies and its facts name a PNG.
    let report = verify_seal(&seal.to_der().unwrap(), &opts_at(&store, t(10))).unwrap();
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    let facts = report.seal().unwrap().picture.as_ref().unwrap();
    assert_eq!(facts.detected_type, Some(PictureFormat::Png));
}

/// A PDF of `count` objects (`null`s), a page tree of one page, and a classic xref table;
/// `prev_loop` adds a `/Prev` that points back at the same xref section.
fn pdf_with_objects(count: usize, prev_loop: bool) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::with_capacity(count + 3);
    let mut object = |out: &mut Vec<u8>, body: &str| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", offsets.len()).as_bytes());
    };
    object(&mut out, "<< /Type /Catalog /Pages 2 0 R >>");
    object(&mut out, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    object(
        &mut out,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    );
    for _ in 0..count {
        object(&mut out, "null");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f\r\n", offsets.len() + 1).as_bytes(),
    );
    for off in &offsets {
        out.extend_from_slice(format!("{off:010} 00000 n\r\n").as_bytes());
    }
    let prev = if prev_loop {
        format!(" /Prev {xref}")
    } else {
        String::new()
    };
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R{prev} >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn a_pdf_with_a_million_objects_is_read_within_the_limits() {
    let pdf = pdf_with_objects(1_000_000, false);
    assert!(pdf.len() > 30 << 20);
    // Unsigned: nothing vouches for it, so indeterminate, and read without running away.
    let report = verify(&pdf).unwrap();
    assert_eq!(report.status(), Status::Indeterminate);
    assert!(report.signatures().is_empty());
}

#[test]
fn a_pdf_whose_xref_chain_loops_is_refused() {
    let pdf = pdf_with_objects(3, true);
    match verify(&pdf) {
        Err(DocumentError::Pdf { source }) => {
            assert!(
                source.to_string().contains("loop") || source.to_string().contains("Prev"),
                "{source}"
            )
        }
        other => panic!("{other:?}"),
    }
}
