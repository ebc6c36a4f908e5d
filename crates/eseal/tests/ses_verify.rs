//! Verification of the ofdrw seals and signatures (`../shared/test-vectors/ofdrw/`): every
//! sample's cryptographic checks, the verdicts with and without a validation time, and the
//! report as JSON.
//!
//! The ofdrw certificates (root, seal maker, user) are valid from 2020-04 to 2022-04 and the
//! root lacks CA flags, so the "valid" cases use a validation time of 2021-06-01, the ofdrw
//! ROOT as anchor (extracted from `ROOT.p12` with the `openssl` CLI) and
//! `Policy::lenient_anchors()`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/cross.rs"]
mod cross;

use std::io::Read;

use eseal::pki::{Certificate, Policy, TrustStore};
use eseal::ses::{
    DataRef, ParseMode, Seal, Signature, VerifyOptions, verify_parsed_signature, verify_seal,
    verify_signature,
};
use eseal::time::Time;
use eseal::verify::{CheckCategory, CheckId, CheckStatus, Report, Status, ValidationPolicy};

fn vector(name: &str) -> Vec<u8> {
    let path = cross::shared_vectors().join("ofdrw").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The entries of a zip whose name ends with `suffix`, by name.
fn zip_entries(ofd: &str, suffix: &str) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(vector(ofd))).unwrap();
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        if entry.name().ends_with(suffix) {
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            out.push((entry.name().to_owned(), data));
        }
    }
    out
}

/// (name, SignedValue.dat, Signature.xml beside it) of every SES signature in a signed OFD.
fn ofd_signatures(ofd: &str) -> Vec<(String, Vec<u8>, Vec<u8>)> {
    let xmls = zip_entries(ofd, "Signature.xml");
    let values = zip_entries(ofd, "SignedValue.dat");
    assert!(!values.is_empty(), "{ofd} has no SignedValue.dat");
    values
        .into_iter()
        .map(|(name, value)| {
            let dir = name.trim_end_matches("SignedValue.dat");
            let xml = xmls
                .iter()
                .find(|(n, _)| n == &format!("{dir}Signature.xml"))
                .map(|(_, x)| x.clone())
                .unwrap_or_else(|| panic!("{ofd}: no Signature.xml beside {name}"));
            (format!("{ofd}!{name}"), value, xml)
        })
        .collect()
}

/// The ofdrw demo root, extracted with the openssl CLI (no PKCS#12 reader in eseal yet).
fn ofdrw_root() -> Option<Certificate> {
    if !cross::have_openssl() {
        return None;
    }
    let p12 = cross::shared_vectors().join("ofdrw/ROOT.p12");
    let pem = cross::run(
        "openssl",
        &[
            "pkcs12",
            "-in",
            p12.to_str().unwrap(),
            "-nokeys",
            "-passin",
            "pass:123456",
            "-legacy",
        ],
        None,
    );
    Some(Certificate::from_pem(&pem).unwrap())
}

fn assert_check(report: &Report, id: CheckId, expected: CheckStatus, name: &str) {
    let check = report.check(id).unwrap();
    assert_eq!(
        check.status(),
        expected,
        "{name}: {} is {:?}: {}\n{}",
        id.as_str(),
        check.status(),
        check.message(),
        report.to_json()
    );
}

/// Every cryptographic and format check passed.
fn assert_crypto_passes(report: &Report, name: &str) {
    for c in report.checks() {
        if matches!(
            c.category(),
            CheckCategory::Cryptographic | CheckCategory::Format
        ) && c.status() != CheckStatus::NotApplicable
        {
            assert_eq!(
                c.status(),
                CheckStatus::Passed,
                "{name}: {} {:?}: {}",
                c.id().as_str(),
                c.status(),
                c.message()
            );
        }
    }
}

fn t2021() -> Time {
    Time::parse_rfc3339("2021-06-01T00:00:00Z").unwrap()
}

