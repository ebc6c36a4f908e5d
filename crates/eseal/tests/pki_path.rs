//! Path validation: the happy path and every refusal, each with its specific error.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cloned_ref_to_slice_refs
)]

#[path = "pki_support/ca.rs"]
mod ca;

use ca::{chain, key, rng, t, template};
use eseal::oid;
use eseal::pki::{
    BasicConstraints, Certificate, CertificateAuthority, CertificateProfile, CertificateTemplate,
    Crl, CrlTemplate, ErrorClass, KeyUsage, PathError, PathErrorKind, Policy, Relaxation,
    RevocationReason, RevocationStatus, Signer, SoftwareSigner, Time, TrustStore, verify_path,
};

fn verify(
    target: &Certificate,
    inters: &[Certificate],
    root: &Certificate,
    policy: &Policy,
    at: Time,
) -> Result<eseal::pki::VerifiedPath, PathError> {
    verify_path(
        target,
        inters,
        &TrustStore::from_certificates([root.clone()]),
        &[],
        policy,
        at,
    )
}

fn issue(
    ca: &CertificateAuthority<SoftwareSigner>,
    template: &CertificateTemplate,
) -> (Certificate, SoftwareSigner) {
    let k = key();
    let cert = ca
        .issue(template, &k.public_key_spki().unwrap(), &mut rng())
        .unwrap();
    (cert, k)
}

#[test]
fn valid_chain() {
    let c = chain();
    let root = c.root.certificate();
    let inter = c.inter.certificate().clone();
    let path = verify(&c.leaf, &[inter.clone()], root, &Policy::default(), t(10)).unwrap();
    assert_eq!(path.chain(), &[c.leaf.clone(), inter, root.clone()]);
    assert!(path.relaxations().is_empty());
    assert_eq!(path.revocation().len(), 2);
    assert!(!path.revocation_fully_checked());
    assert!(matches!(
        &path.revocation()[0].status,
        RevocationStatus::Unknown { detail } if detail.contains("no CRL")
    ));
    // The root itself is trusted as given.
    let p = verify(root, &[], root, &Policy::default(), t(10)).unwrap();
    assert_eq!(p.chain().len(), 1);
}

#[test]
fn unordered_duplicate_and_unrelated_intermediates() {
    let c = chain();
    let other = chain();
    let inter = c.inter.certificate().clone();
    let pool = vec![
        other.inter.certificate().clone(),
        inter.clone(),
        other.leaf.clone(),
        inter.clone(),
        c.root.certificate().clone(),
    ];
    let path = verify(
        &c.leaf,
        &pool,
        c.root.certificate(),
        &Policy::default(),
        t(10),
    )
    .unwrap();
    assert_eq!(path.chain().len(), 3);
}

#[test]
fn expired_and_not_yet_valid() {
    let c = chain();
    let inters = [c.inter.certificate().clone()];
    let short = CertificateTemplate::new(CertificateProfile::Signer, ca::dn("short"), t(0), t(10));
    let (leaf, _) = issue(&c.inter, &short);
    let err = verify(
        &leaf,
        &inters,
        c.root.certificate(),
        &Policy::default(),
        t(11),
    )
    .unwrap_err();
    assert_eq!(
        err.kind,
        PathErrorKind::Expired {
            not_after: t(10),
            at: t(11)
        }
    );
    assert_eq!(
        (err.position, err.id(), err.class()),
        (0, "cert.expired", ErrorClass::Time)
    );
    assert!(err.to_string().contains("CN=short"), "{err}");
    // notAfter is inclusive.
    let _path = verify(
        &leaf,
        &inters,
        c.root.certificate(),
        &Policy::default(),
        t(10),
    )
    .unwrap();

    let future =
        CertificateTemplate::new(CertificateProfile::Signer, ca::dn("future"), t(100), t(200));
    let (leaf, _) = issue(&c.inter, &future);
    let err = verify(
        &leaf,
        &inters,
        c.root.certificate(),
        &Policy::default(),
        t(99),
    )
    .unwrap_err();
    assert_eq!(err.id(), "cert.not_yet_valid");

    // An expired intermediate fails at position 1.
    let err = verify(
        &c.leaf,
        &inters,
        c.root.certificate(),
        &Policy::default(),
        t(5000),
    )
    .unwrap_err();
    assert_eq!((err.id(), err.position), ("cert.expired", 1));
}

