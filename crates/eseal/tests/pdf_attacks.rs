//! An attacker's review of PDF verification: the known PDF signature attacks (Mladenov et al.,
//! "1 Trillion Dollar Refund" — incremental saving, signature wrapping, universal signature
//! forgery; Mainka et al., "Shadow attacks" — hide, replace, hide-and-replace) built on PDFs
//! eseal signs. None may come out VALID, nor may a signature be reported as covering the
//! document, when what the pages show differs from what was signed. Each test names what eseal
//! reports; docs/pdf.md ("Attacks") has the list and the rules.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "pki_support/ca.rs"]
mod ca;
#[path = "support/cross.rs"]
mod cross;
#[path = "ses_support/fixture.rs"]
mod fixture;
#[path = "support/pdfbox.rs"]
mod pdfbox;
#[path = "pdf_support/tools.rs"]
mod tools;

use eseal::pdf::{
    DocMdpPermission, PageSelector, PdfDocument, SignRequest, Stamp, sign_document, verify_document,
};
use eseal::verify::{CheckId, CheckStatus, DocumentReport, Status};
use fixture::{Pki, opts_at, t};
use tools::{append_update, check_of, newest_object_body, pdf_of_objects, simple_pdf};

fn verify(pdf: &[u8], pki: &Pki) -> DocumentReport {
    verify_document(pdf, &opts_at(&pki.store(), t(40))).unwrap()
}

fn sign(pdf: &[u8], pki: &Pki) -> Vec<u8> {
    sign_document(
        pdf,
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30)),
    )
    .unwrap()
}

/// Writes the attack file for the `pdf_verify` fuzz target's seeds when `ESEAL_WRITE_SEEDS`
/// names a directory (kept out of the normal run).
fn seed(name: &str, pdf: &[u8]) {
    if let Ok(dir) = std::env::var("ESEAL_WRITE_SEEDS") {
        if pdf.len() < 50_000 {
            std::fs::write(
                std::path::Path::new(&dir).join(format!("attack-{name}.pdf")),
                pdf,
            )
            .unwrap();
        }
    }
}

/// The signature must not be valid and `pdf.coverage` must not pass: returns its message.
fn assert_partial(report: &DocumentReport, what: &str) -> String {
    assert_ne!(
        report.status(),
        Status::Valid,
        "{what}: {}",
        report.to_json()
    );
    let (status, message) = check_of(report, 0, CheckId::PdfCoverage);
    assert_eq!(
        status,
        CheckStatus::Indeterminate,
        "{what}: {}",
        report.to_json()
    );
    assert!(message.contains("partial coverage"), "{what}: {message}");
    assert_eq!(
        check_of(report, 0, CheckId::DataHash).0,
        CheckStatus::Passed,
        "{what}: the signature itself is intact"
    );
    message
}

/// The report must be INVALID with check `id` failed.
fn assert_failed(report: &DocumentReport, id: CheckId, what: &str) {
    assert_eq!(
        report.status(),
        Status::Invalid,
        "{what}: {}",
        report.to_json()
    );
    let (status, message) = check_of(report, 0, id);
    assert_eq!(status, CheckStatus::Failed, "{what}: {message}");
}

/// The offset the last `startxref` names.
fn last_startxref(pdf: &[u8]) -> String {
    let s = pdf.windows(9).rposition(|w| w == b"startxref").unwrap();
    let rest = std::str::from_utf8(&pdf[s + 9..]).unwrap();
    rest.split_whitespace().next().unwrap().to_owned()
}

fn next_num(pdf: &[u8]) -> usize {
    let doc = PdfDocument::parse(pdf, &eseal::pdf::Limits::default()).unwrap();
    doc.trailer().get(b"Size").unwrap().as_int().unwrap() as usize
}

fn stream(content: &str) -> Vec<u8> {
    format!(
        "<< /Length {} >>\nstream\n{content}\nendstream",
        content.len()
    )
    .into_bytes()
}

fn form_xobject(content: &str) -> Vec<u8> {
    format!(
        "<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Length {} >>\nstream\n{content}\nendstream",
        content.len()
    )
    .into_bytes()
}

/// A white box over the whole page with other text on it.
const OVERLAY: &str =
    "1 1 1 rg 0 0 612 792 re f BT /Helv 24 Tf 0 g 72 700 Td (Refund 1000000) Tj ET";

/// The number of the newest object whose body contains `needle`.
fn object_with(pdf: &[u8], needle: &str) -> usize {
    let at = pdf
        .windows(needle.len())
        .rposition(|w| w == needle.as_bytes())
        .unwrap();
    let head = pdf[..at].windows(5).rposition(|w| w == b" obj\n").unwrap();
    let line = pdf[..head].iter().rposition(|b| *b == b'\n').unwrap() + 1;
    let text = std::str::from_utf8(&pdf[line..head]).unwrap();
    text.split_whitespace().next().unwrap().parse().unwrap()
}

/// `pdf` with an update (classic xref) defining `objects` whose trailer names `root`.
fn update_with_root(pdf: &[u8], objects: &[(usize, Vec<u8>)], root: usize) -> Vec<u8> {
    let updated = append_update(pdf, objects);
    let from = updated.windows(6).rposition(|w| w == b"/Root ").unwrap();
    let end = from
        + updated[from..]
            .windows(3)
            .position(|w| w == b" R ")
            .unwrap()
        + 2;
    [
        &updated[..from],
        format!("/Root {root} 0 R").as_bytes(),
        &updated[end..],
    ]
    .concat()
}