#[test]
fn bare_seals_without_validation_time_are_indeterminate() {
    for name in ["UserV1.esl", "UserV4.esl", "UserV5.esl"] {
        let report = verify_seal(&vector(name), &VerifyOptions::new()).unwrap();
        assert_crypto_passes(&report, name);
        assert_eq!(report.status(), Status::Indeterminate, "{name}");
        assert_check(
            &report,
            CheckId::SealValidity,
            CheckStatus::Indeterminate,
            name,
        );
        assert_check(
            &report,
            CheckId::SealMakerChain,
            CheckStatus::Indeterminate,
            name,
        );
        assert_check(
            &report,
            CheckId::SealTimestamp,
            CheckStatus::NotApplicable,
            name,
        );
        let facts = report.seal().unwrap();
        let form = if name == "UserV1.esl" {
            "seal_info_cert_algorithm"
        } else {
            "seal_info_only"
        };
        assert_eq!(
            facts.maker_signed_form.map(|f| f.as_str()),
            Some(form),
            "{name}"
        );
        assert!(facts.maker_subject.is_some(), "{name}");
        assert_eq!(facts.signers.len(), 1, "{name}");
    }
}

#[test]
fn sesealdata_maker_signature_fails() {
    let input = vector("SESealData.DER");
    // Strict mode: the written-out `critical` FALSE fails seal.format as well.
    let strict = verify_seal(
        &input,
        &VerifyOptions::new().validation_policy(ValidationPolicy::strict()),
    )
    .unwrap();
    assert_eq!(strict.status(), Status::Invalid);
    assert_check(&strict, CheckId::SealFormat, CheckStatus::Failed, "strict");
    let opts = VerifyOptions::new()
        .parse_mode(ParseMode::Lenient)
        .validation_time(t2021());
    let report = verify_seal(&input, &opts).unwrap();
    assert_eq!(report.status(), Status::Invalid, "{}", report.to_json());
    assert_check(&report, CheckId::SealFormat, CheckStatus::Passed, "lenient");
    assert_check(
        &report,
        CheckId::SealMakerAlgorithm,
        CheckStatus::Passed,
        "lenient",
    );
    assert_check(
        &report,
        CheckId::SealMakerSignature,
        CheckStatus::Failed,
        "lenient",
    );
    let check = report.check(CheckId::SealMakerSignature).unwrap();
    assert!(check.decisive());
    assert!(
        check.message().contains("does not verify"),
        "{}",
        check.message()
    );
    assert_eq!(report.seal().unwrap().maker_signed_form, None);
    // The maker certificate had expired before the seal's claimed creation date: only claimed,
    // so not proven wrong.
    assert_check(
        &report,
        CheckId::SealMakerValidity,
        CheckStatus::Indeterminate,
        "lenient",
    );
    let codes: Vec<&str> = report.warnings().iter().map(|w| &*w.code).collect();
    assert_eq!(
        codes
            .iter()
            .filter(|c| **c == "ses.deviation.critical_false_present")
            .count(),
        2,
        "{codes:?}"
    );
}

#[test]
fn signatures_without_validation_time_are_indeterminate() {
    type Case = (String, Vec<u8>, Option<Vec<u8>>, ParseMode);
    let mut cases: Vec<Case> = vec![(
        "SignedValueV4.dat".into(),
        vector("SignedValueV4.dat"),
        None,
        ParseMode::Strict,
    )];
    for ofd in ["SESV4SignDoc.ofd", "allprotected.ofd"] {
        for (name, value, xml) in ofd_signatures(ofd) {
            cases.push((name, value, Some(xml), ParseMode::Strict));
        }
    }
    // The GOMAIN seals write `critical` FALSE out: lenient mode.
    for ofd in ["signedFile.ofd", "v4signed.ofd"] {
        for (name, value, xml) in ofd_signatures(ofd) {
            cases.push((name, value, Some(xml), ParseMode::Lenient));
        }
    }
    for (name, value, xml, mode) in &cases {
        let mut opts = VerifyOptions::new().parse_mode(*mode);
        if let Some(xml) = xml {
            opts = opts.data(DataRef::Bytes(xml));
        }
        let report = verify_signature(value, &opts).unwrap();
        assert_crypto_passes(&report, name);
        assert_check(
            &report,
            CheckId::SignatureVersion,
            CheckStatus::Passed,
            name,
        );
        assert_check(&report, CheckId::SignerInSeal, CheckStatus::Passed, name);
        let data_status = if xml.is_some() {
            CheckStatus::Passed
        } else {
            CheckStatus::Indeterminate
        };
        assert_check(&report, CheckId::DataHash, data_status, name);
        assert_check(
            &report,
            CheckId::SignerChainAtValidation,
            CheckStatus::Indeterminate,
            name,
        );
        if name.starts_with("SESV4SignDoc") {
            // Claims a signing time after its seal expired; no timestamp proves it, so the
            // signature is not proven wrong (ETSI EN 319 102-1 proof of existence).
            assert_eq!(report.status(), Status::Indeterminate, "{name}");
            assert_check(
                &report,
                CheckId::SealValidity,
                CheckStatus::Indeterminate,
                name,
            );
            assert!(
                report
                    .check(CheckId::SealValidity)
                    .unwrap()
                    .message()
                    .contains("claimed signing time outside")
            );
        } else {
            assert_eq!(report.status(), Status::Indeterminate, "{name}");
            assert_check(&report, CheckId::SealValidity, CheckStatus::Passed, name);
        }
        let facts = report.signature().unwrap();
        assert_eq!(
            facts.signing_time_source,
            Some(eseal::verify::SigningTimeSource::Claimed)
        );
        assert_eq!(facts.property_info, "/Doc_0/Signs/Sign_0/Signature.xml");
    }
}

