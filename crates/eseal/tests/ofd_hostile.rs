//! Hostile and damaged OFD packages: every one is refused with a typed error, none panics.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;

use std::io::{Cursor, Write};

use eseal::ofd::{Limits, OfdError, OfdPackage};
use zip::write::SimpleFileOptions;

/// A ZIP with these entries (deflated).
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(*name, SimpleFileOptions::default()).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Replaces every occurrence of `from` by `to` (same length): renames entries in both the
/// local headers and the central directory, past the ZIP writer's own checks.
fn rename(mut zip: Vec<u8>, from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut i = 0;
    let mut n = 0;
    while i + from.len() <= zip.len() {
        if &zip[i..i + from.len()] == from {
            zip[i..i + from.len()].copy_from_slice(to);
            n += 1;
        }
        i += 1;
    }
    assert!(
        n >= 2,
        "the name occurs in a local header and the central directory"
    );
    zip
}

fn open(bytes: &[u8]) -> Result<OfdPackage, OfdError> {
    OfdPackage::from_bytes(bytes, &Limits::default())
}

#[test]
fn path_traversal_entries_are_refused() {
    for (placeholder, evil) in [
        ("XX/evil.xml", "../evil.xml"),
        ("Xetc/passwd", "/etc/passwd"),
        ("DocX0XEvil", "Doc\\0\\Evil"),
        ("aXb", "a\0b"),
        ("XXevil", "C:evil"),
    ] {
        let zip = zip_of(&[("OFD.xml", b"<ofd:OFD/>"), (placeholder, b"x")]);
        let zip = rename(zip, placeholder.as_bytes(), evil.as_bytes());
        match open(&zip) {
            Err(OfdError::UnsafeEntryName { name, .. }) => assert_eq!(name, evil),
            other => panic!("{evil:?}: {other:?}"),
        }
    }
}

