//! Property tests (proptest): encode/decode round trips of seals, signatures, identifiers and the
//! report JSON over generated values, that what the builders make verifies, and that the verdict
//! is monotone (one more failed check never makes a result better).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "ses_support/fixture.rs"]
mod fixture;

use std::sync::OnceLock;

use eseal::license::{LicenseId, Uscc};
use eseal::ses::{
    DataRef, DataToSign, ParseMode, PictureFormat, Seal, SealBuilder, SealPicture, SealType,
    SealValidity, SesVersion, Signature, SignatureBuilder, verify_seal, verify_signature,
};
use eseal::verify::{
    Check, CheckCategory, CheckId, CheckStatus, DocumentFormat, DocumentReport, Report, ReportKind,
    SignatureEntry, Status, ValidationPolicy,
};
use fixture::{Pki, opts_at, t, tiny_png};
use proptest::prelude::*;

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(Pki::new)
}

fn version() -> impl Strategy<Value = SesVersion> {
    prop_oneof![
        Just(SesVersion::V1),
        Just(SesVersion::V4),
        Just(SesVersion::V5)
    ]
}

fn seal_type() -> impl Strategy<Value = SealType> {
    prop_oneof![
        Just(SealType::Official),
        Just(SealType::Personal),
        (3i64..1000).prop_map(SealType::Other)
    ]
}

/// Seal field values: version, esID, name, type, vendor, (created, from, to) as day offsets
/// inside the maker's certificate validity (t(-5)..t(1000)).
/// Version, esID, name, type, vendor, (created, valid-from offset, length) in days.
type SealFields = (
    SesVersion,
    String,
    String,
    SealType,
    String,
    (i64, i64, i64),
);

fn seal_fields() -> impl Strategy<Value = SealFields> {
    (
        version(),
        "[0-9A-Za-z]{1,32}",
        "\\PC{1,30}",
        seal_type(),
        "[A-Za-z0-9&]{0,16}",
        (-4i64..300, 1i64..300, 1i64..300),
    )
}

fn build(
    (version, es_id, name, seal_type, vendor, (created, from, len)): SealFields,
) -> (Seal, i64, i64) {
    let p = pki();
    let valid_from = created.max(-4) + from.min(300);
    let valid_to = valid_from + len;
    let validity = SealValidity::new(t(created), t(valid_from), t(valid_to)).unwrap();
    let picture = SealPicture::new(PictureFormat::Png, tiny_png(), 40, 40).unwrap();
    let mut b = SealBuilder::new(es_id, name, seal_type, validity, picture);
    b.version(version)
        .vendor_id(vendor)
        .add_signer_certificate(&p.signer.cert);
    let seal = b.build(&p.maker.key, &p.maker.cert).unwrap();
    (seal, valid_from, valid_to)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn built_seals_round_trip_and_verify(fields in seal_fields()) {
        let (seal, from, to) = build(fields.clone());
        let der = seal.to_der().unwrap();
        let back = Seal::from_der(&der, ParseMode::Strict).unwrap();
        prop_assert_eq!(back.to_der().unwrap(), der.clone());
        prop_assert_eq!(back.version(), fields.0);
        prop_assert_eq!(back.es_id(), fields.1.as_str());
        prop_assert_eq!(back.name(), fields.2.as_str());
        prop_assert_eq!(back.seal_type(), fields.3.code());
        prop_assert!(back.deviations().is_empty());
        let store = pki().store();
        let at = (from + to) / 2;
        let report = verify_seal(&der, &opts_at(&store, t(at))).unwrap();
        prop_assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
    }

    #[test]
    fn built_signatures_round_trip_and_verify(
        fields in seal_fields(),
        data in proptest::collection::vec(any::<u8>(), 0..256),
        property in "/[A-Za-z0-9_/.]{0,40}",
        when in 0u32..1000,
    ) {
        let p = pki();
        let (seal, from, to) = build(fields);
        // A signing time inside the seal's validity; verified a day later.
        let signed_at = from + i64::from(when) % (to - from);
        let sig = SignatureBuilder::new(&seal, &p.signer.cert, DataToSign::Bytes(&data), property.clone(), t(signed_at))
            .sign(&p.signer.key)
            .unwrap();
        let der = sig.to_der().unwrap();
        let back = Signature::from_der(&der, ParseMode::Strict).unwrap();
        prop_assert_eq!(back.to_der().unwrap(), der.clone());
        prop_assert_eq!(back.property_info(), property.as_str());
        let store = p.store();
        let opts = opts_at(&store, t(signed_at + 1)).data(DataRef::Bytes(&data));
        let report = verify_signature(&der, &opts).unwrap();
        prop_assert_eq!(report.status(), Status::Valid, "{}", report.to_json());
        // Other data: the data hash fails, so the signature is invalid.
        let mut other = data.clone();
        other.push(1);
        let opts = opts_at(&store, t(signed_at + 1)).data(DataRef::Bytes(&other));
        prop_assert_eq!(verify_signature(&der, &opts).unwrap().status(), Status::Invalid);
    }
}