#[test]
fn signed_value_v4_is_not_over_the_folder_signature_xml() {
    // The Signature.xml beside SignedValueV4.dat in the folder belongs to another signature
    // (its SM3 is not the dataHash): the data check fails, the rest still verifies.
    let report = verify_signature(
        &vector("SignedValueV4.dat"),
        &VerifyOptions::new().data(DataRef::Bytes(&vector("Signature.xml"))),
    )
    .unwrap();
    assert_check(&report, CheckId::DataHash, CheckStatus::Failed, "dat");
    assert_check(&report, CheckId::SignatureValue, CheckStatus::Passed, "dat");
    assert_eq!(report.status(), Status::Invalid);
}

#[test]
fn ofdrw_samples_at_2021_with_the_ofdrw_root() {
    let Some(root) = ofdrw_root() else { return };
    let store = TrustStore::from_certificates([root]);
    let base = VerifyOptions::new()
        .trust_anchors(&store)
        .policy(Policy::lenient_anchors())
        .validation_time(t2021());

    for name in ["UserV1.esl", "UserV4.esl"] {
        let report = verify_seal(&vector(name), &base).unwrap();
        assert_eq!(
            report.status(),
            Status::Valid,
            "{name}\n{}",
            report.to_json()
        );
        assert_check(&report, CheckId::SealMakerChain, CheckStatus::Passed, name);
        assert_check(
            &report,
            CheckId::SealMakerChainAtValidation,
            CheckStatus::Passed,
            name,
        );
        assert_check(&report, CheckId::SealValidity, CheckStatus::Passed, name);
        assert_check(
            &report,
            CheckId::SealMakerRevocation,
            CheckStatus::NotApplicable,
            name,
        );
        assert!(
            report
                .warnings()
                .iter()
                .any(|w| w.code == "policy.anchor_without_ca_constraints"
                    || w.code == "policy.missing_key_cert_sign"),
            "{name}: the relaxed anchor rules are reported: {:?}",
            report.warnings()
        );
    }

    // UserV5: made in 2026 with a maker certificate that expired in 2022.
    let report = verify_seal(&vector("UserV5.esl"), &base).unwrap();
    assert_ne!(report.status(), Status::Valid, "{}", report.to_json());
    assert_check(
        &report,
        CheckId::SealMakerSignature,
        CheckStatus::Passed,
        "V5",
    );
    assert_check(
        &report,
        CheckId::SealMakerValidity,
        CheckStatus::Indeterminate,
        "V5",
    );
    assert_check(&report, CheckId::SealMakerChain, CheckStatus::Failed, "V5");

    let report = verify_signature(&vector("SignedValueV4.dat"), &base).unwrap();
    // No document for SignedValueV4.dat: everything else is valid, the data hash unknown.
    assert_eq!(report.status(), Status::Indeterminate);
    assert_check(
        &report,
        CheckId::DataHash,
        CheckStatus::Indeterminate,
        "dat",
    );
    let sig = Signature::from_der(&vector("SignedValueV4.dat"), ParseMode::Strict).unwrap();
    // The data hash is what the signer claimed: supplying it as the digest shows every other
    // check passing.
    let digest: [u8; 32] = sig.data_hash().try_into().unwrap();
    let report = verify_parsed_signature(&sig, &base.clone().data(DataRef::Sm3Digest(digest)));
    assert_eq!(report.status(), Status::Valid, "{}", report.to_json());

    for (name, value, xml) in ofd_signatures("allprotected.ofd") {
        let report = verify_signature(&value, &base.clone().data(DataRef::Bytes(&xml))).unwrap();
        assert_eq!(
            report.status(),
            Status::Valid,
            "{name}\n{}",
            report.to_json()
        );
        for id in [
            CheckId::SignatureValue,
            CheckId::SealMakerSignature,
            CheckId::SignerInSeal,
            CheckId::DataHash,
            CheckId::SignerChain,
            CheckId::SignerChainAtValidation,
            CheckId::SignerValidity,
            CheckId::SealMakerChain,
            CheckId::SealValidity,
        ] {
            assert_check(&report, id, CheckStatus::Passed, &name);
        }
    }

    for (name, value, xml) in ofd_signatures("SESV4SignDoc.ofd") {
        let report = verify_signature(&value, &base.clone().data(DataRef::Bytes(&xml))).unwrap();
        // Authentic, but claims a signing time outside the seal's and the signer's validity:
        // not provable, not proven wrong.
        assert_eq!(
            report.status(),
            Status::Indeterminate,
            "{name}\n{}",
            report.to_json()
        );
        assert_check(&report, CheckId::SignatureValue, CheckStatus::Passed, &name);
        assert_check(&report, CheckId::DataHash, CheckStatus::Passed, &name);
        assert_check(
            &report,
            CheckId::SealValidity,
            CheckStatus::Indeterminate,
            &name,
        );
        assert_check(
            &report,
            CheckId::SignerValidity,
            CheckStatus::Indeterminate,
            &name,
        );
        assert_check(&report, CheckId::SignerChain, CheckStatus::Failed, &name);
        // At the 2021 validation time the signer's chain was fine: the signature is judged
        // by its own signing time.
        assert_check(
            &report,
            CheckId::SignerChainAtValidation,
            CheckStatus::Passed,
            &name,
        );
    }
}

