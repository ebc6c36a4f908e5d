//! `FaceTemplate::from_json` (`eseal license issue --template FILE`), then issuing with it: a
//! template that parses lays out an OFD and a PDF license, or is refused with a template error
//! (never a failure further down); a license issued with it verifies valid (the face never
//! breaks the seal).
#![no_main]

use std::sync::OnceLock;

use eseal::document::{self, DocumentVerifyOptions};
use eseal::license::{FaceTemplate, IssueRequest, LicenseError, LicenseMetadata, issue_ofd, issue_pdf};
use eseal::verify::{Status, VerifyOptions};
use libfuzzer_sys::fuzz_target;

#[path = "../../crates/eseal/benches/support/fixture.rs"]
mod fixture;
#[path = "../../crates/eseal/tests/license_support/sample.rs"]
mod sample;

fn parties() -> &'static (fixture::Fixture, LicenseMetadata) {
    static P: OnceLock<(fixture::Fixture, LicenseMetadata)> = OnceLock::new();
    P.get_or_init(|| (fixture::Fixture::new(), sample::business_license("20240000001")))
}

/// The template is checked before anything is signed or written, so that is the only refusal
/// it may cause; an OFD, PDF or signing error after the check is a bug.
fn expected(e: &LicenseError) -> bool {
    matches!(e, LicenseError::Template { .. })
}

fuzz_target!(|data: &[u8]| {
    let Ok(template) = FaceTemplate::from_json(data) else { return };
    let (f, meta) = parties();
    let request = IssueRequest::new(meta, &template, &f.seal, &f.signer_cert, &f.signer_key, fixture::t(30));
    let options = DocumentVerifyOptions::new(
        VerifyOptions::new().trust_anchors(&f.store).validation_time(fixture::t(40)),
    );
    let issued = [
        issue_ofd(&request).map(|l| l.ofd),
        issue_pdf(&request).map(|l| l.pdf),
    ];
    for result in issued {
        match result {
            Ok(bytes) => {
                let report = document::verify(&bytes, &options).expect("an issued license reads");
                assert_eq!(report.status(), Status::Valid, "{report:?}");
            }
            Err(e) => assert!(expected(&e), "{e}"),
        }
    }
});
