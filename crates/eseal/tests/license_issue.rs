//! Issuing a license as OFD and verifying it: valid with the issuing CA as anchor, readable by
//! an independent OFD reader (easyofd), its 2D code decoded by an independent QR reader
//! (zbarimg) to exactly the payload, which verifies on its own; tampering with any metadata
//! element, the face or the payload is detected; an expired license is told apart.
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
#[path = "license_support/sample.rs"]
mod sample;

use eseal::document::{self, DocumentVerifyOptions};
use eseal::license::{
    FaceTemplate, IssueRequest, IssuedLicense, LicenseMetadata, QrMatrix, issue_ofd,
    verify_license, verify_payload,
};
use eseal::ofd::{Limits, OfdPackage, OfdVerifyOptions};
use eseal::pki::TrustStore;
use eseal::ses::SesVersion;
use eseal::verify::{CheckId, DocumentFormat, DocumentReport, Status};
use fixture::{Pki, make_seal, opts_at, t};

const METADATA_PATH: &str = "Doc_0/Tags/DZZZ.xml";
const CODE_PATH: &str = "Doc_0/Tags/DZZZCode.xml";

fn issue(pki: &Pki, meta: &LicenseMetadata, url: Option<&str>) -> IssuedLicense {
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
    issue_ofd(&request).unwrap()
}

fn verify_at(ofd: &[u8], store: &TrustStore, days: i64) -> DocumentReport {
    verify_license(ofd, &OfdVerifyOptions::new(opts_at(store, t(days)))).unwrap()
}

/// The status of the document check `id`, read from the JSON report (the documented schema,
/// independent of the Rust accessors).
fn check(report: &DocumentReport, id: CheckId) -> &'static str {
    check_json(report, id).0
}

/// The status and message of the document check `id`.
fn check_json(report: &DocumentReport, id: CheckId) -> (&'static str, String) {
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let c = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id.as_str())
        .unwrap_or_else(|| panic!("no {} in {json}", id.as_str()));
    let status = match c["status"].as_str().unwrap() {
        "passed" => PASSED,
        "failed" => FAILED,
        "indeterminate" => "indeterminate",
        _ => "not_applicable",
    };
    (status, c["message"].as_str().unwrap().to_owned())
}

const PASSED: &str = "passed";
const FAILED: &str = "failed";

fn replace_entry(ofd: &[u8], path: &str, data: Vec<u8>) -> Vec<u8> {
    let pkg = OfdPackage::from_bytes(ofd, &Limits::default()).unwrap();
    let mut edit = pkg.edit();
    edit.put(path, data).unwrap();
    edit.finish().unwrap()
}

fn entry(ofd: &[u8], path: &str) -> Vec<u8> {
    let pkg = OfdPackage::from_bytes(ofd, &Limits::default()).unwrap();
    pkg.get(path).unwrap().to_vec()
}

#[test]
fn issued_license_verifies_valid_with_the_issuing_ca() {
    let pki = Pki::new();
    let store = pki.store();
    let meta = sample::business_license("20240000001");
    let issued = issue(&pki, &meta, None);
    assert_eq!(document::sniff(&issued.ofd), Some(DocumentFormat::License));
    let report = verify_at(&issued.ofd, &store, 40);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(report.format(), DocumentFormat::License);
    for id in [
        CheckId::LicenseMetadata,
        CheckId::LicenseMetadataProtected,
        CheckId::LicenseIdentifier,
        CheckId::LicenseHolderCode,
        CheckId::LicenseIssuerCode,
        CheckId::LicenseValidity,
        CheckId::LicensePayload,
    ] {
        assert_eq!(check(&report, id), PASSED, "{}", id.as_str());
    }
    // The embedded metadata is the issued one, and the code text is the payload's.
    let embedded = LicenseMetadata::from_xml(&entry(&issued.ofd, METADATA_PATH)).unwrap();
    assert_eq!(embedded, meta);
    assert_eq!(issued.code_text, issued.payload.to_text());
    assert!(
        String::from_utf8(entry(&issued.ofd, CODE_PATH))
            .unwrap()
            .contains(&issued.code_text)
    );
    // The 2D code is one path object of one subpath per module run: the page stays small.
    let content = String::from_utf8(entry(&issued.ofd, "Doc_0/Pages/Page_0/Content.xml")).unwrap();
    assert!(content.len() < 40_000, "{} bytes", content.len());
    let symbol = content
        .split("<ofd:PathObject")
        .max_by_key(|p| p.matches("M ").count())
        .unwrap();
    assert!(symbol.matches("M ").count() > 300);
    // Through the one entry point every front end uses.
    let opts = DocumentVerifyOptions::new(opts_at(&store, t(40)));
    let via_document = document::verify(&issued.ofd, &opts).unwrap();
    assert_eq!(via_document.status(), Status::Valid);
    // Without the anchor nothing vouches for the seal: not valid.
    let bare = verify_license(
        &issued.ofd,
        &OfdVerifyOptions::new(eseal::verify::VerifyOptions::new().validation_time(t(40))),
    )
    .unwrap();
    assert_eq!(bare.status(), Status::Indeterminate);
}

