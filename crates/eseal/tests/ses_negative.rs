//! Negative verification tests: one flipped bit in each signed field, a signer not in the seal,
//! a seal expired at signing time, a swapped maker certificate, mismatched versions, a wrong
//! data hash, revocation before and after signing, strictness, and unreadable input. Each case
//! checks the verdict and the check that must fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "ses_support/fixture.rs"]
mod fixture;

use der::asn1::BitString;
use eseal::oid;
use eseal::pki::Crl;
use eseal::ses::{
    BitOrOctetString, DataRef, ParseMode, Seal, SealStructure, SesError, SesVersion, Signature,
    SignatureStructure, VerifyOptions, v1, v4, verify_parsed_signature, verify_seal,
    verify_signature,
};
use eseal::time::Time;
use eseal::verify::{CheckId, CheckStatus, Report, Status, ValidationPolicy};
use fixture::{DOC, PROPERTY, Party, Pki, make_seal, opts_at, sign, t, tiny_png};

const VERSIONS: [SesVersion; 3] = [SesVersion::V1, SesVersion::V4, SesVersion::V5];

fn status(report: &Report, id: CheckId) -> CheckStatus {
    report
        .check(id)
        .unwrap_or_else(|| panic!("{} missing", id.as_str()))
        .status()
}

fn expect(report: &Report, id: CheckId, want: CheckStatus, case: &str) {
    let got = status(report, id);
    assert_eq!(
        got,
        want,
        "{case}: {} is {got:?}, expected {want:?}\n{}",
        id.as_str(),
        report.to_json()
    );
}

/// Byte offset of the `nth` (0-based) occurrence of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8], nth: usize) -> usize {
    hay.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .nth(nth)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("pattern not found (occurrence {nth})"))
}

fn flip(der: &[u8], at: usize) -> Vec<u8> {
    let mut out = der.to_vec();
    out[at] ^= 0x01;
    out
}

/// The validEnd text t(365) = 2024-12-31 as written in `version`, and the byte to flip in it.
fn valid_end_text(version: SesVersion) -> (&'static [u8], usize) {
    match version {
        SesVersion::V1 => (b"241231000000Z", 4),
        _ => (b"20241231000000Z", 6),
    }
}

/// The timeInfo text t(30) as written in `version`, and the byte to flip in it.
fn time_info_text(version: SesVersion) -> (&'static [u8], usize) {
    match version {
        SesVersion::V1 => (b"2024-01-31T00:00:00Z", 8),
        _ => (b"20240131000000Z", 6),
    }
}

/// The offset of the grey pixel (0x80) of the tiny PNG inside `der`.
fn picture_pixel(der: &[u8]) -> usize {
    let png = tiny_png();
    let pixel = png.iter().position(|&b| b == 0x80).unwrap();
    find(der, &png, 0) + pixel
}

#[test]
fn flipped_bit_in_each_signed_seal_field() {
    let pki = Pki::new();
    let store = pki.store();
    for version in VERSIONS {
        let seal = make_seal(&pki, version);
        let der = seal.as_der();
        let (end, end_at) = valid_end_text(version);
        let mut cases = vec![
            ("esID", find(der, b"33010600000001", 0) + 3),
            ("name", find(der, "eseal 测试".as_bytes(), 0)),
            ("validEnd", find(der, end, 0) + end_at),
            ("picture data", picture_pixel(der)),
            (
                "certList",
                find(der, pki.signer.cert.as_der(), 0) + pki.signer.cert.as_der().len() - 1,
            ),
            ("maker signature", find(der, seal.maker_signature(), 0) + 40),
        ];
        if version == SesVersion::V1 {
            // The GM/T 0031-2014 maker also signs its certificate.
            cases.push((
                "maker cert",
                find(der, pki.maker.cert.as_der(), 0) + pki.maker.cert.as_der().len() - 1,
            ));
        }
        for (field, at) in cases {
            let case = format!("{version} seal, {field}");
            let bad = flip(der, at);
            Seal::from_der(&bad, ParseMode::Strict)
                .unwrap_or_else(|e| panic!("{case}: the flipped seal must still parse: {e}"));
            let report = verify_seal(&bad, &opts_at(&store, t(60))).unwrap();
            assert_eq!(report.status(), Status::Invalid, "{case}");
            expect(
                &report,
                CheckId::SealMakerSignature,
                CheckStatus::Failed,
                &case,
            );
        }
    }
}

