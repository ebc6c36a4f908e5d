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

use std::hint::black_box;
use std::time::{Duration, Instant};

use eseal::crypto::{PublicKey, Signature as Sm2Signature};
use eseal::ofd::{
    Color, DocumentBuilder, DocumentMeta, OfdVerifyOptions, PageSelector, PageSize, SignRequest,
    Stamp, sign_document, verify_document,
};
use eseal::pki::{
    CertificateAuthority, CertificateProfile, CertificateTemplate, DistinguishedName, Signer,
    SoftwareSigner, TrustStore,
};
use eseal::ses::{PictureFormat, SealBuilder, SealPicture, SealType, SealValidity, VerifyOptions};
use eseal::time::Time;
use eseal::verify::Status;

fn t(days: u64) -> Time {
    Time::from_unix_seconds(1_704_067_200 + days * 86_400)
}

fn rng() -> eseal::rand_core::UnwrapErr<sm2::elliptic_curve::common::getrandom::SysRng> {
    eseal::rand_core::UnwrapErr(sm2::elliptic_curve::common::getrandom::SysRng)
}

/// Runs `f` repeatedly for about `budget`; returns operations per second.
fn rate(budget: Duration, mut f: impl FnMut()) -> (f64, u64) {
    for _ in 0..3 {
        f();
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        f();
        n += 1;
    }
    (n as f64 / start.elapsed().as_secs_f64(), n)
}

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
    let quick = std::env::args().any(|a| a == "--quick");
    let budget = Duration::from_secs(if quick { 1 } else { 3 });

    let name = |cn: &str| DistinguishedName::new().country("CN").common_name(cn);
    let root = CertificateAuthority::self_signed(
        SoftwareSigner::generate(&mut rng()).unwrap(),
        &CertificateTemplate::new(
            CertificateProfile::Root { path_len: None },
            name("bench root"),
            t(0),
            t(3650),
        ),
        &mut rng(),
    )
    .unwrap();
    let party = |profile, cn: &str| {
        let key = SoftwareSigner::generate(&mut rng()).unwrap();
        let cert = root
            .issue(
                &CertificateTemplate::new(profile, name(cn), t(0), t(1000)),
                &key.public_key_spki().unwrap(),
                &mut rng(),
            )
            .unwrap();
        (key, cert)
    };
    let (maker_key, maker_cert) = party(CertificateProfile::SealMaker, "bench maker");
    let (signer_key, signer_cert) = party(CertificateProfile::Signer, "bench signer");
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\0\0\0\0".to_vec();
    let picture = SealPicture::new(PictureFormat::Png, png, 40, 40).unwrap();
    let mut builder = SealBuilder::new(
        "33010600000001",
        "bench seal",
        SealType::Official,
        SealValidity::new(t(1), t(1), t(365)).unwrap(),
        picture,
    );
    builder.add_signer_certificate(&signer_cert);
    let seal = builder.build(&maker_key, &maker_cert).unwrap();
    let request = SignRequest::seal(&seal, &signer_cert, &signer_key, t(30)).stamp(Stamp::on_page(
        PageSelector::Index(0),
        150.0,
        230.0,
    ));

    let store = TrustStore::from_certificates([root.certificate().clone()]);
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
            verify_document(&signed, &opts).unwrap().status,
            Status::Valid
        );
        let (docs, n) = rate(budget, || {
            let report = verify_document(black_box(&signed), black_box(&opts)).unwrap();
            assert_eq!(report.status, Status::Valid);
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
