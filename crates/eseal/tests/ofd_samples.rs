//! The OFD package layer against the ofdrw sample files in `../shared/test-vectors/ofdrw/`
//! (produced by ofdrw and by commercial e-seal products): structure, signatures, reference
//! digests, coverage and tampering.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;

use eseal::ofd::{Limits, OfdError, OfdPackage, ReferenceStatus, SignatureType, StampAnnotCheck};

fn sample(name: &str) -> Vec<u8> {
    let path = cross::shared_vectors().join("ofdrw").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn open(name: &str) -> OfdPackage<'static> {
    OfdPackage::from_bytes(&sample(name), &Limits::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

const SIGNED: [(&str, SignatureType); 5] = [
    ("DigitalSign.ofd", SignatureType::Sign),
    ("SESV4SignDoc.ofd", SignatureType::Seal),
    ("allprotected.ofd", SignatureType::Seal),
    ("signedFile.ofd", SignatureType::Seal),
    ("v4signed.ofd", SignatureType::Seal),
];

const UNSIGNED: [&str; 4] = [
    "helloworld.ofd",
    "doc1File.ofd",
    "VPage7.ofd",
    "namespace_no_std.ofd",
];

#[test]
fn unsigned_samples_have_structure_and_no_signatures() {
    for name in UNSIGNED {
        let pkg = open(name);
        let ofd = pkg.ofd().unwrap();
        assert_eq!(ofd.bodies.len(), 1, "{name}");
        let body = &ofd.bodies[0];
        assert!(body.signatures.is_none(), "{name}");
        assert!(pkg.signature_list(body).unwrap().is_none(), "{name}");
        let doc = pkg.document(body).unwrap();
        assert!(!doc.pages.is_empty(), "{name}");
        for page in &doc.pages {
            assert!(pkg.contains(&page.path), "{name}: {}", page.path);
            let b = doc.page_box(page).unwrap();
            assert!(b.width > 200.0 && b.height > 290.0, "{name}: {b:?}");
        }
        let check = pkg.check_signatures(body).unwrap();
        assert!(check.signatures.is_empty());
        assert_eq!(
            check.not_covered_by_any.len(),
            pkg.file_names().count(),
            "{name}"
        );
    }
}

#[test]
fn sample_specifics() {
    // doc1File: the document lives in Doc_1, page IDs are not 1..n, pages set their own Area.
    let pkg = open("doc1File.ofd");
    let body = &pkg.ofd().unwrap().bodies[0];
    assert_eq!(body.doc_root, "Doc_1/Document.xml");
    let doc = pkg.document(body).unwrap();
    assert_eq!(doc.pages.len(), 11);
    assert_eq!(doc.pages[1].id, 49);
    assert_eq!(doc.pages[1].path, "Doc_1/Pages/Page_49/Content.xml");
    let area = doc.pages[0].area.unwrap();
    assert!((area.width - 209.90291).abs() < 1e-9);

    // VPage7: five pages with object IDs 1, 21, 43, 63, 83.
    let pkg = open("VPage7.ofd");
    let doc = pkg.document(&pkg.ofd().unwrap().bodies[0]).unwrap();
    assert_eq!(
        doc.pages.iter().map(|p| p.id).collect::<Vec<_>>(),
        [1, 21, 43, 63, 83]
    );

    // namespace_no_std: the non-standard namespace is read all the same, and reported.
    let pkg = open("namespace_no_std.ofd");
    let ofd = pkg.ofd().unwrap();
    assert_eq!(ofd.namespace.as_deref(), Some("http://www.ofdspec.org"));
    assert_eq!(
        ofd.bodies[0].info.doc_id.as_deref(),
        Some("07723bc91fdf4078a17588d63c419bea")
    );
    assert_eq!(ofd.bodies[0].info.creator.as_deref(), Some("OFD R&W"));
    assert_eq!(
        pkg.document(&ofd.bodies[0]).unwrap().pages[0].path,
        "Doc_0/Pages/Page_0/Content.xml"
    );

    // signedFile: relative Signatures location, CustomDatas with CJK names.
    let pkg = open("signedFile.ofd");
    let ofd = pkg.ofd().unwrap();
    assert_eq!(ofd.version.as_deref(), Some("1.1"));
    let body = &ofd.bodies[0];
    assert_eq!(
        body.signatures.as_deref(),
        Some("Doc_0/Signs/Signatures.xml")
    );
    assert!(
        body.info
            .custom_datas
            .iter()
            .any(|(k, v)| k == "发票号码" && v == "31471858")
    );
    let doc = pkg.document(body).unwrap();
    assert_eq!(
        doc.attachments.as_deref(),
        Some("Doc_0/Attachs/Attachments.xml")
    );
    assert_eq!(
        doc.custom_tags.as_deref(),
        Some("Doc_0/Tags/CustomTags.xml")
    );
    assert_eq!(doc.physical_box.unwrap().height, 140.0);
}

#[test]
fn signed_samples_parse_and_all_references_match() {
    for (name, kind) in SIGNED {
        let pkg = open(name);
        let body = &pkg.ofd().unwrap().bodies[0];
        let list = pkg.signature_list(body).unwrap().expect("signed");
        assert_eq!(list.entries.len(), 1, "{name}");
        let entry = &list.entries[0];
        assert_eq!(entry.kind, kind, "{name}");
        assert_eq!(entry.path, "Doc_0/Signs/Sign_0/Signature.xml", "{name}");
        let sig = pkg.signature(entry).unwrap();
        assert_eq!(sig.raw, pkg.get(&sig.path).unwrap(), "{name}");
        assert_eq!(
            sig.signed_value_path, "Doc_0/Signs/Sign_0/SignedValue.dat",
            "{name}"
        );
        assert_eq!(
            sig.signature.signed_info.signature_method.as_deref(),
            Some("1.2.156.10197.1.501"),
            "{name}"
        );
        assert!(!sig.signature.signed_info.provider.name.is_empty());

        let report = pkg.check_signatures(body).unwrap();
        let (_, check) = &report.signatures[0];
        let check = check.as_ref().unwrap();
        assert!(
            check.all_references_ok(),
            "{name}: {:?}",
            check.failures().collect::<Vec<_>>()
        );
        assert!(check.signed_value_present, "{name}");
        for stamp in &check.stamp_annots {
            assert_stamp_ok(name, stamp);
        }
        assert!(
            report.not_covered_by_any.is_empty(),
            "{name}: {:?}",
            report.not_covered_by_any
        );
        assert!(
            check.not_covered.is_empty(),
            "{name}: {:?}",
            check.not_covered
        );
        let whole = name == "allprotected.ofd";
        assert_eq!(check.protects_signatures_xml, whole, "{name}");
        assert_eq!(report.signatures_xml_protected, whole, "{name}");
    }
}

fn assert_stamp_ok(name: &str, stamp: &StampAnnotCheck) {
    assert!(stamp.page_found, "{name}: {stamp:?}");
    assert_eq!(stamp.boundary_within_page, Some(true), "{name}: {stamp:?}");
    assert_eq!(
        stamp.visible_part_within_page,
        Some(true),
        "{name}: {stamp:?}"
    );
}

#[test]
fn signature_xml_details() {
    let pkg = open("SESV4SignDoc.ofd");
    let body = &pkg.ofd().unwrap().bodies[0];
    let list = pkg.signature_list(body).unwrap().unwrap();
    assert_eq!(list.max_sign_id.as_deref(), Some("2"));
    let sig = pkg.signature(&list.entries[0]).unwrap();
    let si = &sig.signature.signed_info;
    assert_eq!(si.provider.name, "ofdrw-sign");
    assert_eq!(si.provider.company.as_deref(), Some("ofdrw"));
    assert_eq!(si.check_method.as_deref(), Some("SM3"));
    assert_eq!(
        si.signature_date_time.as_deref(),
        Some("2026-08-04 10:08:09")
    );
    assert_eq!(si.references.len(), 5);
    assert_eq!(si.references[0].file_ref, "/OFD.xml");
    assert_eq!(si.references[0].check_value.len(), 32);
    assert_eq!(
        sig.seal_path.as_deref(),
        Some("Doc_0/Signs/Sign_0/Seal.esl")
    );
    assert_eq!(si.stamp_annots.len(), 1);
    assert_eq!(si.stamp_annots[0].page_ref, "1");
    assert_eq!(
        si.stamp_annots[0].boundary,
        eseal::ofd::Rect::new(50.0, 50.0, 40.0, 40.0)
    );
    // The seal copy is byte-identical to the v4 sample seal.
    assert_eq!(
        pkg.get("Doc_0/Signs/Sign_0/Seal.esl").unwrap(),
        sample("UserV4.esl")
    );

    let pkg = open("v4signed.ofd");
    let sig = pkg
        .signature(
            &pkg.signature_list(&pkg.ofd().unwrap().bodies[0])
                .unwrap()
                .unwrap()
                .entries[0],
        )
        .unwrap();
    let si = &sig.signature.signed_info;
    assert_eq!(si.check_method.as_deref(), Some("1.2.156.10197.1.401"));
    assert_eq!(si.signature_date_time.as_deref(), Some("20201010151120"));
    assert_eq!(si.references.len(), 13);
    assert!(si.seal.is_none());
}

#[test]
fn model_round_trips_through_xml() {
    for (name, _) in SIGNED {
        let pkg = open(name);
        let body = &pkg.ofd().unwrap().bodies[0];
        let list = pkg.signature_list(body).unwrap().unwrap();
        let sig = pkg.signature(&list.entries[0]).unwrap();
        let xml = sig.signature.to_xml();
        let again = eseal::ofd::Signature::from_xml("again.xml", &xml, &Limits::default()).unwrap();
        assert_eq!(again, sig.signature, "{name}");
    }
}

fn tampered(name: &str, f: impl FnOnce(&mut eseal::ofd::PackageEdit<'_>)) -> OfdPackage<'static> {
    let pkg = open(name);
    let mut edit = pkg.edit();
    f(&mut edit);
    let bytes = edit.finish().unwrap();
    OfdPackage::from_bytes(&bytes, &Limits::default()).unwrap()
}

#[test]
fn changing_a_protected_page_is_a_mismatch() {
    let pkg = tampered("v4signed.ofd", |e| {
        let mut page = e.get("Doc_0/Pages/Page_0/Content.xml").unwrap().to_vec();
        let i = page.iter().position(|&b| b == b'9').unwrap();
        page[i] = b'8';
        e.put("Doc_0/Pages/Page_0/Content.xml", page).unwrap();
    });
    let check = pkg.check_signatures(&pkg.ofd().unwrap().bodies[0]).unwrap();
    let sig = check.signatures[0].1.as_ref().unwrap();
    let failures: Vec<_> = sig.failures().collect();
    assert_eq!(failures.len(), 1);
    assert_eq!(
        failures[0].path.as_deref(),
        Some("Doc_0/Pages/Page_0/Content.xml")
    );
    assert!(matches!(
        failures[0].status,
        ReferenceStatus::Mismatch { .. }
    ));
}

#[test]
fn files_added_after_signing_are_not_covered() {
    let pkg = tampered("SESV4SignDoc.ofd", |e| {
        e.put(
            "Doc_0/Annots/Page_0/Annotation.xml",
            b"<ofd:PageAnnot/>".to_vec(),
        )
        .unwrap();
    });
    let check = pkg.check_signatures(&pkg.ofd().unwrap().bodies[0]).unwrap();
    let sig = check.signatures[0].1.as_ref().unwrap();
    assert!(sig.all_references_ok());
    assert_eq!(sig.not_covered, ["Doc_0/Annots/Page_0/Annotation.xml"]);
    assert_eq!(
        check.not_covered_by_any,
        ["Doc_0/Annots/Page_0/Annotation.xml"]
    );
}

#[test]
fn removed_files_and_foreign_methods_are_reported() {
    let pkg = tampered("DigitalSign.ofd", |e| {
        assert!(e.remove("Doc_0/PublicRes.xml"));
    });
    let body = &pkg.ofd().unwrap().bodies[0];
    let list = pkg.signature_list(body).unwrap().unwrap();
    let sig = pkg.signature(&list.entries[0]).unwrap();
    let check = pkg.check_signature(&list, &sig, None);
    let bad: Vec<_> = check
        .failures()
        .map(|r| (r.path.clone().unwrap(), r.status.clone()))
        .collect();
    assert_eq!(
        bad,
        [(
            "Doc_0/PublicRes.xml".to_owned(),
            ReferenceStatus::MissingFile
        )]
    );

    // A Signature.xml claiming MD5 is reported as unsupported, not checked.
    let mut model = sig.signature.clone();
    model.signed_info.check_method = Some("MD5".into());
    let mut edit = pkg.edit();
    edit.put(&sig.path, model.to_xml()).unwrap();
    let md5 = OfdPackage::from_bytes(&edit.finish().unwrap(), &Limits::default()).unwrap();
    let check = md5.check_signatures(body).unwrap();
    let sig = check.signatures[0].1.as_ref().unwrap();
    assert_eq!(sig.references.len(), 4);
    for r in &sig.references {
        match &r.status {
            ReferenceStatus::UnsupportedMethod { method: Some(m) } => assert_eq!(m, "MD5"),
            ReferenceStatus::MissingFile => {
                assert_eq!(r.path.as_deref(), Some("Doc_0/PublicRes.xml"))
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn signature_list_pointing_outside_is_a_typed_error() {
    let pkg = tampered("signedFile.ofd", |e| {
        let xml = String::from_utf8(e.get("Doc_0/Signs/Signatures.xml").unwrap().to_vec()).unwrap();
        let xml = xml.replace("/Doc_0/Signs/Sign_0/Signature.xml", "../../../etc/passwd");
        e.put("Doc_0/Signs/Signatures.xml", xml.into_bytes())
            .unwrap();
    });
    let body = &pkg.ofd().unwrap().bodies[0];
    let err = pkg.signature_list(body).unwrap_err();
    assert!(matches!(err, OfdError::InvalidLocation { .. }), "{err}");
    assert!(err.to_string().contains("Signatures.xml"), "{err}");
    assert!(pkg.check_signatures(body).is_err());
}