#[test]
fn flipped_bit_in_each_signed_signature_field() {
    let pki = Pki::new();
    let store = pki.store();
    let opts = opts_at(&store, t(60)).data(DataRef::Bytes(DOC));
    for version in VERSIONS {
        let sig = sign(&pki, &make_seal(&pki, version));
        let der = sig.as_der();
        let signer = pki.signer.cert.as_der();
        let (end, end_at) = valid_end_text(version);
        let (time, time_at) = time_info_text(version);
        let data_hash = eseal::crypto::sm3::sm3(DOC);
        // (field, offset, checks that must fail)
        let mut cases: Vec<(&str, usize, Vec<CheckId>)> = vec![
            (
                "seal esID",
                find(der, b"33010600000001", 0),
                vec![CheckId::SignatureValue, CheckId::SealMakerSignature],
            ),
            (
                "seal name",
                find(der, "eseal 测试".as_bytes(), 0) + 2,
                vec![CheckId::SignatureValue, CheckId::SealMakerSignature],
            ),
            (
                "seal validEnd",
                find(der, end, 0) + end_at,
                vec![CheckId::SignatureValue, CheckId::SealMakerSignature],
            ),
            (
                "seal picture",
                picture_pixel(der),
                vec![CheckId::SignatureValue, CheckId::SealMakerSignature],
            ),
            (
                "seal certList",
                find(der, signer, 0) + signer.len() - 1,
                vec![
                    CheckId::SignatureValue,
                    CheckId::SealMakerSignature,
                    CheckId::SignerInSeal,
                ],
            ),
            (
                "seal maker signature",
                find(der, sig.seal().maker_signature(), 0) + 40,
                vec![CheckId::SignatureValue, CheckId::SealMakerSignature],
            ),
            (
                "dataHash",
                find(der, &data_hash, 0) + 5,
                vec![CheckId::SignatureValue, CheckId::DataHash],
            ),
            (
                "propertyInfo",
                find(der, PROPERTY.as_bytes(), 0) + 3,
                vec![CheckId::SignatureValue],
            ),
            (
                "timeInfo",
                find(der, time, 0) + time_at,
                vec![CheckId::SignatureValue],
            ),
            (
                "signature value",
                find(der, sig.signature_value(), 0) + 40,
                vec![CheckId::SignatureValue],
            ),
        ];
        let maker = pki.maker.cert.as_der();
        let maker_at = find(der, maker, 0) + maker.len() - 1;
        let signer_at = find(der, signer, 1) + signer.len() - 1;
        if version == SesVersion::V1 {
            cases.push((
                "maker cert",
                maker_at,
                vec![CheckId::SignatureValue, CheckId::SealMakerSignature],
            ));
            // The GM/T 0031-2014 signer certificate is inside TBS_Sign.
            cases.push((
                "signer cert",
                signer_at,
                vec![CheckId::SignatureValue, CheckId::SignerInSeal],
            ));
        } else {
            // The v4/v5 maker signs eSealInfo only; the seal (with its maker certificate) is
            // inside TBS_Sign, and the certificate's own signature no longer verifies.
            cases.push((
                "maker cert",
                maker_at,
                vec![CheckId::SignatureValue, CheckId::SealMakerChain],
            ));
            // Outside TBS_Sign: no longer the certificate the seal lists.
            cases.push(("signer cert", signer_at, vec![CheckId::SignerInSeal]));
        }
        for (field, at, failing) in cases {
            let case = format!("{version} signature, {field}");
            let bad = flip(der, at);
            Signature::from_der(&bad, ParseMode::Strict)
                .unwrap_or_else(|e| panic!("{case}: the flipped signature must still parse: {e}"));
            let report = verify_signature(&bad, &opts).unwrap();
            assert_eq!(
                report.status(),
                Status::Invalid,
                "{case}\n{}",
                report.to_json()
            );
            for id in failing {
                expect(&report, id, CheckStatus::Failed, &case);
            }
        }
    }
}