#[test]
fn duplicate_names_are_refused() {
    let zip = zip_of(&[("OFD.xml", b"<a/>"), ("OFD.xmX", b"<b/>")]);
    let zip = rename(zip, b"OFD.xmX", b"OFD.xml");
    match open(&zip) {
        Err(OfdError::DuplicateEntry { name }) => assert_eq!(name, "OFD.xml"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn zip_bombs_and_size_limits_are_refused() {
    let zeros = vec![0u8; 8 << 20];
    let zip = zip_of(&[("OFD.xml", b"<a/>"), ("Doc_0/Res/bomb.png", &zeros)]);
    assert!(zip.len() < 64 << 10, "deflate squeezes zeros ~1000:1");
    match open(&zip) {
        Err(OfdError::LimitExceeded { what, entry, .. }) => {
            assert_eq!(what, "compression ratio");
            assert_eq!(entry.as_deref(), Some("Doc_0/Res/bomb.png"));
        }
        other => panic!("{other:?}"),
    }

    let mut limits = Limits::default();
    limits.max_entry_size = 1 << 20;
    assert!(matches!(
        OfdPackage::from_bytes(&zip, &limits),
        Err(OfdError::LimitExceeded {
            what: "uncompressed entry size",
            ..
        })
    ));

    let mut limits = Limits::default();
    limits.max_total_size = 4 << 20;
    limits.max_compression_ratio = u64::MAX;
    assert!(matches!(
        OfdPackage::from_bytes(&zip, &limits),
        Err(OfdError::LimitExceeded {
            what: "total uncompressed size",
            ..
        })
    ));

    let mut limits = Limits::default();
    limits.max_package_size = 100;
    assert!(matches!(
        OfdPackage::from_bytes(&zip, &limits),
        Err(OfdError::LimitExceeded {
            what: "package size",
            ..
        })
    ));
}

#[test]
fn too_many_entries_are_refused() {
    let names: Vec<String> = (0..20).map(|i| format!("f{i}.xml")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"<a/>"[..])).collect();
    let zip = zip_of(&entries);
    let mut limits = Limits::default();
    limits.max_entries = 10;
    assert!(matches!(
        OfdPackage::from_bytes(&zip, &limits),
        Err(OfdError::LimitExceeded {
            what: "number of entries",
            ..
        })
    ));
    limits.max_entries = 20;
    assert_eq!(
        OfdPackage::from_bytes(&zip, &limits)
            .unwrap()
            .file_names()
            .count(),
        20
    );
}

#[test]
fn not_zip_and_missing_entry_point() {
    for junk in [&b""[..], b"PK", b"hello world", &[0u8; 100]] {
        assert!(
            matches!(open(junk), Err(OfdError::NotZip { .. })),
            "{junk:?}"
        );
    }
    let pkg = open(&zip_of(&[("Doc_0/Document.xml", b"<a/>")])).unwrap();
    assert!(matches!(pkg.ofd(), Err(OfdError::MissingEntry { .. })));
}

#[test]
fn hostile_xml_inside_a_package() {
    let mut deep = String::new();
    for _ in 0..200 {
        deep.push_str("<a>");
    }
    let pkg = open(&zip_of(&[("OFD.xml", deep.as_bytes())])).unwrap();
    assert!(matches!(
        pkg.ofd(),
        Err(OfdError::LimitExceeded {
            what: "XML nesting depth",
            ..
        })
    ));

    let billion = b"<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><ofd:OFD>&b;</ofd:OFD>";
    let pkg = open(&zip_of(&[("OFD.xml", billion)])).unwrap();
    assert!(matches!(pkg.ofd(), Err(OfdError::Xml { .. })));

    let ofd = b"<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:DocBody><ofd:DocRoot>../../Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>";
    let pkg = open(&zip_of(&[("OFD.xml", ofd)])).unwrap();
    assert!(matches!(pkg.ofd(), Err(OfdError::InvalidLocation { .. })));
}

/// Exercises every reading entry point; errors are fine, panics are not.
fn read_everything(bytes: &[u8]) {
    let Ok(pkg) = open(bytes) else { return };
    let Ok(ofd) = pkg.ofd() else { return };
    for body in &ofd.bodies {
        let _ = pkg.document(body);
        if let Ok(Some(list)) = pkg.signature_list(body) {
            for entry in &list.entries {
                let _ = pkg.signature(entry);
            }
        }
        let _ = pkg.check_signatures(body);
    }
}

#[test]
fn truncated_and_bit_flipped_samples_never_panic() {
    let dir = cross::shared_vectors().join("ofdrw");
    // A fixed xorshift so failures reproduce.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for name in [
        "DigitalSign.ofd",
        "helloworld.ofd",
        "signedFile.ofd",
        "namespace_no_std.ofd",
    ] {
        let original = std::fs::read(dir.join(name)).unwrap();
        read_everything(&original);
        for cut in (0..original.len()).step_by(original.len() / 60 + 1) {
            read_everything(&original[..cut]);
        }
        for _ in 0..150 {
            let mut damaged = original.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() % damaged.len() as u64) as usize;
                damaged[at] ^= 1 << (next() % 8);
            }
            read_everything(&damaged);
        }
    }
}

#[test]
fn damaged_xml_inside_valid_zips_never_panics() {
    let dir = cross::shared_vectors().join("ofdrw");
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for name in ["signedFile.ofd", "SESV4SignDoc.ofd", "VPage7.ofd"] {
        let pkg = open(&std::fs::read(dir.join(name)).unwrap()).unwrap();
        let xml_files: Vec<String> = pkg
            .file_names()
            .filter(|n| n.ends_with(".xml"))
            .map(str::to_owned)
            .collect();
        for file in &xml_files {
            for round in 0..12 {
                let mut data = pkg.get(file).unwrap().to_vec();
                if round % 3 == 0 {
                    // Truncate.
                    data.truncate((next() % data.len() as u64) as usize);
                } else {
                    for _ in 0..1 + next() % 3 {
                        let at = (next() % data.len() as u64) as usize;
                        data[at] = b"<>/\"=& x\xff0."[(next() % 11) as usize];
                    }
                }
                let mut edit = pkg.edit();
                edit.put(file, data).unwrap();
                read_everything(&edit.finish().unwrap());
            }
        }
    }
}