#[test]
fn payload_verifies_on_its_own_and_every_change_is_caught() {
    let pki = Pki::new();
    let store = pki.store();
    let meta = sample::business_license("20240000002");
    let issued = issue(&pki, &meta, None);
    let issuers = [pki.signer.cert.clone()];
    let opts = opts_at(&store, t(40));
    let text = &issued.code_text;
    assert!(text.starts_with("DZZZ:"));
    assert!(text.len() < 300, "{} characters", text.len());
    let report = verify_payload(text, &opts, &issuers).unwrap();
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(report.format(), DocumentFormat::LicensePayload);
    assert_eq!(
        document::sniff(text.as_bytes()),
        Some(DocumentFormat::LicensePayload)
    );
    let via_document = document::verify(
        text.as_bytes(),
        &DocumentVerifyOptions::new(opts.clone()).signer_certificates(&issuers),
    )
    .unwrap();
    assert_eq!(via_document.status(), Status::Valid);
    // Text with the prefix that is no payload: an error with a stable code, not a report.
    let err = document::verify(b"DZZZ:NOT-BASE32", &DocumentVerifyOptions::default()).unwrap_err();
    assert_eq!(err.code(), eseal::ErrorCode::Malformed, "{err}");
    assert!(err.to_string().contains("2D-code payload"), "{err}");
    // Without the issuer's certificate the signature cannot be checked.
    let unknown = verify_payload(text, &opts, std::slice::from_ref(&pki.stranger.cert)).unwrap();
    assert_eq!(unknown.status(), Status::Indeterminate);
    // Every substitution of a Base32 character: an error, or a report that is not valid.
    let body_start = "DZZZ:".len();
    let mut reports = 0;
    for i in body_start..text.len() {
        let original = text.as_bytes()[i];
        let replacement = if original == b'A' { 'B' } else { 'A' };
        let mut changed = text.clone();
        changed.replace_range(i..=i, &replacement.to_string());
        if let Ok(r) = verify_payload(&changed, &opts, &issuers) {
            reports += 1;
            assert_ne!(r.status(), Status::Valid, "position {i}: {}", r.to_json());
        }
    }
    assert!(
        reports > 150,
        "most changes still decode and are judged: {reports}"
    );
}

