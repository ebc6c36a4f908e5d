//! The PDF reader: cross-reference tables and streams, `/Prev` chains, object streams, the page
//! tree, the form's signature fields, the embedded files, every listed object and stream. Must never panic, and
//! must stay within the limits.
#![no_main]

use eseal::pdf::{Limits, ObjRef, Object, PdfDocument};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut limits = Limits::default();
    limits.max_objects = 10_000;
    limits.max_revisions = 64;
    limits.max_stream_len = 4 << 20;
    limits.max_total_decoded = 16 << 20;
    let Ok(doc) = PdfDocument::parse(data, &limits) else {
        return;
    };
    let _ = doc.page_count();
    let _ = doc.page_sizes_mm();
    let _ = doc.signature_fields();
    // The embedded files (name tree, file specifications, per revision) and signed fields.
    let _ = doc.embedded_files();
    let _ = doc.embedded_files_in_revision(0);
    let _ = doc.signed_fields();
    let count = u32::try_from(doc.object_count())
        .unwrap_or(u32::MAX)
        .min(2_000);
    for num in 1..=count {
        if let Ok(Object::Stream(s)) = doc.object(ObjRef::new(num, 0)) {
            let _ = doc.stream_data(&s);
        }
    }
});
