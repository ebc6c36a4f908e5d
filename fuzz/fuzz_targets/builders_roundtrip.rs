//! Structure-aware round trips: seals, signatures and certificates made by eseal's builders from
//! fuzzer-chosen field values (names, identifiers, times, pictures, versions, DNs) must encode
//! to DER that parses back strictly to the same fields and re-encodes byte for byte.
#![no_main]

use std::sync::OnceLock;

use eseal::pki::{
    Certificate, CertificateAuthority, CertificateProfile, CertificateTemplate, DistinguishedName,
    SoftwareSigner,
};
use eseal::ses::{
    DataToSign, ParseMode, PictureFormat, Seal, SealBuilder, SealPicture, SealType, SealValidity,
    SesVersion, Signature, SignatureBuilder,
};
use eseal::time::Time;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

type Rng = eseal::rand_core::UnwrapErr<getrandom::SysRng>;

struct Fixture {
    ca: CertificateAuthority<SoftwareSigner>,
    maker_cert: Certificate,
    signer_cert: Certificate,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let mut rng: Rng = eseal::rand_core::UnwrapErr(getrandom::SysRng);
        let t0 = Time::from_unix_seconds(1_700_000_000);
        let t1 = Time::from_unix_seconds(2_000_000_000);
        let dn = |cn: &str| DistinguishedName::new().country("CN").common_name(cn);
        let key = || SoftwareSigner::generate(&mut eseal::rand_core::UnwrapErr(getrandom::SysRng)).expect("key");
        let ca = CertificateAuthority::self_signed(
            key(),
            &CertificateTemplate::new(CertificateProfile::Root { path_len: None }, dn("Fuzz Root"), t0, t1),
            &mut rng,
        )
        .expect("root");
        let issue = |profile, cn: &str| {
            let k = key();
            let spki = eseal::pki::Signer::public_key_spki(&k).expect("spki");
            ca.issue(&CertificateTemplate::new(profile, dn(cn), t0, t1), &spki, &mut eseal::rand_core::UnwrapErr(getrandom::SysRng))
                .expect("issue")
        };
        let maker_cert = issue(CertificateProfile::SealMaker, "Fuzz Maker");
        let signer_cert = issue(CertificateProfile::Signer, "Fuzz Signer");
        Fixture { ca, maker_cert, signer_cert }
    })
}

fn time(u: &mut Unstructured<'_>) -> Result<Time> {
    // 1950..2100: the range both UTCTime and GeneralizedTime writers must handle.
    Ok(Time::from_unix_seconds(u.int_in_range(0..=4_102_444_800u64)?))
}

fn ascii(u: &mut Unstructured<'_>, max: usize) -> Result<String> {
    let len = u.int_in_range(0..=max)?;
    (0..len).map(|_| Ok(char::from(u.int_in_range(0x20u8..=0x7e)?))).collect()
}

fn text(u: &mut Unstructured<'_>, max: usize) -> Result<String> {
    let s: String = u.arbitrary()?;
    Ok(s.chars().take(max).collect())
}

fn seal(u: &mut Unstructured<'_>, f: &Fixture) -> Result<Option<Seal>> {
    let version = *u.choose(&[SesVersion::V1, SesVersion::V4, SesVersion::V5])?;
    let seal_type = match u.int_in_range(0..=2u8)? {
        0 => SealType::Official,
        1 => SealType::Personal,
        _ => SealType::Other(u.arbitrary()?),
    };
    let (a, b, c) = (time(u)?, time(u)?, time(u)?);
    let Ok(validity) = SealValidity::new(a, b, c) else { return Ok(None) };
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let len = u.int_in_range(0..=64)?;
    png.extend_from_slice(u.bytes(len)?);
    let (w, h) = (u.int_in_range(1..=200)?, u.int_in_range(1..=200)?);
    let Ok(picture) = SealPicture::new(PictureFormat::Png, png, w, h) else {
        return Ok(None);
    };
    let mut builder = SealBuilder::new(ascii(u, 40)?, text(u, 40)?, seal_type, validity, picture);
    builder.version(version).vendor_id(ascii(u, 20)?);
    if u.arbitrary()? {
        builder.add_signer_certificate(&f.signer_cert);
    } else {
        builder.add_signer_certificate_digest(&f.signer_cert);
    }
    let Ok(prepared) = builder.prepare(&f.maker_cert) else { return Ok(None) };
    // Any 64 bytes stand in for the maker's signature: the structure is what is under test.
    let sig: [u8; 64] = u.arbitrary()?;
    Ok(prepared.finish(&sig).ok())
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let mut u = Unstructured::new(data);
    let Ok(Some(seal)) = seal(&mut u, f) else { return };
    let der = seal.to_der().expect("a built seal encodes");
    let back = Seal::from_der(&der, ParseMode::Strict).expect("a built seal parses strictly");
    assert_eq!(back.to_der().expect("re-encode"), der, "seal re-encoding differs");
    assert_eq!((back.name(), back.es_id(), back.version()), (seal.name(), seal.es_id(), seal.version()));
    assert!(back.deviations().is_empty(), "a built seal has deviations: {:?}", back.deviations());

    let Ok(property) = ascii(&mut u, 60) else { return };
    let Ok(at) = time(&mut u) else { return };
    let Ok(prepared) = SignatureBuilder::new(&seal, &f.signer_cert, DataToSign::Bytes(data), property, at).prepare() else {
        return;
    };
    let Ok(sig) = prepared.finish(&[7u8; 64]) else { return };
    let der = sig.to_der().expect("a built signature encodes");
    let back = Signature::from_der(&der, ParseMode::Strict).expect("a built signature parses strictly");
    assert_eq!(back.to_der().expect("re-encode"), der, "signature re-encoding differs");

    // Certificates from fuzzer-chosen names and validity.
    let (Ok(cn), Ok(o), Ok(a), Ok(b)) = (text(&mut u, 64), text(&mut u, 64), time(&mut u), time(&mut u)) else { return };
    let dn = DistinguishedName::new().country("CN").organization(&o).common_name(&cn);
    let template = CertificateTemplate::new(CertificateProfile::Signer, dn, a, b);
    let Ok(spki) = f.signer_cert.subject_public_key_info_der() else { return };
    if let Ok(cert) = f.ca.issue(&template, &spki, &mut eseal::rand_core::UnwrapErr(getrandom::SysRng)) {
        let back = Certificate::from_der(cert.as_der()).expect("a built certificate parses");
        assert_eq!(back.as_der(), cert.as_der());
        assert_eq!(back.subject_string(), cert.subject_string());
        assert_eq!((back.not_before(), back.not_after()), (cert.not_before(), cert.not_after()));
    }
});
