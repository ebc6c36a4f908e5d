//! Fixtures for the SES making, signing and verification tests: a CA hierarchy built with
//! `eseal::pki` (root → seal makers, signers), a tiny valid PNG, and seals and signatures made
//! with the builders.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use eseal::pki::{
    Certificate, CertificateAuthority, CertificateProfile, CertificateTemplate, Crl, CrlTemplate,
    DistinguishedName, Policy, SoftwareSigner, TrustStore,
};
use eseal::ses::{
    DataToSign, PictureFormat, Seal, SealBuilder, SealPicture, SealType, SealValidity, SesVersion,
    Signature, SignatureBuilder, VerifyOptions,
};
use eseal::time::Time;

/// The operating system's RNG as a `rand_core::CryptoRng`.
pub fn rng() -> eseal::rand_core::UnwrapErr<sm2::elliptic_curve::common::getrandom::SysRng> {
    eseal::rand_core::UnwrapErr(sm2::elliptic_curve::common::getrandom::SysRng)
}

pub fn key() -> SoftwareSigner {
    SoftwareSigner::generate(&mut rng()).unwrap()
}

/// 2024-01-01T00:00:00Z plus `days`.
pub fn t(days: i64) -> Time {
    const T0: u64 = 1_704_067_200;
    Time::from_unix_seconds(T0.checked_add_signed(days * 86_400).unwrap())
}

fn dn(cn: &str) -> DistinguishedName {
    DistinguishedName::new()
        .country("CN")
        .organization("eseal 测试")
        .common_name(cn)
}

/// A party with a key and a certificate.
pub struct Party {
    pub key: SoftwareSigner,
    pub cert: Certificate,
}

/// Root CA → two seal makers, two signers (one of them never listed in seals).
pub struct Pki {
    pub root: CertificateAuthority<SoftwareSigner>,
    pub maker: Party,
    pub other_maker: Party,
    pub signer: Party,
    pub stranger: Party,
}

impl Pki {
    pub fn new() -> Self {
        let mut r = rng();
        let root = CertificateAuthority::self_signed(
            key(),
            &CertificateTemplate::new(
                CertificateProfile::Root { path_len: None },
                dn("eseal SES Test Root"),
                t(-10),
                t(3650),
            ),
            &mut r,
        )
        .unwrap();
        let party = |profile, cn: &str, from: Time, to: Time| {
            let k = key();
            let spki = eseal::pki::Signer::public_key_spki(&k).unwrap();
            let cert = root
                .issue(
                    &CertificateTemplate::new(profile, dn(cn), from, to),
                    &spki,
                    &mut rng(),
                )
                .unwrap();
            Party { key: k, cert }
        };
        let maker = party(
            CertificateProfile::SealMaker,
            "制章者 Maker",
            t(-5),
            t(1000),
        );
        let other_maker = party(CertificateProfile::SealMaker, "Other Maker", t(-5), t(1000));
        let signer = party(
            CertificateProfile::Signer,
            "签章者 Zhang San",
            t(-5),
            t(800),
        );
        let stranger = party(CertificateProfile::Signer, "Stranger", t(-5), t(800));
        Self {
            root,
            maker,
            other_maker,
            signer,
            stranger,
        }
    }

    /// A local TSA certified by this root (or by a fresh, untrusted root when `trusted` is false).
    pub fn tsa(&self, trusted: bool) -> eseal::pki::tsp::LocalTsa<SoftwareSigner> {
        let k = key();
        let spki = eseal::pki::Signer::public_key_spki(&k).unwrap();
        let template = CertificateTemplate::new(
            CertificateProfile::Tsa,
            dn("eseal Test TSA"),
            t(-5),
            t(2000),
        );
        let cert = if trusted {
            self.root.issue(&template, &spki, &mut rng()).unwrap()
        } else {
            let other = CertificateAuthority::self_signed(
                key(),
                &CertificateTemplate::new(
                    CertificateProfile::Root { path_len: None },
                    dn("Unknown Root"),
                    t(-10),
                    t(3650),
                ),
                &mut rng(),
            )
            .unwrap();
            other.issue(&template, &spki, &mut rng()).unwrap()
        };
        let policy = der::asn1::ObjectIdentifier::new_unwrap("1.2.3.4.5");
        eseal::pki::tsp::LocalTsa::new(cert, k, policy).unwrap()
    }

    pub fn store(&self) -> TrustStore {
        TrustStore::from_certificates([self.root.certificate().clone()])
    }

    /// A CRL from the root revoking `cert` at `revoked_at`, issued at `this_update`.
    pub fn crl_revoking(&self, cert: &Certificate, revoked_at: Time, this_update: Time) -> Crl {
        let template =
            CrlTemplate::new(this_update, Some(t(3000)), 1).revoke(cert.serial(), revoked_at, None);
        self.root.issue_crl(&template).unwrap()
    }

    /// An empty CRL from the root.
    pub fn empty_crl(&self, this_update: Time) -> Crl {
        self.root
            .issue_crl(&CrlTemplate::new(this_update, Some(t(3000)), 2))
            .unwrap()
    }
}

/// Options verifying at `at` against the fixture root, strict policy and parsing.
pub fn opts_at<'a>(store: &'a TrustStore, at: Time) -> VerifyOptions<'a> {
    VerifyOptions::new()
        .trust_anchors(store)
        .policy(Policy::strict())
        .validation_time(at)
}

/// CRC-32 (ISO 3309, as PNG and ZIP use it).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
}

/// A valid 1×1 grey PNG (IHDR, one stored-deflate IDAT, IEND; CRC-32 and Adler-32 computed).
pub fn tiny_png() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    // width 1, height 1, bit depth 8, colour type 0 (grey), compression 0, filter 0, no interlace
    chunk(&mut png, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    let raw = [0u8, 0x80]; // filter byte "none", one grey pixel
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    let mut zlib = vec![0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF];
    zlib.extend_from_slice(&raw);
    zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());
    chunk(&mut png, b"IDAT", &zlib);
    chunk(&mut png, b"IEND", &[]);
    png
}

/// A seal builder for `version` valid t(0)..t(365), made at t(0), listing `signer`.
pub fn seal_builder(version: SesVersion, signer: &Certificate) -> SealBuilder {
    let picture = SealPicture::new(PictureFormat::Png, tiny_png(), 40, 40).unwrap();
    let mut b = SealBuilder::new(
        "33010600000001",
        "eseal 测试专用章",
        SealType::Official,
        SealValidity::new(t(0), t(0), t(365)).unwrap(),
        picture,
    );
    b.version(version)
        .vendor_id("ESEALTEST")
        .add_signer_certificate(signer);
    b
}

pub fn make_seal(pki: &Pki, version: SesVersion) -> Seal {
    seal_builder(version, &pki.signer.cert)
        .build(&pki.maker.key, &pki.maker.cert)
        .unwrap()
}

pub const DOC: &[u8] = b"<ofd:Signature>document to be signed</ofd:Signature>";
pub const PROPERTY: &str = "/Doc_0/Signs/Sign_0/Signature.xml";

/// A signature over [`DOC`] at t(30).
pub fn sign(pki: &Pki, seal: &Seal) -> Signature {
    SignatureBuilder::new(
        seal,
        &pki.signer.cert,
        DataToSign::Bytes(DOC),
        PROPERTY,
        t(30),
    )
    .sign(&pki.signer.key)
    .unwrap()
}