/// A signature assembled by hand (no refusals), signed with `signer`'s key.
fn hand_signature(
    seal: &Seal,
    layout: SesVersion,
    signer: &Party,
    at: Time,
    tbs_version: Option<i64>,
) -> Signature {
    let key = signer.key.secret_key();
    let hash = eseal::crypto::sm3::sm3(DOC);
    let sign = |tbs: &[u8]| BitString::from_bytes(&key.sign(tbs).unwrap().to_der()).unwrap();
    let structure = if layout == SesVersion::V1 {
        let tbs = v1::TbsSign {
            version: tbs_version.unwrap_or(1),
            eseal: seal.clone(),
            time_info: BitOrOctetString::bit_string(at.to_string().as_bytes()).unwrap(),
            data_hash: BitOrOctetString::bit_string(&hash).unwrap(),
            property_info: PROPERTY.into(),
            cert: signer.cert.as_der().to_vec(),
            signature_algorithm: oid::SM2_WITH_SM3,
        };
        let value = sign(&tbs.to_der().unwrap());
        SignatureStructure::V1(v1::SesSignature::new(tbs, value))
    } else {
        let mut tbs = v4::TbsSign::new(
            seal.clone(),
            eseal::ses::SesTime::generalized(at.to_date_time().unwrap()),
            &hash,
            PROPERTY,
        )
        .unwrap();
        if let Some(v) = tbs_version {
            tbs.version = v;
        }
        let value = sign(&tbs.to_der().unwrap());
        SignatureStructure::V4(v4::SesSignature::new(
            tbs,
            signer.cert.as_der().to_vec(),
            oid::SM2_WITH_SM3,
            value,
        ))
    };
    Signature::from_structure(&structure).unwrap()
}

#[test]
fn signer_not_in_the_seal() {
    let pki = Pki::new();
    let store = pki.store();
    for version in VERSIONS {
        let seal = make_seal(&pki, version);
        let sig = hand_signature(&seal, version, &pki.stranger, t(30), None);
        let report =
            verify_parsed_signature(&sig, &opts_at(&store, t(60)).data(DataRef::Bytes(DOC)));
        assert_eq!(report.status(), Status::Invalid);
        expect(
            &report,
            CheckId::SignerInSeal,
            CheckStatus::Failed,
            "stranger",
        );
        // Everything else about it is in order.
        expect(
            &report,
            CheckId::SignatureValue,
            CheckStatus::Passed,
            "stranger",
        );
        expect(
            &report,
            CheckId::SignerChain,
            CheckStatus::Passed,
            "stranger",
        );
        let check = report.check(CheckId::SignerInSeal).unwrap();
        assert!(check.decisive());
        assert!(
            check.message().contains("not in the seal's certList"),
            "{}",
            check.message()
        );
    }
}

#[test]
fn seal_expired_at_signing_time() {
    let pki = Pki::new();
    let store = pki.store();
    for version in VERSIONS {
        let seal = make_seal(&pki, version);
        // The seal is valid t(0)..t(365); the signer certificate until t(800).
        let sig = hand_signature(&seal, version, &pki.signer, t(400), None);
        let report =
            verify_parsed_signature(&sig, &opts_at(&store, t(500)).data(DataRef::Bytes(DOC)));
        // The signing time is only claimed (no timestamp): not provable, so indeterminate.
        assert_eq!(
            report.status(),
            Status::Indeterminate,
            "{}",
            report.to_json()
        );
        expect(
            &report,
            CheckId::SealValidity,
            CheckStatus::Indeterminate,
            "expired seal",
        );
        let message = &report.check(CheckId::SealValidity).unwrap().message();
        assert!(
            message.contains("claimed signing time outside the seal's validity"),
            "{message}"
        );
        expect(
            &report,
            CheckId::SignerValidity,
            CheckStatus::Passed,
            "expired seal",
        );
        expect(
            &report,
            CheckId::SignatureValue,
            CheckStatus::Passed,
            "expired seal",
        );
        // Before the seal's window, too.
        let early = hand_signature(&seal, version, &pki.signer, t(-2), None);
        let report = verify_parsed_signature(&early, &opts_at(&store, t(60)));
        expect(
            &report,
            CheckId::SealValidity,
            CheckStatus::Indeterminate,
            "early",
        );
        assert_eq!(report.status(), Status::Indeterminate);
    }
}