#[test]
fn wrong_issuer() {
    let c = chain();
    let other = chain();
    let inters = [c.inter.certificate().clone()];
    // A different root: the intermediate's issuer is nowhere.
    let err = verify(
        &c.leaf,
        &inters,
        other.root.certificate(),
        &Policy::default(),
        t(1),
    )
    .unwrap_err();
    assert_eq!((err.id(), err.position), ("chain.unknown_issuer", 1));
    assert_eq!(err.class(), ErrorClass::Trust);
    // No intermediate supplied.
    let err = verify(&c.leaf, &[], c.root.certificate(), &Policy::default(), t(1)).unwrap_err();
    assert_eq!((err.id(), err.position), ("chain.unknown_issuer", 0));
    // An impostor root with the same name but another key: AKI/SKI keep it out.
    let impostor = CertificateAuthority::self_signed(
        key(),
        &template(
            CertificateProfile::Root { path_len: None },
            "eseal Test Root",
        ),
        &mut rng(),
    )
    .unwrap();
    assert_eq!(
        impostor.certificate().subject(),
        c.root.certificate().subject()
    );
    let err = verify(
        &c.leaf,
        &inters,
        impostor.certificate(),
        &Policy::default(),
        t(1),
    )
    .unwrap_err();
    assert_eq!(err.id(), "chain.unknown_issuer");
    // Same name and no key identifiers to tell them apart: the signature check does.
    let no_aki = impostor_without_key_ids(&c);
    let err = verify(&no_aki, &[], c.root.certificate(), &Policy::default(), t(1)).unwrap_err();
    assert_eq!(
        (err.id(), err.class()),
        ("cert.bad_signature", ErrorClass::Crypto)
    );
}

/// A CA named like the test root but holding another key, issuing a leaf. The AKI is replaced
/// with the real root's SKI so names and key ids match; only the signature can tell.
fn impostor_without_key_ids(c: &ca::Chain) -> Certificate {
    let fake = CertificateAuthority::self_signed(
        key(),
        &template(
            CertificateProfile::Root { path_len: None },
            "eseal Test Root",
        ),
        &mut rng(),
    )
    .unwrap();
    let (leaf, _) = issue(&fake, &template(CertificateProfile::Signer, "victim"));
    // Swap the AKI bytes for the real root's SKI (same length, 20 bytes).
    let mut der = leaf.as_der().to_vec();
    let fake_id = fake.certificate().subject_key_id().unwrap().to_vec();
    let real_id = c.root.certificate().subject_key_id().unwrap();
    let at = der
        .windows(20)
        .position(|w| w == fake_id.as_slice())
        .unwrap();
    der[at..at + 20].copy_from_slice(real_id);
    Certificate::from_der(&der).unwrap()
}

fn issue_from<S: Signer>(
    ca: &CertificateAuthority<S>,
    template: &CertificateTemplate,
) -> (Certificate, SoftwareSigner) {
    let k = key();
    (
        ca.issue(template, &k.public_key_spki().unwrap(), &mut rng())
            .unwrap(),
        k,
    )
}

#[test]
fn end_entity_used_as_ca() {
    let c = chain();
    let (ee, ee_key) = issue(
        &c.inter,
        &template(CertificateProfile::SealMaker, "not a CA"),
    );
    let fake_ca = CertificateAuthority::from_parts(ee.clone(), ee_key).unwrap();
    let (leaf, _) = issue_from(&fake_ca, &template(CertificateProfile::Signer, "leaf"));
    let inters = [c.inter.certificate().clone(), ee];
    let err = verify(
        &leaf,
        &inters,
        c.root.certificate(),
        &Policy::default(),
        t(1),
    )
    .unwrap_err();
    assert_eq!((err.id(), err.position), ("cert.not_ca", 1));
    assert!(err.to_string().contains("CN=not a CA"), "{err}");
}

