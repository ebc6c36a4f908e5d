//! `Payload::parse`: the verification 2D code of an e-license (text or URL form), as scanned.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/eseal/tests/support/license_roundtrip.rs"]
mod license_roundtrip;

fuzz_target!(|data: &[u8]| {
    // Whatever parses must serialise and parse back to the same value.
    license_roundtrip::payload(data);
});
