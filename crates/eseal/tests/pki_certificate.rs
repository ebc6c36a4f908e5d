//! Reading and building certificates.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cloned_ref_to_slice_refs
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

/// DER TLV with a definite length (short or long form).
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend([0x81, len as u8]);
    } else {
        out.extend([0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(content);
    out
}

/// Real CA certificates write NULL parameters after 1.2.156.10197.1.501; OpenSSL omits them.
/// eseal reads both and checks the signature over the original bytes.
#[test]
fn null_algorithm_parameters_are_accepted() {
    let c = ca::chain();
    let alg_absent = [
        0x30, 0x0a, 0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75,
    ];
    let alg_null = [
        0x30, 0x0c, 0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75, 0x05, 0x00,
    ];
    // Rebuild the leaf's tbsCertificate with NULL parameters and have the CA sign it again.
    let tbs = c.leaf.tbs_der();
    let at = tbs.windows(12).position(|w| w == alg_absent).unwrap();
    let (hdr_len, content) = if tbs[1] == 0x82 {
        (4, &tbs[4..])
    } else {
        (3, &tbs[3..])
    };
    let at = at - hdr_len;
    let mut body = content[..at].to_vec();
    body.extend_from_slice(&alg_null);
    body.extend_from_slice(&content[at + 12..]);
    let new_tbs = tlv(0x30, &body);
    let sig = c.inter.signer().sign_sm2_sm3(&new_tbs).unwrap();
    let mut bits = vec![0u8];
    bits.extend_from_slice(&sig);
    let der = tlv(
        0x30,
        &[new_tbs.clone(), alg_null.to_vec(), tlv(0x03, &bits)].concat(),
    );
    let cert = Certificate::from_der(&der).unwrap();
    assert_eq!(cert.tbs_der(), new_tbs.as_slice());
    let trust = eseal::pki::TrustStore::from_certificates([c.root.certificate().clone()]);
    let path = eseal::pki::verify_path(
        &cert,
        &[c.inter.certificate().clone()],
        &trust,
        &[],
        &eseal::pki::Policy::default(),
        ca::t(1),
    )
    .unwrap();
    assert!(path.relaxations().is_empty());
    // Inner NULL, outer absent: RFC 5280 requires them to match.
    let der = tlv(
        0x30,
        &[new_tbs, alg_absent.to_vec(), tlv(0x03, &bits)].concat(),
    );
    assert!(matches!(
        Certificate::from_der(&der),
        Err(PkiError::Malformed { .. })
    ));
}

#[test]
fn garbage_truncated_and_huge_input_give_typed_errors() {
    let c = ca::chain();
    let der = c.leaf.as_der();
    for n in 0..der.len() {
        let err = Certificate::from_der(&der[..n]).unwrap_err();
        assert!(matches!(err, PkiError::Malformed { .. }), "{n}: {err}");
    }
    // Trailing data.
    let mut long = der.to_vec();
    long.push(0);
    assert!(matches!(
        Certificate::from_der(&long),
        Err(PkiError::Malformed { .. })
    ));
    // Every single-byte corruption either parses or fails with a typed error, never panics.
    for i in 0..der.len() {
        let mut bad = der.to_vec();
        bad[i] ^= 0xff;
        let _ = Certificate::from_der(&bad);
    }
    for junk in [
        &b""[..],
        b"\x30",
        b"\x30\x80\x00\x00",
        b"\xff\xff\xff",
        b"hello world",
    ] {
        assert!(Certificate::from_der(junk).is_err());
        assert!(Certificate::from_der_or_pem(junk).is_err());
    }
    // A length that claims 4 GiB.
    assert!(Certificate::from_der(b"\x30\x84\xff\xff\xff\xff\x30").is_err());
    let huge = vec![0x30; eseal::pki::MAX_CERTIFICATE_SIZE + 1];
    assert!(matches!(
        Certificate::from_der(&huge),
        Err(PkiError::TooLarge {
            what: "certificate",
            ..
        })
    ));
    // PEM: bad base64, missing end, no block, not UTF-8, too many blocks, too big.
    let bad_b64 = "-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n";
    assert!(matches!(
        Certificate::from_pem(bad_b64.as_bytes()),
        Err(PkiError::Malformed { .. })
    ));
    let no_end = "-----BEGIN CERTIFICATE-----\nMIIB\n";
    assert!(matches!(
        Certificate::from_pem(no_end.as_bytes()),
        Err(PkiError::Malformed { .. })
    ));
    assert!(matches!(
        Certificate::bundle_from_pem(b"nothing here"),
        Err(PkiError::Malformed { .. })
    ));
    assert!(matches!(
        Certificate::from_pem(b"\xff\xfe"),
        Err(PkiError::Malformed { .. })
    ));
    let one = c.leaf.to_pem();
    let many = one.repeat(eseal::pki::MAX_PEM_CERTIFICATES + 1);
    assert!(matches!(
        Certificate::bundle_from_pem(many.as_bytes()),
        Err(PkiError::TooMany { .. })
    ));
    let big = vec![b' '; eseal::pki::MAX_PEM_SIZE + 1];
    assert!(matches!(
        Certificate::bundle_from_pem(&big),
        Err(PkiError::TooLarge { .. })
    ));
    // A PEM block that holds a truncated certificate.
    let truncated = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        "MIIBszCCAVmgAwIBAgIQ"
    );
    assert!(Certificate::from_pem(truncated.as_bytes()).is_err());
}

#[test]
fn duplicate_extensions_are_malformed() {
    let c = ca::chain();
    let ski = [0x04, 0x02, 0x01, 0x02];
    let tmpl = ca::template(CertificateProfile::Signer, "dup").with_extension(
        oid::CE_SUBJECT_KEY_IDENTIFIER,
        false,
        &ski,
    );
    let err = c
        .inter
        .issue(&tmpl, &ca::key().public_key_spki().unwrap(), &mut ca::rng())
        .unwrap_err();
    assert!(matches!(err, PkiError::Malformed { .. }), "{err}");
    assert!(err.to_string().contains("2.5.29.14"), "{err}");
}
