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

fn open(bytes: &[u8]) -> Result<OfdPackage<'static>, OfdError> {
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

/// One item of a hand-built ZIP (stored entries, so offsets are easy to patch).
enum Item<'a> {
    /// An entry with a local header and a central directory record.
    Listed(&'a str, &'a [u8]),
    /// Likewise, its sizes and CRC in a data descriptor after the data (flag bit 3, zeros in
    /// the local header), as Java's ZipOutputStream writes.
    WithDescriptor(&'a str, &'a [u8]),
    /// A local header and data that the central directory does not list.
    Hidden(&'a str, &'a [u8]),
    /// Raw bytes between entries.
    Junk(&'a [u8]),
    /// A listed entry with these extra fields in its central record and its local header.
    WithExtras(&'a str, &'a [u8], &'a [u8], &'a [u8]),
}

/// An Info-ZIP Unicode Path extra field (0x7075) naming `name` for the header name `header`.
fn unicode_path_extra(header: &str, name: &str) -> Vec<u8> {
    let mut body = vec![1u8];
    body.extend_from_slice(&crc32(header.as_bytes()).to_le_bytes());
    body.extend_from_slice(name.as_bytes());
    let mut out = 0x7075u16.to_le_bytes().to_vec();
    out.extend_from_slice(&(body.len() as u16).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A ZIP of `items`; returns it and the local header offset of each listed entry.
fn raw_zip(items: &[Item<'_>]) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::new();
    let mut central = Vec::new();
    let mut offsets = Vec::new();
    let mut count = 0u16;
    for item in items {
        let none: &[u8] = &[];
        let (name, data, listed, descriptor, central_extra, local_extra) = match item {
            Item::Listed(n, d) => (*n, *d, true, false, none, none),
            Item::WithDescriptor(n, d) => (*n, *d, true, true, none, none),
            Item::Hidden(n, d) => (*n, *d, false, false, none, none),
            Item::WithExtras(n, d, c, l) => (*n, *d, true, false, *c, *l),
            Item::Junk(j) => {
                out.extend_from_slice(j);
                continue;
            }
        };
        let crc = crc32(data);
        let size = data.len() as u32;
        let flags: u16 = 0x0800 | if descriptor { 8 } else { 0 };
        let offset = out.len();
        let (local_crc, local_size) = if descriptor { (0, 0) } else { (crc, size) };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&flags.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // stored
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&0x21u16.to_le_bytes());
        out.extend_from_slice(&local_crc.to_le_bytes());
        out.extend_from_slice(&local_size.to_le_bytes());
        out.extend_from_slice(&local_size.to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&(local_extra.len() as u16).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(local_extra);
        out.extend_from_slice(data);
        if descriptor {
            out.extend_from_slice(&0x0807_4b50u32.to_le_bytes());
            out.extend_from_slice(&crc.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
        }
        if !listed {
            continue;
        }
        offsets.push(offset);
        count += 1;
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes());
        central.extend_from_slice(&flags.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&0x21u16.to_le_bytes());
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&(name.len() as u16).to_le_bytes());
        central.extend_from_slice(&(central_extra.len() as u16).to_le_bytes());
        central.extend_from_slice(&[0u8; 10]); // comment, disk, attributes
        central.extend_from_slice(&(offset as u32).to_le_bytes());
        central.extend_from_slice(name.as_bytes());
        central.extend_from_slice(central_extra);
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0u8; 4]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    (out, offsets)
}

const OFD: &[u8] = b"<ofd:OFD/>";

#[test]
fn hand_built_zips_are_read() {
    // The builder itself is right: stored entries, data descriptors, harmless padding.
    let (zip, _) = raw_zip(&[
        Item::Listed("OFD.xml", OFD),
        Item::Junk(&[0u8; 16]),
        Item::WithDescriptor("Doc_0/Document.xml", b"<Document/>"),
        Item::Listed("Doc_0/", b""),
    ]);
    let pkg = open(&zip).unwrap();
    assert_eq!(pkg.get("Doc_0/Document.xml"), Some(&b"<Document/>"[..]));
    assert_eq!(pkg.get("OFD.xml"), Some(OFD));
}

#[test]
fn local_headers_that_disagree_with_the_central_directory_are_refused() {
    let (zip, offsets) = raw_zip(&[
        Item::Listed("OFD.xml", OFD),
        Item::Listed("Doc_0/Document.xml", b"<Document/>"),
    ]);
    let at = offsets[1];
    // (offset in the local header, new bytes, field named)
    for (field_at, bytes, field) in [
        (30 + 4, &b"X"[..], "name"),
        (8, &8u16.to_le_bytes()[..], "compression method"),
        (18, &5u32.to_le_bytes()[..], "compressed size"),
        (22, &5u32.to_le_bytes()[..], "uncompressed size"),
        (14, &7u32.to_le_bytes()[..], "CRC-32"),
    ] {
        let mut bad = zip.clone();
        bad[at + field_at..at + field_at + bytes.len()].copy_from_slice(bytes);
        match open(&bad) {
            Err(OfdError::LocalHeaderMismatch {
                entry, field: f, ..
            }) => {
                assert_eq!(entry, "Doc_0/Document.xml");
                assert_eq!(f, field);
            }
            other => panic!("{field}: {other:?}"),
        }
    }
    // The central directory pointing where there is no local header.
    let mut bad = zip.clone();
    bad[at] = b'Q';
    assert!(matches!(
        open(&bad),
        Err(OfdError::LocalHeaderMismatch {
            field: "local header",
            ..
        })
    ));
}

#[test]
fn hidden_local_entries_are_refused() {
    for items in [
        // Between two listed entries.
        vec![
            Item::Listed("OFD.xml", OFD),
            Item::Hidden("Doc_0/Evil.xml", b"<evil/>"),
            Item::Listed("Doc_0/Document.xml", b"<Document/>"),
        ],
        // Before the first.
        vec![
            Item::Hidden("OFD.xml", b"<evil/>"),
            Item::Listed("OFD.xmz", OFD),
        ],
        // After the last, before the central directory.
        vec![
            Item::Listed("OFD.xml", OFD),
            Item::Hidden("Doc_0/Evil.xml", b"<evil/>"),
        ],
    ] {
        let (zip, _) = raw_zip(&items);
        match open(&zip) {
            Err(OfdError::HiddenZipRecord { record, offset }) => {
                assert_eq!(record, "local file header");
                assert_eq!(&zip[offset as usize..offset as usize + 4], b"PK\x03\x04");
            }
            other => panic!("{other:?}"),
        }
    }
    // A local header hidden in padding, and a second end record in the archive comment.
    let (zip, _) = raw_zip(&[
        Item::Listed("OFD.xml", OFD),
        Item::Junk(b"padding PK\x03\x04 more"),
    ]);
    assert!(matches!(
        open(&zip),
        Err(OfdError::HiddenZipRecord { offset: 55, .. })
    ));
    let (mut zip, _) = raw_zip(&[Item::Listed("OFD.xml", OFD)]);
    let comment = b"PK\x05\x06 a second end record";
    let n = zip.len();
    zip[n - 2..].copy_from_slice(&(comment.len() as u16).to_le_bytes());
    zip.extend_from_slice(comment);
    assert!(matches!(
        open(&zip),
        Err(OfdError::HiddenZipRecord {
            record: "end of central directory record",
            ..
        })
    ));
}

#[test]
fn overlapping_entries_are_refused() {
    // `outer.bin`'s data is a whole local entry `inner.xml`, which the central directory
    // lists too: one byte range, two files.
    let (inner, _) = raw_zip(&[Item::Listed("inner.xml", b"<x/>")]);
    let inner_entry = &inner[..30 + 9 + 4];
    let (mut zip, offsets) = raw_zip(&[
        Item::Listed("OFD.xml", OFD),
        Item::Listed("outer.bin", inner_entry),
        Item::Listed("inner.xml", b"<x/>"),
    ]);
    // Point the central record of inner.xml at the copy inside outer.bin.
    let nested = offsets[1] + 30 + "outer.bin".len();
    let cd = u32::from_le_bytes(zip[zip.len() - 6..zip.len() - 2].try_into().unwrap()) as usize;
    let record = cd + 2 * 46 + "OFD.xml".len() + "outer.bin".len();
    assert_eq!(&zip[record + 46..record + 46 + 9], b"inner.xml");
    zip[record + 42..record + 46].copy_from_slice(&(nested as u32).to_le_bytes());
    match open(&zip) {
        Err(OfdError::OverlappingEntries { entry, other }) => {
            assert_eq!(entry, "inner.xml");
            assert_eq!(other, "outer.bin");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn files_shadowed_by_directories_are_refused() {
    for (file, by) in [
        ("Doc_0", "Doc_0/"),
        ("a", "a/b"),
        ("Doc_0/Res", "Doc_0/Res/x.png"),
    ] {
        let data: &[u8] = if by.ends_with('/') { b"" } else { b"x" };
        for order in [false, true] {
            let mut items = vec![Item::Listed("OFD.xml", OFD)];
            if order {
                items.push(Item::Listed(by, data));
                items.push(Item::Listed(file, b"file"));
            } else {
                items.push(Item::Listed(file, b"file"));
                items.push(Item::Listed(by, data));
            }
            let (zip, _) = raw_zip(&items);
            match open(&zip) {
                Err(OfdError::ShadowedEntry { file: f, by: b }) => {
                    assert_eq!(f, file);
                    assert_eq!(b, by);
                }
                other => panic!("{file} / {by}: {other:?}"),
            }
        }
    }
    // A directory beside its files is fine, and so is a name that merely starts alike.
    let (zip, _) = raw_zip(&[
        Item::Listed("OFD.xml", OFD),
        Item::Listed("Doc_0/", b""),
        Item::Listed("Doc_0/a", b"x"),
        Item::Listed("Doc_0a", b"y"),
        Item::Listed("Doc_0a.xml", b"z"),
    ]);
    assert!(open(&zip).is_ok());
}

#[test]
fn duplicate_names_in_hand_built_zips_are_refused() {
    let (zip, _) = raw_zip(&[
        Item::Listed("OFD.xml", OFD),
        Item::Listed("OFD.xml", b"<other/>"),
    ]);
    assert!(matches!(open(&zip), Err(OfdError::DuplicateEntry { .. })));
}

#[test]
fn data_descriptors_that_disagree_are_refused() {
    let data = b"<Document/>";
    let (zip, offsets) = raw_zip(&[
        Item::Listed("OFD.xml", OFD),
        Item::WithDescriptor("Doc_0/Document.xml", data),
    ]);
    // signature, CRC-32, then the compressed size.
    let at = offsets[1] + 30 + "Doc_0/Document.xml".len() + data.len() + 8;
    let mut bad = zip.clone();
    bad[at..at + 4].copy_from_slice(&(data.len() as u32 + 1).to_le_bytes());
    match open(&bad) {
        Err(OfdError::LocalHeaderMismatch { field, detail, .. }) => {
            assert_eq!(field, "data descriptor");
            assert!(detail.contains("12"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unicode_path_extra_fields_that_rename_are_refused() {
    // The zip crate (like 7-Zip) would call this entry OFD.xml; readers ignoring the extra
    // field call it Doc_0/x.png.
    let rename = unicode_path_extra("Doc_0/x.png", "OFD.xml");
    let (zip, _) = raw_zip(&[Item::WithExtras("Doc_0/x.png", OFD, &rename, &[])]);
    match open(&zip) {
        Err(OfdError::UnsupportedEntry { entry, reason }) => {
            assert_eq!(entry, "Doc_0/x.png");
            assert!(reason.contains("Unicode Path"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // In the local header only: streaming readers would rename it.
    let (zip, _) = raw_zip(&[Item::WithExtras("Doc_0/x.png", OFD, &[], &rename)]);
    assert!(matches!(
        open(&zip),
        Err(OfdError::LocalHeaderMismatch { field: "name", .. })
    ));
    // A Unicode Path that repeats the name is harmless.
    let same = unicode_path_extra("OFD.xml", "OFD.xml");
    let (zip, _) = raw_zip(&[Item::WithExtras("OFD.xml", OFD, &same, &same)]);
    assert_eq!(open(&zip).unwrap().get("OFD.xml"), Some(OFD));
}

#[test]
fn zip64_entries_are_read() {
    // `large_file` makes the writer put ZIP64 extra fields in the local headers: the
    // comparison with the central directory must read them, not refuse them.
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().large_file(true);
    for (name, data) in [
        ("OFD.xml", OFD),
        ("Doc_0/Document.xml", &b"<Document/>"[..]),
    ] {
        w.start_file(name, options).unwrap();
        w.write_all(data).unwrap();
    }
    let zip = w.finish().unwrap().into_inner();
    assert!(
        zip.windows(4).any(|w| w == [1, 0, 16, 0]),
        "a ZIP64 extra field is written"
    );
    let pkg = open(&zip).unwrap();
    assert_eq!(pkg.get("Doc_0/Document.xml"), Some(&b"<Document/>"[..]));
}