#[test]
fn bare_seal_expired_at_validation_time_is_indeterminate() {
    let pki = Pki::new();
    let store = pki.store();
    let seal = make_seal(&pki, SesVersion::V4);
    let report = verify_seal(seal.as_der(), &opts_at(&store, t(500))).unwrap();
    // Authentic but expired: a time problem, not a forgery.
    assert_eq!(report.status(), Status::Indeterminate);
    expect(&report, CheckId::SealValidity, CheckStatus::Failed, "bare");
    assert!(!report.check(CheckId::SealValidity).unwrap().decisive());
}

#[test]
fn swapped_maker_certificate() {
    let pki = Pki::new();
    let store = pki.store();
    for version in VERSIONS {
        let seal = make_seal(&pki, version);
        let swapped = match seal.structure().clone() {
            SealStructure::V1(mut s) => {
                s.sign_info.cert = pki.other_maker.cert.as_der().to_vec();
                SealStructure::V1(s)
            }
            SealStructure::V4(mut s) => {
                s.cert = pki.other_maker.cert.as_der().to_vec();
                SealStructure::V4(s)
            }
            _ => unreachable!(),
        };
        let swapped = Seal::from_structure(&swapped).unwrap();
        let report = verify_seal(swapped.as_der(), &opts_at(&store, t(60))).unwrap();
        assert_eq!(report.status(), Status::Invalid, "{version}");
        expect(
            &report,
            CheckId::SealMakerSignature,
            CheckStatus::Failed,
            "swap",
        );
        // The other maker's certificate is itself perfectly valid.
        expect(
            &report,
            CheckId::SealMakerChain,
            CheckStatus::Passed,
            "swap",
        );
        expect(
            &report,
            CheckId::SealMakerValidity,
            CheckStatus::Passed,
            "swap",
        );
        assert_eq!(
            report.seal().unwrap().maker_subject.as_deref(),
            Some(&*pki.other_maker.cert.subject_string())
        );
    }
}

#[test]
fn versions_must_agree() {
    let pki = Pki::new();
    let store = pki.store();
    let v1_seal = make_seal(&pki, SesVersion::V1);
    let v4_seal = make_seal(&pki, SesVersion::V4);
    let v5_seal = make_seal(&pki, SesVersion::V5);
    let opts = opts_at(&store, t(60)).data(DataRef::Bytes(DOC));
    for (case, sig) in [
        (
            "v1 signature carrying a v4 seal",
            hand_signature(&v4_seal, SesVersion::V1, &pki.signer, t(30), None),
        ),
        (
            "v4 signature carrying a v1 seal",
            hand_signature(&v1_seal, SesVersion::V4, &pki.signer, t(30), Some(4)),
        ),
        (
            "TBS_Sign.version 5 with a v4 seal",
            hand_signature(&v4_seal, SesVersion::V4, &pki.signer, t(30), Some(5)),
        ),
        (
            "TBS_Sign.version 4 with a v5 seal",
            hand_signature(&v5_seal, SesVersion::V5, &pki.signer, t(30), Some(4)),
        ),
    ] {
        // It still parses (and re-parses from DER) so that the mismatch can be reported.
        let parsed = Signature::from_der(sig.as_der(), ParseMode::Strict).unwrap();
        let report = verify_parsed_signature(&parsed, &opts);
        assert_eq!(report.status(), Status::Invalid, "{case}");
        expect(
            &report,
            CheckId::SignatureVersion,
            CheckStatus::Failed,
            case,
        );
        expect(&report, CheckId::SignatureValue, CheckStatus::Passed, case);
        let msg = &report.check(CheckId::SignatureVersion).unwrap().message();
        assert!(msg.contains("expected"), "{msg}");
    }
    // The agreeing combinations pass.
    for (seal, layout) in [
        (&v1_seal, SesVersion::V1),
        (&v4_seal, SesVersion::V4),
        (&v5_seal, SesVersion::V5),
    ] {
        let sig = hand_signature(seal, layout, &pki.signer, t(30), None);
        let report = verify_parsed_signature(&sig, &opts);
        expect(
            &report,
            CheckId::SignatureVersion,
            CheckStatus::Passed,
            "agree",
        );
        assert_eq!(report.status(), Status::Valid);
    }
}

