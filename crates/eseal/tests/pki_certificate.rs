//! Reading and building certificates.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "pki_support/ca.rs"]
mod ca;

use eseal::oid;
use eseal::pki::{
    BasicConstraints, Certificate, CertificateAuthority, CertificateProfile, KeyUsage, PkiError,
    Signer,
};

#[test]
fn built_chain_has_the_profile_extensions() {
    let c = ca::chain();
    let root = c.root.certificate();
    assert!(root.is_self_issued());
    root.verify_self_signature().unwrap();
    assert_eq!(
        root.basic_constraints(),
        Some(BasicConstraints {
            ca: true,
            path_len: Some(1)
        })
    );
    assert_eq!(
        root.key_usage(),
        Some(KeyUsage::KEY_CERT_SIGN | KeyUsage::CRL_SIGN)
    );
    assert_eq!(root.subject_key_id(), root.authority_key_id());
    assert_eq!(root.subject_key_id().map(<[u8]>::len), Some(20));

    let inter = c.inter.certificate();
    assert_eq!(inter.authority_key_id(), root.subject_key_id());
    assert_eq!(inter.issuer(), root.subject());
    assert_eq!(
        inter.basic_constraints(),
        Some(BasicConstraints {
            ca: true,
            path_len: Some(0)
        })
    );

    let leaf = &c.leaf;
    assert_eq!(
        leaf.basic_constraints(),
        Some(BasicConstraints {
            ca: false,
            path_len: None
        })
    );
    assert_eq!(
        leaf.key_usage(),
        Some(KeyUsage::DIGITAL_SIGNATURE | KeyUsage::NON_REPUDIATION)
    );
    assert_eq!(leaf.extended_key_usage(), None);
    assert_eq!(leaf.authority_key_id(), inter.subject_key_id());
    assert_eq!(
        leaf.subject_string(),
        "CN=签章者 Zhang San,OU=PKI,O=eseal 测试,C=CN"
    );
    assert_eq!(leaf.not_before(), ca::t(-1));
    assert_eq!(leaf.not_after(), ca::t(3650));
    assert!(leaf.serial().len() <= 20 && leaf.serial()[0] & 0x80 == 0);
    assert_eq!(*leaf.signature_algorithm(), oid::SM2_WITH_SM3);
    assert!(leaf.unhandled_critical_extensions().is_empty());
    assert_eq!(leaf.sm2_public_key().unwrap().len(), 65);
    assert_eq!(
        leaf.subject_public_key_info_der().unwrap(),
        c.leaf_key.public_key_spki().unwrap()
    );
    // The tbs slice is the first element of the DER.
    assert_eq!(&leaf.as_der()[4..4 + leaf.tbs_der().len()], leaf.tbs_der());
}

#[test]
fn tsa_profile_has_critical_time_stamping_eku() {
    let c = ca::chain();
    let tsa = c
        .inter
        .issue(
            &ca::template(CertificateProfile::Tsa, "eseal TSA"),
            &ca::key().public_key_spki().unwrap(),
            &mut ca::rng(),
        )
        .unwrap();
    assert_eq!(tsa.extended_key_usage(), Some(&[oid::KP_TIME_STAMPING][..]));
    assert!(tsa.extended_key_usage_is_critical());
    let maker = c
        .inter
        .issue(
            &ca::template(CertificateProfile::SealMaker, "制章者"),
            &ca::key().public_key_spki().unwrap(),
            &mut ca::rng(),
        )
        .unwrap();
    assert_eq!(
        maker.key_usage(),
        Some(KeyUsage::DIGITAL_SIGNATURE | KeyUsage::NON_REPUDIATION)
    );
}

#[test]
fn der_and_pem_round_trip() {
    let c = ca::chain();
    let pem = format!(
        "junk before\n{}{}",
        c.leaf.to_pem(),
        c.inter.certificate().to_pem()
    );
    let bundle = Certificate::bundle_from_pem(pem.as_bytes()).unwrap();
    assert_eq!(bundle, vec![c.leaf.clone(), c.inter.certificate().clone()]);
    assert_eq!(
        Certificate::from_der_or_pem(c.leaf.to_pem().as_bytes()).unwrap(),
        c.leaf
    );
    assert_eq!(
        Certificate::from_der_or_pem(c.leaf.as_der()).unwrap(),
        c.leaf
    );
    assert!(matches!(
        Certificate::from_pem(pem.as_bytes()),
        Err(PkiError::Malformed { .. })
    ));
    assert_eq!(c.leaf.fingerprint_sm3().len(), 32);
    let dbg = format!("{:?}", c.leaf_key);
    assert!(dbg.starts_with("SoftwareSigner"), "{dbg}");
}

#[test]
fn signer_must_match_certificate() {
    let c = ca::chain();
    let err =
        CertificateAuthority::from_parts(c.inter.certificate().clone(), ca::key()).unwrap_err();
    assert!(
        matches!(err, PkiError::InvalidArgument { what: "signer", .. }),
        "{err}"
    );
}

#[test]
fn bad_templates_are_refused() {
    let c = ca::chain();
    let spki = ca::key().public_key_spki().unwrap();
    let backwards = eseal::pki::CertificateTemplate::new(
        CertificateProfile::Signer,
        ca::dn("x"),
        ca::t(10),
        ca::t(1),
    );
    assert!(matches!(
        c.inter.issue(&backwards, &spki, &mut ca::rng()),
        Err(PkiError::InvalidArgument {
            what: "validity",
            ..
        })
    ));
    let long_serial = ca::template(CertificateProfile::Signer, "x").with_serial(&[0x11; 21]);
    assert!(matches!(
        c.inter.issue(&long_serial, &spki, &mut ca::rng()),
        Err(PkiError::InvalidArgument {
            what: "serial number",
            ..
        })
    ));
    let bad_country = eseal::pki::CertificateTemplate::new(
        CertificateProfile::Signer,
        eseal::pki::DistinguishedName::new().country("China"),
        ca::t(0),
        ca::t(1),
    );
    assert!(c.inter.issue(&bad_country, &spki, &mut ca::rng()).is_err());
    assert!(matches!(
        c.inter.issue(
            &ca::template(CertificateProfile::Signer, "x"),
            b"\x30\x00",
            &mut ca::rng()
        ),
        Err(PkiError::Malformed { .. })
    ));
}
