//! OFD packages: the zip container (central directory against local headers, hidden records,
//! shadowed names), OFD.xml, Document.xml, Signatures.xml, each Signature.xml,
//! and the reference digests.
#![no_main]

use eseal::ofd::{Limits, OfdPackage};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run cheap; the parser must refuse, not explore, what exceeds them.
    let mut limits = Limits::default();
    limits.max_entries = 64;
    limits.max_total_size = 8 << 20;
    limits.max_entry_size = 4 << 20;
    limits.max_total_references = 4_096;
    limits.max_coverage_pairs = 4_096;
    let Ok(package) = OfdPackage::from_bytes(data, &limits) else { return };
    let Ok(info) = package.ofd() else { return };
    for body in &info.bodies {
        let _ = package.document(body);
        let _ = package.check_signatures(body);
    }
});