#[test]
fn data_hash_mismatch() {
    let pki = Pki::new();
    let store = pki.store();
    for version in VERSIONS {
        let sig = sign(&pki, &make_seal(&pki, version));
        let report = verify_signature(
            sig.as_der(),
            &opts_at(&store, t(60)).data(DataRef::Bytes(b"another document")),
        )
        .unwrap();
        assert_eq!(report.status(), Status::Invalid);
        expect(&report, CheckId::DataHash, CheckStatus::Failed, "data");
        expect(
            &report,
            CheckId::SignatureValue,
            CheckStatus::Passed,
            "data",
        );
        // No data: indeterminate, never passed.
        let report = verify_signature(sig.as_der(), &opts_at(&store, t(60))).unwrap();
        assert_eq!(report.status(), Status::Indeterminate);
        let check = report.check(CheckId::DataHash).unwrap();
        assert_eq!(check.status(), CheckStatus::Indeterminate);
        assert!(check.message().contains("no document data supplied"));
    }
}

fn with_crls<'a>(store: &'a eseal::pki::TrustStore, crls: &'a [Crl]) -> VerifyOptions<'a> {
    opts_at(store, t(60)).data(DataRef::Bytes(DOC)).crls(crls)
}

#[test]
fn revocation_before_and_after_signing() {
    let pki = Pki::new();
    let store = pki.store();
    let sig = sign(&pki, &make_seal(&pki, SesVersion::V4)); // signed at t(30)

    // An empty CRL: not revoked.
    let crls = [pki.empty_crl(t(50))];
    let report = verify_signature(sig.as_der(), &with_crls(&store, &crls)).unwrap();
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    expect(
        &report,
        CheckId::SignerRevocation,
        CheckStatus::Passed,
        "empty CRL",
    );
    expect(
        &report,
        CheckId::SealMakerRevocation,
        CheckStatus::Passed,
        "empty CRL",
    );

    // Revoked at t(10), before the signing time: decisive.
    let crls = [pki.crl_revoking(&pki.signer.cert, t(10), t(50))];
    let report = verify_signature(sig.as_der(), &with_crls(&store, &crls)).unwrap();
    assert_eq!(report.status(), Status::Invalid, "{}", report.to_json());
    expect(
        &report,
        CheckId::SignerRevocation,
        CheckStatus::Failed,
        "revoked before",
    );
    assert!(report.check(CheckId::SignerRevocation).unwrap().decisive());
    // The chain itself (without revocation) is fine.
    expect(
        &report,
        CheckId::SignerChain,
        CheckStatus::Passed,
        "revoked before",
    );

    // Revoked at t(45), after the claimed signing time: the claim is no evidence.
    let crls = [pki.crl_revoking(&pki.signer.cert, t(45), t(50))];
    let report = verify_signature(sig.as_der(), &with_crls(&store, &crls)).unwrap();
    assert_eq!(
        report.status(),
        Status::Indeterminate,
        "{}",
        report.to_json()
    );
    expect(
        &report,
        CheckId::SignerRevocation,
        CheckStatus::Indeterminate,
        "revoked after",
    );
    let msg = &report.check(CheckId::SignerRevocation).unwrap().message();
    assert!(msg.contains("only claimed"), "{msg}");

    // The maker revoked before the seal was made (t(0)): the seal is invalid.
    let crls = [pki.crl_revoking(&pki.maker.cert, t(-1), t(50))];
    let report = verify_signature(sig.as_der(), &with_crls(&store, &crls)).unwrap();
    assert_eq!(report.status(), Status::Invalid);
    expect(
        &report,
        CheckId::SealMakerRevocation,
        CheckStatus::Failed,
        "maker revoked",
    );

    // CRLs from another issuer say nothing about these certificates.
    let other = Pki::new();
    let crls = [other.empty_crl(t(50))];
    let report = verify_signature(sig.as_der(), &with_crls(&store, &crls)).unwrap();
    assert_eq!(report.status(), Status::Indeterminate);
    expect(
        &report,
        CheckId::SignerRevocation,
        CheckStatus::Indeterminate,
        "other CRL",
    );
}

