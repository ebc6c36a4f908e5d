//! Reports built from fuzzer-chosen checks (any id, category, outcome, message text, policy):
//! the JSON form parses back with the same status, checks and messages, and the verdict is
//! monotone — one more failed check never makes a report better.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

use eseal::verify::{
    Check, CheckCategory, CheckId, CheckStatus, DocumentFormat, DocumentReport, Report, ReportKind,
    SignatureEntry, Status, ValidationPolicy,
};


fn rank(s: Status) -> u8 {
    match s {
        Status::Valid => 2,
        Status::Indeterminate => 1,
        _ => 0,
    }
}

fn check(u: &mut Unstructured<'_>) -> Result<Check> {
    let id = *u.choose(CheckId::ALL)?;
    let category = *u.choose(CheckCategory::ALL)?;
    let outcome = *u.choose(CheckStatus::ALL)?;
    let message: String = u.arbitrary()?;
    let c = Check::new(id, category, outcome, message);
    Ok(if u.arbitrary()? { c.make_decisive() } else { c })
}

fn report(u: &mut Unstructured<'_>) -> Result<Report> {
    let kind = if u.arbitrary()? { ReportKind::Seal } else { ReportKind::Signature };
    let mut r = Report::new(kind, None);
    for _ in 0..u.int_in_range(0..=12u8)? {
        r.push(check(u)?);
    }
    let policy = match u.int_in_range(0..=3u8)? {
        0 => None,
        1 => Some(ValidationPolicy::default_policy()),
        2 => Some(ValidationPolicy::strict()),
        _ => Some(ValidationPolicy::relaxed()),
    };
    if let Some(p) = &policy {
        r.apply_policy(p);
    }
    // Monotone: a further counting failure never improves the verdict.
    let before = r.status();
    let mut worse = r.clone();
    worse.push(Check::failed(*u.choose(CheckId::ALL)?, *u.choose(CheckCategory::ALL)?, "injected"));
    assert!(rank(worse.status()) <= rank(before), "{before:?} -> {:?}", worse.status());
    Ok(r)
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let mut doc = DocumentReport::new(DocumentFormat::Ofd, None);
    for _ in 0..u.int_in_range(0..=4u8).unwrap_or(0) {
        let Ok(r) = report(&mut u) else { break };
        doc.push_signature(SignatureEntry::new(None, None, r));
    }
    if let Ok(c) = check(&mut u) {
        doc.push_check(c);
    }
    let json: serde_json::Value = serde_json::from_str(&doc.to_json()).expect("report JSON parses");
    assert_eq!(json["status"].as_str(), Some(doc.status().as_str()));
    let sigs = json["signatures"].as_array().expect("signatures array");
    assert_eq!(sigs.len(), doc.signatures().len());
    for (entry, value) in doc.signatures().iter().zip(sigs) {
        let checks = value["report"]["checks"].as_array().expect("checks array");
        assert_eq!(checks.len(), entry.report().checks().len());
        for (c, v) in entry.report().checks().iter().zip(checks) {
            assert_eq!(v["id"].as_str(), Some(c.id().as_str()));
            assert_eq!(v["message"].as_str(), Some(c.message()));
            assert_eq!(v["status"].as_str(), Some(c.status().as_str()));
        }
    }
    // The document is never better than its worst signature.
    if let Some(worst) = doc.signatures().iter().map(|s| rank(s.report().status())).min() {
        assert!(rank(doc.status()) <= worst);
    }
});
