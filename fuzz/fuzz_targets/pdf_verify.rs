//! PDF verification (`verify_document_with_limits`): every signature's ByteRange, value (CMS or
//! SES_Signature) and the modification analysis of later updates. Must never panic; `Err` only
//! for files that cannot be read at all.
#![no_main]

use eseal::pdf::{Limits, verify_document_with_limits};
use eseal::verify::VerifyOptions;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut limits = Limits::default();
    limits.max_objects = 10_000;
    limits.max_revisions = 64;
    limits.max_stream_len = 4 << 20;
    limits.max_total_decoded = 16 << 20;
    let _ = verify_document_with_limits(data, &VerifyOptions::default(), &limits);
});