#[test]
fn trust_and_time_problems_alone_are_indeterminate() {
    let pki = Pki::new();
    let store = pki.store();
    let sig = sign(&pki, &make_seal(&pki, SesVersion::V4));
    // No anchors.
    let report = verify_signature(
        sig.as_der(),
        &VerifyOptions::new()
            .validation_time(t(60))
            .data(DataRef::Bytes(DOC)),
    )
    .unwrap();
    assert_eq!(report.status(), Status::Indeterminate);
    for id in [
        CheckId::SignerChain,
        CheckId::SignerChainAtValidation,
        CheckId::SealMakerChain,
        CheckId::SealMakerChainAtValidation,
    ] {
        expect(&report, id, CheckStatus::Indeterminate, "no anchors");
        assert!(
            report
                .check(id)
                .unwrap()
                .message()
                .contains("no trust anchors")
        );
    }
    // Anchors of another PKI.
    let other = Pki::new().store();
    let report = verify_signature(
        sig.as_der(),
        &opts_at(&other, t(60)).data(DataRef::Bytes(DOC)),
    )
    .unwrap();
    assert_eq!(report.status(), Status::Indeterminate);
    expect(
        &report,
        CheckId::SignerChain,
        CheckStatus::Failed,
        "other anchors",
    );
    // Validated long after everything expired (signer certificate until t(800)): the signature
    // was fine when made, so it is indeterminate, not invalid.
    let report = verify_signature(
        sig.as_der(),
        &opts_at(&store, t(2000)).data(DataRef::Bytes(DOC)),
    )
    .unwrap();
    assert_eq!(
        report.status(),
        Status::Indeterminate,
        "{}",
        report.to_json()
    );
    expect(&report, CheckId::SignerChain, CheckStatus::Passed, "late");
    expect(
        &report,
        CheckId::SignerChainAtValidation,
        CheckStatus::Failed,
        "late",
    );
    // No validation time at all.
    let report = verify_signature(
        sig.as_der(),
        &VerifyOptions::new()
            .trust_anchors(&store)
            .data(DataRef::Bytes(DOC)),
    )
    .unwrap();
    assert_eq!(report.status(), Status::Indeterminate);
    let check = report.check(CheckId::SignerChainAtValidation).unwrap();
    assert_eq!(check.status(), CheckStatus::Indeterminate);
    assert!(check.message().contains("no validation time given"));
}

#[test]
fn raw_signature_values_are_a_format_deviation() {
    let pki = Pki::new();
    let store = pki.store();
    let sig = sign(&pki, &make_seal(&pki, SesVersion::V4));
    let SignatureStructure::V4(mut s) = sig.structure().clone() else {
        unreachable!()
    };
    let value = eseal::crypto::Signature::from_der(sig.signature_value()).unwrap();
    s.signature = BitString::from_bytes(&value.to_raw()).unwrap();
    let raw = Signature::from_structure(&SignatureStructure::V4(s)).unwrap();
    let opts = opts_at(&store, t(60)).data(DataRef::Bytes(DOC));
    let strict = verify_parsed_signature(
        &raw,
        &opts.clone().validation_policy(ValidationPolicy::strict()),
    );
    assert_eq!(strict.status(), Status::Invalid);
    expect(
        &strict,
        CheckId::SignatureFormat,
        CheckStatus::Failed,
        "strict raw",
    );
    expect(
        &strict,
        CheckId::SignatureValue,
        CheckStatus::Passed,
        "strict raw",
    );
    let lenient = verify_parsed_signature(&raw, &opts);
    assert_eq!(lenient.status(), Status::Valid, "{}", lenient.to_json());
    assert!(
        lenient
            .warnings()
            .iter()
            .any(|w| w.code == "ses.raw_signature_value")
    );
}

