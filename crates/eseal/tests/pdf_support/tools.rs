//! PDF test helpers: a minimal hand-written PDF (classic xref table), and runners for the
//! independent tools (qpdf, poppler's pdfsig, LibreOffice) that the PDF tests cross-check with.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::process::Command;

/// A PDF of `pages` US-Letter pages, each showing "Page N" in Helvetica, with a classic
/// cross-reference table and an /Info dictionary.
pub fn simple_pdf(pages: usize) -> Vec<u8> {
    let mut objects: Vec<String> = Vec::new();
    // 1 catalog, 2 pages, 3 font, 4 info, then (page, content) pairs.
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 5 + 2 * i)).collect();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {pages} /MediaBox [0 0 612 792] >>",
        kids.join(" ")
    ));
    objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into());
    objects.push("<< /Producer (eseal test) /Title (test) >>".into());
    for i in 0..pages {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            6 + 2 * i
        ));
        let content = format!("BT /F1 24 Tf 72 700 Td (Page {}) Tj ET", i + 1);
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ));
    }
    pdf_of_objects(
        &objects,
        "/Info 4 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]",
    )
}

/// A PDF of `objects` (numbered from 1, the catalog first) with a classic cross-reference
/// table; `trailer` holds trailer entries besides /Size and /Root.
pub fn pdf_of_objects(objects: &[String], trailer: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
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
            "trailer\n<< /Size {} /Root 1 0 R {trailer} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Page `page` (from 1) of `pdf` rendered by `pdftoppm` at 72 dpi (1 px = 1 pt), of the
/// CropBox when `crop_box` (else the MediaBox, pdftoppm's default): width, height and RGB
/// samples.
pub fn render_page(dir: &Path, pdf: &[u8], page: usize, crop_box: bool) -> (usize, usize, Vec<u8>) {
    let input = dir.join("render.pdf");
    std::fs::write(&input, pdf).unwrap();
    let n = page.to_string();
    let mut cmd = Command::new("pdftoppm");
    cmd.args(["-r", "72", "-f", &n, "-l", &n, "-singlefile"]);
    if crop_box {
        cmd.arg("-cropbox");
    }
    let out = cmd.arg(&input).arg(dir.join("page")).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ppm = std::fs::read(dir.join("page.ppm")).unwrap();
    // P6 header: magic, width, height, maxval, each followed by whitespace.
    let mut fields = Vec::new();
    let mut pos = 0;
    while fields.len() < 4 {
        while ppm[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let start = pos;
        while !ppm[pos].is_ascii_whitespace() {
            pos += 1;
        }
        fields.push(String::from_utf8_lossy(&ppm[start..pos]).into_owned());
    }
    assert_eq!(fields[0], "P6");
    (
        fields[1].parse().unwrap(),
        fields[2].parse().unwrap(),
        ppm[pos + 1..].to_vec(),
    )
}

/// Whether a command is on PATH.
pub fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `qpdf --check` on `pdf`; panics with its output unless it reports no errors.
pub fn qpdf_check(dir: &Path, name: &str, pdf: &[u8]) {
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && text.contains("No syntax or stream encoding errors"),
        "qpdf --check {name}: {text}"
    );
}

/// `pdfsig`'s output for `pdf` (signatures listed, whatever it could verify).
pub fn pdfsig(dir: &Path, name: &str, pdf: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdfsig").arg(&path).output().unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs qpdf with `args` on `input`, returning the output file.
pub fn qpdf(dir: &Path, input: &[u8], args: &[&str], name: &str) -> Vec<u8> {
    let inp = dir.join(format!("{name}.in.pdf"));
    let outp = dir.join(format!("{name}.pdf"));
    std::fs::write(&inp, input).unwrap();
    let out = Command::new("qpdf")
        .args(args)
        .arg(&inp)
        .arg(&outp)
        .output()
        .unwrap();
    assert!(
        out.status.success() || out.status.code() == Some(3),
        "qpdf {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&outp).unwrap()
}

/// The status of check `id` of signature `sig`, read from the report's JSON (so that the tests
/// do not depend on how `Check` exposes its fields), and its message.
pub fn check_of(
    report: &eseal::verify::DocumentReport,
    sig: usize,
    id: eseal::verify::CheckId,
) -> (eseal::verify::CheckStatus, String) {
    use eseal::verify::CheckStatus;
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let check = json["signatures"][sig]["report"]["checks"]
        .as_array()
        .unwrap_or_else(|| panic!("no signature {sig}: {json}"))
        .iter()
        .find(|c| c["id"] == id.as_str())
        .unwrap_or_else(|| panic!("no {} in {json}", id.as_str()))
        .clone();
    let status = match check["status"].as_str().unwrap() {
        "passed" => CheckStatus::Passed,
        "failed" => CheckStatus::Failed,
        "indeterminate" => CheckStatus::Indeterminate,
        "not_applicable" => CheckStatus::NotApplicable,
        other => panic!("unknown status {other}"),
    };
    (status, check["message"].as_str().unwrap_or("").to_owned())
}

/// `pdf` with an incremental update (a classic xref section) that redefines object `num` as
/// `body` (the trailer keeps /Root and names object 4 as /Info, as in [`simple_pdf`]).
pub fn redefine(pdf: &[u8], num: usize, body: &str) -> Vec<u8> {
    append_update(pdf, &[(num, body.as_bytes().to_vec())])
}

/// `pdf` with an incremental update (a classic xref section) that (re)defines each object
/// `(num, body)`; the trailer keeps /Root and names object 4 as /Info.
pub fn append_update(pdf: &[u8], objects: &[(usize, Vec<u8>)]) -> Vec<u8> {
    let doc = eseal::pdf::PdfDocument::parse(pdf, &eseal::pdf::Limits::default()).unwrap();
    let size = doc.trailer().get(b"Size").unwrap().as_int().unwrap() as usize;
    let size = objects.iter().map(|(n, _)| n + 1).fold(size, usize::max);
    let root = doc.trailer().get(b"Root").unwrap().as_objref().unwrap();
    let prev = {
        let at = pdf.windows(9).rposition(|w| w == b"startxref").unwrap();
        let rest = std::str::from_utf8(&pdf[at + 9..]).unwrap();
        rest.split_whitespace().next().unwrap().to_owned()
    };
    let mut out = pdf.to_vec();
    let mut xref = String::from("xref\n");
    for (num, body) in objects {
        let at = out.len();
        out.extend_from_slice(format!("{num} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
        xref.push_str(&format!("{num} 1\n{at:010} 00000 n\r\n"));
    }
    let at = out.len();
    out.extend_from_slice(
        format!(
            "{xref}trailer\n<< /Size {size} /Root {} 0 R /Info 4 0 R /Prev {prev} >>\nstartxref\n{at}\n%%EOF\n",
            root.num
        )
        .as_bytes(),
    );
    out
}

/// The text between `N 0 obj` and `endobj` of the newest definition of object `num` written
/// directly in the file (not in an object stream).
pub fn newest_object_body(pdf: &[u8], num: usize) -> String {
    let head = format!("\n{num} 0 obj");
    let at = pdf
        .windows(head.len())
        .rposition(|w| w == head.as_bytes())
        .unwrap()
        + head.len();
    let end = at + pdf[at..].windows(6).position(|w| w == b"endobj").unwrap();
    String::from_utf8_lossy(&pdf[at..end]).into_owned()
}

/// The status of check `id` of signature `sig` (panics with the report when it is absent).
pub fn check_status(
    report: &eseal::verify::DocumentReport,
    sig: usize,
    id: eseal::verify::CheckId,
) -> eseal::verify::CheckStatus {
    report.signatures()[sig]
        .report()
        .checks()
        .iter()
        .find(|c| c.id() == id)
        .unwrap_or_else(|| panic!("no {id:?} in {}", report.to_json()))
        .status()
}

/// `pdf` with an update that adds a DSS to its catalog (written directly in the file, as eseal
/// and PDFBox write it): the DER `certs`, `crls` and `ocsps` as streams, listed at the top and
/// (certificates and CRLs) in a VRI entry.
pub fn add_dss(pdf: &[u8], certs: &[Vec<u8>], crls: &[Vec<u8>], ocsps: &[Vec<u8>]) -> Vec<u8> {
    let doc = eseal::pdf::PdfDocument::parse(pdf, &eseal::pdf::Limits::default()).unwrap();
    let mut next = doc.trailer().get(b"Size").unwrap().as_int().unwrap() as usize;
    let root = doc.trailer().get(b"Root").unwrap().as_objref().unwrap().num as usize;
    let mut objects = Vec::new();
    let mut stream = |der: &[u8]| {
        let num = next;
        next += 1;
        let mut body = format!("<< /Length {} >>\nstream\n", der.len()).into_bytes();
        body.extend_from_slice(der);
        body.extend_from_slice(b"\nendstream");
        objects.push((num, body));
        format!("{num} 0 R")
    };
    let mut refs = |items: &[Vec<u8>]| {
        items
            .iter()
            .map(|d| stream(d))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (certs, crls, ocsps) = (refs(certs), refs(crls), refs(ocsps));
    let mut catalog = newest_object_body(pdf, root);
    catalog.truncate(catalog.rfind(">>").unwrap());
    catalog.push_str(&format!(
        " /DSS << /Certs [{certs}] /CRLs [{crls}] /OCSPs [{ocsps}] /VRI << /ABCDEF << /Cert \
         [{certs}] /CRL [{crls}] >> >> >> >>"
    ));
    objects.push((root, catalog.into_bytes()));
    append_update(pdf, &objects)
}
