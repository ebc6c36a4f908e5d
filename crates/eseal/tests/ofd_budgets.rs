//! Budgets on verification work: packages of a few MB that ask for hours of hashing or GBs
//! of memory (issue 9, Build 7). Each is built here, in memory, and must be verified fast or
//! refused with a typed limit error.
//!
//! The full-size reproductions that take too long to *build* in a debug test are `#[ignore]`d
//! and measured in release; `write_reproductions` writes them all to `$ESEAL_HOSTILE_OUT` for
//! measuring `eseal verify` under `/usr/bin/time -v`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{Cursor, Write};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use eseal::ofd::{Limits, OfdError, OfdPackage, OfdVerifyOptions, verify_document};
use eseal::verify::{CheckId, CheckStatus};
use zip::write::SimpleFileOptions;

/// A ZIP of these entries, deflated.
fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().large_file(false);
    for (name, data) in entries {
        w.start_file(name.as_str(), options).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const OFD_XML: &str = "<OFD Version=\"1.0\" DocType=\"OFD\"><DocBody><DocInfo><DocID>b</DocID>\
    </DocInfo><DocRoot>Doc_0/Document.xml</DocRoot><Signatures>Doc_0/Signs/Signatures.xml\
    </Signatures></DocBody></OFD>";

/// `Document.xml` with `pages` pages, all naming the one `Pages/Page_0/Content.xml`.
fn document_xml(pages: usize) -> Vec<u8> {
    let mut s = String::from(
        "<Document><CommonData><MaxUnitID>1</MaxUnitID><PageArea><PhysicalBox>0 0 210 297\
         </PhysicalBox></PageArea></CommonData><Pages>",
    );
    for i in 1..=pages {
        s.push_str(&format!(
            "<Page ID=\"{i}\" BaseLoc=\"Pages/Page_0/Content.xml\"/>"
        ));
    }
    s.push_str("</Pages></Document>");
    s.into_bytes()
}

/// A page content of about `size` bytes (a page box, then empty elements).
fn content_xml(size: usize) -> Vec<u8> {
    let mut s = String::from("<Page><Area><PhysicalBox>0 0 100 100</PhysicalBox></Area><Content>");
    while s.len() < size {
        s.push_str("<a/>");
    }
    s.push_str("</Content></Page>");
    s.into_bytes()
}

/// `Signature.xml` whose `refs` references all name `/target` with `check_value` as every
/// digest. When `vary`, they are written `/dN/../target`: the text then does not compress
/// past the ratio limit (for files over `Limits::ratio_threshold`), yet names one file.
fn signature_xml(k: usize, refs: usize, target: &str, check_value: &[u8], vary: bool) -> Vec<u8> {
    let value = B64.encode(check_value);
    let mut s = String::from(
        "<Signature><SignedInfo><Provider ProviderName=\"hostile\"/>\
         <References CheckMethod=\"1.2.156.10197.1.401\">",
    );
    for i in 0..refs {
        let file_ref = if vary {
            format!("/d{i}/../{target}")
        } else {
            format!("/{target}")
        };
        s.push_str(&format!(
            "<Reference FileRef=\"{file_ref}\"><CheckValue>{value}</CheckValue></Reference>"
        ));
    }
    s.push_str(&format!(
        "</References></SignedInfo><SignedValue>/Doc_0/Signs/Sign_{k}/SignedValue.dat\
         </SignedValue></Signature>"
    ));
    s.into_bytes()
}

fn signatures_xml(count: usize, shared: bool) -> Vec<u8> {
    let mut s = format!("<Signatures><MaxSignId>{count}</MaxSignId>");
    for k in 0..count {
        let dir = if shared { 0 } else { k };
        s.push_str(&format!(
            "<Signature ID=\"{k}\" BaseLoc=\"/Doc_0/Signs/Sign_{dir}/Signature.xml\"/>"
        ));
    }
    s.push_str("</Signatures>");
    s.into_bytes()
}

/// `size` bytes that deflate about 20:1 (under the default ratio limit of 200): a
/// pseudo-random byte in every 64.
fn compressible(size: usize) -> Vec<u8> {
    let mut data = vec![0u8; size];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for chunk in data.chunks_mut(64) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        chunk[0] = state as u8;
    }
    data
}

/// A signed package: `signatures` signatures (each its own Signature.xml unless `shared`)
/// of `refs` references each to `big.bin` (`big` bytes), all digests right.
fn signed_package(signatures: usize, refs: usize, big: &[u8], shared: bool) -> Vec<u8> {
    let digest = eseal::crypto::sm3::sm3(big);
    package_with(signatures, refs, ("big.bin", big), shared, &digest, true)
}

