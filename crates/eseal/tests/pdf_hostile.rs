//! Hostile and broken PDFs: the reader refuses with typed errors or the verifier reports, never
//! panics, and stays within its limits (`/Prev` loops, page-tree loops, deep nesting,
//! decompression bombs, oversized xref streams, truncated files, ByteRange tricks).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "ses_support/fixture.rs"]
mod fixture;
#[path = "pdf_support/tools.rs"]
mod tools;

use std::io::Write as _;

use eseal::pdf::{Limits, PdfDocument, PdfError, SignRequest, sign_document, verify_document};
use eseal::verify::{CheckId, CheckStatus, Status, VerifyOptions};
use fixture::{Pki, opts_at, t};
use tools::simple_pdf;

/// A PDF from numbered object bodies, with a classic xref table and `extra` trailer entries.
fn pdf_of(objects: &[&[u8]], extra_trailer: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {extra_trailer} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// `hay` with the first `from` replaced by `to`.
fn replace(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = hay.windows(from.len()).position(|w| w == from).unwrap();
    [&hay[..at], to, &hay[at + from.len()..]].concat()
}

fn parse(pdf: &[u8]) -> Result<PdfDocument<'_>, PdfError> {
    PdfDocument::parse(pdf, &Limits::default())
}

#[test]
fn not_pdf_truncated_and_missing_trailer_are_typed_errors() {
    assert_eq!(parse(b"hello").unwrap_err(), PdfError::NotPdf);
    let full = simple_pdf(1);
    for cut in [10, full.len() / 2, full.len() - 30] {
        let err = parse(&full[..cut]).unwrap_err();
        assert!(
            matches!(err, PdfError::Malformed { .. }),
            "cut {cut}: {err}"
        );
        assert_eq!(err.code(), eseal::ErrorCode::Malformed);
    }
    let no_root = replace(&simple_pdf(1), b"/Root 1 0 R", b"/Rooo 1 0 R");
    assert!(matches!(parse(&no_root), Err(PdfError::Malformed { .. })));
}

#[test]
fn prev_loops_are_refused() {
    // The trailer's /Prev points at its own xref section.
    let base = pdf_of(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [] /Count 0 >>",
        ],
        "",
    );
    let at = base.windows(6).position(|w| w == b"\nxref\n").unwrap() + 1;
    let looped = replace(
        &base,
        b" >>\nstartxref",
        format!(" /Prev {at} >>\nstartxref").as_bytes(),
    );
    let err = parse(&looped).unwrap_err();
    assert!(err.to_string().contains("loops"), "{err}");
}

#[test]
fn page_tree_loops_and_deep_nesting_do_not_hang() {
    // Pages 2 lists itself as a kid.
    let pdf = pdf_of(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
        ],
        "",
    );
    let doc = parse(&pdf).unwrap();
    assert!(doc.page_count().is_err());
    let report = verify_document(&pdf, &VerifyOptions::default()).unwrap();
    assert_eq!(report.status(), Status::Indeterminate);
    // 10 000 nested arrays in the catalog.
    let mut deep = b"<< /Type /Catalog /Pages 2 0 R /X ".to_vec();
    deep.extend(std::iter::repeat_n(b'[', 10_000));
    deep.extend(std::iter::repeat_n(b']', 10_000));
    deep.extend_from_slice(b" >>");
    let pdf = pdf_of(&[&deep, b"<< /Type /Pages /Kids [] /Count 0 >>"], "");
    let doc = parse(&pdf).unwrap();
    let err = doc.object(eseal::pdf::ObjRef::new(1, 0)).unwrap_err();
    assert!(matches!(err, PdfError::LimitExceeded { .. }), "{err}");
}

#[test]
fn decompression_bombs_hit_the_limits() {
    // 64 MiB of zeros in an object stream that claims to hold the catalog.
    let zeros = vec![0u8; 64 << 20];
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&zeros).unwrap();
    let bomb = z.finish().unwrap();
    assert!(bomb.len() < 200_000);
    let mut stream = format!(
        "<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >>\nstream\n",
        bomb.len()
    )
    .into_bytes();
    stream.extend_from_slice(&bomb);
    stream.extend_from_slice(b"\nendstream");
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let objstm_at = pdf.len();
    pdf.extend_from_slice(b"3 0 obj\n");
    pdf.extend_from_slice(&stream);
    pdf.extend_from_slice(b"\nendobj\n");
    // An xref stream: 1 in the object stream, 3 in the file.
    let rows: Vec<u8> = [
        [0u8, 0, 0, 0, 0, 0xff, 0xff],
        [2, 0, 0, 0, 3, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [1, 0, 0, (objstm_at >> 8) as u8, objstm_at as u8, 0, 0],
    ]
    .concat();
    let xref_at = pdf.len();
    pdf.extend_from_slice(
        format!(
            "4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Index [0 4] /Root 1 0 R /Length {} >>\nstream\n",
            rows.len()
        )
        .as_bytes(),
    );
    pdf.extend_from_slice(&rows);
    pdf.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    let mut limits = Limits::default();
    limits.max_stream_len = 1 << 20;
    let doc = PdfDocument::parse(&pdf, &limits).unwrap();
    let err = doc.object(eseal::pdf::ObjRef::new(1, 0)).unwrap_err();
    assert!(matches!(err, PdfError::LimitExceeded { .. }), "{err}");
    // The default limits refuse it by ratio (64 MiB from about 64 KiB: 1000:1, beyond 256:1).
    let doc = parse(&pdf).unwrap();
    let err = doc.object(eseal::pdf::ObjRef::new(1, 0)).unwrap_err();
    assert!(matches!(err, PdfError::LimitExceeded { .. }), "{err}");
}

