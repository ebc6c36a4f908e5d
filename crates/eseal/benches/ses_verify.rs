//! Seal-signature verifications per second (the full procedure of `ses::verify_signature`:
//! parsing, maker and signer signatures, four path validations against an in-memory trust
//! store, data hash), next to raw SM2 verifications per second measured in the same run.
//!
//! The fixture is made at start-up with `eseal::pki` and `eseal::ses`: root CA → seal maker and
//! signer, a GB/T 38540 (v4) seal with a PNG header as picture, a signature over a 4 KiB
//! document. Times are fixed (2024), so the run is reproducible.
//!
//! Run: `cargo bench -p eseal --bench ses_verify` (about 3 s per measurement), or with
//! `-- --quick` (about 1 s).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use eseal::crypto::{PublicKey, Signature as Sm2Signature};
use eseal::pki::{
    CertificateAuthority, CertificateProfile, CertificateTemplate, DistinguishedName, Signer,
    SoftwareSigner, TrustStore,
};
use eseal::ses::{
    DataRef, DataToSign, PictureFormat, SealBuilder, SealPicture, SealType, SealValidity,
    SignatureBuilder, VerifyOptions, verify_signature,
};
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

    // The PNG signature and IHDR header: all the picture check reads.
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
    let document = vec![0x5Au8; 4096];
    let signature = SignatureBuilder::new(
        &seal,
        &signer_cert,
        DataToSign::Bytes(&document),
        "/Doc_0/Signs/Sign_0/Signature.xml",
        t(30),
    )
    .sign(&signer_key)
    .unwrap();
    let der = signature.as_der().to_vec();

    let store = TrustStore::from_certificates([root.certificate().clone()]);
    let opts = VerifyOptions::new()
        .trust_anchors(&store)
        .validation_time(t(60))
        .data(DataRef::Bytes(&document));
    assert_eq!(verify_signature(&der, &opts).unwrap().status, Status::Valid);

    let key = PublicKey::from_sec1_bytes(signer_cert.sm2_public_key().unwrap()).unwrap();
    let value = Sm2Signature::from_der(signature.signature_value()).unwrap();
    let tbs = signature.tbs_der().to_vec();
    assert!(key.verify(&tbs, &value).is_ok());

    let (full, n_full) = rate(budget, || {
        let report = verify_signature(black_box(&der), black_box(&opts)).unwrap();
        assert_eq!(report.status, Status::Valid);
    });
    let (raw, n_raw) = rate(budget, || {
        key.verify(black_box(&tbs), black_box(&value)).unwrap();
    });
    println!(
        "ses_verify: signature of {} bytes (TBS_Sign {} bytes), v4 seal, chain root → leaf",
        der.len(),
        tbs.len()
    );
    println!("  full SES signature verification: {full:10.1} /s  ({n_full} runs)");
    println!("  raw SM2 verification over TBS:   {raw:10.1} /s  ({n_raw} runs)");
    println!(
        "  ratio: one seal-signature verification costs {:.1} raw SM2 verifications",
        raw / full
    );
}
