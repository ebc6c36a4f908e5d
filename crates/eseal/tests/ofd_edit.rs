//! Editing primitives for signing, on the ofdrw samples: adding a first signature to an
//! unsigned document and a second one to a signed document, with every untouched entry
//! copied byte for byte.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;

use std::io::{Cursor, Read};

use eseal::ofd::{
    Limits, OfdPackage, Provider, Rect, Signature, SignatureType, SignedInfo, StampAnnot,
    add_signature_entry, insert_signatures_location, new_signatures_xml, next_signature_id,
};

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(cross::shared_vectors().join("ofdrw").join(name)).unwrap()
}

/// The stored (compressed) bytes and CRC of each entry, by name.
fn raw_entries(zip: &[u8]) -> Vec<(String, Vec<u8>, u32)> {
    let mut a = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    (0..a.len())
        .map(|i| {
            let mut f = a.by_index_raw(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().to_owned(), data, f.crc32())
        })
        .collect()
}

fn assert_untouched_identical(before: &[u8], after: &[u8], changed: &[&str]) {
    let old = raw_entries(before);
    let new = raw_entries(after);
    for (name, data, crc) in &old {
        if changed.contains(&name.as_str()) {
            continue;
        }
        let (_, d, c) = new
            .iter()
            .find(|(n, _, _)| n == name)
            .unwrap_or_else(|| panic!("{name} lost"));
        assert_eq!((d, c), (data, crc), "{name} was not copied raw");
    }
}

fn signature_model(refs: Vec<eseal::ofd::Reference>, dir: &str, annot_id: &str) -> Signature {
    let mut info = SignedInfo::new(
        Provider::new("eseal", Some("0.1.0"), Some("eseal developers")),
        refs,
    );
    info.signature_method = Some("1.2.156.10197.1.501".into());
    info.signature_date_time = Some("20250101120000Z".into());
    let mut annot = StampAnnot::new(annot_id, 1, Rect::new(100.0, 100.0, 40.0, 40.0));
    annot.clip = Some(Rect::new(0.0, 0.0, 40.0, 40.0));
    info.stamp_annots.push(annot);
    info.seal = Some(format!("/{dir}/Seal.esl"));
    Signature::new(info, &format!("/{dir}/SignedValue.dat"))
}

#[test]
fn first_signature_on_an_unsigned_document() {
    let original = sample("helloworld.ofd");
    let pkg = OfdPackage::from_bytes(&original, &Limits::default()).unwrap();
    let body = &pkg.ofd().unwrap().bodies[0];
    assert!(pkg.signature_list(body).unwrap().is_none());

    let dir = pkg.next_signature_dir(&body.doc_root);
    assert_eq!(dir, "Doc_0/Signs/Sign_0");
    let id = next_signature_id(None);
    let list_path = "Doc_0/Signs/Signatures.xml";
    let mut edit = pkg.edit();

    // 1. OFD.xml gains DocBody/Signatures, by splicing: only the new element differs.
    let ofd_before = pkg.get("OFD.xml").unwrap();
    let ofd_after =
        insert_signatures_location(ofd_before, 0, &format!("/{list_path}"), pkg.limits()).unwrap();
    let inserted = "<ofd:Signatures>/Doc_0/Signs/Signatures.xml</ofd:Signatures>";
    let at = ofd_before
        .windows(14)
        .position(|w| w == b"</ofd:DocBody>")
        .unwrap();
    let mut expected = ofd_before[..at].to_vec();
    expected.extend_from_slice(inserted.as_bytes());
    expected.extend_from_slice(&ofd_before[at..]);
    assert_eq!(
        String::from_utf8(ofd_after.clone()).unwrap(),
        String::from_utf8(expected).unwrap()
    );
    assert!(
        insert_signatures_location(&ofd_after, 0, "/x", pkg.limits()).is_err(),
        "only once"
    );
    edit.put("OFD.xml", ofd_after).unwrap();
    edit.put(
        list_path,
        new_signatures_xml(&id, SignatureType::Seal, &format!("/{dir}/Signature.xml")),
    )
    .unwrap();
    edit.put(&format!("{dir}/Seal.esl"), sample("UserV4.esl"))
        .unwrap();

    // 2. References over every file except Signatures.xml (continue-sign mode).
    let refs = edit
        .file_names()
        .iter()
        .filter(|n| *n != list_path)
        .map(|n| edit.sm3_reference(n).unwrap())
        .collect();
    let model = signature_model(refs, &dir, "1");
    // 3. Serialise once; the SES layer would hash these bytes and sign.
    let xml = model.to_xml();
    edit.put(&format!("{dir}/Signature.xml"), xml.clone())
        .unwrap();
    edit.put(&format!("{dir}/SignedValue.dat"), b"placeholder".to_vec())
        .unwrap();
    let signed = edit.finish().unwrap();
    assert_untouched_identical(&original, &signed, &["OFD.xml"]);

    let pkg2 = OfdPackage::from_bytes(&signed, &Limits::default()).unwrap();
    let body2 = &pkg2.ofd().unwrap().bodies[0];
    assert_eq!(body2.signatures.as_deref(), Some(list_path));
    let list = pkg2.signature_list(body2).unwrap().unwrap();
    assert_eq!(list.max_sign_id.as_deref(), Some("s001"));
    assert_eq!(list.entries[0].id, "s001");
    let sig = pkg2.signature(&list.entries[0]).unwrap();
    assert_eq!(sig.raw, xml);
    assert_eq!(sig.signature, model);
    let check = pkg2.check_signatures(body2).unwrap();
    let c = check.signatures[0].1.as_ref().unwrap();
    assert!(
        c.all_references_ok(),
        "{:?}",
        c.failures().collect::<Vec<_>>()
    );
    assert!(c.not_covered.is_empty(), "{:?}", c.not_covered);
    assert!(!c.protects_signatures_xml);
    assert_eq!(c.seal_present, Some(true));
    assert!(c.stamp_annots[0].page_found);
    assert!(check.not_covered_by_any.is_empty());

    // Deterministic: the same edits give the same bytes.
    let mut again = pkg.edit();
    for n in pkg2.file_names() {
        if !pkg.contains(n) || n == "OFD.xml" {
            again.put(n, pkg2.get(n).unwrap().to_vec()).unwrap();
        }
    }
    assert_eq!(again.finish().unwrap(), signed);
}