// ---------------------------------------------------------------------------------------
// Incremental saving attacks (ISA)

#[test]
fn isa_replacing_a_pages_contents_is_partial_coverage() {
    let pki = Pki::new();
    let signed = sign(&simple_pdf(1), &pki);
    let attack = append_update(
        &signed,
        &[(6, stream("BT /F1 24 Tf 72 700 Td (Refund 1000000) Tj ET"))],
    );
    seed("isa-contents", &attack);
    let message = assert_partial(&verify(&attack, &pki), "new /Contents");
    assert!(message.contains("object 6"), "{message}");
}

#[test]
fn isa_an_annotation_whose_appearance_covers_the_page_is_partial_coverage() {
    let pki = Pki::new();
    let signed = sign(&simple_pdf(1), &pki);
    let (annot, ap) = (next_num(&signed), next_num(&signed) + 1);
    let page =
        newest_object_body(&signed, 5).replace("/Annots [", &format!("/Annots [{annot} 0 R "));
    assert!(page.contains(&format!("{annot} 0 R")), "{page}");
    let attack = append_update(
        &signed,
        &[
            (
                annot,
                format!("<< /Type /Annot /Subtype /Square /Rect [0 0 612 792] /F 4 /AP << /N {ap} 0 R >> >>")
                    .into_bytes(),
            ),
            (ap, form_xobject(OVERLAY)),
            (5, page.into_bytes()),
        ],
    );
    seed("isa-annotation", &attack);
    assert_partial(&verify(&attack, &pki), "overlay annotation");
}

#[test]
fn isa_replacing_a_font_is_partial_coverage() {
    let pki = Pki::new();
    let signed = sign(&simple_pdf(1), &pki);
    let attack = append_update(
        &signed,
        &[(
            3,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>".to_vec(),
        )],
    );
    let message = assert_partial(&verify(&attack, &pki), "font");
    assert!(message.contains("resource"), "{message}");
}

#[test]
fn isa_replacing_an_xobject_the_page_draws_is_partial_coverage() {
    let pki = Pki::new();
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /Resources << /XObject << /X1 5 0 R >> >> /Contents 4 0 R >>"
            .to_owned(),
        String::from_utf8(stream("/X1 Do")).unwrap(),
        String::from_utf8(form_xobject("0 0 1 rg 72 72 100 100 re f")).unwrap(),
        "<< /Producer (eseal test) >>".to_owned(),
    ];
    let signed = sign(&pdf_of_objects(&objects, "/Info 6 0 R"), &pki);
    assert_eq!(verify(&signed, &pki).status(), Status::Valid);
    let attack = update_with_root(&signed, &[(5, form_xobject(OVERLAY))], 1);
    let message = assert_partial(&verify(&attack, &pki), "XObject");
    assert!(message.contains("object 5"), "{message}");
}

#[test]
fn isa_replacing_an_inherited_font_or_the_page_group_is_partial_coverage() {
    // Resources inherited from the page tree were reached as "document Pages" metadata, and
    // the page's /Group not at all: both changes passed (warning only) before the fix.
    let pki = Pki::new();
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /Group 6 0 R /Contents 4 0 R >>".to_owned(),
        String::from_utf8(stream("BT /F1 24 Tf 72 700 Td (Amount 100) Tj ET")).unwrap(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        "<< /Type /Group /S /Transparency /CS /DeviceRGB >>".to_owned(),
        "<< /Producer (eseal test) >>".to_owned(),
    ];
    let signed = sign(&pdf_of_objects(&objects, "/Info 7 0 R"), &pki);
    assert_eq!(verify(&signed, &pki).status(), Status::Valid);
    for (what, num, body) in [
        (
            "inherited font",
            5,
            "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
        ),
        (
            "page group",
            6,
            "<< /Type /Group /S /Transparency /CS /DeviceGray /K true >>",
        ),
    ] {
        let attack = update_with_root(&signed, &[(num, body.as_bytes().to_vec())], 1);
        seed(&format!("inherited-{num}"), &attack);
        let message = assert_partial(&verify(&attack, &pki), what);
        assert!(message.contains(&format!("object {num}")), "{message}");
    }
}

/// A document with objects prepared before signing and used by nothing (the shadow
/// attacks' hidden content): catalog 7 → page tree 8 → page 9 → content 10, and a content
/// stream 11; the catalog carries optional content (group 12, shown).
fn shadow_base() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R /OCProperties << /OCGs [12 0 R] /D << /ON [12 0 R] /OFF [] >> >> >>".to_owned(),
        "<< /Type /Pages /Kids [5 0 R] /Count 1 /MediaBox [0 0 612 792] >>".to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        "<< /Producer (eseal test) /Title (test) >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R >> /Properties << /L 12 0 R >> >> /Contents 6 0 R >>".to_owned(),
        String::from_utf8(stream("/OC /L BDC BT /F1 24 Tf 72 700 Td (Amount 100) Tj ET EMC")).unwrap(),
        "<< /Type /Catalog /Pages 8 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [9 0 R] /Count 1 /MediaBox [0 0 612 792] >>".to_owned(),
        "<< /Type /Page /Parent 8 0 R /Resources << /Font << /F1 3 0 R >> >> /Contents 10 0 R >>".to_owned(),
        String::from_utf8(stream("BT /F1 24 Tf 72 700 Td (Amount 1000000) Tj ET")).unwrap(),
        String::from_utf8(stream("BT /F1 24 Tf 72 700 Td (Amount 1000000) Tj ET")).unwrap(),
        "<< /Type /OCG /Name (amount) >>".to_owned(),
    ];
    pdf_of_objects(
        &objects,
        "/Info 4 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]",
    )
}

