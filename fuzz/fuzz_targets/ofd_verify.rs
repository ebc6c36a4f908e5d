//! OFD verification: every signature of a package (references, coverage, appearance, SES or
//! SignedData values) into a report. Must never panic; `Err` only for unreadable packages.
#![no_main]

use eseal::ofd::{Limits, OfdVerifyOptions, verify_document};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run cheap; the verifier must refuse, not explore, what exceeds them.
    let mut limits = Limits::default();
    limits.max_entries = 64;
    limits.max_total_size = 8 << 20;
    limits.max_entry_size = 4 << 20;
    limits.max_signatures = 16;
    limits.max_total_references = 4_096;
    limits.max_coverage_pairs = 4_096;
    let options = OfdVerifyOptions::default().limits(limits);
    let _ = verify_document(data, &options);
});
