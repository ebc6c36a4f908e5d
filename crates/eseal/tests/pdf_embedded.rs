//! Embedded files (`pdf::render::DocumentBuilder::embed_file`) against independent readers —
//! `qpdf --list-attachments` / `--show-attachment` and Python `pypdf` — and read back with
//! `PdfDocument::embedded_files`, also from a signed revision and after an incremental update
//! that replaces one; hostile name trees are typed errors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;
#[path = "pdf_support/increment.rs"]
mod increment;

use eseal::ErrorCode;
use eseal::pdf::render::{
    DocumentBuilder, DocumentMeta, EmbeddedFile, FileRelationship, PageSize, RenderError,
};
use eseal::pdf::{Limits, PdfDocument, PdfError};
use eseal::time::Time;

const XML: &str =
    "<?xml version=\"1.0\"?>\n<DZZZ><ZZBS>1.2.156</ZZBS><CZZT>某某公司</CZZT></DZZZ>\n";

fn when() -> Time {
    Time::from_unix_seconds(1_777_000_000)
}

fn document() -> Vec<u8> {
    let mut doc = DocumentBuilder::new(DocumentMeta::default());
    let song = doc.standard_font();
    doc.add_page(PageSize::A4)
        .text(song, 6.0, 20.0, 20.0, "附件", eseal::ofd::Color::BLACK);
    // Added out of order: the name tree must still be sorted.
    doc.embed_file(
        EmbeddedFile::new("照片.txt", "第二个文件".as_bytes().to_vec())
            .relationship(FileRelationship::Supplement),
    )
    .unwrap();
    doc.embed_file(
        EmbeddedFile::new("DZZZ.xml", XML.as_bytes().to_vec())
            .mime_type("application/xml")
            .description("电子证照元数据")
            .relationship(FileRelationship::Data)
            .modified(when()),
    )
    .unwrap();
    doc.finish().unwrap()
}

#[test]
fn files_read_back_in_name_tree_order() {
    let pdf = document();
    let doc = PdfDocument::parse(&pdf, &Limits::default()).unwrap();
    let files = doc.embedded_files().unwrap();
    assert_eq!(files.len(), 2);
    let xml = &files[0];
    assert_eq!(xml.name, "DZZZ.xml");
    assert_eq!(xml.file_name.as_deref(), Some("DZZZ.xml"));
    assert_eq!(xml.data, XML.as_bytes());
    assert_eq!(xml.mime_type.as_deref(), Some("application/xml"));
    assert_eq!(xml.description.as_deref(), Some("电子证照元数据"));
    assert_eq!(xml.relationship.as_deref(), Some("Data"));
    assert_eq!(xml.declared_size, Some(XML.len() as u64));
    assert!(
        xml.modified.as_deref().unwrap().starts_with("D:2026"),
        "{xml:?}"
    );
    assert!(xml.associated);
    let photo = &files[1];
    assert_eq!(photo.name, "照片.txt");
    assert_eq!(photo.data, "第二个文件".as_bytes());
    assert_eq!(photo.relationship.as_deref(), Some("Supplement"));
    assert_eq!(photo.mime_type, None);
    assert!(photo.associated);
    // One revision: the same files.
    assert_eq!(doc.embedded_files_in_revision(0).unwrap(), files);
    assert!(matches!(
        doc.embedded_files_in_revision(1),
        Err(PdfError::ApiMisuse { .. })
    ));
    // A document without files lists none.
    let mut plain = DocumentBuilder::new(DocumentMeta::default());
    plain.add_page(PageSize::A4);
    let plain = plain.finish().unwrap();
    let parsed = PdfDocument::parse(&plain, &Limits::default()).unwrap();
    assert!(parsed.embedded_files().unwrap().is_empty());
}

#[test]
fn qpdf_lists_and_extracts_the_files() {
    if !cross::tool_available("qpdf", &["qpdf", "--version"]) {
        return;
    }
    let dir = cross::temp_dir();
    let path = dir.path().join("files.pdf");
    std::fs::write(&path, document()).unwrap();
    let p = path.to_str().unwrap();
    let check = cross::run("qpdf", &["--check", p], None);
    let check = String::from_utf8_lossy(&check);
    assert!(
        check.contains("No syntax or stream encoding errors found"),
        "{check}"
    );
    let list = cross::run("qpdf", &["--list-attachments", "--verbose", p], None);
    let list = String::from_utf8_lossy(&list);
    assert!(list.contains("DZZZ.xml"), "{list}");
    assert!(list.contains("照片.txt"), "{list}");
    assert!(list.contains("application/xml"), "{list}");
    assert!(list.contains("description: 电子证照元数据"), "{list}");
    assert!(list.contains("modification date: D:2026"), "{list}");
    let shown = cross::run("qpdf", &["--show-attachment=DZZZ.xml", p], None);
    assert_eq!(shown, XML.as_bytes());
}

