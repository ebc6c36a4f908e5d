//! What a verification costs in SM2 verifications (counted on this thread by
//! `crypto::sm2::signature::verifications`), cold and with a shared [`VerifiedCache`], and that
//! a cache never turns a failing signature into a passing one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::crypto::sm2::signature::verifications;
use crate::ofd::{
    Color, DocumentBuilder, DocumentMeta, OfdVerifyOptions, PageSelector, PageSize, SignRequest,
    Stamp, sign_document, verify_document,
};
use crate::pki::{
    Certificate, CertificateAuthority, CertificateProfile, CertificateTemplate, DistinguishedName,
    Signer, SoftwareSigner, TrustStore, VerifiedCache,
};
use crate::ses::{
    DataToSign, PictureFormat, Seal, SealBuilder, SealPicture, SealType, SealValidity,
    SignatureBuilder, verify_seal, verify_signature,
};
use crate::time::Time;
use crate::verify::{CheckId, CheckStatus, DataRef, Report, Status, VerifyOptions};

fn rng() -> rand_core::UnwrapErr<sm2::elliptic_curve::common::getrandom::SysRng> {
    rand_core::UnwrapErr(sm2::elliptic_curve::common::getrandom::SysRng)
}

fn t(days: u64) -> Time {
    Time::from_unix_seconds(1_704_067_200 + days * 86_400)
}

fn name(cn: &str) -> DistinguishedName {
    DistinguishedName::new().country("CN").common_name(cn)
}

fn root(cn: &str) -> CertificateAuthority<SoftwareSigner> {
    CertificateAuthority::self_signed(
        SoftwareSigner::generate(&mut rng()).unwrap(),
        &CertificateTemplate::new(
            CertificateProfile::Root { path_len: None },
            name(cn),
            t(0),
            t(3650),
        ),
        &mut rng(),
    )
    .unwrap()
}

fn party(
    ca: &CertificateAuthority<SoftwareSigner>,
    profile: CertificateProfile,
    cn: &str,
) -> (SoftwareSigner, Certificate) {
    let key = SoftwareSigner::generate(&mut rng()).unwrap();
    let cert = ca
        .issue(
            &CertificateTemplate::new(profile, name(cn), t(0), t(1000)),
            &key.public_key_spki().unwrap(),
            &mut rng(),
        )
        .unwrap();
    (key, cert)
}

/// Root → maker, signer (as the benches), and a v4 seal listing the signer.
struct World {
    store: TrustStore,
    root: CertificateAuthority<SoftwareSigner>,
    maker: (SoftwareSigner, Certificate),
    signer_key: SoftwareSigner,
    signer_cert: Certificate,
    seal: Seal,
}

fn seal_for(
    maker: &(SoftwareSigner, Certificate),
    signers: &[&Certificate],
    seal_name: &str,
) -> Seal {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\0\0\0\0".to_vec();
    let picture = SealPicture::new(PictureFormat::Png, png, 40, 40).unwrap();
    let mut builder = SealBuilder::new(
        "33010600000001",
        seal_name,
        SealType::Official,
        SealValidity::new(t(1), t(1), t(365)).unwrap(),
        picture,
    );
    for s in signers {
        builder.add_signer_certificate(s);
    }
    builder.build(&maker.0, &maker.1).unwrap()
}

impl World {
    fn new() -> Self {
        let root = root("cost root");
        let maker = party(&root, CertificateProfile::SealMaker, "cost maker");
        let (signer_key, signer_cert) = party(&root, CertificateProfile::Signer, "cost signer");
        let seal = seal_for(&maker, &[&signer_cert], "cost seal");
        Self {
            store: TrustStore::from_certificates([root.certificate().clone()]),
            root,
            maker,
            signer_key,
            signer_cert,
            seal,
        }
    }

    fn sign(&self, cert: &Certificate, data: &[u8]) -> Vec<u8> {
        self.sign_with(&self.seal, cert, data)
    }

    fn sign_with(&self, seal: &Seal, cert: &Certificate, data: &[u8]) -> Vec<u8> {
        SignatureBuilder::new(
            seal,
            cert,
            DataToSign::Bytes(data),
            "/Doc_0/Signs/Sign_0/Signature.xml",
            t(30),
        )
        .sign(&self.signer_key)
        .unwrap()
        .as_der()
        .to_vec()
    }

    fn opts<'a>(&'a self, data: &'a [u8]) -> VerifyOptions<'a> {
        VerifyOptions::new()
            .trust_anchors(&self.store)
            .validation_time(t(60))
            .data(DataRef::Bytes(data))
    }
}

/// `f`'s result and the SM2 verifications it made.
fn counted<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = verifications();
    let out = f();
    (out, verifications() - before)
}

fn status(report: &Report, id: CheckId) -> CheckStatus {
    report
        .check(id)
        .map(|c| c.status)
        .expect("the check is in the report")
}

fn ofd(pages: usize) -> Vec<u8> {
    let mut b = DocumentBuilder::new(DocumentMeta::default());
    let font = b.add_font("宋体", None);
    for i in 0..pages {
        b.add_page(PageSize::A4).text(
            font,
            5.0,
            20.0,
            30.0,
            &format!("第 {} 页", i + 1),
            Color::BLACK,
        );
    }
    b.finish().unwrap()
}