const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A valid unified social credit code made from 17 generated characters and the check
/// character that `Uscc::parse` accepts (found by trying each).
fn uscc() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        proptest::sample::select(USCC_CHARS.chars().collect::<Vec<_>>()),
        17,
    )
    .prop_filter_map("no check character fits", |chars| {
        let base: String = chars.into_iter().collect();
        USCC_CHARS
            .chars()
            .map(|c| format!("{base}{c}"))
            .find(|s| Uscc::parse(s).is_ok())
    })
}

proptest! {
    #[test]
    fn license_identifiers_round_trip(
        authority in uscc(),
        issuer in uscc(),
        kind in "[0-9]{3}",
        serial in "[0-9A-Z]{1,20}",
        version in "[0-9]{3}",
    ) {
        let type_code = format!("{authority}{kind}");
        let id = LicenseId::new(&type_code, &issuer, &serial, &version).unwrap();
        let text = id.to_string();
        prop_assert_eq!(LicenseId::parse(&text).unwrap(), id.clone());
        prop_assert_eq!(id.type_code(), type_code.as_str());
        prop_assert_eq!(id.issuer().as_str(), issuer.as_str());
        // Any change of the check character is refused.
        let mut broken: Vec<char> = text.chars().collect();
        let last = broken.len() - 1;
        broken[last] = if broken[last] == '0' { '1' } else { '0' };
        let broken: String = broken.into_iter().collect();
        prop_assert!(LicenseId::parse(&broken).is_err());
    }
}

fn rank(s: Status) -> u8 {
    match s {
        Status::Valid => 2,
        Status::Indeterminate => 1,
        _ => 0,
    }
}

fn check() -> impl Strategy<Value = Check> {
    (
        proptest::sample::select(CheckId::ALL),
        proptest::sample::select(CheckCategory::ALL),
        proptest::sample::select(CheckStatus::ALL),
        "\\PC{0,40}",
        any::<bool>(),
    )
        .prop_map(|(id, category, outcome, message, decisive)| {
            let c = Check::new(id, category, outcome, message);
            if decisive { c.make_decisive() } else { c }
        })
}

fn policy() -> impl Strategy<Value = Option<ValidationPolicy>> {
    prop_oneof![
        Just(None),
        Just(Some(ValidationPolicy::default_policy())),
        Just(Some(ValidationPolicy::strict())),
        Just(Some(ValidationPolicy::relaxed())),
    ]
}

fn report_of(checks: &[Check], policy: Option<&ValidationPolicy>) -> Report {
    let mut r = Report::new(ReportKind::Signature, None);
    for c in checks {
        r.push(c.clone());
    }
    if let Some(p) = policy {
        r.apply_policy(p);
    }
    r
}

proptest! {
    #[test]
    fn verdict_is_monotone(
        checks in proptest::collection::vec(check(), 0..12),
        extra in check(),
        policy in policy(),
    ) {
        let base = report_of(&checks, policy.as_ref());
        // One more check that failed never improves the status, whatever its id or category.
        let failed = Check::new(extra.id(), extra.category(), CheckStatus::Failed, "injected");
        let mut more = checks.clone();
        more.push(failed);
        let worse = report_of(&more, policy.as_ref());
        prop_assert!(rank(worse.status()) <= rank(base.status()));
        // A report is valid only when some check passed and none that counts failed or was open.
        if base.status() == Status::Valid {
            prop_assert!(base.checks().iter().any(|c| c.status() == CheckStatus::Passed));
            prop_assert!(base.checks().iter().filter(|c| c.counts()).all(|c| matches!(
                c.status(),
                CheckStatus::Passed | CheckStatus::NotApplicable
            )));
        }
    }

    #[test]
    fn report_json_round_trips(
        reports in proptest::collection::vec((proptest::collection::vec(check(), 0..8), policy()), 0..4),
        doc_check in proptest::option::of(check()),
    ) {
        let mut doc = DocumentReport::new(DocumentFormat::Ofd, None);
        for (checks, policy) in &reports {
            doc.push_signature(SignatureEntry::new(None, None, report_of(checks, policy.as_ref())));
        }
        if let Some(c) = doc_check {
            doc.push_check(c);
        }
        let json: serde_json::Value = serde_json::from_str(&doc.to_json()).unwrap();
        prop_assert_eq!(json["status"].as_str(), Some(doc.status().as_str()));
        prop_assert_eq!(json["schema_version"].as_u64(), Some(u64::from(doc.schema_version())));
        let sigs = json["signatures"].as_array().unwrap();
        prop_assert_eq!(sigs.len(), doc.signatures().len());
        for (entry, value) in doc.signatures().iter().zip(sigs) {
            let checks = value["report"]["checks"].as_array().unwrap();
            prop_assert_eq!(checks.len(), entry.report().checks().len());
            for (c, v) in entry.report().checks().iter().zip(checks) {
                prop_assert_eq!(v["id"].as_str(), Some(c.id().as_str()));
                prop_assert_eq!(v["status"].as_str(), Some(c.status().as_str()));
                prop_assert_eq!(v["message"].as_str(), Some(c.message()));
                prop_assert_eq!(v["level"].as_str(), Some(c.level().as_str()));
            }
            prop_assert!(rank(doc.status()) <= rank(entry.report().status()));
        }
    }
}
