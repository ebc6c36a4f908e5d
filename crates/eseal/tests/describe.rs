//! The typed descriptions the CLI, C and WebAssembly share: `Certificate::describe`,
//! `PathReport` (`cert verify`) and `Seal::describe` (`seal show`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "pki_support/ca.rs"]
mod ca;

use ca::{chain, t};
use eseal::pki::{
    Certificate, ChainRole, PathReport, Policy, RevocationCode, TrustStore, verify_path,
};
use eseal::ses::{ParseMode, Seal, SesVersion, SignerDescription};
use eseal::verify::Status;

fn report(
    target: &Certificate,
    inters: &[Certificate],
    root: &Certificate,
    at: eseal::pki::Time,
) -> PathReport {
    let result = verify_path(
        target,
        inters,
        &TrustStore::from_certificates([root.clone()]),
        &[],
        &Policy::default(),
        at,
    );
    PathReport::new(target, &result, at, "default")
}

#[test]
fn path_report_of_a_valid_chain_names_roles_and_revocation() {
    let c = chain();
    let inter = c.inter.certificate().clone();
    let r = report(
        &c.leaf,
        std::slice::from_ref(&inter),
        c.root.certificate(),
        t(10),
    );
    assert_eq!(r.status(), Status::Valid);
    assert!(r.error().is_none());
    let roles: Vec<ChainRole> = r.chain().iter().map(|l| l.role).collect();
    assert_eq!(
        roles,
        [
            ChainRole::Target,
            ChainRole::Intermediate,
            ChainRole::Anchor
        ]
    );
    assert_eq!(r.chain()[1].certificate, inter.describe());
    assert_eq!(r.revocation().len(), 2);
    assert_eq!(r.revocation()[0].status, RevocationCode::Unknown);
    assert!(
        r.revocation()[0].detail.contains("no CRL"),
        "{:?}",
        r.revocation()
    );
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["schema"], eseal::pki::PATH_REPORT_SCHEMA);
    assert_eq!(json["status"], "valid");
    assert_eq!(json["chain"][2]["role"], "anchor");
    assert_eq!(json["chain"][0]["subject"], c.leaf.subject_string());
    assert_eq!(json["certificate"]["serial"], c.leaf.serial_hex());
    assert!(json["error"].is_null());
}

#[test]
fn path_report_status_follows_the_failure() {
    let c = chain();
    let inters = [c.inter.certificate().clone()];
    // Expired at the validation time: not proven wrong, only not valid then.
    let expired = report(&c.leaf, &inters, c.root.certificate(), t(100_000));
    assert_eq!(expired.status(), Status::Indeterminate);
    let e = expired.error().unwrap();
    assert_eq!(e.id, "cert.expired");
    assert!(expired.chain().is_empty());
    // A certificate whose signature does not verify under its issuer: forged.
    let mut der = c.leaf.as_der().to_vec();
    *der.last_mut().unwrap() ^= 0x01;
    let forged = Certificate::from_der(&der).unwrap();
    let bad = report(&forged, &inters, c.root.certificate(), t(10));
    assert_eq!(bad.status(), Status::Invalid);
    let json: serde_json::Value = serde_json::from_str(&bad.to_json()).unwrap();
    assert_eq!(json["error"]["class"], "crypto");
    assert_eq!(json["status"], "invalid");
}

#[test]
fn certificate_description_matches_the_accessors() {
    let c = chain();
    let d = c.root.certificate().describe();
    assert_eq!(d.subject, c.root.certificate().subject_string());
    assert!(d.self_issued);
    assert!(d.basic_constraints.unwrap().ca);
    assert_eq!(d.public_key.as_deref().map(<[u8]>::len), Some(65));
    assert!(d.key_usage.unwrap().contains(&"keyCertSign"));
    let s = c.leaf.summary();
    assert_eq!(s.fingerprint_sm3, c.leaf.fingerprint_sm3());
}

#[test]
fn seal_description_of_an_ofdrw_seal() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/test-vectors/ofdrw/UserV4.esl"
    );
    let Ok(bytes) = std::fs::read(path) else {
        assert!(
            std::env::var_os("ESEAL_REQUIRE_CROSS_TOOLS").is_none(),
            "{path} missing"
        );
        return;
    };
    let seal = Seal::from_der(&bytes, ParseMode::Lenient).unwrap();
    let d = seal.describe();
    assert_eq!(d.version, SesVersion::V4);
    assert_eq!(d.name, seal.name());
    assert_eq!(d.picture.size_bytes, seal.picture().data.len());
    assert_eq!(d.maker_signature, seal.maker_signature());
    assert_eq!(d.signers.len(), 1);
    assert!(
        matches!(&d.signers[0], SignerDescription::Certificate(c) if c.subject.contains("CN="))
    );
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["version"], "v4");
    assert_eq!(json["picture"]["detected_type"], "PNG");
    assert_eq!(json["valid_to"], d.valid_to.to_string());
}