#[test]
fn path_length_exceeded() {
    let mut r = rng();
    let root = CertificateAuthority::self_signed(
        key(),
        &template(
            CertificateProfile::Root { path_len: Some(0) },
            "pathlen 0 root",
        ),
        &mut r,
    )
    .unwrap();
    let inter = root
        .issue_ca(
            key(),
            &template(CertificateProfile::Intermediate { path_len: None }, "inter"),
            &mut r,
        )
        .unwrap();
    let (leaf, _) = issue(&inter, &template(CertificateProfile::Signer, "leaf"));
    let err = verify(
        &leaf,
        &[inter.certificate().clone()],
        root.certificate(),
        &Policy::default(),
        t(1),
    )
    .unwrap_err();
    assert_eq!(
        (err.kind.clone(), err.position),
        (
            PathErrorKind::PathLenExceeded {
                path_len: 0,
                intermediates_below: 1
            },
            2
        )
    );
    // A leaf directly under the root is fine.
    let (direct, _) = issue(&root, &template(CertificateProfile::Signer, "direct"));
    let _path = verify(&direct, &[], root.certificate(), &Policy::default(), t(1)).unwrap();
}

#[test]
fn missing_key_cert_sign_and_its_relaxation() {
    let c = chain();
    let no_kcs = template(
        CertificateProfile::Intermediate { path_len: None },
        "no keyCertSign",
    )
    .with_key_usage(Some(KeyUsage::CRL_SIGN | KeyUsage::DIGITAL_SIGNATURE));
    let inter = c.root.issue_ca(key(), &no_kcs, &mut rng()).unwrap();
    let (leaf, _) = issue(&inter, &template(CertificateProfile::Signer, "leaf"));
    let inters = [inter.certificate().clone()];
    let err = verify(
        &leaf,
        &inters,
        c.root.certificate(),
        &Policy::default(),
        t(1),
    )
    .unwrap_err();
    assert_eq!((err.id(), err.position), ("cert.missing_key_cert_sign", 1));
    let mut policy = Policy::default();
    policy.allow_missing_key_cert_sign = true;
    let path = verify(&leaf, &inters, c.root.certificate(), &policy, t(1)).unwrap();
    assert_eq!(
        path.relaxations(),
        &[Relaxation::MissingKeyCertSign {
            position: 1,
            subject: inter.certificate().subject_string()
        }]
    );
    assert_eq!(path.relaxations()[0].id(), "policy.missing_key_cert_sign");
}

#[test]
fn anchor_without_basic_constraints() {
    let root = CertificateAuthority::self_signed(
        key(),
        &template(CertificateProfile::Root { path_len: None }, "bare root")
            .with_basic_constraints(None),
        &mut rng(),
    )
    .unwrap();
    let (leaf, _) = issue(&root, &template(CertificateProfile::Signer, "leaf"));
    let err = verify(&leaf, &[], root.certificate(), &Policy::default(), t(1)).unwrap_err();
    assert_eq!((err.id(), err.position), ("cert.not_ca", 1));
    let path = verify(
        &leaf,
        &[],
        root.certificate(),
        &Policy::lenient_anchors(),
        t(1),
    )
    .unwrap();
    assert_eq!(
        path.relaxations()[0].id(),
        "policy.anchor_without_ca_constraints"
    );
    // The relaxation is for anchors only: a bare intermediate is still refused.
    let c = chain();
    let bare = c
        .root
        .issue_ca(
            key(),
            &template(
                CertificateProfile::Intermediate { path_len: None },
                "bare inter",
            )
            .with_basic_constraints(Some(BasicConstraints {
                ca: false,
                path_len: None,
            })),
            &mut rng(),
        )
        .unwrap();
    let (leaf, _) = issue(&bare, &template(CertificateProfile::Signer, "leaf"));
    let err = verify(
        &leaf,
        &[bare.certificate().clone()],
        c.root.certificate(),
        &Policy::lenient_anchors(),
        t(1),
    )
    .unwrap_err();
    assert_eq!((err.id(), err.position), ("cert.not_ca", 1));
}