/// The hide-and-replace update on a signed [`shadow_base`]: prepared catalog 7 gets the form
/// and the trailer names it.
fn shadow_root_attack(signed: &[u8]) -> Vec<u8> {
    let catalog = newest_object_body(signed, 1);
    let form_at = catalog.find("/AcroForm").unwrap();
    // The form as the signer wrote it (a direct dictionary without nested ones).
    let form_end = form_at + catalog[form_at..].find(">>").unwrap() + 2;
    let shadow = format!(
        "<< /Type /Catalog /Pages 8 0 R {} >>",
        &catalog[form_at..form_end]
    );
    update_with_root(signed, &[(7, shadow.into_bytes())], 7)
}

#[test]
fn shadow_hide_and_replace_through_a_new_trailer_root_is_partial_coverage() {
    // Mainka et al. "hide-and-replace": the update only gives the prepared catalog the form
    // (so the signature still shows) and points the trailer at it. Before the fix the only
    // change was the catalog's /AcroForm: "signatures and form fields only", VALID.
    let pki = Pki::new();
    let signed = sign(&shadow_base(), &pki);
    assert_eq!(verify(&signed, &pki).status(), Status::Valid);
    let attack = shadow_root_attack(&signed);
    let report = verify(&attack, &pki);
    assert_eq!(report.signatures().len(), 1, "{}", report.to_json());
    seed("shadow-root", &attack);
    let message = assert_partial(&report, "trailer /Root");
    assert!(message.contains("/Root"), "{message}");
}

#[test]
fn shadow_replace_and_hide_by_re_pointing_one_object_are_partial_coverage() {
    // Each update changes one object so that prepared, unused objects are shown (or a layer
    // is hidden). Before the fix the first three were "metadata changed" (a warning only):
    // VALID; the page's /Contents was already partial coverage.
    let pki = Pki::new();
    let signed = sign(&shadow_base(), &pki);
    type Edits = &'static [(&'static str, &'static str)];
    let cases: [(&str, usize, Edits); 4] = [
        ("catalog /Pages", 1, &[("/Pages 2 0 R", "/Pages 8 0 R")]),
        ("page tree /Kids", 2, &[("/Kids [5 0 R]", "/Kids [9 0 R]")]),
        (
            "optional content switched off",
            1,
            &[("/ON [12 0 R]", "/ON []"), ("/OFF []", "/OFF [12 0 R]")],
        ),
        (
            "page /Contents",
            5,
            &[("/Contents 6 0 R", "/Contents 11 0 R")],
        ),
    ];
    for (what, num, edits) in cases {
        let mut body = newest_object_body(&signed, num);
        for (from, to) in edits {
            assert!(body.contains(from), "{what}: {body}");
            body = body.replace(from, to);
        }
        let attack = append_update(&signed, &[(num, body.into_bytes())]);
        if num == 2 {
            seed("shadow-kids", &attack);
        }
        assert_partial(&verify(&attack, &pki), what);
    }
}

#[test]
fn an_xref_entry_pointing_a_signed_object_at_other_bytes_is_partial_coverage() {
    // The update writes no object: its xref points object 6 at the bytes of object 11
    // (prepared before signing, renumbered in place would break the signature, so the
    // entry names bytes whose header says 11: unreadable, the page's content gone).
    let pki = Pki::new();
    let signed = sign(&shadow_base(), &pki);
    let at = signed
        .windows(9)
        .position(|w| w == b"\n11 0 obj")
        .map(|a| a + 1)
        .unwrap();
    let prev = last_startxref(&signed);
    let size = next_num(&signed);
    let mut attack = signed.clone();
    let xref = attack.len();
    attack.extend_from_slice(
        format!(
            "xref\n6 1\n{at:010} 00000 n\r\ntrailer\n<< /Size {size} /Root 1 0 R /Info 4 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n"
        )
        .as_bytes(),
    );
    assert_partial(&verify(&attack, &pki), "xref entry");
}

