//! Hand-written incremental updates for tests: redefine objects after a PDF's last revision
//! (classic cross-reference section, `/Prev` to the previous one), as an editor or a forger
//! appending to a signed file would.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::indexing_slicing
)]

/// `pdf` with one incremental update redefining each `(number, body)` (generation 0).
pub fn update(pdf: &[u8], objects: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let text = String::from_utf8_lossy(pdf);
    let prev = text
        .rfind("startxref")
        .map(|i| text[i + 9..].split_whitespace().next().unwrap().to_owned())
        .unwrap();
    let size = last_value(&text, "/Size ", |c| !c.is_ascii_digit());
    let root = last_value(&text, "/Root ", |c| c == 'R');
    let mut out = pdf.to_vec();
    out.push(b'\n');
    let mut entries = Vec::new();
    for (num, body) in objects {
        entries.push((*num, out.len()));
        out.extend_from_slice(format!("{num} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n");
    for (num, offset) in entries {
        out.extend_from_slice(format!("{num} 1\n{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {size} /Root {}R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n",
            root.trim_end_matches('R')
        )
        .as_bytes(),
    );
    out
}

/// `pdf` with one object redefined as `body`.
pub fn update_one(pdf: &[u8], num: u32, body: &str) -> Vec<u8> {
    update(pdf, &[(num, body.as_bytes().to_vec())])
}

/// An uncompressed stream object body with `dict` entries (without `/Length`) and `data`.
pub fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

/// The text after the last `key` up to the first character `end` accepts.
fn last_value(text: &str, key: &str, end: impl Fn(char) -> bool) -> String {
    let rest = text.rsplit(key).next().unwrap();
    let stop = rest.find(end).unwrap_or(rest.len());
    let v = &rest[..stop];
    // `/Root 1 0 R`: keep "1 0 " so that the caller appends "R".
    v.to_owned()
}

/// The object number of the `/EF /F` stream of the embedded file `name` (final state).
pub fn embedded_stream(pdf: &[u8], name: &str) -> u32 {
    use eseal::pdf::{Limits, PdfDocument};
    let doc = PdfDocument::parse(pdf, &Limits::default()).unwrap();
    let spec = doc
        .embedded_files()
        .unwrap()
        .into_iter()
        .find(|f| f.name == name)
        .unwrap()
        .spec
        .unwrap();
    let obj = doc.object(spec).unwrap();
    let ef = obj
        .as_dict()
        .unwrap()
        .get(b"EF")
        .unwrap()
        .as_dict()
        .unwrap();
    ef.get(b"F").unwrap().as_objref().unwrap().num
}
