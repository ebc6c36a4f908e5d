//! Making seals (制章) and signing with them (签章) in every version, verifying the results in
//! eseal and, independently, their SM2 signatures with the `openssl` CLI over the exact signed
//! bytes; external (two-step) signing; refusals.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;
#[path = "ses_support/fixture.rs"]
mod fixture;

use eseal::crypto::{PublicKey, Signature as Sm2Signature};
use eseal::pki::Certificate;
use eseal::ses::{
    CertDigestAlgorithm, CertList, DataRef, DataToSign, MakerSignedForm, ParseMode, PictureFormat,
    Seal, SealBuilder, SealPicture, SealType, SealValidity, SesError, SesVersion, Signature,
    SignatureBuilder, TimeInfo, attach_timestamp, timestamp_imprint, verify_seal, verify_signature,
};
use eseal::verify::{CheckId, CheckStatus, SigningTimeSource, Status, ValidationPolicy};
use fixture::{DOC, PROPERTY, Pki, make_seal, opts_at, seal_builder, sign, t, tiny_png};

const VERSIONS: [SesVersion; 3] = [SesVersion::V1, SesVersion::V4, SesVersion::V5];

fn check_status(report: &eseal::verify::Report, id: CheckId) -> CheckStatus {
    report
        .check(id)
        .unwrap_or_else(|| panic!("{} missing", id.as_str()))
        .status()
}

#[test]
fn made_seals_and_signatures_verify_in_each_version() {
    let pki = Pki::new();
    let store = pki.store();
    for version in VERSIONS {
        let seal = make_seal(&pki, version);
        assert_eq!(seal.version(), version);
        assert_eq!(seal.header().vid, "ESEALTEST");
        assert_eq!(seal.seal_type(), 1);
        // What eseal writes is strict DER of the standard.
        let reparsed = Seal::from_der(seal.as_der(), ParseMode::Strict).unwrap();
        assert!(reparsed.deviations().is_empty());
        assert_eq!(reparsed.to_der().unwrap(), seal.as_der());

        let report = verify_seal(seal.as_der(), &opts_at(&store, t(60))).unwrap();
        assert_eq!(
            report.status(),
            Status::Valid,
            "{version}\n{}",
            report.to_json()
        );
        let facts = report.seal().unwrap();
        let form = if version == SesVersion::V1 {
            "seal_info_cert_algorithm"
        } else {
            "seal_info_only"
        };
        assert_eq!(facts.maker_signed_form.map(|f| f.as_str()), Some(form));
        assert_eq!(facts.es_id, "33010600000001");
        assert_eq!(facts.name, "eseal 测试专用章");
        assert_eq!(facts.signers, vec![pki.signer.cert.subject_string()]);
        let picture = facts.picture.as_ref().unwrap();
        assert_eq!(picture.declared_type, "PNG");
        assert_eq!(picture.detected_type.map(|f| f.label()), Some("PNG"));
        assert_eq!((picture.width_mm, picture.height_mm), (40, 40));

        let sig = sign(&pki, &seal);
        assert_eq!(sig.version(), version);
        let reparsed = Signature::from_der(sig.as_der(), ParseMode::Strict).unwrap();
        assert!(reparsed.deviations().is_empty());
        assert_eq!(sig.property_info(), PROPERTY);
        assert_eq!(sig.data_hash(), eseal::crypto::sm3::sm3(DOC));
        match sig.time_info() {
            TimeInfo::Time(time) => assert_eq!(time.as_text(), "20240131000000Z"),
            TimeInfo::V1 { raw, parsed } => {
                assert_eq!(raw, b"2024-01-31T00:00:00Z");
                assert!(parsed.is_some());
            }
            _ => panic!("unexpected time info"),
        }
        let opts = opts_at(&store, t(60)).data(DataRef::Bytes(DOC));
        let report = verify_signature(sig.as_der(), &opts).unwrap();
        assert_eq!(
            report.status(),
            Status::Valid,
            "{version}\n{}",
            report.to_json()
        );
        let facts = report.signature().unwrap();
        assert_eq!(facts.signing_time, Some(t(30)));
        assert_eq!(facts.claimed_time, Some(t(30)));
        assert_eq!(facts.signing_time_source, Some(SigningTimeSource::Claimed));
        assert_eq!(
            facts.signer_subject.as_deref(),
            Some(&*pki.signer.cert.subject_string())
        );
        // The same with the data given as its SM3 hash.
        let opts = opts_at(&store, t(60)).data(DataRef::Sm3Digest(eseal::crypto::sm3::sm3(DOC)));
        let report = verify_signature(sig.as_der(), &opts).unwrap();
        assert_eq!(report.status(), Status::Valid);
    }
}