#[test]
fn samples_round_trip_and_parse_in_both_modes() {
    for name in ["UserV1.esl", "UserV4.esl", "UserV5.esl", "SESealData.DER"] {
        let input = vector(name);
        let seal = Seal::from_der(&input, ParseMode::Lenient).unwrap();
        assert_eq!(seal.to_der().unwrap(), input, "{name}");
    }
    let mut values = vec![vector("SignedValueV4.dat")];
    for ofd in [
        "SESV4SignDoc.ofd",
        "allprotected.ofd",
        "signedFile.ofd",
        "v4signed.ofd",
    ] {
        values.extend(ofd_signatures(ofd).into_iter().map(|(_, v, _)| v));
    }
    for v in values {
        let sig = Signature::from_der(&v, ParseMode::Lenient).unwrap();
        assert_eq!(sig.to_der().unwrap(), v);
    }
}

#[test]
fn report_as_json() {
    let Some(root) = ofdrw_root() else { return };
    let store = TrustStore::from_certificates([root]);
    let (name, value, xml) = ofd_signatures("allprotected.ofd").remove(0);
    let opts = VerifyOptions::new()
        .trust_anchors(&store)
        .policy(Policy::lenient_anchors())
        .validation_time(t2021())
        .data(DataRef::Bytes(&xml));
    let report = verify_signature(&value, &opts).unwrap();
    let json = report.to_json();
    println!("{name}:\n{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["status"], "valid");
    assert_eq!(v["kind"], "signature");
    assert_eq!(v["seal"]["es_id"], "51f044b76510434e9bc67a1185c2fba5");
    assert_eq!(v["seal"]["version"], "v4");
    assert_eq!(v["seal"]["picture"]["declared_type"], "PNG");
    assert_eq!(v["seal"]["picture"]["detected_type"], "PNG");
    assert_eq!(v["seal"]["maker_signed_form"], "seal_info_only");
    assert_eq!(v["signature"]["signing_time_source"], "claimed");
    assert_eq!(v["signature"]["algorithm"], "1.2.156.10197.1.501");
    assert!(
        v["signature"]["signer_subject"]
            .as_str()
            .unwrap()
            .contains("CN=")
    );
    let ids: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    // Every SES check id (the OFD and document ids belong to document reports).
    for id in CheckId::ALL
        .iter()
        .filter(|id| id.as_str().starts_with("seal.") || id.as_str().starts_with("signature."))
    {
        assert!(
            ids.contains(&id.as_str()),
            "{} not in the report",
            id.as_str()
        );
    }
}
