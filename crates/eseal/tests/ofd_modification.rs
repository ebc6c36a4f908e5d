//! The OFD modification analysis (`ofd.coverage`, `document.coverage`, docs/ofd.md) on small
//! documents made and signed by eseal: files left out at signing, covered by a later
//! signature or by none, pages added and protected files changed after signing.
//!
//! Deployed producers leave files out of a signature (OFD.xml written at signing time, the
//! annotation index, templates); `sign_leaving_out` reproduces that with eseal's public
//! package and SES APIs.
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
    DocumentBuilder, DocumentMeta, Limits, OfdPackage, OfdVerifyOptions, Provider, SignRequest,
    Signature, SignatureType, SignedInfo, add_signature_entry, insert_signatures_location,
    new_signatures_xml, next_signature_id, sign_document, verify_document,
};
use eseal::ses::{DataToSign, ParseMode, Seal, SesVersion, SignatureBuilder};
use eseal::verify::{
    CheckId, CheckStatus, DocumentReport, FileChange, FileOrigin, FileRole, PageSet,
    SignatureCoverage, Status,
};
use fixture::{Pki, make_seal, opts_at, t};

const OFD_NS: &str = "http://www.ofdspec.org/2016";
const TEMPLATE: &str = "Doc_0/Tpls/Tpl_0/Content.xml";
const ANNOTATIONS: &str = "Doc_0/Annots/Annotations.xml";
const ANNOTATION: &str = "Doc_0/Annots/Page_0/Annotation.xml";

fn text(data: &[u8]) -> String {
    String::from_utf8(data.to_vec()).unwrap()
}

/// `pages` pages of text, as eseal's writer makes them.
fn plain(pages: usize) -> Vec<u8> {
    let mut b = DocumentBuilder::new(DocumentMeta::default());
    let font = b.add_font("宋体", None);
    for i in 0..pages {
        b.add_page(eseal::ofd::PageSize::A4).text(
            font,
            5.0,
            20.0,
            30.0,
            &format!("第 {} 页 page {}", i + 1, i + 1),
            eseal::ofd::Color::BLACK,
        );
    }
    b.finish().unwrap()
}

/// Applies `f` to a copy of the package.
fn edited(ofd: &[u8], f: impl FnOnce(&OfdPackage, &mut eseal::ofd::PackageEdit<'_>)) -> Vec<u8> {
    let pkg = OfdPackage::from_bytes(ofd, &Limits::default()).unwrap();
    let mut edit = pkg.edit();
    f(&pkg, &mut edit);
    edit.finish().unwrap()
}

fn replace_in(edit: &mut eseal::ofd::PackageEdit<'_>, path: &str, from: &str, to: &str) {
    let old = text(edit.get(path).unwrap());
    assert!(old.contains(from), "{from:?} not in {path}: {old}");
    edit.put(path, old.replacen(from, to, 1).into_bytes())
        .unwrap();
}

/// `plain(pages)` with a background template used by every page.
fn with_template(pages: usize) -> Vec<u8> {
    edited(&plain(pages), |pkg, edit| {
        edit.put(
            TEMPLATE,
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Page xmlns:ofd=\"{OFD_NS}\"><ofd:Content><ofd:Layer ID=\"901\"><ofd:PathObject ID=\"902\" Boundary=\"0 0 210 297\" Stroke=\"true\"><ofd:AbbreviatedData>M 0 0 L 210 297</ofd:AbbreviatedData></ofd:PathObject></ofd:Layer></ofd:Content></ofd:Page>"
            )
            .into_bytes(),
        )
        .unwrap();
        replace_in(
            edit,
            "Doc_0/Document.xml",
            "</ofd:CommonData>",
            "<ofd:TemplatePage ID=\"900\" BaseLoc=\"Tpls/Tpl_0/Content.xml\"/></ofd:CommonData>",
        );
        let body = &pkg.ofd().unwrap().bodies[0];
        for page in pkg.document(body).unwrap().pages {
            replace_in(
                edit,
                &page.path,
                &format!("<ofd:Page xmlns:ofd=\"{OFD_NS}\">"),
                &format!(
                    "<ofd:Page xmlns:ofd=\"{OFD_NS}\"><ofd:Template TemplateID=\"900\" ZOrder=\"Background\"/>"
                ),
            );
        }
    })
}

