//! PDF documents verified per second (`pdf::verify_document`: the cross-reference chain, the
//! form's signature fields, the ByteRange digest over the whole file, the signature value with
//! its path validations against an in-memory trust store, and the modification analysis), for a
//! 1-page and a 50-page document with one CMS signature, and the 1-page one with a seal
//! signature (SES_Signature) and a second CMS signature on top, next to raw SM2 verifications per
//! second measured in the same run.
//!
//! The documents are made at start-up with `pdf::render` and signed by eseal. Times are fixed
//! (2024), so the run is reproducible.
//!
//! Run: `cargo bench -p eseal --bench pdf_verify` (about 3 s per measurement), or with
//! `-- --quick` (about 1 s).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fixture.rs"]
mod fixture;

use std::hint::black_box;

use fixture::{Fixture, budget, rate, t};

use eseal::crypto::{PublicKey, Signature as Sm2Signature};
use eseal::pdf::render::{Color, DocumentBuilder, DocumentMeta, PageSize};
use eseal::pdf::{PageSelector, SignRequest, Stamp, sign_document, verify_document};
use eseal::pki::Signer;
use eseal::verify::{Status, VerifyOptions};

fn document(pages: usize) -> Vec<u8> {
    let mut b = DocumentBuilder::new(DocumentMeta::default());
    let song = b.standard_font();
    for i in 0..pages {
        b.add_page(PageSize::A4).text(
            song,
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
    let cms = SignRequest::digital(&signer_cert, &signer_key, t(30))
        .stamp(Stamp::on_page(PageSelector::Index(0), 150.0, 230.0).size(40.0, 20.0));
    // Invisible: the fixture's seal picture is a placeholder, not a drawable image.
    let stamp = SignRequest::seal(&seal, &signer_cert, &signer_key, t(30));
    let opts = VerifyOptions::new()
        .trust_anchors(&store)
        .validation_time(t(60));

    let key = PublicKey::from_sec1_bytes(signer_cert.sm2_public_key().unwrap()).unwrap();
    let message = vec![0x5Au8; 512];
    let value = Sm2Signature::from_der(&signer_key.sign_sm2_sm3(&message).unwrap()).unwrap();
    let (raw, n_raw) = rate(budget, || {
        key.verify(black_box(&message), black_box(&value)).unwrap();
    });

    println!("pdf_verify: chain root → leaf, ByteRange digest, value, modification analysis");
    let one = document(1);
    let cases = [
        (
            "1-page, 1 CMS signature",
            sign_document(&one, &cms).unwrap(),
        ),
        (
            "50-page, 1 CMS signature",
            sign_document(&document(50), &cms).unwrap(),
        ),
        (
            "1-page, seal + CMS on top",
            sign_document(&sign_document(&one, &stamp).unwrap(), &cms).unwrap(),
        ),
    ];
    for (what, signed) in &cases {
        assert_eq!(
            verify_document(signed, &opts).unwrap().status(),
            Status::Valid
        );
        let (docs, n) = rate(budget, || {
            let report = verify_document(black_box(signed), black_box(&opts)).unwrap();
            assert_eq!(report.status(), Status::Valid);
        });
        println!(
            "  {what:<26} ({:>6} bytes): {docs:10.1} documents/s  ({n} runs), {:.1} raw SM2 \
             verifications each",
            signed.len(),
            raw / docs
        );
    }
    println!("  raw SM2 verification (512 bytes):  {raw:10.1} /s  ({n_raw} runs)");
}