/// Like [`signed_package`] with references as short as they get (`/b`, a 3-byte digest that
/// does not match): the most references a package of at most `max_total_size` can hold.
fn budget_package(signatures: usize, refs: usize, shared: bool) -> Vec<u8> {
    // About 66 bytes a reference; over 1 MiB the ratio check needs varied text.
    let vary = refs * 66 > 1 << 20;
    package_with(signatures, refs, ("b", b"tiny"), shared, &[0; 3], vary)
}

fn package_with(
    signatures: usize,
    refs: usize,
    (target, data): (&str, &[u8]),
    shared: bool,
    check_value: &[u8],
    vary: bool,
) -> Vec<u8> {
    let mut entries = vec![
        ("OFD.xml".to_owned(), OFD_XML.as_bytes().to_vec()),
        ("Doc_0/Document.xml".to_owned(), document_xml(1)),
        (
            "Doc_0/Pages/Page_0/Content.xml".to_owned(),
            content_xml(100),
        ),
        (target.to_owned(), data.to_vec()),
        (
            "Doc_0/Signs/Signatures.xml".to_owned(),
            signatures_xml(signatures, shared),
        ),
    ];
    let files = if shared { 1 } else { signatures };
    for k in 0..files {
        entries.push((
            format!("Doc_0/Signs/Sign_{k}/Signature.xml"),
            signature_xml(k, refs, target, check_value, vary),
        ));
        entries.push((
            format!("Doc_0/Signs/Sign_{k}/SignedValue.dat"),
            b"not an SES_Signature".to_vec(),
        ));
    }
    zip_of(&entries)
}

fn pages_package(pages: usize, content_size: usize) -> Vec<u8> {
    zip_of(&[
        (
            "OFD.xml".to_owned(),
            OFD_XML
                .replace("<Signatures>Doc_0/Signs/Signatures.xml</Signatures>", "")
                .into_bytes(),
        ),
        ("Doc_0/Document.xml".to_owned(), document_xml(pages)),
        (
            "Doc_0/Pages/Page_0/Content.xml".to_owned(),
            content_xml(content_size),
        ),
    ])
}

fn verify(bytes: &[u8], limits: Limits) -> Result<eseal::verify::DocumentReport, OfdError> {
    let options = OfdVerifyOptions::new(eseal::ses::VerifyOptions::new()).limits(limits);
    verify_document(bytes, &options)
}

/// Whether the references of every signature in `report` matched.
fn references_passed(report: &eseal::verify::DocumentReport) -> usize {
    report
        .signatures()
        .iter()
        .filter(|s| {
            s.report()
                .checks()
                .iter()
                .any(|c| c.id() == CheckId::OfdReferences && c.status() == CheckStatus::Passed)
        })
        .count()
}

/// Generous bounds for a debug build on a busy 2-core machine: without the budgets these
/// take hours, so the margin does not hide a regression.
const DEBUG_BOUND: Duration = Duration::from_secs(20);

fn assert_budget_refusal(
    result: Result<impl std::fmt::Debug, OfdError>,
    limit_name: &str,
    value: u64,
) {
    match result {
        Err(e @ OfdError::LimitExceeded { what, limit, .. }) => {
            assert!(what.contains(limit_name), "{what}");
            assert_eq!(limit, value);
            let message = e.to_string();
            assert!(message.contains(limit_name), "{message}");
            assert!(message.contains(&value.to_string()), "{message}");
        }
        other => panic!("expected the {limit_name} refusal, got {other:?}"),
    }
}

#[test]
fn many_pages_sharing_one_content_file_parse_it_once() {
    // 100 000 pages naming one 1 MB Content.xml (under the ratio threshold, so it may be
    // zeros-like): parsed per page, 100 GB of XML.
    let bytes = pages_package(100_000, 1_000_000);
    let start = Instant::now();
    let pkg = OfdPackage::from_bytes(&bytes, &Limits::default()).unwrap();
    let body = pkg.ofd().unwrap().bodies.remove(0);
    let doc = pkg.document(&body).unwrap();
    assert_eq!(doc.pages.len(), 100_000);
    assert_eq!(doc.page_by_id(99_999).unwrap().id, 99_999);
    assert!(doc.page_by_id(100_001).is_none());
    let area = doc.pages[77_777].area.unwrap();
    assert_eq!(area.width, 100.0);
    let report = verify(&bytes, Limits::default()).unwrap();
    assert!(report.signatures().is_empty());
    assert!(start.elapsed() < DEBUG_BOUND, "{:?}", start.elapsed());
}