#[test]
fn xref_sizes_beyond_the_limit_are_refused() {
    let pdf = replace(&simple_pdf(1), b"xref\n0 7\n", b"xref\n0 99999999\n");
    let mut limits = Limits::default();
    limits.max_objects = 1000;
    let err = PdfDocument::parse(&pdf, &limits).unwrap_err();
    assert!(matches!(err, PdfError::LimitExceeded { .. }), "{err}");
}

/// A signed file whose /ByteRange is rewritten to `new` (same width, space-padded).
fn with_byte_range(signed: &[u8], f: impl Fn([usize; 4]) -> [usize; 4]) -> Vec<u8> {
    let at = signed
        .windows(11)
        .position(|w| w == b"/ByteRange ")
        .unwrap()
        + 11;
    let close = at + signed[at..].iter().position(|b| *b == b']').unwrap();
    let text = std::str::from_utf8(&signed[at + 1..close]).unwrap();
    let v: Vec<usize> = text
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    let new = f([v[0], v[1], v[2], v[3]]);
    let mut repl = format!("{} {} {} {}", new[0], new[1], new[2], new[3]).into_bytes();
    assert!(repl.len() < close - at);
    repl.resize(close - at - 1, b' ');
    let mut out = signed.to_vec();
    out[at + 1..close].copy_from_slice(&repl);
    out
}

#[test]
fn byte_ranges_that_leave_bytes_unsigned_are_invalid() {
    let pki = Pki::new();
    let store = pki.store();
    let signed = sign_document(
        &simple_pdf(1),
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30)),
    )
    .unwrap();
    type Edit = Box<dyn Fn([usize; 4]) -> [usize; 4]>;
    let cases: [(&str, Edit); 4] = [
        (
            "hole wider than /Contents",
            Box::new(|[a, b, c, d]| [a, b - 20, c, d]),
        ),
        (
            "tail not covered",
            Box::new(|[a, b, c, d]| [a, b, c, d - 10]),
        ),
        (
            "start not covered",
            Box::new(|[_, b, c, d]| [1, b - 1, c, d]),
        ),
        (
            "beyond the file",
            Box::new(|[a, b, c, d]| [a, b, c, d + 10]),
        ),
    ];
    for (what, f) in cases {
        let bad = with_byte_range(&signed, f);
        let report = verify_document(&bad, &opts_at(&store, t(40))).unwrap();
        assert_eq!(
            report.status(),
            Status::Invalid,
            "{what}: {}",
            report.to_json()
        );
        let (status, message) = tools::check_of(&report, 0, CheckId::PdfByteRange);
        assert_eq!(status, CheckStatus::Failed, "{what}: {message}");
    }
}

#[test]
fn garbage_in_contents_is_reported_not_panicked() {
    let pki = Pki::new();
    let signed = sign_document(
        &simple_pdf(1),
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30)),
    )
    .unwrap();
    let s = signed
        .windows(11)
        .position(|w| w == b"/Contents <")
        .unwrap()
        + 11;
    let mut bad = signed.clone();
    for b in &mut bad[s..s + 40] {
        *b = b'A';
    }
    let report = verify_document(&bad, &opts_at(&pki.store(), t(40))).unwrap();
    assert_eq!(report.status(), Status::Invalid);
    let (status, _) = tools::check_of(&report, 0, CheckId::PdfSignedValue);
    assert_eq!(status, CheckStatus::Failed);
}

#[test]
fn signatures_beyond_the_limit_leave_the_document_indeterminate() {
    let pki = Pki::new();
    let store = pki.store();
    let mut pdf = simple_pdf(1);
    for i in 0..3 {
        pdf = sign_document(
            &pdf,
            &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30 + i)),
        )
        .unwrap();
    }
    let mut limits = Limits::default();
    limits.max_signatures = 2;
    let report =
        eseal::pdf::verify_document_with_limits(&pdf, &opts_at(&store, t(40)), &limits).unwrap();
    assert_eq!(report.signatures().len(), 2);
    assert_eq!(
        report.status(),
        Status::Indeterminate,
        "{}",
        report.to_json()
    );
    let report = verify_document(&pdf, &opts_at(&store, t(40))).unwrap();
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
}