#[test]
fn unknown_critical_extension() {
    let c = chain();
    let odd = eseal::oid::SM2; // any OID eseal does not process as an extension
    let tmpl =
        template(CertificateProfile::Signer, "critical").with_extension(odd, true, &[0x05, 0x00]);
    let (leaf, _) = issue(&c.inter, &tmpl);
    assert_eq!(leaf.unhandled_critical_extensions(), &[odd]);
    let inters = [c.inter.certificate().clone()];
    let err = verify(
        &leaf,
        &inters,
        c.root.certificate(),
        &Policy::default(),
        t(1),
    )
    .unwrap_err();
    assert_eq!(
        err.kind,
        PathErrorKind::UnknownCriticalExtension { oid: odd }
    );
    // Non-critical: ignored.
    let tmpl = template(CertificateProfile::Signer, "noncritical").with_extension(
        odd,
        false,
        &[0x05, 0x00],
    );
    let (leaf, _) = issue(&c.inter, &tmpl);
    let _path = verify(
        &leaf,
        &inters,
        c.root.certificate(),
        &Policy::default(),
        t(1),
    )
    .unwrap();
    // On an intermediate.
    let tmpl = template(
        CertificateProfile::Intermediate { path_len: None },
        "critical CA",
    )
    .with_extension(oid::CE_NAME_CONSTRAINTS, true, &[0x30, 0x00]);
    let inter = c.root.issue_ca(key(), &tmpl, &mut rng()).unwrap();
    let (leaf, _) = issue(&inter, &template(CertificateProfile::Signer, "leaf"));
    let err = verify(
        &leaf,
        &[inter.certificate().clone()],
        c.root.certificate(),
        &Policy::default(),
        t(1),
    )
    .unwrap_err();
    assert_eq!(
        (err.id(), err.position),
        ("cert.unknown_critical_extension", 1)
    );
}

#[test]
fn bad_signature_in_signature_and_in_tbs() {
    let c = chain();
    let inters = [c.inter.certificate().clone()];
    // Last byte of the DER is the last byte of s.
    let mut der = c.leaf.as_der().to_vec();
    *der.last_mut().unwrap() ^= 0x01;
    let tampered = Certificate::from_der(&der).unwrap();
    let err = verify(
        &tampered,
        &inters,
        c.root.certificate(),
        &Policy::default(),
        t(1),
    )
    .unwrap_err();
    assert_eq!(
        (err.id(), err.position, err.class()),
        ("cert.bad_signature", 0, ErrorClass::Crypto)
    );
    // One bit of the subjectKeyIdentifier inside tbsCertificate.
    let ski = c.leaf.subject_key_id().unwrap().to_vec();
    let mut der = c.leaf.as_der().to_vec();
    let at = der.windows(20).position(|w| w == ski.as_slice()).unwrap();
    der[at + 5] ^= 0x80;
    let tampered = Certificate::from_der(&der).unwrap();
    let err = verify(
        &tampered,
        &inters,
        c.root.certificate(),
        &Policy::default(),
        t(1),
    )
    .unwrap_err();
    assert_eq!(err.id(), "cert.bad_signature");
    // In the intermediate.
    let mut der = c.inter.certificate().as_der().to_vec();
    *der.last_mut().unwrap() ^= 0x01;
    let bad_inter = Certificate::from_der(&der).unwrap();
    let err = verify(
        &c.leaf,
        &[bad_inter],
        c.root.certificate(),
        &Policy::default(),
        t(1),
    )
    .unwrap_err();
    assert_eq!((err.id(), err.position), ("cert.bad_signature", 1));
}

