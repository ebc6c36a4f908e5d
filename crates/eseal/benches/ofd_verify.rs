//! OFD documents verified per second (`ofd::verify_document`: reading the ZIP, OFD.xml,
//! Document.xml and every page, the SM3 reference digests, coverage, appearance, and the full
//! seal-signature procedure with four path validations against an in-memory trust store), for a
//! 1-page and a 50-page document, next to raw SM2 verifications per second measured in the same
//! run.
//!
//! The documents are made at start-up with `ofd::DocumentBuilder` (a line of CJK text per page)
//! and signed by eseal with a GB/T 38540 (v4) seal from a root CA → maker / signer hierarchy.
//! Times are fixed (2024), so the run is reproducible.
//!
//! Run: `cargo bench -p eseal --bench ofd_verify` (about 3 s per measurement), or with
//! `-- --quick` (about 1 s).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fixture.rs"]
mod fixture;

use std::hint::black_box;

use fixture::{Fixture, budget, rate, t};

use eseal::crypto::{PublicKey, Signature as Sm2Signature};
use eseal::ofd::{
    Color, DocumentBuilder, DocumentMeta, OfdVerifyOptions, PageSelector, PageSize, SignRequest,
    Stamp, sign_document, verify_document,
};
use eseal::pki::Signer;
use eseal::ses::VerifyOptions;
use eseal::verify::Status;

fn document(pages: usize) -> Vec<u8> {
    let mut b = DocumentBuilder::new(DocumentMeta::default());
    let font = b.add_font("宋体", None);
    for i in 0..pages {
        b.add_page(PageSize::A4).text(
            font,
            5.0,
            20.0,
            30.0,
            &format!("第 {} 页：关于开展电子印章试点工作的通知", i + 1),
            Color::BLACK,
        );
    }
    b.finish().unwrap()
}

fn main() {
    let budget = budget();
    let Fixture {
        store,
        signer_key,
        signer_cert,
        seal,
    } = Fixture::new();
    let request = SignRequest::seal(&seal, &signer_cert, &signer_key, t(30)).stamp(Stamp::on_page(
        PageSelector::Index(0),
        150.0,
        230.0,
    ));

    let opts = OfdVerifyOptions::new(
        VerifyOptions::new()
            .trust_anchors(&store)
            .validation_time(t(60)),
    );

    let key = PublicKey::from_sec1_bytes(signer_cert.sm2_public_key().unwrap()).unwrap();
    let message = vec![0x5Au8; 512];
    let value = Sm2Signature::from_der(&signer_key.sign_sm2_sm3(&message).unwrap()).unwrap();
    let (raw, n_raw) = rate(budget, || {
        key.verify(black_box(&message), black_box(&value)).unwrap();
    });

    println!("ofd_verify: one v4 seal signature per document, chain root → leaf");
    for pages in [1usize, 50] {
        let signed = sign_document(&document(pages), &request).unwrap();
        assert_eq!(
            verify_document(&signed, &opts).unwrap().status(),
            Status::Valid
        );
        let (docs, n) = rate(budget, || {
            let report = verify_document(black_box(&signed), black_box(&opts)).unwrap();
            assert_eq!(report.status(), Status::Valid);
        });
        println!(
            "  {pages:>2}-page document ({:>6} bytes): {docs:10.1} documents/s  ({n} runs), \
             {:.1} raw SM2 verifications each",
            signed.len(),
            raw / docs
        );
    }
    println!("  raw SM2 verification (512 bytes):  {raw:10.1} /s  ({n_raw} runs)");
}