/// `plain(1)` with an annotation index and one annotation on page 1.
fn with_annotation() -> Vec<u8> {
    edited(&plain(1), |pkg, edit| {
        let body = &pkg.ofd().unwrap().bodies[0];
        let page_id = pkg.document(body).unwrap().pages[0].id;
        edit.put(
            ANNOTATIONS,
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Annotations xmlns:ofd=\"{OFD_NS}\"><ofd:Page PageID=\"{page_id}\"><ofd:FileLoc>Page_0/Annotation.xml</ofd:FileLoc></ofd:Page></ofd:Annotations>"
            )
            .into_bytes(),
        )
        .unwrap();
        edit.put(
            ANNOTATION,
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:PageAnnot xmlns:ofd=\"{OFD_NS}\"><ofd:Annot ID=\"950\" Type=\"Highlight\"><ofd:Appearance Boundary=\"10 10 50 10\"/></ofd:Annot></ofd:PageAnnot>"
            )
            .into_bytes(),
        )
        .unwrap();
        replace_in(
            edit,
            "Doc_0/Document.xml",
            "</ofd:Pages>",
            "</ofd:Pages><ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>",
        );
    })
}

/// Signs like `sign_document` (continue-sign mode, no stamp) but leaves `left_out` out of the
/// References, as deployed producers do.
fn sign_leaving_out(pki: &Pki, seal: &Seal, input: &[u8], left_out: &[&str]) -> Vec<u8> {
    let pkg = OfdPackage::from_bytes(input, &Limits::default()).unwrap();
    let body = pkg.ofd().unwrap().bodies[0].clone();
    let document = pkg.document(&body).unwrap();
    let list = pkg.signature_list(&body).unwrap();
    let id = next_signature_id(list.as_ref());
    let dir = pkg.next_signature_dir(&document.path);
    let (sig_path, value_path, seal_path) = (
        format!("{dir}/Signature.xml"),
        format!("{dir}/SignedValue.dat"),
        format!("{dir}/Seal.esl"),
    );
    let mut edit = pkg.edit();
    let list_path = match &list {
        Some(list) => {
            let updated = add_signature_entry(
                pkg.get(&list.path).unwrap(),
                &list.path,
                &id,
                SignatureType::Seal,
                &format!("/{sig_path}"),
                &Limits::default(),
            )
            .unwrap();
            edit.put(&list.path, updated).unwrap();
            list.path.clone()
        }
        None => {
            let path = "Doc_0/Signs/Signatures.xml".to_owned();
            edit.put(
                &path,
                new_signatures_xml(&id, SignatureType::Seal, &format!("/{sig_path}")),
            )
            .unwrap();
            let ofd_xml = insert_signatures_location(
                pkg.get("OFD.xml").unwrap(),
                0,
                &format!("/{path}"),
                &Limits::default(),
            )
            .unwrap();
            edit.put("OFD.xml", ofd_xml).unwrap();
            path
        }
    };
    edit.put(&seal_path, seal.as_der().to_vec()).unwrap();
    let references = edit
        .file_names()
        .into_iter()
        .filter(|n| *n != list_path && !left_out.contains(&n.as_str()))
        .filter_map(|n| edit.sm3_reference(&n))
        .collect();
    let mut info = SignedInfo::new(Provider::new("test producer", None, None), references);
    info.signature_method = Some("1.2.156.10197.1.501".into());
    info.seal = Some(format!("/{seal_path}"));
    let xml = Signature::new(info, &format!("/{value_path}")).to_xml();
    let value = SignatureBuilder::new(
        seal,
        &pki.signer.cert,
        DataToSign::Bytes(&xml),
        format!("/{sig_path}"),
        t(30),
    )
    .sign(&pki.signer.key)
    .unwrap();
    edit.put(&sig_path, xml).unwrap();
    edit.put(&value_path, value.as_der().to_vec()).unwrap();
    edit.finish().unwrap()
}

fn sign_all(pki: &Pki, seal: &Seal, input: &[u8]) -> Vec<u8> {
    let request = SignRequest::seal(seal, &pki.signer.cert, &pki.signer.key, t(31));
    sign_document(input, &request).unwrap()
}

struct Env {
    pki: Pki,
    seal: Seal,
}

impl Env {
    fn new() -> Self {
        let pki = Pki::new();
        let seal = make_seal(&pki, SesVersion::V4);
        Env { pki, seal }
    }

