//! Writing OFD documents: round trip through eseal's own reader, determinism, and an
//! independent reader (the Python `easyofd` package) that parses the output and renders
//! page 1 to PNG.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::same_item_push
)]

#[path = "support/cross.rs"]
mod cross;

use eseal::ofd::{
    Attachment, Color, CustomTag, DocumentBuilder, DocumentMeta, ImageFormat, Limits, OfdPackage,
    PageSize, Rect,
};
use eseal::time::Time;

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
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

/// A `w`×`h` RGB PNG: red left half, blue right half (zlib with stored blocks).
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut raw = Vec::new();
    for _ in 0..h {
        raw.push(0); // filter: none
        for x in 0..w {
            raw.extend_from_slice(if x < w / 2 {
                &[220, 20, 20]
            } else {
                &[20, 20, 220]
            });
        }
    }
    let mut z = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, c) in chunks.iter().enumerate() {
        z.push(u8::from(i + 1 == chunks.len()));
        let len = c.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(c);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &raw {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &z);
    chunk(b"IEND", &[]);
    out
}

const TITLE: &str = "电子营业执照 <测试> & \"样例\"";

fn sample_document() -> Vec<u8> {
    let mut meta = DocumentMeta::default();
    meta.title = Some(TITLE.into());
    meta.author = Some("eseal".into());
    meta.creator = Some("eseal tests".into());
    meta.creation_date = Some(Time::from_utc(2025, 1, 2, 3, 4, 5).unwrap());
    meta.custom_datas = vec![("证照编号".into(), "1234567890".into())];
    let mut doc = DocumentBuilder::new(meta);
    let font = doc.add_font("宋体", None);
    let image = doc.add_image(ImageFormat::Png, png(64, 32));
    doc.add_page(PageSize::A4)
        .rect(
            Rect::new(10.0, 10.0, 190.0, 277.0),
            Some((0.8, Color::rgb(200, 0, 0))),
            None,
        )
        .text(font, 10.0, 30.0, 30.0, "营业执照 ABC", Color::BLACK)
        .text(
            font,
            5.0,
            30.0,
            50.0,
            "统一社会信用代码 91350100M000100Y43",
            Color::rgb(0, 0, 128),
        )
        .line((30.0, 60.0), (180.0, 60.0), 0.5, Color::BLACK)
        .rect(
            Rect::new(30.0, 70.0, 40.0, 20.0),
            None,
            Some(Color::rgb(255, 230, 0)),
        )
        .image(image, Rect::new(100.0, 100.0, 80.0, 40.0));
    doc.add_page(PageSize::new(148.0, 210.0)).text(
        font,
        6.0,
        20.0,
        20.0,
        "副本 第2页",
        Color::BLACK,
    );
    doc.add_attachment(Attachment::new(
        "metadata",
        "xml",
        "metadata.xml",
        b"<m>1</m>".to_vec(),
    ));
    doc.add_custom_tag(CustomTag::new(
        "urn:example:license",
        "license.xml",
        b"<l/>".to_vec(),
    ));
    doc.finish().unwrap()
}