#[test]
fn unsupported_algorithm_is_never_valid() {
    let pki = Pki::new();
    let store = pki.store();
    let sig = sign(&pki, &make_seal(&pki, SesVersion::V4));
    let SignatureStructure::V4(mut s) = sig.structure().clone() else {
        unreachable!()
    };
    s.signature_alg_id = oid::SM3; // not a signature algorithm
    let odd = Signature::from_structure(&SignatureStructure::V4(s.clone())).unwrap();
    let report = verify_parsed_signature(&odd, &opts_at(&store, t(60)).data(DataRef::Bytes(DOC)));
    assert_eq!(report.status(), Status::Indeterminate);
    expect(
        &report,
        CheckId::SignatureAlgorithm,
        CheckStatus::Indeterminate,
        "alg",
    );
    expect(
        &report,
        CheckId::SignatureValue,
        CheckStatus::Indeterminate,
        "alg",
    );
    // The SM2 signature OID is tolerated in lenient mode and refused in strict mode.
    s.signature_alg_id = oid::SM2_SIGN;
    let sm2 = Signature::from_structure(&SignatureStructure::V4(s)).unwrap();
    let opts = opts_at(&store, t(60)).data(DataRef::Bytes(DOC));
    let report = verify_parsed_signature(
        &sm2,
        &opts.clone().validation_policy(ValidationPolicy::strict()),
    );
    assert_eq!(report.status(), Status::Invalid);
    expect(
        &report,
        CheckId::SignatureAlgorithm,
        CheckStatus::Failed,
        "strict",
    );
    let report = verify_parsed_signature(&sm2, &opts.parse_mode(ParseMode::Lenient));
    assert_eq!(report.status(), Status::Valid);
    assert!(
        report
            .warnings()
            .iter()
            .any(|w| w.code == "ses.sm2_sign_oid")
    );
}

#[test]
fn unreadable_input_is_an_error_not_a_report() {
    let opts = VerifyOptions::new();
    for bad in [&b""[..], b"\x30\x00", b"\x04\x02ab", b"\x30\x82\xff"] {
        assert!(verify_seal(bad, &opts).is_err());
        assert!(verify_signature(bad, &opts).is_err());
    }
    let pki = Pki::new();
    let sig = sign(&pki, &make_seal(&pki, SesVersion::V4));
    let truncated = &sig.as_der()[..sig.as_der().len() - 10];
    assert!(matches!(
        verify_signature(truncated, &opts),
        Err(SesError::Malformed { .. })
    ));
    // A seal is not a signature and vice versa.
    assert!(matches!(
        verify_signature(sig.seal().as_der(), &opts),
        Err(SesError::NotSes { .. }) | Err(SesError::Malformed { .. })
    ));
    assert!(verify_seal(sig.as_der(), &opts).is_err());
}

#[test]
fn unreadable_certificates_are_indeterminate_not_valid() {
    let pki = Pki::new();
    let store = pki.store();
    let seal = make_seal(&pki, SesVersion::V4);
    let SealStructure::V4(mut s) = seal.structure().clone() else {
        unreachable!()
    };
    s.cert = b"not a certificate".to_vec();
    let odd = Seal::from_structure(&SealStructure::V4(s)).unwrap();
    let report = verify_seal(odd.as_der(), &opts_at(&store, t(60))).unwrap();
    assert_ne!(report.status(), Status::Valid);
    expect(
        &report,
        CheckId::SealMakerSignature,
        CheckStatus::Indeterminate,
        "cert",
    );
    expect(
        &report,
        CheckId::SealMakerChain,
        CheckStatus::Indeterminate,
        "cert",
    );
    assert_eq!(report.seal().unwrap().maker_subject, None);
}

/// A policy that requires revocation checking never passes without CRLs.
#[test]
fn required_revocation_without_crls_is_indeterminate() {
    let pki = Pki::new();
    let store = pki.store();
    let sig = sign(&pki, &make_seal(&pki, SesVersion::V4));
    let mut policy = eseal::pki::Policy::strict();
    policy.require_revocation_check = true;
    let opts = opts_at(&store, t(60))
        .policy(policy)
        .data(DataRef::Bytes(DOC));
    let report = verify_signature(sig.as_der(), &opts).unwrap();
    let check = report.check(CheckId::SignerRevocation).unwrap();
    assert_eq!(
        check.status(),
        CheckStatus::Indeterminate,
        "{}",
        check.message()
    );
    assert_eq!(report.status(), Status::Indeterminate);
}