#[test]
fn a_seal_signature_costs_four_verifications_cold_and_one_warm() {
    let w = World::new();
    let data = b"the signed document".to_vec();
    let der = w.sign(&w.signer_cert, &data);

    // Cold (no cache given: the document's own): the maker's and the signer's signatures and
    // the two certificate links, each once, although the chains are checked at the signing
    // and at the validation time.
    for _ in 0..2 {
        let (report, n) = counted(|| verify_signature(&der, &w.opts(&data)).unwrap());
        assert_eq!(report.status(), Status::Valid);
        assert_eq!(n, 4, "cold: no state survives between calls");
        // The listed signer is named from the signature's certificate (not parsed again).
        assert_eq!(
            report.seal().unwrap().signers,
            vec![w.signer_cert.subject_string()]
        );
    }

    // Warm: only the signer's signature is verified, on the same document again too.
    let cache = VerifiedCache::new();
    for expected in [4, 1] {
        let (report, n) =
            counted(|| verify_signature(&der, &w.opts(&data).verified_cache(&cache)).unwrap());
        assert_eq!((report.status(), n), (Status::Valid, expected));
    }
    assert_eq!(
        cache.len(),
        3,
        "the two links and the seal, not the signer's signature"
    );
    let other = b"another document signed with the same seal".to_vec();
    let der2 = w.sign(&w.signer_cert, &other);
    let (report, n) =
        counted(|| verify_signature(&der2, &w.opts(&other).verified_cache(&cache)).unwrap());
    assert_eq!(report.status(), Status::Valid);
    assert_eq!(
        n, 1,
        "warm: the seal's maker signature and both links are known"
    );

    // A bare seal: its maker signature and link.
    let seal_opts = VerifyOptions::new()
        .trust_anchors(&w.store)
        .validation_time(t(60));
    let (report, n) = counted(|| verify_seal(w.seal.as_der(), &seal_opts).unwrap());
    assert_eq!((report.status(), n), (Status::Valid, 2));
    let (report, n) = counted(|| {
        verify_seal(w.seal.as_der(), &seal_opts.clone().verified_cache(&cache)).unwrap()
    });
    assert_eq!((report.status(), n), (Status::Valid, 0));
}

#[test]
fn an_ofd_document_costs_four_verifications_whatever_its_pages() {
    let w = World::new();
    let request = SignRequest::seal(&w.seal, &w.signer_cert, &w.signer_key, t(30))
        .stamp(Stamp::on_page(PageSelector::Index(0), 150.0, 230.0));
    let cache = VerifiedCache::new();
    for pages in [1usize, 50] {
        let signed = sign_document(&ofd(pages), &request).unwrap();
        let cold = OfdVerifyOptions::new(
            VerifyOptions::new()
                .trust_anchors(&w.store)
                .validation_time(t(60)),
        );
        let (report, n) = counted(|| verify_document(&signed, &cold).unwrap());
        assert_eq!(
            (report.status(), n),
            (Status::Valid, 4),
            "{pages} page(s), cold"
        );
        let warm = OfdVerifyOptions::new(
            VerifyOptions::new()
                .trust_anchors(&w.store)
                .validation_time(t(60))
                .verified_cache(&cache),
        );
        let _ = verify_document(&signed, &warm).unwrap();
        let (report, n) = counted(|| verify_document(&signed, &warm).unwrap());
        // The signer's signature is never cached (it does not repeat across documents).
        assert_eq!(
            (report.status(), n),
            (Status::Valid, 1),
            "{pages} page(s), warm"
        );
    }
}

/// `der` with the first occurrence of `from` replaced by `to` (same length).
fn patched(der: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let at = der
        .windows(from.len())
        .position(|w| w == from)
        .expect("the bytes to patch are there");
    let mut out = der.to_vec();
    out[at..at + to.len()].copy_from_slice(to);
    out
}