#[test]
fn written_documents_read_back() {
    let bytes = sample_document();
    assert_eq!(bytes, sample_document(), "deterministic output");
    let pkg = OfdPackage::from_bytes(&bytes, &Limits::default()).unwrap();
    let ofd = pkg.ofd().unwrap();
    let body = &ofd.bodies[0];
    assert_eq!(
        ofd.namespace.as_deref(),
        Some("http://www.ofdspec.org/2016")
    );
    assert_eq!(body.info.title.as_deref(), Some(TITLE));
    assert_eq!(body.info.creation_date.as_deref(), Some("2025-01-02"));
    assert_eq!(
        body.info.custom_datas,
        [("证照编号".to_owned(), "1234567890".to_owned())]
    );
    let doc_id = body.info.doc_id.clone().unwrap();
    assert!(doc_id.len() == 32 && doc_id.chars().all(|c| c.is_ascii_hexdigit()));

    let doc = pkg.document(body).unwrap();
    assert_eq!(doc.pages.len(), 2);
    assert_eq!(
        doc.page_box(&doc.pages[0]),
        Some(Rect::new(0.0, 0.0, 210.0, 297.0))
    );
    assert_eq!(
        doc.page_box(&doc.pages[1]),
        Some(Rect::new(0.0, 0.0, 148.0, 210.0))
    );
    let content = String::from_utf8(pkg.get(&doc.pages[0].path).unwrap().to_vec()).unwrap();
    assert!(
        content.contains(">营业执照 ABC</ofd:TextCode>"),
        "{content}"
    );
    assert!(content.contains("DeltaX=\"g 4 10 g 3 5\""), "{content}");
    assert!(content.contains("<ofd:ImageObject"), "{content}");
    let res = String::from_utf8(pkg.get(&doc.document_res[0]).unwrap().to_vec()).unwrap();
    assert!(
        res.contains("<ofd:MediaFile>image_2.png</ofd:MediaFile>"),
        "{res}"
    );
    assert_eq!(&pkg.get("Doc_0/Res/image_2.png").unwrap()[..4], b"\x89PNG");
    let att = String::from_utf8(
        pkg.get(doc.attachments.as_deref().unwrap())
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    assert!(
        att.contains("<ofd:FileLoc>metadata.xml</ofd:FileLoc>"),
        "{att}"
    );
    assert_eq!(pkg.get("Doc_0/Attachs/metadata.xml").unwrap(), b"<m>1</m>");
    assert!(pkg.contains("Doc_0/Tags/license.xml"));
    assert_eq!(
        doc.custom_tags.as_deref(),
        Some("Doc_0/Tags/CustomTags.xml")
    );
    assert_eq!(doc.max_unit_id, Some(14));
    // Unsigned: every file is uncovered.
    let check = pkg.check_signatures(body).unwrap();
    assert!(check.signatures.is_empty());
}

#[test]
fn embedded_fonts_and_misuse() {
    let mut doc = DocumentBuilder::new(DocumentMeta::default());
    let font = doc.add_font("MyFont", Some(b"OTTO fake font bytes".to_vec()));
    doc.add_page(PageSize::A4)
        .text(font, 4.0, 10.0, 10.0, "x", Color::BLACK);
    let pkg = OfdPackage::from_bytes(&doc.finish().unwrap(), &Limits::default()).unwrap();
    let res = String::from_utf8(pkg.get("Doc_0/PublicRes.xml").unwrap().to_vec()).unwrap();
    assert!(
        res.contains("<ofd:FontFile>font_1.otf</ofd:FontFile>"),
        "{res}"
    );
    assert_eq!(
        pkg.get("Doc_0/Res/font_1.otf").unwrap(),
        b"OTTO fake font bytes"
    );

    assert!(
        DocumentBuilder::new(DocumentMeta::default())
            .finish()
            .is_err(),
        "no pages"
    );
    let mut meta = DocumentMeta::default();
    meta.doc_id = Some("not-hex".into());
    let mut bad = DocumentBuilder::new(meta);
    bad.add_page(PageSize::A4);
    assert!(bad.finish().is_err());
    let mut bad = DocumentBuilder::new(DocumentMeta::default());
    let f = bad.add_font("f", None);
    bad.add_page(PageSize::A4)
        .text(f, 3.0, 0.0, f64::NAN, "x", Color::BLACK);
    assert!(bad.finish().is_err());
    let mut bad = DocumentBuilder::new(DocumentMeta::default());
    let f = bad.add_font("f", None);
    bad.add_page(PageSize::A4)
        .text(f, 3.0, 0.0, 0.0, "a\u{0}b", Color::BLACK);
    assert!(bad.finish().is_err());
    let mut bad = DocumentBuilder::new(DocumentMeta::default());
    bad.add_page(PageSize::A4);
    bad.add_attachment(Attachment::new("a", "xml", "../a.xml", vec![]));
    assert!(bad.finish().is_err());
}

/// Parses and renders with easyofd (PyPI), an OFD reader written independently of eseal.
#[test]
fn independent_reader_parses_and_renders() {
    if !cross::tool_available("python3 easyofd", &["python3", "-c", "import easyofd.ofd"]) {
        return;
    }
    let dir = cross::temp_dir();
    let ofd_path = dir.path().join("doc.ofd");
    let png_path = dir.path().join("page1.png");
    std::fs::write(&ofd_path, sample_document()).unwrap();
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
    assert_eq!(result["pages"], 2, "{out}");
    let texts: Vec<&str> = result["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(texts.contains(&"营业执照 ABC"), "{texts:?}");
    assert!(texts.contains(&"副本 第2页"), "{texts:?}");
    assert_eq!(result["images"], 1, "{out}");
    let png = std::fs::read(&png_path).unwrap();
    assert_eq!(&png[..4], b"\x89PNG");
    assert!(
        result["nonwhite_ratio"].as_f64().unwrap() > 0.001,
        "the render is not blank: {out}"
    );
    if let Some(keep) = std::env::var_os("ESEAL_KEEP_RENDER") {
        std::fs::copy(&png_path, keep).unwrap();
    }
}