/// A PDF whose font (3) and Info (4) live in object stream 7, with an xref stream (8).
fn objstm_pdf() -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = std::collections::BTreeMap::new();
    let mut put = |out: &mut Vec<u8>, num: usize, body: &[u8]| {
        offsets.insert(num, out.len());
        out.extend_from_slice(format!("{num} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    put(&mut out, 1, b"<< /Type /Catalog /Pages 2 0 R >>");
    put(
        &mut out,
        2,
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 /MediaBox [0 0 612 792] >>",
    );
    put(
        &mut out,
        5,
        b"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R >> >> /Contents 6 0 R >>",
    );
    put(
        &mut out,
        6,
        &stream("BT /F1 24 Tf 72 700 Td (Page 1) Tj ET"),
    );
    put(
        &mut out,
        7,
        &objstm(&[
            (3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
            (4, "<< /Producer (eseal test) >>"),
        ]),
    );
    let xref = out.len();
    offsets.insert(8, xref);
    let mut rows = Vec::new();
    for num in 0..9u32 {
        let (ty, a, b): (u8, u32, u16) = match num {
            0 => (0, 0, 0xffff),
            3 => (2, 7, 0),
            4 => (2, 7, 1),
            n => (1, offsets[&(n as usize)] as u32, 0),
        };
        rows.push(ty);
        rows.extend_from_slice(&a.to_be_bytes());
        rows.extend_from_slice(&b.to_be_bytes());
    }
    out.extend_from_slice(
        format!(
            "8 0 obj\n<< /Type /XRef /Size 9 /W [1 4 2] /Root 1 0 R /Info 4 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] /Length {} >>\nstream\n",
            rows.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&rows);
    out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    out
}

/// An uncompressed object stream holding `objects`.
fn objstm(objects: &[(usize, &str)]) -> Vec<u8> {
    let mut header = String::new();
    let mut body = String::new();
    for (num, text) in objects {
        header.push_str(&format!("{num} {} ", body.len()));
        body.push_str(text);
        body.push('\n');
    }
    format!(
        "<< /Type /ObjStm /N {} /First {} /Length {} >>\nstream\n{header}{body}\nendstream",
        objects.len(),
        header.len(),
        header.len() + body.len()
    )
    .into_bytes()
}

/// The update on a signed [`objstm_pdf`] redefining object stream 7 (the font now Courier).
fn objstm_attack(signed: &[u8]) -> Vec<u8> {
    append_update(
        signed,
        &[(
            7,
            objstm(&[
                (3, "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>"),
                (4, "<< /Producer (eseal test) >>"),
            ]),
        )],
    )
}

#[test]
fn isa_redefining_an_object_stream_is_partial_coverage() {
    // The update redefines object stream 7 (the font now Courier) and keeps the entries of
    // objects 3 and 4 pointing into it. Before the fix both were skipped (same entries, and
    // the stream itself is an object stream) and the objects were cached by stream number:
    // no change at all, VALID.
    let pki = Pki::new();
    let base = objstm_pdf();
    let signed = sign(&base, &pki);
    assert_eq!(
        verify(&signed, &pki).status(),
        Status::Valid,
        "{}",
        verify(&signed, &pki).to_json()
    );
    let attack = objstm_attack(&signed);
    seed("isa-objstm", &attack);
    let message = assert_partial(&verify(&attack, &pki), "object stream");
    assert!(message.contains("object 3"), "{message}");
    assert!(
        !message.contains("object 4"),
        "object 4 did not change: {message}"
    );
}

#[test]
fn a_hidden_xref_section_reached_only_through_prev_is_seen() {
    // Section U1 (content replaced) has no startxref/%%EOF of its own, so it is no revision;
    // the last section's /Prev reaches it.
    let pki = Pki::new();
    let signed = sign(&simple_pdf(1), &pki);
    let once = append_update(
        &signed,
        &[(6, stream("BT /F1 24 Tf 72 700 Td (Refund 1000000) Tj ET"))],
    );
    // Drop U1's startxref … %%EOF.
    let s = once.windows(9).rposition(|w| w == b"startxref").unwrap();
    let hidden = once[..s].to_vec();
    let u1 = hidden.windows(5).rposition(|w| w == b"xref\n").unwrap();
    let mut attack = hidden.clone();
    let xref = attack.len();
    let size = next_num(&signed);
    attack.extend_from_slice(
        format!(
            "xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size {size} /Root 1 0 R /Info 4 0 R /Prev {u1} >>\nstartxref\n{xref}\n%%EOF\n"
        )
        .as_bytes(),
    );
    assert_partial(&verify(&attack, &pki), "hidden section");
}

#[test]
fn a_later_prev_that_skips_an_update_is_still_compared() {
    // Update 2's /Prev skips update 1 (which replaced the content) and restores nothing:
    // update 1's change is not in the newest state, but update 2 itself changes the font.
    let pki = Pki::new();
    let signed = sign(&simple_pdf(1), &pki);
    let signed_prev = last_startxref(&signed);
    let once = append_update(
        &signed,
        &[(6, stream("BT /F1 24 Tf 72 700 Td (Refund) Tj ET"))],
    );
    let twice = append_update(
        &once,
        &[(
            3,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>".to_vec(),
        )],
    );
    let last_prev = twice.windows(6).rposition(|w| w == b"/Prev ").unwrap() + 6;
    let end = last_prev + twice[last_prev..].iter().position(|b| *b == b' ').unwrap();
    let padded = format!("{signed_prev:<width$}", width = end - last_prev);
    let mut attack = twice.clone();
    attack[last_prev..end].copy_from_slice(padded.as_bytes());
    let message = assert_partial(&verify(&attack, &pki), "skipping /Prev");
    assert!(message.contains("object 3"), "{message}");
}

// ---------------------------------------------------------------------------------------
// Signature fields dressed up as overlays

/// `signed` with an update adding the widget of an unsigned `/FT /Sig` field to page 5, its
/// appearance a white box with other text over the whole page.
fn unsigned_widget_overlay(signed: &[u8]) -> Vec<u8> {
    let (widget, ap) = (next_num(signed), next_num(signed) + 1);
    let page =
        newest_object_body(signed, 5).replace("/Annots [", &format!("/Annots [{widget} 0 R "));
    assert!(page.contains(&format!("{widget} 0 R")), "{page}");
    append_update(
        signed,
        &[
            (
                widget,
                format!(
                    "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Fake) /Rect [0 0 612 792] /F 4 \
                     /P 5 0 R /AP << /N {ap} 0 R >> >>"
                )
                .into_bytes(),
            ),
            (ap, form_xobject(OVERLAY)),
            (5, page.into_bytes()),
        ],
    )
}

#[test]
fn an_unsigned_signature_widget_with_an_appearance_is_partial_coverage() {
    // A widget of an (unsigned) /FT /Sig field drawing over the page. Before the fix it was
    // "a signature object": VALID.
    let pki = Pki::new();
    let signed = sign(&simple_pdf(1), &pki);
    let attack = unsigned_widget_overlay(&signed);
    seed("fake-sig-widget", &attack);
    let message = assert_partial(&verify(&attack, &pki), "unsigned signature widget");
    assert!(
        message.contains("not signed by any later signature"),
        "{message}"
    );
}

#[test]
fn an_invisible_unsigned_signature_field_for_the_next_signer_is_harmless() {
    // A field added for the next signer, with an empty /Rect (or hidden): nothing is drawn, so
    // the signature still covers what the pages show, and /P 2 permits it.
    let pki = Pki::new();
    for (rect, flags) in [("[0 0 0 0]", 132), ("[72 72 200 120]", 2)] {
        for certify in [false, true] {
            let signed = if certify {
                certified(
                    DocMdpPermission::FormFillingAndSigning,
                    &simple_pdf(1),
                    &pki,
                )
            } else {
                sign(&simple_pdf(1), &pki)
            };
            let widget = next_num(&signed);
            let page = newest_object_body(&signed, 5)
                .replace("/Annots [", &format!("/Annots [{widget} 0 R "));
            let update = append_update(
                &signed,
                &[
                    (
                        widget,
                        format!(
                            "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Next) /Rect {rect} \
                             /F {flags} /P 5 0 R >>"
                        )
                        .into_bytes(),
                    ),
                    (5, page.into_bytes()),
                ],
            );
            let report = verify(&update, &pki);
            assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
            assert_eq!(
                check_of(&report, 0, CheckId::PdfCoverage).0,
                CheckStatus::Passed
            );
        }
    }
}

#[test]
fn changing_a_signatures_appearance_afterwards_is_partial_coverage() {
    // The signed widget's appearance redrawn by an update. Before the fix: VALID.
    let pki = Pki::new();
    let request = SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30))
        .stamp(Stamp::on_page(PageSelector::Index(0), 20.0, 30.0).size(40.0, 20.0));
    let signed = sign_document(&simple_pdf(1), &request).unwrap();
    let widget = object_with(&signed, "/FT /Sig");
    let body = newest_object_body(&signed, widget);
    let n_at = body.find("/N ").unwrap() + 3;
    let ap: usize = body[n_at..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let attack = append_update(&signed, &[(ap, form_xobject(OVERLAY))]);
    assert_partial(&verify(&attack, &pki), "appearance redrawn");
}

#[test]
fn a_second_genuine_signature_still_leaves_the_first_covering_everything() {
    // The rules above must not touch the genuine case: a visible second signature.
    let pki = Pki::new();
    let first = sign(&simple_pdf(1), &pki);
    let request = SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(31))
        .stamp(Stamp::on_page(PageSelector::Index(0), 20.0, 30.0).size(40.0, 20.0));
    let second = sign_document(&first, &request).unwrap();
    let report = verify(&second, &pki);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(
        check_of(&report, 0, CheckId::PdfCoverage).0,
        CheckStatus::Passed
    );
}

// ---------------------------------------------------------------------------------------
// Signature wrapping (SWA) and universal signature forgery (USF)

fn contents_of(sig: &str) -> (usize, usize) {
    let at = sig.find("/Contents <").unwrap() + 10;
    (at, at + sig[at..].find('>').unwrap() + 1)
}

#[test]
fn wrapped_and_forged_signature_dictionaries_are_invalid() {
    let pki = Pki::new();
    let signed = sign(&simple_pdf(1), &pki);
    let num = object_with(&signed, "/Type /Sig");
    let original = newest_object_body(&signed, num);
    // The signature dictionary with its /ByteRange value replaced by `value`.
    let byte_range = |s: &str, value: &str| {
        let a = s.find("/ByteRange [").unwrap() + 11;
        let b = a + s[a..].find(']').unwrap() + 1;
        format!("{}{value}{}", &s[..a], &s[b..])
    };
    // Without /Contents, or with `value` instead of its string.
    let contents = |s: &str, value: Option<&str>| {
        let (a, b) = contents_of(s);
        match value {
            None => format!("{}{}", &s[..a - 10], &s[b..]),
            Some(v) => format!("{}{v}{}", &s[..a], &s[b..]),
        }
    };
    let cases: Vec<(&str, String)> = vec![
        // SWA: the dictionary moved to the end, its ByteRange unchanged: the hole is no longer
        // this /Contents.
        ("moved dictionary", original.clone()),
        // Two /Contents: whichever the reader takes, the hole is not it.
        (
            "two /Contents",
            original.replacen("/Contents", "/Contents <3000> /Contents", 1),
        ),
        // USF: /Contents missing, empty, /ByteRange null or malformed, a /Cert instead.
        ("no /Contents", contents(&original, None)),
        ("empty /Contents", contents(&original, Some("<>"))),
        ("/ByteRange null", byte_range(&original, "null")),
        (
            "/ByteRange of three numbers",
            byte_range(&original, "[0 10 20]"),
        ),
        (
            "/Cert and adbe.x509.rsa_sha1, no /Contents",
            contents(&original, None)
                .replace("/adbe.pkcs7.detached", "/adbe.x509.rsa_sha1 /Cert <3000>"),
        ),
    ];
    for (what, body) in cases {
        let attack = append_update(&signed, &[(num, body.into_bytes())]);
        let report = verify(&attack, &pki);
        assert_failed(&report, CheckId::PdfByteRange, what);
    }
}

#[test]
fn byte_ranges_negative_overlapping_or_pointing_at_a_moved_copy_are_invalid() {
    let pki = Pki::new();
    let signed = sign(&simple_pdf(1), &pki);
    let sig_at = signed
        .windows(12)
        .position(|w| w == b"/ByteRange [")
        .unwrap()
        + 12;
    let sig_end = sig_at + signed[sig_at..].iter().position(|b| *b == b']').unwrap();
    let v: Vec<usize> = std::str::from_utf8(&signed[sig_at..sig_end])
        .unwrap()
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    let [_, b, c, d] = [v[0], v[1], v[2], v[3]];
    // A copy of the whole signed file appended (inside a comment-free stream of an update)
    // and the ByteRange pointed at it: the ranges no longer meet the /Contents hole.
    let copy_at = signed.len() + 40;
    let cases: Vec<(&str, String)> = vec![
        ("negative length", format!("0 {b} {c} -{d}")),
        ("overlapping ranges", format!("0 {c} {b} {d}")),
        (
            "a range over a moved copy",
            format!("0 {b} {} {d}", copy_at + c),
        ),
    ];
    for (what, text) in cases {
        let repl = format!("{text:<width$}", width = sig_end - sig_at);
        let mut attack = signed.clone();
        attack[sig_at..sig_end].copy_from_slice(repl.as_bytes());
        let attack = append_update(
            &attack,
            &[(next_num(&signed), stream(&String::from_utf8_lossy(&signed)))],
        );
        let report = verify(&attack, &pki);
        assert_failed(&report, CheckId::PdfByteRange, what);
    }
}

// ---------------------------------------------------------------------------------------
// Certified documents (DocMDP) and LTV updates

fn certified(permission: DocMdpPermission, base: &[u8], pki: &Pki) -> Vec<u8> {
    sign_document(
        base,
        &SignRequest::digital(&pki.signer.cert, &pki.signer.key, t(30)).certify(permission),
    )
    .unwrap()
}

#[test]
fn docmdp_p2_forbids_an_unsigned_signature_widget_overlay_and_shadow_swaps() {
    let pki = Pki::new();
    for p in [
        DocMdpPermission::NoChanges,
        DocMdpPermission::FormFillingAndSigning,
    ] {
        let signed = certified(p, &shadow_base(), &pki);
        assert_eq!(verify(&signed, &pki).status(), Status::Valid);
        // The unsigned widget over the page (allowed as "signing" before the fix).
        let overlay = unsigned_widget_overlay(&signed);
        assert_failed(
            &verify(&overlay, &pki),
            CheckId::PdfDocMdp,
            &format!("{p:?} widget"),
        );
        // The page tree swapped for the prepared one.
        let kids = append_update(
            &signed,
            &[(
                2,
                b"<< /Type /Pages /Kids [9 0 R] /Count 1 /MediaBox [0 0 612 792] >>".to_vec(),
            )],
        );
        assert_failed(
            &verify(&kids, &pki),
            CheckId::PdfDocMdp,
            &format!("{p:?} kids"),
        );
        if p == DocMdpPermission::FormFillingAndSigning {
            seed("docmdp-p2-kids", &kids);
        }
    }
}

#[test]
fn docmdp_p3_still_permits_an_annotation() {
    // Unchanged: /P 3 permits annotations, so the same widget overlay is not a DocMDP
    // failure (the coverage still says partial: nobody signed it).
    let pki = Pki::new();
    let signed = certified(
        DocMdpPermission::AnnotationsFormsAndSigning,
        &simple_pdf(1),
        &pki,
    );
    let overlay = unsigned_widget_overlay(&signed);
    let report = verify(&overlay, &pki);
    assert_eq!(
        check_of(&report, 0, CheckId::PdfDocMdp).0,
        CheckStatus::Passed
    );
    assert_partial(&report, "P 3 widget");
}

#[test]
fn a_dss_update_that_also_changes_content_is_partial_coverage_and_breaks_docmdp() {
    let pki = Pki::new();
    for certify in [false, true] {
        let signed = if certify {
            certified(DocMdpPermission::NoChanges, &simple_pdf(1), &pki)
        } else {
            sign(&simple_pdf(1), &pki)
        };
        let dss = next_num(&signed);
        let mut catalog = newest_object_body(&signed, 1);
        catalog.truncate(catalog.rfind(">>").unwrap());
        catalog.push_str(&format!(" /DSS {dss} 0 R >>"));
        let attack = append_update(
            &signed,
            &[
                (dss, b"<< /Certs [] /CRLs [] >>".to_vec()),
                (1, catalog.into_bytes()),
                (6, stream("BT /F1 24 Tf 72 700 Td (Refund 1000000) Tj ET")),
            ],
        );
        let report = verify(&attack, &pki);
        let message = assert_partial(&report, "DSS + content");
        assert!(message.contains("object 6"), "{message}");
        if certify {
            assert_failed(&report, CheckId::PdfDocMdp, "P 1 DSS + content");
        }
    }
}

#[test]
fn a_dss_update_declaring_its_extensions_is_permitted_after_p1() {
    // Genuine PAdES LTV: the catalog gains /DSS and the /Extensions (ESIC) that declare it.
    // Before the fix the /Extensions made the catalog "metadata": pdf.docmdp failed, INVALID.
    let pki = Pki::new();
    let signed = certified(DocMdpPermission::NoChanges, &simple_pdf(1), &pki);
    let dss = next_num(&signed);
    let mut catalog = newest_object_body(&signed, 1);
    catalog.truncate(catalog.rfind(">>").unwrap());
    catalog.push_str(&format!(
        " /DSS {dss} 0 R /Extensions << /ESIC << /BaseVersion /1.7 /ExtensionLevel 1 >> >> >>"
    ));
    let ltv = append_update(
        &signed,
        &[
            (dss, b"<< /Certs [] /CRLs [] >>".to_vec()),
            (1, catalog.into_bytes()),
        ],
    );
    let report = verify(&ltv, &pki);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(
        check_of(&report, 0, CheckId::PdfDocMdp).0,
        CheckStatus::Passed
    );
}

// ---------------------------------------------------------------------------------------
// Bytes after the last %%EOF

#[test]
fn garbage_after_the_last_eof_is_named_and_not_signed() {
    // Nothing a reader shows (no cross-reference section reaches it): the signature stays
    // valid, but the report must not claim it covers the whole file.
    let pki = Pki::new();
    let signed = sign(&simple_pdf(1), &pki);
    let mut attack = signed.clone();
    attack.extend_from_slice(b"5 0 obj\n<< /Type /Page >>\nendobj\n% garbage\n");
    let report = verify(&attack, &pki);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    let (_, message) = check_of(&report, 0, CheckId::PdfByteRange);
    assert!(!message.contains("whole file"), "{message}");
    let json = report.to_json();
    assert!(json.contains("pdf.trailing_bytes"), "{json}");
    // Whitespace and NUL padding (what some transfer systems add) is not named.
    let mut padded = signed.clone();
    padded.extend_from_slice(b"\r\n\0\0\0 \n");
    let report = verify(&padded, &pki);
    assert_eq!(report.status(), Status::Valid);
    assert!(!report.to_json().contains("pdf.trailing_bytes"));
}

// ---------------------------------------------------------------------------------------
// Cross-checks: poppler's pdfsig and PDFBox find the same signature intact and not covering
// the whole file (neither analyses what the update changed).

#[test]
fn pdfsig_and_pdfbox_agree_the_attacked_signatures_are_intact_and_partial() {
    let pki = Pki::new();
    let attacks = [
        ("objstm", objstm_attack(&sign(&objstm_pdf(), &pki))),
        (
            "shadow-root",
            shadow_root_attack(&sign(&shadow_base(), &pki)),
        ),
        (
            "widget",
            unsigned_widget_overlay(&sign(&simple_pdf(1), &pki)),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, pdf) in &attacks {
        assert_partial(&verify(pdf, &pki), name);
        if tools::have("pdfsig") {
            let out = tools::pdfsig(dir.path(), &format!("{name}.pdf"), pdf);
            assert!(out.contains("Signature #1"), "{name}: {out}");
            assert!(out.contains("Not total document signed"), "{name}: {out}");
        }
        if pdfbox::available() {
            let path = dir.path().join(format!("{name}-pdfbox.pdf"));
            std::fs::write(&path, pdf).unwrap();
            let outcome = pdfbox::pdfbox_verify(&path, None);
            assert_eq!(outcome.signatures.len(), 1, "{name}: {outcome}");
            let sig = &outcome.signatures[0];
            assert!(sig.is_ok(), "{name}: {outcome}");
            assert!(!sig.whole_file, "{name}: {outcome}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Removing what was shown, covering by an untrusted signer, and harmless updates

#[test]
fn removing_an_annotation_or_the_signatures_own_widget_is_partial_coverage() {
    // A page whose /Annots only lost entries was "signature objects only" (nothing new but
    // signature widgets, vacuously): VALID before the fix, although a stamp shown when the
    // document was signed (or the seal itself) disappears.
    let pki = Pki::new();
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /Annots [5 0 R] /Contents 4 0 R >>".to_owned(),
        String::from_utf8(stream("0 0 1 rg 72 72 100 100 re f")).unwrap(),
        "<< /Type /Annot /Subtype /Square /Rect [72 600 300 700] /F 4 /C [1 0 0] /Contents (CANCELLED) >>".to_owned(),
        "<< /Producer (eseal test) >>".to_owned(),
    ];
    let signed = sign(&pdf_of_objects(&objects, "/Info 6 0 R"), &pki);
    assert_eq!(verify(&signed, &pki).status(), Status::Valid);
    let page = newest_object_body(&signed, 3);
    let widget = object_with(&signed, "/FT /Sig");
    for (what, drop) in [("the stamp", 5), ("the seal's widget", widget)] {
        let body = page.replace(&format!("{drop} 0 R"), "");
        assert_ne!(body, page, "{what}");
        let attack = update_with_root(&signed, &[(3, body.into_bytes())], 1);
        if drop == 5 {
            seed("removed-annotation", &attack);
        }
        assert_partial(&verify(&attack, &pki), what);
    }
}

#[test]
fn a_change_covered_only_by_an_untrusted_later_signature_leaves_the_document_not_valid() {
    // The first signature's coverage passes ("covered by a later signature", warning): the
    // later signer answers for it. When that signer is not trusted, the document is not VALID.
    let pki = Pki::new();
    let stranger = Pki::new();
    let signed = sign(&simple_pdf(1), &pki);
    let changed = append_update(
        &signed,
        &[(6, stream("BT /F1 24 Tf 72 700 Td (Refund 1000000) Tj ET"))],
    );
    let attack = sign(&changed, &stranger);
    let report = verify(&attack, &pki);
    assert_eq!(
        check_of(&report, 0, CheckId::PdfCoverage).0,
        CheckStatus::Passed
    );
    assert!(report.to_json().contains("pdf.covered_by_other_signature"));
    assert_ne!(report.status(), Status::Valid, "{}", report.to_json());
    assert_ne!(report.signatures()[1].report().status(), Status::Valid);
}

#[test]
fn harmless_updates_leave_a_genuine_signature_valid() {
    // Objects rewritten with the same content, a new unused object, a changed /Info: nothing
    // shown changed, so the signature stays valid and covering (metadata is a warning).
    let pki = Pki::new();
    let signed = sign(&simple_pdf(1), &pki);
    let same = |n| newest_object_body(&signed, n).into_bytes();
    let unused = next_num(&signed);
    let attack = append_update(
        &signed,
        &[
            (5, same(5)),
            (3, same(3)),
            (2, same(2)),
            (1, same(1)),
            (unused, b"<< /Foo (bar) >>".to_vec()),
            (4, b"<< /Producer (another tool) /Title (test) >>".to_vec()),
        ],
    );
    let report = verify(&attack, &pki);
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    assert_eq!(
        check_of(&report, 0, CheckId::PdfCoverage).0,
        CheckStatus::Passed
    );
    assert!(report.to_json().contains("pdf.modified_after_signing"));
}

#[test]
fn a_document_timestamp_over_a_changed_page_does_not_cover_the_change() {
    // A timestamp proves when the bytes existed; it approves nothing. A change shown on a
    // page, then a (genuine, trusted) document timestamp: the earlier signature stays partial.
    // Before the fix the timestamp counted as "a later signature": VALID.
    use eseal::pdf::{Limits, prepare_document_timestamp};
    use eseal::pki::TrustStore;
    use eseal::pki::tsp::ImprintAlgorithm;
    use eseal::verify::VerifyOptions;
    let chain = ca::chain();
    let tsa = ca::tsa(&chain.root);
    let request = SignRequest::digital(&chain.leaf, &chain.leaf_key, ca::t(5))
        .chain(std::slice::from_ref(chain.inter.certificate()));
    let signed = sign_document(&simple_pdf(1), &request).unwrap();
    let stamp = |pdf: &[u8]| {
        let prepared = prepare_document_timestamp(pdf, 8192, &Limits::default()).unwrap();
        let digest = ImprintAlgorithm::Sm3.hash(&prepared.signed_parts().concat());
        let token = tsa
            .timestamp_digest(
                ImprintAlgorithm::Sm3,
                &digest,
                ca::t(10),
                &[4, 2],
                None,
                true,
            )
            .unwrap();
        prepared.finish(&token).unwrap()
    };
    let store = TrustStore::from_certificates([chain.root.certificate().clone()]);
    let opts = VerifyOptions::new()
        .trust_anchors(&store)
        .validation_time(ca::t(20));
    // Genuine: a timestamp on the unchanged document leaves everything valid.
    let genuine = verify_document(&stamp(&signed), &opts).unwrap();
    assert_eq!(genuine.status(), Status::Valid, "{}", genuine.to_json());
    let changed = append_update(
        &signed,
        &[(6, stream("BT /F1 24 Tf 72 700 Td (Refund 1000000) Tj ET"))],
    );
    let report = verify_document(&stamp(&changed), &opts).unwrap();
    assert_eq!(report.signatures().len(), 2, "{}", report.to_json());
    assert_eq!(report.signatures()[1].report().status(), Status::Valid);
    let message = assert_partial(&report, "document timestamp");
    assert!(message.contains("document timestamp"), "{message}");
}

#[test]
fn the_strict_policy_fails_the_attacks() {
    // Partial coverage is indeterminate by default and a failure under the strict policy.
    let pki = Pki::new();
    let store = pki.store();
    let strict =
        opts_at(&store, t(40)).validation_policy(eseal::verify::ValidationPolicy::strict());
    for (what, pdf) in [
        ("objstm", objstm_attack(&sign(&objstm_pdf(), &pki))),
        (
            "shadow-root",
            shadow_root_attack(&sign(&shadow_base(), &pki)),
        ),
        (
            "widget",
            unsigned_widget_overlay(&sign(&simple_pdf(1), &pki)),
        ),
    ] {
        let report = verify_document(&pdf, &strict).unwrap();
        assert_failed(&report, CheckId::PdfCoverage, what);
    }
}