    /// Default policy (lenient parsing).
    fn verify(&self, ofd: &[u8]) -> DocumentReport {
        let store = self.pki.store();
        let opts = opts_at(&store, t(40)).parse_mode(ParseMode::Lenient);
        verify_document(ofd, &OfdVerifyOptions::new(opts)).unwrap()
    }

    /// Strict parse mode: unprotected visible content fails.
    fn verify_strict(&self, ofd: &[u8]) -> DocumentReport {
        let store = self.pki.store();
        let opts = opts_at(&store, t(40)).parse_mode(ParseMode::Strict);
        verify_document(ofd, &OfdVerifyOptions::new(opts)).unwrap()
    }
}

fn status_of(report: &DocumentReport, index: usize, id: CheckId) -> CheckStatus {
    report.signatures()[index]
        .report()
        .check(id)
        .unwrap_or_else(|| panic!("no {}: {}", id.as_str(), report.to_json()))
        .status()
}

fn message_of(report: &DocumentReport, index: usize, id: CheckId) -> String {
    report.signatures()[index]
        .report()
        .check(id)
        .unwrap()
        .message()
        .to_string()
}

fn document_check(report: &DocumentReport, id: CheckId) -> (CheckStatus, String) {
    let c = report.checks().iter().find(|c| c.id() == id).unwrap();
    (c.status(), c.message().to_string())
}

fn coverage(report: &DocumentReport, index: usize) -> &SignatureCoverage {
    report.signatures()[index].coverage().unwrap()
}

fn summary(report: &DocumentReport, index: usize) -> &str {
    report.signatures()[index].summary().unwrap()
}

fn warning_codes(report: &DocumentReport, index: usize) -> Vec<&str> {
    report.signatures()[index]
        .report()
        .warnings()
        .iter()
        .map(|w| w.code.as_ref())
        .collect()
}

fn pages(first: u32, last: u32) -> PageSet {
    let mut set = PageSet::new();
    for p in first..=last {
        set.insert(p);
    }
    set
}

/// `check_signatures` (package level) reports the same coverage as the verifier when every
/// signature is valid: one rule.
fn assert_package_check_agrees(ofd: &[u8], report: &DocumentReport) {
    let pkg = OfdPackage::from_bytes(ofd, &Limits::default()).unwrap();
    let check = pkg.check_signatures(&pkg.ofd().unwrap().bodies[0]).unwrap();
    assert_eq!(check.coverage.len(), report.signatures().len());
    for (i, c) in check.coverage.iter().enumerate() {
        assert_eq!(c.as_ref(), report.signatures()[i].coverage(), "{i}");
    }
}

#[test]
fn a_file_left_out_but_covered_by_a_later_signature_passes_with_a_note() {
    let env = Env::new();
    let first = sign_leaving_out(&env.pki, &env.seal, &with_template(5), &[TEMPLATE]);
    let both = sign_all(&env.pki, &env.seal, &first);
    let report = env.verify(&both);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(
        status_of(&report, 0, CheckId::OfdCoverage),
        CheckStatus::Passed
    );
    assert!(warning_codes(&report, 0).contains(&"ofd.covered_by_other_signature"));
    let later = report.signatures()[1].id().unwrap().to_owned();
    let c = coverage(&report, 0);
    assert_eq!(c.later_signatures, std::slice::from_ref(&later));
    let tpl = c.unprotected.iter().find(|f| f.path == TEMPLATE).unwrap();
    assert_eq!(
        tpl.role,
        FileRole::Template {
            pages: pages(1, 5),
            background: true
        }
    );
    assert_eq!(tpl.protected_by.as_deref(), Some(later.as_str()));
    // Document.xml, protected and unchanged, names the template: it was there at signing.
    assert_eq!(tpl.origin, FileOrigin::LeftOutAtSigning);
    assert!(c.protected.contains(&"Doc_0/Document.xml".to_owned()));
    assert!(c.changed.is_empty());
    assert_eq!(
        summary(&report, 0),
        format!(
            "signature valid; the background template of pages 1–5 is protected by signature \
             {later} only"
        )
    );
    // The later signature protects everything shown, the earlier signature's files too.
    assert_eq!(
        status_of(&report, 1, CheckId::OfdCoverage),
        CheckStatus::Passed
    );
    assert!(coverage(&report, 1).visible_unprotected().next().is_none());
    assert_eq!(
        summary(&report, 1),
        "signature valid; every file shown is protected by this signature"
    );
    assert_eq!(
        document_check(&report, CheckId::DocumentCoverage).0,
        CheckStatus::Passed
    );
    assert_package_check_agrees(&both, &report);
}

