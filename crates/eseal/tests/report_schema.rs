//! The JSON report matches its documented schema (`docs/report-schema.md`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use eseal::time::Time;
use eseal::verify::{Check, CheckCategory, CheckId, Report, ReportKind, Status, Warning};

fn schema_doc() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/report-schema.md");
    std::fs::read_to_string(path).expect("docs/report-schema.md")
}

#[test]
fn every_check_id_is_documented() {
    let doc = schema_doc();
    for id in CheckId::ALL {
        assert!(
            doc.contains(&format!("| `{}` |", id.as_str())),
            "check id {} is missing from docs/report-schema.md",
            id.as_str()
        );
    }
}

#[test]
fn json_has_the_documented_fields() {
    let mut report = Report::new(
        ReportKind::Signature,
        Some(Time::parse_rfc3339("2021-06-01T00:00:00Z").unwrap()),
    );
    report.push(Check::passed(
        CheckId::SignatureValue,
        CheckCategory::Cryptographic,
        "verifies",
    ));
    report.push(Check::failed(
        CheckId::SignerValidity,
        CheckCategory::Time,
        "expired",
    ));
    report.warn(Warning::new("ses.example", "an example deviation"));
    assert_eq!(report.status(), Status::Indeterminate);

    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["schema_version"], 2);
    assert_eq!(json["kind"], "signature");
    assert_eq!(json["status"], "indeterminate");
    assert_eq!(json["validation_time"], "2021-06-01T00:00:00Z");
    let checks = json["checks"].as_array().unwrap();
    assert_eq!(checks[0]["id"], "signature.value");
    assert_eq!(checks[0]["category"], "cryptographic");
    assert_eq!(checks[0]["status"], "passed");
    assert_eq!(checks[0]["decisive"], false);
    assert_eq!(checks[1]["status"], "failed");
    assert_eq!(checks[1]["category"], "time");
    assert_eq!(json["warnings"][0]["code"], "ses.example");
    assert!(json["seal"].is_null());

    let doc = schema_doc();
    for field in json.as_object().unwrap().keys() {
        assert!(
            doc.contains(&format!("| `{field}` |")),
            "top-level field {field} is not documented"
        );
    }
}

#[test]
fn document_report_fields_are_documented() {
    use eseal::verify::{DocumentFormat, DocumentReport, SignatureEntry};
    let mut inner = Report::new(ReportKind::Signature, None);
    inner.push(Check::passed(
        CheckId::SignatureValue,
        CheckCategory::Cryptographic,
        "verifies",
    ));
    let mut doc = DocumentReport::new(DocumentFormat::Ofd, None);
    doc.push_signature(SignatureEntry::new(
        Some("s001".into()),
        Some("Doc_0/Signs/Sign_0/Signature.xml".into()),
        inner,
    ));
    let json: serde_json::Value = serde_json::from_str(&doc.to_json()).unwrap();
    assert_eq!(json["format"], "ofd");
    assert_eq!(json["status"], "valid");
    assert_eq!(json["signatures"][0]["id"], "s001");
    assert_eq!(json["signatures"][0]["report"]["kind"], "signature");
    let doc_text = schema_doc();
    for field in json.as_object().unwrap().keys() {
        assert!(
            doc_text.contains(&format!("| `{field}` |")),
            "document report field {field} is not documented"
        );
    }
    for field in json["signatures"][0].as_object().unwrap().keys() {
        assert!(
            doc_text.contains(&format!("\"{field}\"")),
            "signature entry field {field} is not documented"
        );
    }
}

#[test]
fn first_problem_prefers_what_decides_and_skips_warn_level_checks() {
    use eseal::verify::{DocumentFormat, DocumentReport, Level, SignatureEntry, ValidationPolicy};
    let mut inner = Report::new(ReportKind::Signature, None);
    inner.push(Check::failed(
        CheckId::Timestamp,
        CheckCategory::Cryptographic,
        "garbage timestamp",
    ));
    inner.push(Check::indeterminate(
        CheckId::SignerChain,
        CheckCategory::Trust,
        "no anchor",
    ));
    inner.push(Check::failed(
        CheckId::DataHash,
        CheckCategory::Cryptographic,
        "altered",
    ));
    // The default policy has the timestamp at `warn`: it no longer decides anything.
    inner.apply_policy(&ValidationPolicy::default_policy());
    assert_eq!(
        inner.check(CheckId::Timestamp).unwrap().level(),
        Level::Warn
    );
    let mut doc = DocumentReport::new(DocumentFormat::Ofd, None);
    doc.push_signature(SignatureEntry::new(None, None, inner.clone()));
    assert_eq!(doc.first_problem().unwrap().id(), CheckId::DataHash);

    let mut only_trust = Report::new(ReportKind::Signature, None);
    only_trust.push(inner.check(CheckId::SignerChain).unwrap().clone());
    let mut doc = DocumentReport::new(DocumentFormat::Ofd, None);
    doc.push_signature(SignatureEntry::new(None, None, only_trust));
    assert_eq!(doc.first_problem().unwrap().id(), CheckId::SignerChain);

    let mut fine = Report::new(ReportKind::Signature, None);
    fine.push(Check::passed(
        CheckId::SignatureValue,
        CheckCategory::Cryptographic,
        "verifies",
    ));
    let mut doc = DocumentReport::new(DocumentFormat::Ofd, None);
    doc.push_signature(SignatureEntry::new(None, None, fine));
    assert!(doc.first_problem().is_none());
}