#[test]
fn digest_cert_lists_and_prehashed_data() {
    let pki = Pki::new();
    let store = pki.store();
    for version in [SesVersion::V4, SesVersion::V5] {
        // Digests only: SHA-256 as a value computed elsewhere, SM3 via the certificate.
        let picture = SealPicture::new(PictureFormat::Png, tiny_png(), 30, 20).unwrap();
        let mut builder = SealBuilder::new(
            "digest-seal",
            "digest seal",
            SealType::Other(15),
            SealValidity::new(t(0), t(0), t(365)).unwrap(),
            picture,
        );
        builder.version(version);
        builder.add_signer_digest(
            CertDigestAlgorithm::Sha256,
            &CertDigestAlgorithm::Sha256.digest(pki.stranger.cert.as_der()),
        );
        builder.add_signer_certificate_digest(&pki.signer.cert);
        let seal = builder.build(&pki.maker.key, &pki.maker.cert).unwrap();
        match seal.cert_list() {
            CertList::Digests(d) => {
                assert_eq!(d.len(), 2);
                assert_eq!(d[0].digest_type, "SHA256");
                assert_eq!(d[1].digest_type, "SM3");
                assert_eq!(d[1].value, pki.signer.cert.fingerprint_sm3());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(seal.seal_type(), 15);
        let digest = eseal::crypto::sm3::sm3(DOC);
        for signer in [&pki.signer, &pki.stranger] {
            let sig = SignatureBuilder::new(
                &seal,
                &signer.cert,
                DataToSign::Sm3Digest(digest),
                PROPERTY,
                t(30),
            )
            .sign(&signer.key)
            .unwrap();
            let report = verify_signature(
                sig.as_der(),
                &opts_at(&store, t(60)).data(DataRef::Bytes(DOC)),
            )
            .unwrap();
            assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
            let msg = &report.check(CheckId::SignerInSeal).unwrap().message();
            assert!(msg.contains("digest"), "{msg}");
        }
    }
}

/// Writes the files for `openssl pkeyutl -verify` and runs it; returns whether it verified.
fn openssl_verifies(key: &PublicKey, tbs: &[u8], signature: &[u8]) -> bool {
    let dir = cross::temp_dir();
    let pem = dir.path().join("pub.pem");
    let msg = dir.path().join("tbs.bin");
    let sig = dir.path().join("sig.der");
    std::fs::write(&pem, key.to_spki_pem()).unwrap();
    std::fs::write(&msg, tbs).unwrap();
    std::fs::write(&sig, signature).unwrap();
    cross::try_run(
        "openssl",
        &[
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            pem.to_str().unwrap(),
            "-rawin",
            "-digest",
            "sm3",
            "-pkeyopt",
            "distid:1234567812345678",
            "-in",
            msg.to_str().unwrap(),
            "-sigfile",
            sig.to_str().unwrap(),
        ],
        None,
    )
    .is_ok()
}

fn cert_key(cert: &Certificate) -> PublicKey {
    PublicKey::from_sec1_bytes(cert.sm2_public_key().unwrap()).unwrap()
}

#[test]
fn openssl_verifies_maker_and_signer_signatures() {
    if !cross::have_openssl() {
        return;
    }
    let pki = Pki::new();
    for version in VERSIONS {
        let seal = make_seal(&pki, version);
        let form = if version == SesVersion::V1 {
            MakerSignedForm::SealInfoCertAlgorithm
        } else {
            MakerSignedForm::SealInfoOnly
        };
        let maker_tbs = seal.maker_signed_bytes(form).unwrap();
        // The signature is written as DER (GM/T 0009 SM2Signature).
        assert!(Sm2Signature::from_der(seal.maker_signature()).is_ok());
        let maker_key = cert_key(&pki.maker.cert);
        assert!(
            openssl_verifies(&maker_key, &maker_tbs, seal.maker_signature()),
            "{version}: openssl rejects the maker signature"
        );
        // The test can fail: one changed byte of the signed bytes is refused.
        let mut altered = maker_tbs.to_vec();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert!(!openssl_verifies(
            &maker_key,
            &altered,
            seal.maker_signature()
        ));

        let sig = sign(&pki, &seal);
        let signer_key = cert_key(&pki.signer.cert);
        assert!(
            openssl_verifies(&signer_key, sig.tbs_der(), sig.signature_value()),
            "{version}: openssl rejects the signer signature"
        );
        assert!(!openssl_verifies(
            &maker_key,
            sig.tbs_der(),
            sig.signature_value()
        ));
    }
}

#[test]
fn external_signing_in_two_steps() {
    let pki = Pki::new();
    let store = pki.store();
    for version in VERSIONS {
        // The maker key is "in a token" that signs e = SM3(Z ‖ M) and returns raw r ‖ s.
        let prepared = seal_builder(version, &pki.signer.cert)
            .prepare(&pki.maker.cert)
            .unwrap();
        assert_eq!(prepared.version(), version);
        let e = prepared.digest_e();
        assert_eq!(
            e,
            cert_key(&pki.maker.cert).digest(&eseal::crypto::DistId::DEFAULT, prepared.tbs_bytes())
        );
        let raw = pki.maker.key.secret_key().sign_digest(&e).unwrap().to_raw();
        let seal = prepared.clone().finish(&raw).unwrap();
        // Raw input is stored as DER.
        assert!(Sm2Signature::from_der(seal.maker_signature()).is_ok());
        assert_eq!(
            verify_seal(seal.as_der(), &opts_at(&store, t(60)))
                .unwrap()
                .status(),
            Status::Valid
        );
        // A faulty token (another key, or garbage) is caught before assembly.
        let wrong = pki.other_maker.key.secret_key().sign_digest(&e).unwrap();
        let err = prepared.clone().finish(&wrong.to_der()).unwrap_err();
        assert!(
            matches!(err, SesError::SignatureMismatch { role: "maker", .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("does not verify"), "{err}");
        let err = prepared.finish(b"\x30\x00").unwrap_err();
        assert!(matches!(err, SesError::SignatureMismatch { .. }), "{err:?}");

        let prepared = SignatureBuilder::new(
            &seal,
            &pki.signer.cert,
            DataToSign::Bytes(DOC),
            PROPERTY,
            t(30),
        )
        .prepare()
        .unwrap();
        let value = pki
            .signer
            .key
            .secret_key()
            .sign_digest(&prepared.digest_e())
            .unwrap();
        let wrong = pki
            .stranger
            .key
            .secret_key()
            .sign(prepared.tbs_bytes())
            .unwrap();
        let err = prepared.clone().finish(&wrong.to_der()).unwrap_err();
        assert!(
            matches!(err, SesError::SignatureMismatch { role: "signer", .. }),
            "{err:?}"
        );
        let sig = prepared.finish(&value.to_raw()).unwrap();
        let report = verify_signature(
            sig.as_der(),
            &opts_at(&store, t(60)).data(DataRef::Bytes(DOC)),
        )
        .unwrap();
        assert_eq!(report.status(), Status::Valid);
    }
}

#[test]
fn making_refuses_what_a_verifier_would_reject() {
    let pki = Pki::new();
    let png = tiny_png();
    // Picture bytes of another format, or of none.
    let err = SealPicture::new(PictureFormat::Jpeg, png.clone(), 40, 40).unwrap_err();
    assert!(
        matches!(&err, SesError::PictureMismatch { declared, found } if declared == "JPG" && found == "PNG"),
        "{err:?}"
    );
    let err = SealPicture::new(PictureFormat::Png, b"not an image".to_vec(), 40, 40).unwrap_err();
    assert!(matches!(err, SesError::PictureMismatch { .. }), "{err}");
    assert!(SealPicture::new(PictureFormat::Png, png.clone(), 0, 40).is_err());
    assert!(SealPicture::new(PictureFormat::Png, Vec::new(), 40, 40).is_err());
    // The window itself.
    assert!(SealValidity::new(t(10), t(10), t(5)).is_err());
    assert!(SealValidity::new(t(400), t(0), t(365)).is_err());

    // Validity outside the maker certificate's (valid t(-5)..t(1000)).
    for (created, from, to, what) in [
        (t(0), t(0), t(2000), "validity end"),
        (t(-6), t(-6), t(10), "creation date"),
        (t(0), t(-7), t(10), "validity start"),
    ] {
        let picture = SealPicture::new(PictureFormat::Png, png.clone(), 40, 40).unwrap();
        let mut b = SealBuilder::new(
            "x",
            "x",
            SealType::Personal,
            SealValidity::new(created, from, to).unwrap(),
            picture,
        );
        b.add_signer_certificate(&pki.signer.cert);
        let err = b.build(&pki.maker.key, &pki.maker.cert).unwrap_err();
        assert!(
            matches!(&err, SesError::OutsideMakerValidity { what: w, .. } if *w == what),
            "{err:?}"
        );
        assert!(
            err.to_string().contains("maker certificate's validity"),
            "{err}"
        );
    }

    // No signers; digests in v1; certificates mixed with digests.
    let picture = SealPicture::new(PictureFormat::Png, png, 40, 40).unwrap();
    let validity = SealValidity::new(t(0), t(0), t(365)).unwrap();
    let empty = SealBuilder::new("x", "x", SealType::Official, validity, picture);
    let err = empty.build(&pki.maker.key, &pki.maker.cert).unwrap_err();
    assert!(err.to_string().contains("no signer"), "{err}");
    let mut v1 = empty.clone();
    v1.version(SesVersion::V1)
        .add_signer_certificate_digest(&pki.signer.cert);
    let err = v1.build(&pki.maker.key, &pki.maker.cert).unwrap_err();
    assert!(matches!(err, SesError::NotInVersion { .. }), "{err:?}");
    let mut mixed = empty.clone();
    mixed
        .add_signer_certificate(&pki.signer.cert)
        .add_signer_certificate_digest(&pki.stranger.cert);
    assert!(mixed.build(&pki.maker.key, &pki.maker.cert).is_err());
    // A non-ASCII vendor id cannot be an IA5String.
    let mut b = seal_builder(SesVersion::V4, &pki.signer.cert);
    b.vendor_id("供应商");
    assert!(matches!(
        b.build(&pki.maker.key, &pki.maker.cert),
        Err(SesError::InvalidValue { .. })
    ));
    // A maker key that does not belong to the maker certificate.
    let err = seal_builder(SesVersion::V4, &pki.signer.cert)
        .build(&pki.other_maker.key, &pki.maker.cert)
        .unwrap_err();
    assert!(
        matches!(err, SesError::SignatureMismatch { role: "maker", .. }),
        "{err:?}"
    );
    // A CA certificate (keyUsage keyCertSign, cRLSign) cannot make seals.
    let err = seal_builder(SesVersion::V4, &pki.signer.cert)
        .build(pki.root.signer(), pki.root.certificate())
        .unwrap_err();
    assert!(
        matches!(err, SesError::Certificate { role: "maker", .. }),
        "{err:?}"
    );
}

#[test]
fn signing_refuses_signers_and_times_the_seal_does_not_allow() {
    let pki = Pki::new();
    for version in VERSIONS {
        let seal = make_seal(&pki, version);
        let request = |cert: &Certificate, at| {
            SignatureBuilder::new(&seal, cert, DataToSign::Bytes(DOC), PROPERTY, at).prepare()
        };
        let err = request(&pki.stranger.cert, t(30)).unwrap_err();
        assert!(
            matches!(&err, SesError::SignerNotInSeal { subject } if subject.contains("Stranger")),
            "{err:?}"
        );
        assert!(err.to_string().contains("not listed in the seal"), "{err}");
        // After the seal expired (t(365)) and before the signer certificate started (t(-5)).
        let err = request(&pki.signer.cert, t(366)).unwrap_err();
        assert!(
            matches!(err, SesError::NotValidAt { what: "seal", .. }),
            "{err:?}"
        );
        assert!(request(&pki.signer.cert, t(-1)).is_err());
    }
    // A seal whose maker signature does not verify is refused.
    let seal = make_seal(&pki, SesVersion::V4);
    let mut der = seal.as_der().to_vec();
    let pos = der
        .windows(14)
        .position(|w| w == b"33010600000001")
        .unwrap();
    der[pos] ^= 0x01;
    let damaged = Seal::from_der(&der, ParseMode::Strict).unwrap();
    let err = SignatureBuilder::new(
        &damaged,
        &pki.signer.cert,
        DataToSign::Bytes(DOC),
        PROPERTY,
        t(30),
    )
    .prepare()
    .unwrap_err();
    assert!(
        matches!(err, SesError::SignatureMismatch { role: "maker", .. }),
        "{err:?}"
    );
}

#[test]
fn timestamps_give_a_trusted_signing_time() {
    let pki = Pki::new();
    let store = pki.store();
    let tsa = pki.tsa(true);
    for version in [SesVersion::V4, SesVersion::V5] {
        let sig = sign(&pki, &make_seal(&pki, version));
        assert_eq!(
            timestamp_imprint(&sig),
            eseal::crypto::sm3::sm3(sig.signature_value())
        );
        let token = tsa
            .timestamp(sig.signature_value(), t(31), &[7], None)
            .unwrap();
        let stamped = attach_timestamp(&sig, &token).unwrap();
        assert_eq!(stamped.timestamp().unwrap().token(), token.as_slice());
        assert_eq!(stamped.tbs_der(), sig.tbs_der());
        let opts = opts_at(&store, t(60)).data(DataRef::Bytes(DOC));
        let report = verify_signature(stamped.as_der(), &opts).unwrap();
        assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
        assert_eq!(
            check_status(&report, CheckId::Timestamp),
            CheckStatus::Passed
        );
        let facts = report.signature().unwrap();
        assert_eq!(facts.signing_time, Some(t(31)));
        assert_eq!(facts.claimed_time, Some(t(30)));
        assert_eq!(
            facts.signing_time_source,
            Some(SigningTimeSource::Timestamp)
        );

        // A TSA nobody trusts: the token verifies but its time is not evidence.
        let untrusted = pki.tsa(false);
        let token = untrusted
            .timestamp(sig.signature_value(), t(31), &[8], None)
            .unwrap();
        let report =
            verify_signature(attach_timestamp(&sig, &token).unwrap().as_der(), &opts).unwrap();
        let check = report.check(CheckId::Timestamp).unwrap();
        assert_eq!(
            check.status(),
            CheckStatus::Indeterminate,
            "{}",
            check.message()
        );
        // Judged as if untimestamped: the claimed time is inside every validity.
        assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
        assert!(
            report
                .warnings()
                .iter()
                .any(|w| w.code == "policy.signature.timestamp")
        );
        assert_eq!(
            report.signature().unwrap().signing_time_source,
            Some(SigningTimeSource::Claimed)
        );

        // A token over other bytes, or garbage, in place of the timestamp: anyone can add or
        // strip this unsigned field, so by default it is a warning and no proof of existence;
        // the strict policy fails it.
        let token = tsa.timestamp(b"something else", t(31), &[9], None).unwrap();
        let report =
            verify_signature(attach_timestamp(&sig, &token).unwrap().as_der(), &opts).unwrap();
        assert_eq!(
            check_status(&report, CheckId::Timestamp),
            CheckStatus::Failed
        );
        assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
        let strict = opts.clone().validation_policy(ValidationPolicy::strict());
        let other = attach_timestamp(&sig, &token).unwrap();
        let report = verify_signature(other.as_der(), &strict).unwrap();
        assert_eq!(report.status(), Status::Invalid);
        let garbage = b"\x30\x03\x02\x01\x01";
        let stamped_garbage = attach_timestamp(&sig, garbage).unwrap();
        let report = verify_signature(stamped_garbage.as_der(), &opts).unwrap();
        assert_eq!(
            check_status(&report, CheckId::Timestamp),
            CheckStatus::Failed
        );
        assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
        let warning = report
            .warnings()
            .iter()
            .find(|w| w.code == "policy.signature.timestamp")
            .expect("the unusable timestamp is named in a warning");
        assert!(warning.message.contains("signature.timestamp failed"));
        assert_eq!(
            report.signature().unwrap().signing_time_source,
            Some(SigningTimeSource::Claimed)
        );
        let report = verify_signature(stamped_garbage.as_der(), &strict).unwrap();
        assert_eq!(report.status(), Status::Invalid);
        // The signature value itself still verifies: the report says which part failed.
        assert_eq!(
            check_status(&report, CheckId::SignatureValue),
            CheckStatus::Passed
        );
    }
    let v1 = sign(&pki, &make_seal(&pki, SesVersion::V1));
    assert!(matches!(
        attach_timestamp(&v1, b"\x30\x00"),
        Err(SesError::NotInVersion { .. })
    ));
}

#[test]
fn a_timestamp_proven_time_outside_validity_is_invalid() {
    let pki = Pki::new();
    let store = pki.store();
    let tsa = pki.tsa(true);
    // The seal is valid t(0)..t(365), the signer certificate t(-5)..t(800).
    let seal = make_seal(&pki, SesVersion::V4);
    let sig = sign(&pki, &seal);
    let opts = opts_at(&store, t(950)).data(DataRef::Bytes(DOC));

    // Proven at t(500): after the seal expired. Proven wrong.
    let token = tsa
        .timestamp(sig.signature_value(), t(500), &[21], None)
        .unwrap();
    let stamped = attach_timestamp(&sig, &token).unwrap();
    let report = verify_signature(stamped.as_der(), &opts).unwrap();
    assert_eq!(report.status(), Status::Invalid, "{}", report.to_json());
    let check = report.check(CheckId::SealValidity).unwrap();
    assert_eq!(check.status(), CheckStatus::Failed);
    assert!(check.decisive());
    assert!(
        check.message().contains("timestamp-proven"),
        "{}",
        check.message()
    );
    assert_eq!(
        check_status(&report, CheckId::SignerValidity),
        CheckStatus::Passed
    );

    // Proven at t(900): the signer certificate had expired as well.
    let token = tsa
        .timestamp(sig.signature_value(), t(900), &[22], None)
        .unwrap();
    let stamped = attach_timestamp(&sig, &token).unwrap();
    let report = verify_signature(stamped.as_der(), &opts).unwrap();
    assert_eq!(report.status(), Status::Invalid);
    let check = report.check(CheckId::SignerValidity).unwrap();
    assert_eq!(check.status(), CheckStatus::Failed, "{}", check.message());
    assert!(check.decisive());
    assert!(check.message().contains("proven by a verified timestamp"));

    // The same times only claimed: tests/ses_negative.rs (the builder refuses to claim them).
}