#[test]
fn a_template_left_out_by_every_signature_is_indeterminate_and_fails_when_strict() {
    let env = Env::new();
    let ofd = sign_leaving_out(&env.pki, &env.seal, &with_template(5), &[TEMPLATE]);
    let report = env.verify(&ofd);
    assert_eq!(
        report.status(),
        Status::Indeterminate,
        "{}",
        report.to_json()
    );
    assert_eq!(
        status_of(&report, 0, CheckId::OfdCoverage),
        CheckStatus::Indeterminate
    );
    let msg = message_of(&report, 0, CheckId::OfdCoverage);
    assert!(msg.contains(TEMPLATE), "{msg}");
    assert!(msg.contains("left out when signed"), "{msg}");
    // Nothing was forged: the digests and the seal signature hold.
    assert_eq!(
        status_of(&report, 0, CheckId::OfdReferences),
        CheckStatus::Passed
    );
    assert_eq!(
        status_of(&report, 0, CheckId::SignatureValue),
        CheckStatus::Passed
    );
    assert_eq!(
        summary(&report, 0),
        "signature indeterminate (ofd.coverage); the background template of pages 1–5 is not \
         protected by any signature"
    );
    let (doc_status, doc_msg) = document_check(&report, CheckId::DocumentCoverage);
    assert_eq!(doc_status, CheckStatus::Indeterminate);
    assert!(doc_msg.contains(TEMPLATE), "{doc_msg}");
    assert_package_check_agrees(&ofd, &report);

    let strict = env.verify_strict(&ofd);
    assert_eq!(strict.status(), Status::Invalid, "{}", strict.to_json());
    assert_eq!(
        status_of(&strict, 0, CheckId::OfdCoverage),
        CheckStatus::Failed
    );
    assert_eq!(
        document_check(&strict, CheckId::DocumentCoverage).0,
        CheckStatus::Failed
    );
}

/// Adds a copy of page 1 as a new last page (Document.xml changes).
fn add_page(ofd: &[u8]) -> Vec<u8> {
    edited(ofd, |_, edit| {
        let page = edit.get("Doc_0/Pages/Page_0/Content.xml").unwrap().to_vec();
        edit.put("Doc_0/Pages/Page_9/Content.xml", page).unwrap();
        replace_in(
            edit,
            "Doc_0/Document.xml",
            "</ofd:Pages>",
            "<ofd:Page ID=\"990\" BaseLoc=\"Pages/Page_9/Content.xml\"/></ofd:Pages>",
        );
    })
}

#[test]
fn a_page_added_after_signing_is_named_and_not_protected() {
    let env = Env::new();
    // The signer left Document.xml out: adding a page breaks no digest, but the new page is
    // protected by nothing.
    let signed = sign_leaving_out(&env.pki, &env.seal, &plain(1), &["Doc_0/Document.xml"]);
    let report = env.verify(&add_page(&signed));
    assert_eq!(
        report.status(),
        Status::Indeterminate,
        "{}",
        report.to_json()
    );
    assert_eq!(
        status_of(&report, 0, CheckId::OfdReferences),
        CheckStatus::Passed
    );
    assert_eq!(
        status_of(&report, 0, CheckId::OfdCoverage),
        CheckStatus::Indeterminate
    );
    let c = coverage(&report, 0);
    let page = c
        .unprotected
        .iter()
        .find(|f| f.path == "Doc_0/Pages/Page_9/Content.xml")
        .unwrap();
    assert_eq!(page.role, FileRole::PageContent { page: 2 });
    assert_eq!(page.origin, FileOrigin::Unknown);
    assert_eq!(page.protected_by, None);
    let doc_xml = c
        .unprotected
        .iter()
        .find(|f| f.path == "Doc_0/Document.xml")
        .unwrap();
    assert_eq!(doc_xml.role, FileRole::DocumentMetadata);
    assert!(warning_codes(&report, 0).contains(&"ofd.unprotected_metadata"));
    let line = summary(&report, 0);
    assert!(
        line.starts_with(
            "signature indeterminate (ofd.coverage); the content of page 2 is not protected by \
             any signature"
        ),
        "{line}"
    );
    assert!(
        message_of(&report, 0, CheckId::OfdCoverage).contains("added after signing, or left out")
    );

    // With Document.xml protected, the added page changes it: invalid, and the page named.
    let signed = sign_all(&env.pki, &env.seal, &plain(1));
    let report = env.verify(&add_page(&signed));
    assert_eq!(report.status(), Status::Invalid, "{}", report.to_json());
    assert_eq!(
        status_of(&report, 0, CheckId::OfdReferences),
        CheckStatus::Failed
    );
    let c = coverage(&report, 0);
    assert_eq!(c.changed.len(), 1);
    assert_eq!(c.changed[0].path, "Doc_0/Document.xml");
    assert_eq!(c.changed[0].change, FileChange::Modified);
    assert_eq!(c.changed[0].changed_by, None);
    assert!(
        c.unprotected
            .iter()
            .any(|f| f.role == FileRole::PageContent { page: 2 })
    );
    assert!(
        summary(&report, 0).starts_with(
            "signature invalid (ofd.references); document metadata (Doc_0/Document.xml) \
             changed after signing; the content of page 2 is not protected by any signature"
        ),
        "{}",
        summary(&report, 0)
    );
}