#[test]
fn unsupported_signature_algorithm() {
    let c = chain();
    // Replace both SM2-with-SM3 OIDs by ecdsa-with-SHA256 (same encoded length).
    let sm2sm3 = [0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75];
    let ecdsa = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
    let mut der = c.leaf.as_der().to_vec();
    let mut replaced = 0;
    while let Some(at) = der.windows(10).position(|w| w == sm2sm3) {
        der[at..at + 10].copy_from_slice(&ecdsa);
        replaced += 1;
    }
    assert_eq!(replaced, 2);
    let rsa_like = Certificate::from_der(&der).unwrap();
    let err = verify(
        &rsa_like,
        &[c.inter.certificate().clone()],
        c.root.certificate(),
        &Policy::default(),
        t(1),
    )
    .unwrap_err();
    assert!(
        matches!(err.kind, PathErrorKind::UnsupportedSignatureAlgorithm { oid } if oid.to_string() == "1.2.840.10045.4.3.2"),
        "{err}"
    );
    assert_eq!(err.class(), ErrorClass::Crypto);
}

#[test]
fn chain_too_long_and_budget() {
    let c = chain();
    let inters = [c.inter.certificate().clone()];
    let mut policy = Policy::default();
    policy.max_chain_length = 2;
    let err = verify(&c.leaf, &inters, c.root.certificate(), &policy, t(1)).unwrap_err();
    assert_eq!(err.kind, PathErrorKind::ChainTooLong { limit: 2 });
    let mut policy = Policy::default();
    policy.max_signature_checks = 1;
    let err = verify(&c.leaf, &inters, c.root.certificate(), &policy, t(1)).unwrap_err();
    assert_eq!(
        (err.id(), err.class()),
        ("chain.budget_exceeded", ErrorClass::Limit)
    );
    let many = vec![c.inter.certificate().clone(); 65];
    let err = verify(
        &c.leaf,
        &many,
        c.root.certificate(),
        &Policy::default(),
        t(1),
    )
    .unwrap_err();
    assert_eq!(err.kind, PathErrorKind::TooManyIntermediates { limit: 64 });
}

#[test]
fn loops_are_refused_not_explored() {
    // X and Y cross-certify each other; neither is trusted.
    let mut r = rng();
    let x = CertificateAuthority::self_signed(
        key(),
        &template(CertificateProfile::Root { path_len: None }, "X"),
        &mut r,
    )
    .unwrap();
    let y = CertificateAuthority::self_signed(
        key(),
        &template(CertificateProfile::Root { path_len: None }, "Y"),
        &mut r,
    )
    .unwrap();
    let x_by_y = y
        .issue(
            &template(CertificateProfile::Intermediate { path_len: None }, "X"),
            &x.signer().public_key_spki().unwrap(),
            &mut r,
        )
        .unwrap();
    let y_by_x = x
        .issue(
            &template(CertificateProfile::Intermediate { path_len: None }, "Y"),
            &y.signer().public_key_spki().unwrap(),
            &mut r,
        )
        .unwrap();
    let (leaf, _) = issue(&x, &template(CertificateProfile::Signer, "leaf"));
    let unrelated = chain();
    let pool = [x_by_y, y_by_x];
    let err = verify(
        &leaf,
        &pool,
        unrelated.root.certificate(),
        &Policy::default(),
        t(1),
    )
    .unwrap_err();
    assert_eq!(err.id(), "chain.loop");
}

#[test]
fn target_usage_requirements() {
    let c = chain();
    let inters = [c.inter.certificate().clone()];
    let mut policy = Policy::default();
    policy.required_key_usage = KeyUsage::KEY_AGREEMENT;
    let err = verify(&c.leaf, &inters, c.root.certificate(), &policy, t(1)).unwrap_err();
    assert_eq!(err.id(), "cert.missing_key_usage");
    let mut policy = Policy::default();
    policy.required_extended_key_usage = Some(oid::KP_TIME_STAMPING);
    let err = verify(&c.leaf, &inters, c.root.certificate(), &policy, t(1)).unwrap_err();
    assert_eq!(err.id(), "cert.missing_extended_key_usage");
    let (tsa, _) = issue(&c.inter, &template(CertificateProfile::Tsa, "TSA"));
    let _path = verify(&tsa, &inters, c.root.certificate(), &policy, t(1)).unwrap();
}