#[test]
fn references_to_one_large_entry_hash_it_once() {
    // 100 000 references to one 8 MiB entry: 800 GB of SM3 without the digest cache. The
    // 64 MiB version is `references_to_one_64_mib_entry_hash_it_once`.
    let bytes = signed_package(1, 100_000, &compressible(8 << 20), false);
    let start = Instant::now();
    let report = verify(&bytes, Limits::default()).unwrap();
    assert_eq!(references_passed(&report), 1);
    assert!(start.elapsed() < DEBUG_BOUND, "{:?}", start.elapsed());
}

#[test]
#[ignore = "builds a 64 MiB entry and 100 000 references: slow to construct in debug; run with --release"]
fn references_to_one_64_mib_entry_hash_it_once() {
    let bytes = signed_package(1, 100_000, &compressible(64 << 20), false);
    let start = Instant::now();
    let report = verify(&bytes, Limits::default()).unwrap();
    assert_eq!(references_passed(&report), 1);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn digests_are_shared_across_signatures() {
    // 200 signatures × 500 references to one 4 MiB entry: 400 GB of SM3 if each signature
    // hashed for itself; within every budget.
    let bytes = signed_package(200, 500, &compressible(4 << 20), false);
    let start = Instant::now();
    let report = verify(&bytes, Limits::default()).unwrap();
    assert_eq!(report.signatures().len(), 200);
    assert_eq!(references_passed(&report), 200);
    let pkg = OfdPackage::from_bytes(&bytes, &Limits::default()).unwrap();
    let body = pkg.ofd().unwrap().bodies.remove(0);
    let check = pkg.check_signatures(&body).unwrap();
    assert_eq!(check.signatures.len(), 200);
    assert!(
        check
            .signatures
            .iter()
            .all(|(_, c)| c.as_ref().unwrap().all_references_ok())
    );
    assert!(start.elapsed() < DEBUG_BOUND, "{:?}", start.elapsed());
}

#[test]
fn references_times_signatures_budget_refuses() {
    // Scaled down for debug builds: 100 signatures × 750 references against a budget of
    // 10 000 (the full 1 000 × 7 500 and 50 × 100 000 are ignored tests below).
    let bytes = signed_package(100, 750, b"tiny", false);
    let mut limits = Limits::default();
    limits.max_total_references = 10_000;
    assert_budget_refusal(
        verify(&bytes, limits.clone()),
        "max_total_references",
        10_000,
    );
    let pkg = OfdPackage::from_bytes(&bytes, &limits).unwrap();
    let body = pkg.ofd().unwrap().bodies.remove(0);
    assert_budget_refusal(pkg.check_signatures(&body), "max_total_references", 10_000);
    // Within the budget the same package verifies its references.
    limits.max_total_references = 75_000;
    assert_eq!(references_passed(&verify(&bytes, limits).unwrap()), 100);
}

#[test]
fn coverage_pairs_budget_refuses_before_reading_signatures() {
    let bytes = signed_package(50, 1, b"tiny", false);
    let mut limits = Limits::default();
    // 50 signatures × 105 files.
    limits.max_coverage_pairs = 1_000;
    assert_budget_refusal(verify(&bytes, limits.clone()), "max_coverage_pairs", 1_000);
    let pkg = OfdPackage::from_bytes(&bytes, &limits).unwrap();
    let body = pkg.ofd().unwrap().bodies.remove(0);
    assert_budget_refusal(pkg.check_signatures(&body), "max_coverage_pairs", 1_000);
}

#[test]
fn signatures_sharing_one_description_are_refused() {
    // 1 000 entries naming one Signature.xml of 7 500 references: a 100 KB package.
    let bytes = budget_package(1_000, 7_500, true);
    assert!(bytes.len() < 200 << 10, "{}", bytes.len());
    let start = Instant::now();
    let pkg = OfdPackage::from_bytes(&bytes, &Limits::default()).unwrap();
    let body = pkg.ofd().unwrap().bodies.remove(0);
    match pkg.signature_list(&body) {
        Err(OfdError::InvalidValue { field, reason, .. }) => {
            assert_eq!(field, "Signature@BaseLoc");
            assert!(reason.contains("share"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let report = verify(&bytes, Limits::default()).unwrap();
    let structure = report
        .checks()
        .iter()
        .find(|c| c.id() == CheckId::DocumentStructure)
        .unwrap();
    assert!(structure.status() == CheckStatus::Failed, "{structure:?}");
    assert!(
        structure.message().contains("share one Signature.xml"),
        "{}",
        structure.message()
    );
    assert!(start.elapsed() < DEBUG_BOUND);
}

#[test]
#[ignore = "7 500 references × 1 000 signatures is 440 MB of XML: slow to build in debug; run with --release"]
fn references_times_signatures_full_size_is_refused() {
    let bytes = budget_package(1_000, 7_500, false);
    let start = Instant::now();
    // 1 000 signatures × 2 005 files: refused before a Signature.xml is parsed.
    assert_budget_refusal(
        verify(&bytes, Limits::default()),
        "max_coverage_pairs",
        1_000_000,
    );
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    // Without that budget, the references budget refuses it.
    let mut limits = Limits::default();
    limits.max_coverage_pairs = u64::MAX;
    let start = Instant::now();
    assert_budget_refusal(verify(&bytes, limits), "max_total_references", 500_000);
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

#[test]
#[ignore = "50 signatures × 100 000 references is 350 MB of XML: slow to build in debug; run with --release"]
fn fifty_signatures_of_100k_references_are_refused() {
    let bytes = budget_package(50, 100_000, false);
    let start = Instant::now();
    assert_budget_refusal(
        verify(&bytes, Limits::default()),
        "max_total_references",
        500_000,
    );
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn many_documents_are_refused() {
    let body = "<DocBody><DocRoot>Doc_0/Document.xml</DocRoot></DocBody>";
    let ofd = format!("<OFD>{}</OFD>", body.repeat(17));
    let bytes = zip_of(&[
        ("OFD.xml".to_owned(), ofd.into_bytes()),
        ("Doc_0/Document.xml".to_owned(), document_xml(1)),
        ("Doc_0/Pages/Page_0/Content.xml".to_owned(), content_xml(10)),
    ]);
    assert_budget_refusal(verify(&bytes, Limits::default()), "max_documents", 16);
}

#[test]
fn many_attributes_are_linear() {
    // 400 000 distinct attributes on one element: 8·10^10 comparisons if checked pairwise.
    let mut s = String::from("<OFD");
    for i in 0..400_000 {
        s.push_str(&format!(" a{i}=\"\""));
    }
    s.push_str("><DocBody><DocRoot>D.xml</DocRoot></DocBody></OFD>");
    let bytes = zip_of(&[("OFD.xml".to_owned(), s.into_bytes())]);
    let pkg = OfdPackage::from_bytes(&bytes, &Limits::default()).unwrap();
    let start = Instant::now();
    assert_eq!(pkg.ofd().unwrap().bodies.len(), 1);
    assert!(start.elapsed() < DEBUG_BOUND, "{:?}", start.elapsed());
    // A repeated local name (prefixes differ, so quick-xml's own check passes) is still
    // found, past the linear scan.
    let others: Vec<String> = (0..100).map(|i| format!("b{i}=\"\"")).collect();
    let dup = format!("<OFD x:a=\"1\" {} y:a=\"2\"/>", others.join(" "));
    let pkg = OfdPackage::from_bytes(
        &zip_of(&[("OFD.xml".to_owned(), dup.into_bytes())]),
        &Limits::default(),
    )
    .unwrap();
    match pkg.ofd() {
        Err(OfdError::Xml { detail, .. }) => assert!(detail.contains("repeated"), "{detail}"),
        other => panic!("{other:?}"),
    }
}

/// Writes every full-size reproduction to `$ESEAL_HOSTILE_OUT` (for `/usr/bin/time -v eseal
/// verify FILE`).
#[test]
#[ignore = "writes files for measuring; set ESEAL_HOSTILE_OUT"]
fn write_reproductions() {
    let dir = std::path::PathBuf::from(std::env::var("ESEAL_HOSTILE_OUT").unwrap());
    std::fs::create_dir_all(&dir).unwrap();
    let big = compressible(64 << 20);
    for (name, bytes) in [
        (
            "pages_100k_shared_content.ofd",
            pages_package(100_000, 1_000_000),
        ),
        (
            "refs_7500_x_sigs_1000.ofd",
            budget_package(1_000, 7_500, false),
        ),
        (
            "refs_7500_x_sigs_1000_shared.ofd",
            budget_package(1_000, 7_500, true),
        ),
        (
            "refs_100k_to_64mib.ofd",
            signed_package(1, 100_000, &big, false),
        ),
        (
            "sigs_50_x_refs_100k.ofd",
            budget_package(50, 100_000, false),
        ),
        (
            "sigs_150_x_refs_100k.ofd",
            budget_package(150, 100_000, false),
        ),
    ] {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}