#[test]
fn a_protected_file_changed_by_a_later_revision_is_invalid_for_the_earlier_signature() {
    let env = Env::new();
    let first = sign_all(&env.pki, &env.seal, &plain(2));
    let revised = edited(&first, |_, edit| {
        replace_in(edit, "Doc_0/Pages/Page_1/Content.xml", "page 2", "PAGE 2");
    });
    let second = sign_all(&env.pki, &env.seal, &revised);
    let report = env.verify(&second);
    assert_eq!(report.status(), Status::Invalid, "{}", report.to_json());
    assert_eq!(
        status_of(&report, 0, CheckId::OfdReferences),
        CheckStatus::Failed
    );
    let later = report.signatures()[1].id().unwrap().to_owned();
    let c = coverage(&report, 0);
    assert_eq!(c.changed.len(), 1);
    assert_eq!(c.changed[0].path, "Doc_0/Pages/Page_1/Content.xml");
    assert_eq!(c.changed[0].role, FileRole::PageContent { page: 2 });
    assert_eq!(c.changed[0].change, FileChange::Modified);
    assert_eq!(c.changed[0].changed_by.as_deref(), Some(later.as_str()));
    assert_eq!(
        summary(&report, 0),
        format!(
            "signature invalid (ofd.references); the content of page 2 \
             (Doc_0/Pages/Page_1/Content.xml) changed after signing (in the revision signed by \
             {later})"
        )
    );
    // The later signature is valid on its own.
    assert_eq!(report.signatures()[1].report().status(), Status::Valid);
    assert!(coverage(&report, 1).changed.is_empty());
}

#[test]
fn metadata_and_the_annotation_index_left_out_are_warnings_only() {
    let env = Env::new();
    let ofd = sign_leaving_out(
        &env.pki,
        &env.seal,
        &with_annotation(),
        &["OFD.xml", ANNOTATIONS],
    );
    for report in [env.verify(&ofd), env.verify_strict(&ofd)] {
        assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
        assert_eq!(
            status_of(&report, 0, CheckId::OfdCoverage),
            CheckStatus::Passed
        );
        let codes = warning_codes(&report, 0);
        assert!(codes.contains(&"ofd.unprotected_metadata"), "{codes:?}");
        assert!(
            codes.contains(&"ofd.unprotected_annotation_index"),
            "{codes:?}"
        );
        let c = coverage(&report, 0);
        let roles: Vec<(&str, &FileRole, FileOrigin)> = c
            .unprotected
            .iter()
            .filter(|f| f.role != FileRole::SignatureInfrastructure)
            .map(|f| (f.path.as_str(), &f.role, f.origin))
            .collect();
        assert_eq!(
            roles,
            [
                (
                    ANNOTATIONS,
                    &FileRole::AnnotationIndex,
                    FileOrigin::LeftOutAtSigning
                ),
                (
                    "OFD.xml",
                    &FileRole::DocumentMetadata,
                    FileOrigin::LeftOutAtSigning
                ),
            ]
        );
        // The annotation itself is protected.
        assert!(c.protected.contains(&ANNOTATION.to_owned()));
        assert_eq!(
            summary(&report, 0),
            "signature valid; Doc_0/Annots/Annotations.xml (the annotation index), OFD.xml \
             (document metadata) are not protected by any signature"
        );
        let (doc_status, doc_msg) = document_check(&report, CheckId::DocumentCoverage);
        assert_eq!(doc_status, CheckStatus::Passed);
        assert!(doc_msg.contains("OFD.xml"), "{doc_msg}");
    }
}