fn revoking_crl(c: &ca::Chain, revoked_at: Time, this: Time, next: Time) -> Crl {
    c.inter
        .issue_crl(
            &CrlTemplate::new(this, Some(next), 7)
                .revoke(&[0x01, 0x02], t(0), None)
                .revoke(
                    c.leaf.serial(),
                    revoked_at,
                    Some(RevocationReason::KeyCompromise),
                ),
        )
        .unwrap()
}

#[test]
fn revocation_before_and_after_the_validation_time() {
    let c = chain();
    let trust = TrustStore::from_certificates([c.root.certificate().clone()]);
    let inters = [c.inter.certificate().clone()];
    let crl = revoking_crl(&c, t(100), t(150), t(400));
    assert_eq!(crl.crl_number(), Some(&[7u8][..]));
    assert_eq!(
        crl.authority_key_id(),
        c.inter.certificate().subject_key_id()
    );
    crl.verify_signature(c.inter.certificate()).unwrap();
    let entry = crl.find(c.leaf.serial()).unwrap();
    assert_eq!(
        (entry.revoked_at, entry.reason),
        (t(100), Some(RevocationReason::KeyCompromise))
    );

    let crls = [crl];
    let err = verify_path(&c.leaf, &inters, &trust, &crls, &Policy::default(), t(200)).unwrap_err();
    assert_eq!(
        err.kind,
        PathErrorKind::Revoked {
            revoked_at: t(100),
            reason: Some(RevocationReason::KeyCompromise)
        }
    );
    assert_eq!(
        (err.id(), err.class(), err.position),
        ("cert.revoked", ErrorClass::Trust, 0)
    );
    // A signature made at t(50), before revocation, is judged at t(50): still valid, and the
    // later revocation is reported.
    let path = verify_path(&c.leaf, &inters, &trust, &crls, &Policy::default(), t(50)).unwrap();
    assert_eq!(
        path.revocation()[0].status,
        RevocationStatus::RevokedLater {
            revoked_at: t(100),
            reason: Some(RevocationReason::KeyCompromise)
        }
    );
    // The intermediate has no CRL from the root.
    assert!(matches!(
        path.revocation()[1].status,
        RevocationStatus::Unknown { .. }
    ));
    let mut strict = Policy::default();
    strict.require_revocation_check = true;
    let err = verify_path(&c.leaf, &inters, &trust, &crls, &strict, t(50)).unwrap_err();
    assert_eq!((err.id(), err.position), ("cert.revocation_unknown", 1));
    let root_crl = c
        .root
        .issue_crl(&CrlTemplate::new(t(0), Some(t(400)), 1))
        .unwrap();
    let both = [crls[0].clone(), root_crl];
    let path = verify_path(&c.leaf, &inters, &trust, &both, &strict, t(50)).unwrap();
    assert!(path.revocation_fully_checked());
    assert_eq!(
        path.revocation()[1].status,
        RevocationStatus::Good {
            crl_this_update: t(0)
        }
    );
}

