//! The PDF rendition of a license (`license::issue_pdf`, `license::verify_pdf_license`):
//! valid with the issuing CA as anchor and the same `license.*` checks as the OFD form; the
//! file passes `qpdf --check`, `pdfsig` sees one signature over the total document,
//! `pdftotext` gives the face, the page `pdftoppm` renders decodes with `zbarimg` to exactly
//! the payload, which verifies; tampering with a metadata element (in the signed bytes or by
//! a later incremental update), the face (a signed byte, a later page change) or the code text
//! is detected.
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
#[path = "pdf_support/increment.rs"]
mod increment;
#[path = "license_support/sample.rs"]
mod sample;
#[path = "pdf_support/tools.rs"]
mod tools;

use eseal::document::{self, DocumentVerifyOptions};
use eseal::license::{
    CODE_FILE, FaceTemplate, IssueRequest, IssuedPdfLicense, LicenseMetadata, METADATA_FILE,
    Payload, is_pdf_license, issue_pdf, verify_payload, verify_pdf_license,
};
use eseal::pdf::{Limits, PdfDocument};
use eseal::pki::TrustStore;
use eseal::ses::SesVersion;
use eseal::verify::{CheckId, DocumentFormat, DocumentReport, Status, VerifyOptions};
use fixture::{Pki, make_seal, opts_at, t};

fn issue(pki: &Pki, meta: &LicenseMetadata, url: Option<&str>) -> IssuedPdfLicense {
    let seal = make_seal(pki, SesVersion::V4);
    let template = FaceTemplate::standard(meta);
    let mut request = IssueRequest::new(
        meta,
        &template,
        &seal,
        &pki.signer.cert,
        &pki.signer.key,
        t(30),
    );
    if let Some(base) = url {
        request = request.url_base(base);
    }
    issue_pdf(&request).unwrap()
}

fn verify_at(pdf: &[u8], store: &TrustStore, days: i64) -> DocumentReport {
    verify_pdf_license(pdf, &opts_at(store, t(days)), &Limits::default()).unwrap()
}