#[test]
fn qr_code_decodes_with_zbarimg_to_the_payload() {
    if !cross::tool_available("zbarimg", &["zbarimg", "--version"]) {
        return;
    }
    let pki = Pki::new();
    let store = pki.store();
    let meta = sample::business_license("20240000003");
    let dir = cross::temp_dir();
    for url in [None, Some("https://verify.example.gov.cn/l/")] {
        let issued = issue(&pki, &meta, url);
        let qr = QrMatrix::encode(&issued.code_text).unwrap();
        assert!(qr.version() <= 12, "version {}", qr.version());
        let png = dir.path().join("code.png");
        std::fs::write(&png, qr.to_png(4)).unwrap();
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
fn license_opens_in_an_independent_ofd_reader() {
    if !cross::tool_available("python3 easyofd", &["python3", "-c", "import easyofd.ofd"]) {
        return;
    }
    let pki = Pki::new();
    let meta = sample::business_license("20240000004");
    let issued = issue(&pki, &meta, None);
    let dir = cross::temp_dir();
    let ofd_path = dir.path().join("license.ofd");
    let png_path = dir.path().join("page1.png");
    std::fs::write(&ofd_path, &issued.ofd).unwrap();
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
    assert_eq!(result["pages"], 1, "{out}");
    let texts: Vec<&str> = result["texts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert!(texts.contains(&"营业执照"), "{texts:?}");
    assert!(
        texts.contains(&"持证主体：福州示例科技有限公司"),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("法定代表人：张三")),
        "{texts:?}"
    );
    assert!(result["nonwhite_ratio"].as_f64().unwrap() > 0.005, "{out}");
    // The 2D code as the independent reader draws the page decodes to exactly the payload.
    if cross::tool_available("zbarimg", &["zbarimg", "--version"]) {
        let out = cross::run(
            "zbarimg",
            &["--raw", "-q", png_path.to_str().unwrap()],
            None,
        );
        let decoded = String::from_utf8(out).unwrap();
        assert_eq!(decoded.trim_end_matches('\n'), issued.code_text);
    }
}

#[test]
fn tampering_with_any_metadata_element_the_face_or_the_code_is_detected() {
    let pki = Pki::new();
    let store = pki.store();
    let meta = sample::business_license("20240000005");
    let issued = issue(&pki, &meta, None);
    let xml = String::from_utf8(entry(&issued.ofd, METADATA_PATH)).unwrap();
    let mut cases = 0;
    for (field, value) in meta.core_values() {
        // Another value of the same shape where one exists (a different but valid code, date…).
        let changed_value = match value.chars().last().unwrap() {
            c if c.is_ascii_digit() && value.len() == 10 => value.replace("31", "30"),
            _ => format!("{value}改"),
        };
        let n = field.xml_name();
        let tampered_xml = xml.replace(
            &format!("<{n}>{value}</{n}>"),
            &format!("<{n}>{changed_value}</{n}>"),
        );
        assert_ne!(tampered_xml, xml, "{field}");
        let tampered = replace_entry(&issued.ofd, METADATA_PATH, tampered_xml.into_bytes());
        let report = verify_at(&tampered, &store, 40);
        assert_eq!(
            report.status(),
            Status::Invalid,
            "{field}: {}",
            report.to_json()
        );
        assert_eq!(check(&report, CheckId::LicenseMetadataProtected), FAILED);
        cases += 1;
    }
    // A face item changed, added or dropped.
    for tampered_xml in [
        xml.replace("壹佰万元整", "壹仟万元整"),
        xml.replace("</ZMKZXX>", "  <Item Name=\"备注\">无</Item>\n  </ZMKZXX>"),
        xml.replace("    <Item Name=\"法定代表人\">张三</Item>\n", ""),
    ] {
        assert_ne!(tampered_xml, xml);
        let tampered = replace_entry(&issued.ofd, METADATA_PATH, tampered_xml.into_bytes());
        assert_eq!(verify_at(&tampered, &store, 40).status(), Status::Invalid);
        cases += 1;
    }
    assert!(cases >= 18);
    // The face: the page content.
    let content_path = "Doc_0/Pages/Page_0/Content.xml";
    let content = String::from_utf8(entry(&issued.ofd, content_path)).unwrap();
    let face = content.replace("福州示例科技有限公司", "厦门示例科技有限公司");
    assert_ne!(face, content);
    let tampered = replace_entry(&issued.ofd, content_path, face.into_bytes());
    let report = verify_at(&tampered, &store, 40);
    assert_eq!(report.status(), Status::Invalid, "{}", report.to_json());
    // The 2D-code text in the file.
    let code = String::from_utf8(entry(&issued.ofd, CODE_PATH)).unwrap();
    let other = issue(&pki, &sample::business_license("20240000006"), None);
    let swapped = code.replace(&issued.code_text, &other.code_text);
    let tampered = replace_entry(&issued.ofd, CODE_PATH, swapped.into_bytes());
    let report = verify_at(&tampered, &store, 40);
    assert_eq!(report.status(), Status::Invalid);
    assert_eq!(check(&report, CheckId::LicenseMetadataProtected), FAILED);
    assert_eq!(check(&report, CheckId::LicensePayload), FAILED);
}

#[test]
fn expired_license_is_authentic_but_not_in_force() {
    let pki = Pki::new();
    let store = pki.store();
    let meta = sample::business_license("20240000007");
    let issued = issue(&pki, &meta, None);
    // 2026-01-31: after the license's end (2025-12-31), inside the certificates' validity.
    let report = verify_at(&issued.ofd, &store, 761);
    assert_eq!(
        report.status(),
        Status::Indeterminate,
        "{}",
        report.to_json()
    );
    assert_eq!(check(&report, CheckId::LicenseValidity), FAILED);
    let message = check_json(&report, CheckId::LicenseValidity).1;
    assert!(message.contains("no longer in force"), "{message}");
    assert!(
        report
            .signatures()
            .iter()
            .all(|s| s.report().status() == Status::Valid)
    );
    let payload = verify_payload(
        &issued.code_text,
        &opts_at(&store, t(761)),
        std::slice::from_ref(&pki.signer.cert),
    )
    .unwrap();
    assert_eq!(payload.status(), Status::Indeterminate);
}

#[test]
fn a_plain_ofd_is_not_a_license() {
    let pki = Pki::new();
    let meta = sample::business_license("20240000008");
    let issued = issue(&pki, &meta, None);
    // Without the metadata entry (and its custom tag) the file is an ordinary OFD.
    let pkg = OfdPackage::from_bytes(&issued.ofd, &Limits::default()).unwrap();
    let mut edit = pkg.edit();
    assert!(edit.remove(METADATA_PATH));
    let stripped = edit.finish().unwrap();
    assert_eq!(document::sniff(&stripped), Some(DocumentFormat::Ofd));
    // Verified as a license anyway, the missing metadata fails.
    let report = verify_at(&stripped, &pki.store(), 40);
    assert_eq!(report.status(), Status::Invalid);
    assert_eq!(check(&report, CheckId::LicenseMetadata), FAILED);
}

#[path = "support/license_roundtrip.rs"]
mod license_roundtrip;

/// The fuzz seeds (`fuzz/seeds/license/`) are current: made from the sample license
/// (`ESEAL_WRITE_SEEDS=1` rewrites them), and they pass the fuzz targets' properties, as do
/// their single-byte mutants.
#[test]
fn fuzz_seeds_and_their_mutants_keep_the_round_trip_properties() {
    let dir = cross::workspace_root().join("fuzz/seeds/license");
    let meta = sample::business_license("20240000009");
    if std::env::var_os("ESEAL_WRITE_SEEDS").is_some() {
        let issued = issue(&Pki::new(), &meta, None);
        std::fs::write(dir.join("metadata.xml"), meta.to_xml()).unwrap();
        std::fs::write(dir.join("metadata.json"), meta.to_json()).unwrap();
        std::fs::write(dir.join("payload.txt"), &issued.code_text).unwrap();
    }
    let xml = std::fs::read(dir.join("metadata.xml")).unwrap();
    let json = std::fs::read(dir.join("metadata.json")).unwrap();
    let payload = std::fs::read(dir.join("payload.txt")).unwrap();
    assert_eq!(
        xml,
        meta.to_xml().as_bytes(),
        "run with ESEAL_WRITE_SEEDS=1"
    );
    assert!(license_roundtrip::metadata_xml(&xml));
    assert!(license_roundtrip::metadata_json(&json));
    assert!(license_roundtrip::payload(&payload));
    let mut parsed = [0usize; 3];
    for (k, (seed, property)) in [
        (&xml, license_roundtrip::metadata_xml as fn(&[u8]) -> bool),
        (&json, license_roundtrip::metadata_json),
        (&payload, license_roundtrip::payload),
    ]
    .into_iter()
    .enumerate()
    {
        for i in (0..seed.len()).step_by(3) {
            for b in [b'0', b'A', b'<', b'"', 0xE4] {
                let mut m = seed.clone();
                m[i] = b;
                parsed[k] += usize::from(property(&m));
            }
        }
    }
    // Many mutants still parse (free-text values), and each of those kept the properties.
    assert!(parsed[0] > 50 && parsed[1] > 50, "{parsed:?}");
}

/// A template whose seal position keeps the corner on the page but the picture (40 × 40 mm)
/// not: both renditions refuse it as a template error instead of issuing a license whose stamp
/// fails `ofd.appearance` (found by the `license_template` fuzz target). At the last position
/// that fits, the license is issued and verifies valid.
#[test]
fn a_seal_that_would_leave_the_page_is_refused_before_signing() {
    let pki = Pki::new();
    let seal = make_seal(&pki, SesVersion::V4);
    let meta = sample::business_license("20240000001");
    let template = |x: u32, y: u32| {
        FaceTemplate::from_json(
            format!(
                r#"{{"page": {{"width": 297, "height": 210}}, "fields": [],
                   "code": {{"x": 235, "y": 25, "size": 45}}, "seal": {{"x": {x}, "y": {y}}}}}"#
            )
            .as_bytes(),
        )
        .unwrap()
    };
    let request = |t| {
        IssueRequest::new(
            &meta,
            t,
            &seal,
            &pki.signer.cert,
            &pki.signer.key,
            self::t(30),
        )
    };
    // Built before the loop so every borrow the closure sees lives equally long.
    let cases = [(215, 180), (270, 100)].map(|(x, y)| (x, y, template(x, y)));
    for (x, y, t) in &cases {
        let request = request(t);
        for err in [
            issue_ofd(&request).map(|_| ()).unwrap_err(),
            eseal::license::issue_pdf(&request).map(|_| ()).unwrap_err(),
        ] {
            assert!(
                matches!(err, eseal::license::LicenseError::Template { .. }),
                "({x}, {y}): {err}"
            );
            assert!(
                err.to_string().contains("leaves the 297 × 210 mm page"),
                "{err}"
            );
        }
    }
    let t = template(257, 170);
    let issued = issue_ofd(&request(&t)).unwrap();
    let report = verify_at(&issued.ofd, &pki.store(), 40);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
}