#[test]
fn second_signature_on_a_signed_document() {
    let original = sample("signedFile.ofd");
    let pkg = OfdPackage::from_bytes(&original, &Limits::default()).unwrap();
    let body = &pkg.ofd().unwrap().bodies[0];
    let list = pkg.signature_list(body).unwrap().unwrap();
    let check = pkg.check_signatures(body).unwrap();
    assert!(!check.signatures_xml_protected, "continue-sign is allowed");

    let id = next_signature_id(Some(&list));
    assert_eq!(id, "3", "MaxSignId is 2");
    let dir = pkg.next_signature_dir(&body.doc_root);
    assert_eq!(dir, "Doc_0/Signs/Sign_1");
    let before = pkg.get(&list.path).unwrap();
    let after = add_signature_entry(
        before,
        &list.path,
        &id,
        SignatureType::Sign,
        &format!("/{dir}/Signature.xml"),
        pkg.limits(),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(after.clone()).unwrap(),
        String::from_utf8(before.to_vec()).unwrap()
            .replace("<ofd:MaxSignId>2</ofd:MaxSignId>", "<ofd:MaxSignId>3</ofd:MaxSignId>")
            .replace(
                "</ofd:Signatures>",
                "<ofd:Signature ID=\"3\" Type=\"Sign\" BaseLoc=\"/Doc_0/Signs/Sign_1/Signature.xml\"/></ofd:Signatures>"
            )
    );
    let mut edit = pkg.edit();
    edit.put(&list.path, after).unwrap();
    let refs = edit
        .file_names()
        .iter()
        .filter(|n| **n != list.path)
        .map(|n| edit.sm3_reference(n).unwrap())
        .collect();
    let mut model = signature_model(refs, &dir, "s1");
    model.signed_info.seal = None;
    edit.put(&format!("{dir}/Signature.xml"), model.to_xml())
        .unwrap();
    edit.put(&format!("{dir}/SignedValue.dat"), b"placeholder".to_vec())
        .unwrap();
    let signed = edit.finish().unwrap();
    assert_untouched_identical(&original, &signed, &["Doc_0/Signs/Signatures.xml"]);

    let pkg2 = OfdPackage::from_bytes(&signed, &Limits::default()).unwrap();
    let check = pkg2.check_signatures(body).unwrap();
    assert_eq!(check.signatures.len(), 2);
    let first = check.signatures[0].1.as_ref().unwrap();
    let second = check.signatures[1].1.as_ref().unwrap();
    assert_eq!(check.signatures[1].0.kind, SignatureType::Sign);
    assert!(
        first.all_references_ok(),
        "the earlier signature still holds"
    );
    assert!(second.all_references_ok());
    assert_eq!(
        first.not_covered,
        [
            "Doc_0/Signs/Sign_1/Signature.xml",
            "Doc_0/Signs/Sign_1/SignedValue.dat"
        ],
        "the later signature's files appeared after the first"
    );
    assert!(second.not_covered.is_empty(), "{:?}", second.not_covered);
    assert!(
        check.not_covered_by_any.is_empty(),
        "{:?}",
        check.not_covered_by_any
    );
}

#[test]
fn edits_refuse_unsafe_names() {
    let pkg = OfdPackage::from_bytes(&sample("helloworld.ofd"), &Limits::default()).unwrap();
    let mut edit = pkg.edit();
    for bad in ["../x", "a/../../b", "a\\b", "Doc_0/Pages", "Doc_0/"] {
        assert!(edit.put(bad, vec![]).is_err(), "{bad:?}");
    }
}