#[test]
fn an_unprotected_annotation_is_visible_content() {
    let env = Env::new();
    let ofd = sign_leaving_out(&env.pki, &env.seal, &with_annotation(), &[ANNOTATION]);
    let report = env.verify(&ofd);
    assert_eq!(
        report.status(),
        Status::Indeterminate,
        "{}",
        report.to_json()
    );
    let c = coverage(&report, 0);
    let annot = c.unprotected.iter().find(|f| f.path == ANNOTATION).unwrap();
    assert_eq!(annot.role, FileRole::Annotation { pages: pages(1, 1) });
    assert_eq!(annot.origin, FileOrigin::LeftOutAtSigning);
}

#[test]
fn an_invalid_later_signature_vouches_for_nothing() {
    let env = Env::new();
    let first = sign_leaving_out(&env.pki, &env.seal, &with_template(2), &[TEMPLATE]);
    let both = sign_all(&env.pki, &env.seal, &first);
    let broken = edited(&both, |_, edit| {
        let mut value = edit
            .get("Doc_0/Signs/Sign_1/SignedValue.dat")
            .unwrap()
            .to_vec();
        let last = value.len() - 1;
        value[last] ^= 1;
        edit.put("Doc_0/Signs/Sign_1/SignedValue.dat", value)
            .unwrap();
    });
    let report = env.verify(&broken);
    assert_eq!(report.signatures()[1].report().status(), Status::Invalid);
    // The template counts as protected by no signature for the first one.
    assert_eq!(
        status_of(&report, 0, CheckId::OfdCoverage),
        CheckStatus::Indeterminate
    );
    let tpl = coverage(&report, 0)
        .unprotected
        .iter()
        .find(|f| f.path == TEMPLATE)
        .unwrap();
    assert_eq!(tpl.protected_by, None);
    // The package-level check does no cryptography: there the second signature's References
    // still count.
    let pkg = OfdPackage::from_bytes(&broken, &Limits::default()).unwrap();
    let check = pkg.check_signatures(&pkg.ofd().unwrap().bodies[0]).unwrap();
    let tpl = check.coverage[0]
        .as_ref()
        .unwrap()
        .unprotected
        .iter()
        .find(|f| f.path == TEMPLATE)
        .unwrap()
        .clone();
    assert!(tpl.protected_by.is_some());
}

#[test]
fn an_orphan_file_added_after_signing_is_a_warning() {
    let env = Env::new();
    let signed = sign_all(&env.pki, &env.seal, &plain(1));
    let added = edited(&signed, |_, edit| {
        edit.put("Doc_0/Extra/notes.txt", b"not shown anywhere".to_vec())
            .unwrap();
    });
    let report = env.verify(&added);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert!(warning_codes(&report, 0).contains(&"ofd.unprotected_file"));
    let f = &coverage(&report, 0).unprotected[0];
    assert_eq!(f.path, "Doc_0/Extra/notes.txt");
    assert_eq!(f.role, FileRole::Other);
    assert_eq!(f.origin, FileOrigin::Unknown);
}

#[test]
fn the_json_report_carries_coverage_and_summary() {
    let env = Env::new();
    let ofd = sign_leaving_out(&env.pki, &env.seal, &with_template(3), &[TEMPLATE]);
    let report = env.verify(&ofd);
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let entry = &json["signatures"][0];
    assert_eq!(
        entry["summary"],
        "signature indeterminate (ofd.coverage); the background template of pages 1–3 is not \
         protected by any signature"
    );
    let tpl = entry["coverage"]["unprotected"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == TEMPLATE)
        .unwrap();
    assert_eq!(tpl["role"]["kind"], "template");
    assert_eq!(tpl["role"]["pages"][0]["first"], 1);
    assert_eq!(tpl["role"]["pages"][0]["last"], 3);
    assert_eq!(tpl["origin"], "left_out_at_signing");
    assert!(tpl["protected_by"].is_null());
}

