//! What the benchmarks share: a fixed-time CA hierarchy (root → seal maker, signer), a v4 seal
//! listing the signer, and a timing loop. Included with `#[path = "support/fixture.rs"]`.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::time::{Duration, Instant};

use eseal::pki::{
    Certificate, CertificateAuthority, CertificateProfile, CertificateTemplate, DistinguishedName,
    Signer, SoftwareSigner, TrustStore,
};
use eseal::ses::{
    DataToSign, PictureFormat, Seal, SealBuilder, SealPicture, SealType, SealValidity, Signature,
    SignatureBuilder,
};
use eseal::time::Time;

/// 2024-01-01T00:00:00Z plus `days`: fixed times keep runs reproducible.
pub fn t(days: u64) -> Time {
    Time::from_unix_seconds(1_704_067_200 + days * 86_400)
}

fn rng() -> eseal::rand_core::UnwrapErr<sm2::elliptic_curve::common::getrandom::SysRng> {
    eseal::rand_core::UnwrapErr(sm2::elliptic_curve::common::getrandom::SysRng)
}

/// `--quick` → about 1 s per measurement, else about 3 s.
pub fn budget() -> Duration {
    let quick = std::env::args().any(|a| a == "--quick");
    Duration::from_secs(if quick { 1 } else { 3 })
}

/// Runs `f` repeatedly for about `budget`; returns operations per second and the count.
pub fn rate(budget: Duration, mut f: impl FnMut()) -> (f64, u64) {
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

/// The parties and the seal every benchmark verifies against.
pub struct Fixture {
    pub store: TrustStore,
    pub signer_key: SoftwareSigner,
    pub signer_cert: Certificate,
    pub seal: Seal,
}

impl Fixture {
    pub fn new() -> Self {
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
        // A complete 1×1 grey PNG: the picture check reads the header, the PDF signer (the
        // license_audit bench's --pdf) decodes the image to draw the stamp.
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\0\0\0\0\x3a\x7e\x9b\x55\
            \0\0\0\x0aIDAT\x78\x9c\x63\x68\0\0\0\x82\0\x81\x77\xcd\x72\xb6\0\0\0\0IEND\xae\x42\x60\x82"
            .to_vec();
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
        Self {
            store: TrustStore::from_certificates([root.certificate().clone()]),
            signer_key,
            signer_cert,
            seal,
        }
    }

    /// The signer's seal signature over `document` (as an OFD `Signature.xml` would be), at
    /// day 30.
    pub fn seal_signature(&self, document: &[u8]) -> Signature {
        SignatureBuilder::new(
            &self.seal,
            &self.signer_cert,
            DataToSign::Bytes(document),
            "/Doc_0/Signs/Sign_0/Signature.xml",
            t(30),
        )
        .sign(&self.signer_key)
        .unwrap()
    }
}