/// The status of the document check `id`, from the JSON report.
fn check(report: &DocumentReport, id: CheckId) -> String {
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id.as_str())
        .unwrap_or_else(|| panic!("no {} in {json}", id.as_str()))["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

const LICENSE_CHECKS: [CheckId; 7] = [
    CheckId::LicenseMetadata,
    CheckId::LicenseMetadataProtected,
    CheckId::LicenseIdentifier,
    CheckId::LicenseHolderCode,
    CheckId::LicenseIssuerCode,
    CheckId::LicenseValidity,
    CheckId::LicensePayload,
];

fn embedded(pdf: &[u8], name: &str) -> Vec<u8> {
    let doc = PdfDocument::parse(pdf, &Limits::default()).unwrap();
    doc.embedded_files()
        .unwrap()
        .into_iter()
        .find(|f| f.name == name)
        .unwrap()
        .data
}

/// `pdf` with a later incremental update replacing the embedded file `name` by `data`.
fn replace_file(pdf: &[u8], name: &str, data: &[u8]) -> Vec<u8> {
    let num = increment::embedded_stream(pdf, name);
    increment::update(
        pdf,
        &[(num, increment::stream("/Type /EmbeddedFile", data))],
    )
}

#[test]
fn issued_pdf_license_verifies_valid_with_the_issuing_ca() {
    let pki = Pki::new();
    let store = pki.store();
    let meta = sample::business_license("20240000101");
    let issued = issue(&pki, &meta, None);
    assert!(issued.pdf.starts_with(b"%PDF-"));
    assert!(is_pdf_license(&issued.pdf));
    assert_eq!(document::sniff(&issued.pdf), Some(DocumentFormat::License));
    let report = verify_at(&issued.pdf, &store, 40);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(report.format(), DocumentFormat::License);
    assert_eq!(report.signatures().len(), 1);
    for id in LICENSE_CHECKS {
        assert_eq!(check(&report, id), "passed", "{}", id.as_str());
    }
    // The PDF checks of the document are there too.
    assert_eq!(check(&report, CheckId::DocumentSignatures), "passed");
    // The embedded metadata is the issued one, the code file carries the payload's text.
    let xml = embedded(&issued.pdf, METADATA_FILE);
    assert_eq!(LicenseMetadata::from_xml(&xml).unwrap(), meta);
    let code = String::from_utf8(embedded(&issued.pdf, CODE_FILE)).unwrap();
    assert!(code.contains(&issued.code_text), "{code}");
    assert_eq!(issued.code_text, issued.payload.to_text());
    // Through the entry point every front end uses; its seal, as the page lists seals.
    let opts = DocumentVerifyOptions::new(opts_at(&store, t(40)));
    let seals = document::seals(&issued.pdf, &opts).unwrap();
    assert_eq!(seals.len(), 1);
    assert_eq!(
        seals[0].signature_id.as_deref(),
        report.signatures()[0].id()
    );
    assert_eq!(
        seals[0].seal.picture().data,
        make_seal(&pki, SesVersion::V4).picture().data
    );
    assert_eq!(
        document::verify(&issued.pdf, &opts).unwrap().status(),
        Status::Valid
    );
    // Without the anchor nothing vouches for the seal.
    let bare = verify_pdf_license(
        &issued.pdf,
        &VerifyOptions::new().validation_time(t(40)),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(bare.status(), Status::Indeterminate);
}

#[test]
fn independent_pdf_tools_accept_it_and_the_rendered_code_decodes_to_the_payload() {
    let pki = Pki::new();
    let store = pki.store();
    let meta = sample::business_license("20240000102");
    let dir = cross::temp_dir();
    for url in [None, Some("https://verify.example.gov.cn/l/")] {
        let issued = issue(&pki, &meta, url);
        let pdf_path = dir.path().join("license.pdf");
        std::fs::write(&pdf_path, &issued.pdf).unwrap();
        let p = pdf_path.to_str().unwrap();
        if tools::have("qpdf") {
            tools::qpdf_check(dir.path(), "license.pdf", &issued.pdf);
            let shown = cross::run("qpdf", &["--show-attachment=DZZZ.xml", p], None);
            assert_eq!(shown, meta.to_xml().as_bytes());
        }
        if tools::have("pdfsig") {
            let out = tools::pdfsig(dir.path(), "license.pdf", &issued.pdf);
            assert!(out.contains("Signature #1"), "{out}");
            assert!(!out.contains("Signature #2"), "{out}");
            assert!(out.contains("Total document signed"), "{out}");
        }
        if !cross::tool_available("poppler-utils", &["pdftotext", "-v"]) {
            continue;
        }
        let text =
            String::from_utf8(cross::run("pdftotext", &["-enc", "UTF-8", p, "-"], None)).unwrap();
        for want in [
            "营业执照",
            "持证主体：福州示例科技有限公司",
            "法定代表人：张三",
            "证照编号：湘工商-20240000102",
            "颁发机构：湖南省示例发证机关",
        ] {
            assert!(text.contains(want), "{want:?} not in {text}");
        }
        if !cross::tool_available("zbarimg", &["zbarimg", "--version"]) {
            continue;
        }
        let prefix = dir.path().join("page");
        cross::run(
            "pdftoppm",
            &[
                "-r",
                "200",
                "-png",
                "-singlefile",
                p,
                prefix.to_str().unwrap(),
            ],
            None,
        );
        let png = dir.path().join("page.png");
        if let Some(keep) = std::env::var_os("ESEAL_KEEP_RENDERED") {
            std::fs::copy(
                &png,
                std::path::Path::new(&keep).join("license-pdf-page.png"),
            )
            .unwrap();
            std::fs::copy(&pdf_path, std::path::Path::new(&keep).join("license.pdf")).unwrap();
        }
        let out = cross::run("zbarimg", &["--raw", "-q", png.to_str().unwrap()], None);
        let decoded = String::from_utf8(out).unwrap();
        assert_eq!(decoded.trim_end_matches('\n'), issued.code_text);
        let report = verify_payload(
            decoded.trim(),
            &opts_at(&store, t(40)),
            std::slice::from_ref(&pki.signer.cert),
        )
        .unwrap();
        assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    }
}

#[test]
fn tampering_with_metadata_face_or_code_is_detected() {
    let pki = Pki::new();
    let store = pki.store();
    let meta = sample::business_license("20240000103");
    let issued = issue(&pki, &meta, None);
    let pdf = &issued.pdf;
    let original = String::from_utf8(embedded(pdf, METADATA_FILE)).unwrap();

    // A later incremental update replacing the metadata with a changed holder name (valid XML).
    let forged = original.replace("福州示例科技有限公司", "厦门冒名贸易有限公司");
    assert_ne!(forged, original);
    let updated = replace_file(pdf, METADATA_FILE, forged.as_bytes());
    let r = verify_at(&updated, &store, 40);
    assert_eq!(
        check(&r, CheckId::LicenseMetadata),
        "passed",
        "{}",
        r.to_json()
    );
    assert_eq!(check(&r, CheckId::LicenseMetadataProtected), "failed");
    assert_eq!(check(&r, CheckId::LicensePayload), "failed");
    assert_eq!(r.status(), Status::Invalid, "{}", r.to_json());
    // Every core element and face item changed the same way is caught.
    for (from, to) in [
        ("2025-12-31", "2035-12-31"),
        ("湘工商-20240000103", "湘工商-20240000999"),
        ("壹佰万元整", "壹仟万元整"),
        ("430000", "430100"),
    ] {
        let forged = original.replace(from, to);
        assert_ne!(forged, original, "{from}");
        let r = verify_at(
            &replace_file(pdf, METADATA_FILE, forged.as_bytes()),
            &store,
            40,
        );
        assert_eq!(r.status(), Status::Invalid, "{from}: {}", r.to_json());
        assert_eq!(
            check(&r, CheckId::LicenseMetadataProtected),
            "failed",
            "{from}"
        );
    }

    // A later update replacing the code text with another license's payload.
    let other = issue(&pki, &sample::business_license("20240000104"), None);
    let other_code = embedded(&other.pdf, CODE_FILE);
    let r = verify_at(&replace_file(pdf, CODE_FILE, &other_code), &store, 40);
    assert_eq!(check(&r, CheckId::LicenseMetadataProtected), "failed");
    assert_eq!(check(&r, CheckId::LicensePayload), "failed");
    assert_eq!(r.status(), Status::Invalid, "{}", r.to_json());

    // A byte of the signed range changed (in the page's content stream): the seal breaks.
    let doc = PdfDocument::parse(pdf, &Limits::default()).unwrap();
    let needle = b"/Producer";
    let at = pdf.windows(needle.len()).position(|w| w == needle).unwrap();
    let mut flipped = pdf.clone();
    flipped[at + 2] = b'x';
    drop(doc);
    let r = verify_at(&flipped, &store, 40);
    assert_eq!(r.status(), Status::Invalid, "{}", r.to_json());
    // In the compressed metadata stream: the seal breaks and the metadata is not protected.
    let num = increment::embedded_stream(pdf, METADATA_FILE);
    let head = format!("\n{num} 0 obj");
    let obj_at = pdf
        .windows(head.len())
        .position(|w| w == head.as_bytes())
        .unwrap();
    let data_at = obj_at
        + pdf[obj_at..]
            .windows(7)
            .position(|w| w == b"stream\n")
            .unwrap()
        + 10;
    let mut flipped = pdf.clone();
    flipped[data_at] ^= 0x01;
    let r = verify_at(&flipped, &store, 40);
    assert_eq!(r.status(), Status::Invalid, "{}", r.to_json());
    assert_ne!(check(&r, CheckId::LicenseMetadataProtected), "passed");

    // A later update drawing over the page: not valid (partial coverage, PDF's rule).
    let doc = PdfDocument::parse(pdf, &Limits::default()).unwrap();
    let root = doc.trailer().get(b"Root").unwrap().as_objref().unwrap();
    let pages = doc
        .object(root)
        .unwrap()
        .as_dict()
        .unwrap()
        .get(b"Pages")
        .unwrap()
        .as_objref()
        .unwrap();
    let kids = doc.object(pages).unwrap();
    let page_ref = kids
        .as_dict()
        .unwrap()
        .get(b"Kids")
        .unwrap()
        .as_array()
        .unwrap()[0]
        .as_objref()
        .unwrap();
    let page = doc.object(page_ref).unwrap();
    let content = page
        .as_dict()
        .unwrap()
        .get(b"Contents")
        .unwrap()
        .as_objref()
        .unwrap();
    let painted = increment::update(
        pdf,
        &[(
            content.num,
            increment::stream(
                "",
                b"1 1 1 rg 60 300 300 40 re f BT /F1 12 Tf 70 310 Td (X) Tj ET",
            ),
        )],
    );
    let r = verify_at(&painted, &store, 40);
    assert_ne!(r.status(), Status::Valid, "{}", r.to_json());
    let strict = verify_pdf_license(
        &painted,
        &opts_at(&store, t(40)).validation_policy(eseal::verify::ValidationPolicy::strict()),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(strict.status(), Status::Invalid, "{}", strict.to_json());

    // The payload text itself: a changed character is caught by the payload verifier.
    let mut text = issued.code_text.clone();
    let i = text.len() - 10;
    let c = if &text[i..=i] == "A" { "B" } else { "A" };
    text.replace_range(i..=i, c);
    let verdict = Payload::parse(&text).ok().map(|_| {
        verify_payload(
            &text,
            &opts_at(&store, t(40)),
            std::slice::from_ref(&pki.signer.cert),
        )
        .unwrap()
        .status()
    });
    assert_ne!(verdict, Some(Status::Valid));
}

#[test]
fn expired_pdf_license_is_authentic_but_not_in_force() {
    let pki = Pki::new();
    let store = pki.store();
    let meta = sample::business_license("20240000105");
    let issued = issue(&pki, &meta, None);
    // 2026-01-31: after the license's end (2025-12-31), inside the certificates' validity.
    let r = verify_at(&issued.pdf, &store, 761);
    assert_eq!(
        check(&r, CheckId::LicenseValidity),
        "failed",
        "{}",
        r.to_json()
    );
    assert_eq!(r.status(), Status::Indeterminate, "{}", r.to_json());
    assert!(
        r.signatures()
            .iter()
            .all(|s| s.report().status() == Status::Valid)
    );
}

#[test]
fn a_plain_pdf_is_not_a_license() {
    let pdf = tools::simple_pdf(1);
    assert!(!is_pdf_license(&pdf));
    assert_eq!(document::sniff(&pdf), Some(DocumentFormat::Pdf));
    let r = verify_pdf_license(&pdf, &VerifyOptions::new(), &Limits::default()).unwrap();
    assert_eq!(check(&r, CheckId::LicenseMetadata), "failed");
    assert_eq!(r.status(), Status::Invalid);
}

#[test]
fn a_caller_font_is_embedded_and_the_photo_drawn() {
    const WQY: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
    let Ok(font) = std::fs::read(WQY) else {
        eprintln!("SKIPPED: {WQY} is not installed (fonts-wqy-microhei)");
        return;
    };
    let pki = Pki::new();
    let store = pki.store();
    let meta = sample::business_license("20240000106");
    let seal = make_seal(&pki, SesVersion::V4);
    let mut template = FaceTemplate::standard(&meta);
    template.photo = Some(eseal::license::Area {
        x: 235.0,
        y: 80.0,
        width: 30.0,
        height: 40.0,
    });
    let photo = fixture::tiny_png();
    let request = IssueRequest::new(
        &meta,
        &template,
        &seal,
        &pki.signer.cert,
        &pki.signer.key,
        t(30),
    )
    .photo(eseal::ofd::ImageFormat::Png, &photo)
    .pdf_font(&font, 0);
    let issued = issue_pdf(&request).unwrap();
    let report = verify_at(&issued.pdf, &store, 40);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    if !cross::tool_available("poppler-utils", &["pdffonts", "-v"]) {
        return;
    }
    let dir = cross::temp_dir();
    let path = dir.path().join("font.pdf");
    std::fs::write(&path, &issued.pdf).unwrap();
    let p = path.to_str().unwrap();
    let fonts = String::from_utf8(cross::run("pdffonts", &[p], None)).unwrap();
    let face = fonts
        .lines()
        .find(|l| l.contains("WenQuanYi"))
        .unwrap_or_else(|| panic!("{fonts}"));
    assert!(face.contains("yes"), "{fonts}");
    assert!(!fonts.contains("STSong"), "{fonts}");
    let text =
        String::from_utf8(cross::run("pdftotext", &["-enc", "UTF-8", p, "-"], None)).unwrap();
    assert!(text.contains("持证主体：福州示例科技有限公司"), "{text}");
    let images = String::from_utf8(cross::run("pdfimages", &["-list", p], None)).unwrap();
    // The photo (1 × 1), the 2D code and the seal picture.
    assert!(
        images.lines().filter(|l| l.contains("image")).count() >= 3,
        "{images}"
    );
}

#[test]
fn two_metadata_files_are_refused() {
    let pki = Pki::new();
    let store = pki.store();
    let issued = issue(&pki, &sample::business_license("20240000107"), None);
    let doc = PdfDocument::parse(&issued.pdf, &Limits::default()).unwrap();
    let spec = doc
        .embedded_files()
        .unwrap()
        .into_iter()
        .find(|f| f.name == METADATA_FILE)
        .unwrap()
        .spec
        .unwrap();
    let root = doc.trailer().get(b"Root").unwrap().as_objref().unwrap();
    // The newest catalog as written, its name tree listing the metadata twice (the form stays,
    // so the seal is still found and verified).
    let text = String::from_utf8_lossy(&issued.pdf);
    let head = format!("\n{} 0 obj", root.num);
    let start = text.rfind(&head).unwrap() + head.len();
    let end = start + text[start..].find("endobj").unwrap();
    let entry = format!("(DZZZ.xml) {} 0 R", spec.num);
    let catalog = text[start..end].replace(&entry, &format!("{entry} {entry}"));
    assert!(catalog.contains(&format!("{entry} {entry}")), "{catalog}");
    let forged = increment::update_one(&issued.pdf, root.num, &catalog);
    let r = verify_at(&forged, &store, 40);
    assert_eq!(
        check(&r, CheckId::LicenseMetadata),
        "failed",
        "{}",
        r.to_json()
    );
    assert_eq!(r.signatures().len(), 1);
    assert_eq!(r.status(), Status::Invalid, "{}", r.to_json());
}