#[test]
fn the_ofdrw_samples_are_not_invalid_because_of_coverage() {
    for name in [
        "DigitalSign.ofd",
        "SESV4SignDoc.ofd",
        "allprotected.ofd",
        "signedFile.ofd",
        "v4signed.ofd",
    ] {
        let path = cross::shared_vectors().join("ofdrw").join(name);
        let ofd = std::fs::read(&path).unwrap();
        let opts = eseal::ses::VerifyOptions::new().parse_mode(ParseMode::Lenient);
        let report = verify_document(&ofd, &OfdVerifyOptions::new(opts)).unwrap();
        for (i, s) in report.signatures().iter().enumerate() {
            assert_eq!(
                status_of(&report, i, CheckId::OfdCoverage),
                CheckStatus::Passed,
                "{name}: {}",
                report.to_json()
            );
            let c = s.coverage().unwrap();
            assert!(c.visible_unprotected().next().is_none(), "{name}");
            assert!(c.changed.is_empty(), "{name}");
            let line = s.summary().unwrap();
            assert!(
                line.ends_with("; every file shown is protected by this signature"),
                "{name}: {line}"
            );
        }
        assert_eq!(
            document_check(&report, CheckId::DocumentCoverage).0,
            CheckStatus::Passed,
            "{name}"
        );
        assert_package_check_agrees(&ofd, &report);
    }
}

#[test]
fn a_left_out_image_is_a_resource_of_the_pages() {
    let env = Env::new();
    let mut b = DocumentBuilder::new(DocumentMeta::default());
    let image = b.add_image(eseal::ofd::ImageFormat::Png, fixture::tiny_png());
    b.add_page(eseal::ofd::PageSize::A4)
        .image(image, eseal::ofd::Rect::new(10.0, 10.0, 20.0, 20.0));
    b.add_page(eseal::ofd::PageSize::A4);
    let input = b.finish().unwrap();
    let pkg = OfdPackage::from_bytes(&input, &Limits::default()).unwrap();
    let png = pkg
        .file_names()
        .find(|n| n.starts_with("Doc_0/Res/"))
        .unwrap()
        .to_owned();
    let ofd = sign_leaving_out(&env.pki, &env.seal, &input, &[&png]);
    let report = env.verify(&ofd);
    assert_eq!(
        report.status(),
        Status::Indeterminate,
        "{}",
        report.to_json()
    );
    let f = coverage(&report, 0)
        .unprotected
        .iter()
        .find(|f| f.path == png)
        .unwrap();
    // DocumentRes resources may be drawn on any page.
    assert_eq!(f.role, FileRole::PageResource { pages: pages(1, 2) });
    assert_eq!(f.origin, FileOrigin::LeftOutAtSigning);
    assert!(
        summary(&report, 0).ends_with("a resource of pages 1–2 is not protected by any signature"),
        "{}",
        summary(&report, 0)
    );
}

#[test]
fn signature_files_left_out_are_named() {
    let env = Env::new();
    // The first signature leaves its own seal copy out; the second leaves out the first's
    // SignedValue.dat.
    let first = sign_leaving_out(
        &env.pki,
        &env.seal,
        &plain(1),
        &["Doc_0/Signs/Sign_0/Seal.esl"],
    );
    let report = env.verify(&first);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert!(warning_codes(&report, 0).contains(&"ofd.unprotected_signature_files"));
    let second = sign_leaving_out(
        &env.pki,
        &env.seal,
        &first,
        &[
            "Doc_0/Signs/Sign_0/Seal.esl",
            "Doc_0/Signs/Sign_0/SignedValue.dat",
        ],
    );
    let report = env.verify(&second);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    let codes = warning_codes(&report, 1);
    assert!(
        codes.contains(&"ofd.unprotected_signature_files"),
        "{codes:?}"
    );
    let warning = report.signatures()[1]
        .report()
        .warnings()
        .iter()
        .find(|w| w.code == "ofd.unprotected_signature_files")
        .unwrap();
    assert!(
        warning
            .message
            .contains("Doc_0/Signs/Sign_0/SignedValue.dat")
    );
    // The first signature is not warned about the second's files: they came later.
    assert!(
        !warning_codes(&report, 0).contains(&"ofd.covered_by_other_signature"),
        "{:?}",
        warning_codes(&report, 0)
    );
}