#[test]
fn stale_forged_and_foreign_crls() {
    let c = chain();
    let trust = TrustStore::from_certificates([c.root.certificate().clone()]);
    let inters = [c.inter.certificate().clone()];
    let stale = c
        .inter
        .issue_crl(&CrlTemplate::new(t(0), Some(t(30)), 2))
        .unwrap();
    let path = verify_path(
        &c.leaf,
        &inters,
        &trust,
        &[stale.clone()],
        &Policy::default(),
        t(100),
    )
    .unwrap();
    assert!(matches!(
        &path.revocation()[0].status,
        RevocationStatus::Unknown { detail } if detail.contains("stale")
    ));
    let mut accept = Policy::default();
    accept.accept_stale_crls = true;
    let path = verify_path(&c.leaf, &inters, &trust, &[stale], &accept, t(100)).unwrap();
    assert_eq!(path.relaxations()[0].id(), "policy.stale_crl");

    // A stale CRL still proves revocation.
    let stale_revoking = revoking_crl(&c, t(10), t(20), t(30));
    let err = verify_path(
        &c.leaf,
        &inters,
        &trust,
        &[stale_revoking],
        &Policy::default(),
        t(100),
    )
    .unwrap_err();
    assert_eq!(err.id(), "cert.revoked");

    // A forged CRL (bad signature) is not relied on, in either direction.
    let mut der = revoking_crl(&c, t(10), t(20), t(400)).as_der().to_vec();
    *der.last_mut().unwrap() ^= 1;
    let forged = Crl::from_der(&der).unwrap();
    assert!(matches!(
        forged.verify_signature(c.inter.certificate()),
        Err(eseal::pki::PkiError::SignatureInvalid { .. })
    ));
    let path = verify_path(
        &c.leaf,
        &inters,
        &trust,
        &[forged],
        &Policy::default(),
        t(100),
    )
    .unwrap();
    assert!(matches!(
        &path.revocation()[0].status,
        RevocationStatus::Unknown { detail } if detail.contains("does not verify")
    ));

    // Another CA's CRL listing the same serial does not apply.
    let other = chain();
    let foreign = other
        .inter
        .issue_crl(&CrlTemplate::new(t(0), Some(t(400)), 1).revoke(c.leaf.serial(), t(1), None))
        .unwrap();
    assert!(matches!(
        foreign.verify_signature(c.inter.certificate()),
        Err(eseal::pki::PkiError::WrongIssuer { .. })
    ));
    let _path = verify_path(
        &c.leaf,
        &inters,
        &trust,
        &[foreign],
        &Policy::default(),
        t(100),
    )
    .unwrap();
}

#[test]
fn crl_round_trip_and_bad_input() {
    let c = chain();
    let crl = revoking_crl(&c, t(100), t(150), t(400));
    let again = Crl::from_der_or_pem(crl.to_pem().as_bytes()).unwrap();
    assert_eq!(again.as_der(), crl.as_der());
    assert_eq!(again.len(), 2);
    assert_eq!(
        (again.this_update(), again.next_update()),
        (t(150), Some(t(400)))
    );
    assert!(again.is_usable().is_none());
    for n in 0..crl.as_der().len() {
        assert!(Crl::from_der(&crl.as_der()[..n]).is_err());
    }
    assert!(matches!(
        Crl::from_der(&vec![0x30; eseal::pki::MAX_CRL_SIZE + 1]),
        Err(eseal::pki::PkiError::TooLarge { .. })
    ));
    assert!(Crl::from_pem(b"-----BEGIN X509 CRL-----\n!!!\n-----END X509 CRL-----\n").is_err());
}

/// The verdict of a path failure: forgery is invalid, everything else indeterminate.
#[test]
fn path_error_verdicts() {
    use eseal::verify::Status;
    let c = chain();
    let inters = [c.inter.certificate().clone()];
    let root = c.root.certificate();
    let expired = verify(&c.leaf, &inters, root, &Policy::strict(), t(100_000)).unwrap_err();
    assert_eq!(expired.class().as_str(), "time");
    assert_eq!(expired.verdict(), Status::Indeterminate);
    // Flip a bit in the signature value (the last bytes of the certificate).
    let mut der = c.leaf.as_der().to_vec();
    let last = der.len() - 3;
    der[last] ^= 0x01;
    let forged = Certificate::from_der(&der).unwrap();
    let bad = verify(&forged, &inters, root, &Policy::strict(), t(10)).unwrap_err();
    assert_eq!(bad.class().as_str(), "crypto");
    assert_eq!(bad.verdict(), Status::Invalid);
}