#[test]
fn pypdf_reads_the_files_and_the_associated_files_array() {
    if !cross::tool_available("python3 pypdf", &["python3", "-c", "import pypdf"]) {
        return;
    }
    let dir = cross::temp_dir();
    let path = dir.path().join("files.pdf");
    std::fs::write(&path, document()).unwrap();
    let script = r#"
import json, sys, pypdf
r = pypdf.PdfReader(sys.argv[1], strict=True)
cat = r.trailer["/Root"]
af = [a.get_object() for a in cat["/AF"]]
print(json.dumps({
    "files": {k: [b.decode("utf-8") for b in v] for k, v in r.attachments.items()},
    "af": [[str(s["/UF"]), str(s["/AFRelationship"])] for s in af],
    "subtype": str(af[1]["/EF"]["/F"].get_object()["/Subtype"]),
}, ensure_ascii=False))
"#;
    let out = cross::run("python3", &["-c", script, path.to_str().unwrap()], None);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["files"]["DZZZ.xml"][0], XML);
    assert_eq!(v["files"]["照片.txt"][0], "第二个文件");
    // /AF in the order the files were added.
    assert_eq!(v["af"][0][0], "照片.txt");
    assert_eq!(v["af"][0][1], "/Supplement");
    assert_eq!(v["af"][1][0], "DZZZ.xml");
    assert_eq!(v["af"][1][1], "/Data");
    assert_eq!(v["subtype"], "/application/xml");
}

fn update(pdf: &[u8], num: u32, body: &str) -> Vec<u8> {
    increment::update_one(pdf, num, body)
}

#[test]
fn a_later_revision_that_replaces_a_file_is_told_apart() {
    let pdf = document();
    let num = increment::embedded_stream(&pdf, "DZZZ.xml");
    let forged = "<DZZZ><CZZT>另一公司</CZZT></DZZZ>";
    let updated = update(
        &pdf,
        num,
        &format!(
            "<< /Type /EmbeddedFile /Length {} >>\nstream\n{forged}\nendstream",
            forged.len()
        ),
    );
    let doc = PdfDocument::parse(&updated, &Limits::default()).unwrap();
    assert_eq!(doc.revision_count(), 2);
    let now = doc.embedded_files().unwrap();
    let then = doc.embedded_files_in_revision(0).unwrap();
    assert_eq!(now[0].data, forged.as_bytes());
    assert_eq!(then[0].data, XML.as_bytes());
    assert_eq!(now[1], then[1]);
}

#[test]
fn hostile_name_trees_are_typed_errors() {
    let pdf = document();
    let doc = PdfDocument::parse(&pdf, &Limits::default()).unwrap();
    let root = doc.trailer().get(b"Root").unwrap().as_objref().unwrap();
    let catalog = doc.object(root).unwrap();
    let pages = catalog
        .as_dict()
        .unwrap()
        .get(b"Pages")
        .unwrap()
        .as_objref()
        .unwrap();
    let catalog_with = |names: &str| {
        format!(
            "<< /Type /Catalog /Pages {} 0 R /Names << /EmbeddedFiles {names} >> >>",
            pages.num
        )
    };
    let cases = [
        // A node that is its own kid.
        (
            update(&pdf, 900, "<< /Kids [900 0 R] >>"),
            catalog_with("900 0 R"),
        ),
        (pdf.clone(), catalog_with("<< /Names [(a.xml)] >>")),
        (
            pdf.clone(),
            catalog_with("<< /Names [(a.xml) << /Type /Filespec >>] >>"),
        ),
        (
            pdf.clone(),
            catalog_with("<< /Names [(a.xml) << /EF << /F 1 0 R >> >>] >>"),
        ),
        (pdf.clone(), catalog_with("<< /Names [42 << >>] >>")),
        (pdf.clone(), catalog_with("<< /Kids 5 >>")),
    ];
    for (base, catalog) in cases {
        let hostile = update(&base, root.num, &catalog);
        let doc = PdfDocument::parse(&hostile, &Limits::default()).unwrap();
        let err = doc.embedded_files().unwrap_err();
        assert_eq!(err.code(), ErrorCode::Malformed, "{catalog}: {err}");
    }
    // A deep chain of kids.
    let mut deep = pdf.clone();
    for n in 0..80u32 {
        deep = update(&deep, 1000 + n, &format!("<< /Kids [{} 0 R] >>", 1001 + n));
    }
    let hostile = update(&deep, root.num, &catalog_with("1000 0 R"));
    let doc = PdfDocument::parse(&hostile, &Limits::default()).unwrap();
    let err = doc.embedded_files().unwrap_err();
    assert_eq!(err.code(), ErrorCode::LimitExceeded, "{err}");
}

#[test]
fn invalid_files_are_refused() {
    let mut doc = DocumentBuilder::new(DocumentMeta::default());
    let err = |r: Result<(), RenderError>| r.unwrap_err().code();
    assert_eq!(
        err(doc.embed_file(EmbeddedFile::new("", vec![]))),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        err(doc.embed_file(EmbeddedFile::new("a/b.xml", vec![]))),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        err(doc.embed_file(EmbeddedFile::new("a\nb", vec![]))),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        err(doc.embed_file(EmbeddedFile::new("a.xml", vec![]).mime_type("xml"))),
        ErrorCode::InvalidArgument
    );
    doc.embed_file(EmbeddedFile::new("a.xml", vec![])).unwrap();
    assert_eq!(
        err(doc.embed_file(EmbeddedFile::new("a.xml", vec![1]))),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        err(doc.embed_file(EmbeddedFile::new(
            "big",
            vec![0; eseal::pdf::render::MAX_EMBEDDED_FILE_SIZE + 1]
        ))),
        ErrorCode::LimitExceeded
    );
}