#[test]
fn a_warm_cache_never_passes_a_certificate_that_does_not_verify() {
    let w = World::new();
    let data = b"the signed document".to_vec();
    let cache = VerifiedCache::new();
    let good = w.sign(&w.signer_cert, &data);
    let report = verify_signature(&good, &w.opts(&data).verified_cache(&cache)).unwrap();
    assert_eq!(report.status(), Status::Valid);
    assert!(!cache.is_empty());

    let cert_der = w.signer_cert.as_der();
    // Different certificate bytes under the same issuer: the subject changed, the CA's
    // signature kept (tbsCertificate tampered).
    let renamed =
        Certificate::from_der(&patched(cert_der, b"cost signer", b"cost signeR")).unwrap();
    // The signature value changed, the tbsCertificate kept.
    let mut resigned = cert_der.to_vec();
    let last = resigned.len() - 1;
    resigned[last] ^= 0x01;
    let resigned = Certificate::from_der(&resigned).unwrap();
    // A certificate of the same name and key issued by another CA key that calls itself by
    // the trusted root's name: a different issuer key. (The signer's signature over TBS_Sign,
    // which does not cover the certificate in v4, may be a legitimate hit: the same key
    // signed the same bytes; only the chains must fail.)
    let impostor = root("cost root");
    let forged = impostor
        .issue(
            &CertificateTemplate::new(
                CertificateProfile::Signer,
                name("cost signer"),
                t(0),
                t(1000),
            ),
            &w.signer_key.public_key_spki().unwrap(),
            &mut rng(),
        )
        .unwrap();
    assert_eq!(forged.issuer_string(), w.signer_cert.issuer_string());

    // A seal that lists them all, so only their chains fail.
    let seal = seal_for(&w.maker, &[&renamed, &resigned, &forged], "cost seal");
    for (what, cert) in [
        ("renamed", &renamed),
        ("resigned", &resigned),
        ("forged", &forged),
    ] {
        let der = w.sign_with(&seal, cert, &data);
        for opts in [w.opts(&data), w.opts(&data).verified_cache(&cache)] {
            let report = verify_signature(&der, &opts).unwrap();
            assert_ne!(report.status(), Status::Valid, "{what}");
            assert_eq!(
                status(&report, CheckId::SignerChain),
                CheckStatus::Failed,
                "{what}"
            );
            assert_eq!(
                status(&report, CheckId::SignerChainAtValidation),
                CheckStatus::Failed,
                "{what}"
            );
        }
    }
    assert_eq!(
        verify_signature(&good, &w.opts(&data).verified_cache(&cache))
            .unwrap()
            .status(),
        Status::Valid
    );
    drop(w.root);
}

#[test]
fn a_warm_cache_never_passes_a_tampered_seal_or_signature() {
    let w = World::new();
    let data = b"the signed document".to_vec();
    let cache = VerifiedCache::new();
    let good = w.sign(&w.signer_cert, &data);
    let opts = w.opts(&data).verified_cache(&cache);
    assert_eq!(
        verify_signature(&good, &opts).unwrap().status(),
        Status::Valid
    );

    // The seal's content changed under the same maker signature (the seal name).
    let tampered_seal = patched(w.seal.as_der(), b"cost seal", b"cost seaL");
    let report = verify_seal(&tampered_seal, &opts).unwrap();
    assert_eq!(report.status(), Status::Invalid);
    assert_eq!(
        status(&report, CheckId::SealMakerSignature),
        CheckStatus::Failed
    );
    // Inside a signature too (the signer's signature then fails as well).
    let tampered_sig = patched(&good, b"cost seal", b"cost seaL");
    let report = verify_signature(&tampered_sig, &opts).unwrap();
    assert_eq!(
        status(&report, CheckId::SealMakerSignature),
        CheckStatus::Failed
    );
    assert_eq!(
        status(&report, CheckId::SignatureValue),
        CheckStatus::Failed
    );

    // The same seal with its maker signature by another key of the same certificate name.
    // (Certificates differ in length only with their random serial: retry until they match.)
    let other_maker = (0..32)
        .map(|_| party(&w.root, CertificateProfile::SealMaker, "cost maker"))
        .find(|m| m.1.as_der().len() == w.seal.maker_cert_der().len())
        .unwrap();
    let reseal = seal_for(&other_maker, &[&w.signer_cert], "cost seal");
    let swapped = patched(
        reseal.as_der(),
        other_maker.1.as_der(),
        w.seal.maker_cert_der(),
    );
    let report = verify_seal(&swapped, &opts).unwrap();
    assert_eq!(
        status(&report, CheckId::SealMakerSignature),
        CheckStatus::Failed
    );
}

#[test]
fn a_pdf_signature_costs_two_verifications_cold_and_one_warm() {
    use crate::pdf::render::{
        Color as PdfColor, DocumentBuilder as PdfBuilder, DocumentMeta as PdfMeta,
        PageSize as PdfPageSize,
    };
    let w = World::new();
    let mut b = PdfBuilder::new(PdfMeta::default());
    let font = b.standard_font();
    b.add_page(PdfPageSize::A4)
        .text(font, 5.0, 20.0, 30.0, "第 1 页", PdfColor::BLACK);
    let request = crate::pdf::SignRequest::digital(&w.signer_cert, &w.signer_key, t(30));
    let signed = crate::pdf::sign_document(&b.finish().unwrap(), &request).unwrap();
    let cold = VerifyOptions::new()
        .trust_anchors(&w.store)
        .validation_time(t(60));
    // The CMS signature and the signer's link, once, although the chain is checked at the
    // signing and at the validation time.
    let (report, n) = counted(|| crate::pdf::verify_document(&signed, &cold).unwrap());
    assert_eq!((report.status(), n), (Status::Valid, 2));
    let cache = VerifiedCache::new();
    let warm = cold.clone().verified_cache(&cache);
    let _ = crate::pdf::verify_document(&signed, &warm).unwrap();
    let (report, n) = counted(|| crate::pdf::verify_document(&signed, &warm).unwrap());
    assert_eq!((report.status(), n), (Status::Valid, 1));
}
